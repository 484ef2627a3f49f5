#!/usr/bin/env bats
# Real-kernel tests of `iopat record` and of what reads its traces:
# `iopat report`, `iopat export`. Ground truth is fio's JSON and the
# counts `record` itself prints. Needs root; no timing thresholds.

load helpers

setup() {
	common_setup
	TRACE=$TESTDIR/t.iotrace
	REPORT=$TESTDIR/report.json
	MNT=
	CGDIR=
}

teardown() {
	if [ -n "${CGDIR:-}" ]; then
		rmdir "$CGDIR" 2>/dev/null || true
	fi
	if [ -n "${MNT:-}" ]; then
		umount "$MNT" 2>/dev/null || true
		rmdir "$MNT" 2>/dev/null || true
	fi
	common_teardown
}

# record_fio FIO_JSON [FIO ARGS...]: `iopat record -o $TRACE -- fio ...`,
# fio's JSON report to FIO_JSON through a pipe (not file I/O), the
# recorder's summary line in $RECORD_ERR.
record_fio() {
	local fio_json=$1
	shift
	fio --output-format=json --disk_util=0 --name=job "$@" --io_size=1M >/dev/null ||
		fail "fio warm-up failed"
	bg_load_start
	"$IOPAT" record -o "$TRACE" -- fio --output-format=json --disk_util=0 --name=job "$@" \
		2>"$TESTDIR/record.err" | cat >"$fio_json"
	local rc=("${PIPESTATUS[@]}")
	RECORD_ERR=$(cat "$TESTDIR/record.err")
	note "record: $RECORD_ERR"
	[ "${rc[0]}" -eq 0 ] || fail "iopat record exited ${rc[0]}"
	jq -e '.jobs[0]' "$fio_json" >/dev/null || fail "fio wrote no JSON"
}

# events_written: the count `record` printed ("wrote N events").
events_written() {
	sed -n 's/.*wrote \([0-9][0-9]*\) events.*/\1/p' "$TESTDIR/record.err"
}

# bats test_tags=accuracy
@test "record a fio read job: report totals within 1% of fio" {
	make_file "$TESTDIR/data" 32
	record_fio "$TESTDIR/fio.json" --filename="$TESTDIR/data" --rw=randread --bs=4k \
		--size=32M --ioengine=psync
	run "$IOPAT" report --format json -o "$REPORT" "$TRACE"
	assert_success
	local fio_bytes fio_ops
	fio_bytes=$(jget "$TESTDIR/fio.json" .jobs[0].read.io_bytes)
	fio_ops=$(jget "$TESTDIR/fio.json" .jobs[0].read.total_ios)
	note "fio read $fio_bytes B in $fio_ops ops; report $(jq -c '.hosts[0].totals | {read_bytes, read_ops, seq_read_pct}' "$REPORT")"
	within_pct "$(jget "$REPORT" .hosts[0].totals.read_bytes)" "$fio_bytes" 1
	within_pct "$(jget "$REPORT" .hosts[0].totals.read_ops)" "$fio_ops" 1
	num_le "$(jget "$REPORT" .hosts[0].totals.seq_read_pct)" 10 seq_read_pct
	num_eq "$(jget "$REPORT" .hosts[0].drops.total)" 0 "events lost"
	[ "$(jq -r .hosts[0].complete "$REPORT")" = true ] || fail "trace not complete"
}

# bats test_tags=accuracy
@test "record a fio write-only job: totals within 1%, stage ingest" {
	record_fio "$TESTDIR/fio.json" --filename="$TESTDIR/data" --rw=write --bs=64k \
		--size=32M --ioengine=psync
	run "$IOPAT" report --format json -o "$REPORT" "$TRACE"
	assert_success
	within_pct "$(jget "$REPORT" .hosts[0].totals.write_bytes)" \
		"$(jget "$TESTDIR/fio.json" .jobs[0].write.io_bytes)" 1
	num_ge "$(jget "$REPORT" .hosts[0].totals.seq_write_pct)" 99 seq_write_pct
	# the job (fio and its forked job process) is one workload
	note "workloads: $(jq -c '[.hosts[0].workloads[] | {pid, comm, members, stage, reasons}]' "$REPORT")"
	[ "$(jq -r '.hosts[0].workloads[0].stage' "$REPORT")" = ingest ] ||
		fail "stage is $(jq -r '.hosts[0].workloads[0].stage' "$REPORT"), expected ingest"
	num_ge "$(jq '.hosts[0].workloads[0].members | length' "$REPORT")" 2 "job members"
}

