#!/usr/bin/env bats
# Real-kernel tests of `iopat report -f md` and `-f html` over real
# recordings: a table row per workload, hostile paths escaped, the HTML
# self-contained and well-formed, empty traces render; and of how the
# report takes processes, over a written trace whose timing a recording
# cannot promise. Needs root; no timing thresholds.

load helpers

setup() {
	common_setup
	TRACE=$TESTDIR/t.iotrace
	# a directory whose name would break a Markdown table and inject HTML
	EVIL="$TESTDIR/a|<b>x</b>"
	EVIL_MD='a\|\<b\>x\</b\>'
	EVIL_HTML='a|&lt;b&gt;x&lt;/b&gt;'
}

teardown() {
	common_teardown
}

# record_evil [TRACE]: record `cat` reading a 4 MiB file in $EVIL.
record_evil() {
	local trace=${1:-$TRACE}
	mkdir -p "$EVIL"
	make_file "$EVIL/data" 4
	"$IOPAT" record -o "$trace" -- cat "$EVIL/data" >/dev/null 2>"$TESTDIR/record.err" ||
		fail "iopat record failed: $(cat "$TESTDIR/record.err")"
	note "record: $(cat "$TESTDIR/record.err")"
}

# layout_check HTML WIDTH: the page laid out by headless Chromium at WIDTH
# px (its narrowest window is 500), checked by tests/html/layout.js (the
# report's policy forbids scripts: a copy without it runs the check);
# prints the check's lines: "OK" or the problems, then the viewport.
layout_check() {
	local page=$TESTDIR/layout-$2.html
	{
		sed -e '/Content-Security-Policy/d' -e 's|</body>||' -e 's|</html>||' "$1"
		printf '<script>\n'
		cat "$REPO_ROOT/tests/html/layout.js"
		printf '</script></body></html>\n'
	} >"$page"
	timeout 120 chromium --headless --no-sandbox --disable-gpu --hide-scrollbars \
		--user-data-dir="$TESTDIR/chromium" --window-size="$2,900" \
		--virtual-time-budget=3000 --dump-dom "file://$page" 2>/dev/null |
		sed -n '/^<\/script><pre id="layout-check">/,/<\/pre>/p' |
		sed -e 's/<[^>]*>//g' -e '/^$/d'
}

# md_tables_intact FILE: every row of every table has as many cell
# separators (| not escaped by a backslash) as the table's header.
md_tables_intact() {
	awk '
	/^\|/ {
		line = $0
		gsub(/\\./, "", line)
		n = gsub(/\|/, "", line)
		if (!intable) {
			want = n
			intable = 1
		} else if (n != want) {
			printf "line %d: %d separators, header has %d: %s\n", NR, n, want, $0
			bad = 1
		}
		next
	}
	{ intable = 0 }
	END { exit bad }' "$1" || fail "a Markdown table is broken in $1"
}

# html_clean FILE: self-contained, well-formed, no non-finite numbers.
html_clean() {
	local f=$1
	grep -q '<svg' "$f" || fail "no inline SVG chart in $f"
	if grep -Eion 'https?://[^" <]*' "$f"; then
		fail "network reference in $f"
	fi
	if grep -Eion '<(script|link|img|iframe|object|embed)[ >]|(src|href)=' "$f"; then
		fail "external resource or script in $f"
	fi
	if grep -Eion '="[^"]*(nan|inf)[^"]*"|[> ]-?(nan|inf)[ <%]' "$f"; then
		fail "nan or inf in $f"
	fi
	xmllint --noout "$f" || fail "$f is not well-formed"
	tail -c 8 "$f" | grep -q '</html>' || fail "$f does not end with </html>"
}

@test "report -f md: a row for the workload; a hostile path cannot break a table" {
	record_evil
	run "$IOPAT" report -f md --depth 64 -o "$TESTDIR/r.md" "$TRACE"
	assert_success
	note "$(cat "$TESTDIR/r.md")"
	grep -Eq '^\| [0-9]+ \| cat \| 4\.00 MiB \| 0 B \| R \|' "$TESTDIR/r.md" ||
		fail "no workloads row for cat reading 4 MiB"
	grep -Eq '^\| (ingest|process|extract|model|train|deploy|archive|none|idle) \| ' \
		"$TESTDIR/r.md" || fail "no bytes-by-stage row"
	grep -qF "$EVIL_MD" "$TESTDIR/r.md" || fail "the directory is not listed, escaped"
	md_tables_intact "$TESTDIR/r.md"
	if grep -nF '<b>' "$TESTDIR/r.md"; then
		fail "raw markup from the path"
	fi
}

