# Common setup for the real-kernel iopat tests (bats).
#
# Every test gets a fresh data directory on a disk-backed filesystem (never
# tmpfs: iopat counts tmpfs separately) and, on request, a loop device; both
# are removed in teardown.

load '/usr/lib/bats/bats-support/load'
load '/usr/lib/bats/bats-assert/load'

bats_require_minimum_version 1.5.0

. "$BATS_TEST_DIRNAME/confusion.bash"

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
		[ -w "$d" ] || continue
		fs=$(stat -f -c %T "$d" 2>/dev/null) || continue
		case "$fs" in
		tmpfs | ramfs) continue ;;
		esac
		echo "$d"
		return 0
	done
	return 1
}

# Call from setup(): skips the test unless root (tests whose name ends
# with "(no root)" load no BPF program and run as any user), makes $TESTDIR.
common_setup() {
	if [ "$(id -u)" -ne 0 ] && [[ $BATS_TEST_DESCRIPTION != *"(no root)" ]]; then
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
	BG_LOAD_PID=
}

# ------------------------------------------------- background load
#
# Accuracy tests (tag `accuracy`) run twice in `make test`: on a quiet
# machine, and with IOPAT_BG_LOAD=1, next to untraced processes doing
# buffered and direct I/O of large and small requests on the same
# device. A traced command must still be charged with its own I/O only.

# bg_load_start [BLOCKDEV]: when IOPAT_BG_LOAD is set, start the load in
# its own session (killed by bg_load_stop): on the filesystem of
# $TESTDIR, and on BLOCKDEV when given (raw direct I/O past its first
# 64 MiB is left alone: reads anywhere, writes in its last quarter).
# Waits until the load has moved data, so the traced run meets it.
bg_load_start() {
	[ -n "${IOPAT_BG_LOAD:-}" ] || return 0
	local dir=$TESTDIR/bgload dev=${1:-} blocks=0
	mkdir -p "$dir"
	dd if=/dev/urandom of="$dir/big" bs=1M count=32 status=none conv=fsync
	if [ -n "$dev" ]; then
		blocks=$(($(blockdev --getsize64 "$dev") / 4194304))
	fi
	setsid bash -c '
		dir=$1 dev=$2 blocks=$3
		trap "kill 0" TERM
		# direct 4 MiB writes and 4 KiB reads
		while :; do dd if=/dev/zero of="$dir/dw" bs=4M count=4 oflag=direct status=none; done &
		while :; do dd if="$dir/big" of=/dev/null bs=4k count=1024 iflag=direct status=none; done &
		# buffered small writes with fsync, buffered 1 MiB writes
		while :; do dd if=/dev/zero of="$dir/bs" bs=4k count=64 conv=fsync status=none; done &
		while :; do dd if=/dev/zero of="$dir/bw" bs=1M count=16 conv=fsync status=none; sleep 0.2; done &
		if [ -n "$dev" ] && [ "$blocks" -ge 4 ]; then
			while :; do
				dd if="$dev" of=/dev/null bs=4k count=256 iflag=direct status=none \
					skip=$((RANDOM % (blocks * 1024)))
				dd if=/dev/zero of="$dev" bs=4M count=1 oflag=direct status=none \
					seek=$((blocks * 3 / 4 + RANDOM % (blocks / 4)))
			done &
		fi
		wait' bash "$dir" "$dev" "$blocks" >/dev/null 2>&1 3>&- </dev/null &
	BG_LOAD_PID=$!
	local i
	for i in $(seq 1 100); do
		[ -s "$dir/dw" ] && [ -s "$dir/bs" ] && return 0
		sleep 0.05
	done
	fail "the background load did not start"
}

bg_load_stop() {
	[ -n "${BG_LOAD_PID:-}" ] || return 0
	kill -TERM -- "-$BG_LOAD_PID" 2>/dev/null || true
	wait "$BG_LOAD_PID" 2>/dev/null || true
	BG_LOAD_PID=
}

