/* The trace codec: every record type survives a round trip, and damaged,
 * cut, empty, foreign and future files are told apart without a crash;
 * the replay takes whatever a damaged or hostile file holds. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/mman.h>
#include <cmocka.h>
#include "trace_writer.h"
#include "trace_reader.h"
#include "replay.h"
#include "io_json.h"
#include "varint.h"
#include "trace_ev.h"
#include <zlib.h>
#include "iopat.h"

struct warnings {
	int n;
	uint64_t last_off;
	char last[256];
};

static void collect_warning(void *ctx, uint64_t off, const char *msg)
{
	struct warnings *w = ctx;

	w->n++;
	w->last_off = off;
	snprintf(w->last, sizeof(w->last), "%s", msg);
}

static int mem_fd(void)
{
	int fd = memfd_create("trace", 0);

	assert_true(fd >= 0);
	return fd;
}

/* A trace with one of each record and a few thousand events. */
static int write_sample(int fd, size_t chunk, uint64_t *nevents)
{
	struct trace_writer *w;
	struct trace_meta m = { .n = 2 };
	struct trace_proc p = {
		.pid = 42, .ppid = 1, .cgroup_id = 99, .ts_ns = 5, .why = IOPAT_PROC_EXEC,
		.flags = IOPAT_PROC_GPU,
	};
	struct trace_file f = { .file_id = 0, .dev = 0xfe00001, .ino = 1234, .kind = 0 };
	struct trace_event e;
	uint64_t n = 0;

	assert_int_equal(trace_writer_open(&w, fd, chunk), 0);
	m.key[0] = trace_str_of("host");
	m.value[0] = trace_str_of("node-1");
	m.key[1] = trace_str_of("kernel");
	m.value[1] = trace_str_of("6.18.0");
	assert_int_equal(trace_writer_meta(w, &m), 0);
	p.comm = trace_str_of("python3");
	p.exe = trace_str_of("/usr/bin/python3.11");
	p.cmdline = (struct trace_str){ "python3\0train.py", 16 };
	p.cgroup = trace_str_of("/system.slice/job.service");
	assert_int_equal(trace_writer_proc(w, &p), 0);
	f.path = trace_str_of("/data/train/shard-0001.tar");
	assert_int_equal(trace_writer_file(w, &f), 0);
	for (uint64_t i = 0; i < 3000; i++) {
		/* sequential reads, a random one now and then, device I/O */
		uint64_t off = i % 7 == 3 ? (i * 7919) % 100000 * 4096 : i * 4096;

		e = ev(1000000 + i * 1300, 42, IOPAT_LEVEL_SYSCALL, IOPAT_OP_READ, 0, off, 4096);
		assert_int_equal(trace_writer_event(w, &e), 0);
		n++;
		if (i % 10 == 0) {
			e = ev(1000000 + i * 1300 + 7, i % 20 ? 42 : 0, IOPAT_LEVEL_DEVICE,
			       IOPAT_OP_WRITE, 0x700000, i * 8 * 512, 131072);
			assert_int_equal(trace_writer_event(w, &e), 0);
			n++;
		}
	}
	e = ev(9000000000ULL, 43, IOPAT_LEVEL_SYSCALL, IOPAT_OP_FSYNC, 0, 0, 0);
	e.tid = 44;
	assert_int_equal(trace_writer_event(w, &e), 0);
	e = ev(9000000001ULL, 43, IOPAT_LEVEL_CACHE, IOPAT_OP_READ, 0, 1 << 20, 16384);
	e.result = -5;
	assert_int_equal(trace_writer_event(w, &e), 0);
	n += 2;
	assert_int_equal(trace_writer_exit(w, &(struct trace_exit){ 42, 9100000000ULL, 256 }), 0);
	assert_int_equal(trace_writer_drop(w, &(struct trace_drop){ 10, 20, 3, IOPAT_DROP_RINGBUF }),
			 0);
	assert_int_equal(trace_writer_end(w, &(struct trace_end){ 9200000000ULL, n, 3 }), 0);
	assert_int_equal(trace_writer_events(w), n);
	assert_int_equal(trace_writer_close(w), 0);
	*nevents = n;
	return 0;
}