@test "report -f html: self-contained, charts, hostile names only escaped" {
	record_evil
	run "$IOPAT" report -f html --depth 64 -o "$TESTDIR/r.html" "$TRACE"
	assert_success
	html_clean "$TESTDIR/r.html"
	grep -qF "<td>cat</td>" "$TESTDIR/r.html" || fail "no workloads row for cat"
	grep -qF "$EVIL_HTML" "$TESTDIR/r.html" || fail "the directory is not listed, escaped"
	if grep -nF '<b>x' "$TESTDIR/r.html"; then
		fail "raw markup from the path"
	fi
	# one chart each: throughput, R:W, stage and tier, a size histogram
	num_ge "$(grep -c '<svg class="chart"' "$TESTDIR/r.html")" 4 "charts"
}

@test "report -o FILE writes the whole report, as on stdout" {
	record_evil
	for fmt in md html; do
		"$IOPAT" report -f "$fmt" "$TRACE" >"$TESTDIR/stdout.$fmt" ||
			fail "report -f $fmt to stdout failed"
		run "$IOPAT" report -f "$fmt" -o "$TESTDIR/out.$fmt" "$TRACE"
		assert_success
		assert_output ""
		cmp "$TESTDIR/stdout.$fmt" "$TESTDIR/out.$fmt" || fail "-o $fmt differs from stdout"
	done
	html_clean "$TESTDIR/out.html"
	[ "$(find "$TESTDIR" -maxdepth 1 -name 'out.*' | wc -l)" -eq 2 ] ||
		fail "temporary files left: $(ls "$TESTDIR")"
}

@test "two traces: a section per trace and a combined one, in md and html" {
	record_evil "$TESTDIR/a.iotrace"
	record_evil "$TESTDIR/b.iotrace"
	run "$IOPAT" report -f md -o "$TESTDIR/r.md" "$TESTDIR/a.iotrace" "$TESTDIR/b.iotrace"
	assert_success
	[ "$(grep -c '^## .*: .*\.iotrace$' "$TESTDIR/r.md")" -eq 2 ] || fail "not two sections"
	grep -q '^## Combined (2 traces of 1 host)$' "$TESTDIR/r.md" || fail "no combined section"
	md_tables_intact "$TESTDIR/r.md"
	run "$IOPAT" report -f html -o "$TESTDIR/r.html" "$TESTDIR/a.iotrace" \
		"$TESTDIR/b.iotrace"
	assert_success
	html_clean "$TESTDIR/r.html"
	grep -qF '<h2>Combined (2 traces of 1 host)</h2>' "$TESTDIR/r.html" || fail "no combined section"
	# the combined throughput chart: one line per trace and direction
	sed -n '/<h2>Combined/,$p' "$TESTDIR/r.html" >"$TESTDIR/combined.html"
	grep -q 'Throughput over time per trace' "$TESTDIR/combined.html" ||
		fail "no throughput chart in the combined section"
	for t in a b; do
		for dir in read written; do
			grep -qF "$t.iotrace $dir</title>" "$TESTDIR/combined.html" ||
				fail "no $dir line for $t.iotrace in the combined chart"
		done
	done
}

@test "an empty trace renders: charts say no data, no nan" {
	"$IOPAT" record -o "$TRACE" -d 0.001 -c iopat-no-such 2>"$TESTDIR/record.err" ||
		fail "record failed: $(cat "$TESTDIR/record.err")"
	run "$IOPAT" report -f html -o "$TESTDIR/r.html" "$TRACE"
	assert_success
	html_clean "$TESTDIR/r.html"
	grep -q 'no data' "$TESTDIR/r.html" || fail "empty charts do not say so"
	run "$IOPAT" report -f md "$TRACE"
	assert_success
	assert_output --partial "No workloads"
}

