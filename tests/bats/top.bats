#!/usr/bin/env bats
# Real-kernel tests of `iopat top`, the live monitor: JSON Lines and batch
# output checked against what real workloads did, filters, hostile process
# names, and the ncurses screen driven through tmux.
# Needs root; no timing thresholds anywhere (waits are bounded polls).

load helpers

setup() {
	common_setup
	top_setup
	EVIL_NAME=$'\x1b[31mred\nX'
}

teardown() {
	top_teardown
	common_teardown
}

# A process name as `top -b` and the screen print it: control bytes as '?'.
EVIL_SHOWN='?[31mred?X'

# ere_quote TEXT: TEXT as a literal in an extended regular expression.
ere_quote() {
	printf '%s' "$1" | sed 's/[][\\.*^$+?(){}|]/\\&/g'
}

# fio_rate_read DATA JSON SECONDS: fio reads DATA (64 MiB) at random in
# 4 KiB at 8 MiB/s for SECONDS, its report in JSON, the pid of its main
# process in $TESTDIR/fio.pid (other programs may run fio at the same
# time: fio's processes are told apart by pid).
fio_rate_read() {
	(
		echo "$BASHPID" >"$TESTDIR/fio.pid"
		exec fio --output-format=json --disk_util=0 --name=job \
			--filename="$1" --size=64M --bs=4k --invalidate=0 \
			--ioengine=psync --rw=randread --rate=8m --time_based \
			--runtime="$3"
	) | cat >"$2"
	[ "${PIPESTATUS[0]}" -eq 0 ] || fail "fio failed: $(cat "$2")"
}

# row_comms FILE: the COMM column of every table row of `top -b` output.
row_comms() {
	awk '/^ *[0-9]+ / { print $2 }' "$1"
}

# ------------------------------------------------------------ JSON output

# bats test_tags=accuracy
@test "top --json: fio rate-limited random read, bytes summed over intervals" {
	local data=$TESTDIR/data fio_json=$TESTDIR/fio.json fio_bytes ip_bytes n
	make_file "$data" 64
	bg_load_start
	top_start "$TOPJ" --json -d 0.5 -n 200
	# 8 MiB/s for 4 s: 32 MiB in 4 KiB reads, spread over ~8 intervals
	fio_rate_read "$data" "$fio_json" 4
	top_wait_more 2
	top_stop
	top_json_valid "$TOPJ"
	local fio_pid sel
	fio_pid=$(cat "$TESTDIR/fio.pid")
	sel=".comm == \"fio\" and (.pid == $fio_pid or .ppid == $fio_pid)"
	fio_bytes=$(jget "$fio_json" .jobs[0].read.io_bytes)
	ip_bytes=$(top_jsum "$TOPJ" "$sel" read_bytes)
	note "fio processes: $(jq -c -s "[.[].processes[] | select($sel) | .pid] | unique" "$TOPJ")"
	n=$(jq -s "[.[] | select(any(.processes[]; $sel))] | length" "$TOPJ")
	note "fio read $fio_bytes B; iopat top: $ip_bytes B over $n intervals"
	# a rate-limited run may fall a few KiB short of 32 MiB
	num_ge "$fio_bytes" $((30 << 20)) "fio read bytes"
	# The job spanned several intervals: the sum really adds deltas.
	num_ge "$n" 4 "intervals with fio I/O"
	within_pct "$ip_bytes" "$fio_bytes" 2
	top_check_drops "$TOPJ"
}

@test "top --json -n 3: three JSON lines with the documented fields" {
	make_file "$TESTDIR/data" 1
	# A reader named "jsonreader" runs through all three intervals.
	bg_run "$WORKLOADS/evil_name" "$TESTDIR/data" 30 jsonreader
	# Let it start before top does.
	local i
	for ((i = 0; i < 50; i++)); do
		pgrep -x jsonreader >/dev/null && break
		sleep 0.1
	done
	local n
	run --separate-stderr "$IOPAT" top --json -n 3 -d 0.2
	assert_success
	assert_equal "$stderr" ""
	assert_equal "${#lines[@]}" 3
	printf '%s\n' "$output" >"$TOPJ"
	top_json_valid "$TOPJ"
	jq -e -s 'all(.[];
		(.timestamp | type == "string"
			and test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?Z$"))
		and (.interval_s | type == "number" and . > 0)
		and (.host | type == "string" and length > 0)
		and (.refresh_cpu_ms | type == "number" and . >= 0)
		and (.drops | type == "object" and (.total | type == "number"))
		and (.processes | type == "array"))' "$TOPJ" >/dev/null ||
		fail "an interval lacks timestamp/interval_s/host/refresh_cpu_ms/drops/processes: $output"
	# Timestamps go forward.
	jq -e -s '[.[].timestamp] | . == sort and (unique | length) == 3' "$TOPJ" >/dev/null ||
		fail "timestamps not increasing: $(jq -c -s '[.[].timestamp]' "$TOPJ")"
	jq -e -s '[.[].processes[]] | length > 0 and all(.[];
		(.pid | type == "number") and (.ppid | type == "number")
		and (.comm | type == "string") and (.cgroup_id | type == "number")
		and (.exited | type == "boolean")
		and all(.read_bytes, .write_bytes, .read_ops, .write_ops,
			.seq_read_pct, .seq_write_pct, .dev_read_bytes,
			.dev_write_bytes, .dev_read_ops, .dev_write_ops,
			.cache_miss_bytes; type == "number" and . >= 0))' "$TOPJ" >/dev/null ||
		fail "a process entry lacks a documented field"
	# The reader read 1 MiB per pass in every interval.
	n=$(jq -s '[.[] | select(any(.processes[]; .comm == "jsonreader" and .read_bytes >= 1048576))] | length' "$TOPJ")
	note "intervals with jsonreader reads: $n"
	num_eq "$n" 3 "intervals showing jsonreader"
}

