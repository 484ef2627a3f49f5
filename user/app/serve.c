/* `iopat serve`: a Prometheus exporter. The collection is top's (-a, on
 * its own clock); each refresh renders the metrics once, and a scrape
 * answers the last rendering, so a scrape never touches the kernel maps
 * and never waits for a refresh. HTTP is libmicrohttpd's, one internal
 * epoll thread for every connection. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <microhttpd.h>
#include "cli.h"
#include "clock.h"
#include "collector.h"
#include "commands.h"
#include "container.h"
#include "devnames.h"
#include "procfs.h"
#include "prom.h"
#include "top.h"

#define WHO "iopat serve"
#define SERVE_PORT_DEFAULT "9464"
#define SERVE_TOP_DEFAULT 50
/* series of an ended workload stay this long (at least 4 refreshes) */
#define SERVE_GRACE_S 60
#define SERVE_CONNECTIONS 1000
#define SERVE_TIMEOUT_S 10

enum {
	OPT_LISTEN = CLI_LONG_ONLY,
	OPT_TOP,
	OPT_TEXTFILE,
	OPT_CONFIG,
};

static const struct cli_option serve_options[] = {
	{ OPT_LISTEN, "listen", "ADDR:PORT",
	  "where to answer (default 127.0.0.1:" SERVE_PORT_DEFAULT "; [::1]:PORT for\n"
	  "IPv6, 0.0.0.0:PORT for every address)" },
	{ 'g', "group", "BY",
	  "a workload is a job (default: a process and its\n"
	  "descendants), cgroup, comm (name) or pid" },
	{ OPT_TOP, "top", "N",
	  "workloads with series of their own, by bytes (default\n"
	  "50); the others are summed under workload=\"other\"" },
	{ OPT_TEXTFILE, "textfile", "PATH",
	  "also write the metrics to PATH every interval (written\n"
	  "beside it, then renamed: node_exporter's textfile)" },
	{ 'd', "delay", "SECS",
	  "collect every SECS seconds (default 1, > 0)" },
	{ OPT_CONFIG, "config", "FILE",
	  "thresholds and program files ([classify], [program];\n"
	  "see README)" },
	{ 'v', "verbose", NULL,
	  "show libbpf messages" },
	{ 'h', "help", NULL,
	  "this help" },
};

static const struct cli_command serve_cmd = {
	.name = "serve",
	.synopsis = "[--listen ADDR:PORT] [--group BY] [--top N] [--textfile PATH]\n"
		    "                   [-d SECS] [--config FILE] [-v]",
	.about = "Prometheus exporter: /metrics in the text exposition format (OpenMetrics\n"
		 "when the scraper asks for it), collected on its own clock.",
	.opts = serve_options,
	.nopts = sizeof(serve_options) / sizeof(serve_options[0]),
	.after = "Runs in the foreground until SIGINT or SIGTERM; one line per start, stop\n"
		 "and error on stderr.",
};

/* The last rendering, which scrapes copy. */
struct published {
	pthread_mutex_t lock;
	char *text, *om;
	size_t text_len, om_len;
	unsigned long scrapes;
};

struct serve {
	struct sockaddr_storage addr;
	socklen_t addrlen;
	char addr_str[80];
	const char *textfile;
	int textfile_err;	/* the last error said, so it is said once */
	struct MHD_Daemon *httpd;
	struct published pub;
	struct prom_model model;
	struct prom_text text, om;
	struct prom_workload *in;
	size_t cap_in;
	char (*names)[GROUP_LABEL_LEN + 16];
	size_t cap_names;
	struct cgroup_names cgroups;
	struct container_info *ct;
	char (*ctlabel)[96];
	size_t cap_ct;
};

static struct serve *the_serve;	/* the view's state */

/* ---- options ---- */

