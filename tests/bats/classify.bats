#!/usr/bin/env bats
# Real-kernel tests of iopat's pipeline-stage classifier: one workload
# generator per ML-pipeline stage (tests/workloads/stage_*.c, shapes from
# ../shared/DESIGN.md's stage table) runs under `iopat stat --json`; each
# test checks that the totals iopat reports have the shape the generator
# was written to have (so a wrong stage is the classifier's fault, not the
# workload's), then that `.stage` is the expected one.
#
# Every test adds a row to a confusion matrix (expected stage x stage iopat
# gave) that teardown_file prints on fd 3. Needs root; no timing
# thresholds anywhere.

load helpers

setup_file() {
	confusion_init
}

setup() {
	common_setup
	DATA=$TESTDIR/data
}

teardown() {
	common_teardown
}

teardown_file() {
	print_confusion >&3
}

# tot KEY: .totals.KEY (must be present).
tot() {
	jget "$OUT" ".totals.$1"
}

# opt FILTER: the value of FILTER in $OUT, empty when absent or null (for
# totals/features the classifier may or may not report yet).
opt() {
	jq -r "$1 // empty" "$OUT"
}

# sizes_under DIR: total size in bytes of the regular files under DIR.
sizes_under() {
	find "$1" -type f -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }'
}

# hist_outside HIST LO HI: ops in size histogram HIST (read_size_hist or
# write_size_hist) in buckets not within [LO, HI] bytes.
hist_outside() {
	jq --argjson lo "$2" --argjson hi "$3" \
		"[.$1[] | select(.bytes_min < \$lo or .bytes_max > \$hi) | .count] | add // 0" "$OUT"
}

# run_stage EXPECTED WORKLOAD: setup (untraced), then the run under
# `iopat stat --json -o $OUT`; records the stage iopat gave (or "error")
# and notes the key totals. Leaves the stage in $GOT.
run_stage() {
	local expected=$1 wl=$2
	WL=$wl
	run "$WORKLOADS/$wl" --setup "$DATA"
	assert_success
	assert_output ""
	# Written data on disk before tracing starts: the traced run sees no
	# writeback of the setup's files.
	sync
	run "$IOPAT" stat --json -o "$OUT" -- "$WORKLOADS/$wl" "$DATA"
	if [ "$status" -ne 0 ] || ! jq -e 'type == "object" and (.totals | type == "object")' "$OUT" >/dev/null 2>&1; then
		confusion_add "$expected" error "$wl"
		note "iopat/$wl exited $status; output: $output"
		[ -f "$OUT" ] && note "JSON: $(head -c 2000 "$OUT")"
		fail "iopat stat of $wl failed or wrote no JSON summary"
	fi
	assert_output ""
	num_eq "$(jget "$OUT" .exit_code)" 0 exit_code
	GOT=$(jq -r '.stage // "none"' "$OUT")
	confusion_add "$expected" "$GOT" "$wl" "$OUT"
	note "$wl: $(jq -r '"duration \(.duration_s) s; read \(.totals.read_bytes) B in \(.totals.read_ops) ops (seq \(.totals.seq_read_pct)%); write \(.totals.write_bytes) B in \(.totals.write_ops) ops (seq \(.totals.seq_write_pct)%); files \(.totals.files); fsyncs \(.totals.fsyncs)"' "$OUT")"
	note "$wl: unique read $(opt .totals.unique_read_bytes) B, unique write $(opt .totals.unique_write_bytes) B, re-read $(opt .totals.reread_factor)x, duty cycle $(opt .features.duty_cycle)"
	note "$wl: read sizes $(jq -r '[.read_size_hist[] | "\(.bytes_min)+:\(.count)"] | join(" ")' "$OUT"); write sizes $(jq -r '[.write_size_hist[] | "\(.bytes_min)+:\(.count)"] | join(" ")' "$OUT")"
	note "$wl: stage=$GOT confidence=$(opt .stage_confidence) tier=$(opt .tier) reasons=$(jq -c '.reasons // []' "$OUT")"
	# No event may be lost. A block request counted without a latency
	# sample (request_end_unseen; see the README's "Drops") is noted.
	note "drops: $(jq -c .drops "$OUT")"
	num_eq "$(jq ".drops | $LOST_DROPS" "$OUT")" 0 \
		"events lost (drops other than request_end_unseen)"
}

# check_stage EXPECTED: the classifier's verdict, after the shape checks.
check_stage() {
	[ "$GOT" = "$1" ] ||
		fail "iopat classified $WL as '$GOT', expected '$1' (reasons: $(jq -c '.reasons // []' "$OUT"))"
}