@test "top --json: 20 short-lived writers, nothing lost, all seen exiting" {
	top_start "$TOPJ" --json -d 0.5 -n 200 --group pid
	local bpid sel total pids exited
	"$WORKLOADS/burst_write" "$TESTDIR" 20 1048576 3>&- &
	bpid=$!
	wait "$bpid" || fail "burst_write failed"
	top_wait_more 2
	top_stop
	top_json_valid "$TOPJ"
	# The writers are the children of burst_write.
	sel=".comm == \"burst_write\" and .ppid == $bpid"
	total=$(top_jsum "$TOPJ" "$sel" write_bytes)
	note "write_bytes summed over burst_write processes: $total"
	num_eq "$total" $((20 << 20)) "burst_write write_bytes"
	num_eq "$(top_jsum "$TOPJ" "$sel" write_ops)" 20 "burst_write write_ops"
	pids=$(jq -s "[.[].processes[] | select($sel and .write_bytes > 0) | .pid] | unique | length" "$TOPJ")
	exited=$(jq -s "[.[].processes[] | select($sel and .write_bytes > 0 and .exited) | .pid] | unique | length" "$TOPJ")
	note "writer pids: $pids, seen exited: $exited"
	num_eq "$pids" 20 "distinct writer pids"
	num_eq "$exited" 20 "writer pids seen with exited: true"
	top_check_drops "$TOPJ"
}

@test "top --json: buffered writes reach the disk as the [writeback] row" {
	# Flush what is dirty now, so the sync below writes mainly our file.
	sync
	top_start "$TOPJ" --json -d 0.5 -n 200
	local dd_pid
	dd if=/dev/zero of="$TESTDIR/buffered" bs=1M count=64 status=none 3>&- &
	dd_pid=$!
	wait "$dd_pid" || fail "dd failed"
	# sync(2) hands the dirty pages to the flusher kworkers and waits.
	sync
	top_wait_more 2
	top_stop
	top_json_valid "$TOPJ"
	local wb other
	wb=$(top_jsum "$TOPJ" '.pid == 0' dev_write_bytes)
	other=$(jq -s '[.[].processes[] | select(.pid == 0 and .comm != "[writeback]")] | length' "$TOPJ")
	note "pid 0 dev_write_bytes=$wb; dd: $(jq -c -s "[.[].processes[] | select(.pid == $dd_pid) | {write_bytes, dev_write_bytes}]" "$TOPJ")"
	num_eq "$other" 0 "pid 0 entries not named [writeback]"
	# Our 64 MiB went to the disk by writeback (other dirty data on the
	# machine may add to it, never subtract).
	num_ge "$wb" $((64 << 20)) "[writeback] dev_write_bytes"
	num_eq "$(top_jsum "$TOPJ" ".pid == $dd_pid" write_bytes)" $((64 << 20)) "dd write_bytes"
	# Writeback keeps many requests in flight across interval boundaries.
	top_check_drops "$TOPJ"
}

# ---------------------------------------------------------- hostile names

@test "top --json: a name with ESC and newline stays valid, escaped JSON" {
	make_file "$TESTDIR/data" 1
	top_start "$TOPJ" --json -d 0.5 -n 200
	run "$WORKLOADS/evil_name" "$TESTDIR/data" 2
	assert_success
	top_wait_more 2
	top_stop
	top_json_valid "$TOPJ"
	grep -q $'\x1b' "$TOPJ" && fail "raw ESC byte in the JSON output"
	grep -qE '"comm":"\\u001[bB]\[31mred(\\n|\\u000[aA])X"' "$TOPJ" ||
		fail "escaped name not in the JSON output"
	local rb
	rb=$(jq -s --arg n "$EVIL_NAME" '[.[].processes[] | select(.comm == $n) | .read_bytes] | add // 0' "$TOPJ")
	note "read_bytes under the hostile name: $rb"
	num_ge "$rb" $((1 << 20)) "read_bytes of the renamed reader"
}

@test "top -b: a name with ESC and newline is printed sanitised on one row" {
	make_file "$TESTDIR/data" 1
	TOP_LINE_RE='^iopat top - '
	top_start "$TOPJ" -b -d 0.5 -n 200
	run "$WORKLOADS/evil_name" "$TESTDIR/data" 2
	assert_success
	top_wait_more 2
	top_stop
	grep -q $'\x1b' "$TOPJ" && fail "raw ESC byte in the batch output"
	grep -qF " $EVIL_SHOWN " "$TOPJ" || {
		cat -v "$TOPJ"
		fail "sanitised name '$EVIL_SHOWN' not in the batch output"
	}
	# The name and the numbers after it are on one row: a newline in the
	# name would end the row after "red" and start a line with "X".
	grep -qE '^ *[0-9]+ \?\[31mred\?X +[0-9]' "$TOPJ" ||
		fail "no table row with pid, sanitised name and numbers"
	local bad
	bad=$(grep -nE '^X|red$' "$TOPJ" || true)
	[ -z "$bad" ] || fail "lines broken by the name: $bad"
}

@test "top screen: a name with ESC and newline is shown sanitised" {
	make_file "$TESTDIR/data" 1
	bg_run "$WORKLOADS/evil_name" "$TESTDIR/data" 60
	tui_start -d 0.5
	tui_wait " \\?\\[31mred\\?X " "the sanitised name $EVIL_SHOWN"
	local screen
	screen=$(tui_capture -e)
	# Had the name's bytes reached the terminal, "red" would be red and
	# the "[31m" text would be gone.
	printf '%s\n' "$screen" | grep -qF $'\x1b[31mred' &&
		fail "the name's colour sequence reached the terminal"
	printf '%s\n' "$screen" | grep -qF '[31mred' ||
		fail "name text missing from the attribute capture"
	# No screen line starts with the text after the name's newline.
	tui_capture | grep -qE '^X ' && fail "the name's newline broke a line"
	return 0
}

