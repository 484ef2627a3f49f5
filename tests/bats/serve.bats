#!/usr/bin/env bats
# iopat serve: the Prometheus exporter, scraped by Debian's real Prometheus
# server, checked by promtool, and attacked by bad clients.

load helpers

setup() {
	common_setup
	SERVE_PID=
	PROM_PID=
}

teardown() {
	[ -n "$SERVE_PID" ] && kill -INT "$SERVE_PID" 2>/dev/null && wait "$SERVE_PID" 2>/dev/null
	[ -n "$PROM_PID" ] && kill "$PROM_PID" 2>/dev/null && wait "$PROM_PID" 2>/dev/null
	common_teardown
}

# free_port: a TCP port nothing listens on now.
free_port() {
	/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait_http URL [SECS]: until URL answers 200.
wait_http() {
	local i
	for ((i = 0; i < ${2:-20} * 10; i++)); do
		curl -sf -o /dev/null "$1" && return 0
		sleep 0.1
	done
	fail "no answer from $1"
}

# serve_start ARGS...: iopat serve on a free port ($PORT), until it answers.
serve_start() {
	PORT=$(free_port)
	"${SERVE_BIN:-$IOPAT}" serve --listen "127.0.0.1:$PORT" "$@" 2>"$TESTDIR/serve.err" &
	SERVE_PID=$!
	wait_http "http://127.0.0.1:$PORT/"
	# the first refresh
	local i
	for ((i = 0; i < 100; i++)); do
		curl -sf "http://127.0.0.1:$PORT/metrics" | grep -q '^iopat_refreshes_total' && return 0
		sleep 0.1
	done
	fail "no refresh: $(cat "$TESTDIR/serve.err")"
}

# prom_query QUERY [TIME]: the first value of an instant query.
prom_query() {
	local args=(--data-urlencode "query=$1")
	[ -n "${2:-}" ] && args+=(--data-urlencode "time=$2")
	curl -sf "http://127.0.0.1:$PROM_PORT/api/v1/query" "${args[@]}" |
		jq -r '.data.result[0].value[1] // "none"'
}

@test "serve: Prometheus scraping every second sees fio's bytes within 2% (value and increase()), the training job's stage and tier; promtool check metrics is clean" {
	local data=$TESTDIR/data fio_bytes last at inc stage tier i
	make_file "$data" 64
	mkdir -p "$TESTDIR/train"
	"$WORKLOADS/stage_train" --setup "$TESTDIR/train" || fail "setup failed"
	sync
	serve_start -d 1
	PROM_PORT=$(free_port)
	cat >"$TESTDIR/prometheus.yml" <<-EOF
	global:
	  scrape_interval: 1s
	scrape_configs:
	  - job_name: iopat
	    static_configs:
	      - targets: ['127.0.0.1:$PORT']
	EOF
	promtool check config "$TESTDIR/prometheus.yml" >/dev/null || fail "bad test config"
	prometheus --config.file="$TESTDIR/prometheus.yml" --storage.tsdb.path="$TESTDIR/tsdb" \
		--web.listen-address="127.0.0.1:$PROM_PORT" --log.level=warn \
		2>"$TESTDIR/prometheus.err" &
	PROM_PID=$!
	wait_http "http://127.0.0.1:$PROM_PORT/-/ready" 30
	# its first scrape (targets come from discovery every 5 s)
	for ((i = 0; i < 300; i++)); do
		[ "$(prom_query 'up{job="iopat"}')" = 1 ] && break
		sleep 0.1
	done
	[ "$(prom_query 'up{job="iopat"}')" = 1 ] || fail "Prometheus never scraped iopat"
	# fio reads 64 MiB at 16 MiB/s after a pause, so Prometheus sees its
	# series before its data moves; the training loader runs beside it
	"$WORKLOADS/stage_train" "$TESTDIR/train" &
	local train=$!
	fio --output-format=json --name=p --filename="$data" --size=64M --bs=64k --rw=read \
		--ioengine=psync --invalidate=0 --startdelay=2 --rate=16m \
		>"$TESTDIR/fio.json" || fail "fio failed"
	wait "$train" || fail "stage_train failed"
	fio_bytes=$(jq '.jobs[0].read.io_bytes' "$TESTDIR/fio.json")
	sleep 4	# a few more scrapes
	curl -sf "http://127.0.0.1:$PORT/metrics" >"$TESTDIR/scrape.txt" || fail "scrape failed"
	run promtool check metrics <"$TESTDIR/scrape.txt"
	[ "$status" -eq 0 ] && [ -z "$output" ] || fail "promtool check metrics: $output"
	local sel='iopat_io_bytes_total{comm="fio",direction="read",level="syscall"}'
	last=$(prom_query "sum($sel)")
	at=$(prom_query "max(timestamp($sel))")
	inc=$(prom_query "sum(increase($sel[5m]))" "$at")
	note "fio read $fio_bytes B; Prometheus: last value $last B, increase() $inc B at $at"
	note "scrapes: $(prom_query 'count_over_time(up[5m])' "$at"), up: $(curl -sf "http://127.0.0.1:$PROM_PORT/api/v1/query" --data-urlencode 'query=up[5m]' --data-urlencode "time=$at" | jq -c '[.data.result[0].values[] | .[1]] | join("")'); targets: $(curl -sf "http://127.0.0.1:$PROM_PORT/api/v1/targets" | jq -c '[.data.activeTargets[] | {health, lastError}]')"
	note "samples: $(curl -sf "http://127.0.0.1:$PROM_PORT/api/v1/query" --data-urlencode "query=$sel[5m]" --data-urlencode "time=$at" | jq -c '[.data.result[] | {w: .metric.workload, v: [.values[][1]]}]')"
	within_pct "$last" "$fio_bytes" 2 "the counter's last value"
	within_pct "$inc" "$fio_bytes" 2 "increase() over the job"
	# the info series now (a verdict that changed left a stale series)
	curl -sf "http://127.0.0.1:$PROM_PORT/api/v1/query" \
		--data-urlencode 'query=iopat_workload_info{comm="stage_train"}' >"$TESTDIR/info.json"
	num_eq "$(jq '.data.result | length' "$TESTDIR/info.json")" 1 "stage_train's info series"
	stage=$(jq -r '.data.result[0].metric.stage' "$TESTDIR/info.json")
	tier=$(jq -r '.data.result[0].metric.tier' "$TESTDIR/info.json")
	note "stage_train: stage $stage, tier $tier"
	[ "$stage" = train ] || fail "stage_train's info series says stage '$stage'"
	[ "$tier" = fast ] || fail "stage_train's info series says tier '$tier'"
	num_eq "$(prom_query 'sum(iopat_drops_total{reason!="request_end_unseen"})')" 0 "drops"
}

@test "serve: the text format and OpenMetrics by Accept, / and 404, counters never decrease, hostile names escaped, --top folds the rest into other, --textfile written whole" {
	local a b i
	serve_start -d 0.5 --top 2 --textfile "$TESTDIR/iopat.prom"
	# a process named with a quote, a backslash, an escape, a byte that is
	# not UTF-8 and a newline does I/O beside three readers
	local pids=()
	head -c $((4 << 20)) /dev/urandom >"$TESTDIR/evil"
	"$WORKLOADS/evil_name" "$TESTDIR/evil" 2 $'q"b\\\x1b[1m\xffX\n' >/dev/null 2>&1 &
	pids+=($!)
	for i in 1 2 3; do
		head -c $((i << 20)) /dev/urandom >"$TESTDIR/f$i"
		(for _ in 1 2 3 4 5; do cat "$TESTDIR/f$i" >/dev/null; sleep 0.2; done) &
		pids+=($!)
	done
	wait "${pids[@]}"
	sleep 1.5
	curl -sf "http://127.0.0.1:$PORT/metrics" >"$TESTDIR/a.txt" || fail "scrape failed"
	sleep 1.2
	curl -sf "http://127.0.0.1:$PORT/metrics" >"$TESTDIR/b.txt" || fail "scrape failed"
	run promtool check metrics <"$TESTDIR/b.txt"
	[ "$status" -eq 0 ] && [ -z "$output" ] || fail "promtool check metrics: $output"
	# counters: every series of the first scrape is as large or larger in the second
	awk 'NR == FNR { if ($0 !~ /^#/ && $1 ~ /_total\{|_bucket\{|_count\{|_sum\{/) a[$1] = $2; next }
	     $0 !~ /^#/ && ($1 in a) && $2 + 0 < a[$1] + 0 { print "decreased: " $1 " " a[$1] " -> " $2; bad = 1 }
	     END { exit bad }' "$TESTDIR/a.txt" "$TESTDIR/b.txt" || fail "a counter went back"
	# the hostile name (the busiest reader): quote, backslash and newline
	# escaped, the byte that is not UTF-8 as U+FFFD (promtool parsed it)
	grep -qF "$(printf 'comm="q\\"b\\\\\033[1m\357\277\275X\\n"')" "$TESTDIR/b.txt" ||
		fail "the hostile name: $(grep -o 'comm="q[^,]*' "$TESTDIR/b.txt" | head -1 | od -c | head -3)"
	# --top 2: two workloads of their own, the rest in "other"
	n=$(grep '^iopat_io_bytes_total{' "$TESTDIR/b.txt" | grep -v 'workload="other"' |
		sed 's/.*workload="\([^"]*\)".*/\1/' | sort -u | wc -l)
	num_eq "$n" 2 "workloads with series of their own"
	grep -q '^iopat_io_bytes_total{workload="other",' "$TESTDIR/b.txt" || fail "no other"
	# OpenMetrics when asked
	curl -sf -H 'Accept: application/openmetrics-text; version=1.0.0' -D "$TESTDIR/h.txt" \
		"http://127.0.0.1:$PORT/metrics" >"$TESTDIR/om.txt" || fail "OpenMetrics scrape failed"
	grep -qi '^content-type: application/openmetrics-text' "$TESTDIR/h.txt" || fail "content type"
	[ "$(tail -n 1 "$TESTDIR/om.txt")" = "# EOF" ] || fail "no # EOF"
	grep -q '^# TYPE iopat_io_bytes counter$' "$TESTDIR/om.txt" || fail "OpenMetrics family name"
	# the other paths
	[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/nope")" = 404 ] ||
		fail "no 404"
	curl -sf "http://127.0.0.1:$PORT/" | grep -q 'href="/metrics"' || fail "no index page"
	[ "$(curl -s -o /dev/null -w '%{http_code}' -X POST "http://127.0.0.1:$PORT/metrics")" = 405 ] ||
		fail "POST is not refused"
	# the textfile: whole, parseable, no temporary file left
	[ -s "$TESTDIR/iopat.prom" ] || fail "no textfile"
	run promtool check metrics <"$TESTDIR/iopat.prom"
	[ "$status" -eq 0 ] && [ -z "$output" ] || fail "textfile: $output"
	[ -z "$(ls "$TESTDIR"/iopat.prom.*.tmp 2>/dev/null)" ] || fail "a temporary file left"
}

@test "serve under ASan and UBSan: 200 idle connections, a half request, a client that never reads, garbage: other scrapes are answered and right; SIGTERM stops it cleanly, no error, no leak" {
	local data=$TESTDIR/data fio_bytes got
	# make asan builds it beside iopat
	SERVE_BIN=${IOPAT_ASAN:-$(dirname "$IOPAT")/asan/iopat}
	[ -x "$SERVE_BIN" ] || fail "no ASan build at $SERVE_BIN (make asan)"
	export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
	make_file "$data" 16
	serve_start -d 0.5
	fio --output-format=json --name=b --filename="$data" --size=16M --bs=64k --rw=read \
		--ioengine=psync --invalidate=0 >"$TESTDIR/fio.json" || fail "fio failed"
	fio_bytes=$(jq '.jobs[0].read.io_bytes' "$TESTDIR/fio.json")
	/usr/bin/python3 "$REPO_ROOT/tests/serve_clients.py" 127.0.0.1 "$PORT" 200 \
		>"$TESTDIR/clients.out" 2>&1 &
	local clients=$!
	sleep 2	# the bad clients are all in place
	for i in 1 2 3; do
		curl -sf -m 5 "http://127.0.0.1:$PORT/metrics" >"$TESTDIR/s.txt" ||
			fail "a scrape failed beside the bad clients (attempt $i)"
		got=$(awk '/^iopat_io_bytes_total\{/ && /comm="fio"/ && /direction="read"/ && /level="syscall"/ { s += $2 } END { print s + 0 }' "$TESTDIR/s.txt")
		within_pct "$got" "$fio_bytes" 2 "fio's bytes beside the bad clients"
	done
	wait "$clients" || fail "the bad clients: $(cat "$TESTDIR/clients.out")"
	note "$(cat "$TESTDIR/clients.out")"
	kill -0 "$SERVE_PID" || fail "iopat serve died: $(cat "$TESTDIR/serve.err")"
	kill -TERM "$SERVE_PID"
	wait "$SERVE_PID" || fail "iopat serve exited $? on SIGTERM: $(cat "$TESTDIR/serve.err")"
	SERVE_PID=
	grep -q 'stopped after' "$TESTDIR/serve.err" || fail "no stop line: $(cat "$TESTDIR/serve.err")"
	! grep -qE 'AddressSanitizer|LeakSanitizer|runtime error' "$TESTDIR/serve.err" ||
		fail "sanitizer: $(head -c 3000 "$TESTDIR/serve.err")"
}

@test "serve: bad options are one-line errors with exit 2; a port in use is an error (no root)" {
	run "$IOPAT" serve --listen nonsense
	[ "$status" -eq 2 ] && [ "${#lines[@]}" -le 2 ] || fail "--listen nonsense: $status $output"
	[[ $output == *"ADDR:PORT"* ]] || fail "$output"
	run "$IOPAT" serve --listen 127.0.0.1:99999
	[ "$status" -eq 2 ] && [[ $output == *"bad port"* ]] || fail "$status $output"
	run "$IOPAT" serve --listen example.com:9464
	[ "$status" -eq 2 ] && [[ $output == *"numeric"* ]] || fail "$status $output"
	run "$IOPAT" serve --top 0
	[ "$status" -eq 2 ] || fail "--top 0: $status $output"
	run "$IOPAT" serve -d -1
	[ "$status" -eq 2 ] || fail "-d -1: $status $output"
	run "$IOPAT" serve --group nope
	[ "$status" -eq 2 ] || fail "--group nope: $status $output"
	run "$IOPAT" serve extra
	[ "$status" -eq 2 ] || fail "extra argument: $status $output"
	run "$IOPAT" serve --help
	[ "$status" -eq 0 ] && [[ $output == *"--textfile"* ]] || fail "--help: $status"
	# a port someone else holds
	local port
	port=$(free_port)
	/usr/bin/python3 -c 'import socket, sys, time; s = socket.socket(); s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(); time.sleep(5)' "$port" &
	sleep 0.5
	run "$IOPAT" serve --listen "127.0.0.1:$port"
	[ "$status" -eq 1 ] && [[ $output == *"cannot listen"* ]] || fail "port in use: $status $output"
	kill %1 2>/dev/null || true
}
