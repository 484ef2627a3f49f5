// SPDX-License-Identifier: GPL-2.0
/* The benchmark's floor: an empty program on the same hook, attached the
 * same way (tp_btf) as iopat's system-call program. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

SEC("tp_btf/sys_exit")
int BPF_PROG(empty_sys_exit, struct pt_regs *regs, long ret)
{
	return 0;
}