common_teardown() {
	bg_load_stop
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

# loop_dev FIELD: FIELD of the row of $LOOPDEV in $OUT's `devices`: the
# loop device alone, without the reads fio's own processes may make
# elsewhere (paging their code back in).
loop_dev() {
	local mm
	mm=$(printf '%d:%d' "0x$(stat -c %t "$LOOPDEV")" "0x$(stat -c %T "$LOOPDEV")")
	jget "$OUT" ".devices[] | select(.dev == \"$mm\") | .$1"
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
	bg_load_start ${LOOPDEV:+"$LOOPDEV"}
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

# is_number VALUE: a decimal number (what jq prints for one); an empty
# value, "null" or any other text is not: the numeric checks below fail
# on it instead of reading it as 0.
is_number() {
	[[ $1 =~ ^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$ ]]
}

# numbers_or_fail WHAT VALUE...: fails unless every VALUE is a number.
numbers_or_fail() {
	local what=$1 v
	shift
	for v in "$@"; do
		is_number "$v" || fail "$what: '$v' is not a number"
	done
}

# within_pct ACTUAL EXPECTED PCT: |actual - expected| <= pct% of expected.
within_pct() {
	local actual=$1 expected=$2 pct=$3
	numbers_or_fail "within_pct" "$actual" "$expected" "$pct"
	if ! awk -v a="$actual" -v e="$expected" -v p="$pct" 'BEGIN {
		d = a - e; if (d < 0) d = -d
		lim = (e < 0 ? -e : e) * p / 100
		exit !(d <= lim)
	}'; then
		fail "value $actual not within ${pct}% of expected $expected ($(awk -v a="$actual" -v e="$expected" 'BEGIN { if (e != 0) printf "off by %.3f%%", (a - e) * 100 / e; else print "expected is 0" }'))"
	fi
}

# num_ge ACTUAL MIN [WHAT] / num_le ACTUAL MAX [WHAT]: numeric bounds.
num_ge() {
	numbers_or_fail "${3:-value}" "$1" "$2"
	awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 >= b + 0) }' ||
		fail "${3:-value} = $1, expected >= $2"
}
num_le() {
	numbers_or_fail "${3:-value}" "$1" "$2"
	awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 <= b + 0) }' ||
		fail "${3:-value} = $1, expected <= $2"
}

# num_eq ACTUAL EXPECTED [WHAT]
num_eq() {
	numbers_or_fail "${3:-value}" "$1" "$2"
	awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 == b + 0) }' ||
		fail "${3:-value} = $1, expected exactly $2"
}

# FIO_JOBS: jq filter of the fio job processes of a stat JSON (fio forks
# one process per job; its parent, the fio main process, reads its own
# configuration files too).
FIO_JOBS='.processes as $p | [$p[] | select(.comm == "fio" and (.ppid as $pp | any($p[]; .pid == $pp and .comm == "fio")))]'

# check_fio_dir DIR: compare iopat with fio's report for DIR (read|write)
# at the system-call level: the job processes' bytes and ops exactly,
# the totals (the fio main process too) within 1%.
check_fio_dir() {
	local dir=$1 fio_bytes fio_ops ip_bytes ip_ops job_bytes job_ops
	fio_bytes=$(jget "$FIO_JSON" "[.jobs[].$dir.io_bytes] | add")
	fio_ops=$(jget "$FIO_JSON" "[.jobs[].$dir.total_ios] | add")
	ip_bytes=$(jget "$OUT" ".totals.${dir}_bytes")
	ip_ops=$(jget "$OUT" ".totals.${dir}_ops")
	job_bytes=$(jq "$FIO_JOBS | map(.${dir}_bytes) | add // 0" "$OUT")
	job_ops=$(jq "$FIO_JOBS | map(.${dir}_ops) | add // 0" "$OUT")
	note "fio $dir: bytes=$fio_bytes ops=$fio_ops; iopat: job processes bytes=$job_bytes ops=$job_ops, totals bytes=$ip_bytes ops=$ip_ops"
	[ "$fio_bytes" -gt 0 ] || fail "fio did no $dir I/O"
	num_eq "$job_bytes" "$fio_bytes" "${dir}_bytes of fio's job processes"
	num_eq "$job_ops" "$fio_ops" "${dir}_ops of fio's job processes"
	within_pct "$ip_bytes" "$fio_bytes" 1
	within_pct "$ip_ops" "$fio_ops" 1
}