static struct trace_reader *open_mem(int fd, struct warnings *w, int expect)
{
	struct trace_reader *r = NULL;
	char err[256] = "";

	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	assert_int_equal(trace_reader_open_fd(&r, fd, collect_warning, w, err, sizeof(err)),
			 expect);
	if (expect)
		assert_true(strlen(err) > 0);
	return r;
}

static void round_trip_every_record(void **state)
{
	int fd = mem_fd();
	struct warnings w = {0};
	struct trace_reader *r;
	struct trace_record rec;
	struct trace_reader_stats st;
	uint64_t n, events = 0, i = 0, dev_events = 0;
	int seen[8] = {0};

	write_sample(fd, 4096, &n);	/* small chunks: state resets are exercised */
	r = open_mem(fd, &w, 0);
	while (trace_reader_next(r, &rec) == 1) {
		seen[rec.tag == IOPAT_TAG_EVENT ? 7 : rec.tag]++;
		switch (rec.tag) {
		case IOPAT_TAG_META:
			assert_int_equal(rec.meta.n, 2);
			assert_true(trace_str_eq(rec.meta.value[0], "node-1"));
			break;
		case IOPAT_TAG_PROC:
			assert_int_equal(rec.proc.pid, 42);
			assert_int_equal(rec.proc.cgroup_id, 99);
			assert_int_equal(rec.proc.why, IOPAT_PROC_EXEC);
			assert_int_equal(rec.proc.flags, IOPAT_PROC_GPU);
			assert_true(trace_str_eq(rec.proc.exe, "/usr/bin/python3.11"));
			assert_int_equal(rec.proc.cmdline.n, 16);
			assert_memory_equal(rec.proc.cmdline.p, "python3\0train.py", 16);
			break;
		case IOPAT_TAG_FILE:
			assert_int_equal(rec.file.ino, 1234);
			assert_int_equal(rec.file.dev, 0xfe00001);
			assert_true(trace_str_eq(rec.file.path, "/data/train/shard-0001.tar"));
			break;
		case IOPAT_TAG_EVENT:
			events++;
			if (rec.ev.level == IOPAT_LEVEL_SYSCALL && rec.ev.op == IOPAT_OP_READ) {
				uint64_t off = i % 7 == 3 ? (i * 7919) % 100000 * 4096 : i * 4096;

				assert_int_equal(rec.ev.ts_ns, 1000000 + i * 1300);
				assert_int_equal(rec.ev.off, off);
				assert_int_equal(rec.ev.bytes, 4096);
				assert_int_equal(rec.ev.result, 4096);
				assert_int_equal(rec.ev.pid, 42);
				i++;
			} else if (rec.ev.level == IOPAT_LEVEL_DEVICE) {
				assert_int_equal(rec.ev.dev, 0x700000);
				assert_int_equal(rec.ev.lat_ns, 1000 + rec.ev.off / 512);
				assert_int_equal(rec.ev.bytes, 131072);
				dev_events++;
			} else if (rec.ev.op == IOPAT_OP_FSYNC) {
				assert_int_equal(rec.ev.pid, 43);
				assert_int_equal(rec.ev.tid, 44);
			} else {
				assert_int_equal(rec.ev.level, IOPAT_LEVEL_CACHE);
				assert_int_equal(rec.ev.result, -5);
				assert_int_equal(rec.ev.off, 1 << 20);
			}
			break;
		case IOPAT_TAG_EXIT:
			assert_int_equal(rec.exit.exit_code, 256);
			break;
		case IOPAT_TAG_DROP:
			assert_int_equal(rec.drop.count, 3);
			break;
		case IOPAT_TAG_END:
			assert_int_equal(rec.end.events, n);
			break;
		}
	}
	assert_int_equal(events, n);
	assert_int_equal(i, 3000);
	assert_int_equal(dev_events, 300);
	for (int t = 1; t <= 7; t++)
		assert_true(seen[t] >= 1);
	trace_reader_stats(r, &st);
	assert_true(st.chunks > 5);
	assert_true(st.ended);
	assert_false(st.truncated);
	assert_int_equal(w.n, 0);
	trace_reader_close(r);
	close(fd);
}

