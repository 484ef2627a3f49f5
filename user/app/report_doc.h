/* The Markdown and HTML reports: one document (headings, paragraphs,
 * tables) written through the ops of a markup language, so both formats
 * carry the same figures. Every piece of text goes through the
 * language's escaping function. */
#ifndef IOPAT_REPORT_DOC_H
#define IOPAT_REPORT_DOC_H

#include <stdio.h>
#include "report.h"

enum doc_align {
	DOC_LEFT,
	DOC_RIGHT,
};

struct doc_col {
	const char *name;
	enum doc_align align;
};

struct doc;

struct doc_ops {
	void (*escape)(FILE *out, const char *s);
	/* around the document; may be NULL */
	void (*begin)(struct doc *d, const struct report *r);
	void (*end)(struct doc *d);
	void (*heading_begin)(struct doc *d, int level);
	void (*heading_end)(struct doc *d, int level);
	void (*para_begin)(struct doc *d);
	void (*para_end)(struct doc *d);
	void (*table_begin)(struct doc *d);	/* the header row of d->cols */
	void (*row_begin)(struct doc *d);
	void (*cell_begin)(struct doc *d, const struct doc_col *col);
	void (*cell_end)(struct doc *d);
	void (*row_end)(struct doc *d);
	void (*table_end)(struct doc *d);
	/* charts after a host's summary and after the combined one; may be NULL */
	void (*host_figures)(struct doc *d, const struct report *r, const struct report_host *h);
	void (*combined_figures)(struct doc *d, const struct report *r);
	/* the fast tier's curve, after the sizing figures; NULL: none */
	void (*cache_figure)(struct doc *d, const struct report_host *h);
};

struct doc {
	FILE *out;
	const struct doc_ops *ops;
	const struct doc_col *cols;	/* of the open table */
	size_t ncols, col;
};

/* Escaped text. */
void doc_text(struct doc *d, const char *s);
/* Formatted, then escaped as a whole (arguments may be untrusted). */
void doc_printf(struct doc *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void doc_heading(struct doc *d, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void doc_para(struct doc *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A table of n columns: cells fill rows left to right. */
void doc_table_begin(struct doc *d, const struct doc_col *cols, size_t n);
void doc_cell(struct doc *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A cell written in pieces (doc_text, doc_printf) between the two. */
void doc_cell_begin(struct doc *d);
void doc_cell_end(struct doc *d);
void doc_table_end(struct doc *d);

/* The whole report: per host, then combined when there are several. */
void report_doc_render(FILE *out, const struct doc_ops *ops, const struct report *r);

#endif
