/* Stage and tier rules. Read top to bottom: the first rule that matches
 * decides, and every decision carries the numbers behind it. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "classify.h"
#include "hist.h"
#include "units.h"

const char *const stage_names[NSTAGES] = {
	[STAGE_IDLE] = "idle",	     [STAGE_INGEST] = "ingest", [STAGE_PROCESS] = "process",
	[STAGE_EXTRACT] = "extract", [STAGE_MODEL] = "model",	[STAGE_TRAIN] = "train",
	[STAGE_DEPLOY] = "deploy",   [STAGE_ARCHIVE] = "archive", [STAGE_NONE] = "none",
};

const char *const tier_names[NTIERS] = {
	[TIER_FAST] = "fast",
	[TIER_BIG] = "big",
};

#define KiB 1024.0
#define MiB (1024.0 * 1024.0)
#define GiB (1024.0 * 1024.0 * 1024.0)
#define P(field) offsetof(struct classify_params, field)

const struct param_def classify_param_defs[] = {
	{ "idle_bytes", P(idle_bytes), 1 * MiB, 0, 1e15, "bytes",
	  "less I/O than this (read + write) is too little to judge: idle" },
	{ "write_only_share", P(write_only_share), 0.95, 0.5, 1, "share of bytes",
	  "writes at least this share of bytes: write-only (ingest)" },
	{ "one_to_one_low", P(one_to_one_low), 0.35, 0, 0.5, "share of bytes",
	  "write share from here to one_to_one_high: read:write about 1:1 (process)" },
	{ "one_to_one_high", P(one_to_one_high), 0.65, 0.5, 1, "share of bytes",
	  "write share above this (and below write_only_share): writes 1:n (generative deploy)" },
	{ "output_share_min", P(output_share_min), 0.002, 0, 0.35, "share of bytes",
	  "a read-mostly workload writing at least this share produces output (features, answers, checkpoints)" },
	{ "reread_min", P(reread_min), 1.5, 1, 100, "ratio",
	  "bytes read / unique bytes read from here on: data read repeatedly (epochs, iterations)" },
	{ "small_working_set", P(small_working_set), 1 * GiB, 0, 1e18, "bytes",
	  "a re-read set smaller than this is an experimentation subset (model); the one absolute scale" },
	{ "busy_duty", P(busy_duty), 0.6, 0, 1, "share of samples",
	  "I/O in fewer samples than this share: work with pauses (interactive experiments)" },
	{ "seq_min_pct", P(seq_min_pct), 80, 0, 100, "% of ops",
	  "at least this share of sequential ops: a sequential stream" },
	{ "large_io", P(large_io), 256 * KiB, 512, 1e12, "bytes",
	  "dominant I/O size from here on: large I/O (scans, checkpoints)" },
	{ "small_io", P(small_io), 64 * KiB, 512, 1e12, "bytes",
	  "dominant I/O size below this: small I/O (records, samples, random access)" },
	{ "shuffled_min", P(shuffled_min), 0.5, 0, 1, "share of steps",
	  "steps from one data file to the next following no name or inode order, from here on: files visited in shuffled order" },
	{ "shuffle_steps_min", P(shuffle_steps_min), 16, 1, 1e12, "steps",
	  "fewer file-to-file steps than this say nothing of the order" },
	{ "answer_share_max", P(answer_share_max), 0.1, 0, 0.35, "share of bytes",
	  "a read-once workload writing up to this share stores answers (inference); from here to one_to_one_low it fits no stage" },
	{ "answer_ops_min", P(answer_ops_min), 0.05, 0, 1e6, "writes per read",
	  "a read-once workload writing this often (however little) stores answers; with fewer writes, nothing is stored" },
	{ "interleave_min", P(interleave_min), 0.5, 0, 1, "share of the writing",
	  "data read during at least this share of the time data was written (first to last write): input read along with the writes (generative, not ingest)" },
};
const size_t classify_nparams = sizeof(classify_param_defs) / sizeof(classify_param_defs[0]);

void classify_params_default(struct classify_params *p)
{
	params_default(p, classify_param_defs, classify_nparams);
}

const struct param_def *classify_param_find(const char *name)
{
	return params_find(classify_param_defs, classify_nparams, name);
}

static double sub0(uint64_t a, uint64_t b)
{
	return a > b ? (double)(a - b) : 0;
}

/* The dominant I/O size: the bucket that carries the most bytes (ops x
 * the bucket's lower bound) in hist less the program files' estimate, so
 * that a few large reads outweigh many small header reads; -1 when none
 * is left. Ties go to the larger size. */