# check_fio_dev DIR: device-level bytes (O_DIRECT jobs) within 1% of fio's.
check_fio_dev() {
	local dir=$1 fio_bytes dev_bytes miss
	fio_bytes=$(jget "$FIO_JSON" ".jobs[0].$dir.io_bytes")
	dev_bytes=$(jget "$OUT" ".totals.dev_${dir}_bytes")
	miss=$(jget "$OUT" .totals.cache_miss_bytes)
	note "fio $dir: bytes=$fio_bytes; iopat dev_${dir}_bytes=$dev_bytes cache_miss_bytes=$miss metadata_read_bytes=$(jq .totals.metadata_read_bytes "$OUT")"
	# Direct I/O moves no data through the page cache: the job's page-cache
	# fills (its code paged back in, filesystem metadata) are device reads
	# that are not fio's data.
	[ "$dir" = read ] && dev_bytes=$((dev_bytes - miss))
	within_pct "$dev_bytes" "$fio_bytes" 1
	check_dev_hist_ops "$dir"
}

# check_dev_hist_ops DIR: the device size histogram of $OUT holds one
# entry per completed request (a requeued request, issued twice, once).
check_dev_hist_ops() {
	local n ops
	n=$(jq "[.dev_${1}_size_hist[].count] | add // 0" "$OUT")
	ops=$(jget "$OUT" ".totals.dev_${1}_ops")
	num_eq "$n" "$ops" "entries of dev_${1}_size_hist (dev_${1}_ops)"
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

# ------------------------------------------------------------- iopat top
#
# Helpers for top.bats: `iopat top` runs in the background (batch/JSON) or
# in a private tmux server (screen), next to workloads started with bg_run.
# Call top_teardown from teardown() before common_teardown.

# top_setup: call from setup() after common_setup, in files that run top
# or tmux: no background jobs yet, $TOPJ for top's output.
top_setup() {
	BG_PIDS=()
	TOP_PID=
	TOP_LINE_RE=
	TMUX_SOCK=
	TOPJ=$TESTDIR/top.out
}

# bg_run CMD...: start CMD in the background (output to /dev/null, bats'
# fd 3 closed so bats never waits on it); its pid goes to BG_PIDS and to
# BG_PID. top_teardown kills whatever is left.
bg_run() {
	"$@" >/dev/null 2>&1 3>&- </dev/null &
	BG_PID=$!
	BG_PIDS+=("$BG_PID")
}

# lines_matching FILE [ERE]: number of complete (newline-terminated) lines
# of FILE matching ERE (all complete lines without ERE).
lines_matching() {
	local n
	n=$(wc -l <"$1" 2>/dev/null) || n=0
	if [ -z "${2:-}" ]; then
		echo "$n"
	else
		head -n "$n" "$1" | grep -cE -- "$2" || true
	fi
}

# top_start FILE ARGS...: run `iopat top ARGS...` in the background, stdout
# to FILE, stderr to FILE.err; sets TOP_PID and TOP_OUT. Returns once the
# first interval has been printed (tracing is live then). For -b, pass
# TOP_LINE_RE='^iopat top - ' so that intervals are counted by header.
top_start() {
	local file=$1
	shift
	: >"$file"
	: >"$file.err"
	"$IOPAT" top "$@" >"$file" 2>"$file.err" 3>&- </dev/null &
	TOP_PID=$!
	TOP_OUT=$file
	top_wait_lines 1
}

# top_wait_lines N: wait (at most ~30 s, polling) until $TOP_OUT has N
# complete intervals (lines matching $TOP_LINE_RE; any line by default).
# Fails if top exits first or the time is up.
top_wait_lines() {
	local want=$1 have i
	for ((i = 0; i < 300; i++)); do
		have=$(lines_matching "$TOP_OUT" "${TOP_LINE_RE:-}")
		[ "$have" -ge "$want" ] && return 0
		if ! kill -0 "$TOP_PID" 2>/dev/null; then
			have=$(lines_matching "$TOP_OUT" "${TOP_LINE_RE:-}")
			[ "$have" -ge "$want" ] && return 0
			fail "iopat top exited after $have of $want intervals; stderr: $(cat "$TOP_OUT.err")"
		fi
		sleep 0.1
	done
	fail "iopat top printed $have of $want intervals in time"
}

# top_wait_more N: wait until N more intervals than now are out (to let
# top cover the end of a workload).
top_wait_more() {
	local have
	have=$(lines_matching "$TOP_OUT" "${TOP_LINE_RE:-}")
	top_wait_lines $((have + $1))
}

# top_stop: end the background top with SIGTERM (a background job of a
# non-interactive shell ignores SIGINT) and wait for it; fails unless it
# ends with status 0 or 143 and an empty stderr.
top_stop() {
	local st=0
	[ -n "${TOP_PID:-}" ] || return 0
	kill -TERM "$TOP_PID" 2>/dev/null || true
	wait "$TOP_PID" || st=$?
	TOP_PID=
	note "iopat top ended with status $st"
	case $st in
	0 | 143) ;;
	*) fail "iopat top ended with status $st; stderr: $(cat "$TOP_OUT.err")" ;;
	esac
	[ ! -s "$TOP_OUT.err" ] || fail "iopat top wrote to stderr: $(cat "$TOP_OUT.err")"
}

