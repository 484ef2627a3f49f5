#!/usr/bin/env bats
# Stage verdicts on jobs written with the frameworks users run (Debian's
# python3-torch, python3-pandas, python3-numpy, python3-sklearn; the
# programs are tests/ml/*.py), traced by `iopat stat` on the real kernel.
# Every verdict is a row of the confusion matrix (`make matrix` prints it
# with classify.bats's, each verdict with its reasons).
#
# The interpreter is Debian's /usr/bin/python3: the python3 on PATH may be
# another one without these packages. The data set is made once per file
# (tests/ml/prep.py), untraced.

load helpers

PY=/usr/bin/python3
ML=$REPO_ROOT/tests/ml

setup_file() {
	confusion_init
	[ "$(id -u)" -eq 0 ] || return 0
	local root
	root=$(pick_data_root) || return 1
	MLDATA=$(mktemp -d "$root/iopat-ml.XXXXXX")
	export MLDATA
	"$PY" "$ML/prep.py" "$MLDATA/d"
	sync
}

teardown_file() {
	print_confusion >&3
	[ -z "${MLDATA:-}" ] || rm -rf "$MLDATA"
}

setup() {
	common_setup
	"$PY" -c 'import numpy, pandas, sklearn, torch' 2>/dev/null ||
		fail "Debian's python3 lacks numpy/pandas/sklearn/torch (make deps installs them)"
	D=$MLDATA/d
}

teardown() {
	[ -z "${TESTDIR:-}" ] || ! mountpoint -q "$TESTDIR/mnt" || umount "$TESTDIR/mnt"
	common_teardown
}

# ml_stat EXPECTED NAME SCRIPT ARGS...: SCRIPT under `iopat stat --json
# --group job`; its stdout (the bytes the program counted, as JSON) in
# $PYOUT; the run's stage in $GOT, one row of the matrix.
ml_stat() {
	local expected=$1 name=$2
	shift 2
	run "$IOPAT" stat --json -g job -o "$OUT" -- "$PY" "$@"
	if [ "$status" -ne 0 ] || ! jq -e '.totals' "$OUT" >/dev/null 2>&1; then
		confusion_add "$expected" error "$name"
		fail "iopat stat of $name exited $status: $output"
	fi
	PYOUT=$(printf '%s\n' "$output" | grep '^{' | tail -1)
	GOT=$(jq -r .stage "$OUT")
	confusion_add "$expected" "$GOT" "$name" "$OUT"
	note "$name: $(jq -c '[.stage, .stage_confidence, .tier, .reasons, .tier_reason]' "$OUT")"
	note "drops: $(jq -c .drops "$OUT")"
	num_eq "$(jq ".drops | $LOST_DROPS" "$OUT")" 0 "events lost"
}

# expect_stage STAGE: the run's verdict, and that of its one job.
expect_stage() {
	[ "$GOT" = "$1" ] || fail "stage '$GOT', expected '$1': $(jq -c .reasons "$OUT")"
	num_eq "$(jq '.processes | length' "$OUT")" 1 "jobs"
	[ "$(jq -r '.processes[0].stage' "$OUT")" = "$1" ] ||
		fail "the job's stage is $(jq -r '.processes[0].stage' "$OUT"), expected $1"
}

# data BYTES_KEY: syscall bytes of data files (program files set aside).
data() {
	jq ".totals.$1_bytes - .totals.program_$1_bytes" "$OUT"
}

# program_reason: program files were read, and one reason says so.
program_reason() {
	num_ge "$(jget "$OUT" .totals.program_read_bytes)" 1000000 program_read_bytes
	jq -e '.reasons | any(test("^set aside .* of program files: interpreter modules"))' \
		"$OUT" >/dev/null || fail "no reason names the program files: $(jq -c .reasons "$OUT")"
}

