/*
 * Starting a startup-script command as a real POSIX child: fork, then in
 * the child set up the session and standard streams and execve the program
 * from any file system. Used by boot/script_run.c once the script has a
 * console (reopen) or for +session commands; ImageSpawn stays the path for
 * commands started before any console exists.
 *
 * The script thread shares procnto's TLS with the server thread, so this
 * file makes raw system calls: no errno, no malloc, nothing the child of a
 * fork of a multi-threaded process may not do before execve.
 */
#include "boot/script.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/neutrino.h>
#include <sys/syscall.h>

extern char **environ;

static long raw3(long nr, long a, long b, long c)
{
	long ret;
	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(nr), "D"(a), "S"(b), "d"(c)
			 : "rcx", "r11", "memory");
	return ret;
}

static long raw5(long nr, long a, long b, long c, long d, long e)
{
	long ret;
	register long r10 __asm__("r10") = d;
	register long r8 __asm__("r8") = e;
	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8)
			 : "rcx", "r11", "memory");
	return ret;
}

/* The child's half: never returns. */
static _Noreturn void child(const char *path, const struct script_cmd *cmd, const char *console,
			    int policy, int priority)
{
	if (cmd->session)
		raw3(SYS_setsid, 0, 0, 0);
	if (console) {
		long fd = raw3(SYS_open, (long)console, O_RDWR, 0);
		if (fd < 0)
			raw3(SYS_exit_group, 126, 0, 0);
		for (long i = 0; i < 3; i++)
			if (fd != i)
				raw3(SYS_dup2, fd, i, 0);
		if (fd > 2)
			raw3(SYS_close, fd, 0, 0);
	}
	if (policy != -1 || priority) {
		struct sched_param sp;
		int cur = SchedGet_r(0, 0, &sp); /* the current policy, or -errno */
		if (priority)
			sp.sched_priority = priority;
		SchedSet_r(0, 0, policy != -1 ? policy : (cur >= 0 ? cur : SCHED_RR), &sp);
	}
	raw3(SYS_execve, (long)path, (long)cmd->argv, (long)environ);
	raw3(SYS_exit_group, 127, 0, 0);
	__builtin_unreachable();
}

int script_spawn(const struct script_cmd *cmd, const char *console, int policy, int priority)
{
	static char path[SCRIPT_LINE_MAX];
	const char *name = cmd->argv[0];
	if (strchr(name, '/'))
		snprintf(path, sizeof(path), "%s", name);
	else if (snprintf(path, sizeof(path), "/proc/boot/%s", name) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	/* clone(SIGCHLD) is fork: the child is a copy of this thread alone */
	long pid = raw5(SYS_clone, SIGCHLD, 0, 0, 0, 0);
	if (pid == 0)
		child(path, cmd, console, policy, priority);
	return (int)pid;
}