# ------------------------------------------------------------- the screen

# tui_sorted_title: the highlighted (underlined) column title on line 4.
tui_sorted_title() {
	tui_capture -e | sed -n 4p | perl -ne '
		while (/\e\[([0-9;]*)m([^\e]*)/g) {
			my ($p, $t) = ($1, $2);
			next unless grep { $_ eq "4" } split /;/, $p;
			$t =~ s/^\s+|\s+$//g;
			print "$t\n" if length $t;
		}'
}

# tui_status: the status line (third line) of the screen.
tui_status() {
	tui_capture | sed -n 3p
}

# start_fio_bg SECONDS: a rate-limited fio reader beside the screen.
start_fio_bg() {
	make_file "$TESTDIR/data" 16
	bg_run fio --output-format=json --disk_util=0 --name=job \
		--filename="$TESTDIR/data" --size=16M --bs=4k --invalidate=0 \
		--ioengine=psync --rw=randread --rate=1m --time_based \
		--runtime="$1"
	FIO_PID=$BG_PID
}

@test "top screen: starts, shows fio, < > change the sorted column" {
	start_fio_bg 60
	tui_start -d 0.5
	tui_wait '^    PID COMM' "the column titles"
	tui_wait '^ *[0-9]+ fio ' "a fio row"
	local st0 st1 hl0 hl1
	st0=$(tui_status)
	hl0=$(tui_sorted_title)
	note "status: '$st0', highlighted: '$hl0'"
	[[ $st0 == sort\ * ]] || fail "status line does not show the sort: '$st0'"
	# The default sort (R+W/s: syscall + device bytes) has no column of
	# its own, so no title is highlighted; every other sort highlights one.
	if [[ $st0 == "sort R+W/s"* ]]; then
		[ -z "$hl0" ] || fail "a column title is highlighted for R+W/s: '$hl0'"
	else
		[ -n "$hl0" ] || fail "no highlighted column title"
	fi
	local sort0
	sort0=$(ere_quote "${st0%%   *}")
	tui_keys '>'
	tui_wait_gone "^$sort0( |\$)" "the old sort on the status line"
	st1=$(tui_status)
	hl1=$(tui_sorted_title)
	note "after >: status '$st1', highlighted: '$hl1'"
	[[ $st1 == sort\ * ]] || fail "status line after >: '$st1'"
	if [ -z "$hl1" ] || [ "$hl1" = "$hl0" ]; then
		fail "highlighted title did not move: '$hl0' -> '$hl1'"
	fi
	tui_keys '<'
	tui_wait "^$sort0( |\$)" "the first sort back after <"
	assert_equal "$(tui_sorted_title)" "$hl0"
	tui_keys r
	tui_wait '^sort .*\(reversed\)' "(reversed) on the status line"
	tui_alive
}

# screen_rows: "PID COMM" of every row on the screen.
screen_rows() {
	tui_capture | awk 'NR > 4 && /^ *[0-9]+ / { print $1, $2 }'
}

@test "top screen -s pid: rows ordered by pid, > comm, r reverses" {
	make_file "$TESTDIR/other" 1
	start_fio_bg 60
	bg_run "$WORKLOADS/evil_name" "$TESTDIR/other" 60 otherio
	tui_start -d 0.5 -s pid
	tui_wait '^ *[0-9]+ fio ' "a fio row"
	tui_wait '^ *[0-9]+ otherio ' "the otherio row"
	tui_wait '^sort PID( |$)' "sort PID"
	local rows
	rows=$(screen_rows)
	note "rows by pid:"$'\n'"$rows"
	[ "$(printf '%s\n' "$rows" | wc -l)" -ge 3 ] || fail "fewer than 3 rows"
	printf '%s\n' "$rows" | cut -d' ' -f1 | sort -n -c ||
		fail "rows not in pid order"
	tui_keys '>'
	tui_wait '^sort COMM( |$)' "sort COMM"
	assert_equal "$(tui_sorted_title)" COMM
	rows=$(screen_rows)
	note "rows by comm:"$'\n'"$rows"
	printf '%s\n' "$rows" | cut -d' ' -f2 | LC_ALL=C sort -c ||
		fail "rows not in comm order"
	tui_keys r
	tui_wait '^sort COMM \(reversed\)' "sort COMM (reversed)"
	rows=$(screen_rows)
	note "rows by comm, reversed:"$'\n'"$rows"
	printf '%s\n' "$rows" | cut -d' ' -f2 | LC_ALL=C sort -r -c ||
		fail "rows not in reverse comm order"
}

@test "top screen: / filters by name, p shows one pid" {
	make_file "$TESTDIR/other" 1
	start_fio_bg 60
	bg_run "$WORKLOADS/evil_name" "$TESTDIR/other" 60 otherio
	# one row per process: p shows the fio job process on its own
	tui_start -d 0.5 --group pid
	tui_wait '^ *[0-9]+ fio ' "a fio row"
	tui_wait '^ *[0-9]+ otherio ' "the otherio row"
	tui_keys /
	tui_wait '^filter name \(empty: all\):' "the filter prompt"
	tui_keys fio Enter
	tui_wait '(^|   )filter: fio( |$)' "filter: fio on the status line"
	local i comms
	# A few refreshes: every row shown is a fio process.
	for ((i = 0; i < 3; i++)); do
		comms=$(screen_rows | cut -d' ' -f2 | sort -u)
		note "rows with filter fio: ${comms//$'\n'/ }"
		[ -n "$comms" ] || fail "no rows with filter fio"
		[ -z "$(printf '%s\n' "$comms" | grep -v fio)" ] ||
			fail "rows not matching the filter: $comms"
		sleep 0.6
	done
	# Clear the filter (an empty answer shows every name again):
	# otherio comes back.
	tui_keys /
	tui_wait '^filter name \(empty: all\):' "the filter prompt"
	tui_keys Enter
	tui_wait_gone 'filter: fio' "filter: fio after clearing it"
	tui_wait '^ *[0-9]+ otherio ' "otherio after clearing the filter"
	# p: only the fio job process (the child of fio's main process).
	local job i
	for ((i = 0; i < 50; i++)); do
		job=$(pgrep -P "$FIO_PID" -x fio | head -1) && [ -n "$job" ] && break
		sleep 0.1
	done
	[ -n "$job" ] || fail "no fio job process under $FIO_PID"
	tui_keys p
	tui_wait '^show pid \(empty: all\):' "the pid prompt"
	tui_keys "$job" Enter
	tui_wait_gone '^ *[0-9]+ otherio ' "otherio with p $job"
	local pids st
	tui_wait "^ *$job fio " "the row of pid $job"
	pids=$(screen_rows | cut -d' ' -f1 | sort -u)
	note "pids shown with p $job: ${pids//$'\n'/ }"
	[ "$pids" = "$job" ] || fail "rows other than pid $job: $pids"
	st=$(tui_status)
	note "status with p $job: '$st'"
	[[ $st == *"pid: $job"* ]] || fail "status line lacks 'pid: $job': '$st'"
	[ "$(grep -o 'pid:' <<<"$st" | wc -l)" -eq 1 ] ||
		fail "status line shows 'pid:' more than once: '$st'"
}

@test "top screen: h shows the help box, a key closes it, resize survives" {
	start_fio_bg 60
	tui_start -d 0.5
	tui_keys h
	tui_wait 'iopat top - keys' "the help box"
	tui_keys x
	tui_wait_gone 'iopat top - keys' "the help box"
	tui_wait '^ *[0-9]+ fio ' "a fio row after the help"
	tui_tmux resize-window -t top -x 60 -y 15
	tui_wait '^ *[0-9]+ fio ' "a fio row at 60x15"
	local w
	w=$(tui_capture | awk '{ if (length > m) m = length } END { print m + 0 }')
	note "widest line at 60x15: $w"
	num_le "$w" 60 "widest screen line at 60x15"
	tui_capture | grep -q '^iopat top - ' || fail "no header at 60x15"
	tui_tmux resize-window -t top -x 200 -y 40
	tui_wait '^iopat top - .*drops' "the full header at 200x40"
	tui_wait '^    PID COMM .*TIER' "all the default column titles at 200x40"
	tui_alive
}

@test "top screen: q quits with status 0" {
	tui_start -d 0.5
	tui_keys q
	tui_wait_dead
	assert_equal "$TUI_EXIT" 0
}

@test "top screen: Ctrl-C quits with status 0" {
	tui_start -d 0.5
	tui_keys C-c
	tui_wait_dead
	assert_equal "$TUI_EXIT" 0
}

# term_check KEY: in a shell on the tmux terminal, run top, end it with KEY
# and check that the terminal settings are unchanged and input echoes.
term_check() {
	local key=$1 screen
	tui_start_cmd "PS1='$ ' bash --norc --noprofile --noediting -i"
	tui_wait '^\$( |$)' "the shell prompt"
	tui_keys "stty -g >$TESTDIR/stty.before; $(printf %q "$IOPAT") top -d 0.5; echo rc=\$?; stty -g >$TESTDIR/stty.after" Enter
	tui_wait '^iopat top - ' "top's header"
	tui_keys "$key"
	tui_wait '^rc=' "the shell after top"
	tui_wait '^\$( |$)' "the prompt after top"
	# Typed without readline: only the terminal's own echo shows it.
	tui_keys "echo o''k" Enter
	tui_wait '^ok$' "the output of echo"
	screen=$(tui_capture)
	note "screen:"$'\n'"$screen"
	printf '%s\n' "$screen" | grep -q '^rc=0$' || fail "top did not exit 0"
	printf '%s\n' "$screen" | grep -qF "$ echo o''k" ||
		fail "typed input not echoed: terminal left without echo"
	diff "$TESTDIR/stty.before" "$TESTDIR/stty.after" ||
		fail "terminal settings differ after top"
}

@test "top screen: terminal is restored after q" {
	term_check q
}

@test "top screen: terminal is restored after Ctrl-C" {
	term_check C-c
}

# ---------------------------------------------------------------- filters

# bats test_tags=accuracy
@test "top --json -p: a shell's child is shown, an unrelated dd is not" {
	local go=$TESTDIR/go sh_pid other_pid
	# Both trees wait for $go, so top is tracing before either writes.
	sh -c 'while [ ! -e "$1/go" ]; do sleep 0.1; done
		dd if=/dev/zero of="$1/mine" bs=1M count=8 status=none' \
		sh "$TESTDIR" >/dev/null 2>&1 3>&- &
	sh_pid=$!
	# The unrelated tree also syncs: its data reaches the disk through
	# the flusher kworkers (the host-wide [writeback] row), not a
	# process of the tracked tree.
	sh -c 'while [ ! -e "$1/go" ]; do sleep 0.1; done
		dd if=/dev/zero of="$1/other" bs=1M count=4 status=none && sync' \
		sh "$TESTDIR" >/dev/null 2>&1 3>&- &
	other_pid=$!
	BG_PIDS+=("$sh_pid" "$other_pid")
	bg_load_start
	top_start "$TOPJ" --json -d 0.5 -n 200 -p "$sh_pid"
	touch "$go"
	wait "$sh_pid" || fail "the tracked shell failed"
	wait "$other_pid" || fail "the unrelated dd failed"
	top_wait_more 2
	top_stop
	top_json_valid "$TOPJ"
	note "processes: $(jq -c -s '[.[].processes[] | [.pid, .ppid, .comm, .write_bytes, .dev_write_bytes]] | unique' "$TOPJ")"
	num_eq "$(top_jsum "$TOPJ" '.comm == "dd"' write_bytes)" $((8 << 20)) "dd write_bytes"
	num_eq "$(top_jsum "$TOPJ" ".comm == \"dd\" and .ppid == $sh_pid" write_bytes)" $((8 << 20)) \
		"write_bytes of the shell's dd"
	num_eq "$(jq -s "[.[].processes[] | select(.pid == $other_pid or .ppid == $other_pid)] | length" "$TOPJ")" 0 \
		"entries of the unrelated tree"
	# Only the shell and its children (sleep, dd) appear.
	num_eq "$(jq -s "[.[].processes[] | select(.pid != $sh_pid and .ppid != $sh_pid)] | length" "$TOPJ")" 0 \
		"entries outside the tracked tree"
}

