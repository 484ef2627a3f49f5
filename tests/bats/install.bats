#!/usr/bin/env bats
# `make install`: the binary, a manual page per command (made by help2man
# from the --help texts) and the bash completion land where the system
# looks for them; the pages render without warnings and name every
# option; the completion offers every option and the values iopat takes.

load helpers

setup() {
	common_setup
	BUILD_DIR=$(dirname "$IOPAT")
	STAGE=$TESTDIR/stage
}

teardown() {
	common_teardown
}

COMMANDS="top stat record report serve export"

# help_options CMD: every option that `iopat CMD --help` lists, one a line.
help_options() {
	"$IOPAT" "$1" --help | grep -Eo '^ +(-[a-zA-Z], )?--?[a-z][a-z-]*' |
		tr -d ' ' | tr ',' '\n' | grep . | sort -u
}

# complete_words WORD...: what the completion offers for the command line
# WORD... (the last word is the one being completed).
complete_words() {
	bash -c '
		source /usr/share/bash-completion/bash_completion
		source "$1"
		shift
		COMP_WORDS=("$@")
		COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		COMP_LINE="${COMP_WORDS[*]}"
		COMP_POINT=${#COMP_LINE}
		_iopat iopat "${COMP_WORDS[-1]}" "${COMP_WORDS[-2]}"
		printf "%s\n" "${COMPREPLY[@]}"' sh "$STAGE/usr/share/bash-completion/completions/iopat" "$@" \
		2>/dev/null | sort -u
}

@test "make install: binary, manual pages and completion in place; pages render without warnings and name every option" {
	make -C "$REPO_ROOT" -s install BUILD="$BUILD_DIR" DESTDIR="$STAGE" PREFIX=/usr \
		>"$TESTDIR/make.log" 2>&1 || fail "make install failed: $(cat "$TESTDIR/make.log")"
	[ -x "$STAGE/usr/bin/iopat" ] || fail "no binary"
	[ -f "$STAGE/usr/share/bash-completion/completions/iopat" ] || fail "no completion"
	local page text opt
	for page in iopat $(printf 'iopat-%s ' $COMMANDS); do
		[ -f "$STAGE/usr/share/man/man1/$page.1" ] || fail "no page $page.1"
		text=$(MANWIDTH=80 man --warnings -l "$STAGE/usr/share/man/man1/$page.1" \
			2>"$TESTDIR/man.err") || fail "man -l $page.1 failed"
		[ ! -s "$TESTDIR/man.err" ] || fail "$page.1: $(cat "$TESTDIR/man.err")"
		grep -q "^SYNOPSIS" <<<"$text" || fail "$page.1 has no SYNOPSIS"
		grep -q "SEE ALSO" <<<"$text" || fail "$page.1 has no SEE ALSO"
	done
	for c in $COMMANDS; do
		text=$(MANWIDTH=200 man -l "$STAGE/usr/share/man/man1/iopat-$c.1" 2>/dev/null)
		while read -r opt; do
			grep -qF -- "$opt" <<<"$text" || fail "iopat-$c.1 does not name $opt"
		done < <(help_options "$c")
		# the synopsis is the whole usage, not its first line
		grep -A3 '^SYNOPSIS' <<<"$text" | grep -q -- '--help\|\]$\|ARGS\|OUT' ||
			fail "iopat-$c.1: synopsis cut: $(grep -A3 '^SYNOPSIS' <<<"$text")"
	done
}

@test "bash completion: commands, every option of each --help, the columns and sort keys iopat accepts" {
	make -C "$REPO_ROOT" -s install BUILD="$BUILD_DIR" DESTDIR="$STAGE" PREFIX=/usr \
		>"$TESTDIR/make.log" 2>&1 || fail "make install failed: $(cat "$TESTDIR/make.log")"
	# every command of `iopat --help`
	assert_equal "$(complete_words iopat "" | tr '\n' ' ')" \
		"$("$IOPAT" --help | awk '/^Commands:/ { f = 1; next } f && NF == 0 { f = 0 } f { print $1 }' | sort | tr '\n' ' ')"
	local c offered expected
	for c in $COMMANDS; do
		offered=$(complete_words iopat "$c" -)
		expected=$(help_options "$c")
		assert_equal "$offered" "$expected"
	done
	# the values: exactly what iopat accepts (its errors list them)
	offered=$(complete_words iopat top -o "" | tr '\n' ',' | sed 's/,$//')
	expected=$("$IOPAT" top -b -o nope 2>&1 | sed -n "s/.*unknown column 'nope': one of \([^ ]*\).*/\1/p" |
		tr ',' '\n' | sort | tr '\n' ',' | sed 's/,$//')
	[ -n "$expected" ] || fail "no column list in iopat's message"
	assert_equal "$offered" "$expected"
	offered=$(complete_words iopat top -s "" | tr '\n' ' ')
	expected=$("$IOPAT" top -b -s nope 2>&1 | sed -n "s/.*unknown sort column 'nope': one of \(.*\) (iopat.*/\1/p" |
		tr -s ', ' '\n\n' | sort | tr '\n' ' ')
	[ -n "$expected" ] || fail "no sort key list in iopat's message"
	assert_equal "$offered" "$expected"
	# a list: the last item completes, the ones before stay
	assert_equal "$(complete_words iopat top -o pid,sta)" "pid,stage"
	assert_equal "$(complete_words iopat report -f h)" "html"
	assert_equal "$(complete_words iopat export --format c)" "chrome
csv"
	# after --, or the first word after stat's options: a command
	complete_words iopat stat --depth 3 tru | grep -qx true || fail "stat does not complete a command"
	complete_words iopat record -o x -- tru | grep -qx true || fail "record -- does not complete a command"
}