# bats test_tags=accuracy
@test "frameworks: PyTorch training (DataLoader, 3 workers anew every epoch, torch.save) is train" {
	ml_stat train torch-train "$ML/train.py" "$D" 3 3
	expect_stage train
	[ "$(jq -r .tier "$OUT")" = fast ] || fail "tier $(jq -r .tier "$OUT")"
	# the job: the trainer and its 3 x 3 workers
	num_eq "$(jq '.processes[0].members | length' "$OUT")" 10 "job members"
	# the bytes the Dataset read and torch.save wrote, within 1%
	within_pct "$(data read)" "$(jq .read_bytes <<<"$PYOUT")" 1 "data read bytes"
	within_pct "$(data write)" "$(jq .write_bytes <<<"$PYOUT")" 1 "data write bytes"
	# every epoch read every sample once: re-read 3x over the job, though
	# no worker read a sample twice
	within_pct "$(jget "$OUT" .totals.data_reread_factor)" 3 5 "run re-read factor"
	within_pct "$(jget "$OUT" .processes[0].data_reread_factor)" 3 5 "job re-read factor"
	jq -e '.reasons | any(test("in shuffled order"))' "$OUT" >/dev/null ||
		fail "no reason says the samples were read shuffled: $(jq -c .reasons "$OUT")"
	jq -e '.reasons | any(test("^checkpoint"))' "$OUT" >/dev/null ||
		fail "no reason names the checkpoints: $(jq -c .reasons "$OUT")"
	jq -e '.tier_reason | test("accelerator") | not' "$OUT" >/dev/null ||
		fail "accelerators named with no GPU seen"
	program_reason
	# recorded and reported, the job is the same: train, re-read 3x, the
	# same program bytes set aside (within 1%)
	run "$IOPAT" record -o "$TESTDIR/t.iopat" -- "$PY" "$ML/train.py" "$D" 3 3
	assert_success
	run "$IOPAT" report -f json -g job -o "$TESTDIR/r.json" "$TESTDIR/t.iopat"
	assert_success
	local w='[.hosts[0].workloads[] | select(.data_files_read > 0)][0]'
	note "report: $(jq -c "$w | [.stage, .reasons]" "$TESTDIR/r.json")"
	[ "$(jq -r "$w.stage" "$TESTDIR/r.json")" = train ] || fail "report: not train"
	within_pct "$(jq "$w.data_reread_factor" "$TESTDIR/r.json")" 3 5 "report's re-read factor"
	within_pct "$(jq "$w.program_read_bytes" "$TESTDIR/r.json")" \
		"$(jget "$OUT" .totals.program_read_bytes)" 1 "report's program bytes"
}

# bats test_tags=accuracy
@test "frameworks: PyTorch inference (checkpoint, unseen inputs once, small predictions) is deploy" {
	[ -n "$(ls "$D/ckpt")" ] || "$PY" "$ML/train.py" "$D" 1 0 >/dev/null
	sync
	ml_stat deploy torch-infer "$ML/infer.py" "$D"
	expect_stage deploy
	within_pct "$(data read)" "$(jq .read_bytes <<<"$PYOUT")" 1 "data read bytes"
	within_pct "$(data write)" "$(jq .write_bytes <<<"$PYOUT")" 1 "data write bytes"
	within_pct "$(jget "$OUT" .totals.data_reread_factor)" 1 1 "re-read factor"
	program_reason
}

@test "frameworks: pandas ETL (read CSV, clean, write CSV) is process" {
	ml_stat process pandas-etl "$ML/etl.py" "$D"
	expect_stage process
	program_reason
}

@test "frameworks: numpy feature extraction over .npy shards is extract" {
	ml_stat extract numpy-extract "$ML/extract.py" "$D"
	expect_stage extract
	# np.load's header reads are many, its array reads few and large: the
	# dominant read size is the arrays' (the bucket of 2-4 MiB)
	jq -e '.reasons | any(test("sequential reads of 2.00 MiB"))' "$OUT" >/dev/null ||
		fail "dominant read size not the shards': $(jq -c .reasons "$OUT")"
	program_reason
}

@test "frameworks: sklearn fitting a small subset again and again, with pauses, is model" {
	ml_stat model sklearn-fit "$ML/fit.py" "$D" 5 0.4
	expect_stage model
	num_ge "$(jget "$OUT" .totals.data_reread_factor)" 4.5 "re-read factor"
	program_reason
}