# A written trace (tests/fuzz/make_corpus.c): pid 200 reads 4 KiB, exits,
# its second 4 KiB read comes 5 s of other events later (as a CPU's batch
# can), then a new process takes pid 200 and reads 8 KiB.
@test "late events join their process's workload; a reused pid is a new one (no root)" {
	local late=$REPO_ROOT/tests/fuzz/corpus/late-events.iotrace
	run "$IOPAT" report -f json --group pid -n 0 -o "$TESTDIR/r.json" "$late"
	assert_success
	run jq -c '.hosts[0] | [.totals.read_bytes, [.workloads[] | [.pid, .read_bytes]]]' \
		"$TESTDIR/r.json"
	assert_output '[18944,[[200,8192],[200,8192],[300,2560]]]'
	run "$IOPAT" report -f json --group comm -o "$TESTDIR/r.json" "$late"
	assert_success
	run jq -c '[.hosts[0].workloads[] | [.comm, .processes, .read_bytes]]' "$TESTDIR/r.json"
	assert_output '[["loader",2,16384],["other",1,2560]]'
	# listing one: the other's bytes are summed, not lost
	run "$IOPAT" report -f json --group pid -n 1 -o "$TESTDIR/r.json" "$late"
	assert_success
	run jq -c '.hosts[0] | [(.workloads | length), .other_workloads.workloads, .other_workloads.processes, .other_workloads.read_bytes + ([.workloads[].read_bytes] | add)]' \
		"$TESTDIR/r.json"
	assert_output '[1,2,2,18944]'
}

# A written trace: a job's worker ends early with 4 KiB, ten 8 KiB jobs of
# the same shell come and go, then the job's root reads 1 MiB. Listing two
# workloads keeps the job: it is not closed while its root lives.
@test "--workloads: a job is not summed away before its root has ended (no root)" {
	local trace=$REPO_ROOT/tests/fuzz/corpus/job-root-last.iotrace
	run "$IOPAT" report -f json --group job -n 2 -o "$TESTDIR/r.json" "$trace"
	assert_success
	run jq -c '.hosts[0] | [.workloads[0] | [.pid, .comm, .read_bytes, .processes]], (.workloads | length), .other_workloads.workloads, .totals.read_bytes' "$TESTDIR/r.json"
	assert_output "$(printf '%s\n' '[[600,"train",1052672,2]]' 2 10 1134592)"
}

@test "stat and report: one re-read rule (a header read 50 times is re-read 50x in both)" {
	local real d_stat d_rep
	mkdir -p "$TESTDIR/hdr"
	make_file "$TESTDIR/hdr/data" 1
	real=$(realpath "$TESTDIR/hdr")
	# the first 4 KiB of a 1 MiB file, 50 times: 200 KiB read, 4 KiB
	# distinct (a file-size rule would call it read once)
	set -- fio --output-format=json --disk_util=0 --name=hdr --filename="$TESTDIR/hdr/data" \
		--size=4k --bs=4k --rw=read --loops=50 --ioengine=psync --invalidate=0
	"$IOPAT" stat --json -o "$OUT" --depth 64 -- "$@" >/dev/null ||
		fail "iopat stat failed"
	"$IOPAT" record -o "$TRACE" -- "$@" >/dev/null 2>"$TESTDIR/record.err" ||
		fail "iopat record failed: $(cat "$TESTDIR/record.err")"
	"$IOPAT" report -f json --depth 64 -o "$TESTDIR/r.json" "$TRACE" ||
		fail "iopat report failed"
	d_stat=$(jq -c --arg p "$real" '.dirs[] | select(.path == $p)' "$OUT")
	d_rep=$(jq -c --arg p "$real" '.hosts[0].dirs[] | select(.path == $p)' "$TESTDIR/r.json")
	note "stat:   $d_stat"
	note "report: $d_rep"
	[ -n "$d_stat" ] && [ -n "$d_rep" ] || fail "no entry for $real"
	for d in "$d_stat" "$d_rep"; do
		num_eq "$(jq .read_bytes <<<"$d")" $((50 * 4096)) read_bytes
		num_eq "$(jq .unique_read_bytes <<<"$d")" 4096 unique_read_bytes
		num_eq "$(jq .reread <<<"$d")" 50 reread
	done
}

