#!/bin/sh
# man-help.sh IOPAT [COMMAND] --help|--version
#
# What help2man reads to write the manual pages: `iopat [COMMAND] --help`
# with the usage's continuation lines joined to its first (help2man takes
# only the first line of a usage for the SYNOPSIS), or the version line.
# The help text stays the one source of every page.
iopat=$1 cmd=$2 opt=$3
case $opt in
--version)
	# "iopat-top (iopat) 0.1.0": the page's name and title
	if [ -n "$cmd" ]; then
		"$iopat" version | sed "s/^iopat /iopat-$cmd (iopat) /"
	else
		"$iopat" version
	fi
	;;
--help)
	# shellcheck disable=SC2086 # no COMMAND: no word
	"$iopat" $cmd --help | awk '
		/^Usage:/ { usage = $0; joining = 1; next }
		joining && /^ +\[/ { sub(/^ +/, " "); usage = usage $0; next }
		joining { print usage; joining = 0 }
		{ print }
		END { if (joining) print usage }'
	;;
*)
	echo "man-help.sh: unknown option '$opt'" >&2
	exit 2
	;;
esac
