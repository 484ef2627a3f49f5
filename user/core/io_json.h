/* The JSON counter vocabulary shared by every command, and drop names. */
#ifndef IOPAT_IO_JSON_H
#define IOPAT_IO_JSON_H

#include <stdio.h>
#include "aggregate.h"
#include "bursts.h"
#include "cache_curve.h"
#include "classify.h"
#include "group.h"
#include "dirheat.h"
#include "sizing.h"
#include "json_writer.h"

extern const char *const drop_names[IOPAT_NDROPS];

uint64_t drops_total(const uint64_t *drops);
/* `"drops": {"file_map_full": N, ..., "total": N}` */
void json_drops(struct json_writer *jw, const uint64_t *drops);
/* Non-empty log2 buckets as [{"bytes_min", "bytes_max", "count"}]. */
void json_size_hist(struct json_writer *jw, const char *key, const uint64_t *h);
/* read_bytes, write_bytes, ..., mem_write_ops: see README "Counters". */
void json_io_counters(struct json_writer *jw, const struct io_totals *io);
/* Unique bytes read from data files (program files set aside), and the
 * data re-read factor (0 without data reads). */
uint64_t io_data_unique_read(const struct io_totals *io);
double io_data_reread(const struct io_totals *io);
extern const char *const io_wait_names[IOPAT_NWAIT];
/* "read 1.200 s, write 0.000 s, sync 0.000 s, other 0.030 s": the time
 * blocked on I/O by call, with decimals digits. */
char *io_wait_split(char *buf, size_t len, const struct io_totals *io, int decimals);
/* "io_wait_pct": io_wait_s over seconds of wall time, in percent (thread
 * time: a process whose two threads wait all the time is at 200). */
void json_io_wait_pct(struct json_writer *jw, const struct io_totals *io, double seconds);
/* "data files read N, unique X, re-read Rx[, P% of steps out of order]" */
void io_text_data_line(FILE *out, const struct io_totals *io);

/* `"stage", "stage_confidence", "tier", "tier_reason", "reasons"` */
void json_verdict(struct json_writer *jw, const struct verdict *v);

/* A process's identity and verdict: `pid`, `ppid`, `comm`, `cgroup_id`,
 * `exited`, `gpu`, then json_verdict()'s fields. */
void json_process_head(struct json_writer *jw, uint32_t pid, uint32_t ppid, const char *comm,
		       uint64_t cgroup_id, bool exited, bool gpu, const struct verdict *v);

/* A group's `job` (the key: job root pid, cgroup path or name; the
 * writeback row's is 0 or "[writeback]") and `members` (pids). */
void json_group_fields(struct json_writer *jw, enum group_by by, const struct group_set *set,
		       const struct group_row *g);
/* `"dir_depth": N, "dirs": [{"path", "read_bytes", "write_bytes",
 * "unique_bytes", "unique_read_bytes", "reread", "files", "last_access_s",
 * "heat", "tier", "reason"}, ...]` of a labelled dirheat. */
void json_dirs(struct json_writer *jw, const struct dirheat *h);
/* `"sizing": {"hot_working_set_bytes", "hot_dirs", "intervals",
 * "intervals_s", "read_iops_p99", "read_iops_max", ...}` */
void json_sizing(struct json_writer *jw, const struct sizing_result *s);
/* "cache_curve": the fast tier's read hit ratio by capacity, the
 * capacities for 90/95/99% of the reachable hits ("capacity_for_hits"),
 * and the hit ratio at the hot working set hot_bytes (hit_at_hot; below
 * 0: no hot working set, as for one workload's curve). */
void json_cache_curve(struct json_writer *jw, const struct cache_curve_result *r,
		      uint64_t hot_bytes, double hit_at_hot);
/* `"write_bursts": {"count", "periodic", "period_s", "mean_bytes",
 * "write_share", "resolution_s", "reason"}` */
void json_write_bursts(struct json_writer *jw, const struct burst_result *b);

#endif