@test "frameworks: a Python sensor logger (small appends, fsync) is ingest" {
	ml_stat ingest py-logger "$ML/logger.py" "$D" 4000
	expect_stage ingest
	num_eq "$(data read)" 0 "data read bytes"
	num_eq "$(jget "$OUT" .totals.fsyncs)" 4000 fsyncs
	# the interpreter read its modules: set aside, named in a reason
	num_ge "$(jget "$OUT" .totals.program_read_bytes)" 100000 program_read_bytes
	jq -e '.reasons | any(test("^set aside .* of program files"))' "$OUT" >/dev/null ||
		fail "no reason names the program files: $(jq -c .reasons "$OUT")"
}

@test "frameworks: a generator reading a 4 KiB prompt per 1 MiB image is deploy, not ingest" {
	ml_stat deploy py-generate "$ML/generate.py" "$D"
	expect_stage deploy
	num_eq "$(data read)" $((24 * 4096)) "data read bytes"
	num_eq "$(data write)" $((24 << 20)) "data write bytes"
	jq -e '.reasons | any(test("generative"))' "$OUT" >/dev/null ||
		fail "not called generative: $(jq -c .reasons "$OUT")"
}

# shuffle_job WORKERS MODE: 3 epochs of shuffled shares of 300 files of
# 64 KiB, under stat (job-grouped) and record; the re-read factor of the
# run and of the job, and of report's job, is 3 within 5%.
shuffle_job() {
	local w=$1 mode=$2 files=$TESTDIR/samples trace=$TESTDIR/t.iopat
	mkdir -p "$files"
	for i in $(seq 1 300); do head -c 65536 /dev/urandom >"$files/s$i"; done
	sync
	run "$IOPAT" stat --json -g job -o "$OUT" -- "$PY" "$ML/shuffle_read.py" "$files" "$w" 3 "$mode"
	assert_success
	num_eq "$(data read)" $((3 * 300 * 65536)) "data read bytes"
	within_pct "$(jget "$OUT" .totals.data_reread_factor)" 3 5 "run re-read factor"
	within_pct "$(jget "$OUT" .processes[0].data_reread_factor)" 3 5 "job re-read factor"
	num_eq "$(jget "$OUT" .processes[0].data_files_read)" 300 "distinct data files"
	note "stat: $(jq -c '[.stage, .reasons]' "$OUT")"
	run "$IOPAT" record -o "$trace" -- "$PY" "$ML/shuffle_read.py" "$files" "$w" 3 "$mode"
	assert_success
	run "$IOPAT" report -f json -g job -o "$TESTDIR/r.json" "$trace"
	assert_success
	within_pct "$(jq '[.hosts[0].workloads[] | select(.data_files_read > 0)][0].data_reread_factor' \
		"$TESTDIR/r.json")" 3 5 "report's job re-read factor"
	[ "$(jq -r '[.hosts[0].workloads[] | select(.data_files_read > 0)][0].stage' "$TESTDIR/r.json")" \
		= "$(jq -r .stage "$OUT")" ] || fail "report and stat disagree on the stage"
}

@test "frameworks: job re-reads count each file once: 1 worker" {
	shuffle_job 1 kept
}

@test "frameworks: job re-reads count each file once: 3 workers kept" {
	shuffle_job 3 kept
}

@test "frameworks: job re-reads count each file once: 3 workers anew every epoch" {
	shuffle_job 3 fresh
}

@test "frameworks: job re-reads count each file once: 8 workers kept" {
	shuffle_job 8 kept
}

@test "frameworks: job re-reads count each file once: 8 workers anew every epoch" {
	shuffle_job 8 fresh
}

