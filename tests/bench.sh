#!/usr/bin/env bash
# iopat overhead benchmark (run as root, via `make bench`).
#
# For each fio job, runs every mode once per round, modes alternating inside
# a round so slow drifts of the machine hit all modes alike, and prints a
# Markdown table of the median ops/s per mode and the overhead against the
# plain run of the same round, 1 - mode/plain, as the median over rounds.
#
# Jobs:
#   cached-randread  4 KiB random pread (psync) on a file fully in page cache
#   direct-randread  4 KiB random O_DIRECT pread (psync) on a loop device
#   many-files       BENCH_MANY_FILES (default 20000) cached 4 KiB files, each
#                    opened, read whole and closed in turn (a loader over
#                    small samples): every file's first sight costs the
#                    tracer a path walk and a record
#   ctx-switch       two processes passing a byte back and forth over pipes
#                    (tests/workloads/pingpong, fio's JSON shape): every
#                    round trip is context switches, which iopat's
#                    sched_switch hook sees; no file I/O
# Modes:
#   plain     fio alone
#   iopat     fio under `iopat stat -o /dev/null --`
#   floor     fio alone while an empty bpftrace program runs on every
#             system-call exit (a perf-event tracepoint)
#   empty     fio alone while empty tp_btf/sys_exit and tp_btf/sched_switch
#             programs are attached (build/bench/empty_hook): the cost of
#             iopat's two hot hooks themselves, attached as iopat attaches
#             them, the floor iopat cannot go below
#   top       fio alone while `iopat top -b -d 1` watches the whole host
#   serve     fio alone while `iopat serve -d 1` watches the whole host and a
#             scraper reads its /metrics every second
#   bpftrace  fio alone while a bpftrace one-liner sums pread64 returns
#   record    fio under `iopat record -o FILE --` (every event to a trace)
#
# With the record mode: the events per second it sustained, the events it
# dropped, bytes per event on disk, and the speed of `iopat report` and
# `iopat export` over the last trace, in events per second on one core.
#
# Then the cost of one `top` refresh with BENCH_REFRESH_PROCS live
# processes (default 1000) and BENCH_REFRESH_FILES tracked files (default
# 100000), from top's own `refresh_cpu_ms` (CPU time of the refresh), and,
# with as many processes alive and reading, `iopat serve`'s scrape latency
# (curl's time_total over BENCH_SCRAPES scrapes, default 200) and memory
# (VmHWM) with 50 workloads of their own and with one per process.
#
# Environment: BENCH_RUNTIME (s per run, default 10), BENCH_ROUNDS
# (default 3), BENCH_MODES (default "plain empty floor iopat top serve
# bpftrace record"), BENCH_JOBS (default "cached-randread direct-randread
# many-files ctx-switch"), BENCH_MANY_FILES (default 20000), IOPAT (binary),
# BENCH_DIR (data directory on a disk-backed filesystem).
# To add a mode: write mode_NAME (runs "$@" as the fio command line and
# prints fio's JSON on stdout) and add NAME to BENCH_MODES.

set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
IOPAT=${IOPAT:-$ROOT/build/iopat}
BENCH_RUNTIME=${BENCH_RUNTIME:-10}
BENCH_ROUNDS=${BENCH_ROUNDS:-3}
BENCH_MODES=${BENCH_MODES:-plain empty floor iopat top serve bpftrace record}
BENCH_JOBS=${BENCH_JOBS-cached-randread direct-randread many-files ctx-switch}
BENCH_FILE_MIB=${BENCH_FILE_MIB:-1024}
BENCH_LOOP_MIB=${BENCH_LOOP_MIB:-1024}
BENCH_MANY_FILES=${BENCH_MANY_FILES:-20000}
export LC_ALL=C

die() {
	echo "bench: $*" >&2
	exit 1
}

[ "$(id -u)" -eq 0 ] || die "must run as root"
command -v fio >/dev/null || die "fio not installed"
command -v jq >/dev/null || die "jq not installed"

# ------------------------------------------------------------------ setup

