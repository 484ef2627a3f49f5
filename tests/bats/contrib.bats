#!/usr/bin/env bats
# contrib/: the Prometheus files for a fleet running `iopat serve` and its
# systemd unit, checked with the real tools: promtool (config, rules and
# the rules' unit tests) and systemd-analyze (verify, security). None
# loads a BPF program: every test runs as any user.

load helpers

PROM=$REPO_ROOT/contrib/prometheus
UNIT=$REPO_ROOT/contrib/systemd/iopat-serve.service

setup() {
	TESTDIR=$BATS_TEST_TMPDIR
	command -v promtool >/dev/null ||
		fail "promtool not found (make deps installs the prometheus package)"
}

# need_systemd_analyze: skip unless systemd-analyze is there and verifies
# a known-good unit cleanly here (it reads the unit search path, and
# containers can lack what it expects).
need_systemd_analyze() {
	command -v systemd-analyze >/dev/null || skip "systemd-analyze is not installed"
	printf '[Unit]\nDescription=probe\n[Service]\nExecStart=/bin/true\n' >"$TESTDIR/probe.service"
	systemd-analyze verify --man=no "$TESTDIR/probe.service" >"$TESTDIR/probe.log" 2>&1 &&
		[ ! -s "$TESTDIR/probe.log" ] ||
		skip "systemd-analyze verify cannot run here: $(head -3 "$TESTDIR/probe.log")"
}

# unit_copy DIR: the unit in DIR, its ExecStart on an executable stub in
# DIR (verify checks that the program exists); prints the copy's path.
unit_copy() {
	local dir=$1
	mkdir -p "$dir"
	printf '#!/bin/sh\nexit 0\n' >"$dir/iopat" && chmod +x "$dir/iopat"
	sed "s|^ExecStart=/usr/local/bin/iopat |ExecStart=$dir/iopat |" "$UNIT" >"$dir/iopat-serve.service"
	grep -q "^ExecStart=$dir/iopat serve " "$dir/iopat-serve.service" ||
		fail "the unit's ExecStart is not /usr/local/bin/iopat serve ..."
	echo "$dir/iopat-serve.service"
}

# The alerts the fleet relies on.
ALERTS="IopatTrainOnSlowStorage IopatEventsDropped IopatRereadDataExceedsFastTier IopatExporterDown"

@test "prometheus.yml: promtool check config passes, with both rule files found (no root)" {
	run promtool check config "$PROM/prometheus.yml"
	[ "$status" -eq 0 ] || fail "$output"
	assert_output --partial "SUCCESS: 2 rule files found"
	refute_output --partial "FAILED"
	refute_output --partial "WARNING"
	# the example the brief names: job iopat, two hosts on 9464, 15s
	grep -q '^  - job_name: iopat$' "$PROM/prometheus.yml" || fail "no job iopat"
	grep -q -- '- gpu-node-1:9464$' "$PROM/prometheus.yml" || fail "no gpu-node-1:9464"
	grep -q -- '- gpu-node-2:9464$' "$PROM/prometheus.yml" || fail "no gpu-node-2:9464"
	grep -q '^    scrape_interval: 15s' "$PROM/prometheus.yml" || fail "no 15s scrape_interval"
}

@test "rule files: promtool check rules passes on the recording and the alerting rules (no root)" {
	run promtool check rules "$PROM/iopat-recording.rules.yml" "$PROM/iopat-alerts.rules.yml"
	[ "$status" -eq 0 ] || fail "$output"
	refute_output --partial "FAILED"
	# every alert the fleet relies on is defined
	local a
	for a in $ALERTS; do
		grep -q "^      - alert: $a$" "$PROM/iopat-alerts.rules.yml" || fail "no alert $a"
	done
}

@test "recording rules: promtool test rules gives the per-host stage, tier, device and drop rates (no root)" {
	run promtool test rules "$PROM/iopat-recording.test.yml"
	[ "$status" -eq 0 ] || fail "$output"
	assert_output --partial "SUCCESS"
}

@test "alerting rules: promtool test rules, each alert fires on its case and not on the look-alikes (no root)" {
	run promtool test rules "$PROM/iopat-alerts.test.yml"
	[ "$status" -eq 0 ] || fail "$output"
	assert_output --partial "SUCCESS"
	# each alert is tested (an alert without a test would pass silently)
	local a
	for a in $ALERTS; do
		grep -q "alertname: $a$" "$PROM/iopat-alerts.test.yml" || fail "$a has no test"
	done
}

