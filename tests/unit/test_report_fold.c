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

static void read_blocks(struct report_fold *f, const struct iopat_proc *p, uint64_t file,
			unsigned int blocks, unsigned int passes)
{
	for (unsigned int pass = 0; pass < passes; pass++)
		for (uint64_t b = 0; b < blocks; b++)
			assert_int_equal(report_fold_note_read(f, p, NULL, file, b * 4096, 4096,
							       false), 0);
}

static const struct report_workload *named(const struct report_host *h, const char *name)
{
	for (size_t i = 0; i < h->nw; i++)
		if (!strcmp(h->w[i].name, name))
			return &h->w[i];
	fail_msg("no workload %s", name);
	return NULL;
}

/* Each workload's curve holds its own reads; the host's holds all of
 * them, following the first workload's until another reads; past the
 * number of curves kept, the one with the fewest bytes goes, and its
 * workload has none (not a curve missing some of its reads). */
static void each_workload_has_its_own_curve(void **state)
{
	struct cache_curve_opts exact = { .block_size = 4096, .write_allocate = true,
					  .max_keys = 1 << 20 };
	struct iopat_proc pa = { .tgid = 10, .ppid = 1, .start_ns = 2 * SEC, .comm = "a" };
	struct iopat_proc pb = { .tgid = 11, .ppid = 1, .start_ns = 2 * SEC, .comm = "b" };
	struct iopat_proc pc = { .tgid = 12, .ppid = 1, .start_ns = 2 * SEC, .comm = "c" };
	struct proc_row rows[] = {
		row(10, 1, "a", 20 * 4096, 2 * SEC),
		row(11, 1, "b", 16 * 4096, 2 * SEC),
		row(12, 1, "c", 30 * 4096, 2 * SEC),
	};
	struct cache_curve_result host;
	const struct report_workload *w;
	struct report_fold f;
	struct report_host h;
	struct report_opts o;

	host_init(&h, &o, GROUP_COMM, 0);
	report_fold_init(&f, GROUP_COMM, 0);
	report_fold_curves(&f, &exact, 2);
	read_blocks(&f, &pa, 1, 10, 2);		/* a: 10 blocks twice */
	assert_int_equal(f.cv.host_mode, FOLD_HOST_FOLLOW);
	read_blocks(&f, &pb, 2, 4, 3);		/* b: 4 blocks three times */
	assert_int_equal(f.cv.host_mode, FOLD_HOST_OWN);
	read_blocks(&f, &pc, 3, 30, 1);		/* c: b's curve (fewest bytes) goes */
	read_blocks(&f, &pb, 2, 4, 1);		/* b again: no curve */
	for (size_t i = 0; i < 3; i++)
		assert_int_equal(report_fold_take(&f, &h, &o, &rows[i], NULL, NULL, false, NULL,
						  NULL), 0);
	assert_int_equal(report_fold_finish(&f, &h, &o), 0);
	w = named(&h, "a");
	assert_non_null(w->cache);
	assert_float_equal(w->cache->max_hit_ratio, 0.5, 1e-9);
	assert_int_equal(w->cache->capacity_for_hits[2], 10 * 4096);
	assert_null(named(&h, "b")->cache);
	w = named(&h, "c");
	assert_non_null(w->cache);
	assert_float_equal(w->cache->max_hit_ratio, 0, 1e-9);
	assert_int_equal(w->cache->capacity_for_hits[2], 0);
	/* the host: a's 10 hits, b's 8 + 4, c's none, of 20 + 16 + 30 reads */
	cache_curve_result(report_fold_host_curve(&f), &host);
	assert_float_equal(host.reads, 66, 1e-9);
	assert_float_equal(host.max_hit_ratio, 22.0 / 66, 1e-9);
	report_fold_free(&f);
	host_free(&h, &o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(processes_fold_by_name),
		cmocka_unit_test(past_the_limit_workloads_are_summed),
		cmocka_unit_test(each_workload_has_its_own_curve),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