@test "report -f html in headless Chromium at 500 and 1280 px: nothing cut or overlapping; lines close to zero, read and written apart, the time axis as long as the trace" {
	command -v chromium >/dev/null || skip "chromium is not installed (make deps installs it)"
	local out dur last_tick
	mkdir -p "$TESTDIR/h"
	make_file "$TESTDIR/h/src" 32
	# a reader that ends early, and copies reading as much as they write
	"$IOPAT" record -o "$TRACE" -- bash -c '
		timeout 1 dd if="$1/src" of=/dev/null bs=4k iflag=direct status=none &
		for i in 1 2 3; do
			dd if="$1/src" of="$1/dst" bs=64k count=64 skip=$((i * 64)) \
				iflag=direct oflag=direct status=none
			sleep 0.7
		done
		wait' sh "$TESTDIR/h" 2>"$TESTDIR/record.err" ||
		fail "record failed: $(cat "$TESTDIR/record.err")"
	run "$IOPAT" report -f html -o "$TESTDIR/r.html" "$TRACE"
	assert_success
	html_clean "$TESTDIR/r.html"
	for w in 500 1280; do
		out=$(layout_check "$TESTDIR/r.html" "$w")
		note "at $w px: $out"
		[ "$(head -1 <<<"$out")" = OK ] || fail "layout at $w px: $out"
		grep -q "^viewport $w px$" <<<"$out" || fail "not laid out at $w px: $out"
	done
	# read and written: a chart each, so a 1:1 copy's lines do not hide
	# each other
	grep -q 'aria-label="bytes read per second over time per workload"' "$TESTDIR/r.html" ||
		fail "no read chart"
	grep -q 'aria-label="bytes written per second over time per workload"' "$TESTDIR/r.html" ||
		fail "no written chart"
	# the time axis ends with the trace: its last tick is within it
	dur=$(jq -r .hosts[0].duration_s <("$IOPAT" report -f json "$TRACE"))
	last_tick=$(sed -n '/aria-label="bytes read per second/,/<\/svg>/p' "$TESTDIR/r.html" |
		grep -o '>[0-9.]* s</text>' | tr -dc '0-9. \n' | sort -n | tail -1)
	note "trace $dur s, last tick $last_tick s"
	awk -v t="$last_tick" -v d="$dur" 'BEGIN { exit !(t <= d) }' ||
		fail "the axis runs to $last_tick s for a $dur s trace"
	# a line that ends before the trace ends at zero: its last point on
	# the chart's floor (the largest y of its points)
	local ended
	ended=$(sed -n '/aria-label="bytes read per second/,/<\/svg>/p' "$TESTDIR/r.html" |
		awk '/<title>timeout/ { t = 1; next } t && /points=/ {
			match($0, /points="[^"]*"/); p = substr($0, RSTART + 8, RLENGTH - 9)
			n = split(p, pt, " "); max = 0
			for (i = 1; i <= n; i++) { split(pt[i], xy, ","); if (xy[2] > max) max = xy[2] }
			split(pt[n], xy, ","); print (xy[2] == max ? "floor" : "mid-air " xy[2] " of " max); exit }')
	note "the early reader's line ends: $ended"
	[ "$ended" = floor ] || fail "the early reader's line ends in $ended"
}

# curve_mae EXACT SAMPLED: mean absolute difference of the read hit ratio
# of two report JSONs' cache curves (read as steps) at 100 capacities
# evenly spaced up to the exact curve's last point, as SHARDS measures it.
curve_mae() {
	jq -n --slurpfile e "$1" --slurpfile s "$2" '
		def at($p; $c): [$p[] | select(.capacity_bytes <= $c) | .read_hit_ratio] | last // 0;
		($e[0].hosts[0].cache_curve.points) as $ep |
		($s[0].hosts[0].cache_curve.points) as $sp |
		($ep[-1].capacity_bytes) as $top |
		[range(1; 101) | ($top * . / 100) as $c | (at($ep; $c) - at($sp; $c)) | fabs] |
		add / length'
}

