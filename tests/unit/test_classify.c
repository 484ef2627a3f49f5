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
		.seq_read_pct = 5, .seq_in_file_pct = 5, .dom_read_size = 4096, .reread = 1,
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
	/* R:W written as top's column writes it */
	assert_true(v.nreasons > 1);
	assert_string_equal(v.reasons[1], "R:W 1.0:1");
	with_writes(&f, 0.6, 131072, 90);	/* more written than read */
	classify(&f, &P, &v);
	assert_string_equal(v.reasons[1], "R:W 1:1.5");
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
	/* a checkpoint is large and sequential: small writes are not one;
	 * reading the input in order and writing a little is extraction */
	with_writes(&f, 0.05, 4096, 100);
	f.seq_read_pct = 95;
	assert_int_equal(stage_of(&f), STAGE_EXTRACT);
	/* the same read at random (or shuffled files) is not: a large set
	 * re-read at random trains */
	f.seq_read_pct = 5;
	assert_int_equal(stage_of(&f), STAGE_TRAIN);
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
	f.seq_read_pct = 95;
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

/* Checkpoints as large as the data read still leave a trainer a trainer:
 * periodic bursts with re-reads come before the read:write ratio. */
static void checkpoints_outweigh_reads_still_train(void **state)
{
	struct features f = base();
	struct verdict v;

	f.reread = 3;
	with_writes(&f, 0.5, 1 * MiB, 100);
	assert_int_equal(stage_of(&f), STAGE_PROCESS);	/* no bursts seen */
	f.write_bursts = 3;
	f.burst_period_s = 20;
	f.burst_bytes = 300 * MiB;
	classify(&f, &P, &v);
	assert_int_equal(v.stage, STAGE_TRAIN);
	assert_true(has_reason(&v, "checkpoints: 3 write bursts"));
	/* read once: a 1:1 job with bursty output is processing */
	f.reread = 1;
	assert_int_equal(stage_of(&f), STAGE_PROCESS);
	/* no GPU seen: no accelerators in the reasons */
	f.reread = 3;
	classify(&f, &P, &v);
	assert_null(strstr(v.tier_reason, "accelerator"));
	f.gpu = true;
	classify(&f, &P, &v);
	assert_non_null(strstr(v.tier_reason, "accelerator"));
}

/* Writes n times what it reads: a generator when the input is read all
 * along the writes, an ingest when the reads are all at one time. */
static void generator_reads_along_its_writes(void **state)
{
	struct features f = base();
	struct verdict v;

	f.read_bytes = 4 * MiB;		/* a 4 KiB prompt per 1 MiB image */
	f.read_ops = 1024;
	f.seq_read_pct = 100;
	f.write_bytes = 1024 * MiB;
	f.write_ops = 1024;
	f.dom_write_size = MiB;
	f.seq_write_pct = 100;
	f.read_spread = 0.98;
	classify(&f, &P, &v);
	assert_int_equal(v.stage, STAGE_DEPLOY);
	assert_true(has_reason(&v, "generative"));
	assert_true(has_reason(&v, "reads input through 98% of its writing"));
	/* the boundary */
	f.read_spread = P.interleave_min;
	assert_int_equal(stage_of(&f), STAGE_DEPLOY);
	f.read_spread = P.interleave_min - 0.01;
	assert_int_equal(stage_of(&f), STAGE_INGEST);
	/* unknown spread, or one read: ingest */
	f.read_spread = -1;
	assert_int_equal(stage_of(&f), STAGE_INGEST);
	f.read_spread = 1;
	f.read_ops = 1;
	assert_int_equal(stage_of(&f), STAGE_INGEST);
	/* no data read at all */
	f.read_bytes = f.read_ops = 0;
	assert_int_equal(stage_of(&f), STAGE_INGEST);
}

/* Program files are left out of every feature: bytes, ops, the
 * dominant size, sequentiality, unique bytes, files. */
