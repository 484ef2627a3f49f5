/* The report's workloads made as processes end (report_fold), pure. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "report_fold.h"

#define SEC 1000000000ULL

static struct proc_row row(uint32_t pid, uint32_t ppid, const char *comm, uint64_t bytes,
			   uint64_t start_ns)
{
	struct proc_row r = { .pid = pid, .ppid = ppid, .start_ns = start_ns, .known = true,
			      .exited = true };

	snprintf(r.comm, sizeof(r.comm), "%s", comm);
	r.io.read_bytes = bytes;
	r.io.read_ops = bytes / 4096;
	r.io.read_size_hist[12] = bytes / 4096;
	return r;
}

static void host_init(struct report_host *h, struct report_opts *o, enum group_by by,
		      size_t max)
{
	memset(h, 0, sizeof(*h));
	memset(o, 0, sizeof(*o));
	o->group = by;
	o->max_workloads = max;
	o->depth = 2;
	config_params_default(&o->params);
	replay_init(&h->rp);
	dirheat_init(&h->heat, o->depth);
	h->t0_ns = SEC;
	h->t1_ns = 10 * SEC;
}

static void host_free(struct report_host *h, struct report_opts *o)
{
	for (size_t i = 0; i < h->nw; i++)
		report_workload_clear(&h->w[i]);
	free(h->w);
	dirheat_free(&h->heat);
	replay_free(&h->rp);
	config_params_free(&o->params);
}

/* By name: two loaders are one workload, their bytes summed; a reused
 * pid is a new process of its name; the largest workload comes first. */
static void processes_fold_by_name(void **state)
{
	struct report_fold f;
	struct report_host h;
	struct report_opts o;
	struct proc_row rows[] = {
		row(200, 1, "loader", 8192, 2 * SEC),
		row(201, 1, "loader", 8192, 3 * SEC),
		row(300, 1, "other", 4096, 4 * SEC),
		row(200, 1, "loader", 4096, 5 * SEC),	/* pid 200 again */
	};

	host_init(&h, &o, GROUP_COMM, 0);
	report_fold_init(&f, GROUP_COMM, 0);
	for (size_t i = 0; i < 4; i++)
		assert_int_equal(report_fold_take(&f, &h, &o, &rows[i], NULL, NULL, false, NULL,
						  NULL), 0);
	assert_int_equal(report_fold_finish(&f, &h, &o), 0);
	assert_int_equal(h.nw, 2);
	assert_string_equal(h.w[0].name, "loader");
	assert_int_equal(h.w[0].io.read_bytes, 20480);
	assert_int_equal(h.w[0].nmembers, 3);
	assert_int_equal(h.w[1].io.read_bytes, 4096);
	report_fold_free(&f);
	host_free(&h, &o);
}

/* Listing one workload per host: the others are summed in "other",
 * their bytes kept. */
static void past_the_limit_workloads_are_summed(void **state)
{
	struct report_fold f;
	struct report_host h;
	struct report_opts o;
	struct proc_row rows[] = {
		row(10, 1, "a", 4096, 2 * SEC),
		row(11, 1, "b", 40960, 2 * SEC),
		row(12, 1, "c", 8192, 2 * SEC),
	};

	host_init(&h, &o, GROUP_PID, 1);
	report_fold_init(&f, GROUP_PID, 1);
	for (size_t i = 0; i < 3; i++)
		assert_int_equal(report_fold_take(&f, &h, &o, &rows[i], NULL, NULL, false, NULL,
						  NULL), 0);
	assert_int_equal(report_fold_finish(&f, &h, &o), 0);
	assert_int_equal(h.nw, 1);
	assert_int_equal(h.w[0].pid, 11);
	assert_int_equal(h.other.workloads, 2);
	assert_int_equal(h.other.io.read_bytes, 4096 + 8192);
	report_fold_free(&f);
	host_free(&h, &o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(processes_fold_by_name),
		cmocka_unit_test(past_the_limit_workloads_are_summed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