# top_json_valid FILE: every line of FILE is one JSON object.
top_json_valid() {
	local n=0 line
	while IFS= read -r line; do
		n=$((n + 1))
		printf '%s\n' "$line" | jq -e 'type == "object"' >/dev/null 2>&1 ||
			fail "line $n of $1 is not a JSON object: $line"
	done <"$1"
	[ "$n" -gt 0 ] || fail "no JSON lines in $1"
}

# top_jsum FILE SELECT FIELD: sum of FIELD over all intervals of a JSON
# Lines file, for the process entries matching the jq condition SELECT.
top_jsum() {
	jq -s "[.[].processes[] | select($2) | .$3] | add // 0" "$1"
}

# tui_start ARGS...: `iopat top ARGS...` on the screen of a detached tmux
# session (own server on socket $TMUX_SOCK, 200x40). A shell around it
# writes its exit status to $TUI_EXIT_FILE (tmux's own pane_dead_status
# is sometimes never filled in); the shell catches SIGINT (so that Ctrl-C
# reaches iopat alone, with the default action). Waits for the header.
tui_start() {
	TUI_EXIT_FILE=$TESTDIR/tui.exit
	rm -f "$TUI_EXIT_FILE"
	tui_start_cmd "trap : INT; $(printf '%q ' "$IOPAT" top "$@"); echo \$? >$(printf %q "$TUI_EXIT_FILE")"
	tui_wait '^iopat top - ' "the header line"
}

# tui_start_cmd SHELL_CMD: SHELL_CMD in the tmux session (no waiting).
tui_start_cmd() {
	TMUX_SOCK=iopat-bats-$$-${BATS_TEST_NUMBER:-0}
	tmux -L "$TMUX_SOCK" -f /dev/null start-server \; \
		set-option -g remain-on-exit on \; \
		new-session -d -s top -x 200 -y 40 "$1" 3>&- </dev/null >/dev/null 2>&1 ||
		fail "tmux new-session failed"
}

