/*
 * Startup-script execution: procnto's boot-time job runner. main.c calls
 * script_run() with the script found in the boot image; each line is parsed
 * by script.c and run here with ImageSpawn()/ProcWait() (waitfor: waitfor.c).
 * Background commands that end are reported after each line. Messages go to
 * the console through log.h, one whole line each, prefixed "procnto: ".
 *
 * Runs in procnto's script thread, which shares the main thread's TLS:
 * no malloc, no stdio streams, only the _r kernel calls (no errno).
 */
#include "boot/script.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/neutrino.h>
#include <sys/wait.h>

#include "log.h"

#define BACKGROUND_MAX 64

extern char **environ; /* passed on to every command */

/* Commands started with '&' that have not been waited for yet. */
static struct {
	int pid;
	char name[64];
} background[BACKGROUND_MAX];

static const char *const signames[] = {
	[SIGHUP] = "SIGHUP",   [SIGINT] = "SIGINT",       [SIGQUIT] = "SIGQUIT",
	[SIGILL] = "SIGILL",   [SIGTRAP] = "SIGTRAP",     [SIGABRT] = "SIGABRT",
	[SIGBUS] = "SIGBUS",   [SIGFPE] = "SIGFPE",       [SIGKILL] = "SIGKILL",
	[SIGUSR1] = "SIGUSR1", [SIGSEGV] = "SIGSEGV",     [SIGUSR2] = "SIGUSR2",
	[SIGPIPE] = "SIGPIPE", [SIGALRM] = "SIGALRM",     [SIGTERM] = "SIGTERM",
	[SIGSTKFLT] = "SIGSTKFLT", [SIGCHLD] = "SIGCHLD", [SIGCONT] = "SIGCONT",
	[SIGSTOP] = "SIGSTOP", [SIGTSTP] = "SIGTSTP",     [SIGTTIN] = "SIGTTIN",
	[SIGTTOU] = "SIGTTOU", [SIGURG] = "SIGURG",       [SIGXCPU] = "SIGXCPU",
	[SIGXFSZ] = "SIGXFSZ", [SIGVTALRM] = "SIGVTALRM", [SIGPROF] = "SIGPROF",
	[SIGWINCH] = "SIGWINCH", [SIGIO] = "SIGIO",       [SIGPWR] = "SIGPWR",
	[SIGSYS] = "SIGSYS",
};

static const char *signame(int sig)
{
	if (sig > 0 && sig < (int)(sizeof(signames) / sizeof(signames[0])) && signames[sig])
		return signames[sig];
	return "unknown signal";
}