/* Chunks of up to 1 MiB of records, larger than the reader starts with. */
static void large_chunk_round_trip(void **state)
{
	int fd = mem_fd();
	struct warnings w = {0};
	struct trace_reader *r;
	struct trace_writer *tw;
	struct trace_reader_stats st;
	struct trace_record rec;
	uint64_t n = 0;

	assert_int_equal(trace_writer_open(&tw, fd, 0), 0);
	for (uint32_t i = 0; i < 200000; i++) {
		struct trace_event e = ev(1000 + i * 7919ull, 100 + i % 3, IOPAT_LEVEL_SYSCALL,
					  IOPAT_OP_READ, i % 5, i * 65536ull, 4096);

		assert_int_equal(trace_writer_event(tw, &e), 0);
	}
	assert_int_equal(trace_writer_close(tw), 0);
	r = open_mem(fd, &w, 0);
	while (trace_reader_next(r, &rec) == 1) {
		assert_int_equal(rec.ev.off, n * 65536);
		n++;
	}
	trace_reader_stats(r, &st);
	assert_int_equal(n, 200000);
	assert_true(st.chunks >= 2);
	assert_int_equal(w.n, 0);
	trace_reader_close(r);
	close(fd);
}

/* Count the events a reader gives. */
static uint64_t count_events(struct trace_reader *r, bool *ended)
{
	struct trace_record rec;
	uint64_t n = 0;

	*ended = false;
	while (trace_reader_next(r, &rec) == 1) {
		n += rec.tag == IOPAT_TAG_EVENT;
		*ended |= rec.tag == IOPAT_TAG_END;
	}
	return n;
}

static void cut_file_keeps_whole_chunks(void **state)
{
	int fd = mem_fd();
	struct warnings w = {0};
	struct trace_reader *r;
	uint64_t n, got;
	off_t size;
	bool ended;

	write_sample(fd, 4096, &n);
	size = lseek(fd, 0, SEEK_END);
	assert_int_equal(ftruncate(fd, size - 100), 0);
	r = open_mem(fd, &w, 0);
	got = count_events(r, &ended);
	assert_true(got > 0 && got < n);
	assert_false(ended);
	assert_int_equal(w.n, 1);
	assert_non_null(strstr(w.last, "cut short"));
	trace_reader_close(r);
	close(fd);
}

static void flipped_bit_skips_one_chunk(void **state)
{
	int fd = mem_fd();
	struct warnings w = {0};
	struct trace_reader *r;
	uint64_t n, got;
	uint8_t b;
	bool ended;
	off_t at;

	write_sample(fd, 4096, &n);
	/* a byte in the middle of the file: inside some chunk's payload */
	at = lseek(fd, 0, SEEK_END) / 2;
	assert_int_equal(pread(fd, &b, 1, at), 1);
	b ^= 0x10;
	assert_int_equal(pwrite(fd, &b, 1, at), 1);
	r = open_mem(fd, &w, 0);
	got = count_events(r, &ended);
	assert_true(got < n);
	assert_true(got > n / 2);
	assert_true(ended);	/* chunks after the damaged one are read */
	assert_true(w.n >= 1);
	trace_reader_close(r);
	close(fd);
}