pick_dir() {
	local d fs
	for d in "${BENCH_DIR:-}" "$ROOT/build/benchdata" /var/tmp; do
		[ -n "$d" ] || continue
		mkdir -p "$d" 2>/dev/null || continue
		fs=$(stat -f -c %T "$d") || continue
		case $fs in tmpfs | ramfs) continue ;; esac
		echo "$d"
		return 0
	done
	return 1
}

WORK=$(mktemp -d "$(pick_dir || die "no disk-backed directory")/iopat-bench.XXXXXX")
LOOPDEV=
LOOPFILE=
BPFTRACE_PID=

cleanup() {
	[ -n "${TOP_PID:-}" ] && kill -INT "$TOP_PID" 2>/dev/null
	[ -n "${SCRAPER_PID:-}" ] && kill "$SCRAPER_PID" 2>/dev/null
	[ -n "${SERVE_PID:-}" ] && kill -INT "$SERVE_PID" 2>/dev/null
	[ -n "${MANY_PID:-}" ] && kill -TERM "$MANY_PID" 2>/dev/null
	if [ -n "$BPFTRACE_PID" ]; then
		kill -INT "$BPFTRACE_PID" 2>/dev/null || true
		wait "$BPFTRACE_PID" 2>/dev/null || true
	fi
	[ -n "$LOOPDEV" ] && losetup -d "$LOOPDEV" 2>/dev/null
	[ -n "$LOOPFILE" ] && rm -f "$LOOPFILE"
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ensure_tracefs() {
	if ! mountpoint -q /sys/kernel/tracing; then
		mount -t tracefs nodev /sys/kernel/tracing ||
			die "cannot mount tracefs at /sys/kernel/tracing"
	fi
}

# Data for the cached job: written once, then read fully into page cache.
setup_cached() {
	CACHED_FILE=$WORK/cached.dat
	dd if=/dev/urandom of="$CACHED_FILE" bs=1M count="$BENCH_FILE_MIB" \
		status=none
	warm_cached
}

warm_cached() {
	cat "$CACHED_FILE" >/dev/null
}

# Loop device over a sparse file (on tmpfs when available): direct reads go
# through the whole block layer but never wait on a real disk.
setup_direct() {
	local dir=$WORK
	if [ "$(stat -f -c %T /dev/shm 2>/dev/null)" = tmpfs ]; then
		dir=/dev/shm
	fi
	LOOPFILE=$(mktemp "$dir/iopat-bench-loop.XXXXXX")
	truncate -s "${BENCH_LOOP_MIB}M" "$LOOPFILE"
	LOOPDEV=$(losetup -f --show "$LOOPFILE") || die "losetup failed"
}

# The many-files job's files, made once by fio (--create_only), then read
# into the page cache.
setup_many() {
	MANY_DIR=$WORK/manyfiles
	mkdir -p "$MANY_DIR"
	fio --name=bench --directory="$MANY_DIR" --nrfiles="$BENCH_MANY_FILES" \
		--filesize=4k --filename_format='f$filenum' --create_only=1 \
		--output-format=json >/dev/null || die "cannot make the many files"
	warm_many
}

warm_many() {
	find "$MANY_DIR" -type f -exec cat {} + >/dev/null
}

# fio arguments of a job.
job_args() {
	local common=(--output-format=json --disk_util=0 --name=bench
		--ioengine=psync --bs=4k --numjobs=1 --time_based
		--runtime="$BENCH_RUNTIME" --norandommap --randrepeat=0)
	case $1 in
	cached-randread)
		printf '%s\n' "${common[@]}" --rw=randread --invalidate=0 \
			--filename="$CACHED_FILE" --size="${BENCH_FILE_MIB}M"
		;;
	direct-randread)
		printf '%s\n' "${common[@]}" --rw=randread --direct=1 \
			--filename="$LOOPDEV" --size="${BENCH_LOOP_MIB}M"
		;;
	ctx-switch)
		echo "$BENCH_RUNTIME"
		;;
	many-files)
		# one file open at a time, each read whole (one 4 KiB read)
		printf '%s\n' "${common[@]}" --rw=read --invalidate=0 \
			--directory="$MANY_DIR" --nrfiles="$BENCH_MANY_FILES" \
			--filesize=4k --filename_format='f$filenum' --openfiles=1 \
			--file_service_type=sequential
		;;
	*) die "unknown job $1" ;;
	esac
}

