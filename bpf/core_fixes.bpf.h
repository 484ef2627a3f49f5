/* SPDX-License-Identifier: GPL-2.0 */
/* Kernel-version differences, read with CO-RE. */
#ifndef IOPAT_CORE_FIXES_H
#define IOPAT_CORE_FIXES_H

#include <bpf/bpf_core_read.h>

/* Linux 6.1-6.5 kept a large folio's order in folio->_folio_order;
 * 6.6 moved it into the low byte of folio->_flags_1. */
struct folio___old {
	unsigned char _folio_order;
} __attribute__((preserve_access_index));

struct folio___new {
	unsigned long _flags_1;
} __attribute__((preserve_access_index));

/* Bytes held by a folio. The flags word is read as a plain unsigned long:
 * 6.17 wrapped it in memdesc_flags_t without moving it. */
static __always_inline __u64 folio_bytes(struct folio *folio)
{
	unsigned long flags = 0;
	unsigned int order = 0;
	int head = bpf_core_enum_value(enum pageflags, PG_head);

	bpf_probe_read_kernel(&flags, sizeof(flags), &folio->flags);
	if (flags & (1UL << head)) {
		if (bpf_core_field_exists(struct folio___new, _flags_1)) {
			struct folio___new *f = (void *)folio;
			order = BPF_CORE_READ(f, _flags_1) & 0xff;
		} else if (bpf_core_field_exists(struct folio___old, _folio_order)) {
			struct folio___old *f = (void *)folio;
			order = BPF_CORE_READ(f, _folio_order);
		}
	}
	return 4096ULL << (order & 31);
}

/* Linux 6.5 added block_io_start/block_io_done; their presence is probed
 * from user space (see collector.c), not here. */

#endif