tui_tmux() {
	tmux -L "$TMUX_SOCK" "$@" 3>&-
}

# tui_capture [-e]: the visible screen (-e: with attributes as escapes).
tui_capture() {
	tui_tmux capture-pane -p "$@" -t top
}

# tui_keys KEY...: tmux send-keys.
tui_keys() {
	tui_tmux send-keys -t top "$@"
}

# tui_dead: prints "DEAD:STATUS:SIGNAL" of the pane (DEAD is 1 when its
# process ended; STATUS or SIGNAL may still be empty just after that).
tui_dead() {
	tui_tmux list-panes -t top -F '#{pane_dead}:#{pane_dead_status}:#{pane_dead_signal}'
}

# tui_wait ERE [WHAT]: wait (at most ~20 s) until some line of the screen
# matches ERE; fails with the screen as diagnostic.
tui_wait() {
	local i
	for ((i = 0; i < 200; i++)); do
		tui_capture | grep -qE -- "$1" && return 0
		sleep 0.1
	done
	note "screen:"
	tui_capture
	note "pane: $(tui_dead)"
	fail "not on the screen: ${2:-$1}"
}

# tui_wait_gone ERE [WHAT]: wait until no line of the screen matches ERE.
tui_wait_gone() {
	local i
	for ((i = 0; i < 200; i++)); do
		tui_capture | grep -qE -- "$1" || return 0
		sleep 0.1
	done
	note "screen:"
	tui_capture
	fail "still on the screen: ${2:-$1}"
}

# tui_wait_dead: wait until iopat in the pane (started by tui_start) has
# ended; sets TUI_EXIT to its exit status.
tui_wait_dead() {
	local i
	TUI_EXIT=
	for ((i = 0; i < 100; i++)); do
		if grep -qE '^[0-9]+$' "$TUI_EXIT_FILE" 2>/dev/null; then
			TUI_EXIT=$(head -1 "$TUI_EXIT_FILE")
			return 0
		fi
		sleep 0.1
	done
	note "screen:"
	tui_capture
	fail "iopat top in the pane did not end"
}

# top_teardown: stop the background top, the tmux server and bg_run jobs.
top_teardown() {
	local p
	if [ -n "${TOP_PID:-}" ]; then
		kill -KILL "$TOP_PID" 2>/dev/null || true
		wait "$TOP_PID" 2>/dev/null || true
	fi
	if [ -n "${TMUX_SOCK:-}" ]; then
		tmux -L "$TMUX_SOCK" kill-server 2>/dev/null 3>&- || true
	fi
	for p in "${BG_PIDS[@]}"; do
		kill -TERM "$p" 2>/dev/null || true
	done
	for p in "${BG_PIDS[@]}"; do
		wait "$p" 2>/dev/null || true
	done
	return 0
}

# tui_alive: fails when iopat in the pane (started by tui_start) ended.
tui_alive() {
	local d
	d=$(tui_dead)
	[ "${d%%:*}" = 0 ] && [ ! -e "$TUI_EXIT_FILE" ] || {
		note "screen:"
		tui_capture
		fail "iopat top in the pane ended (pane: $d, exit: $(cat "$TUI_EXIT_FILE" 2>/dev/null))"
	}
}

# jq filter: the sum of a `drops` object's counts of losses, request
# _unfinished included (a request of an exited process that never
# ended), less request_end_unseen (requests counted without a latency
# sample; see the README's "Drops").
LOST_DROPS='[to_entries[] | select(.key != "total" and .key != "request_end_unseen") | .value] | add // 0'