job_prepare() {
	case $1 in
	cached-randread) warm_cached ;;
	direct-randread) : ;;
	many-files) warm_many ;;
	ctx-switch) : ;;
	esac
}

# ------------------------------------------------------------------ modes
# mode_NAME ARGS...: run the job's program (job_cmd: fio, or pingpong,
# which prints fio's JSON shape), its JSON report on stdout.

PINGPONG=${PINGPONG:-$ROOT/build/workloads/pingpong}

job_cmd() {
	if [ "$JOB" = ctx-switch ]; then
		echo "$PINGPONG"
	else
		echo fio
	fi
}

mode_plain() {
	$(job_cmd) "$@"
}

mode_iopat() {
	[ -x "$IOPAT" ] || die "iopat not built: $IOPAT"
	"$IOPAT" stat -o /dev/null -- $(job_cmd) "$@"
}

EMPTY_HOOK=${EMPTY_HOOK:-$ROOT/build/bench/empty_hook}

mode_empty() {
	[ -x "$EMPTY_HOOK" ] || die "not built: $EMPTY_HOOK (make build/bench/empty_hook)"
	local rc=0 pid
	coproc EMPTY { exec "$EMPTY_HOOK"; }
	pid=$EMPTY_PID
	read -r -u "${EMPTY[0]}" _ || die "empty_hook did not attach"
	$(job_cmd) "$@" || rc=$?
	# TERM, not INT: a child dying of SIGINT would stop this script too
	kill -TERM "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	return $rc
}

# The recorder's summary line of every run, for the recording table.
RECORD_LOG=

mode_record() {
	[ -x "$IOPAT" ] || die "iopat not built: $IOPAT"
	"$IOPAT" record -o "$WORK/bench.iotrace" -- $(job_cmd) "$@" 2>>"$RECORD_LOG"
}

TOP_PID=

mode_top() {
	[ -x "$IOPAT" ] || die "iopat not built: $IOPAT"
	local rc=0 i
	"$IOPAT" top -b -d 1 >/dev/null &
	TOP_PID=$!
	# attached once it has printed nothing but is past start-up: wait for
	# its BPF programs to show up
	for ((i = 0; i < 100; i++)); do
		bpftool prog show 2>/dev/null | grep -q iopat_sys_exit && break
		sleep 0.1
	done
	$(job_cmd) "$@" || rc=$?
	kill -INT "$TOP_PID" 2>/dev/null || true
	wait "$TOP_PID" 2>/dev/null || true
	TOP_PID=
	return $rc
}

SERVE_PID=
SCRAPER_PID=

# serve_up ARGS...: `iopat serve` on a free port ($SERVE_PORT), once its
# first refresh is rendered.
serve_up() {
	local i
	SERVE_PORT=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	"$IOPAT" serve --listen "127.0.0.1:$SERVE_PORT" "$@" >/dev/null 2>>"$WORK/serve.log" &
	SERVE_PID=$!
	for ((i = 0; i < 200; i++)); do
		# a file, not a pipe: grep -q leaving early fails curl (pipefail)
		curl -sf -o "$WORK/up.txt" "http://127.0.0.1:$SERVE_PORT/metrics" 2>/dev/null &&
			grep -q '^iopat_refreshes_total' "$WORK/up.txt" && return 0
		sleep 0.1
	done
	die "iopat serve did not start: $(cat "$WORK/serve.log")"
}

serve_down() {
	[ -n "$SCRAPER_PID" ] && kill "$SCRAPER_PID" 2>/dev/null && wait "$SCRAPER_PID" 2>/dev/null
	SCRAPER_PID=
	[ -n "$SERVE_PID" ] && kill -TERM "$SERVE_PID" 2>/dev/null && wait "$SERVE_PID" 2>/dev/null
	SERVE_PID=
	return 0
}

# The exporter collecting every second while a scraper reads /metrics
# every second, as Prometheus would.
mode_serve() {
	[ -x "$IOPAT" ] || die "iopat not built: $IOPAT"
	local rc=0
	serve_up -d 1
	(while :; do curl -sf -o /dev/null "http://127.0.0.1:$SERVE_PORT/metrics"; sleep 1; done) \
		>/dev/null 2>&1 &
	SCRAPER_PID=$!
	$(job_cmd) "$@" || rc=$?
	serve_down
	return $rc
}