# bats test_tags=accuracy
@test "top -b -c: only names containing the text" {
	make_file "$TESTDIR/data" 1
	TOP_LINE_RE='^iopat top - '
	bg_load_start
	top_start "$TOPJ" -b -d 0.5 -n 200 -c needle
	bg_run "$WORKLOADS/evil_name" "$TESTDIR/data" 2 xneedlex
	local a=$BG_PID
	bg_run "$WORKLOADS/evil_name" "$TESTDIR/data" 2 haystack
	local b=$BG_PID
	wait "$a" || fail "xneedlex failed"
	wait "$b" || fail "haystack failed"
	top_wait_more 2
	top_stop
	local comms
	comms=$(row_comms "$TOPJ" | sort -u)
	note "names shown: ${comms//$'\n'/ }"
	printf '%s\n' "$comms" | grep -qx xneedlex || fail "xneedlex not shown"
	[ -z "$(printf '%s\n' "$comms" | grep -v needle)" ] ||
		fail "names without 'needle' shown: $comms"
	grep -q ' haystack ' "$TOPJ" && fail "haystack shown"
	# Each table's header counts the rows shown.
	awk '/^iopat top - / { if (h != "") check(); h = $0; n = 0; next }
		/^ *[0-9]+ / { n++ }
		function check(  m) {
			m = h; sub(/ (process|processes|job|jobs) - .*/, "", m); sub(/.* - /, "", m)
			if (m + 0 != n) { print "header says " m ", " n " rows: " h; bad = 1 }
		}
		END { if (h != "") check(); exit bad }' "$TOPJ" ||
		fail "a header's process count differs from its rows"
}

