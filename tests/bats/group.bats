#!/usr/bin/env bats
# Real-kernel tests of grouping (--group job|cgroup|comm) in `iopat top`
# and `iopat stat`, and of top's detail pane: a parent with forked readers
# (tests/workloads/fork_readers) reads a file of known size a known number
# of times, so every group's bytes are known exactly.
# Needs root; no timing thresholds anywhere (waits are bounded polls).

load helpers

setup() {
	common_setup
	top_setup
	CGDIR=
	DATA=$TESTDIR/data
	make_file "$DATA" 1
	MIB=$((1 << 20))
}

teardown() {
	top_teardown
	if [ -n "${CGDIR:-}" ]; then
		# the cgroup can go once its processes have
		local i
		for ((i = 0; i < 50; i++)); do
			rmdir "$CGDIR" 2>/dev/null && break
			sleep 0.1
		done
	fi
	common_teardown
}

# readers OUT ARGS...: fork_readers ARGS through a pipe (its pid lines are
# not file I/O), the pids to OUT: the parent's first, then the children's.
readers() {
	local out=$1
	shift
	"$WORKLOADS/fork_readers" "$@" | cat >"$out"
	[ "${PIPESTATUS[0]}" -eq 0 ] || fail "fork_readers $* failed"
}

# json_pids LIST_FILE...: the pids of readers lists as one JSON array.
json_pids() {
	cat "$@" | jq -s -c .
}

# json_kids LIST_FILE...: the children's pids (each list without its first).
json_kids() {
	local f
	for f in "$@"; do tail -n +2 "$f"; done | jq -s -c .
}

# check_group_rows FILE KEY ALLOWED REQUIRED BYTES: in every interval of a
# top --json FILE, at most one row has job == KEY; the members of those
# rows are among the pids ALLOWED (JSON array) and, over all intervals,
# include every pid of REQUIRED; no other row holds a REQUIRED pid; and
# their read_bytes add up to BYTES exactly.
check_group_rows() {
	local f=$1 key=$2 allowed=$3 required=$4 bytes=$5 sel
	sel=".job == $key"
	note "rows of $key: $(jq -c "[.processes[] | select($sel) | {pid, comm, members, read_bytes}]" "$f" | grep -v '^\[\]$' | tr '\n' ' ')"
	num_eq "$(jq -s "[.[] | [.processes[] | select($sel)] | length] | max" "$f")" 1 \
		"most rows of $key in one interval"
	jq -e -s --argjson a "$allowed" --argjson r "$required" \
		"[.[].processes[] | select($sel) | .members[]] | unique as \$m
		| (\$r - \$m | length == 0) and (\$m - \$a | length == 0)" "$f" >/dev/null ||
		fail "members of $key: $(jq -s -c "[.[].processes[] | select($sel) | .members[]] | unique" "$f"), expected all of $required, only of $allowed"
	num_eq "$(jq -s --argjson r "$required" "[.[].processes[] | select(($sel | not) and any(.members[]?; . as \$x | \$r | index(\$x)))] | length" "$f")" 0 \
		"other rows holding the readers"
	num_eq "$(top_jsum "$f" "$sel" read_bytes)" "$bytes" "read_bytes of $key"
}

# ------------------------------------------------------------------ top

@test "top --json --group job: a parent and its forked readers are one row" {
	top_start "$TOPJ" --json -d 0.5 -n 400 --group job
	readers "$TESTDIR/pids" "$DATA" 4 3
	top_wait_more 2
	top_stop
	top_json_valid "$TOPJ"
	local parent pids
	parent=$(head -1 "$TESTDIR/pids")
	pids=$(json_pids "$TESTDIR/pids")
	num_eq "$(wc -l <"$TESTDIR/pids")" 5 "pids printed by fork_readers"
	jq -e -s 'all(.[]; .group == "job")' "$TOPJ" >/dev/null || fail "intervals without group: job"
	# 4 children x 3 passes x 1 MiB, all under the parent's pid
	check_group_rows "$TOPJ" "$parent" "$pids" "$(json_kids "$TESTDIR/pids")" $((4 * 3 * MIB))
	jq -e -s "all(.[].processes[] | select(.job == $parent); .pid == $parent and .comm == \"fork_readers\")" \
		"$TOPJ" >/dev/null || fail "the job's rows do not show the parent's pid and name"
	top_check_drops "$TOPJ"
}