static void damaged_header_resyncs(void **state)
{
	int fd = mem_fd();
	struct warnings w = {0};
	struct trace_reader *r;
	uint64_t n, got;
	uint8_t junk[40];
	bool ended;

	write_sample(fd, 4096, &n);
	/* wreck the first chunk's header */
	memset(junk, 0xa5, sizeof(junk));
	assert_int_equal(pwrite(fd, junk, sizeof(junk), IOPAT_TRACE_FILE_HEADER_SIZE), 40);
	r = open_mem(fd, &w, 0);
	got = count_events(r, &ended);
	assert_true(got > 0 && got < n);
	assert_true(ended);
	assert_non_null(strstr(w.last, "chunk") );
	assert_int_equal(w.last_off, IOPAT_TRACE_FILE_HEADER_SIZE);
	trace_reader_close(r);
	close(fd);
}

/* Set the checksum of a file header after a change. */
static void seal_file_header(uint8_t *h)
{
	uLong crc = crc32(0, h, 12);

	for (int i = 0; i < 4; i++)
		h[12 + i] = crc >> (8 * i);
}

static void bad_files_are_refused(void **state)
{
	struct warnings w = {0};
	int fd = mem_fd();
	uint64_t n;
	uint8_t v = 9;

	/* empty */
	open_mem(fd, &w, -EINVAL);
	/* wrong magic */
	assert_int_equal(write(fd, "NOTATRACEFILE...", 16), 16);
	open_mem(fd, &w, -EINVAL);
	assert_int_equal(ftruncate(fd, 0), 0);
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	/* a future version: checksum made right, version too new */
	write_sample(fd, 0, &n);
	{
		uint8_t h[16];

		assert_int_equal(pread(fd, h, 16, 0), 16);
		h[8] = v;
		seal_file_header(h);
		assert_int_equal(pwrite(fd, h, 16, 0), 16);
	}
	open_mem(fd, &w, -EINVAL);
	close(fd);
}

/* A header whose size field (16 bits) points past the end of the file. */
static void header_longer_than_file_is_refused(void **state)
{
	unsigned int sizes[] = { 200, 16 + (1 << 8) };
	struct trace_reader *r;
	uint8_t h[16];

	for (int i = 0; i < 2; i++) {
		int fd = mem_fd();
		char err[256] = "";

		trace_file_header(h);
		h[10] = sizes[i] & 0xff;
		h[11] = sizes[i] >> 8;
		seal_file_header(h);
		assert_int_equal(write(fd, h, 16), 16);
		assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
		assert_int_equal(trace_reader_open_fd(&r, fd, NULL, NULL, err, sizeof(err)),
				 -EINVAL);
		assert_non_null(strstr(err, "cut short"));
		close(fd);
	}
}

/* Two recordings in one file: the second one's chunks are read, and its
 * restarted sequence is not taken for four billion missing chunks. */
static void concatenated_traces(void **state)
{
	int fd = mem_fd();
	struct warnings w = {0};
	struct trace_reader *r;
	uint64_t n, got;
	bool ended;

	write_sample(fd, 4096, &n);
	write_sample(fd, 4096, &n);
	r = open_mem(fd, &w, 0);
	got = count_events(r, &ended);
	assert_int_equal(got, 2 * n);
	assert_int_equal(w.n, 2);
	assert_non_null(strstr(w.last, "chunk 0 out of order"));
	trace_reader_close(r);
	close(fd);
}

/* Replay one record: body is its event, meta, file... */
static void apply(struct replay *rp, int tag, const void *body, size_t len)
{
	struct trace_record rec = { .tag = tag };

	memcpy(&rec.ev, body, len);
	replay_apply(rp, &rec);
}

/* File ids are the recorder's, but a damaged or hostile trace may name
 * any: memory follows the files named, not the largest id. */
