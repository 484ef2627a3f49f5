#!/usr/bin/env bats
# Time blocked on I/O (io_wait_s, io_wait_pct): measured from sched_switch
# against what fio and the cgroup v1 blkio throttle make happen.

load helpers

BLKIO=/sys/fs/cgroup/blkio

setup() {
	common_setup
	THROTTLE=
	MNT=
}

teardown() {
	[ -n "$MNT" ] && umount "$MNT" 2>/dev/null
	[ -n "$THROTTLE" ] && rmdir "$THROTTLE" 2>/dev/null
	common_teardown
}

# throttle KEY VALUE: a blkio cgroup ($THROTTLE) limiting $LOOPDEV.
throttle() {
	[ -d "$BLKIO" ] && [ -e "$BLKIO/blkio.throttle.read_iops_device" ] ||
		skip "no cgroup v1 blkio throttle here"
	THROTTLE=$BLKIO/iopat-test-$$
	mkdir -p "$THROTTLE"
	local mm
	mm=$(printf '%d:%d' "0x$(stat -c %t "$LOOPDEV")" "0x$(stat -c %T "$LOOPDEV")")
	echo "$mm $2" >"$THROTTLE/blkio.throttle.$1" || fail "cannot set blkio.throttle.$1"
}

# in_throttle CMD...: CMD in the throttled cgroup.
in_throttle() {
	bash -c 'echo $$ >"$0/cgroup.procs" && exec "$@"' "$THROTTLE" "$@"
}

@test "io wait: a direct 4 KiB psync reader on a device limited to 400 IOPS waits its mean completion latency times its operations; cached, it waits under 5% of its time" {
	make_loop 256
	dd if=/dev/urandom of="$LOOPDEV" bs=1M count=64 status=none oflag=direct
	throttle read_iops_device 400
	in_throttle "$IOPAT" stat --json -o "$OUT" -- fio --output-format=json --name=w \
		--filename="$LOOPDEV" --size=64M --bs=4k --rw=randread --direct=1 \
		--ioengine=psync --runtime=4 --time_based >"$TESTDIR/fio.json" ||
		fail "stat failed"
	local ios clat expect got pct
	ios=$(jq '.jobs[0].read.total_ios' "$TESTDIR/fio.json")
	clat=$(jq '.jobs[0].read.clat_ns.mean' "$TESTDIR/fio.json")
	expect=$(awk -v n="$ios" -v c="$clat" 'BEGIN { printf "%.6f", n * c / 1e9 }')
	# the worker: the process that read
	got=$(jq '[.processes[] | select(.read_ops > 100)] | max_by(.read_ops) | .io_wait_s' "$OUT")
	pct=$(jq '[.processes[] | select(.read_ops > 100)] | max_by(.read_ops) | .io_wait_pct' "$OUT")
	note "direct, 400 IOPS: $ios reads, mean completion $clat ns: expected wait $expect s; iopat: worker $got s ($pct% of its life), by call $(jq -c .totals.io_wait_by "$OUT")"
	within_pct "$got" "$expect" 15 "the worker's io_wait_s"
	# what the fast tier would give back: the throttle holds requests
	# before the device, whose own p50 stays that of a loop device (a few
	# us, faster than the fast tier): nothing, and no such reason
	note "stall: $(jq -c .stall "$OUT"); the device row: $(jq -c '[.devices[] | {dev, dev_read_lat_p50_us}]' "$OUT")"
	[ "$(jq -r .stall.device "$OUT")" = "$(basename "$LOOPDEV")" ] || fail "stall device"
	awk -v p="$(jq .stall.device_p50_us "$OUT")" 'BEGIN { exit !(p > 0 && p < 100) }' ||
		fail "the loop device's p50: $(jq .stall.device_p50_us "$OUT") us"
	num_eq "$(jq '.stall.fast_tier_io_wait_s == .stall.io_wait_s' "$OUT" | sed 's/true/1/;s/false/0/')" 1 \
		"a device as fast as the fast tier gives nothing back"
	jq -e '[.reasons[] | select(startswith("waited"))] | length == 0' "$OUT" >/dev/null ||
		fail "an estimate in the reasons: $(jq -c .reasons "$OUT")"
	# the same reads from the page cache (of a file: a block device's
	# cache goes when its last user closes it): almost no wait
	make_file "$TESTDIR/cached.dat" 64
	cat "$TESTDIR/cached.dat" >/dev/null
	"$IOPAT" stat --json -o "$TESTDIR/cached.json" -- fio --output-format=json --name=c \
		--filename="$TESTDIR/cached.dat" --size=64M --bs=4k --rw=randread --ioengine=psync \
		--invalidate=0 --runtime=2 --time_based >/dev/null || fail "stat failed"
	pct=$(jq '[.processes[] | select(.read_ops > 100)] | max_by(.read_ops) | .io_wait_pct' \
		"$TESTDIR/cached.json")
	note "cached: worker io_wait_pct $pct"
	awk -v p="$pct" 'BEGIN { exit !(p < 5) }' || fail "cached reads waited $pct% of the time"
}

