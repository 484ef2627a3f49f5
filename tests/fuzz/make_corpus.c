/*
 * Writes the seed corpus of the trace reader's fuzz target into DIR:
 * traces with every record type and event encoding, the same with
 * uncompressed blocks, the bare records of a chunk, and damaged files.
 *
 *   make_corpus DIR
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <zstd.h>
#include "trace_writer.h"
#include "iopat.h"
#include "chunk.h"
#include "trace_ev.h"

struct blob {
	uint8_t *p;
	size_t n;
};

static const char *outdir;

static void die(const char *what)
{
	fprintf(stderr, "make_corpus: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void check(int err, const char *what)
{
	if (err) {
		errno = -err;
		die(what);
	}
}

static void save(const char *name, const uint8_t *p, size_t n)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", outdir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(p, 1, n, f) != n || fclose(f))
		die(path);
}

static struct blob blob_of_fd(int fd)
{
	struct blob b;
	off_t n = lseek(fd, 0, SEEK_END);

	b.n = n;
	b.p = malloc(n ? n : 1);
	if (n < 0 || !b.p || pread(fd, b.p, b.n, 0) != n)
		die("reading back a trace");
	close(fd);
	return b;
}

static void put_meta(struct trace_writer *w)
{
	static const char *kv[][2] = {
		{ "host", "node-7" }, { "kernel", "6.18.0" }, { "boot_time_ns", "1700000000000000000" },
		{ "start_ns", "1000000" }, { "hooks", "syscall,cache,block" },
		{ "filters", "-- fio" }, { "iopat_version", "0.1" },
	};
	struct trace_meta m = { .n = sizeof(kv) / sizeof(kv[0]) };

	for (size_t i = 0; i < m.n; i++) {
		m.key[i] = trace_str_of(kv[i][0]);
		m.value[i] = trace_str_of(kv[i][1]);
	}
	check(trace_writer_meta(w, &m), "meta");
}

static void put_proc(struct trace_writer *w, uint32_t pid, uint32_t ppid, uint32_t why,
		     const char *comm, const char *exe, struct trace_str cmdline)
{
	struct trace_proc p = {
		.pid = pid, .ppid = ppid, .cgroup_id = 4242, .ts_ns = 1000000, .why = why,
		.flags = pid == 101 ? IOPAT_PROC_GPU : 0,
		.comm = trace_str_of(comm), .exe = trace_str_of(exe), .cmdline = cmdline,
		.cgroup = trace_str_of("/system.slice/train.service"),
	};

	check(trace_writer_proc(w, &p), "proc");
}

static void put_file(struct trace_writer *w, uint32_t id, uint32_t kind, const char *path)
{
	struct trace_file f = {
		.file_id = id, .dev = 0x800001, .ino = 1000 + id, .kind = kind,
		.path = trace_str_of(path),
	};

	check(trace_writer_file(w, &f), "file");
}

static void put_event(struct trace_writer *w, struct trace_event e)
{
	check(trace_writer_event(w, &e), "event");
}

/* Every record type; events at every level and op, with and without the
 * same pid and target as the one before, extras, seeks back and forth,
 * time going back, empty transfers, the writeback pid. */
static struct blob sample(size_t chunk)
{
	int fd = memfd_create("corpus", 0);
	struct trace_writer *w;
	struct trace_event e;
	uint64_t ts = 2000000;

