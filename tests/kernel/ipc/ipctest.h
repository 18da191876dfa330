/*
 * ipctest: helpers shared by the message-passing, priority-inheritance and
 * bad-argument tests (tests/kernel/ipc, pi, badargs), on top of ntest.h.
 * Header only. Functions marked thread-safe use only the *_r calls and
 * their arguments; the others belong to the main thread.
 */
#pragma once
#include "ntest.h"

#include <time.h>

/* call must fail with -1 and errno e1 or e2 (QNX documents either). */
#define CHECK_ERR2(call, e1, e2)                                                           \
	({                                                                                  \
		errno = 0;                                                                  \
		long ipct_rc_ = (long)(call);                                               \
		int ipct_errno_ = errno;                                                    \
		int ipct_ok_ = ipct_rc_ == -1 && (ipct_errno_ == (e1) || ipct_errno_ == (e2)); \
		if (!ipct_ok_)                                                              \
			ntest_fail(#call " fails with " #e1 " or " #e2, __FILE_NAME__, __LINE__, \
				   "returned %ld, errno %d (%s)", ipct_rc_, ipct_errno_,    \
				   strerror(ipct_errno_));                                  \
		ipct_ok_;                                                                   \
	})

/* Sleep ms milliseconds. Thread-safe. */
static inline void ipct_sleep_ms(unsigned ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) != 0 && ts.tv_nsec + ts.tv_sec > 0)
		;
}

/* Spin on the CPU for ms milliseconds of wall time. Thread-safe. */
static inline void ipct_spin_ms(unsigned ms)
{
	uint64_t end = ntest_now() + ms * NTEST_MS;
	while (ntest_now() < end)
		;
}

/*
 * Arm a kernel timeout (SIGEV_UNBLOCK, relative ns) for the caller's next
 * blocking call in one of the states in flags. 0 or -errno. Thread-safe.
 */
static inline int ipct_timeout(unsigned flags, uint64_t ns)
{
	struct sigevent ev;
	memset(&ev, 0, sizeof(ev));
	SIGEV_UNBLOCK_INIT(&ev);
	return TimerTimeout_r(_NTO_CLOCK_MONOTONIC, (int)flags, &ev, &ns, NULL);
}

/* Wait up to ms for *flag to become nonzero, sleeping 1 ms at a time.
 * Returns the flag. Thread-safe. */
static inline int ipct_wait_flag(volatile int *flag, unsigned ms)
{
	uint64_t end = ntest_now() + ms * NTEST_MS;
	while (!*flag && ntest_now() < end)
		ipct_sleep_ms(1);
	return *flag;
}

/*
 * MsgReceive with a kernel timeout of ms (RECEIVE state): rcvid, 0 for a
 * pulse, or -errno (-ETIMEDOUT when nothing came). When TimerTimeout is not
 * available the call would block forever, so it returns -ENOSYS without
 * receiving. Thread-safe.
 */
static inline int ipct_receive_ms(int chid, void *buf, size_t len, struct _msg_info *info,
				  unsigned ms)
{
	int rc = ipct_timeout(_NTO_TIMEOUT_RECEIVE, ms * NTEST_MS);
	if (rc < 0)
		return rc;
	return MsgReceive_r(chid, buf, len, info);
}

/*
 * Start a boot-image helper program: argv[0] = name, then the integer
 * arguments (nargs of them), at the given priority (0 = inherit) with
 * SCHED_FIFO. Returns the pid or -errno. Main thread only.
 */
static inline int ipct_spawn(const char *name, int prio, int nargs, const long *args)
{
	char store[8][24];
	char *argv[10];
	int n = 0;
	argv[n++] = (char *)name;
	for (int i = 0; i < nargs && i < 8; i++) {
		snprintf(store[i], sizeof(store[i]), "%ld", args[i]);
		argv[n++] = store[i];
	}
	argv[n] = NULL;
	char *envp[] = {NULL};
	struct _image_spawn_attr attr = {.priority = prio, .policy = prio ? SCHED_FIFO : -1};
	return ImageSpawn_r(name, argv, envp, &attr);
}

/* Wait for child pid: its exit code, 128 + signal if killed, or -errno. Main thread only. */
static inline int ipct_reap(int pid)
{
	int status = 0;
	int rc = ProcWait_r(pid, &status, 0);
	if (rc < 0)
		return rc;
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return -ECHILD;
}

/* The caller's effective priority (SchedGet), or -errno. Thread-safe. */
static inline int ipct_prio(void)
{
	struct sched_param p = {0};
	int rc = SchedGet_r(0, 0, &p);
	return rc < 0 ? rc : p.sched_priority;
}

/*
 * A watchdog thread at priority 254: if the test still runs after
 * seconds, it prints a failure and the verdict and ends the process, so a
 * hang (a message never delivered, a client never released) cannot stop
 * the tests after this one. Main thread only (allocates).
 */
static volatile int ipct_wd_seconds;

static void *ipct_wd_body(void *arg)
{
	(void)arg;
	ipct_sleep_ms((unsigned)ipct_wd_seconds * 1000);
	char buf[160];
	int n = snprintf(buf, sizeof(buf),
			 "ntest: %s: check failed: watchdog: test still running after %d s\n"
			 "TEST %s FAIL\n",
			 ntest_name, ipct_wd_seconds, ntest_name);
	write(1, buf, (size_t)n);
	_exit(1);
}

static inline void ipct_watchdog(int seconds)
{
	ipct_wd_seconds = seconds;
	int tid = ntest_thread(ipct_wd_body, NULL, SCHED_FIFO, 254);
	if (tid < 0)
		ntest_info("no watchdog thread: %s", strerror(-tid));
}