static void program_files_are_set_aside(void **state)
{
	struct io_totals io = {};
	struct features f;
	struct verdict v;

	/* 40 data reads of 29 MiB, and `import numpy`: 185 program reads of
	 * 4.7 MiB in all (one per file) */
	io.read_bytes = 40 * 29 * MiB + 4.7 * MiB;
	io.read_ops = 40 + 185;
	io.seq_read_ops = 40 + 185;
	io.read_size_hist[24] = 40;
	io.read_size_hist[14] = 185;
	io.unique_read_bytes = io.read_bytes;
	io.files = 10 + 185;
	io.write_bytes = 12 * MiB;
	io.write_ops = 12;
	io.seq_write_ops = 12;
	io.write_size_hist[20] = 12;
	io.unique_write_bytes = 12 * MiB;
	io.fs.prog_read_bytes = 4.7 * MiB;
	io.fs.prog_read_ops = 185;
	io.fs.prog_seq_read_ops = 185;
	io.fs.prog_read_size_hist[14] = 185;
	io.fs.prog_unique_read_bytes = 4.7 * MiB;
	io.fs.prog_files = 185;
	io.fs.prog_class_bytes[PROG_MODULES] = 4 * MiB;
	io.fs.prog_class_bytes[PROG_LIBRARIES] = 0.7 * MiB;
	features_from_totals(&f, &io, 10, 1, false);
	assert_true(f.read_bytes == 40 * 29 * MiB);
	assert_true(f.read_ops == 40);
	assert_true(f.dom_read_size == 16 * MiB);	/* the 40, not the 185 */
	assert_true(f.seq_read_pct == 100);
	assert_true(f.files == 10);
	assert_true(f.reread == 1);
	classify(&f, &P, &v);
	assert_int_equal(v.stage, STAGE_EXTRACT);
	assert_true(has_reason(&v, "set aside 4.70 MiB of program files: interpreter modules, "
				   "libraries"));
}

/* Whole files read in shuffled order: each step to a file out of order is
 * a jump, though the kernel counts a read at offset 0 sequential. */
static void shuffled_whole_files_are_random(void **state)
{
	struct io_totals io = {};
	struct features f;
	struct verdict v;

	/* 3 epochs over 5,000 files of 256 KiB, one read each */
	io.read_ops = io.seq_read_ops = 15000;
	io.read_bytes = 15000 * 256 * 1024.0;
	io.read_size_hist[18] = 15000;
	io.unique_read_bytes = 5000 * 256 * 1024.0;
	io.files = io.fs.data_files_read = io.fs.whole_files_read = 5000;
	io.fs.file_steps = 14997;
	io.fs.shuffled_steps = 14700;
	features_from_totals(&f, &io, 60, 1, false);
	assert_true(f.seq_read_pct < 3);
	assert_true(f.shuffled > 0.97);
	classify(&f, &P, &v);
	assert_int_equal(v.stage, STAGE_TRAIN);
	assert_true(has_reason(&v, "reads 5.0k files whole, in shuffled order (98% of steps)"));
	/* the same files in name order: a sequential scan */
	io.fs.shuffled_steps = 30;
	features_from_totals(&f, &io, 60, 1, false);
	assert_true(f.seq_read_pct > 99);
	classify(&f, &P, &v);
	assert_false(has_reason(&v, "shuffled"));
	/* too few steps say nothing */
	io.fs.file_steps = P.shuffle_steps_min - 1;
	io.fs.shuffled_steps = io.fs.file_steps;
	features_from_totals(&f, &io, 60, 1, false);
	classify(&f, &P, &v);
	assert_false(has_reason(&v, "shuffled"));
}

/* A verdict shown over refreshes changes stage only after the new stage
 * has held for `hold` judgements in a row; same-stage verdicts refresh
 * its numbers at once. */