@test "top --json --group comm: two jobs of one name are one row" {
	local name=grp$$
	top_start "$TOPJ" --json -d 0.5 -n 400 --group comm
	readers "$TESTDIR/a" -n "$name" "$DATA" 2 3 &
	local a=$!
	readers "$TESTDIR/b" -n "$name" "$DATA" 3 2 &
	local b=$!
	wait "$a" || fail "first fork_readers failed"
	wait "$b" || fail "second fork_readers failed"
	top_wait_more 2
	top_stop
	top_json_valid "$TOPJ"
	check_group_rows "$TOPJ" "\"$name\"" "$(json_pids "$TESTDIR/a" "$TESTDIR/b")" \
		"$(json_kids "$TESTDIR/a" "$TESTDIR/b")" $(((2 * 3 + 3 * 2) * MIB))
	# the row is led by the lowest pid of its members
	jq -e -s "all(.[].processes[] | select(.job == \"$name\"); .pid == (.members | min) and .comm == \"$name\")" \
		"$TOPJ" >/dev/null || fail "the name's rows are not led by their lowest pid"
}

# cgroup2_root: where cgroup v2 is mounted (skips without one).
cgroup2_root() {
	local root
	root=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
	[ -n "$root" ] || skip "no cgroup v2 mount"
	echo "$root"
}