# ------------------------------------------------------------ CLI, errors

@test "top: bad options exit 2 with a message (no root)" {
	local dead
	sh -c 'exit 0' &
	dead=$!
	wait "$dead"
	local args
	for args in "--bogus" "-d 0" "-d -1" "-d abc" "-d" "-n abc" "-n 0" \
		"-n -1" "-p abc" "-p 0" "-p $dead" "-s bogus" "-c"; do
		# shellcheck disable=SC2086
		run --separate-stderr "$IOPAT" top --json -n 1 $args
		note "top $args: status $status, stderr: ${stderr%%$'\n'*}"
		[ "$status" -eq 2 ] || fail "top --json -n 1 $args: status $status, expected 2"
		[ -n "$stderr" ] || fail "top $args: no message"
		assert_equal "$output" ""
	done
}

@test "top without -b/--json on a non-terminal: exit 2, not a terminal (no root)" {
	run --separate-stderr "$IOPAT" top -d 0.2 </dev/null
	assert_equal "$status" 2
	[[ $stderr == *"not a terminal"* ]] || fail "message: $stderr"
}

@test "top -b | head -1: ends quietly" {
	local err=$TESTDIR/err first rc
	"$IOPAT" top -b -d 0.2 2>"$err" | head -1 >"$TESTDIR/first"
	rc=${PIPESTATUS[0]}
	first=$(cat "$TESTDIR/first")
	note "first line: $first; iopat status $rc"
	[[ $first == "iopat top - "* ]] || fail "first line: $first"
	[ "$rc" -eq 0 ] || [ "$rc" -eq 141 ] || fail "iopat exited $rc"
	[ ! -s "$err" ] || fail "stderr: $(cat "$err")"
	"$IOPAT" top --json -d 0.2 2>"$err" | head -1 >"$TESTDIR/first"
	rc=${PIPESTATUS[0]}
	first=$(cat "$TESTDIR/first")
	printf '%s\n' "$first" | jq -e .timestamp >/dev/null || fail "first line: $first"
	[ "$rc" -eq 0 ] || [ "$rc" -eq 141 ] || fail "iopat --json exited $rc"
	[ ! -s "$err" ] || fail "stderr (--json): $(cat "$err")"
}

@test "top not root: one-line message, exit 1" {
	run_as_nobody top --json -n 1
	assert_equal "$status" 1
	assert_equal "${#lines[@]}" 1
	[ -n "${lines[0]}" ] || fail "empty message"
	run_as_nobody top -b -n 1
	assert_equal "$status" 1
	assert_equal "${#lines[@]}" 1
}

@test "top --json: drop counts stay per-interval deltas (requests of exited processes)" {
	make_file "$TESTDIR/data" 32
	top_start "$TOPJ" --json -d 0.05 -n 10000
	# 20 rounds of a process exiting with 32 direct reads in flight: its
	# requests still end (none is given up as request_unfinished), and
	# no interval's drop count is a wrapped-around delta.
	run "$WORKLOADS/aio_exit" "$TESTDIR/data" 20
	assert_success
	top_wait_more 2
	top_stop
	top_json_valid "$TOPJ"
	note "request_unfinished values: $(jq -c -s '[.[].drops.request_unfinished] | group_by(.) | map([.[0], length])' "$TOPJ")"
	top_check_drops "$TOPJ"
}

# ------------------------------------------------------ verdicts over time

