/* `iopat report -f md`: Markdown for pasting into a ticket (GitHub
 * tables); untrusted text through md_escape(). */
#include "markup.h"
#include "report_doc.h"

static void md_heading_begin(struct doc *d, int level)
{
	for (int i = 0; i < level; i++)
		fputc('#', d->out);
	fputc(' ', d->out);
}

static void md_block_end(struct doc *d)
{
	fputs("\n\n", d->out);
}

static void md_heading_end(struct doc *d, int level)
{
	md_block_end(d);
}

static void md_para_begin(struct doc *d)
{
}

static void md_table_begin(struct doc *d)
{
	fputc('|', d->out);
	for (size_t i = 0; i < d->ncols; i++) {
		fputc(' ', d->out);
		md_escape(d->out, d->cols[i].name);
		fputs(" |", d->out);
	}
	fputs("\n|", d->out);
	for (size_t i = 0; i < d->ncols; i++)
		fputs(d->cols[i].align == DOC_RIGHT ? " --: |" : " --- |", d->out);
	fputc('\n', d->out);
}

static void md_row_begin(struct doc *d)
{
	fputc('|', d->out);
}

static void md_cell_begin(struct doc *d, const struct doc_col *col)
{
	fputc(' ', d->out);
}

static void md_cell_end(struct doc *d)
{
	fputs(" |", d->out);
}

static void md_row_end(struct doc *d)
{
	fputc('\n', d->out);
}

static void md_table_end(struct doc *d)
{
	fputc('\n', d->out);
}

static const struct doc_ops md_ops = {
	.escape = md_escape,
	.heading_begin = md_heading_begin,
	.heading_end = md_heading_end,
	.para_begin = md_para_begin,
	.para_end = md_block_end,
	.table_begin = md_table_begin,
	.row_begin = md_row_begin,
	.cell_begin = md_cell_begin,
	.cell_end = md_cell_end,
	.row_end = md_row_end,
	.table_end = md_table_end,
};

static void render_md(FILE *out, const struct report *r)
{
	report_doc_render(out, &md_ops, r);
}

const struct report_format report_format_md = { "md", render_md };