BPFTRACE_PROG='tracepoint:syscalls:sys_exit_pread64 { @[pid] = sum(args->ret); }'

# bpftrace_attached PID LOG TRACEPOINT: its program is attached (seen
# by bpftool); without bpftool, trust the 'Attaching' line plus a second.
bpftrace_attached() {
	if command -v bpftool >/dev/null; then
		bpftool perf list -j 2>/dev/null | jq -e --argjson p "$1" --arg tp "$3" \
			'any(.[]; .pid == $p and .tracepoint == $tp)' \
			>/dev/null
	else
		grep -q 'Attaching' "$2" && sleep 1
	fi
}

# stop_bpftrace: SIGINT until it exits (a SIGINT that lands while bpftrace
# is still setting up can be missed), SIGKILL after 20 s.
stop_bpftrace() {
	local i
	for ((i = 0; i < 40; i++)); do
		kill -INT "$BPFTRACE_PID" 2>/dev/null || break
		sleep 0.5
		kill -0 "$BPFTRACE_PID" 2>/dev/null || break
	done
	kill -KILL "$BPFTRACE_PID" 2>/dev/null || true
	wait "$BPFTRACE_PID" 2>/dev/null || true
	BPFTRACE_PID=
}

mode_floor() {
	run_under_bpftrace 'tracepoint:raw_syscalls:sys_exit { }' sys_exit "$@"
}

mode_bpftrace() {
	run_under_bpftrace "$BPFTRACE_PROG" sys_exit_pread64 "$@"
}

# run_under_bpftrace PROGRAM TRACEPOINT FIO_ARGS...
run_under_bpftrace() {
	local prog=$1 tp=$2
	shift 2
	command -v bpftrace >/dev/null || die "bpftrace not installed"
	ensure_tracefs
	local log=$WORK/bpftrace.log i rc=0
	bpftrace -e "$prog" >"$log" 2>&1 &
	BPFTRACE_PID=$!
	for ((i = 0; i < 600; i++)); do
		bpftrace_attached "$BPFTRACE_PID" "$log" "$tp" && break
		if ! kill -0 "$BPFTRACE_PID" 2>/dev/null; then
			cat "$log" >&2
			die "bpftrace exited early"
		fi
		sleep 0.1
	done
	if ((i == 600)); then
		stop_bpftrace
		cat "$log" >&2
		die "bpftrace did not attach in 60 s"
	fi
	$(job_cmd) "$@" || rc=$?
	stop_bpftrace
	return $rc
}

# Tracing programs still loaded from an earlier mode (a tracer that has not
# finished tearing down) would slow every later run: wait for them to go,
# and refuse to measure while any stays.
wait_detached() {
	local i left
	command -v bpftool >/dev/null || return 0
	for ((i = 0; i < 100; i++)); do
		left=$(bpftool prog show 2>/dev/null |
			grep -cE 'name (iopat_|record_|empty_sys_exit)' || true)
		((left == 0)) && return 0
		sleep 0.1
	done
	die "$left tracing programs from an earlier run are still loaded"
}

# run_one JOB MODE: prints the read ops/s of one run and fio's CPU time
# (user + system) per operation in ns: what tracing adds to each call,
# less sensitive than throughput to other tenants of the machine.
run_one() {
	local job=$1 mode=$2 out args
	JOB=$job
	wait_detached
	mapfile -t args < <(job_args "$job")
	job_prepare "$job"
	out=$WORK/fio.json
	# fio's report goes through a pipe: never a file the tracer would see.
	"mode_$mode" "${args[@]}" | cat >"$out" ||
		die "job $job mode $mode failed: $(cat "$out")"
	jq -er '.jobs[0] | "\(.read.iops) \((.usr_cpu + .sys_cpu) / 100 * .job_runtime * 1e6 / .read.total_ios)"' "$out" ||
		die "no iops in fio output for $job/$mode"
}