@test "io wait: a loader reading files from a throttled device waits most of its time; the same loader on cached files almost none" {
	make_loop 256
	mkfs.ext4 -q -F "$LOOPDEV" || fail "mkfs failed"
	MNT=$TESTDIR/mnt
	mkdir -p "$MNT"
	mount "$LOOPDEV" "$MNT" || fail "mount failed"
	mkdir -p "$MNT/samples"
	for i in $(seq 1 200); do head -c 65536 /dev/urandom >"$MNT/samples/s$i"; done
	sync
	echo 3 >/proc/sys/vm/drop_caches
	throttle read_bps_device $((2 << 20))
	in_throttle "$IOPAT" stat --json -o "$OUT" -- /usr/bin/python3 \
		"$REPO_ROOT/tests/ml/shuffle_read.py" "$MNT/samples" 1 1 fresh >/dev/null ||
		fail "stat failed"
	local slow fast
	slow=$(jq .totals.io_wait_pct "$OUT")
	note "throttled to 2 MiB/s: $(jq -c '.totals | {io_wait_s, io_wait_pct, io_wait_by, dev_read_bytes}' "$OUT"), duration $(jq .duration_s "$OUT") s"
	awk -v p="$slow" 'BEGIN { exit !(p > 50) }' || fail "throttled: only $slow% waiting"
	# again: the files are in the page cache now
	"$IOPAT" stat --json -o "$TESTDIR/cached.json" -- /usr/bin/python3 \
		"$REPO_ROOT/tests/ml/shuffle_read.py" "$MNT/samples" 1 1 fresh >/dev/null ||
		fail "stat failed"
	fast=$(jq .totals.io_wait_pct "$TESTDIR/cached.json")
	note "cached: $(jq -c '.totals | {io_wait_s, io_wait_pct, dev_read_bytes}' "$TESTDIR/cached.json")"
	awk -v p="$fast" 'BEGIN { exit !(p < 5) }' || fail "cached: $fast% waiting"
}

@test "io wait in top: the WAIT% column and io_wait_pct of a throttled reader, next to a cached one that does not wait" {
	make_loop 128
	dd if=/dev/urandom of="$LOOPDEV" bs=1M count=32 status=none oflag=direct
	throttle read_iops_device 300
	make_file "$TESTDIR/cached.dat" 32
	cat "$TESTDIR/cached.dat" >/dev/null
	"$IOPAT" top --json -g pid -d 1 -n 5 -c fio >"$TESTDIR/top.jsonl" 2>"$TESTDIR/top.err" &
	local top=$! slow fast
	sleep 1
	in_throttle fio --name=slow --filename="$LOOPDEV" --size=32M --bs=4k --rw=randread \
		--direct=1 --ioengine=psync --runtime=4 --time_based --output=/dev/null &
	fio --name=fast --filename="$TESTDIR/cached.dat" --size=32M --bs=4k --rw=randread \
		--ioengine=psync --invalidate=0 --runtime=4 --time_based --output=/dev/null &
	wait "$top" || fail "top failed: $(cat "$TESTDIR/top.err")"
	wait
	# the last interval: the worker with the fewest reads is the throttled one
	slow=$(jq -s '[.[-2].processes[] | select(.read_ops > 50)] | min_by(.read_ops) | .io_wait_pct' "$TESTDIR/top.jsonl")
	fast=$(jq -s '[.[-2].processes[] | select(.read_ops > 50)] | max_by(.read_ops) | .io_wait_pct' "$TESTDIR/top.jsonl")
	note "top, one interval: throttled reader io_wait_pct $slow, cached reader $fast"
	awk -v p="$slow" 'BEGIN { exit !(p > 80) }' || fail "throttled reader: $slow%"
	awk -v p="$fast" 'BEGIN { exit !(p < 5) }' || fail "cached reader: $fast%"
	run "$IOPAT" top -b -n 1 -d 0.5 -o wait -s wait
	assert_success
	[[ ${lines[3]} == *"WAIT%"* ]] || fail "no WAIT% title: ${lines[3]}"
}