# check_reread MIN MAX: re-read factor within [MIN, MAX], when reported;
# otherwise bytes read / unique bytes read, when those are.
check_reread() {
	local r u
	r=$(opt .totals.reread_factor)
	if [ -z "$r" ]; then
		u=$(opt .totals.unique_read_bytes)
		[ -n "$u" ] && [ "$u" -gt 0 ] || return 0
		r=$(awk -v a="$(tot read_bytes)" -v b="$u" 'BEGIN { print a / b }')
	fi
	num_ge "$r" "$1" "re-read factor"
	num_le "$r" "$2" "re-read factor"
}

# Sequential shares: the generators' I/O is 100% (or 0%) sequential by
# construction; the bounds leave room for ops iopat counts as random when
# a paced process wakes up on another CPU.
SEQ_MIN=80

# ------------------------------------------------------------------ ingest

@test "classify: stage_ingest (write-only small records + capture) is ingest" {
	run_stage ingest stage_ingest
	num_eq "$(tot read_bytes)" 0 totals.read_bytes
	num_eq "$(tot read_ops)" 0 totals.read_ops
	# 48000 records of 256-512 B and 32 writes of 1 MiB.
	num_eq "$(tot write_ops)" 48032 totals.write_ops
	num_ge "$(tot write_bytes)" $((32 * 1048576 + 48000 * 256)) totals.write_bytes
	num_le "$(tot write_bytes)" $((32 * 1048576 + 48000 * 512)) totals.write_bytes
	num_eq "$(hist_outside write_size_hist 256 1048575)" 32 "writes outside 256-512 B"
	num_ge "$(tot fsyncs)" 240 totals.fsyncs
	num_ge "$(tot seq_write_pct)" $SEQ_MIN totals.seq_write_pct
	num_ge "$(tot files)" 5 totals.files
	check_stage ingest
}

# ----------------------------------------------------------------- process

@test "classify: stage_process (read:write 1:1, sequential) is process" {
	run_stage process stage_process
	num_eq "$(tot read_bytes)" $((64 << 20)) totals.read_bytes
	num_eq "$(tot write_bytes)" $((64 << 20)) totals.write_bytes
	num_eq "$(tot read_ops)" 256 totals.read_ops
	num_eq "$(tot write_ops)" 1024 totals.write_ops
	num_eq "$(hist_outside read_size_hist 65536 524287)" 0 "reads outside 64-256 KiB"
	num_eq "$(hist_outside write_size_hist 65536 524287)" 0 "writes outside 64-256 KiB"
	num_ge "$(tot seq_read_pct)" $SEQ_MIN totals.seq_read_pct
	num_ge "$(tot seq_write_pct)" $SEQ_MIN totals.seq_write_pct
	num_ge "$(tot files)" 16 totals.files
	check_reread 0.99 1.01
	check_stage process
}

# ----------------------------------------------------------------- extract

@test "classify: stage_extract (2 big sequential passes, ~1% features) is extract" {
	run_stage extract stage_extract
	local rb wb
	rb=$(tot read_bytes)
	wb=$(tot write_bytes)
	num_eq "$rb" $((256 << 20)) totals.read_bytes
	num_eq "$(tot read_ops)" 256 totals.read_ops
	num_eq "$(hist_outside read_size_hist 1048576 2097151)" 0 "reads other than 1 MiB"
	# Features: 1-3% of the bytes read, in 4 KiB writes.
	num_ge "$wb" $((rb / 100)) totals.write_bytes
	num_le "$wb" $((rb * 3 / 100)) totals.write_bytes
	num_eq "$(hist_outside write_size_hist 4096 8191)" 0 "writes other than 4 KiB"
	num_ge "$(tot seq_read_pct)" $SEQ_MIN totals.seq_read_pct
	check_reread 1.9 2.1
	check_stage extract
}

# ------------------------------------------------------------------- model

@test "classify: stage_model (small subset re-read 6x at random, pauses) is model" {
	run_stage model stage_model
	local duty
	# 3 bursts x 2 sweeps over 12 MiB.
	num_eq "$(tot read_bytes)" $((6 * (12 << 20))) totals.read_bytes
	num_eq "$(hist_outside read_size_hist 4096 131071)" 0 "reads outside 4-64 KiB"
	num_le "$(tot seq_read_pct)" 20 totals.seq_read_pct
	num_eq "$(tot write_ops)" 2 totals.write_ops
	num_le "$(tot write_bytes)" 8192 totals.write_bytes
	check_reread 5.5 6.5
	duty=$(opt .features.duty_cycle)
	[ -z "$duty" ] || num_le "$duty" 0.6 features.duty_cycle
	check_stage model
}

# ------------------------------------------------------------------- train