static int data_size_mode(const uint64_t *hist, const uint64_t *prog)
{
	double best = 0;
	int mode = -1;

	for (int i = 0; i < IOPAT_SIZE_BUCKETS; i++) {
		uint64_t n = hist[i] > prog[i] ? hist[i] - prog[i] : 0;
		double bytes = (double)n * (double)hist_size_bucket_min(i);

		if (n && (mode < 0 || bytes >= best)) {
			best = bytes;
			mode = i;
		}
	}
	return mode;
}

/* The two classes of program files with the most bytes. */
static void prog_top(struct features *f, const struct io_totals *io)
{
	f->prog_top[0] = f->prog_top[1] = NPROG_CLASSES;
	for (int c = PROG_DATA + 1; c < NPROG_CLASSES; c++) {
		if (!io->fs.prog_class_bytes[c])
			continue;
		if (f->prog_top[0] == NPROG_CLASSES ||
		    io->fs.prog_class_bytes[c] > io->fs.prog_class_bytes[f->prog_top[0]]) {
			f->prog_top[1] = f->prog_top[0];
			f->prog_top[0] = c;
		} else if (f->prog_top[1] == NPROG_CLASSES ||
			   io->fs.prog_class_bytes[c] > io->fs.prog_class_bytes[f->prog_top[1]]) {
			f->prog_top[1] = c;
		}
	}
}

void features_from_totals(struct features *f, const struct io_totals *io,
			  double duration_s, double duty_cycle, bool gpu)
{
	int rb = data_size_mode(io->read_size_hist, io->fs.prog_read_size_hist);
	int wb = data_size_mode(io->write_size_hist, io->fs.prog_write_size_hist);
	double unique_read = sub0(io->unique_read_bytes, io->fs.prog_unique_read_bytes);
	double seq_read = sub0(io->seq_read_ops, io->fs.prog_seq_read_ops);
	double steps = (double)io->fs.file_steps;

	memset(f, 0, sizeof(*f));
	f->duration_s = duration_s;
	f->read_bytes = sub0(io->read_bytes, io->fs.prog_read_bytes);
	f->write_bytes = sub0(io->write_bytes, io->fs.prog_write_bytes);
	f->read_ops = sub0(io->read_ops, io->fs.prog_read_ops);
	f->write_ops = sub0(io->write_ops, io->fs.prog_write_ops);
	/* the first read of a file taken out of order is a jump, though the
	 * kernel counted it sequential (offset 0: a new pass) */
	f->seq_in_file_pct = units_pct(seq_read, f->read_ops);
	seq_read = seq_read > io->fs.shuffled_steps ? seq_read - io->fs.shuffled_steps : 0;
	f->seq_read_pct = units_pct(seq_read, f->read_ops);
	f->seq_write_pct = units_pct(sub0(io->seq_write_ops, io->fs.prog_seq_write_ops), f->write_ops);
	f->dom_read_size = rb >= 0 ? (double)hist_size_bucket_min(rb) : 0;
	f->dom_write_size = wb >= 0 ? (double)hist_size_bucket_min(wb) : 0;
	f->reread = unique_read > 0 ? f->read_bytes / unique_read : 1;
	f->working_set = unique_read + sub0(io->unique_write_bytes, io->fs.prog_unique_write_bytes);
	f->files = sub0(io->files, io->fs.prog_files);
	f->fsyncs = io->fsyncs;
	f->meta_bytes = io->fs.meta_read_bytes;
	f->dev_seq_read_pct = units_pct(io->dev_seq_read_ops, io->dev_read_ops);
	f->duty_cycle = duty_cycle;
	f->gpu = gpu;
	f->prog_bytes = (double)io->fs.prog_read_bytes + io->fs.prog_write_bytes;
	prog_top(f, io);
	f->files_read = io->fs.data_files_read;
	f->whole_files = io->fs.whole_files_read;
	f->shuffled = steps > 0 ? io->fs.shuffled_steps / steps : -1;
	f->file_steps = steps;
	f->read_spread = -1;
}

