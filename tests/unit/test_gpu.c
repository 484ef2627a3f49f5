/* GPU and accelerator device paths. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include "gpu.h"

static void device_paths(void **state)
{
	assert_true(gpu_path("/dev/nvidia0"));
	assert_true(gpu_path("/dev/nvidiactl"));
	assert_true(gpu_path("/dev/nvidia-uvm"));
	assert_true(gpu_path("/dev/dri/renderD128"));
	assert_true(gpu_path("/dev/kfd"));
	assert_true(gpu_path("/dev/accel/accel0"));
	assert_false(gpu_path("/dev/dri/card0"));	/* display, not compute */
	assert_false(gpu_path("/dev/null"));
	assert_false(gpu_path("/home/nvidia/data.bin"));
	assert_false(gpu_path("socket:[1234]"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(device_paths),
	};

	return cmocka_run_group_tests_name("gpu", tests, NULL, NULL);
}
