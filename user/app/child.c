#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include "child.h"

int child_signals_open(struct child *c)
{
	sigset_t mask;

	c->pid = 0;
	c->exit_code = -1;
	c->all_exited = false;
	c->go_fd = c->err_fd = -1;
	sigemptyset(&mask);
	sigaddset(&mask, SIGCHLD);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGQUIT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &mask, &c->oldmask);
	c->sfd = signalfd(-1, &mask, SFD_CLOEXEC);
	return c->sfd < 0 ? -errno : 0;
}

/* Child side: wait for the go byte, then exec. Exec errors go back
 * through err_fd (close-on-exec, so a successful exec closes it). */
static void child_exec(int go_fd, int err_fd, const sigset_t *oldmask, char **argv)
{
	char go;
	int e;

	if (read(go_fd, &go, 1) != 1)
		_exit(126);
	sigprocmask(SIG_SETMASK, oldmask, NULL);
	signal(SIGINT, SIG_DFL);
	signal(SIGQUIT, SIG_DFL);
	execvp(argv[0], argv);
	e = errno;
	if (write(err_fd, &e, sizeof(e)) < 0)
		_exit(127);
	_exit(e == ENOENT ? 127 : 126);
}

int child_start(struct child *c, char **argv, const char *who,
		int (*track)(void *ctx, uint32_t pid), void *ctx)
{
	int go[2], ep[2], exec_errno = 0;
	pid_t pid;

	if (pipe2(go, O_CLOEXEC))
		goto fail;
	if (pipe2(ep, O_CLOEXEC)) {
		close(go[0]);
		close(go[1]);
		goto fail;
	}
	/* orphaned descendants are re-parented to us, so we can wait for all */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	pid = fork();
	if (pid < 0) {
		close(go[0]);
		close(go[1]);
		close(ep[0]);
		close(ep[1]);
		goto fail;
	}
	if (pid == 0) {
		close(go[1]);
		close(ep[0]);
		child_exec(go[0], ep[1], &c->oldmask, argv);
	}
	close(go[0]);
	close(ep[1]);
	c->pid = pid;
	c->go_fd = go[1];
	c->err_fd = ep[0];
	if (track(ctx, pid)) {
		fprintf(stderr, "%s: cannot trace pid %d: %s\n", who, pid, strerror(errno));
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		return 1;
	}
	if (write(c->go_fd, "g", 1) != 1) {
		fprintf(stderr, "%s: cannot start %s: %s\n", who, argv[0], strerror(errno));
		waitpid(pid, NULL, 0);
		return 1;
	}
	if (read(c->err_fd, &exec_errno, sizeof(exec_errno)) == sizeof(exec_errno)) {
		fprintf(stderr, "%s: %s: %s\n", who, argv[0], strerror(exec_errno));
		waitpid(pid, NULL, 0);
		return exec_errno == ENOENT ? 127 : 126;
	}
	return 0;
fail:
	fprintf(stderr, "%s: cannot start %s: %s\n", who, argv[0], strerror(errno));
	return 1;
}

/* 0 when `path` is a file this process may execute, else an errno. */
static int executable(const char *path)
{
	struct stat st;

	if (stat(path, &st))
		return errno;
	if (S_ISDIR(st.st_mode))
		return EACCES;
	return access(path, X_OK) ? errno : 0;
}

int child_check_command(const char *cmd, const char *who)
{
	const char *path = getenv("PATH"), *p, *end;
	char full[PATH_MAX];
	int err = ENOENT, e;

	if (!*cmd) {
		fprintf(stderr, "%s: empty command name\n", who);
		return 127;
	}
	if (strchr(cmd, '/')) {
		err = executable(cmd);
		if (!err)
			return 0;
		fprintf(stderr, "%s: %s: %s\n", who, cmd, strerror(err));
		return err == ENOENT || err == ENOTDIR ? 127 : 126;
	}
	/* execvp's search: PATH's directories in order, an empty one being
	 * the current directory; a file found but not executable is
	 * remembered while the search goes on */
	for (p = path && *path ? path : "/usr/local/bin:/usr/bin:/bin";; p = end + 1) {
		end = strchrnul(p, ':');
		if (snprintf(full, sizeof(full), "%.*s%s%s", (int)(end - p), p,
			     end > p ? "/" : "", cmd) < (int)sizeof(full)) {
			e = executable(full);
			if (!e)
				return 0;
			/* a file there that cannot be run; a directory of PATH
			 * that cannot be searched is one without the file */
			if (e != ENOENT && e != ENOTDIR && !access(full, F_OK))
				err = e;
		}
		if (!*end)
			break;
	}
	if (err == ENOENT)
		fprintf(stderr, "%s: %s: command not found\n", who, cmd);
	else
		fprintf(stderr, "%s: %s: %s\n", who, cmd, strerror(err));
	return err == ENOENT ? 127 : 126;
}

int child_exit_code(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return 1;
}

int child_poll(struct child *c, int timeout_ms)
{
	struct signalfd_siginfo si;
	struct pollfd pfd = { .fd = c->sfd, .events = POLLIN };
	int status;
	pid_t w;

	if (poll(&pfd, 1, timeout_ms) <= 0)
		return CHILD_EV_NONE;
	if (read(c->sfd, &si, sizeof(si)) != sizeof(si))
		return CHILD_EV_NONE;
	if (!c->pid)
		return si.ssi_signo == SIGCHLD ? CHILD_EV_NONE : CHILD_EV_STOP;
	if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGHUP) {
		kill(c->pid, si.ssi_signo);
		return CHILD_EV_NONE;
	}
	if (si.ssi_signo != SIGCHLD)
		return CHILD_EV_NONE;	/* SIGINT/SIGQUIT reach it from the terminal */
	while ((w = waitpid(-1, &status, WNOHANG)) > 0)
		if (w == c->pid)
			c->exit_code = child_exit_code(status);
	if (w < 0 && errno == ECHILD) {
		c->all_exited = true;
		return CHILD_EV_EXITED;
	}
	return CHILD_EV_NONE;
}

void child_close(struct child *c)
{
	if (c->sfd >= 0)
		close(c->sfd);
	if (c->go_fd >= 0)
		close(c->go_fd);
	if (c->err_fd >= 0)
		close(c->err_fd);
	c->sfd = c->go_fd = c->err_fd = -1;
}