static void replay_huge_file_ids(void **state)
{
	struct trace_file f = { .file_id = UINT32_MAX, .dev = 7, .ino = 8 };
	struct trace_event e = ev(1000, 42, IOPAT_LEVEL_SYSCALL, IOPAT_OP_READ, UINT32_MAX, 0,
				  4096);
	const struct replay_file *rf;
	struct replay rp;

	replay_init(&rp);
	f.path = trace_str_of("/far");
	apply(&rp, IOPAT_TAG_FILE, &f, sizeof(f));
	apply(&rp, IOPAT_TAG_EVENT, &e, sizeof(e));
	e = ev(2000, 42, IOPAT_LEVEL_SYSCALL, IOPAT_OP_READ, 1u << 31, 0, 512);
	apply(&rp, IOPAT_TAG_EVENT, &e, sizeof(e));
	e = ev(3000, 42, IOPAT_LEVEL_CACHE, IOPAT_OP_READ, 1u << 30, 0, 4096);
	apply(&rp, IOPAT_TAG_EVENT, &e, sizeof(e));
	assert_int_equal(rp.oom, 0);
	assert_int_equal(rp.nfiles, 3);
	rf = replay_file_get(&rp, UINT32_MAX);
	assert_non_null(rf);
	assert_string_equal(rf->path, "/far");
	assert_int_equal(rf->ino, 8);
	assert_int_equal(rf->bytes[IOPAT_READ], 4096);
	assert_int_equal(replay_file_get(&rp, 1u << 31)->bytes[IOPAT_READ], 512);
	assert_int_equal(replay_file_get(&rp, 1u << 30)->cache_miss_bytes, 4096);
	assert_null(replay_file_get(&rp, 0));
	assert_int_equal(replay_proc(&rp, 42)->io.bytes[IOPAT_READ], 4608);
	replay_free(&rp);
}

/* One process's life: fork, a 4 KiB read of file 1 at off, a device
 * read of 8 KiB, exit. */
static void one_life(struct replay *rp, uint32_t pid, uint64_t ts, uint64_t off)
{
	struct trace_proc p = { .pid = pid, .ppid = 1, .ts_ns = ts, .why = IOPAT_PROC_FORK };
	struct trace_event e = ev(ts + 1, pid, IOPAT_LEVEL_SYSCALL, IOPAT_OP_READ, 1, off, 4096);
	struct trace_exit x = { pid, ts + 3, 0 };

	p.comm = trace_str_of("worker");
	apply(rp, IOPAT_TAG_PROC, &p, sizeof(p));
	apply(rp, IOPAT_TAG_EVENT, &e, sizeof(e));
	e = ev(ts + 2, pid, IOPAT_LEVEL_DEVICE, IOPAT_OP_READ, 7, 0, 8192);
	apply(rp, IOPAT_TAG_EVENT, &e, sizeof(e));
	apply(rp, IOPAT_TAG_EXIT, &x, sizeof(x));
}

/* The queue of exited processes: each is given back once its time has
 * come, only while it is still the exit queued (not forgotten, not a new
 * process under the same pid). */
static void replay_due_gives_back_due_exits(void **state)
{
	struct replay_due q = {};
	struct replay rp;
	uint32_t pid = 0;

	replay_init(&rp);
	one_life(&rp, 300, 1000, 0);	/* exits at 1003 */
	one_life(&rp, 301, 2000, 0);	/* exits at 2003 */
	one_life(&rp, 302, 3000, 0);
	assert_int_equal(replay_due_push(&q, 300, 1003, 5000), 0);
	assert_int_equal(replay_due_push(&q, 301, 999, 6000), 0);	/* not its exit */
	assert_int_equal(replay_due_push(&q, 302, 3003, 7000), 0);
	assert_false(replay_due_pop(&q, &rp, 4999, &pid));
	assert_true(replay_due_pop(&q, &rp, 5000, &pid));
	assert_int_equal(pid, 300);
	replay_forget(&rp, 302);
	assert_false(replay_due_pop(&q, &rp, 10000, &pid));	/* 301 stale, 302 forgotten */
	replay_due_free(&q);
	replay_free(&rp);
}

/* A device event with latency 0 (its completion was not seen): its
 * bytes, op and size count; it adds no latency sample. */