# A job doing the same thing all along keeps its verdict: re-reads are
# judged over the process's life (a window alone sees data come back only
# when its first pass is in it), and a new stage is shown only once it has
# been the verdict of 3 refreshes in a row.
@test "top --json: a steady fio random read keeps one verdict" {
	local data=$TESTDIR/data sel stages last
	make_file "$data" 16
	top_start "$TOPJ" --json -d 0.5 -c fio
	fio --output-format=json --disk_util=0 --name=job --filename="$data" --size=16M \
		--bs=4k --invalidate=0 --ioengine=psync --rw=randread --rate=16m --time_based \
		--runtime=8 >"$TESTDIR/fio.json" || fail "fio failed"
	top_wait_more 1
	top_stop
	top_json_valid "$TOPJ"
	sel='.comm == "fio" and .read_bytes > 0'
	stages=$(jq -r -s "[.[].processes[] | select($sel) | .stage] | join(\" \")" "$TOPJ")
	note "stages shown: $stages"
	# idle (too little I/O yet) is no verdict; the first pass (re-read
	# below 1.5x, 1.5 s at 16 MiB/s over 16 MiB) may show once; from then
	# on one stage
	stages=$(tr ' ' '\n' <<<"$stages" | grep -vx idle | tr '\n' ' ')
	num_ge "$(wc -w <<<"$stages")" 8 "judged intervals"
	num_le "$(tr ' ' '\n' <<<"$stages" | grep -v '^$' | uniq | wc -l)" 2 "stage changes + 1"
	last=$(tr ' ' '\n' <<<"$stages" | grep -v '^$' | tail -1)
	[ "$last" = model ] || fail "a small set read again and again at random, last shown as $last"
}

# The interpreter's own reads are program files in top as in stat: the
# counts show apart, and the logger is still an ingest.
@test "top --json: a Python logger's module reads are program files, its verdict ingest" {
	local pid
	top_start "$TOPJ" --json -d 0.5 -g comm -c python3
	mkdir -p "$TESTDIR/out"
	/usr/bin/python3 "$REPO_ROOT/tests/ml/logger.py" "$TESTDIR" 6000 &
	pid=$!
	wait "$pid"
	top_wait_more 2
	top_stop
	top_json_valid "$TOPJ"
	note "verdicts: $(jq -c -s '[.[].processes[] | select(.comm == "python3") | [.stage, .write_bytes, .reasons]]' "$TOPJ")"
	num_ge "$(top_jsum "$TOPJ" '.comm == "python3"' program_read_bytes)" 100000 \
		"program bytes read"
	num_eq "$(jq -s '[.[].processes[] | select(.comm == "python3") |
		.read_bytes - .program_read_bytes] | add' "$TOPJ")" 0 "data bytes read"
	[ "$(jq -r -s '[.[].processes[] | select(.comm == "python3" and .write_bytes > 0)][-1].stage' \
		"$TOPJ")" = ingest ] || fail "the logger is not shown as ingest"
}