	if (fd < 0)
		die("memfd_create");
	check(trace_writer_open(&w, fd, chunk), "open");
	put_meta(w);
	put_proc(w, 100, 1, IOPAT_PROC_SEEN, "bash", "/usr/bin/bash",
		 trace_str_of("bash"));
	put_proc(w, 101, 100, IOPAT_PROC_FORK, "bash", "/usr/bin/bash", trace_str_of(""));
	put_proc(w, 101, 100, IOPAT_PROC_EXEC, "python3", "/usr/bin/python3.11",
		 (struct trace_str){ "python3\0train.py\0--epochs=2", 27 });
	put_file(w, 0, IOPAT_KIND_STORAGE, "/data/train/shard-0000.tar");
	put_file(w, 1, IOPAT_KIND_MEMORY, "/dev/shm/batch");
	put_file(w, 2, IOPAT_KIND_BLOCKDEV, "/dev/nvme0n1");
	put_file(w, 3, IOPAT_KIND_STORAGE, "");
	for (int level = 0; level < IOPAT_NLEVELS; level++) {
		for (int op = 0; op < IOPAT_NOPS; op++) {
			uint32_t target = level == IOPAT_LEVEL_DEVICE ? 0x800000 : op;

			for (int i = 0; i < 4; i++) {
				e = ev(ts += 1500, 101, level, op, target, i * 131072, 131072);
				put_event(w, e);
			}
			e = ev(ts += 10, 101, level, op, target, 65536, 4096);	/* back */
			put_event(w, e);
			e = ev(ts -= 700, 100, level, op, target, 1ull << 40, 512);	/* time back */
			e.tid = 102;
			put_event(w, e);
			e = ev(ts += 3000, 101, level, op, target + 1, 0, 0);
			e.result = -5;
			put_event(w, e);
		}
	}
	put_event(w, ev(ts += 50, IOPAT_PID_WRITEBACK, IOPAT_LEVEL_DEVICE, IOPAT_OP_WRITE,
			0x800000, 8 << 20, 1 << 20));
	put_event(w, ev(ts += 50, 103, IOPAT_LEVEL_SYSCALL, IOPAT_OP_READ, 7, 0, 4096));
	check(trace_writer_exit(w, &(struct trace_exit){ 101, ts += 100, 9 }), "exit");
	check(trace_writer_drop(w, &(struct trace_drop){ ts, ts + 500, 17, IOPAT_DROP_RINGBUF }),
	      "drop");
	check(trace_writer_drop(w, &(struct trace_drop){ ts + 600, ts + 700, 1, 99 }), "drop");
	check(trace_writer_end(w, &(struct trace_end){ ts + 1000, trace_writer_events(w), 18 }),
	      "end");
	check(trace_writer_close(w), "close");
	return blob_of_fd(fd);
}

#define SEC_NS 1000000000ULL

/* A one-chunk trace for a report scenario: the header, one file (id 0,
 * /data/a); *fd: its memfd. */
static struct trace_writer *scenario_open(int *fd)
{
	struct trace_writer *w;

	*fd = memfd_create("corpus", 0);
	if (*fd < 0)
		die("memfd_create");
	check(trace_writer_open(&w, *fd, 0), "open");
	put_meta(w);
	put_file(w, 0, IOPAT_KIND_STORAGE, "/data/a");
	return w;
}

static struct blob scenario_close(struct trace_writer *w, int fd, uint64_t end_ns)
{
	check(trace_writer_end(w, &(struct trace_end){ end_ns, trace_writer_events(w), 0 }),
	      "end");
	check(trace_writer_close(w), "close");
	return blob_of_fd(fd);
}

static void put_exit(struct trace_writer *w, uint32_t pid, uint64_t ts)
{
	check(trace_writer_exit(w, &(struct trace_exit){ pid, ts, 0 }), "exit");
}

/* A read of bytes at off of file 0. */
static void put_read(struct trace_writer *w, uint64_t ts, uint32_t pid, uint64_t off,
		     uint64_t bytes)
{
	put_event(w, ev(ts, pid, IOPAT_LEVEL_SYSCALL, IOPAT_OP_READ, 0, off, bytes));
}

/* A process's last event written after its exit and after seconds of
 * other events (as a CPU's batch can be), then its pid used again by a
 * new process: the report keeps the two apart and loses nothing. */
static struct blob late_events(void)
{
	uint64_t s = SEC_NS;
	struct trace_proc p = { .pid = 200, .ppid = 1, .ts_ns = s, .why = IOPAT_PROC_FORK,
				.comm = trace_str_of("loader") };
	int fd;
	struct trace_writer *w = scenario_open(&fd);