# per_round MODE_RUNS PLAIN_RUNS EXPR: EXPR ($1 the mode's run, $2 the
# plain run of the same round) per round, median, as "x.y %".
per_round() {
	paste -d' ' <(tr ' ' '\n' <<<"$1" | grep .) <(tr ' ' '\n' <<<"$2" | grep .) |
		awk "\$2 > 0 { print $3 }" | median | awk '{ printf "%.1f %%", $1 }'
}

# above_floor MODE_RUNS EMPTY_RUNS PLAIN_RUNS: per round, the points of
# throughput the mode loses beyond what the empty hook loses, (empty -
# mode) / plain * 100; the median, as "x.y pts".
above_floor() {
	paste -d' ' <(tr ' ' '\n' <<<"$1" | grep .) <(tr ' ' '\n' <<<"$2" | grep .) \
		<(tr ' ' '\n' <<<"$3" | grep .) |
		awk '$3 > 0 { print ($2 - $1) / $3 * 100 }' | median | awk '{ printf "%.1f pts", $1 }'
}

median() {
	sort -g | awk '{ v[NR] = $1 } END {
		if (NR == 0) { print "nan"; exit }
		if (NR % 2) print v[(NR + 1) / 2]
		else print (v[NR / 2] + v[NR / 2 + 1]) / 2
	}'
}

# percentile P: the P-th percentile of the numbers on stdin (nearest rank).
percentile() {
	sort -g | awk -v p="$1" '{ v[NR] = $1 } END {
		if (NR == 0) { print "nan"; exit }
		print v[int(NR * p / 100 + 0.999)]
	}'
}

# ------------------------------------------------------------------ main

for mode in $BENCH_MODES; do
	declare -F "mode_$mode" >/dev/null || die "unknown mode $mode"
done

for job in $BENCH_JOBS; do
	case $job in
	cached-randread) setup_cached ;;
	direct-randread) setup_direct ;;
	many-files) setup_many ;;
	ctx-switch) [ -x "$PINGPONG" ] || die "not built: $PINGPONG" ;;
	*) die "unknown job $job" ;;
	esac
done

RECORD_LOG=$WORK/record.log
declare -A RESULTS CPU
for job in $BENCH_JOBS; do
	for ((r = 1; r <= BENCH_ROUNDS; r++)); do
		for mode in $BENCH_MODES; do
			echo "bench: $job round $r/$BENCH_ROUNDS mode $mode" >&2
			read -r v cpu < <(run_one "$job" "$mode")
			RESULTS[$job/$mode]+="$v "
			CPU[$job/$mode]+="$cpu "
			if [ "$mode" = record ]; then
				# "wrote N events to F (S, B bytes/event), dropped D"
				tail -n1 "$RECORD_LOG" | sed -n \
					's/.*wrote \([0-9]*\) events.*, \([0-9.]*\) bytes\/event), dropped \([0-9]*\).*/\1 \2 \3/p' |
					awk -v j="$job" -v r="$BENCH_RUNTIME" '{ print j, $1, $1 / r, $2, $3 }' \
						>>"$WORK/record.tsv"
				cp "$WORK/bench.iotrace" "$WORK/$job.iotrace"
			fi
		done
	done
done

