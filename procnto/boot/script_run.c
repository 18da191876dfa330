/*
 * Startup-script execution: procnto's boot-time job runner. main.c calls
 * script_run() with the script found in the boot image; each line is parsed
 * by script.c and run here with ImageSpawn()/ProcWait(). Messages go to
 * stdout, one whole line each, prefixed "procnto: ".
 */
#include "boot/script.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/neutrino.h>
#include <sys/wait.h>

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
		printf("procnto: %s exited with status %d\n", name, WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		printf("procnto: %s killed by signal %d (%s)\n", name, WTERMSIG(status),
		       signame(WTERMSIG(status)));
	else
		printf("procnto: %s: unexpected wait status %#x\n", name, (unsigned)status);
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
	printf("%s\n", text);
}

/* Start one command; returns 0 or -1 after reporting a failure to start it. */
static int run_command(int lineno, const struct script_cmd *cmd, const struct script_sched *defaults)
{
	struct _image_spawn_attr attr = {
		.priority = cmd->sched.priority ? cmd->sched.priority : defaults->priority,
		.policy = cmd->sched.policy != -1 ? cmd->sched.policy : defaults->policy,
	};
	const char *name = cmd->argv[0];
	const char *image_name = name;
	if (strncmp(image_name, "/proc/boot/", 11) == 0)
		image_name += 11;

	int pid = ImageSpawn_r(image_name, cmd->argv, environ, &attr);
	if (pid < 0) {
		printf("procnto: %d: cannot start %s: %s\n", lineno, name, strerror(-pid));
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
		/* The table is full: the job still runs; it is reported by pid. */
		return 0;
	}
	int status;
	int rc = wait_child(pid, &status);
	if (rc < 0)
		printf("procnto: %d: waiting for %s: %s\n", lineno, name, strerror(-rc));
	else
		report_status(name, status);
	return 0;
}

/* After the script: wait for every background command still running. */
static void reap_background(void)
{
	int status, pid;
	while ((pid = wait_child(-1, &status)) > 0) {
		char fallback[32];
		const char *name = fallback;
		snprintf(fallback, sizeof(fallback), "pid %d", pid);
		for (int i = 0; i < BACKGROUND_MAX; i++) {
			if (background[i].pid == pid) {
				name = background[i].name;
				background[i].pid = 0;
				break;
			}
		}
		report_status(name, status);
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
			printf("procnto: %d: line too long\n", lineno);
			failures++;
			continue;
		}
		struct script_cmd cmd;
		struct script_error err;
		if (script_parse_line(line, &cmd, &err) < 0) {
			printf("procnto: %d: %s\n", lineno, err.msg);
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
		case SCRIPT_COMMAND:
			if (run_command(lineno, &cmd, &defaults) < 0)
				failures++;
			break;
		}
	}
	reap_background();
	return failures;
}