# A job's re-reads count each file once over its window, its members gone
# included: 3 workers started anew every epoch each read a shuffled third
# of 300 files, 5 epochs a second apart (the verdict shown takes three
# refreshes to change stage: the last epochs show the re-reads).
@test "top --json -g job: workers anew every epoch, the job re-reads 5x" {
	local files=$TESTDIR/samples r
	mkdir -p "$files"
	for i in $(seq 1 300); do head -c 65536 /dev/urandom >"$files/s$i"; done
	sync
	top_start "$TOPJ" --json -d 0.5 -g job -c python3
	# a second between epochs: the workers of each epoch are gone (and
	# their entries forgotten) before the next start
	/usr/bin/python3 "$REPO_ROOT/tests/ml/shuffle_read.py" "$files" 3 5 fresh 1 >/dev/null
	top_wait_more 2
	top_stop
	top_json_valid "$TOPJ"
	note "python3 rows: $(jq -c -s '[.[].processes[] | select(.comm == "python3") | [.pid, (.members | length), .stage]]' "$TOPJ")"
	r=$(jq -r -s '[.[].processes[] | select(.comm == "python3" and .read_bytes > 0)][-1] |
		.reasons[] | capture("^re-read (?<r>[0-9.]+)x").r' "$TOPJ")
	note "last verdict: $(jq -c -s '[.[].processes[] | select(.comm == "python3")][-1] | [.stage, .reasons]' "$TOPJ")"
	within_pct "$r" 5 5 "the job's re-read factor"
}

# ------------------------------------------------------ columns and sizes

# screen_ok W H: every line of the screen fits W columns, there are H
# lines, the header and the key line are there, and no cell of the table
# is cut (each numeric cell ends at a column boundary: a digit or unit).
screen_ok() {
	local w=$1 h=$2 scr widest n
	scr=$(tui_capture)
	widest=$(awk '{ if (length > m) m = length } END { print m + 0 }' <<<"$scr")
	n=$(wc -l <<<"$scr")
	num_le "$widest" "$w" "widest line at ${w}x$h"
	num_le "$n" "$h" "lines at ${w}x$h"
	grep -q '^iopat top' <<<"$scr" || fail "no header at ${w}x$h: $scr"
	tail -1 <<<"$scr" | grep -q 'q quit' || fail "no key line at ${w}x$h: $(tail -1 <<<"$scr")"
}

@test "top screen: 80x24 shows STAGE and TIER; every size from 40x10 to 250x60 draws within the screen" {
	start_fio_bg 60
	tui_start -d 0.5
	tui_tmux resize-window -t top -x 80 -y 24
	tui_wait '^    PID COMM +.*STAGE +TIER' "STAGE and TIER at 80x24"
	tui_wait '^ *[0-9]+ fio +.*(model|deploy|none|idle|train|archive|extract) +(fast|big)' \
		"a fio row with a stage and a tier at 80x24"
	note "80x24:"$'\n'"$(tui_capture)"
	local size
	for size in 40x10 50x12 60x15 80x24 100x30 132x43 200x50 250x60 45x11 80x24; do
		tui_tmux resize-window -t top -x "${size%x*}" -y "${size#*x}"
		sleep 0.6
		screen_ok "${size%x*}" "${size#*x}"
	done
	# the help box at the smallest size: bordered (over the header),
	# within the screen, the key line kept
	tui_tmux resize-window -t top -x 40 -y 10
	tui_keys h
	tui_wait 'iopat top - keys' "the help box at 40x10"
	num_le "$(tui_capture | awk '{ if (length > m) m = length } END { print m + 0 }')" 40 \
		"widest line of the help at 40x10"
	tui_capture | tail -1 | grep -q 'closes the help' || fail "no key line under the help"
	tui_keys x
	tui_wait '^iopat top' "the header after the help"
	tui_alive
}

@test "top screen: Left/Right scroll the columns after PID and COMM; o chooses them" {
	start_fio_bg 60
	tui_start -d 0.5 -o read,write,iops,riops,wiops,rw,avg,dom,seq,dev,p50,p99,miss,stage,tier
	tui_tmux resize-window -t top -x 80 -y 24
	tui_wait '^    PID COMM +READ/s' "READ/s after COMM"
	tui_capture | grep -q 'TIER' && fail "all columns fit 80 columns: nothing to scroll"
	tui_keys Right Right Right
	tui_wait '^    PID COMM +R-IOPS' "the columns scrolled by three"
	local i
	for i in $(seq 1 14); do tui_keys Right; done
	tui_wait '^    PID COMM .*TIER' "the last column after scrolling to the end"
	tui_keys Left Left Left Left Left Left Left Left Left Left Left Left Left Left Left Left
	tui_wait '^    PID COMM +READ/s' "back at the first columns"
	tui_keys o
	tui_wait 'columns \(empty: default\)' "the column prompt"
	tui_keys "p99,stage" Enter
	tui_wait '^    PID COMM +P99 +STAGE *$' "the chosen columns"
	tui_keys o
	tui_keys "bogus" Enter
	tui_wait "unknown column 'bogus'" "the bad column named"
	tui_keys p
	tui_keys "12x" Enter
	tui_wait "not a pid: '12x'" "a bad pid said"
	tui_alive
}

@test "top -b -o: the chosen columns, values that fit their width; bad lists exit 2" {
	make_file "$TESTDIR/data" 4
	TOP_LINE_RE='^iopat top - '
	top_start "$TOPJ" -b -d 0.5 -n 200 -c fio -o riops,avg,dom,p50,miss
	fio --output-format=json --disk_util=0 --name=job --filename="$TESTDIR/data" --size=4M \
		--bs=128k --invalidate=1 --ioengine=psync --rw=read --time_based --runtime=2 \
		>/dev/null || fail "fio failed"
	top_wait_more 1
	top_stop
	grep -Eq '^    PID COMM +R-IOPS AVG-SZ DOM-SZ +P50 +MISS/s$' "$TOPJ" ||
		fail "titles: $(grep PID "$TOPJ" | head -1)"
	# every row: PID, COMM, then five cells, none cut: a number with an
	# optional unit, or '-'
	awk '/^ *[0-9]+ fio/ {
		sub(/ \(exited\)$/, "")
		if (NF != 7) { print "fields: " $0; bad = 1 }
		for (i = 3; i <= 7; i++)
			if ($i !~ /^([0-9]+(\.[0-9]+)?([kMGTPE]|[BKMGTPE]|ns|us|ms|s)?|-)$/) {
				print "cell " i ": " $i; bad = 1
			}
		rows++
	} END { exit bad || !rows }' "$TOPJ" || fail "rows with cut or odd cells"
	run "$IOPAT" top -b -o read,nope
	assert_failure 2
	assert_output --partial "unknown column 'nope': one of pid,comm"
	run "$IOPAT" top -b -s nope
	assert_failure 2
	assert_output --partial "unknown sort column 'nope': one of pid"
}

@test "top -b -t -u: rows start with the time, only the user's, USER shown" {
	make_file "$TESTDIR/data" 4
	TOP_LINE_RE='^iopat top - '
	top_start "$TOPJ" -b -t -d 0.5 -n 200 -c needle -u root -o user,read
	bg_run "$WORKLOADS/evil_name" "$TESTDIR/data" 3 needle
	wait "$BG_PID" || fail "the reader failed"
	top_wait_more 1
	top_stop
	grep -Eq '^TIME +PID COMM +USER +READ/s$' "$TOPJ" || fail "titles: $(grep PID "$TOPJ" | head -1)"
	grep -Eq '^[0-2][0-9]:[0-5][0-9]:[0-5][0-9] +[0-9]+ needle +root ' "$TOPJ" ||
		fail "no row of needle with a time and root: $(grep needle "$TOPJ" | head -3)"
	run "$IOPAT" top -b -u nosuchuser-iopat
	assert_failure 2
	assert_output --partial "unknown user 'nosuchuser-iopat'"
}

