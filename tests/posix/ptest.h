/*
 * ptest: the shared header of the POSIX conformance programs (tests/posix/).
 * Each program is one C file against plain musl (no native calls), built
 * once and run both on the Linux host (ctest host.posix.<family>, the
 * oracle) and inside QEMU from the test image (qemu.posix_<family>): the
 * same binary must give the same verdict on both.
 *
 * Output contract (the same as tests/kernel/lib/ntest.h, parsed by the QEMU
 * test runner): every line is written whole with one write(1, ...); a
 * failed check prints
 *   ntest: posix_<family>: check failed: <expr> (<file>:<line>)[: <values>]
 * and ptest_done() prints exactly one verdict line
 *   TEST posix_<family> PASS   or   TEST posix_<family> FAIL
 * and exits 0 or 1. A program that dies or hangs prints no verdict: a
 * failure. Checks run in the main thread and in forked children, never in
 * other threads or in signal handlers.
 *
 * ptest_start() also gives the program what it needs from the system: on
 * the Neutrino test image, whose startup script starts no servers, it
 * starts dev-misc, pipe and fs-tmp on /tmp from /proc/boot (/dev/shm is
 * procnto's) when their paths are missing. A program started there also has no fds
 * 0-2 (its writes to 1 and 2 go to the kernel console while those are
 * unconnected, and its first open() would take fd 0, 1 or 2): then
 * ptest_start() puts /dev/null on 0 and a pipe on 1 and 2, drained to the
 * console by a detached logger process, so that the program runs with open
 * standard streams as on Linux. Last it makes a fresh directory under /tmp
 * (ptest_dir) and changes to it. ptest_done() removes that directory and
 * waits for the logger to have printed everything.
 */
#pragma once
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ntest_check.h"

/* The posix programs' names for the shared core. */
#define ptest_info ntest_info
#define ptest_fail ntest_fail
#define ptest_failures ntest_failures

static char ptest_name[64] = "?";
static char ptest_dir[64];
static int ptest_logger_done = -1; /* read end: EOF once the logger has exited */

/* A behaviour Linux has and Neutrino does not yet, listed in docs/posix.md
 * "Known gaps": reported on every run where it is missing, but not a
 * failure, so the verdict tracks regressions. Yields 1 when cond holds. */
#define KNOWN_GAP(cond, why)                                                             \
	((cond) ? 1 : (ptest_info("known gap (docs/posix.md): %s at %s:%d: %s", #cond,       \
				  __FILE_NAME__, __LINE__, why),                             \
		       0))

/* call must succeed (not -1); on failure the errno is shown. */
#define CHECK_OK(call)                                                                       \
	({                                                                                    \
		errno = 0;                                                                    \
		long ptest_rc_ = (long)(call);                                                \
		if (ptest_rc_ == -1)                                                          \
			ptest_fail(#call " succeeds", __FILE_NAME__, __LINE__, "errno %d (%s)", \
				   errno, strerror(errno));                                   \
		ptest_rc_ != -1;                                                              \
	})

/* CLOCK_MONOTONIC in nanoseconds. */
static inline uint64_t ptest_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static inline void ptest_sleep_ms(unsigned ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

/* Wait up to ms milliseconds for path to exist; 0 when it does. */
static inline int ptest_wait_path(const char *path, unsigned ms)
{
	struct stat st;
	for (unsigned t = 0; t <= ms; t += 10) {
		if (stat(path, &st) == 0)
			return 0;
		ptest_sleep_ms(10);
	}
	return -1;
}

/*
 * Start /proc/boot/<server> [arg] detached (its parent, a forked child,
 * exits at once, so it is nobody's child here) unless path exists or the
 * boot image lacks the server (the Linux host), then wait for path.
 */
static inline void ptest_server(const char *server, const char *arg, const char *path)
{
	char prog[64];
	struct stat st;
	snprintf(prog, sizeof(prog), "/proc/boot/%s", server);
	if (stat(path, &st) == 0 || stat(prog, &st) != 0)
		return;
	pid_t pid = fork();
	if (pid == 0) {
		char *argv[] = {(char *)server, (char *)arg, NULL};
		char *envp[] = {NULL};
		if (fork() == 0) {
			execve(prog, argv, envp);
			_exit(127);
		}
		_exit(0);
	}
	if (pid > 0)
		waitpid(pid, NULL, 0);
	if (pid < 0 || ptest_wait_path(path, 5000) != 0)
		ptest_info("could not start %s for %s", prog, path);
	else
		ptest_info("started %s %s", prog, arg ? arg : "");
}

/* Remove the tree at path (files, symlinks and directories). */
static inline void ptest_rmtree(const char *path)
{
	struct stat st;
	if (lstat(path, &st) != 0)
		return;
	if (S_ISDIR(st.st_mode)) {
		DIR *d = opendir(path);
		if (d) {
			struct dirent *e;
			char sub[512];
			while ((e = readdir(d))) {
				if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
					continue;
				int n = snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name);
				if (n > 0 && (size_t)n < sizeof(sub))
					ptest_rmtree(sub);
			}
			closedir(d);
		}
		chmod(path, 0700);
		rmdir(path);
	} else {
		unlink(path);
	}
}

