/* The tracepoints iopat attaches to, probed in the running kernel's BTF
 * before load: the programs of missing hooks and of fallbacks that are
 * not needed are turned off. Both BPF objects (iopat, record) name their
 * programs PREFIX + a hook's suffix. */
#ifndef IOPAT_HOOKS_H
#define IOPAT_HOOKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <bpf/libbpf.h>

/* Before either BPF object is opened, the one path for both: libbpf's
 * messages on stderr only when verbose (verifier logs), the privileges
 * (root, or CAP_BPF and CAP_PERFMON), the kernel's BTF, locked memory.
 * 0, or 1 after a one-line message prefixed with who ("iopat stat"). */
int hooks_prepare(const char *who, bool verbose);

/* The message for a failed load of an object's programs: the error, and
 * how to see the verifier's log when not verbose. */
void hooks_load_error(const char *who, int err, bool verbose);

/* Returns 0, or 1 after a printed message (a required hook is missing,
 * or BTF is unreadable). list gets "sys_exit,io_uring_complete,...". */
int hooks_choose(struct bpf_object *obj, const char *prefix, char *list, size_t len,
		 const char *who);

/* Runs of the object's programs skipped because one was already running
 * on that CPU (bpf_prog_info.recursion_misses), summed. */
uint64_t hooks_recursion_misses(struct bpf_object *obj);

/* Once every program of an object is attached: the system-call exit
 * programs forget the tasks they remember (bpf/common.bpf.h, task_memo),
 * as tasks that exited before the exit program was attached were not
 * counted in task_exit_gen. Takes the object's .bss task_exit_gen. */
void hooks_forget_tasks(volatile __u64 *task_exit_gen);

#endif