# top_check_drops FILE: every interval's drop counts of a top --json file
# are sane per-interval deltas (no wrapped-around negative numbers), and
# nothing was lost: the counts other than request_end_unseen (requests
# counted without a latency sample) add up to 0.
top_check_drops() {
	local bad nbad lost
	bad=$(jq -c 'select(any(.drops[]; type != "number" or . < 0 or . > 1e12)) | .drops' "$1")
	if [ -n "$bad" ]; then
		nbad=$(printf '%s\n' "$bad" | wc -l)
		fail "implausible drop counts in $nbad of $(wc -l <"$1") intervals, e.g. $(printf '%s\n' "$bad" | head -1)"
	fi
	lost=$(jq -s "[.[].drops | $LOST_DROPS] | add // 0" "$1")
	num_eq "$lost" 0 "events lost (drops other than request_end_unseen)"
}

# run_as_nobody [-STATUS] ARGS...: bats `run` of iopat with ARGS as user
# nobody (-STATUS: the status expected, as `run -STATUS` takes it). The
# checkout may not be reachable for nobody: a copy of the binary is used
# then (removed in teardown). Skips when setpriv is missing.
run_as_nobody() {
	command -v setpriv >/dev/null || skip "setpriv not installed"
	local nobody=(setpriv --reuid=65534 --regid=65534 --clear-groups) bin=$IOPAT
	if ! "${nobody[@]}" test -x "$bin"; then
		if [ -z "${NOBODYDIR:-}" ]; then
			NOBODYDIR=$(mktemp -d /tmp/iopat-nobody.XXXXXX)
			chmod 755 "$NOBODYDIR"
			cp "$IOPAT" "$NOBODYDIR/iopat"
			chmod 755 "$NOBODYDIR/iopat"
		fi
		bin=$NOBODYDIR/iopat
	fi
	if [[ ${1:-} =~ ^-[0-9]+$ ]]; then	# run's expected status, as in `run -127`
		local want=$1
		shift
		run "$want" "${nobody[@]}" "$bin" "$@"
	else
		run "${nobody[@]}" "$bin" "$@"
	fi
}

# traced_child_then_wait DIR: the script of a traced command that starts
# one child (its pid in DIR/child), lets it exit, then waits for DIR/go.
TRACED_CHILD_THEN_WAIT='sh -c "echo \$\$ >\"\$1/child\"" sh "$1"
	while [ ! -e "$1/go" ]; do sleep 0.1; done'

# read_as_pid PID FILE: read FILE (cat) in a new process that has pid PID,
# which the kernel hands out next once ns_last_pid is PID - 1. Another
# fork on the host may take it first: tried up to 50 times.
read_as_pid() {
	local want=$1 file=$2 got
	for _ in $(seq 1 50); do
		echo $((want - 1)) >/proc/sys/kernel/ns_last_pid
		sh -c 'echo $$ >"$1"; exec cat "$2" >/dev/null' sh "$TESTDIR/got" "$file"
		got=$(cat "$TESTDIR/got")
		[ "$got" = "$want" ] && return 0
	done
	fail "could not start a process with pid $want (got $got)"
}

# wait_child_gone DIR: the pid in DIR/child, once written and gone.
wait_child_gone() {
	local i pid
	for i in $(seq 1 200); do
		[ -s "$1/child" ] && break
		sleep 0.05
	done
	pid=$(cat "$1/child") || fail "the traced command did not start its child"
	while [ -d "/proc/$pid" ]; do sleep 0.05; done
	echo "$pid"
}

# skip_unless_runs_32bit: skips the test, saying why, when this machine
# cannot execute the i386 workload (a kernel without IA32 emulation, or
# one that has it but refuses the binary: "Exec format error"); fails
# when the workload was not built or runs and fails for another reason.
skip_unless_runs_32bit() {
	local err rc=0
	[ -x "$WORKLOADS/io32" ] || fail "build/workloads/io32 not built"
	err=$("$WORKLOADS/io32" "$TESTDIR/probe32" 2>&1) || rc=$?
	[ "$rc" -eq 0 ] && return 0
	# 126: the shell could not execute it (ENOEXEC and the like)
	[ "$rc" -eq 126 ] && skip "this machine cannot execute 32-bit programs: ${err##*: }"
	fail "io32 exited $rc: $err"
}