# bats test_tags=accuracy
@test "cache curve: fio reading 256 MiB at random in 4 passes hits 0.75 unbounded, 99% of it in about 256 MiB; sampled curves of real jobs within 0.02 of exact" {
	local data=$TESTDIR/data mae rate
	make_file "$data" 256
	# exact: every block tracked; sampled: the default, 8192 blocks
	printf '[cache]\nmax_blocks = 4194304\n' >"$TESTDIR/exact.ini"
	printf '[cache]\nmax_blocks = 8192\n' >"$TESTDIR/sampled.ini"
	# 1: every 4 KiB block of the file once per pass, in a new random
	# order every pass
	"$IOPAT" record -o "$TESTDIR/rand.iotrace" -- fio --output-format=json --disk_util=0 \
		--name=r --filename="$data" --size=256M --bs=4k --rw=randread --loops=4 \
		--randrepeat=0 --ioengine=psync --invalidate=0 >/dev/null 2>"$TESTDIR/record.err" ||
		fail "record failed: $(cat "$TESTDIR/record.err")"
	# 2: a zipf-distributed random read
	"$IOPAT" record -o "$TESTDIR/zipf.iotrace" -- fio --output-format=json --disk_util=0 \
		--name=z --filename="$data" --size=256M --bs=4k --rw=randread \
		--random_distribution=zipf:1.1 --number_ios=150000 --ioengine=psync \
		--invalidate=0 >/dev/null 2>"$TESTDIR/record.err" ||
		fail "record failed: $(cat "$TESTDIR/record.err")"
	# 3: a loader reading 1000 files of 64 KiB, shuffled, 3 epochs
	mkdir -p "$TESTDIR/samples"
	for i in $(seq 1 1000); do head -c 65536 /dev/urandom >"$TESTDIR/samples/s$i"; done
	"$IOPAT" record -o "$TESTDIR/loader.iotrace" -- /usr/bin/python3 \
		"$REPO_ROOT/tests/ml/shuffle_read.py" "$TESTDIR/samples" 3 3 fresh >/dev/null \
		2>"$TESTDIR/record.err" || fail "record failed: $(cat "$TESTDIR/record.err")"
	for t in rand zipf loader; do
		"$IOPAT" report -f json --config "$TESTDIR/exact.ini" \
			-o "$TESTDIR/$t.exact.json" "$TESTDIR/$t.iotrace" || fail "report $t failed"
		"$IOPAT" report -f json --config "$TESTDIR/sampled.ini" \
			-o "$TESTDIR/$t.sampled.json" "$TESTDIR/$t.iotrace" || fail "report $t failed"
		mae=$(curve_mae "$TESTDIR/$t.exact.json" "$TESTDIR/$t.sampled.json")
		rate=$(jq .hosts[0].cache_curve.sampling_rate "$TESTDIR/$t.sampled.json")
		note "$t: exact $(jq -c '.hosts[0].cache_curve | {max_read_hit_ratio, capacity_for_hits, sampling_rate}' "$TESTDIR/$t.exact.json"); sampled at $rate: mean absolute error $mae"
		num_eq "$(jq .hosts[0].cache_curve.sampling_rate "$TESTDIR/$t.exact.json")" 1 "$t exact rate"
		awk -v r="$rate" 'BEGIN { exit !(r < 1) }' || fail "$t: the sampled curve was not sampled"
		awk -v m="$mae" 'BEGIN { exit !(m < 0.02) }' || fail "$t: mean absolute error $mae"
	done
	within_pct "$(jq .hosts[0].cache_curve.max_read_hit_ratio "$TESTDIR/rand.exact.json")" 0.75 2.7 \
		"unbounded read hit ratio"
	local c99
	c99=$(jq '.hosts[0].cache_curve.capacity_for_hits["99"]' "$TESTDIR/rand.exact.json")
	awk -v c="$c99" -v w=$((256 << 20)) 'BEGIN { exit !(c >= 0.9 * w && c <= 1.05 * w) }' ||
		fail "capacity for 99% of the hits: $c99 B, not 0.9-1.05 of 256 MiB"
}