	check(trace_writer_proc(w, &p), "proc");
	put_read(w, s + 1000, 200, 0, 4096);
	put_exit(w, 200, s + s / 10);
	p.pid = 300;
	p.comm = trace_str_of("other");
	check(trace_writer_proc(w, &p), "proc");
	for (uint64_t t = 1; t <= 5; t++)
		put_read(w, s + t * s, 300, 0, 512);
	/* pid 200's last read, 5 s late in the file */
	put_read(w, s + 2000, 200, 4096, 4096);
	p.pid = 200;
	p.ts_ns = 7 * s;
	p.comm = trace_str_of("loader");
	check(trace_writer_proc(w, &p), "proc");
	put_read(w, 7 * s + 1000, 200, 0, 8192);
	put_exit(w, 200, 7 * s + 5000);
	return scenario_close(w, fd, 8 * s);
}

/* A job whose root does its I/O last: a worker of it ends early with
 * little I/O, ten small jobs of the same shell come and go, then the
 * root reads 1 MiB. A report listing two workloads keeps the job. */
static struct blob job_root_last(void)
{
	uint64_t s = SEC_NS;
	struct trace_proc p = { .pid = 500, .ppid = 1, .ts_ns = s / 2, .why = IOPAT_PROC_SEEN,
				.comm = trace_str_of("bash") };
	int fd;
	struct trace_writer *w = scenario_open(&fd);

	check(trace_writer_proc(w, &p), "proc");
	p = (struct trace_proc){ .pid = 600, .ppid = 500, .ts_ns = s / 2, .why = IOPAT_PROC_FORK,
				 .comm = trace_str_of("train") };
	check(trace_writer_proc(w, &p), "proc");
	p.pid = 601;
	p.ppid = 600;
	p.comm = trace_str_of("worker");
	check(trace_writer_proc(w, &p), "proc");
	put_read(w, s, 601, 0, 4096);
	put_exit(w, 601, s + 1000);
	for (uint32_t i = 0; i < 10; i++) {
		uint64_t t = (2 + i) * s;

		p.pid = 700 + i;
		p.ppid = 500;
		p.ts_ns = t;
		p.comm = trace_str_of("job");
		check(trace_writer_proc(w, &p), "proc");
		put_read(w, t + 1000, 700 + i, 0, 8192);
		put_exit(w, 700 + i, t + 2000);
	}
	put_read(w, 13 * s, 600, 0, 1 << 20);
	put_exit(w, 600, 14 * s);
	return scenario_close(w, fd, 15 * s);
}

/* Offsets of the chunk headers of a whole trace, ending with its size. */
static size_t chunk_offsets(const struct blob *t, size_t *off, size_t max)
{
	size_t n = 0, at = IOPAT_TRACE_FILE_HEADER_SIZE;

	while (at + IOPAT_TRACE_CHUNK_HEADER_SIZE <= t->n && n < max - 1) {
		off[n++] = at;
		at += IOPAT_TRACE_CHUNK_HEADER_SIZE + chunk_get_le32(t->p + at + 8);
	}
	off[n] = at;
	return n;
}

/* The records of chunk i of a trace, decompressed. */
static struct blob chunk_records(const struct blob *t, size_t at)
{
	const uint8_t *h = t->p + at;
	struct blob b;
	size_t got;

	b.n = chunk_get_le32(h + 12);
	b.p = malloc(b.n ? b.n : 1);
	if (!b.p)
		die("malloc");
	got = ZSTD_decompress(b.p, b.n, h + IOPAT_TRACE_CHUNK_HEADER_SIZE,
			      chunk_get_le32(h + 8));
	if (ZSTD_isError(got) || got != b.n) {
		errno = EINVAL;
		die("decompressing a chunk");
	}
	return b;
}

/* The same trace with every chunk in uncompressed blocks. */
static struct blob uncompressed(const struct blob *t)
{
	size_t off[256], n = chunk_offsets(t, off, 256);
	size_t len = IOPAT_TRACE_FILE_HEADER_SIZE, size = len;
	struct blob out;

