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
#include <sched.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/neutrino.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef __FILE_NAME__
#define __FILE_NAME__ __FILE__
#endif

#define NTEST_MS 1000000ull /* nanoseconds */
#define NTEST_STACK_SIZE (64 * 1024)

static const char *ntest_name = "?";
static int ntest_failures;

static inline void ntest_start(const char *name)
{
	ntest_name = name;
}

static inline void ntest_vprint(const char *prefix, const char *fmt, va_list ap)
{
	char buf[512];
	int n = snprintf(buf, sizeof(buf), "%s", prefix);
	if (n < 0 || (size_t)n >= sizeof(buf))
		n = 0;
	int m = vsnprintf(buf + n, sizeof(buf) - n, fmt, ap);
	if (m < 0)
		m = 0;
	size_t len = (size_t)n + (size_t)m;
	if (len > sizeof(buf) - 2)
		len = sizeof(buf) - 2;
	buf[len++] = '\n';
	write(1, buf, len);
}

/* A line "ntest: <test>: <message>" (figures, progress). Main thread only. */
__attribute__((format(printf, 1, 2))) static inline void ntest_info(const char *fmt, ...)
{
	char prefix[64];
	snprintf(prefix, sizeof(prefix), "ntest: %s: ", ntest_name);
	va_list ap;
	va_start(ap, fmt);
	ntest_vprint(prefix, fmt, ap);
	va_end(ap);
}

/* Record a failure: "check failed: <expr> (<file>:<line>)" and, if fmt, ": <values>". */
__attribute__((format(printf, 4, 5))) static inline void
ntest_fail(const char *expr, const char *file, int line, const char *fmt, ...)
{
	char prefix[256];
	ntest_failures++;
	snprintf(prefix, sizeof(prefix), "ntest: %s: check failed: %s (%s:%d)%s", ntest_name, expr,
		 file, line, fmt ? ": " : "");
	va_list ap;
	va_start(ap, fmt);
	ntest_vprint(prefix, fmt ? fmt : "", ap);
	va_end(ap);
}

static inline int ntest_check(int ok, const char *expr, const char *file, int line)
{
	if (!ok)
		ntest_fail(expr, file, line, NULL);
	return ok;
}

static inline int ntest_check_eq(long long a, long long b, const char *expr, const char *file,
				 int line)
{
	if (a == b)
		return 1;
	ntest_fail(expr, file, line, "%lld != %lld", a, b);
	return 0;
}

/* Each CHECK evaluates its arguments once and yields 1 when it passed. */
#define CHECK(cond) ntest_check(!!(cond), #cond, __FILE_NAME__, __LINE__)
#define CHECK_EQ(a, b) \
	ntest_check_eq((long long)(a), (long long)(b), #a " == " #b, __FILE_NAME__, __LINE__)

/* call must fail with -1 and errno err. */
#define CHECK_ERR(call, err)                                                               \
	({                                                                                  \
		errno = 0;                                                                  \
		long ntest_rc_ = (long)(call);                                              \
		int ntest_errno_ = errno;                                                   \
		int ntest_ok_ = ntest_rc_ == -1 && ntest_errno_ == (err);                   \
		if (!ntest_ok_)                                                             \
			ntest_fail(#call " fails with " #err, __FILE_NAME__, __LINE__,      \
				   "returned %ld, errno %d (%s)", ntest_rc_, ntest_errno_,  \
				   strerror(ntest_errno_));                                 \
		ntest_ok_;                                                                  \
	})

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