# bats test_tags=accuracy
@test "top --json -a: counts since start grow to fio's bytes; -b -a titles; --only leaves idle rows out" {
	local data=$TESTDIR/data fio_json=$TESTDIR/fio.json fio_bytes max last n
	make_file "$data" 64
	bg_load_start
	top_start "$TOPJ" --json -a -d 0.5 -n 200 -g pid
	fio_rate_read "$data" "$fio_json" 3
	top_wait_more 2
	top_stop
	top_json_valid "$TOPJ"
	jq -e -s 'all(.[]; .accumulated == true and (.elapsed_s | type) == "number")' \
		"$TOPJ" >/dev/null || fail "accumulated, elapsed_s missing"
	local fio_pid sel
	fio_pid=$(cat "$TESTDIR/fio.pid")
	sel=".comm == \"fio\" and .pid != $fio_pid and .ppid == $fio_pid"
	fio_bytes=$(jget "$fio_json" .jobs[0].read.io_bytes)
	# every interval shows the worker's bytes so far: they only grow, and
	# the last is fio's total (no sum over intervals)
	n=$(jq -s "[.[].processes[] | select($sel)] | length" "$TOPJ")
	num_ge "$n" 3 "intervals showing the fio worker"
	jq -e -s "[.[].processes[] | select($sel) | .read_bytes] |
		. as \$v | all(range(1; length); \$v[.] >= \$v[. - 1])" "$TOPJ" >/dev/null ||
		fail "read_bytes fell between intervals"
	max=$(jq -s "[.[].processes[] | select($sel) | .read_bytes] | max" "$TOPJ")
	note "fio read $fio_bytes B; iopat top -a, last figure: $max B over $n intervals"
	within_pct "$max" "$fio_bytes" 2

	# batch: amounts, so the titles lose their /s; --only: a row that did
	# its I/O before the last interval is gone
	TOP_LINE_RE='^iopat top - '
	top_start "$TOPJ.b" -b -a -d 0.5 -n 200 -g pid -c needle -o read,iops
	bg_run "$WORKLOADS/evil_name" "$TESTDIR/data" 1 needle
	wait "$BG_PID" || fail "the reader failed"
	top_wait_more 1
	top_stop
	grep -Eq '^ +PID COMM +READ +OPS$' "$TOPJ.b" || fail "titles: $(grep PID "$TOPJ.b" | head -1)"
	grep -q 'since start [0-9]* s' "$TOPJ.b" || fail "no 'since start' in the header"
	grep -Eq '^ +[0-9]+ needle ' "$TOPJ.b" || fail "no needle row"

	# --only: a process that read once and then waits is shown in the
	# interval of its read, not after it (without --only: every interval)
	cp /bin/bash "$TESTDIR/idler"
	local all only pid_all
	top_start "$TOPJ.all" -b -a -d 0.5 -n 200 -g pid -c idler
	pid_all=$TOP_PID
	top_start "$TOPJ.only" -b -a --only -d 0.5 -n 200 -g pid -c idler
	"$TESTDIR/idler" -c 'read -r x <"$1"; sleep 3; :' idler "$TESTDIR/data"
	top_wait_more 1
	top_stop
	TOP_PID=$pid_all TOP_OUT=$TOPJ.all
	top_stop
	all=$(grep -Ec '^ +[0-9]+ idler ' "$TOPJ.all")
	only=$(grep -Ec '^ +[0-9]+ idler ' "$TOPJ.only")
	note "intervals with the idler's row: $all with -a, $only with -a --only"
	num_ge "$all" 5 "intervals showing the idler with -a"
	num_ge "$only" 1 "intervals showing the idler with --only"
	[ "$only" -le 2 ] || fail "--only showed the idle process in $only intervals"
}

# The per-file table holds 131,072 (process, file) entries. A long-running
# top folds the coldest entries of live processes when it is 7/8 full, so
# that new files find room: a reader of 150,000 files that stays alive
# does not starve the next reader of its files' detail.
@test "top --json: a filling per-file table is folded, counted; new files find room, totals exact" {
	local d first_pid second_pid
	d=$(mktemp -d /dev/shm/iopat-fold.XXXXXX)
	SHMDIR=$d
	top_start "$TOPJ" --json -d 0.5 -n 400 -g pid -c many_files
	"$WORKLOADS/many_files" "$d/a" 150000 1 >"$TESTDIR/a.out" 2>&1 &
	first_pid=$!
	for _ in $(seq 300); do grep -q ready "$TESTDIR/a.out" && break; sleep 0.2; done
	grep -q ready "$TESTDIR/a.out" || fail "many_files did not get ready: $(cat "$TESTDIR/a.out")"
	kill -USR1 "$first_pid"
	# its child reads the 150,000 files, then waits, alive, holding them
	for _ in $(seq 300); do
		[ "$(top_jsum "$TOPJ" ".ppid == $first_pid" mem_read_ops)" -ge 150000 ] && break
		sleep 0.2
	done
	for _ in $(seq 300); do
		[ "$(jq -s 'map(.files_folded) | max' "$TOPJ")" -gt 0 ] && break
		sleep 0.2
	done
	top_wait_more 12	# a few reads of the file table after the fold
	local before
	before=$(jq -s 'map(.drops.file_map_full) | add' "$TOPJ")
	# a second reader of 10,000 new files: room for every one
	"$WORKLOADS/many_files" "$d/b" 10000 1 >"$TESTDIR/b.out" 2>&1 &
	second_pid=$!
	for _ in $(seq 300); do grep -q ready "$TESTDIR/b.out" && break; sleep 0.2; done
	kill -USR1 "$second_pid"
	for _ in $(seq 300); do
		[ "$(top_jsum "$TOPJ" ".ppid == $second_pid" mem_read_ops)" -ge 10000 ] && break
		sleep 0.2
	done
	top_wait_more 2
	kill "$first_pid" "$second_pid"
	wait "$first_pid" "$second_pid" || true
	top_stop
	top_json_valid "$TOPJ"
	local folded after first second
	folded=$(jq -s 'map(.files_folded) | max' "$TOPJ")
	after=$(jq -s 'map(.drops.file_map_full) | add' "$TOPJ")
	first=$(top_jsum "$TOPJ" ".ppid == $first_pid" mem_read_ops)
	second=$(top_jsum "$TOPJ" ".ppid == $second_pid" mem_read_ops)
	note "folded $folded entries; file_map_full drops $before before the second reader, $after after; reads $first and $second"
	# folded down to 6/8 of the table at least once
	num_ge "$folded" $((131072 / 8)) "entries folded"
	num_eq "$first" 150000 "reads of the first reader"
	num_eq "$second" 10000 "reads of the second reader"
	num_eq "$after" "$before" "file_map_full drops while the second reader read"
}
