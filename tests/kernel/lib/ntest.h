/*
 * ntest: the tiny library of the test programs that run inside QEMU
 * (tests/kernel/<feature>/t_<feature>.c). Header only; each test is one C
 * file that includes it once.
 *
 * Output contract (parsed by the QEMU test runner): every line is written
 * whole with one write(1, ...); a failed check prints
 *   ntest: <test>: check failed: <expr> (<file>:<line>)[: <values>]
 * and ntest_done() prints exactly one verdict line
 *   TEST <test> PASS   or   TEST <test> FAIL
 * and exits 0 or 1. A test that dies or hangs prints no verdict: a failure.
 *
 * Threads made with ntest_thread() share the creator's TLS (so errno and
 * stdio are shared): their bodies use only volatile globals, the *_r kernel
 * calls and the helpers marked thread-safe below, and end with
 * ntest_thread_exit(). Only the main thread prints.
 */
#pragma once
#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <sched.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/neutrino.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ntest_check.h"

#define NTEST_MS 1000000ull /* nanoseconds */
#define NTEST_STACK_SIZE (64 * 1024)

/* Print the verdict line and exit 0 (pass) or 1 (fail). */
__attribute__((noreturn)) static inline void ntest_done(void)
{
	char buf[128];
	int n = snprintf(buf, sizeof(buf), "TEST %s %s\n", ntest_name,
			 ntest_failures ? "FAIL" : "PASS");
	fflush(stdout);
	write(1, buf, n);
	exit(ntest_failures ? 1 : 0);
}

/* CLOCK_MONOTONIC in nanoseconds, or 0 on error. Thread-safe. */
static inline uint64_t ntest_now(void)
{
	uint64_t ns = 0;
	if (ClockTime_r(_NTO_CLOCK_MONOTONIC, NULL, &ns) < 0)
		return 0;
	return ns;
}

/* Set the calling thread's policy and priority; 0 or -errno. Thread-safe. */
static inline int ntest_sched_self(int policy, int priority)
{
	struct sched_param p = {.sched_priority = priority};
	return SchedSet_r(0, 0, policy, &p);
}

/*
 * Start func(arg) in a new thread of this process with the given policy and
 * priority, on a stack from malloc (never freed). Returns the thread id or
 * -errno. Main thread only (malloc).
 */
static inline int ntest_thread(void *(*func)(void *), void *arg, int policy, int priority)
{
	void *stack = malloc(NTEST_STACK_SIZE);
	if (!stack)
		return -ENOMEM;
	struct _thread_attr attr = {
		.policy = policy,
		.priority = priority,
		.stacksize = NTEST_STACK_SIZE,
		.stackaddr = stack,
	};
	return ThreadCreate_r(0, func, arg, &attr);
}

/* End the calling thread (never returns; a failing kernel call traps). Thread-safe. */
__attribute__((noreturn)) static inline void ntest_thread_exit(void)
{
	ThreadDestroy_r(0, -1, NULL);
	__builtin_trap();
}

/*
 * Start the boot-image program name with argv {name, NULL}, inheriting the
 * caller's scheduling, and wait for it. Returns 0 with *status set (a Linux
 * wait status), or -errno from ImageSpawn/ProcWait.
 */
static inline int ntest_run(const char *name, int *status)
{
	char *argv[] = {(char *)name, NULL};
	char *envp[] = {NULL};
	struct _image_spawn_attr attr = {.priority = 0, .policy = -1};
	int pid = ImageSpawn_r(name, argv, envp, &attr);
	if (pid < 0)
		return pid;
	int rc = ProcWait_r(pid, status, 0);
	if (rc < 0)
		return rc;
	return rc == pid ? 0 : -ECHILD;
}

static inline void ntest_expect(const char *name, int code, int sig, const char *expr,
				const char *file, int line)
{
	int status = 0;
	int rc = ntest_run(name, &status);
	if (rc < 0) {
		ntest_fail(expr, file, line, "cannot run %s: %s", name, strerror(-rc));
	} else if (WIFEXITED(status)) {
		if (sig || WEXITSTATUS(status) != code)
			ntest_fail(expr, file, line, "exited with status %d", WEXITSTATUS(status));
	} else if (WIFSIGNALED(status)) {
		if (WTERMSIG(status) != sig)
			ntest_fail(expr, file, line, "killed by signal %d", WTERMSIG(status));
	} else {
		ntest_fail(expr, file, line, "wait status %#x", (unsigned)status);
	}
}

/* Run a boot-image program and check how it ended. */
#define CHECK_EXIT(name, code) \
	ntest_expect(name, code, 0, name " exits with " #code, __FILE_NAME__, __LINE__)
#define CHECK_SIGNAL(name, sig) \
	ntest_expect(name, 0, sig, name " is killed by " #sig, __FILE_NAME__, __LINE__)

/* Whether directory dir lists name: 1 or 0; -errno if it cannot be opened. */
static inline int ntest_dir_has(const char *dir, const char *name)
{
	DIR *d = opendir(dir);
	if (!d)
		return -errno;
	int found = 0;
	struct dirent *e;
	while ((e = readdir(d)))
		found |= !strcmp(e->d_name, name);
	closedir(d);
	return found;
}

/* The number a file (or a server's read) gives as text, or -1. */
static inline int ntest_read_int(const char *path)
{
	char buf[32];
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return atoi(buf);
}
