#include <stdio.h>
#include <string.h>
#include "gpu.h"

bool gpu_path(const char *p)
{
	static const char *const prefixes[] = {
		"/dev/nvidia", "/dev/dri/renderD", "/dev/kfd", "/dev/accel/",
	};

	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (!strncmp(p, prefixes[i], strlen(prefixes[i])))
			return true;
	return false;
}