@test "classify: stage_train (3 shuffled epochs over 1024 files, checkpoints) is train" {
	run_stage train stage_train
	local set rb wb
	set=$(sizes_under "$DATA/train")
	rb=$(tot read_bytes)
	wb=$(tot write_bytes)
	note "data set: $set B in $(find "$DATA/train" -type f | wc -l) files"
	num_eq "$rb" $((3 * set)) totals.read_bytes
	num_eq "$(tot read_ops)" $((3 * 1024)) totals.read_ops
	num_ge "$(tot files)" 1024 totals.files
	# Three 8 MiB checkpoints in 1 MiB writes, each fsynced: < 15% of reads.
	num_eq "$wb" $((24 << 20)) totals.write_bytes
	num_eq "$(tot write_ops)" 24 totals.write_ops
	num_eq "$(tot fsyncs)" 3 totals.fsyncs
	num_le "$wb" $((rb * 15 / 100)) "checkpoint bytes vs 15% of reads"
	num_ge "$(tot seq_write_pct)" $SEQ_MIN totals.seq_write_pct
	check_reread 2.9 3.1
	check_stage train
	# the three checkpoints are periodic write bursts, named in the reasons
	note "write_bursts: $(jq -c .write_bursts "$OUT")"
	num_eq "$(jget "$OUT" .write_bursts.count)" 3 write_bursts.count
	jq -e .write_bursts.periodic "$OUT" >/dev/null || fail "write bursts not periodic"
	jq -e '[.reasons[] | select(startswith("checkpoints: 3 write bursts every"))] | length == 1' \
		"$OUT" >/dev/null || fail "checkpoints not named: $(jq -c .reasons "$OUT")"
}

# ------------------------------------------------------------------ deploy

@test "classify: stage_deploy (inference: read once, tiny answers) is deploy" {
	run_stage deploy stage_deploy
	local set rb wb
	set=$(sizes_under "$DATA/requests")
	rb=$(tot read_bytes)
	wb=$(tot write_bytes)
	num_eq "$rb" "$set" totals.read_bytes
	num_eq "$(hist_outside read_size_hist 4096 65535)" 0 "reads outside 4-64 KiB"
	num_ge "$(tot files)" 1500 totals.files
	# One 64-256 B answer per request: < 2% of the bytes read.
	num_eq "$(tot write_ops)" 1500 totals.write_ops
	num_le "$wb" $((rb * 2 / 100)) "answer bytes vs 2% of reads"
	num_eq "$(hist_outside write_size_hist 64 511)" 0 "answers outside 64-256 B"
	check_reread 0.99 1.01
	check_stage deploy
}

@test "classify: stage_deploy_gen (generative: read:write 1:13) is deploy" {
	run_stage deploy stage_deploy_gen
	local set rb wb
	set=$(sizes_under "$DATA/prompts")
	rb=$(tot read_bytes)
	wb=$(tot write_bytes)
	num_eq "$rb" "$set" totals.read_bytes
	num_eq "$(tot read_ops)" 400 totals.read_ops
	num_ge "$wb" $((rb * 4)) "write bytes vs 4x reads"
	num_eq "$(hist_outside write_size_hist 4096 8191)" 0 "writes other than 4 KiB"
	num_ge "$(tot files)" 800 totals.files
	check_reread 0.99 1.01
	check_stage deploy
}

# ----------------------------------------------------------------- archive

@test "classify: stage_archive (one cold sequential pass, 4 MiB reads) is archive" {
	run_stage archive stage_archive
	num_eq "$(tot read_bytes)" $((256 << 20)) totals.read_bytes
	num_eq "$(tot read_ops)" 64 totals.read_ops
	num_eq "$(hist_outside read_size_hist 4194304 8388607)" 0 "reads other than 4 MiB"
	num_eq "$(tot write_bytes)" 0 totals.write_bytes
	num_eq "$(tot write_ops)" 0 totals.write_ops
	num_ge "$(tot seq_read_pct)" $SEQ_MIN totals.seq_read_pct
	check_reread 0.99 1.01
	check_stage archive
}

# -------------------------------------------------------------------- idle

@test "classify: stage_idle (300 B, then sleep) is idle" {
	run_stage idle stage_idle
	num_eq "$(tot read_bytes)" 300 totals.read_bytes
	num_eq "$(tot read_ops)" 1 totals.read_ops
	num_eq "$(tot write_bytes)" 0 totals.write_bytes
	check_stage idle
}

# ------------------------------------------------------- generator usage

@test "stage generators: usage errors exit 2, missing input exits 1 (no root)" {
	local wl
	for wl in stage_ingest stage_process stage_extract stage_model stage_train \
		stage_deploy stage_deploy_gen stage_archive stage_idle; do
		run "$WORKLOADS/$wl"
		assert_equal "$status" 2
		assert_output --partial "usage: $wl"
		run "$WORKLOADS/$wl" --bogus "$TESTDIR"
		assert_equal "$status" 2
		run "$WORKLOADS/$wl" "$TESTDIR/no-such-dir"
		assert_equal "$status" 1
		assert_output --partial "$wl: "
	done
}