@test "record a 32-bit program: its i386 calls are the events" {
	skip_unless_runs_32bit
	run "$IOPAT" record -o "$TRACE" -- "$WORKLOADS/io32" "$TESTDIR/io32.dat"
	assert_success
	run "$IOPAT" report --format json -o "$REPORT" "$TRACE"
	assert_success
	num_eq "$(jget "$REPORT" .hosts[0].totals.write_bytes)" $((32 * 4096)) write_bytes
	num_eq "$(jget "$REPORT" .hosts[0].totals.read_bytes)" $((32 * 4096)) read_bytes
	num_eq "$(jget "$REPORT" .hosts[0].totals.read_ops)" 32 read_ops
	num_eq "$(jget "$REPORT" .hosts[0].totals.fsyncs)" 1 fsyncs
}

@test "export jsonl: as many events as record wrote; csv and chrome agree" {
	make_file "$TESTDIR/data" 8
	record_fio "$TESTDIR/fio.json" --filename="$TESTDIR/data" --rw=read --bs=4k \
		--size=8M --ioengine=psync
	local n
	n=$(events_written)
	[ -n "$n" ] && [ "$n" -gt 2048 ] || fail "record printed no event count: $RECORD_ERR"
	run "$IOPAT" export "$TRACE" --format jsonl -o "$TESTDIR/t.jsonl"
	assert_success
	num_eq "$(jq -c 'select(.type == "event")' "$TESTDIR/t.jsonl" | wc -l)" "$n" "jsonl events"
	# every line is one JSON object
	num_eq "$(jq -c . "$TESTDIR/t.jsonl" | wc -l)" "$(wc -l <"$TESTDIR/t.jsonl")" "jsonl lines"
	run "$IOPAT" export "$TRACE" --format csv -o "$TESTDIR/t.csv"
	assert_success
	num_eq "$(($(wc -l <"$TESTDIR/t.csv") - 1))" "$n" "csv rows"
	grep -q "$TESTDIR/data" "$TESTDIR/t.csv" || fail "csv has no path of the data file"
	run "$IOPAT" export "$TRACE" --format chrome -o "$TESTDIR/t.json"
	assert_success
	num_eq "$(jq '[.traceEvents[] | select(.ph == "X")] | length' "$TESTDIR/t.json")" "$n" "chrome slices"
	num_ge "$(jq '[.traceEvents[] | select(.ph == "M" and .name == "process_name")] | length' "$TESTDIR/t.json")" 1 "process tracks"
	num_ge "$(jq '[.traceEvents[] | select(.ph == "C")] | length' "$TESTDIR/t.json")" 1 "counters"
}

# A recorded process's pid, once it has exited, may go to any process on
# the host: that one is not recorded.
@test "a pid reused after a recorded process exited is not recorded" {
	make_file "$TESTDIR/other" 1
	"$IOPAT" record -o "$TRACE" -- sh -c "$TRACED_CHILD_THEN_WAIT" sh "$TESTDIR" \
		2>/dev/null 3>&- </dev/null &
	local rec_pid=$! pid
	pid=$(wait_child_gone "$TESTDIR")
	read_as_pid "$pid" "$TESTDIR/other"
	touch "$TESTDIR/go"
	wait "$rec_pid" || fail "iopat record failed"
	run "$IOPAT" export --format jsonl "$TRACE"
	assert_success
	note "records of pid $pid: $(echo "$output" | jq -c "select(.pid == $pid) | .type" | sort | uniq -c | tr '\n' ' ')"
	refute_output --partial "$TESTDIR/other"
	run bash -c "'$IOPAT' export --format jsonl '$TRACE' | jq -e 'select(.type == \"process\" and .comm == \"cat\")'"
	assert_failure
}