/* ADDR:PORT, [V6]:PORT or :PORT into s. 0, or 2 after a usage error. */
static int parse_listen(struct serve *s, const char *arg)
{
	char host[64], port[16];
	const char *colon = strrchr(arg, ':');
	struct addrinfo hints = { .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV,
				  .ai_socktype = SOCK_STREAM }, *ai = NULL;
	size_t hl;
	char *end;
	long p;

	if (!colon || !colon[1] || strlen(colon + 1) >= sizeof(port))
		return cli_usage_error(&serve_cmd, "--listen '%s': ADDR:PORT, e.g. 127.0.0.1:9464",
				       arg);
	hl = (size_t)(colon - arg);
	if (hl >= 2 && arg[0] == '[' && arg[hl - 1] == ']')
		arg++, hl -= 2;
	if (hl >= sizeof(host))
		return cli_usage_error(&serve_cmd, "--listen: address too long");
	memcpy(host, arg, hl);
	host[hl] = '\0';
	snprintf(port, sizeof(port), "%s", colon + 1);
	p = strtol(port, &end, 10);
	if (*end || p < 1 || p > 65535)
		return cli_usage_error(&serve_cmd, "--listen: bad port '%s' (1 to 65535)", port);
	if (getaddrinfo(hl ? host : "0.0.0.0", port, &hints, &ai) || !ai)
		return cli_usage_error(&serve_cmd, "--listen: '%s' is not a numeric IPv4 or IPv6 "
				       "address", host);
	memcpy(&s->addr, ai->ai_addr, ai->ai_addrlen);
	s->addrlen = ai->ai_addrlen;
	freeaddrinfo(ai);
	snprintf(s->addr_str, sizeof(s->addr_str), "%s%s%s:%ld",
		 s->addr.ss_family == AF_INET6 ? "[" : "", hl ? host : "0.0.0.0",
		 s->addr.ss_family == AF_INET6 ? "]" : "", p);
	return 0;
}

struct serve_opts {
	struct collector_opts copts;
	size_t top;
};

static int serve_option(struct serve *s, struct serve_opts *o, struct top_state *st, int opt,
			const char *arg)
{
	char *end;
	double d;
	long n;

	switch (opt) {
	case OPT_LISTEN:
		return parse_listen(s, arg);
	case 'g':
		if (!group_by_parse(arg, &st->group))
			return 0;
		return cli_usage_error(&serve_cmd, "unknown grouping '%s': pid, job, cgroup or "
				       "comm", arg);
	case OPT_TOP:
		errno = 0;
		n = strtol(arg, &end, 10);
		if (!*arg || *end || errno || n < 1 || n > 100000)
			return cli_usage_error(&serve_cmd, "--top: '%s' is not a whole number from "
					       "1 to 100000", arg);
		o->top = (size_t)n;
		return 0;
	case OPT_TEXTFILE:
		s->textfile = arg;
		return 0;
	case 'd':
		errno = 0;
		d = strtod(arg, &end);
		if (!*arg || *end || errno || !(d > 0) || d > 86400)
			return cli_usage_error(&serve_cmd, "bad interval '%s': a number of seconds "
					       "> 0", arg);
		st->interval_s = d;
		return 0;
	case OPT_CONFIG:
		return top_state_config(st, arg, WHO);
	case 'v':
		o->copts.verbose = true;
		return 0;
	case 'h':
		cli_help(stdout, &serve_cmd);
		return 1;
	}
	return 2;
}

static int serve_parse(int argc, char **argv, struct serve *s, struct serve_opts *o,
		       struct top_state *st)
{
	struct cli_parser cp;
	const char *arg;
	int opt, ret;

	if (parse_listen(s, "127.0.0.1:" SERVE_PORT_DEFAULT))
		return 2;
	cli_begin(&cp, &serve_cmd, argc, argv);
	while ((opt = cli_next(&cp, &arg)) != CLI_END) {
		ret = opt == CLI_BAD ? 2 : serve_option(s, o, st, opt, arg);
		if (ret)
			return ret;
	}
	if (cli_rest(&cp) < argc)
		return cli_usage_error(&serve_cmd, "unexpected argument '%s'",
				       argv[cli_rest(&cp)]);
	return 0;
}

/* ---- HTTP ---- */

static const char index_page[] =
	"<!DOCTYPE html>\n<html><head><title>iopat exporter</title></head><body>\n"
	"<h1>iopat exporter</h1>\n<p>File and block I/O per workload: access patterns, "
	"pipeline stages, storage tiers.</p>\n"
	"<p><a href=\"/metrics\">/metrics</a></p>\n</body></html>\n";