static uint64_t max64(uint64_t a, uint64_t b)
{
	return a > b ? a : b;
}

static uint64_t min64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

void features_set_interleave(struct features *f, const struct io_span *s, uint64_t from_ns,
			     uint64_t to_ns)
{
	uint64_t w0 = max64(s->write_first_ns, from_ns), w1 = min64(s->write_last_ns, to_ns);
	uint64_t r0 = max64(s->read_first_ns, w0), r1 = min64(s->read_last_ns, w1);

	if (!s->write_first_ns || w1 <= w0)
		return;
	f->read_spread = s->read_first_ns && r1 > r0 ? (double)(r1 - r0) / (double)(w1 - w0) : 0;
}

void features_take_history(struct features *f, const struct io_totals *life)
{
	struct features h;

	features_from_totals(&h, life, f->duration_s, f->duty_cycle, f->gpu);
	f->reread = h.reread;
	f->working_set = h.working_set;
}

const struct verdict *verdict_hold(struct verdict_held *h, const struct verdict *v,
				   unsigned int hold)
{
	/* idle is no verdict yet: the first real one shows at once */
	if (!h->valid || v->stage == h->shown.stage || h->shown.stage == STAGE_IDLE ||
	    hold <= 1) {
		h->shown = *v;
		h->valid = true;
		h->pending_n = 0;
	} else if (h->pending_n && v->stage == h->pending) {
		if (++h->pending_n >= hold) {
			h->shown = *v;
			h->pending_n = 0;
		}
	} else {
		h->pending = v->stage;
		h->pending_n = 1;
	}
	return &h->shown;
}

static void __attribute__((format(printf, 2, 3))) reason(struct verdict *v, const char *fmt, ...)
{
	va_list ap;

	if (v->nreasons >= VERDICT_MAX_REASONS)
		return;
	va_start(ap, fmt);
	vsnprintf(v->reasons[v->nreasons++], VERDICT_REASON_LEN, fmt, ap);
	va_end(ap);
}

static double clamp01(double x)
{
	return x < 0 ? 0 : x > 1 ? 1 : x;
}

/* Confidence from how far a value lies past its threshold, relative to
 * the room there is: 0.5 on the threshold, 1 at `full`. */
static double margin(double value, double threshold, double full)
{
	if (full == threshold)
		return 1;
	return 0.5 + 0.5 * clamp01((value - threshold) / (full - threshold));
}

static void size_str(char *buf, size_t len, double bytes)
{
	units_bytes(buf, len, bytes);
}

