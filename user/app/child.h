/* Running a traced command: fork it held before exec, let the caller
 * start tracing its pid, then let it exec; wait for it and every
 * descendant (iopat is their subreaper). Signals arrive on a signalfd. */
#ifndef IOPAT_CHILD_H
#define IOPAT_CHILD_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct child {
	pid_t pid;		/* 0: no command (signals only) */
	int sfd;		/* SIGCHLD, SIGINT, SIGQUIT, SIGTERM, SIGHUP */
	sigset_t oldmask;
	int exit_code;		/* the command's, -1 until it exits */
	bool all_exited;	/* the command and every descendant */
	int go_fd, err_fd;
};

/* Block the signals above and open the signalfd. 0 or -errno. */
int child_signals_open(struct child *c);

/* Whether `cmd` names a program that can be run, searched as execvp()
 * would: 0, or after a printed message the exit code to use, 127 (not
 * found) or 126 (found, not executable). Called before any tracing is
 * set up, so a mistyped command costs nothing. */
int child_check_command(const char *cmd, const char *who);

/* Start argv: `who` names the caller in messages ("iopat stat"). track()
 * runs with the child's pid before it execs. Returns 0, or the exit code
 * to use after a printed message: 127 (not found), 126 (not executable),
 * 1 (other failures). */
int child_start(struct child *c, char **argv, const char *who,
		int (*track)(void *ctx, uint32_t pid), void *ctx);

enum {
	CHILD_EV_NONE = 0,
	CHILD_EV_EXITED = 1,	/* every traced process has exited */
	CHILD_EV_STOP = 2,	/* SIGINT/SIGTERM/SIGHUP with no command */
};

/* Wait up to timeout_ms for a signal and act on it: reap children, pass
 * SIGTERM and SIGHUP on to the command. Returns CHILD_EV_*. */
int child_poll(struct child *c, int timeout_ms);

/* Exit code a wait status stands for (128 + N for signal N). */
int child_exit_code(int status);

void child_close(struct child *c);

#endif
