#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include "hooks.h"

/* A hook that the running kernel may lack, and what is lost without it. */
struct hook {
	const char *tracepoint;
	const char *prog;	/* program name without the object's prefix */
	bool required;
	const char *without;
};

static const struct hook hooks[] = {
	{ "sys_exit", "sys_exit", true, "" },
	{ "io_uring_complete", "io_uring_complete", false, "io_uring I/O is not counted" },
	{ "mm_filemap_add_to_page_cache", "page_cache_add", false,
	  "page-cache misses are not counted" },
	{ "block_io_start", "block_io_start", false, "" },
	{ "block_rq_insert", "block_rq_insert", false, "" },
	{ "block_rq_issue", "block_rq_issue", false, "device-level I/O is not counted" },
	{ "block_rq_complete", "block_rq_complete", false, "device-level I/O is not counted" },
	{ "block_rq_requeue", "block_rq_requeue", false, "" },
	{ "block_rq_merge", "block_rq_merge", false, "" },
	{ "block_io_done", "block_io_done", false, "" },
	{ "sched_process_fork", "process_fork", true, "" },
	{ "sched_process_exec", "process_exec", false, "process names are the pre-exec ones" },
	{ "sched_process_exit", "process_exit", true, "" },
	{ "cgroup_attach_task", "cgroup_attach", false,
	  "a process moved to another cgroup stays under its first one" },
};

#define NHOOKS (sizeof(hooks) / sizeof(hooks[0]))
#define HOOK_BLOCK_IO_START 3

static bool btf_has_tracepoint(const struct btf *btf, const char *tp)
{
	char name[128];

	snprintf(name, sizeof(name), "btf_trace_%s", tp);
	return btf__find_by_name_kind(btf, name, BTF_KIND_TYPEDEF) > 0;
}

int hooks_choose(struct bpf_object *obj, const char *prefix, char *list, size_t len)
{
	struct btf *btf = btf__load_vmlinux_btf();
	bool have[NHOOKS];
	size_t used = 0;

	if (!btf) {
		fprintf(stderr, "iopat: cannot read kernel BTF (/sys/kernel/btf/vmlinux): %s\n",
			strerror(errno));
		return 1;
	}
	for (size_t i = 0; i < NHOOKS; i++)
		have[i] = btf_has_tracepoint(btf, hooks[i].tracepoint);
	btf__free(btf);
	list[0] = '\0';
	for (size_t i = 0; i < NHOOKS; i++) {
		const struct hook *h = &hooks[i];
		struct bpf_program *prog;
		char name[64];
		bool on = have[i];

		/* block_rq_insert only stands in for a missing block_io_start */
		if (!strcmp(h->tracepoint, "block_rq_insert"))
			on = on && !have[HOOK_BLOCK_IO_START];
		if (!have[i] && h->required) {
			fprintf(stderr, "iopat: kernel lacks tracepoint %s (needed)\n",
				h->tracepoint);
			return 1;
		}
		if (!have[i] && h->without[0])
			fprintf(stderr, "iopat: warning: kernel lacks tracepoint %s: %s\n",
				h->tracepoint, h->without);
		snprintf(name, sizeof(name), "%s%s", prefix, h->prog);
		prog = bpf_object__find_program_by_name(obj, name);
		if (!prog)
			continue;
		bpf_program__set_autoload(prog, on);
		if (on && used < len)
			used += snprintf(list + used, len - used, "%s%s", used ? "," : "",
					 h->tracepoint);
	}
	return 0;
}

uint64_t hooks_recursion_misses(struct bpf_object *obj)
{
	struct bpf_program *prog;
	uint64_t total = 0;

	bpf_object__for_each_program(prog, obj) {
		struct bpf_prog_info info = {};
		__u32 len = sizeof(info);
		int fd = bpf_program__fd(prog);

		if (fd < 0 || bpf_obj_get_info_by_fd(fd, &info, &len))
			continue;
		total += info.recursion_misses;
	}
	return total;
}

void hooks_forget_tasks(volatile __u64 *task_exit_gen)
{
	__atomic_fetch_add(task_exit_gen, 1, __ATOMIC_SEQ_CST);
}
