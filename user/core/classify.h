/*
 * ML-pipeline stage and storage tier of a workload, from its I/O access
 * pattern (pure: no BPF, no I/O). The stage model follows the article in
 * shared/seed: ingest, process, extract, model, train, deploy, archive.
 * Every threshold lives in one table (classify_params), documented in the
 * README and overridable from an INI file (config.c).
 */
#ifndef IOPAT_CLASSIFY_H
#define IOPAT_CLASSIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "aggregate.h"
#include "params.h"

enum stage {
	STAGE_IDLE,
	STAGE_INGEST,
	STAGE_PROCESS,
	STAGE_EXTRACT,
	STAGE_MODEL,
	STAGE_TRAIN,
	STAGE_DEPLOY,
	STAGE_ARCHIVE,
	STAGE_NONE,		/* I/O that fits no stage well */
	NSTAGES,
};

enum tier {
	TIER_FAST,	/* NVMe / flash */
	TIER_BIG,	/* HDD, hybrid, object storage */
	NTIERS,
};

extern const char *const stage_names[NSTAGES];
extern const char *const tier_names[NTIERS];

/* What the rules look at: ratios and shapes, not absolute volume. The
 * syscall-level counts are of data files: program files (program.h) are
 * set aside, their bytes kept for the reasons. */
struct features {
	double duration_s;
	double read_bytes, write_bytes;
	double read_ops, write_ops;
	/* page-cache fills with no file data behind them (directories,
	 * inodes, other metadata) */
	double meta_bytes;
	double dev_seq_read_pct;	/* 0..100 */
	double seq_read_pct, seq_write_pct;	/* 0..100; a step to the next
						 * file out of order is random */
	double seq_in_file_pct;	/* reads continuing the last one in the same
				 * file, whatever the order of files: 0..100 */
	double dom_read_size, dom_write_size;	/* bytes; 0 when none */
	double reread;		/* bytes read / unique bytes read; 1 with no reads */
	double working_set;	/* unique bytes read + written */
	double files;
	double fsyncs;
	double duty_cycle;	/* share of samples with I/O, 0..1; < 0: unknown */
	bool gpu;		/* a GPU device is open */
	/* periodic write bursts (bursts.h); 0 when none or not sampled */
	double write_bursts;	/* how many */
	double burst_period_s;	/* mean spacing of their starts */
	double burst_bytes;	/* mean bytes written per burst */
	/* program files set aside: bytes read and written, and the two
	 * classes with the most bytes (NPROG_CLASSES: none) */
	double prog_bytes;
	enum prog_class prog_top[2];
	/* data files read, read whole, and the share of steps from one file
	 * to the next (in a directory) that follow no name or inode order:
	 * 0..1, < 0 with too few steps to tell */
	double files_read, whole_files;
	double file_steps, shuffled;
	/* share of the time data was written during which data was read
	 * too: 0..1, < 0 unknown (features_set_interleave) */
	double read_spread;
};

/* The threshold table. Each field has a row in classify_param_defs
 * (struct param_def: params.h). */
struct classify_params {
	double idle_bytes;
	double write_only_share;
	double one_to_one_low;
	double one_to_one_high;
	double output_share_min;
	double reread_min;
	double small_working_set;
	double busy_duty;
	double seq_min_pct;
	double large_io;
	double small_io;
	double shuffled_min;
	double shuffle_steps_min;
	double interleave_min;
	double answer_share_max;
	double answer_ops_min;
};

extern const struct param_def classify_param_defs[];
extern const size_t classify_nparams;

void classify_params_default(struct classify_params *p);
const struct param_def *classify_param_find(const char *name);

#define VERDICT_MAX_REASONS 8
#define VERDICT_REASON_LEN 96

struct verdict {
	enum stage stage;
	double confidence;	/* 0..1 */
	enum tier tier;
	int nreasons;
	char reasons[VERDICT_MAX_REASONS][VERDICT_REASON_LEN];
	char tier_reason[VERDICT_REASON_LEN];
};

/* Features of one process or group over a span of time: counts from io,
 * duration, and what only user space knows (duty cycle, GPU). */
void features_from_totals(struct features *f, const struct io_totals *io,
			  double duration_s, double duty_cycle, bool gpu);
struct io_span;
/* read_spread: the share of the time data was being written (within
 * [from_ns, to_ns], the span judged) during which data was being read
 * too; left unknown without writes. */
void features_set_interleave(struct features *f, const struct io_span *s, uint64_t from_ns,
			     uint64_t to_ns);

void classify(const struct features *f, const struct classify_params *p,
	      struct verdict *v);

/* Re-read factor and working set from the counts of a whole life (life):
 * a window sees data come back only when the first pass is in it too. */
void features_take_history(struct features *f, const struct io_totals *life);

/* A verdict shown over successive judgements: it follows every new
 * verdict of the same stage (fresh numbers), and takes another stage only
 * once that stage has been judged `hold` times in a row (at once when the
 * shown one is idle: too little I/O was no verdict). */
struct verdict_held {
	struct verdict shown;
	bool valid;
	enum stage pending;
	unsigned int pending_n;
};

/* Feed one verdict; returns the one to show. */
const struct verdict *verdict_hold(struct verdict_held *h, const struct verdict *v,
				   unsigned int hold);

#endif