static void report_status(const char *name, int status)
{
	if (WIFEXITED(status))
		pn_log("%s exited with status %d", name, WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		pn_log("%s killed by signal %d (%s)", name, WTERMSIG(status),
		       signame(WTERMSIG(status)));
	else
		pn_log("%s: unexpected wait status %#x", name, (unsigned)status);
}

/* Wait for pid (or any child for -1); returns its pid or -errno. */
static int wait_child(int pid, int *status)
{
	int rc;
	do
		rc = ProcWait_r(pid, status, 0);
	while (rc == -EINTR);
	return rc;
}

static void run_display_msg(const struct script_cmd *cmd)
{
	char text[SCRIPT_LINE_MAX];
	size_t len = 0;
	text[0] = '\0';
	for (int i = 1; i < cmd->argc; i++) {
		int n = snprintf(text + len, sizeof(text) - len, "%s%s", i > 1 ? " " : "", cmd->argv[i]);
		if (n < 0 || (size_t)n >= sizeof(text) - len)
			break;
		len += n;
	}
	pn_print("%s", text);
}

/* The device later commands get as stdin/stdout/stderr ("reopen"). */
static char console[SCRIPT_LINE_MAX];

/*
 * Starts the program of cmd with its arguments, the environment and the
 * scheduling asked for; returns its pid or -errno. Once the script has a
 * console (reopen), or for a +session command, the child is a fork of
 * procnto that execs the program from any file system with the console as
 * its standard streams (boot/spawn.c). Before that, the kernel's ImageSpawn
 * loads it from the boot image and the child has no file descriptors (its
 * fds 1 and 2 fall back to the kernel console).
 */
static int spawn_command(const struct script_cmd *cmd, const struct script_sched *defaults)
{
	int priority = cmd->sched.priority ? cmd->sched.priority : defaults->priority;
	int policy = cmd->sched.policy != -1 ? cmd->sched.policy : defaults->policy;
	if (console[0] || cmd->session)
		return script_spawn(cmd, console[0] ? console : NULL, policy, priority);
	struct _image_spawn_attr attr = {.priority = priority, .policy = policy};
	/* a path is followed through symlinks (/bin/sh -> /proc/boot/mksh) */
	const char *image_name = cmd->argv[0];
	static char real[SCRIPT_LINE_MAX];
	if (image_name[0] == '/') {
		int r = script_resolve(image_name, real, sizeof(real));
		if (r < 0)
			return r;
		if (strncmp(real, "/proc/boot/", 11) != 0)
			return -EXDEV; /* only the boot image without a console */
		image_name = real + 11;
	}
	return ImageSpawn_r(image_name, cmd->argv, environ, &attr);
}

/* Start one command; returns 0 or -1 after reporting a failure to start it. */
static int run_command(int lineno, const struct script_cmd *cmd, const struct script_sched *defaults)
{
	const char *name = cmd->argv[0];
	int pid = spawn_command(cmd, defaults);
	if (pid == -EXDEV) {
		pn_log("%d: cannot start %s: not a program of the boot image", lineno, name);
		return -1;
	}
	if (pid < 0) {
		pn_log("%d: cannot start %s: %s", lineno, name, strerror(-pid));
		return -1;
	}
	if (cmd->background) {
		for (int i = 0; i < BACKGROUND_MAX; i++) {
			if (background[i].pid == 0) {
				background[i].pid = pid;
				snprintf(background[i].name, sizeof(background[i].name), "%s", name);
				return 0;
			}
		}
		/* The table is full: the job still runs, its end is not reported. */
		return 0;
	}
	int status;
	int rc = wait_child(pid, &status);
	if (rc < 0)
		pn_log("%d: waiting for %s: %s", lineno, name, strerror(-rc));
	else
		report_status(name, status);
	return 0;
}

static int run_waitfor(int lineno, const struct script_cmd *cmd)
{
	unsigned seconds = 5;
	if (cmd->argc == 3) {
		seconds = 0;
		for (const char *p = cmd->argv[2]; *p; p++)
			seconds = seconds * 10 + (unsigned)(*p - '0');
	}
	if (script_waitfor(cmd->argv[1], seconds * 1000u) == 0)
		return 0;
	pn_log("%d: waitfor %s: not there after %u s", lineno, cmd->argv[1], seconds);
	return -1;
}

/* Collects the children that have ended, without waiting: background
 * commands are reported; orphans handed to pid 1 go silently. */
static void reap_ended(void)
{
	int status, pid;
	while ((pid = ProcWait_r(-1, &status, _NTO_WAIT_NOHANG)) > 0) {
		for (int i = 0; i < BACKGROUND_MAX; i++) {
			if (background[i].pid == pid) {
				report_status(background[i].name, status);
				background[i].pid = 0;
				break;
			}
		}
	}
}

int script_run(const char *text, size_t size)
{
	struct script_sched defaults = {.priority = 0, .policy = -1};
	char line[SCRIPT_LINE_MAX];
	size_t pos = 0;
	int lineno = 0, failures = 0, rc;

	while ((rc = script_next_line(text, size, &pos, line, sizeof(line))) != 0) {
		lineno++;
		if (rc < 0) {
			pn_log("%d: line too long", lineno);
			failures++;
			continue;
		}
		struct script_cmd cmd;
		struct script_error err;
		if (script_parse_line(line, &cmd, &err) < 0) {
			pn_log("%d: %s", lineno, err.msg);
			failures++;
			continue;
		}
		switch (cmd.kind) {
		case SCRIPT_NONE:
			break;
		case SCRIPT_MODIFIERS:
			if (cmd.sched.priority)
				defaults.priority = cmd.sched.priority;
			if (cmd.sched.policy != -1)
				defaults.policy = cmd.sched.policy;
			break;
		case SCRIPT_DISPLAY_MSG:
			run_display_msg(&cmd);
			break;
		case SCRIPT_WAITFOR:
			if (run_waitfor(lineno, &cmd) < 0)
				failures++;
			break;
		case SCRIPT_REOPEN:
			snprintf(console, sizeof(console), "%s",
				 cmd.argc == 2 ? cmd.argv[1] : "/dev/console");
			break;
		case SCRIPT_COMMAND:
			if (run_command(lineno, &cmd, &defaults) < 0)
				failures++;
			break;
		}
		reap_ended();
	}
	return failures;
}