static enum MHD_Result answer(struct MHD_Connection *c, unsigned int code, const char *type,
			      void *body, size_t len, enum MHD_ResponseMemoryMode mode)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(len, body, mode);
	enum MHD_Result ret;

	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	ret = MHD_queue_response(c, code, r);
	MHD_destroy_response(r);
	return ret;
}

static bool wants_openmetrics(struct MHD_Connection *c)
{
	const char *accept = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
							 MHD_HTTP_HEADER_ACCEPT);

	return accept && strstr(accept, "application/openmetrics-text");
}

/* The last rendering, copied (the next refresh replaces it). */
static enum MHD_Result answer_metrics(struct serve *s, struct MHD_Connection *c)
{
	bool om = wants_openmetrics(c);
	char *copy;
	size_t len;

	pthread_mutex_lock(&s->pub.lock);
	len = om ? s->pub.om_len : s->pub.text_len;
	copy = malloc(len ? len : 1);
	if (copy)
		memcpy(copy, om ? s->pub.om : s->pub.text, len);
	s->pub.scrapes++;
	pthread_mutex_unlock(&s->pub.lock);
	if (!copy)
		return answer(c, MHD_HTTP_SERVICE_UNAVAILABLE, "text/plain", "out of memory\n", 14,
			      MHD_RESPMEM_PERSISTENT);
	return answer(c, MHD_HTTP_OK, om ?
		      "application/openmetrics-text; version=1.0.0; charset=utf-8" :
		      "text/plain; version=0.0.4; charset=utf-8", copy, len, MHD_RESPMEM_MUST_FREE);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
				  const char *method, const char *version, const char *data,
				  size_t *data_size, void **con_cls)
{
	struct serve *s = cls;

	(void)version, (void)data;
	/* the first call sees the headers: answer on the second, after any body */
	if (!*con_cls) {
		*con_cls = c;
		return MHD_YES;
	}
	if (*data_size) {
		*data_size = 0;	/* a body is read and ignored */
		return MHD_YES;
	}
	if (strcmp(method, MHD_HTTP_METHOD_GET) && strcmp(method, MHD_HTTP_METHOD_HEAD))
		return answer(c, MHD_HTTP_METHOD_NOT_ALLOWED, "text/plain",
			      "only GET and HEAD\n", 18, MHD_RESPMEM_PERSISTENT);
	if (!strcmp(url, "/metrics"))
		return answer_metrics(s, c);
	if (!strcmp(url, "/"))
		return answer(c, MHD_HTTP_OK, "text/html; charset=utf-8", (void *)index_page,
			      sizeof(index_page) - 1, MHD_RESPMEM_PERSISTENT);
	return answer(c, MHD_HTTP_NOT_FOUND, "text/plain", "not found: try /metrics\n", 24,
		      MHD_RESPMEM_PERSISTENT);
}

/* Room for the connections asked for: the open-file limit raised to its
 * hard limit. */
static void raise_nofile(void)
{
	struct rlimit rl;

	if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

static int http_start(struct serve *s)
{
	unsigned int flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL;
	sigset_t stop, old;

	if (s->addr.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	raise_nofile();
	/* the HTTP thread is born with the stop signals blocked: they reach
	 * the collection's thread, whose wait they cut short */
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &stop, &old);
	s->httpd = MHD_start_daemon(flags, 0, NULL, NULL, on_request, s,
				    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&s->addr,
				    MHD_OPTION_CONNECTION_LIMIT, (unsigned int)SERVE_CONNECTIONS,
				    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)SERVE_TIMEOUT_S,
				    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)32768,
				    MHD_OPTION_LISTENING_ADDRESS_REUSE, (unsigned int)1,
				    MHD_OPTION_END);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (!s->httpd) {
		fprintf(stderr, WHO ": cannot listen on %s: %s\n", s->addr_str,
			errno ? strerror(errno) : "address in use or not available");
		return 1;
	}
	return 0;
}

/* ---- the view: each refresh, the metrics ---- */

static const char *dev_name(void *ctx, uint32_t dev, char *buf, size_t len)
{
	(void)ctx;
	return devname_lookup(dev, buf, len);
}

