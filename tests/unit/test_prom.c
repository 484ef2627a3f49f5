/* The Prometheus exporter's model and exposition (prom.c), pure. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "prom.h"

#define SEC 1000000000ULL

static char *render(const struct prom_model *m, bool om)
{
	static struct prom_text t;
	uint64_t drops[IOPAT_NDROPS] = { 0 };
	struct prom_self self = { .version = "1.2.3", .drops = drops, .ready = true };

	t.openmetrics = om;
	prom_render(&t, m, &self);
	assert_int_equal(t.oom, 0);
	return t.buf;
}

static bool has_line(const char *text, const char *line)
{
	size_t n = strlen(line);

	for (const char *p = text; (p = strstr(p, line)); p++)
		if ((p == text || p[-1] == '\n') && p[n] == '\n')
			return true;
	return false;
}

static struct prom_workload wl(const char *name, uint64_t read_bytes)
{
	struct prom_workload w = { .name = name, .comm = "c", .cgroup = "", .container = "",
				   .pod = "" };

	w.io.read_bytes = read_bytes;
	w.io.read_ops = read_bytes / 4096;
	w.io.read_size_hist[12] = read_bytes / 4096;	/* 4 KiB reads */
	return w;
}

/* Label values: escaped, and valid UTF-8 whatever the bytes. */
static void label_values_are_escaped_and_utf8(void **state)
{
	struct prom_text t = { 0 };

	prom_label_value(&t, "a\"b\\c\nd");
	assert_string_equal(t.buf, "a\\\"b\\\\c\\nd");
	t.len = 0;
	prom_label_value(&t, "x\xff\xc3(\xe2\x82\xac\xc3\xa9");
	/* 0xff and a cut sequence become U+FFFD; the euro sign and e-acute stay */
	assert_string_equal(t.buf, "x\xef\xbf\xbd\xef\xbf\xbd(\xe2\x82\xac\xc3\xa9");
	t.len = 0;
	prom_label_value(&t, "\xed\xa0\x80");	/* a surrogate: not UTF-8 */
	assert_string_equal(t.buf, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	prom_text_free(&t);
}

/* A counter that goes back is a restart: what is exported never drops. */
static void counters_never_go_back(void **state)
{
	struct prom_model m;
	struct prom_workload w = wl("job/1", 100000);

	prom_model_init(&m, 10, 60 * SEC);
	assert_int_equal(prom_model_update(&m, &w, 1, 1 * SEC), 0);
	assert_int_equal(m.e[0].out.bytes[PROM_SYSCALL][0], 100000);
	w.io.read_bytes = 40000;
	assert_int_equal(prom_model_update(&m, &w, 1, 2 * SEC), 0);
	assert_int_equal(m.e[0].out.bytes[PROM_SYSCALL][0], 140000);
	w.io.read_bytes = 50000;
	assert_int_equal(prom_model_update(&m, &w, 1, 3 * SEC), 0);
	assert_int_equal(m.e[0].out.bytes[PROM_SYSCALL][0], 150000);
	prom_model_free(&m);
}

/* Past the top N, workloads are summed in "other", which only grows:
 * a workload pushed out brings its growth from then on, not its past. */
static void past_the_top_n_is_other(void **state)
{
	struct prom_model m;
	struct prom_workload w[3] = { wl("a", 3000000), wl("b", 2000000), wl("c", 1000000) };
	char *text;

	prom_model_init(&m, 2, 60 * SEC);
	assert_int_equal(prom_model_update(&m, w, 2, 1 * SEC), 0);
	assert_int_equal(m.nother, 0);
	assert_int_equal(prom_model_update(&m, w, 3, 2 * SEC), 0);
	assert_int_equal(m.nother, 1);
	assert_int_equal(m.other.bytes[PROM_SYSCALL][0], 1000000);
	/* c grows past b: b's growth from here on goes to "other" */
	w[2].io.read_bytes = 2500000;
	w[1].io.read_bytes = 2100000;
	assert_int_equal(prom_model_update(&m, w, 3, 3 * SEC), 0);
	assert_int_equal(m.other.bytes[PROM_SYSCALL][0], 1000000 + 100000);
	text = render(&m, false);
	assert_true(has_line(text, "iopat_io_bytes_total{workload=\"c\",comm=\"c\","
				   "direction=\"read\",level=\"syscall\"} 2500000"));
	assert_true(has_line(text, "iopat_io_bytes_total{workload=\"other\",comm=\"\","
				   "direction=\"read\",level=\"syscall\"} 1100000"));
	assert_null(strstr(text, "workload=\"b\""));
	prom_model_free(&m);
}

/* An ended workload's series stay for the grace period, then go. */
static void ended_workloads_go_after_the_grace(void **state)
{
	struct prom_model m;
	struct prom_workload w = wl("gone", 4096);

	prom_model_init(&m, 10, 5 * SEC);
	assert_int_equal(prom_model_update(&m, &w, 1, 1 * SEC), 0);
	assert_int_equal(prom_model_update(&m, NULL, 0, 5 * SEC), 0);
	assert_int_equal(m.n, 1);
	assert_true(has_line(render(&m, false), "iopat_io_bytes_total{workload=\"gone\","
						"comm=\"c\",direction=\"read\","
						"level=\"syscall\"} 4096"));
	assert_int_equal(prom_model_update(&m, NULL, 0, 7 * SEC), 0);
	assert_int_equal(m.n, 0);
	assert_null(strstr(render(&m, false), "workload=\"gone\""));
	prom_model_free(&m);
}

/* Histograms: cumulative buckets at exact bounds, count and sum; a 4 KiB
 * read is under le=8191, not le=4095; program files leave the syscall
 * level for their own. */
static void histograms_and_levels(void **state)
{
	struct prom_model m;
	struct prom_workload w = wl("h", 8 * 4096);
	char *text;

	w.io.read_bytes += 1000;	/* one program file read */
	w.io.read_ops += 1;
	w.io.read_size_hist[9] += 1;
	w.io.fs.prog_read_bytes = 1000;
	w.io.fs.prog_read_ops = 1;
	w.io.dev_read_lat_hist[iopat_lat_bucket(150000)] = 3;	/* 150 us */
	w.io.dev_read_lat_ns = 450000;
	prom_model_init(&m, 10, 60 * SEC);
	assert_int_equal(prom_model_update(&m, &w, 1, 1 * SEC), 0);
	text = render(&m, false);
	assert_true(has_line(text, "iopat_io_bytes_total{workload=\"h\",comm=\"c\","
				   "direction=\"read\",level=\"syscall\"} 32768"));
	assert_true(has_line(text, "iopat_io_bytes_total{workload=\"h\",comm=\"c\","
				   "direction=\"read\",level=\"program\"} 1000"));
	assert_true(has_line(text, "iopat_io_size_bytes_bucket{workload=\"h\",comm=\"c\","
				   "direction=\"read\",le=\"1023\"} 1"));
	assert_true(has_line(text, "iopat_io_size_bytes_bucket{workload=\"h\",comm=\"c\","
				   "direction=\"read\",le=\"4095\"} 1"));
	assert_true(has_line(text, "iopat_io_size_bytes_bucket{workload=\"h\",comm=\"c\","
				   "direction=\"read\",le=\"8191\"} 9"));
	assert_true(has_line(text, "iopat_io_size_bytes_bucket{workload=\"h\",comm=\"c\","
				   "direction=\"read\",le=\"+Inf\"} 9"));
	assert_true(has_line(text, "iopat_io_size_bytes_count{workload=\"h\",comm=\"c\","
				   "direction=\"read\"} 9"));
	assert_true(has_line(text, "iopat_io_size_bytes_sum{workload=\"h\",comm=\"c\","
				   "direction=\"read\"} 33768"));
	/* 150 us is in [2^17, 2^18) ns: under le=262.144 us, not 131.072 us */
	assert_true(has_line(text, "iopat_device_latency_seconds_bucket{workload=\"h\","
				   "comm=\"c\",direction=\"read\",le=\"0.000131072\"} 0"));
	assert_true(has_line(text, "iopat_device_latency_seconds_bucket{workload=\"h\","
				   "comm=\"c\",direction=\"read\",le=\"0.000262144\"} 3"));
	assert_true(has_line(text, "iopat_device_latency_seconds_sum{workload=\"h\","
				   "comm=\"c\",direction=\"read\"} 0.00045"));
	/* no write: no write histogram */
	assert_null(strstr(text, "iopat_io_size_bytes_bucket{workload=\"h\",comm=\"c\","
				 "direction=\"write\""));
	prom_model_free(&m);
}

/* OpenMetrics: counter families named without _total, and # EOF last. */
static void openmetrics_families(void **state)
{
	struct prom_model m;
	struct prom_workload w = wl("o", 4096);
	char *text;

	prom_model_init(&m, 10, 60 * SEC);
	assert_int_equal(prom_model_update(&m, &w, 1, 1 * SEC), 0);
	text = render(&m, true);
	assert_true(has_line(text, "# TYPE iopat_io_bytes counter"));
	assert_true(has_line(text, "# TYPE iopat_io_size_bytes histogram"));
	assert_true(strlen(text) > 6 && !strcmp(text + strlen(text) - 6, "# EOF\n"));
	text = render(&m, false);
	assert_true(has_line(text, "# TYPE iopat_io_bytes_total counter"));
	assert_null(strstr(text, "# EOF"));
	prom_model_free(&m);
}

static const char *name_dev(void *ctx, uint32_t dev, char *buf, size_t len)
{
	snprintf(buf, len, "dev%u", dev);
	return buf;
}

/* Devices: the growth of each (process, device) entry; an entry gone
 * takes nothing away; one that went back is a new process. */
static void devices_sum_the_growth(void **state)
{
	struct iopat_dev_key keys[2] = { { .tgid = 10, .dev = 7 }, { .tgid = 11, .dev = 7 } };
	struct iopat_dev_stats st[2] = { 0 };
	struct raw_snapshot s = { .dev_keys = keys, .dev_stats = st, .ndevs = 2 };
	struct prom_model m;

	prom_model_init(&m, 10, 60 * SEC);
	st[0].dir[0].bytes = 1000, st[0].dir[0].ops = 1;
	st[1].dir[1].bytes = 500, st[1].dir[1].ops = 1;
	assert_int_equal(prom_model_devices(&m, &s, name_dev, NULL), 0);
	st[0].dir[0].bytes = 3000, st[0].dir[0].ops = 3;
	s.ndevs = 1;	/* pid 11 has gone */
	assert_int_equal(prom_model_devices(&m, &s, name_dev, NULL), 0);
	assert_int_equal(m.ndev, 1);
	assert_string_equal(m.dev[0].name, "dev7");
	assert_int_equal(m.dev[0].bytes[0], 3000);
	assert_int_equal(m.dev[0].bytes[1], 500);
	st[0].dir[0].bytes = 200, st[0].dir[0].ops = 1;	/* pid 10 reused */
	assert_int_equal(prom_model_devices(&m, &s, name_dev, NULL), 0);
	assert_int_equal(m.dev[0].bytes[0], 3200);
	assert_int_equal(m.dev[0].ops[0], 4);
	prom_model_free(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(label_values_are_escaped_and_utf8),
		cmocka_unit_test(counters_never_go_back),
		cmocka_unit_test(past_the_top_n_is_other),
		cmocka_unit_test(ended_workloads_go_after_the_grace),
		cmocka_unit_test(histograms_and_levels),
		cmocka_unit_test(openmetrics_families),
		cmocka_unit_test(devices_sum_the_growth),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