iopat_rev=$(git -C "$ROOT" describe --always --dirty 2>/dev/null || echo unknown)
echo "# iopat overhead benchmark"
echo
echo "- kernel: $(uname -srm)"
echo "- fio: $(fio --version)"
command -v bpftrace >/dev/null && echo "- bpftrace: $(bpftrace --version 2>&1 | head -n1)"
echo "- iopat: $iopat_rev"
echo "- CPUs: $(nproc); runtime ${BENCH_RUNTIME} s per run; $BENCH_ROUNDS rounds, median shown"
echo
echo "| job | mode | median ops/s | overhead vs plain (median per round) | above the floor (empty hook) | CPU per op (median) | CPU per op vs plain (median per round) | runs (ops/s) |"
echo "| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |"
for job in $BENCH_JOBS; do
	plain=
	if [[ " $BENCH_MODES " == *" plain "* ]]; then
		plain=$(tr ' ' '\n' <<<"${RESULTS[$job/plain]}" | grep . | median)
	fi
	for mode in $BENCH_MODES; do
		runs=${RESULTS[$job/$mode]}
		med=$(tr ' ' '\n' <<<"$runs" | grep . | median)
		cpu=$(tr ' ' '\n' <<<"${CPU[$job/$mode]}" | grep . | median)
		if [ -n "$plain" ] && [ "$mode" != plain ]; then
			# each run against the plain run of its own round, then the
			# median: slow drifts of a shared machine cancel out
			ovh=$(per_round "${RESULTS[$job/$mode]}" "${RESULTS[$job/plain]}" \
				'(1 - $1 / $2) * 100')
			cpuovh=$(per_round "${CPU[$job/$mode]}" "${CPU[$job/plain]}" \
				'($1 / $2 - 1) * 100')
		else
			ovh="—"
			cpuovh="—"
		fi
		floor="—"
		if [ -n "$plain" ] && [[ " $BENCH_MODES " == *" empty "* ]] &&
			[ "$mode" != plain ] && [ "$mode" != empty ]; then
			floor=$(above_floor "${RESULTS[$job/$mode]}" "${RESULTS[$job/empty]}" \
				"${RESULTS[$job/plain]}")
		fi
		printf '| %s | %s | %.0f | %s | %s | %.0f ns | %s | %s |\n' "$job" "$mode" "$med" \
			"$ovh" "$floor" "$cpu" "$cpuovh" \
			"$(awk '{ for (i = 1; i <= NF; i++) printf "%s%.0f", (i > 1 ? ", " : ""), $i }' <<<"$runs")"
	done
done

# ------------------------------------------------------- recording

# events_per_s CMD...: run CMD pinned to one CPU; prints events/s, taking
# the event count from $EVENTS.
events_per_s() {
	local t0 t1
	t0=$(date +%s.%N)
	taskset -c 0 "$@" >/dev/null
	t1=$(date +%s.%N)
	awk -v n="$EVENTS" -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f M/s (%.2f s)", n / (b - a) / 1e6, b - a }'
}

if [[ " $BENCH_MODES " == *" record "* ]] && [ -s "$WORK/record.tsv" ]; then
	echo
	echo "| recording | runs | events per run (median) | events/s sustained (median) | dropped (all runs) | bytes/event on disk (median) |"
	echo "| --- | ---: | ---: | ---: | ---: | ---: |"
	for job in $BENCH_JOBS; do
		awk -v j="$job" '$1 == j' "$WORK/record.tsv" >"$WORK/rec.$job" || true
		[ -s "$WORK/rec.$job" ] || continue
		printf '| %s | %s | %.0f | %.0f | %s | %.2f |\n' "$job" "$(wc -l <"$WORK/rec.$job")" \
			"$(cut -d' ' -f2 "$WORK/rec.$job" | median)" \
			"$(cut -d' ' -f3 "$WORK/rec.$job" | median)" \
			"$(awk '{ s += $5 } END { print s + 0 }' "$WORK/rec.$job")" \
			"$(cut -d' ' -f4 "$WORK/rec.$job" | median)"
	done
	echo
	echo "| reading a trace (one core) | events | report -f json | export -f jsonl |"
	echo "| --- | ---: | ---: | ---: |"
	for job in $BENCH_JOBS; do
		[ -s "$WORK/$job.iotrace" ] || continue
		EVENTS=$("$IOPAT" export "$WORK/$job.iotrace" --format jsonl | grep -c '"type":"event"')
		printf '| %s | %s | %s | %s |\n' "$job" "$EVENTS" \
			"$(events_per_s "$IOPAT" report -f json -o /dev/null "$WORK/$job.iotrace")" \
			"$(events_per_s "$IOPAT" export "$WORK/$job.iotrace" -f jsonl -o /dev/null)"
	done
fi

# ------------------------------------------------------- top refresh cost

BENCH_SCRAPES=${BENCH_SCRAPES:-200}

# many_start DIR FILES: BENCH_REFRESH_PROCS processes over FILES files
# under DIR ($MANY_PID), once they are ready (they read on SIGUSR1).
many_start() {
	local i
	"$MANY" "$1" "$2" "$BENCH_REFRESH_PROCS" >"$1.out" &
	MANY_PID=$!
	for ((i = 0; i < 600; i++)); do
		grep -q ready "$1.out" 2>/dev/null && break
		sleep 0.2
	done
}