static int reserve_inputs(struct serve *s, size_t n)
{
	if (n <= s->cap_in)
		return 0;
	free(s->in);
	free(s->names);
	free(s->ct);
	free(s->ctlabel);
	s->in = calloc(n, sizeof(*s->in));
	s->names = calloc(n, sizeof(*s->names));
	s->ct = calloc(n, sizeof(*s->ct));
	s->ctlabel = calloc(n, sizeof(*s->ctlabel));
	s->cap_in = s->in && s->names && s->ct && s->ctlabel ? n : 0;
	return s->cap_in ? 0 : -ENOMEM;
}

/* A row as a workload: its name (unique while it lives), its cgroup and
 * container. */
static void workload_of(struct serve *s, struct top_state *st, const struct top_row *r, size_t i)
{
	struct prom_workload *w = &s->in[i];
	const struct group_row *g = r->group;
	const char *cg;

	if (r->pid == IOPAT_PID_WRITEBACK && (!g || g->key.writeback))
		snprintf(s->names[i], sizeof(s->names[i]), "[writeback]");
	else if (st->group == GROUP_JOB)
		snprintf(s->names[i], sizeof(s->names[i]), "%s/%u", g ? g->label : r->comm, r->pid);
	else if (st->group == GROUP_PID)
		snprintf(s->names[i], sizeof(s->names[i]), "%s/%u", r->comm, r->pid);
	else
		snprintf(s->names[i], sizeof(s->names[i]), "%s", g ? g->label : r->comm);
	cg = st->group == GROUP_CGROUP && g ? g->label : cgroup_name(&s->cgroups, r->cgroup_id);
	container_from_cgroup(cg, &s->ct[i]);
	*w = (struct prom_workload){
		.name = s->names[i], .comm = r->comm, .cgroup = cg,
		.container = container_label(s->ctlabel[i], sizeof(s->ctlabel[i]), &s->ct[i]),
		.pod = s->ct[i].pod_uid, .io = r->d, .v = &r->v,
		.unique_read_bytes = r->d.unique_read_bytes -
				     (r->d.fs.prog_unique_read_bytes < r->d.unique_read_bytes ?
				      r->d.fs.prog_unique_read_bytes : r->d.unique_read_bytes),
		.unique_write_bytes = r->d.unique_write_bytes,
	};
}

/* The metrics to PATH: written beside it, then renamed over it, so a
 * reader sees the last whole file. An error is said when it changes. */
static void write_textfile(struct serve *s)
{
	char tmp[4096];
	int fd, err = 0;

	snprintf(tmp, sizeof(tmp), "%s.%d.tmp", s->textfile, (int)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		err = errno;
	} else {
		size_t off = 0;

		while (off < s->text.len && !err) {
			ssize_t w = write(fd, s->text.buf + off, s->text.len - off);

			if (w < 0 && errno != EINTR)
				err = errno;
			else if (w > 0)
				off += (size_t)w;
		}
		if (close(fd) && !err)
			err = errno;
		if (!err && rename(tmp, s->textfile))
			err = errno;
		if (err)
			unlink(tmp);
	}
	if (err && err != s->textfile_err)
		fprintf(stderr, WHO ": cannot write %s: %s\n", s->textfile, strerror(err));
	else if (!err && s->textfile_err)
		fprintf(stderr, WHO ": writing %s again\n", s->textfile);
	s->textfile_err = err;
}