@test "top --json --group cgroup: readers in a new cgroup are one row with its path" {
	local root
	root=$(cgroup2_root)
	CGDIR=$(mktemp -d "$root/iopat-bats.XXXXXX") || fail "cannot create a cgroup under $root"
	local path=${CGDIR#"$root"}
	top_start "$TOPJ" --json -d 0.5 -n 400 --group cgroup
	readers "$TESTDIR/pids" -g "$CGDIR" "$DATA" 3 2
	top_wait_more 2
	top_stop
	top_json_valid "$TOPJ"
	note "cgroup path $path"
	# the children start in the cgroup; the parent does no I/O
	check_group_rows "$TOPJ" "\"$path\"" "$(json_pids "$TESTDIR/pids")" \
		"$(json_kids "$TESTDIR/pids")" $((3 * 2 * MIB))
	jq -e -s "all(.[].processes[] | select(.job == \"$path\"); .cgroup_id == $(stat -c %i "$CGDIR"))" \
		"$TOPJ" >/dev/null || fail "the cgroup's rows do not carry its id"
}

@test "top --json --group pid: a process moved to another cgroup is counted under the new one" {
	local root
	root=$(cgroup2_root)
	CGDIR=$(mktemp -d "$root/iopat-bats.XXXXXX") || fail "cannot create a cgroup under $root"
	make_file "$TESTDIR/mv" 8
	top_start "$TOPJ" --json -d 0.5 -n 400 --group pid
	fio --name=mv --filename="$TESTDIR/mv" --size=8M --rw=randread --bs=4k --rate_iops=400 \
		--time_based --runtime=4 --thread --output-format=terse >/dev/null &
	local pid=$! i
	# moved once its I/O has been seen under the cgroup it started in
	for ((i = 0; i < 100; i++)); do
		jq -e -s "any(.[].processes[]; .pid == $pid)" "$TOPJ" >/dev/null 2>&1 && break
		sleep 0.1
	done
	echo "$pid" >"$CGDIR/cgroup.procs" || fail "cannot move $pid"
	wait "$pid"
	top_wait_more 2
	top_stop
	local before after id
	id=$(stat -c %i "$CGDIR")
	before=$(jq -s "[.[].processes[] | select(.pid == $pid) | .cgroup_id] | first" "$TOPJ")
	after=$(jq -s "[.[].processes[] | select(.pid == $pid) | .cgroup_id] | last" "$TOPJ")
	note "cgroup ids of $pid: first $before, last $after; $CGDIR is $id"
	[ "$before" != "$id" ] || fail "started in the new cgroup already"
	num_eq "$after" "$id" "cgroup_id after the move"
}

@test "top -b --group cgroup: the path ends the row; --group job shows PROCS" {
	local root
	root=$(cgroup2_root)
	CGDIR=$(mktemp -d "$root/iopat-bats.XXXXXX") || fail "cannot create a cgroup under $root"
	local path=${CGDIR#"$root"}
	TOP_LINE_RE='^iopat top - '
	top_start "$TOPJ" -b -d 0.5 -n 400 --group cgroup
	readers "$TESTDIR/pids" -g "$CGDIR" "$DATA" 3 2
	top_wait_more 2
	top_stop
	grep -qE '^ +PID COMM +PROCS .* TIER CGROUP$' "$TOPJ" || fail "no PROCS and CGROUP titles"
	# the three readers, and the parent once it moved in (its exec read
	# its program: page-cache fills in the interval it appears)
	grep -qE "^ *[0-9]+ fork_readers +[1-4] .* $(printf '%s' "$path" | sed 's/[.]/[.]/g')( \\(exited\\))?\$" "$TOPJ" || {
		cat "$TOPJ"
		fail "no row of fork_readers in $path"
	}
	grep -qE ' [0-9]+ cgroups - drops ' "$TOPJ" || fail "the header does not count cgroups"
}

# ----------------------------------------------------------------- stat

@test "stat --json --group job: the command and its children are one row" {
	"$IOPAT" stat --json -o "$OUT" --group job -- "$WORKLOADS/fork_readers" "$DATA" 4 3 |
		cat >"$TESTDIR/pids"
	[ "${PIPESTATUS[0]}" -eq 0 ] || fail "iopat stat failed"
	jq -e . "$OUT" >/dev/null || fail "invalid JSON"
	local parent pids
	parent=$(head -1 "$TESTDIR/pids")
	pids=$(json_pids "$TESTDIR/pids")
	note "processes: $(jq -c '[.processes[] | {pid, job, comm, members, read_bytes, stage}]' "$OUT")"
	assert_equal "$(jget "$OUT" .group)" job
	num_eq "$(jq '.processes | length' "$OUT")" 1 "rows"
	num_eq "$(jget "$OUT" .processes[0].job)" "$parent" job
	num_eq "$(jget "$OUT" .processes[0].pid)" "$parent" pid
	assert_equal "$(jq -c '.processes[0].members' "$OUT")" "$(jq -c 'sort' <<<"$pids")"
	num_eq "$(jget "$OUT" .processes[0].read_bytes)" $((4 * 3 * MIB)) read_bytes
	num_eq "$(jget "$OUT" .totals.read_bytes)" $((4 * 3 * MIB)) totals.read_bytes
	jq -e '.processes[0] | (.stage | type == "string") and (.reasons | type == "array")' \
		"$OUT" >/dev/null || fail "the job's row has no verdict"
}

@test "stat --group comm: text table of groups; default stays per process" {
	local name=grp$$
	"$IOPAT" stat -o "$OUT" --group comm -- "$WORKLOADS/fork_readers" -n "$name" "$DATA" 2 2 \
		>/dev/null || fail "iopat stat failed"
	note "$(cat "$OUT")"
	grep -qE '^ +PID +PROCS COMM .* STAGE +TIER$' "$OUT" || fail "no group table titles"
	grep -qE "^ +[0-9]+ +3 $name +4[.]00 MiB " "$OUT" || fail "no row of $name with 3 processes and 4 MiB"
	"$IOPAT" stat --json -o "$OUT" -- "$WORKLOADS/fork_readers" "$DATA" 2 1 >/dev/null ||
		fail "iopat stat failed"
	assert_equal "$(jget "$OUT" .group)" pid
	num_eq "$(jq '.processes | length' "$OUT")" 3 "rows without --group"
	num_eq "$(jq '[.processes[] | select(has("members"))] | length' "$OUT")" 0 "rows with members"
}

# ---------------------------------------------------------------- input

@test "--group foo: one line naming it, exit 2 (no root)" {
	run --separate-stderr "$IOPAT" top --json -n 1 --group foo
	assert_equal "$status" 2
	assert_equal "$output" ""
	assert_equal "${#stderr_lines[@]}" 1
	[[ $stderr == *"'foo'"* ]] || fail "message does not name the value: $stderr"
	run --separate-stderr "$IOPAT" stat --group foo -- true
	assert_equal "$status" 2
	assert_equal "${#stderr_lines[@]}" 1
	[[ $stderr == *"'foo'"* ]] || fail "message does not name the value: $stderr"
	run --separate-stderr "$IOPAT" top --json -n 1 --group
	assert_equal "$status" 2
	assert_equal "${#stderr_lines[@]}" 1
}

# --------------------------------------------------------------- screen

# start_readers NAME CHILDREN: long-running readers named NAME beside the
# screen; READERS_PIDS holds their pid list (parent first), written
# through a pipe (not file I/O of theirs); teardown ends the parent, and
# the children with it.
start_readers() {
	READERS_PIDS=$TESTDIR/pids.$1
	: >"$READERS_PIDS"
	"$WORKLOADS/fork_readers" -n "$1" -s 50 "$DATA" "$2" 100000 2>/dev/null 3>&- </dev/null |
		cat >"$READERS_PIDS" 3>&- &
	BG_PIDS+=("$!")
	local i
	for ((i = 0; i < 100; i++)); do
		if [ "$(wc -l <"$READERS_PIDS")" -gt "$2" ]; then
			BG_PIDS+=("$(head -1 "$READERS_PIDS")")
			return 0
		fi
		sleep 0.1
	done
	fail "fork_readers did not start its children"
}

@test "top screen: Enter opens the detail pane, Esc, q and Enter close it" {
	local name=grp$$
	start_readers "$name" 2
	local parent
	parent=$(head -1 "$READERS_PIDS")
	tui_start -d 0.5 -c "$name"
	tui_wait "^ *$parent $name +2 " "the job row of $name"
	local key
	for key in Escape q Enter; do
		tui_keys Enter
		tui_wait "^ job $parent $name: 2 processes" "the detail title"
		tui_wait '^ stage [a-z]+ \(confidence [0-9.]+\), tier (fast|big): ' "the verdict"
		tui_wait '^   - reads 100% of bytes' "a reason"
		# 64 KiB preads: one bucket, with a bar
		tui_wait '^ read sizes, last [0-9]+ s' "the read size histogram"
		tui_wait '^ +64[.]0K-128K +[0-9.]+k? +#+' "the 64 KiB bucket"
		tui_wait '^ read/s +[ .:=+*#@-]*[.:=+*#@-][ .:=+*#@-]* +now .*, max [1-9]' "the read sparkline"
		tui_wait '^ write/s .* max 0B/s' "the write sparkline"
		tui_keys "$key"
		tui_wait_gone '^ job [0-9]+ ' "the detail pane after $key"
		tui_wait "^ *$parent $name +2 " "the table after $key"
		tui_alive
	done
}

@test "top screen: + shows a job's processes under it, - hides them" {
	local name=grp$$
	start_readers "$name" 3
	local parent kids k
	parent=$(head -1 "$READERS_PIDS")
	kids=$(tail -n +2 "$READERS_PIDS")
	tui_start -d 0.5 -c "$name"
	tui_wait "^ *$parent $name +3 " "the job row"
	tui_keys +
	for k in $kids; do
		tui_wait "^ *$k \`-$name +1 " "the row of child $k"
	done
	# the children sit right under the job's row
	tui_capture | awk -v p="$parent" 'NR > 4 && $1 == p { getline; print $2 }' | grep -qx "\`-$name" ||
		fail "the first line under the job is not one of its processes"
	tui_keys Down -
	tui_wait_gone "^ *[0-9]+ \`-$name " "the children after -"
	tui_wait "^ *$parent $name +3 " "the job row after -"
	tui_keys h
	tui_wait '\+ - +show / hide the processes of a group' "+ and - in the help"
	tui_wait 'Enter +details' "Enter in the help"
	tui_keys x
	tui_alive
}
