#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <linux/capability.h>
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
	{ "sched_switch", "sched_switch", false, "time blocked on I/O is not measured" },
};

#define NHOOKS (sizeof(hooks) / sizeof(hooks[0]))
#define HOOK_BLOCK_IO_START 3

static bool btf_has_tracepoint(const struct btf *btf, const char *tp)
{
	char name[128];

	snprintf(name, sizeof(name), "btf_trace_%s", tp);
	return btf__find_by_name_kind(btf, name, BTF_KIND_TYPEDEF) > 0;
}

#define VMLINUX_BTF "/sys/kernel/btf/vmlinux"

static bool verbose_libbpf;

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_DEBUG || !verbose_libbpf)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

static bool have_privileges(const char *who)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2] = {};
	uint64_t eff;

	if (geteuid() == 0)
		return true;
	if (syscall(SYS_capget, &hdr, data) == 0) {
		eff = data[0].effective | ((uint64_t)data[1].effective << 32);
		if (eff & (1ULL << CAP_SYS_ADMIN))
			return true;
		if ((eff & (1ULL << CAP_BPF)) && (eff & (1ULL << CAP_PERFMON)))
			return true;
	}
	fprintf(stderr, "%s: permission denied: tracing needs root "
		"(or CAP_BPF and CAP_PERFMON)\n", who);
	return false;
}

int hooks_prepare(const char *who, bool verbose)
{
	struct rlimit rl = { RLIM_INFINITY, RLIM_INFINITY };

	verbose_libbpf = verbose;
	libbpf_set_print(libbpf_print);
	if (!have_privileges(who))
		return 1;
	if (access(VMLINUX_BTF, R_OK)) {
		fprintf(stderr, "%s: kernel has no BTF (%s missing): "
			"iopat needs CONFIG_DEBUG_INFO_BTF=y\n", who, VMLINUX_BTF);
		return 1;
	}
	setrlimit(RLIMIT_MEMLOCK, &rl);
	return 0;
}

void hooks_load_error(const char *who, int err, bool verbose)
{
	fprintf(stderr, "%s: cannot load BPF programs: %s%s\n", who, strerror(-err),
		verbose ? "" : " (run with -v for the verifier log)");
}

int hooks_choose(struct bpf_object *obj, const char *prefix, char *list, size_t len,
		 const char *who)
{
	struct btf *btf = btf__load_vmlinux_btf();
	bool have[NHOOKS];
	size_t used = 0;

	if (!btf) {
		fprintf(stderr, "%s: cannot read kernel BTF (%s): %s\n", who, VMLINUX_BTF,
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
			fprintf(stderr, "%s: kernel lacks tracepoint %s (needed)\n", who,
				h->tracepoint);
			return 1;
		}
		if (!have[i] && h->without[0])
			fprintf(stderr, "%s: warning: kernel lacks tracepoint %s: %s\n", who,
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
