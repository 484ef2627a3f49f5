# Common setup for the real-kernel iopat tests (bats).
#
# Every test gets a fresh data directory on a disk-backed filesystem (never
# tmpfs: iopat counts tmpfs separately) and, on request, a loop device; both
# are removed in teardown.

load '/usr/lib/bats/bats-support/load'
load '/usr/lib/bats/bats-assert/load'

bats_require_minimum_version 1.5.0

REPO_ROOT=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
IOPAT=${IOPAT:-$REPO_ROOT/build/iopat}
WORKLOADS=${WORKLOADS:-$REPO_ROOT/build/workloads}

# Keep programs quiet and deterministic: no locale files read, no colour.
export LC_ALL=C LANG=C

# First candidate directory whose filesystem is not tmpfs/ramfs.
pick_data_root() {
	local d fs
	for d in "${IOPAT_TEST_DATA:-}" "$REPO_ROOT/build/testdata" /var/tmp /tmp; do
		[ -n "$d" ] || continue
		mkdir -p "$d" 2>/dev/null || continue
		fs=$(stat -f -c %T "$d" 2>/dev/null) || continue
		case "$fs" in
		tmpfs | ramfs) continue ;;
		esac
		echo "$d"
		return 0
	done
	return 1
}

# Call from setup(): skips the test unless root, makes $TESTDIR.
common_setup() {
	if [ "$(id -u)" -ne 0 ]; then
		skip "needs root (eBPF)"
	fi
	[ -x "$IOPAT" ] || fail "iopat binary not found: $IOPAT (run make)"
	local root
	root=$(pick_data_root) || fail "no disk-backed directory for test data"
	TESTDIR=$(mktemp -d "$root/iopat-bats.XXXXXX")
	OUT=$TESTDIR/stat.json
	LOOPDEV=
	LOOPFILE=
	SHMDIR=
	NOBODYDIR=
}

common_teardown() {
	if [ -n "${LOOPDEV:-}" ]; then
		losetup -d "$LOOPDEV" 2>/dev/null || true
	fi
	[ -n "${LOOPFILE:-}" ] && rm -f "$LOOPFILE"
	[ -n "${SHMDIR:-}" ] && rm -rf "$SHMDIR"
	[ -n "${NOBODYDIR:-}" ] && rm -rf "$NOBODYDIR"
	[ -n "${TESTDIR:-}" ] && rm -rf "$TESTDIR"
	return 0
}

# make_file PATH MIB: a fully written file of MIB MiB (done before tracing,
# so the traced program never lays it out), flushed to disk.
make_file() {
	dd if=/dev/urandom of="$1" bs=1M count="$2" status=none conv=fsync ||
		fail "dd failed for $1"
}

# make_loop MIB: a loop device over a sparse backing file. The backing file
# lives on tmpfs when possible so loop's own I/O never reaches a real disk
# (no noise in block-level counters); sets LOOPDEV and LOOPFILE.
make_loop() {
	local mib=$1 dir=$TESTDIR
	if [ -d /dev/shm ] && [ "$(stat -f -c %T /dev/shm)" = tmpfs ]; then
		dir=/dev/shm
	fi
	LOOPFILE=$(mktemp "$dir/iopat-loop.XXXXXX")
	truncate -s "${mib}M" "$LOOPFILE" || fail "truncate $LOOPFILE"
	LOOPDEV=$(losetup -f --show "$LOOPFILE") || fail "losetup failed"
	[ -b "$LOOPDEV" ] || fail "no block device $LOOPDEV"
	udevadm settle 2>/dev/null || true
}

# iopat_fio FIO_JSON [FIO ARGS...]: run fio under `iopat stat --json -o $OUT`.
# fio prints its JSON report to stdout; stdout goes through a pipe (not
# traced as file I/O) into FIO_JSON. Never use fio's --output=FILE: that
# would be file I/O seen by the tracer. Fails unless both exit 0.
iopat_fio() {
	local fio_json=$1
	shift
	# Untraced warm-up with the same job, 1 MiB only: pages fio's code
	# (60-odd shared libraries) into the page cache, so the traced run
	# does not add device reads of its own binaries to the job's.
	fio --output-format=json --disk_util=0 --name=job "$@" --io_size=1M \
		>/dev/null || {
		echo "fio warm-up failed: fio $*" >&2
		return 1
	}
	"$IOPAT" stat --json -o "$OUT" -- \
		fio --output-format=json --disk_util=0 --name=job "$@" |
		cat >"$fio_json"
	local rc=("${PIPESTATUS[@]}")
	if [ "${rc[0]}" -ne 0 ]; then
		echo "iopat/fio exited ${rc[0]}" >&2
		cat "$fio_json" >&2
		return 1
	fi
	jq -e . "$OUT" >/dev/null || {
		echo "iopat wrote invalid JSON to $OUT:" >&2
		cat "$OUT" >&2
		return 1
	}
	jq -e '.jobs[0]' "$fio_json" >/dev/null || {
		echo "fio wrote no JSON report:" >&2
		cat "$fio_json" >&2
		return 1
	}
}