	for (size_t i = 0; i < n; i++)
		size += chunk_size(chunk_get_le32(t->p + off[i] + 12));
	out.p = malloc(size);
	if (!out.p)
		die("malloc");
	trace_file_header(out.p);
	for (size_t i = 0; i < n; i++) {
		const uint8_t *h = t->p + off[i];
		struct blob raw = chunk_records(t, off[i]);
		uint8_t *c = out.p + len;
		uint64_t base = chunk_get_le32(h + 24) | (uint64_t)chunk_get_le32(h + 28) << 32;

		len += put_chunk(c, chunk_get_le32(h + 4), base, raw.p, raw.n);
		memcpy(c + 16, h + 16, 8);	/* record and event counts */
		chunk_seal(c);
		free(raw.p);
	}
	out.n = len;
	return out;
}

static void save_flipped(const char *name, const struct blob *t, size_t at, uint8_t mask)
{
	uint8_t *p = malloc(t->n);

	if (!p)
		die("malloc");
	memcpy(p, t->p, t->n);
	p[at] ^= mask;
	save(name, p, t->n);
	free(p);
}

/* Damaged versions of a trace of several chunks (t), and of the same in
 * uncompressed blocks (raw). */
static void save_damaged(const struct blob *t, const struct blob *raw)
{
	size_t off[256], n = chunk_offsets(t, off, 256);
	uint8_t *p = malloc((t->n > raw->n ? t->n : raw->n) + 64);

	if (!p || n < 4) {
		errno = EINVAL;
		die("damaged traces");
	}
	save("cut-in-chunk.iotrace", t->p, off[2] + 50);
	save("cut-in-chunk-header.iotrace", t->p, off[2] + 20);
	save("header-only.iotrace", t->p, IOPAT_TRACE_FILE_HEADER_SIZE);
	save_flipped("flipped-payload-bit.iotrace", t, off[1] + IOPAT_TRACE_CHUNK_HEADER_SIZE + 9,
		     0x08);
	save_flipped("flipped-chunk-header-bit.iotrace", t, off[1] + 9, 0x40);
	save_flipped("wrong-magic.iotrace", t, 3, 0x20);
	/* junk between two chunks: the reader looks for the next header */
	memcpy(p, t->p, off[1]);
	memset(p + off[1], 0x5a, 64);
	memcpy(p + off[1] + 64, t->p + off[1], t->n - off[1]);
	save("junk-between-chunks.iotrace", p, t->n + 64);
	/* a chunk missing: a gap in the sequence numbers */
	memcpy(p, t->p, off[1]);
	memcpy(p + off[1], t->p + off[2], t->n - off[2]);
	save("chunk-missing.iotrace", p, t->n - (off[2] - off[1]));
	/* a newer format version, header checksum right */
	memcpy(p, t->p, t->n);
	p[8] = IOPAT_TRACE_VERSION + 1;
	chunk_put_le32(p + 12, crc32(0, p, 12));
	save("future-version.iotrace", p, t->n);
	/* uncompressed blocks, a record with an unknown tag, checksums right */
	memcpy(p, raw->p, raw->n);
	n = chunk_offsets(raw, off, 256);
	p[off[1] + IOPAT_TRACE_CHUNK_HEADER_SIZE + ZSTD_RAW_FRAME_HEADER + 3] = 0x7f;
	chunk_seal(p + off[1]);
	save("unknown-tag.iotrace", p, raw->n);
	free(p);
}

int main(int argc, char **argv)
{
	struct blob many, one, raw, rec, late, job;
	size_t off[2];

	if (argc != 2) {
		fprintf(stderr, "usage: make_corpus DIR\n");
		return 2;
	}
	outdir = argv[1];
	many = sample(256);
	one = sample(0);
	raw = uncompressed(&many);
	save("every-record.iotrace", many.p, many.n);
	save("every-record-one-chunk.iotrace", one.p, one.n);
	save("every-record-uncompressed.iotrace", raw.p, raw.n);
	chunk_offsets(&one, off, 2);
	rec = chunk_records(&one, off[0]);
	save("every-record.records", rec.p, rec.n);
	save_damaged(&many, &raw);
	late = late_events();
	save("late-events.iotrace", late.p, late.n);
	free(late.p);
	job = job_root_last();
	save("job-root-last.iotrace", job.p, job.n);
	free(job.p);
	free(rec.p);
	free(raw.p);
	free(one.p);
	free(many.p);
	return 0;
}