/* The logger: copy everything from fd in to fd 1 (the console) until EOF. */
static inline void ptest_logger(int in)
{
	char buf[4096];
	ssize_t n;
	while ((n = read(in, buf, sizeof(buf))) > 0 || (n < 0 && errno == EINTR))
		if (n > 0 && write(1, buf, (size_t)n) < 0)
			break;
}

/*
 * When fd 1 is closed (the Neutrino test image): /dev/null on 0, a pipe on
 * 1 and 2 read by a logger that writes to its own unconnected fd 1. The
 * logger is detached (a grandchild) so that the program's wait calls never
 * see it; it holds the write end of a second pipe whose EOF tells
 * ptest_done() that all output is out.
 */
static inline void ptest_stdio(void)
{
	if (fcntl(1, F_GETFD) != -1 || errno != EBADF)
		return;
	int out[2], done[2];
	if (pipe(out) != 0 || pipe(done) != 0)
		return;
	/* Move all four above 2 so that 0-2 stay free here and in the logger. */
	int fds[4] = {out[0], out[1], done[0], done[1]};
	for (int i = 0; i < 4; i++) {
		int high = fcntl(fds[i], F_DUPFD_CLOEXEC, 10);
		close(fds[i]);
		fds[i] = high;
	}
	pid_t pid = fork();
	if (pid == 0) {
		if (fork() == 0) {
			close(fds[1]);
			close(fds[2]);
			ptest_logger(fds[0]);
			_exit(0);
		}
		_exit(0);
	}
	if (pid > 0)
		waitpid(pid, NULL, 0);
	close(fds[0]);
	close(fds[3]);
	ptest_logger_done = fds[2];
	int null = open("/dev/null", O_RDONLY);
	if (null > 0) {
		dup2(null, 0);
		close(null);
	}
	dup2(fds[1], 1);
	dup2(fds[1], 2);
	close(fds[1]);
}

/* Name the program (verdict "posix_<family>"), start what it needs, make ptest_dir. */
static inline void ptest_start(const char *family)
{
	snprintf(ptest_name, sizeof(ptest_name), "posix_%s", family);
	ntest_name = ptest_name;
	ptest_server("dev-misc", NULL, "/dev/null");
	ptest_server("pipe", NULL, "/dev/pipe");
	ptest_server("fs-tmp", "/tmp", "/tmp");
	ptest_stdio();
	snprintf(ptest_dir, sizeof(ptest_dir), "/tmp/ptest-%s-XXXXXX", family);
	if (!mkdtemp(ptest_dir)) {
		ptest_fail("mkdtemp(\"/tmp/ptest-...\")", __FILE_NAME__, __LINE__, "errno %d (%s)",
			   errno, strerror(errno));
		ptest_dir[0] = 0;
		return;
	}
	if (chdir(ptest_dir) != 0)
		ptest_fail("chdir(ptest_dir)", __FILE_NAME__, __LINE__, "errno %d", errno);
}

/* Print the verdict line and exit 0 (pass) or 1 (fail). Main process only. */
__attribute__((noreturn)) static inline void ptest_done(void)
{
	if (ptest_dir[0]) {
		if (chdir("/") == 0)
			ptest_rmtree(ptest_dir);
	}
	char buf[128];
	int n = snprintf(buf, sizeof(buf), "TEST %s %s\n", ptest_name,
			 ptest_failures ? "FAIL" : "PASS");
	fflush(stdout);
	ssize_t w = write(1, buf, n);
	(void)w;
	if (ptest_logger_done >= 0) {
		/* Let the logger print the rest and end before this program does. */
		close(0);
		close(1);
		close(2);
		struct pollfd pfd = {ptest_logger_done, POLLIN, 0};
		char c;
		if (poll(&pfd, 1, 5000) == 1)
			w = read(ptest_logger_done, &c, 1);
	}
	exit(ptest_failures ? 1 : 0);
}

/* The wait status of child pid (waited for), or -1. */
static inline int ptest_status_of(pid_t pid)
{
	int status = -1;
	pid_t r = waitpid(pid, &status, 0);
	return r == pid ? status : -1;
}

/* Whether status says: exited with code. */
static inline int ptest_exited_with(int status, int code)
{
	return status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == code;
}

/*
 * Run fn(arg) in a forked child that exits with the number of its failed
 * checks (its lines are printed as usual); the parent adds them to its own.
 * For checks that change process-wide state (signals, sessions, limits).
 */
static inline void ptest_in_child(void (*fn)(void *), void *arg, const char *what)
{
	fflush(stdout);
	pid_t pid = fork();
	if (pid < 0) {
		ptest_fail("fork()", __FILE_NAME__, __LINE__, "%s: errno %d", what, errno);
		return;
	}
	if (pid == 0) {
		ptest_failures = 0;
		ptest_dir[0] = 0;
		fn(arg);
		_exit(ptest_failures > 100 ? 100 : ptest_failures);
	}
	int status = 0;
	if (waitpid(pid, &status, 0) != pid)
		ptest_fail("waitpid(child)", __FILE_NAME__, __LINE__, "%s: errno %d", what, errno);
	else if (WIFSIGNALED(status))
		ptest_fail("child ends normally", __FILE_NAME__, __LINE__,
			   "%s: killed by signal %d", what, WTERMSIG(status));
	else if (WIFEXITED(status))
		ptest_failures += WEXITSTATUS(status);
}
