# bash completion for iopat(1): the commands, each command's options, and
# the values some options take (columns, sort keys, groupings, formats,
# files, users, pids; after `--`, a command line). The tests check these
# lists against `iopat COMMAND --help` and the values iopat accepts.

_iopat_top_columns="pid comm procs user read write iops riops wiops rw avg dom seq dev p50 p99 miss wait stage tier"
_iopat_sort_keys="pid comm read write iops riops wiops size seq dev lat miss wait total"
_iopat_groups="pid job cgroup comm"

_iopat_options()
{
	case $1 in
	top)
		echo "-d --delay -b --batch -t --timestamps -a --accumulated --only -u --user
		      --json -n --iterations -p --pid -c --comm -s --sort -o --columns
		      -g --group --window --config --from --speed -v --verbose -h --help"
		;;
	stat)
		echo "-j --json -o --output --depth --curve --config -g --group -a --all
		      -v --verbose -h --help"
		;;
	record)
		echo "-o --output -d --duration -p --pid -c --comm --max-size --buffer
		      -v --verbose -h --help"
		;;
	report)
		echo "-f --format -o --output -g --group -n --workloads --depth --config
		      -a --all -h --help"
		;;
	serve)
		echo "--listen -g --group --top --textfile -d --delay --config -v --verbose
		      -h --help"
		;;
	export)
		echo "-f --format -o --output -h --help"
		;;
	esac
}

# The comma-separated list being typed: complete its last item.
_iopat_list()
{
	local cur=$1 items=$2 done_part=""

	[[ $cur == *,* ]] && done_part=${cur%,*},
	COMPREPLY=($(compgen -P "$done_part" -W "$items" -- "${cur##*,}"))
	compopt -o nospace 2>/dev/null
}

_iopat()
{
	local cur prev words cword cmd i
	_init_completion || return

	for ((i = 1; i < cword; i++)); do
		if [[ ${words[i]} == -- ]]; then
			_command_offset $((i + 1))
			return
		fi
	done
	if ((cword == 1)); then
		COMPREPLY=($(compgen -W "top stat record report serve export version help" -- "$cur"))
		return
	fi
	cmd=${words[1]}

	case $cmd:$prev in
	top:-o | top:--columns)
		_iopat_list "$cur" "$_iopat_top_columns"
		return
		;;
	top:-s | top:--sort)
		COMPREPLY=($(compgen -W "$_iopat_sort_keys" -- "$cur"))
		return
		;;
	*:-g | *:--group)
		COMPREPLY=($(compgen -W "$_iopat_groups" -- "$cur"))
		return
		;;
	top:-u | top:--user)
		COMPREPLY=($(compgen -u -- "$cur"))
		return
		;;
	*:-p | *:--pid)
		_pids
		return
		;;
	top:-c | top:--comm | record:-c | record:--comm)
		_pnames
		return
		;;
	report:-f | report:--format)
		COMPREPLY=($(compgen -W "text md json html" -- "$cur"))
		return
		;;
	export:-f | export:--format)
		COMPREPLY=($(compgen -W "csv jsonl chrome" -- "$cur"))
		return
		;;
	*:-o | *:--output | *:--config | top:--from | serve:--textfile)
		_filedir
		return
		;;
	*:-d | *:--delay | *:--duration | *:-n | *:--iterations | *:--workloads | \
		*:--depth | *:--window | *:--speed | *:--max-size | *:--buffer | \
		serve:--top | serve:--listen)
		return	# a number or a size: nothing to offer
		;;
	esac

	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$(_iopat_options "$cmd")" -- "$cur"))
	elif [[ $cmd == report || $cmd == export ]]; then
		_filedir
	elif [[ $cmd == stat || $cmd == record ]]; then
		# the command to run starts at the first word that is neither an
		# option nor an option's value
		for ((i = 2; i < cword; i++)); do
			case ${words[i]} in
			-o | --output | --depth | --config | -g | --group | -d | --duration | \
				-p | --pid | -c | --comm | --max-size | --buffer)
				((i++))
				;;
			-*) ;;
			*) break ;;
			esac
		done
		_command_offset "$i"
	fi
}
complete -F _iopat iopat