# peak_rss_kib CMD...: the peak resident memory of CMD, in KiB (GNU time).
peak_rss_kib() {
	/usr/bin/time -f %M -o "$TESTDIR/rss" "$@" >/dev/null 2>&1 || fail "$* failed"
	tail -n 1 "$TESTDIR/rss"
}

# The report takes each process into its workload once it has ended, and
# lists the --workloads largest: memory follows the workloads listed, not
# the processes in the trace; the others are summed, nothing is lost.
@test "report of 3000 short processes: --workloads lists the largest, sums the rest" {
	head -c 8192 /dev/urandom >"$TESTDIR/tiny"
	"$IOPAT" record -o "$TRACE" -- sh -c '
		i=0
		while [ $i -lt 3000 ]; do
			head -c $((i % 4000 + 1)) "$1" >/dev/null
			i=$((i + 1))
		done' sh "$TESTDIR/tiny" 2>"$TESTDIR/record.err" || fail "record failed"
	local all=$TESTDIR/all.json some=$TESTDIR/some.json rss_all rss_some
	run "$IOPAT" report -f json --group pid -n 0 -o "$all" "$TRACE"
	assert_success
	run "$IOPAT" report -f json --group pid -n 20 -o "$some" "$TRACE"
	assert_success
	num_eq "$(jq '.hosts[0].workloads | map(select(.comm == "head")) | length' "$all")" 3000 \
		"head processes, all listed"
	num_eq "$(jq '.hosts[0].workloads | length' "$some")" 20 "workloads listed with -n 20"
	num_eq "$(jq '.hosts[0] | (.workloads | length) + .other_workloads.workloads' "$some")" \
		"$(jq '.hosts[0].workloads | length' "$all")" "listed + summed workloads"
	num_eq "$(jq '.hosts[0] | ([.workloads[].read_bytes] | add) + .other_workloads.read_bytes' "$some")" \
		"$(jget "$all" .hosts[0].totals.read_bytes)" "listed + summed read bytes"
	num_eq "$(jget "$some" .hosts[0].totals.read_bytes)" "$(jget "$all" .hosts[0].totals.read_bytes)" \
		"totals"
	num_eq "$(jq '[.hosts[0].stage_bytes[]] | add' "$some")" "$(jq '[.hosts[0].stage_bytes[]] | add' "$all")" \
		"bytes by stage"
	# the largest are the ones listed: heads of 3980..4000 bytes read
	num_ge "$(jq '[.hosts[0].workloads[] | select(.comm == "head" and .dev_read_bytes == 0) | .read_bytes] | min' "$some")" 3980
	# by name: one workload of 3000 processes
	run "$IOPAT" report -f json --group comm -n 1 -o "$some" "$TRACE"
	assert_success
	run jq -c '.hosts[0].workloads[0] | [.comm, .processes, (.members | length)]' "$some"
	assert_output '["head",3000,3000]'
	run "$IOPAT" report -f text --group pid -n 5 "$TRACE"
	assert_success
	assert_output --partial "smaller workloads ("
	# top --from forgets exited processes too, and loses none of their counts
	"$IOPAT" top --from "$TRACE" --speed 1000 -d 1 --json --group pid >"$TESTDIR/top.json" ||
		fail "top --from failed"
	num_eq "$(jq -s '[.[].processes[].read_bytes] | add' "$TESTDIR/top.json")" \
		"$(jget "$all" .hosts[0].totals.read_bytes)" "top --from interval sums"
	rss_all=$(peak_rss_kib "$IOPAT" report -f json --group pid -n 0 "$TRACE")
	rss_some=$(peak_rss_kib "$IOPAT" report -f json --group pid -n 20 "$TRACE")
	note "peak memory: $rss_all KiB listing every process, $rss_some KiB listing 20"
	num_le $((rss_some * 2)) "$rss_all"
	run "$IOPAT" report -n -1 "$TRACE"
	assert_failure 2
	assert_output --partial "--workloads: '-1' is not a whole number"
}