static void verdict_hold_needs_a_run_of_judgements(void **state)
{
	struct verdict_held h = {};
	struct verdict a = { .stage = STAGE_TRAIN, .confidence = 0.7 };
	struct verdict b = { .stage = STAGE_DEPLOY, .confidence = 0.9 };

	assert_int_equal(verdict_hold(&h, &a, 3)->stage, STAGE_TRAIN);	/* the first */
	assert_int_equal(verdict_hold(&h, &b, 3)->stage, STAGE_TRAIN);
	assert_int_equal(verdict_hold(&h, &b, 3)->stage, STAGE_TRAIN);
	a.confidence = 0.8;	/* the run is broken: counting starts again */
	assert_true(verdict_hold(&h, &a, 3)->confidence == 0.8);
	assert_int_equal(verdict_hold(&h, &b, 3)->stage, STAGE_TRAIN);
	assert_int_equal(verdict_hold(&h, &b, 3)->stage, STAGE_TRAIN);
	assert_int_equal(verdict_hold(&h, &b, 3)->stage, STAGE_DEPLOY);
	assert_int_equal(verdict_hold(&h, &a, 1)->stage, STAGE_TRAIN);	/* no hold */
	/* from idle, at once */
	a.stage = STAGE_IDLE;
	memset(&h, 0, sizeof(h));
	assert_int_equal(verdict_hold(&h, &a, 3)->stage, STAGE_IDLE);
	assert_int_equal(verdict_hold(&h, &b, 3)->stage, STAGE_DEPLOY);
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
	/* no longer a stream, or too small for a bulk scan: read once in
	 * order, nothing stored, no stage */
	f.seq_read_pct = f.seq_in_file_pct = P.seq_min_pct - 1;
	assert_int_equal(stage_of(&f), STAGE_NONE);
	f.seq_read_pct = f.seq_in_file_pct = 100;
	f.dom_read_size = P.large_io / 2;
	classify(&f, &P, &v);
	assert_int_equal(v.stage, STAGE_NONE);
	assert_true(has_reason(&v, "stores nothing"));
	assert_int_equal(v.tier, TIER_BIG);
	/* small reads at random within files: lookups served */
	f.seq_read_pct = f.seq_in_file_pct = 5;
	f.dom_read_size = 4096;
	classify(&f, &P, &v);
	assert_int_equal(v.stage, STAGE_DEPLOY);
	assert_int_equal(v.tier, TIER_FAST);
	/* whole small files in shuffled order (random only between files):
	 * a scan, not lookups */
	f.seq_in_file_pct = 100;
	assert_int_equal(stage_of(&f), STAGE_NONE);
}

/* Fits no stage: read once writing more than answers and less than a
 * 1:1 transformation (tar czf), and a walk of directories (find). */
static void none_between_stages(void **state)
{
	struct features f = base();
	struct verdict v;

	f.seq_in_file_pct = 100;
	with_writes(&f, 0.25, 65536, 100);
	classify(&f, &P, &v);
	assert_int_equal(v.stage, STAGE_NONE);
	assert_true(has_reason(&v, "between answers"));
	assert_true(v.confidence > 0.5 && v.confidence <= 1);
	/* at either edge of the gap, the verdict is barely none */
	with_writes(&f, P.answer_share_max, 65536, 100);
	classify(&f, &P, &v);
	assert_int_equal(v.stage, STAGE_NONE);
	assert_true(v.confidence < 0.51);
	with_writes(&f, P.answer_share_max - 0.001, 65536, 100);
	assert_int_equal(stage_of(&f), STAGE_DEPLOY);
	/* metadata: device reads and no data */
	f = base();
	f.read_bytes = f.read_ops = 0;
	f.meta_bytes = 16 * MiB;
	f.dev_seq_read_pct = 3;
	classify(&f, &P, &v);
	assert_int_equal(v.stage, STAGE_NONE);
	assert_true(has_reason(&v, "metadata: 16.00 MiB"));
	assert_int_equal(v.tier, TIER_FAST);
	f.meta_bytes = P.idle_bytes - 1;
	assert_int_equal(stage_of(&f), STAGE_IDLE);
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
		cmocka_unit_test(checkpoints_outweigh_reads_still_train),
		cmocka_unit_test(generator_reads_along_its_writes),
		cmocka_unit_test(program_files_are_set_aside),
		cmocka_unit_test(shuffled_whole_files_are_random),
		cmocka_unit_test(none_between_stages),
		cmocka_unit_test(verdict_hold_needs_a_run_of_judgements),
	};

	return cmocka_run_group_tests_name("classify", tests, setup, NULL);
}
