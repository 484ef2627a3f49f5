/* Classifier: every rule, every boundary of the threshold table, idle. */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "classify.h"

#define MiB (1024.0 * 1024.0)
#define GiB (1024.0 * MiB)

static struct classify_params P;

static int setup(void **state)
{
	classify_params_default(&P);
	return 0;
}

/* A read-mostly base: 1 GiB read once in random 4 KiB reads, no writes. */
static struct features base(void)
{
	struct features f = {
		.duration_s = 10, .read_bytes = GiB, .read_ops = GiB / 4096,
		.seq_read_pct = 5, .dom_read_size = 4096, .reread = 1,
		.working_set = GiB, .files = 100, .duty_cycle = 1,
	};
	return f;
}

static enum stage stage_of(const struct features *f)
{
	struct verdict v;

	classify(f, &P, &v);
	assert_true(v.confidence >= 0 && v.confidence <= 1);
	assert_true(v.nreasons >= 1);
	assert_true(v.tier_reason[0] != '\0');
	return v.stage;
}

static void with_writes(struct features *f, double share, double size, double seq)
{
	f->write_bytes = f->read_bytes * share / (1 - share);
	f->write_ops = f->write_bytes / size;
	f->dom_write_size = size;
	f->seq_write_pct = seq;
}

static void idle_below_threshold(void **state)
{
	struct features f = base();
	struct verdict v;

	f.read_bytes = P.idle_bytes - 1;
	classify(&f, &P, &v);
	assert_int_equal(v.stage, STAGE_IDLE);
	assert_int_equal(v.tier, TIER_BIG);
	f.read_bytes = P.idle_bytes;
	assert_int_not_equal(stage_of(&f), STAGE_IDLE);
}

static void ingest_is_write_only(void **state)
{
	struct features f = base();
	struct verdict v;

	with_writes(&f, P.write_only_share, 512, 100);
	classify(&f, &P, &v);
	assert_int_equal(v.stage, STAGE_INGEST);
	assert_int_equal(v.tier, TIER_FAST);
	assert_non_null(strstr(v.reasons[1], "small records"));
	/* just below the write-only share it is no longer ingest */
	with_writes(&f, P.write_only_share - 0.01, 512, 100);
	assert_int_not_equal(stage_of(&f), STAGE_INGEST);
}

static void generative_deploy_writes_more_than_it_reads(void **state)
{
	struct features f = base();
	struct verdict v;

	with_writes(&f, 0.8, 65536, 100);	/* 1:4 */
	classify(&f, &P, &v);
	assert_int_equal(v.stage, STAGE_DEPLOY);
	assert_non_null(strstr(v.reasons[1], "generative"));
	with_writes(&f, P.one_to_one_high, 65536, 100);	/* boundary: process */
	assert_int_equal(stage_of(&f), STAGE_PROCESS);
}

static void process_is_one_to_one(void **state)
{
	struct features f = base();
	struct verdict v;

	with_writes(&f, 0.5, 131072, 90);
	classify(&f, &P, &v);
	assert_int_equal(v.stage, STAGE_PROCESS);
	assert_true(v.confidence == 1.0);	/* dead centre */
	with_writes(&f, P.one_to_one_low, 131072, 90);
	assert_int_equal(stage_of(&f), STAGE_PROCESS);
	with_writes(&f, P.one_to_one_low - 0.01, 131072, 90);
	assert_int_not_equal(stage_of(&f), STAGE_PROCESS);
}

static void train_rereads_and_writes_checkpoints(void **state)
{
	struct features f = base();
	struct verdict v;

	f.reread = 3;
	with_writes(&f, 0.05, 1 * MiB, 100);
	classify(&f, &P, &v);
	assert_int_equal(v.stage, STAGE_TRAIN);
	assert_int_equal(v.tier, TIER_FAST);
	/* a checkpoint is large and sequential: small writes are not one */
	with_writes(&f, 0.05, 4096, 100);
	assert_int_equal(stage_of(&f), STAGE_EXTRACT);
	/* the re-read boundary */
	with_writes(&f, 0.05, 1 * MiB, 100);
	f.reread = P.reread_min;
	assert_int_equal(stage_of(&f), STAGE_TRAIN);
	f.reread = P.reread_min - 0.01;
	assert_int_not_equal(stage_of(&f), STAGE_TRAIN);
}

static bool has_reason(const struct verdict *v, const char *text)
{
	for (int i = 0; i < v->nreasons; i++)
		if (strstr(v->reasons[i], text))
			return true;
	return false;
}

/* Periodic write bursts (bursts.h) name a trainer's checkpoints, and make
 * sequential writes of any size checkpoints. */
static void periodic_write_bursts_are_checkpoints(void **state)
{
	struct features f = base();
	struct verdict v;

	f.reread = 3;
	with_writes(&f, 0.05, 4096, 100);	/* small writes: not checkpoint-like */
	assert_int_equal(stage_of(&f), STAGE_EXTRACT);
	f.write_bursts = 4;
	f.burst_period_s = 10.2;
	f.burst_bytes = 64 * MiB;
	classify(&f, &P, &v);
	assert_int_equal(v.stage, STAGE_TRAIN);
	assert_true(has_reason(&v, "checkpoints: 4 write bursts every 10.2 s, 64.00 MiB each"));
	/* bursts of random writes are not checkpoints */
	f.seq_write_pct = P.seq_min_pct - 1;
	classify(&f, &P, &v);
	assert_int_equal(v.stage, STAGE_EXTRACT);
	assert_false(has_reason(&v, "write bursts"));
	f.seq_write_pct = P.seq_min_pct;
	assert_int_equal(stage_of(&f), STAGE_TRAIN);
	/* large sequential checkpoints: both lines of evidence */
	with_writes(&f, 0.05, 1 * MiB, 100);
	classify(&f, &P, &v);
	assert_int_equal(v.stage, STAGE_TRAIN);
	assert_true(has_reason(&v, "checkpoint-like writes"));
	assert_true(has_reason(&v, "4 write bursts every 10.2 s"));
	/* too little output to be checkpoints: no bursts named */
	with_writes(&f, P.output_share_min / 2, 4096, 100);
	classify(&f, &P, &v);
	assert_false(has_reason(&v, "write bursts"));
	assert_int_not_equal(v.stage, STAGE_EXTRACT);
}