many_stop() {
	kill -TERM "$MANY_PID"
	wait "$MANY_PID" || true
	MANY_PID=
}

# serve_bench: with BENCH_REFRESH_PROCS processes alive that read files once
# the exporter watches, the exporter by pid with 50
# workloads of their own, then with one per process: scrape latency (p50,
# p99, max), size of a scrape, memory. A Markdown table on stdout.
serve_bench() {
	local top lat
	echo "| \`iopat serve -g pid\` with $BENCH_REFRESH_PROCS live processes | series of their own | scrape p50 | scrape p99 | scrape max | scrape size | memory (VmHWM) |"
	echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
	for top in 50 "$BENCH_REFRESH_PROCS"; do
		serve_up -d 1 -g pid --top "$top"
		# the processes read their files once the exporter watches
		many_start "$WORK/many.serve" 10000
		kill -USR1 "$MANY_PID"
		sleep 4	# every process seen
		lat=$WORK/scrape.$top
		: >"$lat"
		for ((i = 0; i < BENCH_SCRAPES; i++)); do
			curl -sf -o "$WORK/scrape.txt" -w '%{time_total}\n' \
				"http://127.0.0.1:$SERVE_PORT/metrics" >>"$lat"
		done
		printf '| --top %s | %s workloads | %.2f ms | %.2f ms | %.2f ms | %s KiB | %s |\n' "$top" \
			"$(grep '^iopat_workload_info{' "$WORK/scrape.txt" | wc -l)" \
			"$(awk '{ print $1 * 1000 }' "$lat" | median)" \
			"$(awk '{ print $1 * 1000 }' "$lat" | percentile 99)" \
			"$(awk '{ print $1 * 1000 }' "$lat" | sort -g | tail -n1)" \
			"$(($(stat -c %s "$WORK/scrape.txt") / 1024))" \
			"$(awk '/^VmHWM/ { print $2 " " $3 }' "/proc/$SERVE_PID/status")"
		serve_down
		many_stop
		rm -rf "$WORK/many.serve"
	done
}

BENCH_REFRESH_PROCS=${BENCH_REFRESH_PROCS:-1000}
BENCH_REFRESH_FILES=${BENCH_REFRESH_FILES:-100000}
MANY=$ROOT/build/workloads/many_files
if [ "${BENCH_REFRESH:-1}" = 1 ] && [ -x "$MANY" ]; then
	echo "bench: top refresh with $BENCH_REFRESH_PROCS processes, $BENCH_REFRESH_FILES files" >&2
	many_start "$WORK/many" "$BENCH_REFRESH_FILES"
	"$IOPAT" top --json -d 1 -n 40 >"$WORK/top.jsonl" &
	TOP_PID=$!
	sleep 1.5
	kill -USR1 "$MANY_PID"
	wait "$TOP_PID"
	TOP_PID=
	many_stop
	serve_bench >"$WORK/serve.md"
	# intervals where the tables are full: all processes alive
	jq -r --argjson p "$BENCH_REFRESH_PROCS" \
		'select(.tracked_processes >= $p) | .refresh_cpu_ms' "$WORK/top.jsonl" \
		>"$WORK/refresh.txt"
	files=$(jq -s 'map(.tracked_files) | max' "$WORK/top.jsonl")
	echo
	n=$(wc -l <"$WORK/refresh.txt")
	echo "| top refresh | processes | files | refreshes | median CPU | p90 CPU | max CPU | over 50 ms |"
	echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
	printf '| `iopat top --json -d 1` | %s | %s | %s | %.1f ms | %.1f ms | %.1f ms | %s |\n' \
		"$BENCH_REFRESH_PROCS" "$files" "$n" \
		"$(median <"$WORK/refresh.txt")" \
		"$(percentile 90 <"$WORK/refresh.txt")" \
		"$(sort -g "$WORK/refresh.txt" | tail -n1)" \
		"$(awk '$1 > 50 { c++ } END { print c + 0 }' "$WORK/refresh.txt")"
	echo
	echo "refresh CPU ms in order: $(tr '\n' ' ' <"$WORK/refresh.txt")"
	echo
	cat "$WORK/serve.md"
fi