@test "cache curve per workload: two concurrent readers each get their own curve; stat --curve gives the capacities of its command" {
	local a=$TESTDIR/a b=$TESTDIR/b
	make_file "$a" 32
	make_file "$b" 16
	printf '[cache]\nmax_blocks = 4194304\n' >"$TESTDIR/exact.ini"
	# two fio threads at once, each in its own process: a reads its 32 MiB
	# in 3 random passes, b its 16 MiB in 2 (new orders every pass)
	"$IOPAT" record -o "$TESTDIR/two.iotrace" -- sh -c "
		fio --thread --name=a --filename=$a --size=32M --bs=4k --rw=randread --loops=3 \
			--randrepeat=0 --ioengine=psync --invalidate=0 --output=/dev/null &
		fio --thread --name=b --filename=$b --size=16M --bs=4k --rw=randread --loops=2 \
			--randrepeat=0 --ioengine=psync --invalidate=0 --output=/dev/null &
		wait" >/dev/null 2>"$TESTDIR/record.err" || fail "record failed: $(cat "$TESTDIR/record.err")"
	"$IOPAT" report -f json --group pid --config "$TESTDIR/exact.ini" -o "$TESTDIR/two.json" \
		"$TESTDIR/two.iotrace" || fail "report failed"
	note "$(jq -c '.hosts[0].workloads[] | select(.cache_curve) | {pid, read_bytes, c: .cache_curve | {max_read_hit_ratio, capacity_for_hits}}' "$TESTDIR/two.json")"
	local wa wb
	# the workloads by what they read: a at least 96 MiB, b 32 MiB (and fio's
	# own files)
	wa=$(jq -c '[.hosts[0].workloads[] | select(.read_bytes >= 100663296)][0].cache_curve' "$TESTDIR/two.json")
	wb=$(jq -c '[.hosts[0].workloads[] | select(.read_bytes >= 33554432 and .read_bytes < 100663296)][0].cache_curve' "$TESTDIR/two.json")
	[ "$wa" != null ] || fail "no curve for the reader of a"
	[ "$wb" != null ] || fail "no curve for the reader of b"
	within_pct "$(jq .max_read_hit_ratio <<<"$wa")" 0.6667 2 "a's unbounded hit ratio"
	within_pct "$(jq .max_read_hit_ratio <<<"$wb")" 0.5 2 "b's unbounded hit ratio"
	awk -v c="$(jq '.capacity_for_hits["99"]' <<<"$wa")" -v w=$((32 << 20)) \
		'BEGIN { exit !(c >= 0.9 * w && c <= 1.05 * w) }' || fail "a's capacity for 99%: $wa"
	awk -v c="$(jq '.capacity_for_hits["99"]' <<<"$wb")" -v w=$((16 << 20)) \
		'BEGIN { exit !(c >= 0.9 * w && c <= 1.05 * w) }' || fail "b's capacity for 99%: $wb"
	# the host's curve holds both: (64 + 16) hits of 128 MiB of reads
	within_pct "$(jq .hosts[0].cache_curve.max_read_hit_ratio "$TESTDIR/two.json")" 0.625 2 \
		"the host's unbounded hit ratio"
	# stat --curve on a's job alone: the same figures as report's
	"$IOPAT" stat --json --curve --config "$TESTDIR/exact.ini" -o "$TESTDIR/stat.json" -- \
		fio --name=a --filename="$a" --size=32M --bs=4k --rw=randread --loops=3 \
		--randrepeat=0 --ioengine=psync --invalidate=0 --output=/dev/null ||
		fail "stat --curve failed"
	note "stat: $(jq -c '.cache_curve | {max_read_hit_ratio, capacity_for_hits, reads}' "$TESTDIR/stat.json"); drops $(jq -c .drops "$TESTDIR/stat.json")"
	num_eq "$(jq .drops.total "$TESTDIR/stat.json")" 0 "drops"
	num_eq "$(jq .cache_curve.reads "$TESTDIR/stat.json")" $((3 * 8192)) "reads in stat's curve"
	within_pct "$(jq .cache_curve.max_read_hit_ratio "$TESTDIR/stat.json")" 0.6667 2 \
		"stat's unbounded hit ratio"
	awk -v c="$(jq '.cache_curve.capacity_for_hits["99"]' "$TESTDIR/stat.json")" -v w=$((32 << 20)) \
		'BEGIN { exit !(c >= 0.9 * w && c <= 1.05 * w) }' || fail "stat's capacity for 99%"
	# without --curve: no curve, and no ring-buffer traffic for it
	"$IOPAT" stat --json -o "$TESTDIR/plain.json" -- true || fail "stat failed"
	[ "$(jq .cache_curve "$TESTDIR/plain.json")" = null ] || fail "a curve without --curve"
}