static void train_with_gpu_and_no_writes(void **state)
{
	struct features f = base();
	struct verdict v;

	f.reread = 2;
	f.working_set = 100 * MiB;	/* small, yet a GPU is fed */
	f.gpu = true;
	classify(&f, &P, &v);
	assert_int_equal(v.stage, STAGE_TRAIN);
	assert_string_equal(v.reasons[v.nreasons - 1], "GPU device open");
	f.gpu = false;
	assert_int_equal(stage_of(&f), STAGE_MODEL);
}

static void model_rereads_a_small_set_or_pauses(void **state)
{
	struct features f = base();

	f.reread = 5;
	f.working_set = P.small_working_set - 1;
	assert_int_equal(stage_of(&f), STAGE_MODEL);
	f.working_set = P.small_working_set;
	assert_int_equal(stage_of(&f), STAGE_TRAIN);
	/* pauses make it model whatever the size */
	f.duty_cycle = P.busy_duty - 0.01;
	assert_int_equal(stage_of(&f), STAGE_MODEL);
	f.duty_cycle = P.busy_duty;
	assert_int_equal(stage_of(&f), STAGE_TRAIN);
	/* unknown duty cycle is not a pause */
	f.duty_cycle = -1;
	assert_int_equal(stage_of(&f), STAGE_TRAIN);
}

static void extract_reads_large_writes_little(void **state)
{
	struct features f = base();

	f.dom_read_size = 1 * MiB;
	f.seq_read_pct = 99;
	with_writes(&f, 0.02, 65536, 50);
	assert_int_equal(stage_of(&f), STAGE_EXTRACT);
	/* iterative: re-reads its input and writes features */
	f.reread = 2;
	assert_int_equal(stage_of(&f), STAGE_EXTRACT);
	/* the output boundary */
	f.reread = 1;
	with_writes(&f, P.output_share_min - 0.0005, 65536, 50);
	assert_int_equal(stage_of(&f), STAGE_ARCHIVE);
}

static void inference_reads_once_writes_answers(void **state)
{
	struct features f = base();
	struct verdict v;

	f.dom_read_size = 16384;
	with_writes(&f, 0.01, 128, 100);
	classify(&f, &P, &v);
	assert_int_equal(v.stage, STAGE_DEPLOY);
	assert_non_null(strstr(v.reasons[2], "inference"));
	assert_int_equal(v.tier, TIER_FAST);
}

static void archive_is_one_sequential_pass(void **state)
{
	struct features f = base();
	struct verdict v;

	f.dom_read_size = 4 * MiB;
	f.seq_read_pct = P.seq_min_pct;
	classify(&f, &P, &v);
	assert_int_equal(v.stage, STAGE_ARCHIVE);
	assert_int_equal(v.tier, TIER_BIG);
	f.seq_read_pct = P.seq_min_pct - 1;	/* no longer a stream */
	assert_int_equal(stage_of(&f), STAGE_DEPLOY);
	f.seq_read_pct = 100;
	f.dom_read_size = P.large_io / 2;	/* too small for a bulk scan */
	assert_int_equal(stage_of(&f), STAGE_DEPLOY);
}

static void rules_rest_on_ratios_not_volume(void **state)
{
	struct features f = base();
	enum stage small, large;

	f.reread = 3;
	with_writes(&f, 0.05, 1 * MiB, 100);
	small = stage_of(&f);
	f.read_bytes *= 1000;
	f.write_bytes *= 1000;
	f.read_ops *= 1000;
	f.write_ops *= 1000;
	f.working_set *= 1000;
	large = stage_of(&f);
	/* re-read 3x with 5% of checkpoint-sized writes: training, at any
	 * volume */
	assert_int_equal(small, STAGE_TRAIN);
	assert_int_equal(large, STAGE_TRAIN);
}

static void random_small_reads_want_fast_tier(void **state)
{
	struct features f = base();
	struct verdict v;

	f.dom_read_size = 4096;
	f.seq_read_pct = 10;
	f.reread = 1;
	with_writes(&f, 0.02, 65536, 90);	/* extract-like output, small random reads */
	classify(&f, &P, &v);
	assert_int_equal(v.tier, TIER_FAST);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(idle_below_threshold),
		cmocka_unit_test(ingest_is_write_only),
		cmocka_unit_test(generative_deploy_writes_more_than_it_reads),
		cmocka_unit_test(process_is_one_to_one),
		cmocka_unit_test(train_rereads_and_writes_checkpoints),
		cmocka_unit_test(periodic_write_bursts_are_checkpoints),
		cmocka_unit_test(train_with_gpu_and_no_writes),
		cmocka_unit_test(model_rereads_a_small_set_or_pauses),
		cmocka_unit_test(extract_reads_large_writes_little),
		cmocka_unit_test(inference_reads_once_writes_answers),
		cmocka_unit_test(archive_is_one_sequential_pass),
		cmocka_unit_test(rules_rest_on_ratios_not_volume),
		cmocka_unit_test(random_small_reads_want_fast_tier),
	};

	return cmocka_run_group_tests_name("classify", tests, setup, NULL);
}