@test "frameworks: [program] in the config file moves files between program and data" {
	local cfg=$TESTDIR/p.ini lib=$TESTDIR/lib
	mkdir -p "$lib" "$TESTDIR/code"
	head -c 300000 /dev/urandom >"$lib/libx.so.1"
	head -c 200000 /dev/urandom >"$TESTDIR/code/weights.bin"
	sync
	run "$IOPAT" stat --json -o "$OUT" -- cat "$lib/libx.so.1" "$TESTDIR/code/weights.bin"
	assert_success
	local prog data
	prog=$(jget "$OUT" .totals.program_read_bytes)
	data=$(data read)
	num_ge "$prog" 300000 "program bytes (*.so.N is a library)"
	num_eq "$data" 200000 "data bytes"
	printf '[program]\ndata = %s/*\npath = %s/code/*\n' "$lib" "$TESTDIR" >"$cfg"
	run "$IOPAT" stat --json -o "$OUT" --config "$cfg" -- cat "$lib/libx.so.1" "$TESTDIR/code/weights.bin"
	assert_success
	num_eq "$(jget "$OUT" .totals.program_read_bytes)" $((prog - 300000 + 200000)) "program bytes"
	num_eq "$(data read)" 300000 "data bytes"
	# a bad line is named
	printf '[program]\nfiles = /x\n' >"$cfg"
	run "$IOPAT" stat --config "$cfg" -- true
	assert_failure 2
	assert_output --partial "unknown key 'files' in [program]"
	printf '[program]\npath = relative/*\n' >"$cfg"
	run "$IOPAT" stat --config "$cfg" -- true
	assert_failure 2
	assert_output --partial "not an absolute path pattern"
}

# ------------------------------------------------- what is no pipeline stage

# run_other EXPECTED NAME CMD...: CMD (a shell command line) under stat,
# one row of the matrix.
run_other() {
	local expected=$1 name=$2
	shift 2
	run "$IOPAT" stat --json -o "$OUT" -- sh -c "$*"
	[ -s "$OUT" ] || fail "no summary: $output"
	GOT=$(jq -r .stage "$OUT")
	confusion_add "$expected" "$GOT" "$name" "$OUT"
	note "$name: $(jq -c '[.stage, .stage_confidence, .tier, .reasons, .tier_reason]' "$OUT")"
}

# gzip writes about a third of what it reads here: between answers and
# a 1:1 transformation. Where the tree compresses less, the write share
# reaches the edge of `process`: then only with a confidence near 0.5.
@test "frameworks: tar czf of a documentation tree is no stage, not a confident deploy" {
	run_other none tar-czf "tar czf '$TESTDIR/doc.tgz' /usr/share/doc 2>/dev/null"
	case $GOT in
	none) ;;
	process) num_le "$(jget "$OUT" .stage_confidence)" 0.6 "confidence of process" ;;
	*) fail "tar czf judged $GOT: $(jq -c .reasons "$OUT")" ;;
	esac
	jq -e '.tier_reason | test("accelerator|serving") | not' "$OUT" >/dev/null ||
		fail "tier reason $(jq -r .tier_reason "$OUT")"
}

@test "frameworks: xargs cat of many files is a scan storing nothing, no stage" {
	run_other none xargs-cat "find /usr/share/doc -type f -print0 | xargs -0 cat >/dev/null 2>&1"
	[ "$GOT" = none ] || fail "xargs cat judged $GOT: $(jq -c .reasons "$OUT")"
	jq -e '.reasons | any(test("stores nothing"))' "$OUT" >/dev/null ||
		fail "no reason says nothing is stored: $(jq -c .reasons "$OUT")"
}

# A tree of 3,000 directories on a filesystem of its own, mounted afresh:
# its directories and inodes are read from the device, not the cache.
@test "frameworks: find over a cold tree reads metadata: no stage, not idle" {
	local m=$TESTDIR/mnt
	make_loop 256
	mkfs.ext4 -q -F "$LOOPDEV" || fail "mkfs.ext4 failed"
	mkdir -p "$m"
	mount "$LOOPDEV" "$m" || fail "mount failed"
	mkdir -p "$m"/d{0..59}/e{0..49}
	for d in "$m"/d*/e*; do : >"$d/f"; done
	umount "$m" || fail "umount failed"
	mount "$LOOPDEV" "$m" || fail "mount failed"
	run_other none find-cold "find '$m' -name '*.iopat-none' >/dev/null"
	umount "$m" || true
	num_ge "$(jget "$OUT" .totals.metadata_read_bytes)" 1048576 metadata_read_bytes
	[ "$GOT" = none ] || fail "find judged $GOT: $(jq -c .reasons "$OUT")"
	jq -e '.reasons | any(test("^metadata: "))' "$OUT" >/dev/null ||
		fail "no metadata reason: $(jq -c .reasons "$OUT")"
}