static void set_tier(struct verdict *v, enum tier t, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void set_tier(struct verdict *v, enum tier t, const char *fmt, ...)
{
	va_list ap;

	v->tier = t;
	va_start(ap, fmt);
	vsnprintf(v->tier_reason, sizeof(v->tier_reason), fmt, ap);
	va_end(ap);
}

/* Tier follows the stage, refined by the pattern (the seed: ingest,
 * process, train and deploy need fast data; archives belong on big). */
static void choose_tier(const struct features *f, const struct classify_params *p,
			struct verdict *v)
{
	double iops = f->duration_s > 0 ? (f->read_ops + f->write_ops) / f->duration_s : 0;
	bool random_small = f->read_ops > 0 && f->seq_read_pct < p->seq_min_pct &&
			    f->dom_read_size < p->small_io;
	char sz[32], a[32];

	switch (v->stage) {
	case STAGE_INGEST:
		if (f->dom_write_size < p->small_io)
			set_tier(v, TIER_FAST, "IOPS-bound: small writes at %s IOPS",
				 units_count(a, sizeof(a), iops));
		else
			set_tier(v, TIER_FAST, "sustained write bandwidth for incoming data");
		break;
	case STAGE_PROCESS:
		set_tier(v, TIER_FAST, "high-volume read and write at about 1:1");
		break;
	case STAGE_TRAIN:
		if (f->gpu)
			set_tier(v, TIER_FAST, "re-read hot set (%.1fx) feeding the accelerators",
				 f->reread);
		else
			set_tier(v, TIER_FAST, "re-read hot set (%.1fx): every pass reads it again",
				 f->reread);
		break;
	case STAGE_DEPLOY:
		set_tier(v, TIER_FAST, random_small ? "latency-sensitive small random reads"
						    : "serving latency");
		break;
	case STAGE_MODEL:
		size_str(sz, sizeof(sz), f->working_set);
		set_tier(v, TIER_FAST, "small working set (%s) re-read: cheap to hold on flash", sz);
		break;
	case STAGE_EXTRACT:
		set_tier(v, TIER_BIG, "sequential source scan; keep the features on the fast tier");
		break;
	case STAGE_ARCHIVE:
		set_tier(v, TIER_BIG, "read once, sequential bulk: capacity, not speed");
		break;
	case STAGE_NONE:
		set_tier(v, TIER_BIG, "no stage asks for the fast tier");
		break;
	case STAGE_IDLE:
	default:
		set_tier(v, TIER_BIG, "too little I/O to need the fast tier");
		break;
	}
	if (v->tier == TIER_BIG && random_small && v->stage != STAGE_IDLE) {
		size_str(sz, sizeof(sz), f->dom_read_size);
		set_tier(v, TIER_FAST, "latency-sensitive random reads of %s", sz);
	}
}

/* The evidence of checkpoints: their share and size, and their bursts. */
static void checkpoint_reasons(const struct features *f, struct verdict *v, double ws)
{
	char a[32];

	size_str(a, sizeof(a), f->dom_write_size);
	reason(v, "checkpoint-like writes: %.1f%% of bytes, %s sequential", 100 * ws, a);
	if (f->write_bursts > 0) {
		size_str(a, sizeof(a), f->burst_bytes);
		reason(v, "checkpoints: %.0f write bursts every %.1f s, %s each", f->write_bursts,
		       f->burst_period_s, a);
	}
}

/* What was set aside as program files, as one reason. */
static void program_reason(const struct features *f, struct verdict *v)
{
	char a[32];

	if (f->prog_bytes <= 0)
		return;
	size_str(a, sizeof(a), f->prog_bytes);
	if (f->prog_top[1] < NPROG_CLASSES)
		reason(v, "set aside %s of program files: %s, %s", a, prog_class_names[f->prog_top[0]],
		       prog_class_names[f->prog_top[1]]);
	else if (f->prog_top[0] < NPROG_CLASSES)
		reason(v, "set aside %s of program files: %s", a, prog_class_names[f->prog_top[0]]);
	else
		reason(v, "set aside %s of program files", a);
}

/* How the data files were visited, when that says something. */
static void order_reason(const struct features *f, struct verdict *v, bool shuffled)
{
	char n[32];

	if (!shuffled)
		return;
	units_count(n, sizeof(n), f->files_read);
	reason(v, "reads %s files%s, in shuffled order (%.0f%% of steps)", n,
	       f->whole_files >= 0.5 * f->files_read ? " whole" : "", 100 * f->shuffled);
}

/* Read once, not a sequential scan writing features (extract) and not
 * a sequential pass storing nothing (archive): answers stored (inference),
 * lookups served (small reads at random within files), or no stage. */
static void read_once(const struct features *f, const struct classify_params *p,
		      struct verdict *v, double ws, bool output, bool shuffled)
{
	bool lookups = f->read_ops > 0 && f->seq_in_file_pct < p->seq_min_pct &&
		       f->dom_read_size < p->small_io;
	/* answers: a write for every few inputs read, however small */
	bool answers = output || (f->read_ops > 0 && f->write_ops > 0 &&
				  f->write_ops >= p->answer_ops_min * f->read_ops);
	char a[32];

	if (answers && ws < p->answer_share_max) {
		v->stage = STAGE_DEPLOY;
		v->confidence = margin(p->answer_share_max - ws, 0, p->answer_share_max);
		reason(v, "reads its input once (re-read %.1fx)", f->reread);
		order_reason(f, v, shuffled);
		reason(v, "writes %.2f%% of bytes in %.0f writes (answers, inference)", 100 * ws,
		       f->write_ops);
	} else if (output) {
		/* 0.5 on either edge of the gap, 1 in its middle */
		double half = (p->one_to_one_low - p->answer_share_max) / 2;

		v->stage = STAGE_NONE;
		v->confidence = half > 0 ? margin(half - fabs(ws - p->answer_share_max - half), 0, half)
					 : 0.5;
		reason(v, "reads once, writes %.0f%%: between answers (<%.0f%%) and processing "
			  "(%.0f-%.0f%%)", 100 * ws, 100 * p->answer_share_max,
		       100 * p->one_to_one_low, 100 * p->one_to_one_high);
		order_reason(f, v, shuffled);
	} else if (lookups) {
		v->stage = STAGE_DEPLOY;
		v->confidence = margin(p->seq_min_pct - f->seq_in_file_pct, 0, p->seq_min_pct);
		size_str(a, sizeof(a), f->dom_read_size);
		reason(v, "small reads of %s at random within files, read once (re-read %.1fx): "
			  "lookups served", a, f->reread);
	} else {
		v->stage = STAGE_NONE;
		v->confidence = margin(f->seq_in_file_pct, p->seq_min_pct, 100);
		units_count(a, sizeof(a), f->files_read);
		reason(v, "reads %s files once, each in order, stores nothing: a scan or copy",
		       a);
		order_reason(f, v, shuffled);
	}
}

/* What the features say, against the thresholds, that the rules use. */
struct signals {
	double total, ws;	/* data bytes moved; the share written */
	bool output, random_reads, large_seq_reads, seq_writes, periodic, checkpoints;
	bool pauses, rereads, shuffled, interleaved;
};

static void signals_of(const struct features *f, const struct classify_params *p,
		       struct signals *s)
{
	bool large_seq_writes;

	s->total = f->read_bytes + f->write_bytes;
	s->ws = s->total > 0 ? f->write_bytes / s->total : 0;
	s->output = s->ws >= p->output_share_min;
	s->random_reads = f->read_ops > 0 && f->seq_read_pct < p->seq_min_pct;
	s->large_seq_reads = f->dom_read_size >= p->large_io && !s->random_reads;
	s->seq_writes = f->seq_write_pct >= p->seq_min_pct;
	large_seq_writes = f->dom_write_size >= p->large_io && s->seq_writes;
	/* periodic bursts of sequential writes are checkpoints whatever the
	 * size of each write */
	s->periodic = f->write_bursts > 0 && s->seq_writes;
	s->checkpoints = s->output && (large_seq_writes || s->periodic);
	s->pauses = f->duty_cycle >= 0 && f->duty_cycle < p->busy_duty;
	s->rereads = f->reread >= p->reread_min;
	s->shuffled = f->shuffled >= 0 && f->file_steps >= p->shuffle_steps_min &&
		      f->shuffled >= p->shuffled_min;
	/* input read all along the writes: a generator, not an ingest */
	s->interleaved = f->read_ops >= 2 && f->read_spread >= p->interleave_min;
}

/* Too little data to judge: a metadata walk, or idle. Returns whether
 * the verdict is made (stage, reasons and tier). */
static bool little_data(const struct features *f, const struct classify_params *p,
			struct verdict *v, double total)
{
	char a[32], b[32];

	if (total < p->idle_bytes && f->meta_bytes >= p->idle_bytes) {
		/* a walk of directories and inodes: no file data to judge */
		v->stage = STAGE_NONE;
		v->confidence = margin(f->meta_bytes, p->idle_bytes, 2 * p->idle_bytes + total);
		size_str(a, sizeof(a), f->meta_bytes);
		size_str(b, sizeof(b), total);
		reason(v, "metadata: %s of device reads with no file data (directories, inodes); "
			  "%s of data I/O", a, b);
		program_reason(f, v);
		if (f->dev_seq_read_pct < p->seq_min_pct)
			set_tier(v, TIER_FAST, "metadata read at random (%.0f%% sequential): small-file "
				 "trees walk faster on flash", f->dev_seq_read_pct);
		else
			set_tier(v, TIER_BIG, "metadata read in order: no stage needs the fast tier");
		return true;
	}
	if (total >= p->idle_bytes)
		return false;
	v->stage = STAGE_IDLE;
	v->confidence = 1;
	size_str(a, sizeof(a), total);
	size_str(b, sizeof(b), p->idle_bytes);
	reason(v, "only %s of data I/O (below %s)", a, b);
	program_reason(f, v);
	choose_tier(f, p, v);
	return true;
}

/* Writers: generative deploy, ingest, a trainer whose checkpoints
 * outweigh its reads, 1:n deploy, 1:1 process. Returns whether one
 * applied. */
static bool write_rules(const struct features *f, const struct classify_params *p,
			struct verdict *v, const struct signals *s)
{
	char a[32], rw[16];

	if (s->ws >= p->write_only_share && s->interleaved) {
		v->stage = STAGE_DEPLOY;
		v->confidence = margin(f->read_spread, p->interleave_min, 1);
		reason(v, "writes %.0fx what it reads (1:n, generative)",
		       f->read_bytes > 0 ? f->write_bytes / f->read_bytes : 0);
		reason(v, "reads input through %.0f%% of its writing", 100 * f->read_spread);
	} else if (s->ws >= p->write_only_share) {
		v->stage = STAGE_INGEST;
		v->confidence = margin(s->ws, p->write_only_share, 1);
		size_str(a, sizeof(a), f->dom_write_size);
		if (f->dom_write_size < p->small_io)
			reason(v, "small records of %s", a);
		else
			reason(v, "large writes of %s, %.0f%% sequential", a, f->seq_write_pct);
		if (f->read_ops > 0)
			reason(v, "reads no data along the writes (%.0f%% of its writing)",
			       100 * (f->read_spread > 0 ? f->read_spread : 0));
		if (f->fsyncs > 0)
			reason(v, "%.0f fsyncs", f->fsyncs);
	} else if (s->rereads && s->output && (s->periodic || f->gpu)) {
		/* a training run whose checkpoints outweigh its reads */
		v->stage = STAGE_TRAIN;
		v->confidence = margin(f->reread, p->reread_min, 2 * p->reread_min);
		reason(v, "re-read %.1fx", f->reread);
		order_reason(f, v, s->shuffled);
		checkpoint_reasons(f, v, s->ws);
		if (f->gpu)
			reason(v, "GPU device open");
	} else if (s->ws > p->one_to_one_high) {
		v->stage = STAGE_DEPLOY;
		v->confidence = margin(s->ws, p->one_to_one_high, p->write_only_share);
		reason(v, "writes %.1fx what it reads (1:n, generative)",
		       f->read_bytes > 0 ? f->write_bytes / f->read_bytes : 0);
	} else if (s->ws >= p->one_to_one_low) {
		v->stage = STAGE_PROCESS;
		v->confidence = 1 - 0.5 * fabs(s->ws - 0.5) / (0.5 - p->one_to_one_low);
		reason(v, "R:W %s", rw_ratio_str(rw, sizeof(rw), (uint64_t)f->read_bytes,
						  (uint64_t)f->write_bytes));
	} else {
		return false;
	}
	return true;
}

/* Read-mostly and read repeatedly: model (pauses, a small set), train,
 * extract (output from reads in order). */
static void reread_rules(const struct features *f, const struct classify_params *p,
			 struct verdict *v, const struct signals *s)
{
	char a[32];

	reason(v, "re-read %.1fx", f->reread);
	order_reason(f, v, s->shuffled);
	if (s->pauses) {
		v->stage = STAGE_MODEL;
		v->confidence = margin(p->busy_duty - f->duty_cycle, 0, p->busy_duty);
		reason(v, "I/O in %.0f%% of samples (pauses)", 100 * f->duty_cycle);
	} else if (s->checkpoints || f->gpu) {
		v->stage = STAGE_TRAIN;
		v->confidence = margin(f->reread, p->reread_min, 2 * p->reread_min);
		if (s->checkpoints)
			checkpoint_reasons(f, v, s->ws);
	} else if (s->output && !s->random_reads) {
		v->stage = STAGE_EXTRACT;
		v->confidence = margin(f->reread, p->reread_min, 2 * p->reread_min) * 0.9;
		reason(v, "iterates over its input in order, writes %.1f%% of bytes (features)",
		       100 * s->ws);
	} else if (f->working_set < p->small_working_set) {
		v->stage = STAGE_MODEL;
		v->confidence = 0.6;
		size_str(a, sizeof(a), f->working_set);
		reason(v, "small working set of %s", a);
	} else {
		v->stage = STAGE_TRAIN;
		v->confidence = 0.6;
		size_str(a, sizeof(a), f->working_set);
		reason(v, "large working set of %s", a);
	}
	if (f->gpu)
		reason(v, "GPU device open");
}

/* Read once: extract (output from large sequential reads), archive (one
 * sequential pass, nothing written), or what read_once() says. */
static void read_rules(const struct features *f, const struct classify_params *p,
		       struct verdict *v, const struct signals *s)
{
	char a[32];

	if (s->output && s->large_seq_reads) {
		v->stage = STAGE_EXTRACT;
		v->confidence = margin(f->seq_read_pct, p->seq_min_pct, 100);
		size_str(a, sizeof(a), f->dom_read_size);
		reason(v, "%.0f%% sequential reads of %s", f->seq_read_pct, a);
		reason(v, "writes %.1f%% of bytes (features)", 100 * s->ws);
	} else if (!s->output && s->large_seq_reads) {
		v->stage = STAGE_ARCHIVE;
		v->confidence = margin(f->seq_read_pct, p->seq_min_pct, 100);
		size_str(a, sizeof(a), f->dom_read_size);
		reason(v, "one sequential pass (re-read %.1fx), %s reads", f->reread, a);
		reason(v, "no writes");
	} else {
		read_once(f, p, v, s->ws, s->output, s->shuffled);
	}
}

void classify(const struct features *f, const struct classify_params *p, struct verdict *v)
{
	struct signals s;

	memset(v, 0, sizeof(*v));
	signals_of(f, p, &s);
	if (little_data(f, p, v, s.total))
		return;
	reason(v, "%s %.0f%% of bytes", s.ws >= 0.5 ? "writes" : "reads",
	       100 * (s.ws >= 0.5 ? s.ws : 1 - s.ws));
	if (!write_rules(f, p, v, &s)) {
		if (s.rereads)
			reread_rules(f, p, v, &s);
		else
			read_rules(f, p, v, &s);
	}
	program_reason(f, v);
	choose_tier(f, p, v);
}
