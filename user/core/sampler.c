#include <string.h>
#include "sampler.h"

void rate_sampler_tick(struct rate_sampler *rs, const struct io_totals *now,
		       uint64_t now_ns)
{
	struct io_totals d;
	struct rate_peaks *p = &rs->peaks;
	double secs;

	if (!rs->started) {
		rs->last = *now;
		rs->last_ns = now_ns;
		rs->started = true;
		return;
	}
	secs = (now_ns - rs->last_ns) / 1e9;
	if (secs < 0.5)
		return;
	io_totals_sub(&d, now, &rs->last);
	sizing_add(&rs->sizing, &(struct sizing_sample){
		.seconds = secs, .read_ops = d.read_ops, .write_ops = d.write_ops,
		.read_bytes = d.read_bytes, .write_bytes = d.write_bytes });
#define PEAK(f) p->f = d.f / secs > p->f ? d.f / secs : p->f
	PEAK(read_bytes);
	PEAK(write_bytes);
	PEAK(read_ops);
	PEAK(write_ops);
	PEAK(dev_read_bytes);
	PEAK(dev_write_bytes);
	PEAK(dev_read_ops);
	PEAK(dev_write_ops);
#undef PEAK
	p->seconds++;
	rs->last = *now;
	rs->last_ns = now_ns;
}

/* Writes since the last sample, as one interval of the burst series. */
void run_sampler_writes(struct run_sampler *r, const struct io_totals *sum,
			       uint64_t now_ns)
{
	if (r->ticks && now_ns > r->last_ns)
		bursts_add(&r->bursts, (r->last_ns - r->t0) / 1e9, (now_ns - r->last_ns) / 1e9,
			   (double)(sum->write_bytes - r->last.write_bytes));
}

/* One 100 ms sample: duty cycle (samples with any I/O), write bursts. */
void run_sampler_tick(struct run_sampler *r, const struct io_totals *sum,
			     uint64_t now_ns)
{
	run_sampler_writes(r, sum, now_ns);
	if (r->ticks++ && !io_totals_same_io(sum, &r->last))
		r->busy_ticks++;
	r->last = *sum;
	r->last_ns = now_ns;
}

void run_sampler_free(struct run_sampler *r)
{
	sizing_free(&r->rates.sizing);
	bursts_free(&r->bursts);
}