static int serve_show(struct top_state *st)
{
	struct serve *s = the_serve;
	struct prom_self self = {
		.version = iopat_version, .drops = st->drops_cum,
		.tracked_processes = (double)st->map_procs,
		.refresh_s = st->refresh_wall_ms / 1e3, .refreshes = (double)st->iteration,
		.ready = true,
	};
	char *t, *o;
	int err;

	if (reserve_inputs(s, st->all.n ? st->all.n : 1))
		return -ENOMEM;
	for (size_t i = 0; i < st->all.n; i++)
		workload_of(s, st, &st->all.rows[i], i);
	err = prom_model_update(&s->model, s->in, st->all.n, mono_ns());
	if (!err && st->snap)
		err = prom_model_devices(&s->model, st->snap, dev_name, NULL);
	if (err)
		return err;
	prom_render(&s->text, &s->model, &self);
	prom_render(&s->om, &s->model, &self);
	if (s->text.oom || s->om.oom)
		return -ENOMEM;
	t = malloc(s->text.len + 1);
	o = malloc(s->om.len + 1);
	if (!t || !o) {
		free(t);
		free(o);
		return -ENOMEM;
	}
	memcpy(t, s->text.buf, s->text.len);
	memcpy(o, s->om.buf, s->om.len);
	pthread_mutex_lock(&s->pub.lock);
	free(s->pub.text);
	free(s->pub.om);
	s->pub.text = t;
	s->pub.om = o;
	s->pub.text_len = s->text.len;
	s->pub.om_len = s->om.len;
	pthread_mutex_unlock(&s->pub.lock);
	if (s->textfile)
		write_textfile(s);
	return 0;
}

static int serve_init(struct top_state *st)
{
	(void)st;
	return 0;
}

/* Between refreshes: sleep, until a signal stops the loop. */
static int serve_wait(struct top_state *st, int timeout_ms)
{
	(void)st;
	if (!top_stop)
		poll(NULL, 0, timeout_ms);
	return top_stop ? TOP_EV_QUIT : 0;
}

static void serve_fini(struct top_state *st)
{
	(void)st;
}

static const struct top_view_ops serve_view = {
	.name = "serve", .init = serve_init, .show = serve_show, .wait = serve_wait,
	.fini = serve_fini,
};

/* Before the first refresh: the build gauge alone. */
static int publish_empty(struct serve *s)
{
	struct prom_self self = { .version = iopat_version };

	prom_render(&s->text, &s->model, &self);
	s->om.openmetrics = true;
	prom_render(&s->om, &s->model, &self);
	s->pub.text = s->text.oom ? NULL : strndup(s->text.buf, s->text.len);
	s->pub.om = s->om.oom ? NULL : strndup(s->om.buf, s->om.len);
	s->pub.text_len = s->text.len;
	s->pub.om_len = s->om.len;
	return s->pub.text && s->pub.om ? 0 : -ENOMEM;
}

static void serve_free(struct serve *s)
{
	prom_model_free(&s->model);
	prom_text_free(&s->text);
	prom_text_free(&s->om);
	free(s->pub.text);
	free(s->pub.om);
	free(s->in);
	free(s->names);
	free(s->ct);
	free(s->ctlabel);
	cgroup_names_free(&s->cgroups);
	pthread_mutex_destroy(&s->pub.lock);
}

int do_serve(int argc, char **argv)
{
	struct serve s = { .pub = { .lock = PTHREAD_MUTEX_INITIALIZER } };
	struct serve_opts o = { .copts = { .who = WHO }, .top = SERVE_TOP_DEFAULT };
	struct top_state *st = top_state_new();
	int ret;

	if (!st) {
		fprintf(stderr, WHO ": out of memory\n");
		return 1;
	}
	ret = serve_parse(argc, argv, &s, &o, st);
	if (ret) {
		top_state_free(st);
		return ret == 1 ? 0 : 2;
	}
	st->accumulated = true;	/* counters: totals since start */
	top_state_windows(st);
	prom_model_init(&s.model, o.top, (uint64_t)(SERVE_GRACE_S > 4 * st->interval_s ?
						    SERVE_GRACE_S : 4 * st->interval_s) * 1000000000ULL);
	the_serve = &s;
	if (publish_empty(&s) || http_start(&s)) {
		ret = 1;
		goto out;
	}
	fprintf(stderr, WHO ": listening on http://%s/metrics (every %g s, by %s, top %zu)\n",
		s.addr_str, st->interval_s, group_by_names[st->group], o.top);
	ret = top_run_live(st, &serve_view, &o.copts);
	MHD_stop_daemon(s.httpd);
	fprintf(stderr, WHO ": stopped after %lu scrapes%s\n", s.pub.scrapes,
		ret ? " (an error)" : "");
out:
	serve_free(&s);
	top_state_free(st);
	return ret;
}
