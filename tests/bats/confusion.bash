# The stage confusion matrix of the classifier tests (classify.bats, the
# stage workloads written for the tests; frameworks.bats, jobs written
# with PyTorch, pandas, numpy and sklearn). Sourced by helpers.bash, and
# by `make matrix`, which prints the matrix of both files together.

# Stages in the order of the pipeline; the matrix's rows and columns.
STAGES="ingest process extract model train deploy archive none idle"

# The rows: $IOPAT_CONFUSION when set (shared by several files), else
# one file per test file.
confusion_file() {
	echo "${IOPAT_CONFUSION:-$BATS_FILE_TMPDIR/confusion.tsv}"
}

# confusion_init: start this file's rows (appends when IOPAT_CONFUSION is
# set: `make matrix` clears it once).
confusion_init() {
	[ -n "${IOPAT_CONFUSION:-}" ] || : >"$(confusion_file)"
}

# confusion_add EXPECTED GOT WORKLOAD [JSON]: one row; with the stat JSON,
# the verdict's confidence, tier and reasons go with it.
confusion_add() {
	local why=""
	if [ -n "${4:-}" ] && [ -s "$4" ]; then
		why=$(jq -r '"\(.stage_confidence // "?") tier \(.tier // "?"): " +
			((.reasons // []) + ["tier: " + (.tier_reason // "?")] | join("; "))' "$4" 2>/dev/null)
	fi
	printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$why" >>"$(confusion_file)"
}

# print_confusion [FILE]: the matrix, each verdict with its reasons, as
# "# "-prefixed TAP comments.
print_confusion() {
	local f=${1:-$(confusion_file)}
	[ -s "$f" ] || return 0
	awk -F '\t' -v stages="$STAGES" '
	{
		exp_[NR] = $1; got[NR] = $2; wl[NR] = $3; why[NR] = $4
		m[$1, $2]++
		if ($1 == $2) ok++
		seen[$2] = 1
	}
	END {
		nr = split(stages, row, " ")
		nc = nr
		for (i = 1; i <= nr; i++) col[i] = row[i]
		# Columns for answers outside the stage list (none, error, ...).
		for (g in seen) {
			known = 0
			for (i = 1; i <= nr; i++) if (row[i] == g) known = 1
			if (!known) col[++nc] = g
		}
		printf "# stage confusion matrix (rows: expected, columns: iopat)\n"
		printf "# %-9s", "expected"
		for (j = 1; j <= nc; j++) printf " %8s", col[j]
		printf "\n"
		for (i = 1; i <= nr; i++) {
			n = 0
			for (j = 1; j <= nc; j++) n += m[row[i], col[j]]
			if (!n) continue
			printf "# %-9s", row[i]
			for (j = 1; j <= nc; j++) {
				v = m[row[i], col[j]]
				printf " %8s", v ? v : "."
			}
			printf "\n"
		}
		for (k = 1; k <= NR; k++)
			printf "# %s %s: %s %s\n", exp_[k] == got[k] ? "ok  " : "MISS", wl[k], got[k], why[k]
		printf "# %d/%d workloads classified as expected\n", ok, NR
	}' "$f"
}
