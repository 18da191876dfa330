/*
 * t_exec: execve through the file system (/proc/boot served by procnto):
 * argv and environment reach the new program; vfork+execve and posix_spawn
 * run a helper; a missing file is ENOENT, a text file ENOEXEC, a dynamic
 * executable ENOEXEC; a "#!" script runs its interpreter with the script
 * path; the auxiliary vector is complete for a static and a static-PIE
 * program; exec resets caught signals but keeps ignored ones and the mask;
 * exec from a process with several threads ends the others.
 */
#include "ntest.h"

#include <pthread.h>
#include <stdbool.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <time.h>

#define HELPER "/proc/boot/proc_helper"
#define HELPER_PIE "/proc/boot/proc_helper_pie"

extern char **environ;

static int reap(pid_t pid)
{
	int st = -1;
	pid_t r;
	while ((r = waitpid(pid, &st, 0)) < 0 && errno == EINTR)
		;
	return r == pid ? st : -1;
}

/* Forks a child that execs path with argv/envp; returns its wait status,
 * or 0x7f00 | errno if the exec failed. */
static int run(const char *path, char *const argv[], char *const envp[], bool use_vfork)
{
	pid_t pid = use_vfork ? vfork() : fork();
	if (pid == 0) {
		execve(path, argv, envp);
		_exit(100 + (errno & 0x7f) % 100);
	}
	if (pid < 0)
		return -1;
	return reap(pid);
}

static void check_exit(int st, int code, const char *what)
{
	if (!WIFEXITED(st) || WEXITSTATUS(st) != code)
		ntest_fail(what, __FILE_NAME__, __LINE__, "status %#x, wanted exit %d", st, code);
}

/* posix_spawn needs pipe2: the pipe server, started unless it runs. Its
 * pid (to stop it afterwards), 0 if it was running, or -1. */
static int start_pipe_server(void)
{
	if (access("/dev/pipe", F_OK) == 0)
		return 0;
	char *argv[] = {"pipe", NULL}, *envp[] = {NULL};
	struct _image_spawn_attr attr = {.priority = 0, .policy = -1};
	int pid = ImageSpawn("pipe", argv, envp, &attr);
	if (pid < 0)
		return -1;
	struct timespec ts = {0, 10 * 1000000};
	for (int i = 0; i < 500 && access("/dev/pipe", F_OK) != 0; i++)
		nanosleep(&ts, NULL);
	return pid;
}

static void test_args(void)
{
	char *argv[] = {"proc_helper", "echo", "a b", "c", NULL};
	char *envp[] = {"X=1", "PROC_TEST=42", NULL};
	check_exit(run(HELPER, argv, envp, false), 7, "fork+execve echo");
	check_exit(run(HELPER, argv, envp, true), 7, "vfork+execve echo");

	int server = start_pipe_server();
	CHECK(server >= 0);
	pid_t pid = -1;
	int e = posix_spawn(&pid, HELPER, NULL, NULL, argv, envp);
	CHECK_EQ(e, 0);
	if (e == 0)
		check_exit(reap(pid), 7, "posix_spawn echo");
	e = posix_spawn(&pid, "/proc/boot/no_such_program", NULL, NULL, argv, envp);
	CHECK_EQ(e, ENOENT);
	if (server > 0) {
		kill(server, SIGTERM);
		reap(server);
	}
}

static void test_errors(void)
{
	char *argv[] = {"x", NULL};
	CHECK_ERR(execve("/proc/boot/no_such_program", argv, environ), ENOENT);
	CHECK_ERR(execve("/proc/boot/proc_notelf", argv, environ), ENOEXEC);
	CHECK_ERR(execve("/proc/boot/proc_dynamic", argv, environ), ENOEXEC);
	CHECK_ERR(execve("", argv, environ), ENOENT);
	char *volatile bad = (char *)8; /* hidden from the compiler's checks */
	CHECK_ERR(execve(bad, argv, environ), EFAULT);
	CHECK_ERR(execve(HELPER, (char **)bad, environ), EFAULT);
}

static void test_script(void)
{
	char *argv[] = {"proc_script", "x", NULL};
	check_exit(run("/proc/boot/proc_script", argv, environ, false), 9, "script");
}

static void test_auxv(void)
{
	char *argv[] = {"proc_helper", "auxv", HELPER, NULL};
	check_exit(run(HELPER, argv, environ, false), 0, "auxv (static)");
	char *argv_pie[] = {"proc_helper_pie", "auxv", HELPER_PIE, NULL};
	check_exit(run(HELPER_PIE, argv_pie, environ, false), 0, "auxv (static-pie)");
}

static void on_usr1(int sig) { (void)sig; }

static void test_signals(void)
{
	pid_t pid = fork();
	if (pid == 0) {
		struct sigaction sa = {.sa_handler = on_usr1};
		sigemptyset(&sa.sa_mask);
		sigaction(SIGUSR1, &sa, NULL);
		sa.sa_handler = SIG_IGN;
		sigaction(SIGUSR2, &sa, NULL);
		sigset_t m;
		sigemptyset(&m);
		sigaddset(&m, SIGHUP);
		sigprocmask(SIG_BLOCK, &m, NULL);
		char *argv[] = {"proc_helper", "sigs", NULL};
		execve(HELPER, argv, environ);
		_exit(100);
	}
	check_exit(reap(pid), 0, "signals after exec");
}

static void *spinner(void *arg)
{
	(void)arg;
	for (;;)
		sched_yield();
	return NULL;
}

static void test_threads(void)
{
	pid_t pid = fork();
	if (pid == 0) {
		pthread_t t[3];
		for (int i = 0; i < 3; i++)
			if (pthread_create(&t[i], NULL, spinner, NULL))
				_exit(101);
		char *argv[] = {"proc_helper", "echo", "a b", "c", NULL};
		char *envp[] = {"PROC_TEST=42", NULL};
		execve(HELPER, argv, envp);
		_exit(102);
	}
	check_exit(reap(pid), 7, "exec from a process with threads");
}

int main(void)
{
	ntest_start("exec");
	test_errors();
	test_args();
	test_script();
	test_auxv();
	test_signals();
	test_threads();
	ntest_done();
}