# note MSG...: diagnostic shown when a test fails, or always with
# IOPAT_BATS_VERBOSE=1 (bats prints fd 3 lines as they come).
note() {
	echo "$*"
	if [ -n "${IOPAT_BATS_VERBOSE:-}" ]; then
		echo "# $*" >&3
	fi
	return 0
}

# jget FILE FILTER: one value from a JSON file (fails on null/missing).
jget() {
	local v
	v=$(jq -er "$2" "$1") || {
		echo "jq: '$2' missing or null in $1" >&2
		return 1
	}
	echo "$v"
}

# within_pct ACTUAL EXPECTED PCT: |actual - expected| <= pct% of expected.
within_pct() {
	local actual=$1 expected=$2 pct=$3
	if ! awk -v a="$actual" -v e="$expected" -v p="$pct" 'BEGIN {
		d = a - e; if (d < 0) d = -d
		lim = (e < 0 ? -e : e) * p / 100
		exit !(d <= lim && a != "" && e != "")
	}'; then
		fail "value $actual not within ${pct}% of expected $expected ($(awk -v a="$actual" -v e="$expected" 'BEGIN { if (e != 0) printf "off by %.3f%%", (a - e) * 100 / e; else print "expected is 0" }'))"
	fi
}

# num_ge ACTUAL MIN [WHAT] / num_le ACTUAL MAX [WHAT]: numeric bounds.
num_ge() {
	awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 >= b + 0) }' ||
		fail "${3:-value} = $1, expected >= $2"
}
num_le() {
	awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 <= b + 0) }' ||
		fail "${3:-value} = $1, expected <= $2"
}

# num_eq ACTUAL EXPECTED [WHAT]
num_eq() {
	awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 == b + 0) }' ||
		fail "${3:-value} = $1, expected exactly $2"
}

# check_fio_dir DIR: compare iopat totals with fio's report for DIR
# (read|write): bytes and ops within 1%.
check_fio_dir() {
	local dir=$1 fio_bytes fio_ops ip_bytes ip_ops
	fio_bytes=$(jget "$FIO_JSON" ".jobs[0].$dir.io_bytes")
	fio_ops=$(jget "$FIO_JSON" ".jobs[0].$dir.total_ios")
	ip_bytes=$(jget "$OUT" ".totals.${dir}_bytes")
	ip_ops=$(jget "$OUT" ".totals.${dir}_ops")
	note "fio $dir: bytes=$fio_bytes ops=$fio_ops; iopat: bytes=$ip_bytes ops=$ip_ops"
	[ "$fio_bytes" -gt 0 ] || fail "fio did no $dir I/O"
	within_pct "$ip_bytes" "$fio_bytes" 1
	within_pct "$ip_ops" "$fio_ops" 1
}

# check_fio_dev DIR: device-level bytes (O_DIRECT jobs) within 1% of fio's.
check_fio_dev() {
	local dir=$1 fio_bytes dev_bytes
	fio_bytes=$(jget "$FIO_JSON" ".jobs[0].$dir.io_bytes")
	dev_bytes=$(jget "$OUT" ".totals.dev_${dir}_bytes")
	note "fio $dir: bytes=$fio_bytes; iopat dev_${dir}_bytes=$dev_bytes cache_miss_bytes=$(jq .totals.cache_miss_bytes "$OUT")"
	within_pct "$dev_bytes" "$fio_bytes" 1
}

# check_seq DIR MIN|MAX BOUND: totals.seq_<dir>_pct bound.
check_seq() {
	local key=$1 v
	v=$(jget "$OUT" ".totals.$key")
	note "$key=$v"
	case $2 in
	min) num_ge "$v" "$3" "$key" ;;
	max) num_le "$v" "$3" "$key" ;;
	esac
}
