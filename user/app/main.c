/* iopat: command table and dispatch. */
#include <stdio.h>
#include <string.h>
#include "commands.h"
#include "procfs.h"

static int do_version(int argc, char **argv)
{
	printf("iopat %s\n", iopat_version);
	return 0;
}

static int do_help(int argc, char **argv);

static const struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
} commands[] = {
	{ "top", do_top, "live per-process view of file and block I/O" },
	{ "stat", do_stat, "run a command and summarise its file and block I/O" },
	{ "record", do_record, "record every I/O event into a trace file" },
	{ "report", do_report, "tiering report from one or many traces" },
	{ "serve", do_serve, "Prometheus exporter of the live per-workload figures" },
	{ "export", do_export, "write a trace as CSV, JSON Lines or Chrome trace JSON" },
	{ "version", do_version, "print the version" },
	{ "help", do_help, "show this help" },
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *out)
{
	fprintf(out, "Usage: iopat COMMAND [OPTIONS]\n\n"
		"I/O access-pattern tracer for machine-learning hosts (eBPF).\n\n"
		"Commands:\n");
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(out, "  %-8s %s\n", commands[i].name, commands[i].summary);
	fprintf(out, "\n'iopat COMMAND --help' shows a command's options.\n");
}

static int do_help(int argc, char **argv)
{
	usage(stdout);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version"))
		return do_version(argc - 1, argv + 1);
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "iopat: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