@test "the trace file is created with mode 0600" {
	umask 022
	run "$IOPAT" record -o "$TRACE" -- true
	assert_success
	[ "$(stat -c %a "$TRACE")" = 600 ] || fail "mode $(stat -c %a "$TRACE")"
}

@test "recorder killed with SIGKILL: the complete chunks report" {
	make_file "$TESTDIR/data" 16
	"$IOPAT" record -o "$TRACE" -- fio --name=job --filename="$TESTDIR/data" --rw=randread \
		--bs=4k --size=16M --time_based --runtime=30 --rate_iops=2000 --ioengine=psync \
		>/dev/null 2>&1 &
	local rec=$!
	# wait until at least two chunks (one a second) are on disk
	local i=0
	while [ "$(stat -c %s "$TRACE" 2>/dev/null || echo 0)" -lt 20000 ] && [ $i -lt 300 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	kill -KILL "$rec"
	wait "$rec" 2>/dev/null || true
	pkill -f "filename=$TESTDIR/data" || true
	run "$IOPAT" report --format json -o "$REPORT" "$TRACE"
	assert_success
	note "stderr: $output"
	assert_output --partial "did not end cleanly"
	num_ge "$(jget "$REPORT" .hosts[0].totals.read_ops)" 1000 "read ops reported"
	[ "$(jq -r .hosts[0].ended_cleanly "$REPORT")" = false ] || fail "claimed a clean end"
}

@test "damaged traces: cut, flipped bit, empty, wrong magic, future version" {
	make_file "$TESTDIR/data" 16
	# four seconds: a chunk every second, so damage can hit one of several
	record_fio "$TESTDIR/fio.json" --filename="$TESTDIR/data" --rw=randread --bs=4k \
		--size=16M --ioengine=psync --time_based --runtime=4 --rate_iops=4000
	local size
	size=$(stat -c %s "$TRACE")
	run "$IOPAT" export "$TRACE" --format jsonl
	num_ge "$(grep -c '"type":"event"' <<<"$output")" 10000 "events recorded"
	# cut short: the chunks before the cut still report, with a warning
	cp "$TRACE" "$TESTDIR/cut"
	truncate -s $((size - 100)) "$TESTDIR/cut"
	run "$IOPAT" report --format json -o "$REPORT" "$TESTDIR/cut"
	assert_success
	assert_output --regexp "offset [0-9]+: chunk [0-9]+ cut short"
	# a flipped bit in the middle: that chunk is skipped, the rest read
	cp "$TRACE" "$TESTDIR/flip"
	printf '\xff' | dd of="$TESTDIR/flip" bs=1 seek=$((size / 2)) conv=notrunc status=none
	run "$IOPAT" report --format json -o "$REPORT" "$TESTDIR/flip"
	assert_success
	assert_output --regexp "offset [0-9]+: chunk [0-9]+ (checksum mismatch|does not decompress)"
	num_ge "$(jget "$REPORT" .hosts[0].damaged_chunks)" 1 damaged_chunks
	# nothing readable: exit 1 with one line naming the problem and offset
	: >"$TESTDIR/empty"
	run "$IOPAT" report "$TESTDIR/empty"
	assert_failure 1
	assert_output --partial "empty file (offset 0)"
	[ "${#lines[@]}" -eq 1 ] || fail "more than one line: $output"
	printf 'NOTATRACE-------' >"$TESTDIR/magic"
	run "$IOPAT" report "$TESTDIR/magic"
	assert_failure 1
	assert_output --partial "wrong magic at offset 0"
	cp "$TRACE" "$TESTDIR/future"
	printf '\x09' | dd of="$TESTDIR/future" bs=1 seek=8 conv=notrunc status=none
	run "$IOPAT" export "$TESTDIR/future" --format jsonl
	assert_failure 1
	assert_output --partial "version 9 at offset 8 is newer"
	# a good header followed by garbage: nothing readable
	head -c 16 "$TRACE" >"$TESTDIR/garbage"
	head -c 5000 /dev/urandom >>"$TESTDIR/garbage"
	run "$IOPAT" report "$TESTDIR/garbage"
	assert_failure 1
	assert_output --partial "no readable chunk"
}

@test "a full filesystem stops recording with an error; the file stays readable" {
	MNT=$(mktemp -d "$TESTDIR/../iopat-full.XXXXXX")
	mount -t tmpfs -o size=256k tmpfs "$MNT" || skip "cannot mount tmpfs"
	make_file "$TESTDIR/data" 16
	run "$IOPAT" record -o "$MNT/t.iotrace" -- fio --name=job --filename="$TESTDIR/data" \
		--rw=randread --bs=4k --size=16M --time_based --runtime=20 --ioengine=psync \
		--output-format=terse
	note "record: exit $status, $output"
	assert_failure 1
	assert_output --partial "No space left on device"
	run "$IOPAT" report --format json -o "$REPORT" "$MNT/t.iotrace"
	assert_success
	num_ge "$(jget "$REPORT" .hosts[0].events)" 1000 "events in the readable chunks"
	num_eq "$(jget "$REPORT" .hosts[0].damaged_chunks)" 0 "damaged chunks"
}

@test "--max-size stops the recording near the limit" {
	make_file "$TESTDIR/data" 16
	run "$IOPAT" record -o "$TRACE" --max-size 64K -- fio --name=job --filename="$TESTDIR/data" \
		--rw=randread --bs=4k --size=16M --time_based --runtime=20 --ioengine=psync \
		--output-format=terse
	note "record: $output"
	assert_output --partial "size limit reached"
	num_le "$(stat -c %s "$TRACE")" $((65536 + 65536 / 16 + 512)) "file size"
	pkill -f "filename=$TESTDIR/data" || true
	run "$IOPAT" report --format json -o "$REPORT" "$TRACE"
	assert_success
}

@test "-d SECS and -p PID: a running process is recorded for the duration" {
	make_file "$TESTDIR/data" 8
	fio --name=job --filename="$TESTDIR/data" --rw=randread --bs=4k --size=8M \
		--time_based --runtime=30 --rate_iops=500 --ioengine=psync --thread \
		--output-format=terse >/dev/null &
	local pid=$!
	sleep 1
	run "$IOPAT" record -o "$TRACE" -d 2 -p "$pid"
	kill "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	assert_success
	run "$IOPAT" report --group pid --format json -o "$REPORT" "$TRACE"
	assert_success
	note "workloads: $(jq -c '[.hosts[0].workloads[] | {pid, comm, read_ops}]' "$REPORT")"
	# only that process, reading at about 500 IOPS for 2 s
	num_eq "$(jq '[.hosts[0].workloads[] | select(.pid != '"$pid"')] | length' "$REPORT")" 0 "other processes"
	num_ge "$(jq '.hosts[0].workloads[0].read_ops' "$REPORT")" 200 "read ops"
}

@test "-c COMM records only tasks of that name" {
	make_file "$TESTDIR/data" 4
	run "$IOPAT" record -o "$TRACE" -c cat -- sh -c "cat '$TESTDIR/data' >/dev/null; head -c 1000 '$TESTDIR/data' >/dev/null"
	assert_success
	run "$IOPAT" report --group pid --format json -o "$REPORT" "$TRACE"
	assert_success
	[ "$(jq -r '[.hosts[0].workloads[].comm] | unique | join(",")' "$REPORT")" = cat ] ||
		fail "names: $(jq -c '[.hosts[0].workloads[].comm]' "$REPORT")"
	num_ge "$(jq '.hosts[0].totals.read_bytes' "$REPORT")" 4194304 "cat's reads"
}

@test "report of two traces: one section per host and a combined total" {
	record_fio "$TESTDIR/fio.json" --filename="$TESTDIR/data" --rw=write --bs=64k \
		--size=8M --ioengine=psync
	cp "$TRACE" "$TESTDIR/second.iotrace"
	run "$IOPAT" report --format json -o "$REPORT" "$TRACE" "$TESTDIR/second.iotrace"
	assert_success
	num_eq "$(jq '.hosts | length' "$REPORT")" 2 hosts
	num_eq "$(jq '.combined.totals.write_bytes' "$REPORT")" \
		"$(jq '2 * .hosts[0].totals.write_bytes' "$REPORT")" "combined write_bytes"
	# two traces of one host: its fast-tier figures count once (the
	# larger of the two), percentiles are not added
	num_eq "$(jq '.combined.hosts' "$REPORT")" 1 "distinct hosts"
	num_ge "$(jq '.hosts[0].sizing.total_iops_p99' "$REPORT")" 1 "the trace's p99 IOPS"
	num_eq "$(jq '.combined.p99_iops_sum' "$REPORT")" \
		"$(jq '.hosts[0].sizing.total_iops_p99' "$REPORT")" "combined p99 IOPS"
	num_eq "$(jq '.combined.hot_working_set_bytes' "$REPORT")" \
		"$(jq '.hosts[0].sizing.hot_working_set_bytes' "$REPORT")" "combined hot working set"
	run "$IOPAT" report "$TRACE" "$TESTDIR/second.iotrace"
	assert_success
	assert_output --partial "Combined (2 traces of 1 host)"
	assert_output --partial "percentiles of one host's periods do not add"
}

@test "a command that does not exist: exit 127, no trace file" {
	run -127 --separate-stderr "$IOPAT" record -o "$TRACE" -- iopat-no-such-cmd
	assert_equal "$stderr" "iopat record: iopat-no-such-cmd: command not found"
	[ ! -e "$TRACE" ] || fail "a trace file was created"
}

@test "bad input: one-line errors, exit 2" {
	run "$IOPAT" record -- true
	assert_failure 2
	assert_output --partial "no output file given"
	run "$IOPAT" record -o "$TRACE" -d 0 -- true
	assert_failure 2
	assert_output --partial "bad duration"
	run "$IOPAT" record -o "$TRACE" -p abc
	assert_failure 2
	assert_output --partial "bad pid"
	run "$IOPAT" record -o "$TRACE" --max-size lots -- true
	assert_failure 2
	assert_output --partial "bad size"
	run "$IOPAT" record -o "$TRACE" --bogus
	assert_failure 2
	assert_output --partial "unknown option"
	run "$IOPAT" record -o /nonexistent/dir/t -- true
	assert_failure 1
	assert_output --partial "cannot write /nonexistent/dir/t"
	run "$IOPAT" report
	assert_failure 2
	assert_output --partial "no trace file given"
	run "$IOPAT" report --format pdf "$TRACE"
	assert_failure 2
	assert_output --partial "unknown format 'pdf'"
	run "$IOPAT" report --group team "$TRACE"
	assert_failure 2
	run "$IOPAT" export "$TRACE"
	assert_failure 2
	assert_output --partial "no --format given"
	run "$IOPAT" report "$TESTDIR/missing"
	assert_failure 1
	assert_output --partial "cannot open"
}

@test "top --from replays a recording: interval sums equal the report's totals" {
	make_file "$TESTDIR/data" 16
	record_fio "$TESTDIR/fio.json" --filename="$TESTDIR/data" --rw=randread --bs=4k \
		--size=16M --ioengine=psync --time_based --runtime=3 --rate_iops=3000
	run "$IOPAT" report --group pid --format json -o "$REPORT" "$TRACE"
	assert_success
	run "$IOPAT" top --from "$TRACE" --speed 100 -d 0.5 --json --group pid
	assert_success
	printf '%s\n' "${lines[@]}" | grep '^{' >"$TESTDIR/top.jsonl"
	local n sum want
	n=$(wc -l <"$TESTDIR/top.jsonl")
	sum=$(jq -s '[.[].processes[].read_bytes] | add' "$TESTDIR/top.jsonl")
	want=$(jget "$REPORT" .hosts[0].totals.read_bytes)
	note "top --from: $n intervals, read_bytes $sum; report $want"
	num_ge "$n" 6 "intervals (3 s in 0.5 s steps)"
	num_eq "$sum" "$want" "read bytes over the intervals"
	# the recording's clock, not this machine's: timestamps 0.5 s apart
	local t1 t2
	t1=$(date -d "$(jq -r .timestamp "$TESTDIR/top.jsonl" | sed -n 1p)" +%s.%N)
	t2=$(date -d "$(jq -r .timestamp "$TESTDIR/top.jsonl" | sed -n 2p)" +%s.%N)
	note "first timestamps: $t1 $t2"
	num_eq "$(awk -v a="$t1" -v b="$t2" 'BEGIN { printf "%.3f", b - a }')" 0.5 "timestamp step"
	run "$IOPAT" top --from "$TESTDIR/missing" -b
	assert_failure 1
	run "$IOPAT" top --from "$TRACE" --speed 0 -b
	assert_failure 2
}

@test "a recorded process moved to another cgroup is reported under the new one" {
	local root
	root=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
	[ -n "$root" ] || skip "no cgroup v2 mount"
	CGDIR=$(mktemp -d "$root/iopat-bats.XXXXXX") || fail "cannot create a cgroup under $root"
	make_file "$TESTDIR/data" 8
	fio --name=mv --filename="$TESTDIR/data" --size=8M --rw=randread --bs=4k --rate_iops=300 \
		--time_based --runtime=6 --thread --output-format=terse >/dev/null &
	local pid=$!
	"$IOPAT" record -o "$TRACE" -p "$pid" -d 4 2>"$TESTDIR/record.err" &
	local rec=$! i
	# moved once the recording holds some of its I/O
	for ((i = 0; i < 100; i++)); do
		[ "$(stat -c %s "$TRACE" 2>/dev/null || echo 0)" -gt 200 ] && break
		sleep 0.1
	done
	sleep 0.5
	echo "$pid" >"$CGDIR/cgroup.procs" || fail "cannot move $pid"
	wait "$rec" || fail "record failed: $(cat "$TESTDIR/record.err")"
	wait "$pid" || true
	run "$IOPAT" export "$TRACE" --format jsonl
	assert_success
	local path=${CGDIR#"$root"}
	note "process records: $(grep '"type":"process"' <<<"$output" | jq -c '{pid, why, cgroup_id, cgroup}' | tr '\n' ' ')"
	grep '"type":"process"' <<<"$output" | jq -e --arg p "$path" --argjson id "$(stat -c %i "$CGDIR")" \
		'select(.cgroup == $p and .cgroup_id == $id)' >/dev/null ||
		fail "no process record with the new cgroup $path"
	run "$IOPAT" report --group cgroup --format json -o "$REPORT" "$TRACE"
	assert_success
	[ "$(jq -r '.hosts[0].workloads[0].job' "$REPORT")" = "$path" ] ||
		fail "grouped under $(jq -r '.hosts[0].workloads[0].job' "$REPORT"), not $path"
}

# A process that started before the recording and does no I/O itself
# (xargs) still holds its children together: record writes the parents
# of the processes it meets, read from /proc, so the report's job is the
# live one.
@test "record: children of a process older than the recording are one job in the report" {
	local i pid
	for i in 1 2 3 4 5 6; do head -c 100000 /dev/urandom >"$TESTDIR/in$i"; done
	sync
	# xargs waits for its input: it exists before the recording starts
	(sleep 2; for i in 1 2 3 4 5 6; do echo "$TESTDIR/in$i"; sleep 0.2; done) |
		xargs -n 1 cat >/dev/null &
	pid=$!
	run "$IOPAT" record -o "$TRACE" -d 5 -c cat
	assert_success
	wait "$pid" || true
	run "$IOPAT" report -f json -g job -o "$REPORT" "$TRACE"
	assert_success
	note "workloads: $(jq -c '[.hosts[0].workloads[] | select(.read_bytes > 0) | {pid, comm, processes, read_bytes}]' "$REPORT")"
	num_eq "$(jq '[.hosts[0].workloads[] | select(.read_bytes >= 600000)] | length' "$REPORT")" 1 \
		"workloads holding the six cats' 600,000 bytes"
	num_ge "$(jq '[.hosts[0].workloads[] | select(.read_bytes >= 600000)][0].processes' "$REPORT")" 6 \
		"processes in that job"
}