static void replay_device_event_without_latency(void **state)
{
	struct raw_snapshot s = {0};
	struct proc_table t = {0};
	struct trace_event e;
	struct replay rp;
	uint64_t lat_samples = 0;

	replay_init(&rp);
	one_life(&rp, 300, 1000, 0);	/* one 8 KiB device read, latency 1000 ns */
	e = ev(1002, 300, IOPAT_LEVEL_DEVICE, IOPAT_OP_READ, 7, 8192, 4096);
	e.lat_ns = 0;
	apply(&rp, IOPAT_TAG_EVENT, &e, sizeof(e));
	assert_int_equal(replay_snapshot(&rp, &s), 0);
	assert_int_equal(aggregate_by_pid(&s, &t), 0);
	assert_int_equal(t.n, 1);
	assert_int_equal(t.rows[0].io.dev_read_bytes, 8192 + 4096);
	assert_int_equal(t.rows[0].io.dev_read_ops, 2);
	assert_int_equal(t.rows[0].io.dev_read_size_hist[iopat_size_bucket(4096)], 1);
	assert_int_equal(t.rows[0].io.dev_read_size_hist[iopat_size_bucket(8192)], 1);
	for (unsigned int b = 0; b < IOPAT_LAT_BUCKETS; b++)
		lat_samples += t.rows[0].io.dev_read_lat_hist[b];
	assert_int_equal(lat_samples, 1);
	assert_int_equal(t.rows[0].io.dev_read_lat_ns, 1000);
	/* shown with the drops, but no event was lost */
	assert_int_equal(rp.drops[IOPAT_DROP_RQ_UNSEEN], 1);
	assert_int_equal(drops_total(rp.drops), 0);
	proc_table_free(&t);
	raw_snapshot_free(&s);
	replay_free(&rp);
}

/* Processes taken one by one and forgotten: the replay keeps what is
 * alive, and a pid used again starts from zero. */
static void replay_forget_processes(void **state)
{
	struct raw_snapshot s = {0};
	struct proc_table t = {0};
	const struct proc_row *row;
	struct replay rp;

	replay_init(&rp);
	one_life(&rp, 100000, 1000, 0);	/* stays */
	for (uint32_t pid = 1000; pid < 6000; pid++) {
		one_life(&rp, pid, pid * 10, 4096);
		assert_int_equal(replay_proc_snapshot(&rp, pid, &s), 0);
		assert_int_equal(s.nprocs, 1);
		assert_int_equal(s.ndevs, 1);
		assert_int_equal(aggregate_by_pid(&s, &t), 0);
		row = proc_table_find(&t, pid);
		assert_non_null(row);
		assert_int_equal(row->io.read_bytes, 4096);
		assert_int_equal(row->io.seq_read_ops, 0);	/* not from offset 0 */
		assert_int_equal(row->io.dev_read_bytes, 8192);
		assert_true(row->exited);
		replay_forget(&rp, pid);
		assert_null(replay_proc(&rp, pid));
	}
	assert_int_equal(rp.oom, 0);
	/* forgotten entries were dropped as they piled up */
	assert_true(rp.proc_idx.n < 2100);
	assert_true(rp.pf_idx.n < 2100);
	assert_true(rp.dev_idx.n < 2100);
	/* the one left: whole, in a snapshot of everything */
	assert_int_equal(replay_snapshot(&rp, &s), 0);
	assert_int_equal(aggregate_by_pid(&s, &t), 0);
	assert_int_equal(t.n, 1);
	assert_int_equal(t.rows[0].pid, 100000);
	assert_int_equal(t.rows[0].io.dev_read_bytes, 8192);
	assert_int_equal(t.rows[0].io.seq_read_ops, 1);
	/* a pid used again: a new process, counted from zero (its first
	 * read continues nothing, its file is new to it) */
	one_life(&rp, 5999, 90000, 8192);
	assert_int_equal(replay_proc_snapshot(&rp, 5999, &s), 0);
	assert_int_equal(aggregate_by_pid(&s, &t), 0);
	assert_int_equal(t.rows[0].io.read_bytes, 4096);
	assert_int_equal(t.rows[0].io.files, 1);
	assert_int_equal(t.rows[0].io.dev_read_ops, 1);
	assert_int_equal(replay_proc_snapshot(&rp, 4242, &s), -ENOENT);
	proc_table_free(&t);
	raw_snapshot_free(&s);
	replay_free(&rp);
}