@test "iopat-serve.service: systemd-analyze verify reports nothing about the unit (no root)" {
	need_systemd_analyze
	local copy
	copy=$(unit_copy "$TESTDIR/unit") || fail "$copy"
	# --man=no: Documentation=man:iopat(1) is checked after make install
	run systemd-analyze verify --man=no "$copy"
	[ "$status" -eq 0 ] || fail "systemd-analyze verify failed: $output"
	if grep -F "iopat-serve.service" <<<"$output"; then
		fail "systemd-analyze verify complains about the unit: $output"
	fi
}

@test "iopat-serve.service: runs iopat serve on 127.0.0.1:9464 as root with the hardening, nothing that stops BPF (no root)" {
	# key=value as systemd reads them: the last assignment of each key
	value() { awk -F= -v k="$1" '$1 == k { v = substr($0, length(k) + 2) } END { print v }' "$UNIT"; }
	assert_equal "$(value ExecStart)" "/usr/local/bin/iopat serve --listen 127.0.0.1:9464"
	assert_equal "$(value Type)" simple
	assert_equal "$(value Restart)" on-failure
	assert_equal "$(value User)" ""
	assert_equal "$(value CapabilityBoundingSet | tr ' ' '\n' | sort | tr '\n' ' ')" \
		"CAP_BPF CAP_DAC_READ_SEARCH CAP_PERFMON CAP_SYS_ADMIN CAP_SYS_PTRACE CAP_SYS_RESOURCE "
	local kv
	for kv in NoNewPrivileges=yes ProtectSystem=strict ProtectHome=read-only PrivateTmp=yes \
		PrivateDevices=no ProtectKernelTunables=yes ProtectKernelModules=yes \
		ProtectKernelLogs=yes ProtectClock=yes ProtectHostname=yes ProtectControlGroups=yes \
		"RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6" RestrictNamespaces=yes \
		RestrictRealtime=yes RestrictSUIDSGID=yes LockPersonality=yes \
		MemoryDenyWriteExecute=yes SystemCallArchitectures=native LimitMEMLOCK=infinity \
		WantedBy=multi-user.target; do
		assert_equal "${kv%%=*}=$(value "${kv%%=*}")" "$kv"
	done
	# hide other users' processes, the system-wide /proc, the network
	for kv in ProtectProc ProcSubset PrivateNetwork PrivateUsers SystemCallFilter; do
		assert_equal "$kv=$(value $kv)" "$kv="
	done
	# the comment at the top says how to enable it
	head -20 "$UNIT" | grep -q "systemctl enable --now iopat-serve" ||
		fail "no 'systemctl enable --now iopat-serve' in the unit's heading comment"
	# the exposure score, for information (no threshold)
	if command -v systemd-analyze >/dev/null &&
		systemd-analyze security --help 2>/dev/null | grep -q -- --offline; then
		local copy score
		copy=$(unit_copy "$TESTDIR/unit") || fail "$copy"
		score=$(systemd-analyze security --offline=yes "$copy" 2>/dev/null |
			grep -o 'Overall exposure level.*') || true
		echo "# systemd-analyze security: ${score:-no score}" >&3
	else
		echo "# systemd-analyze security --offline is not available here" >&3
	fi
}

@test "make install: iopat-serve.service in lib/systemd/system, as in contrib/ with the PREFIX's binary, not enabled; its man page is found (no root)" {
	[ -x "$REPO_ROOT/build/iopat" ] || fail "iopat binary not found: $REPO_ROOT/build/iopat (run make)"
	local stage=$TESTDIR/stage
	# -o: install what is built, rebuild nothing
	make -C "$REPO_ROOT" -s -o build/iopat install DESTDIR="$stage" PREFIX=/usr \
		>"$TESTDIR/make.log" 2>&1 || fail "make install failed: $(cat "$TESTDIR/make.log")"
	local unit=$stage/usr/lib/systemd/system/iopat-serve.service
	[ -f "$unit" ] || fail "no $unit"
	# contrib's unit, with the PREFIX's path of the binary written in
	grep -q '^ExecStart=/usr/bin/iopat serve ' "$unit" || fail "ExecStart: $(grep ExecStart "$unit")"
	cmp <(sed 's|/usr/local/bin/iopat|/usr/bin/iopat|' "$UNIT") "$unit" ||
		fail "the installed unit differs from contrib/systemd/"
	assert_equal "$(stat -c %a "$unit")" 644
	# installed, not enabled: no wants/ link anywhere in the stage
	run find "$stage" -name '*.wants'
	assert_output ""
	# Documentation=man:iopat(1) names a page make install puts in place
	need_systemd_analyze
	local copy
	copy=$(unit_copy "$TESTDIR/unit") || fail "$copy"
	MANPATH=$stage/usr/share/man run systemd-analyze verify --man=yes "$copy"
	[ "$status" -eq 0 ] || fail "systemd-analyze verify failed: $output"
	refute_output --partial "iopat-serve.service"
}
