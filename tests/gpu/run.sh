#!/bin/sh
# iopat on a GPU host: the PyTorch training and inference jobs of
# tests/ml with CUDA, traced by `iopat stat`. Checks that the training job
# (the trainer and its DataLoader workers) is one job, stage train, tier
# fast, with the GPU device seen open; that inference is deploy; and that
# the data bytes iopat counted are within 1% of what the Python code
# counted. Without a GPU it says so in one line and exits 0.
#
# Usage (as root, after `make`): tests/gpu/run.sh [SCALE]
# PYTHON names an interpreter whose torch has CUDA (default /usr/bin/python3;
# it also needs numpy).
set -eu

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
IOPAT=${IOPAT:-$ROOT/build/iopat}
PY=${PYTHON:-/usr/bin/python3}
ML=$ROOT/tests/ml
SCALE=${1:-1}

if ! ls /dev/nvidia[0-9]* >/dev/null 2>&1 ||
	! "$PY" -c 'import sys, torch; sys.exit(not torch.cuda.is_available())' 2>/dev/null; then
	echo "tests/gpu/run.sh: no NVIDIA GPU usable by PyTorch here: nothing to check"
	exit 0
fi
[ -x "$IOPAT" ] || { echo "tests/gpu/run.sh: $IOPAT not built (run make)" >&2; exit 1; }

DATA=$(mktemp -d /var/tmp/iopat-gpu.XXXXXX)
trap 'rm -rf "$DATA"' EXIT
"$PY" "$ML/prep.py" "$DATA" "$SCALE"
sync
fail=0

# check NAME JSON FILTER MESSAGE: FILTER must hold of JSON.
check() {
	if jq -e "$3" "$2" >/dev/null; then
		echo "ok   $1: $4"
	else
		echo "FAIL $1: $4"
		fail=1
	fi
}

# within NAME JSON PYOUT DIR: data bytes of direction DIR within 1%.
within() {
	got=$(jq ".totals.${4}_bytes - .totals.program_${4}_bytes" "$2")
	want=$(printf '%s\n' "$3" | jq ".${4}_bytes")
	if awk -v a="$got" -v b="$want" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(b > 0 && d <= b / 100) }'; then
		echo "ok   $1: $4 bytes $got (the program counted $want)"
	else
		echo "FAIL $1: $4 bytes $got, the program counted $want"
		fail=1
	fi
}

out=$DATA/train.json
py=$(ML_DEVICE=cuda "$IOPAT" stat --json -g job -o "$out" -- "$PY" "$ML/train.py" "$DATA" 3 4 | tail -1)
echo "train: $(jq -c '[.stage, .stage_confidence, .tier, .reasons, .tier_reason]' "$out")"
check train "$out" '.stage == "train" and .tier == "fast"' "stage train, tier fast"
check train "$out" '.processes | length == 1' "one job"
check train "$out" '.processes[0].stage == "train"' "the job's stage is train"
check train "$out" '.features.gpu and (.reasons | any(test("GPU device open")))' "GPU device seen open"
within train "$out" "$py" read
within train "$out" "$py" write

out=$DATA/infer.json
py=$(ML_DEVICE=cuda "$IOPAT" stat --json -g job -o "$out" -- "$PY" "$ML/infer.py" "$DATA" | tail -1)
echo "infer: $(jq -c '[.stage, .stage_confidence, .tier, .reasons, .tier_reason]' "$out")"
check infer "$out" '.stage == "deploy"' "stage deploy"
within infer "$out" "$py" read
within infer "$out" "$py" write
exit $fail