/* One process that read many files, forgotten: its (process, file)
 * entries go with it, though it is one process among few. */
static void replay_forget_many_files(void **state)
{
	struct trace_event e;
	struct replay rp;

	replay_init(&rp);
	one_life(&rp, 7, 1000, 0);	/* stays */
	for (uint32_t id = 0; id < 5000; id++) {
		e = ev(2000 + id, 8, IOPAT_LEVEL_SYSCALL, IOPAT_OP_READ, id, 0, 512);
		apply(&rp, IOPAT_TAG_EVENT, &e, sizeof(e));
	}
	assert_int_equal(rp.pf_idx.n, 5001);
	replay_forget(&rp, 8);
	assert_int_equal(rp.oom, 0);
	assert_int_equal(rp.pf_idx.n, 1);
	assert_int_equal(rp.proc_idx.n, 1);
	assert_int_equal(replay_proc(&rp, 7)->io.bytes[IOPAT_READ], 4096);
	replay_free(&rp);
}

/* A trace of headers only: an empty snapshot and table. */
static void replay_without_events(void **state)
{
	struct trace_meta m = { .n = 1 };
	struct raw_snapshot s = {0};
	struct proc_table t = {0};
	struct replay rp;

	replay_init(&rp);
	m.key[0] = trace_str_of("host");
	m.value[0] = trace_str_of("node-1");
	apply(&rp, IOPAT_TAG_META, &m, sizeof(m));
	assert_int_equal(replay_snapshot(&rp, &s), 0);
	assert_int_equal(s.nprocs, 0);
	assert_int_equal(s.ndevs, 0);
	assert_int_equal(aggregate_by_pid(&s, &t), 0);
	assert_int_equal(t.n, 0);
	assert_null(proc_table_find(&t, 1));
	assert_string_equal(rp.host, "node-1");
	proc_table_free(&t);
	raw_snapshot_free(&s);
	replay_free(&rp);
}

static void varints_round_trip(void **state)
{
	uint64_t vals[] = { 0, 1, 127, 128, 300, 1ULL << 35, UINT64_MAX };
	uint8_t buf[VARINT_MAX];

	for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
		const uint8_t *p = buf;
		uint64_t out;
		size_t n = varint_put(buf, vals[i]);

		assert_int_equal(varint_get(&p, buf + n, &out), 0);
		assert_int_equal(out, vals[i]);
		assert_ptr_equal(p, buf + n);
		/* one byte short fails */
		p = buf;
		assert_int_equal(varint_get(&p, buf + n - 1, &out), -1);
	}
	assert_int_equal(zigzag_decode(zigzag_encode(-5)), -5);
	assert_int_equal(zigzag_encode(-1), 1);
	assert_int_equal(zigzag_decode(zigzag_encode(INT64_MIN)), INT64_MIN);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(round_trip_every_record),
		cmocka_unit_test(large_chunk_round_trip),
		cmocka_unit_test(cut_file_keeps_whole_chunks),
		cmocka_unit_test(flipped_bit_skips_one_chunk),
		cmocka_unit_test(damaged_header_resyncs),
		cmocka_unit_test(bad_files_are_refused),
		cmocka_unit_test(header_longer_than_file_is_refused),
		cmocka_unit_test(concatenated_traces),
		cmocka_unit_test(replay_huge_file_ids),
		cmocka_unit_test(replay_without_events),
		cmocka_unit_test(replay_forget_processes),
		cmocka_unit_test(replay_device_event_without_latency),
		cmocka_unit_test(replay_due_gives_back_due_exits),
		cmocka_unit_test(replay_forget_many_files),
		cmocka_unit_test(varints_round_trip),
	};

	return cmocka_run_group_tests_name("trace", tests, NULL, NULL);
}
