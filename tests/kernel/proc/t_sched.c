/*
 * t_sched: the Linux sched_* syscalls (posix/sched.c) through musl's
 * pthread scheduling calls and raw syscalls, checked against the kernel's
 * own view (SchedGet):
 *  - priority ranges: 1..255 for SCHED_FIFO and RR (1..63 when
 *    unprivileged), Linux's 0 for SCHED_OTHER, which keeps a thread's own
 *    kernel priority or gives it the process's base priority; other
 *    policies are EINVAL;
 *  - pthread_setschedparam / getschedparam / setschedprio on the caller and
 *    on another thread (ids are per-process thread ids);
 *  - pthread_create with PTHREAD_EXPLICIT_SCHED: the new thread starts with
 *    the attribute's policy and priority, and a higher priority runs at once;
 *  - errors: bad policy or priority, NULL parameter, negative or unknown id;
 *  - an unprivileged process: 64 and up is EPERM, another user's process
 *    cannot be changed but can be read;
 *  - sched_rr_get_interval (4 ms for RR, 0 for FIFO), sched_getaffinity and
 *    sched_setaffinity on the one CPU.
 */
#define _GNU_SOURCE
#include "ntest.h"

#include <pthread.h>
#include <sched.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

/* The kernel's policy and priority of thread tid of this process (0: caller). */
static int kget(int tid, int *prio)
{
	struct sched_param p = {0};
	int pol = SchedGet(0, tid, &p);
	*prio = p.sched_priority;
	return pol;
}

static long sys_getparam(long id)
{
	struct sched_param p = {.sched_priority = -1};
	long r = syscall(SYS_sched_getparam, id, &p);
	return r < 0 ? r : p.sched_priority;
}

static void test_ranges(void)
{
	int pols[] = {SCHED_FIFO, SCHED_RR};
	for (unsigned i = 0; i < 2; i++) {
		CHECK_EQ(sched_get_priority_min(pols[i]), 1);
		CHECK_EQ(sched_get_priority_max(pols[i]), 255);
	}
	CHECK_EQ(sched_get_priority_min(SCHED_OTHER), 0);
	CHECK_EQ(sched_get_priority_max(SCHED_OTHER), 0);
	CHECK_ERR(sched_get_priority_max(3), EINVAL); /* SCHED_BATCH */
	CHECK_ERR(sched_get_priority_min(5), EINVAL); /* SCHED_IDLE */
	CHECK_ERR(sched_get_priority_max(-1), EINVAL);
}

static int prio0, pol0; /* the test's own at start (its base priority) */

static void test_self(void)
{
	pthread_t me = pthread_self();
	int kprio, pol;
	struct sched_param sp;
	CHECK_EQ(pthread_getschedparam(me, &pol, &sp), 0);
	CHECK_EQ(pol, kget(0, &kprio));
	CHECK_EQ(sp.sched_priority, pol == SCHED_OTHER ? 0 : kprio);

	sp.sched_priority = 20;
	CHECK_EQ(pthread_setschedparam(me, SCHED_FIFO, &sp), 0);
	CHECK_EQ(kget(0, &kprio), SCHED_FIFO);
	CHECK_EQ(kprio, 20);
	CHECK_EQ(syscall(SYS_sched_getscheduler, 0), SCHED_FIFO);
	CHECK_EQ(sys_getparam(0), 20);
	CHECK_EQ(syscall(SYS_sched_getscheduler, syscall(SYS_gettid)), SCHED_FIFO);

	CHECK_EQ(pthread_setschedprio(me, 15), 0);
	CHECK_EQ(kget(0, &kprio), SCHED_FIFO);
	CHECK_EQ(kprio, 15);
	CHECK_EQ(pthread_getschedparam(me, &pol, &sp), 0);
	CHECK_EQ(pol, SCHED_FIFO);
	CHECK_EQ(sp.sched_priority, 15);

	/* SCHED_OTHER: priority 0 only; from FIFO it gets the base priority */
	sp.sched_priority = 12;
	CHECK_EQ(pthread_setschedparam(me, SCHED_OTHER, &sp), EINVAL);
	sp.sched_priority = 0;
	CHECK_EQ(pthread_setschedparam(me, SCHED_OTHER, &sp), 0);
	CHECK_EQ(kget(0, &kprio), SCHED_OTHER);
	CHECK_EQ(kprio, prio0);
	CHECK_EQ(sys_getparam(0), 0);
	/* ... and a SCHED_OTHER thread keeps the kernel priority it has */
	struct sched_param nsp = {.sched_priority = 12};
	CHECK_EQ(SchedSet(0, 0, SCHED_OTHER, &nsp), 0);
	CHECK_EQ(pthread_getschedparam(me, &pol, &sp), 0);
	CHECK_EQ(pol, SCHED_OTHER);
	CHECK_EQ(sp.sched_priority, 0);
	CHECK_EQ(pthread_setschedparam(me, SCHED_OTHER, &sp), 0);
	CHECK_EQ(kget(0, &kprio), SCHED_OTHER);
	CHECK_EQ(kprio, 12);
	CHECK_EQ(pthread_setschedprio(me, 5), EINVAL);

	/* errors leave the thread as it was */
	sp.sched_priority = 0;
	CHECK_EQ(pthread_setschedparam(me, SCHED_FIFO, &sp), EINVAL);
	sp.sched_priority = 256;
	CHECK_EQ(pthread_setschedparam(me, SCHED_RR, &sp), EINVAL);
	sp.sched_priority = 20;
	CHECK_EQ(pthread_setschedparam(me, 3, &sp), EINVAL);
	sp.sched_priority = 1;
	CHECK_ERR(syscall(SYS_sched_setscheduler, 0, SCHED_OTHER, &sp), EINVAL);
	CHECK_ERR(syscall(SYS_sched_setscheduler, 0, SCHED_FIFO, NULL), EINVAL);
	CHECK_ERR(syscall(SYS_sched_setscheduler, 0, SCHED_FIFO | 0x40000000, &sp), EINVAL);
	CHECK_ERR(syscall(SYS_sched_setscheduler, -1, SCHED_FIFO, &sp), EINVAL);
	CHECK_ERR(syscall(SYS_sched_setscheduler, 29999, SCHED_FIFO, &sp), ESRCH);
	CHECK_ERR(syscall(SYS_sched_getparam, 0, NULL), EINVAL);
	CHECK_ERR(syscall(SYS_sched_getscheduler, 29999), ESRCH);
	CHECK_EQ(kget(0, &kprio), SCHED_OTHER);
	CHECK_EQ(kprio, 12);
}

/* ---- another thread ---- */

static volatile int ran, stop_spin;
static volatile int seen_policy, seen_prio;

static void *record_self(void *arg)
{
	int prio;
	seen_policy = kget(0, &prio);
	seen_prio = prio;
	ran = 1;
	return arg;
}

static void *wait_stop(void *arg)
{
	while (!stop_spin) {
		struct timespec ts = {0, 1000000};
		nanosleep(&ts, NULL);
	}
	return arg;
}

static void test_other_thread(void)
{
	struct sched_param sp = {.sched_priority = 20};
	CHECK_EQ(pthread_setschedparam(pthread_self(), SCHED_FIFO, &sp), 0);

	/* explicit attributes: the thread starts with them; higher runs at once */
	pthread_attr_t at;
	pthread_attr_init(&at);
	CHECK_EQ(pthread_attr_setinheritsched(&at, PTHREAD_EXPLICIT_SCHED), 0);
	CHECK_EQ(pthread_attr_setschedpolicy(&at, SCHED_RR), 0);
	sp.sched_priority = 30;
	CHECK_EQ(pthread_attr_setschedparam(&at, &sp), 0);
	pthread_t t;
	ran = 0;
	CHECK_EQ(pthread_create(&t, &at, record_self, NULL), 0);
	CHECK_EQ(ran, 1); /* it outranked us as soon as it was released */
	CHECK_EQ(pthread_join(t, NULL), 0);
	CHECK_EQ(seen_policy, SCHED_RR);
	CHECK_EQ(seen_prio, 30);

	sp.sched_priority = 17;
	CHECK_EQ(pthread_attr_setschedpolicy(&at, SCHED_FIFO), 0);
	CHECK_EQ(pthread_attr_setschedparam(&at, &sp), 0);
	ran = 0;
	CHECK_EQ(pthread_create(&t, &at, record_self, NULL), 0);
	CHECK_EQ(ran, 0); /* lower: it waits until we block */
	CHECK_EQ(pthread_join(t, NULL), 0);
	CHECK_EQ(seen_policy, SCHED_FIFO);
	CHECK_EQ(seen_prio, 17);
	pthread_attr_destroy(&at);

	/* change and read a running thread by its pthread_t (its tid) */
	stop_spin = 0;
	CHECK_EQ(pthread_create(&t, NULL, wait_stop, NULL), 0);
	sp.sched_priority = 25;
	CHECK_EQ(pthread_setschedparam(t, SCHED_RR, &sp), 0);
	int pol = -1;
	struct sched_param got = {0};
	CHECK_EQ(pthread_getschedparam(t, &pol, &got), 0);
	CHECK_EQ(pol, SCHED_RR);
	CHECK_EQ(got.sched_priority, 25);
	CHECK_EQ(pthread_setschedprio(t, 9), 0);
	CHECK_EQ(pthread_getschedparam(t, &pol, &got), 0);
	CHECK_EQ(pol, SCHED_RR);
	CHECK_EQ(got.sched_priority, 9);
	struct timespec iv = {-1, -1};
	CHECK_EQ(pthread_getschedparam(pthread_self(), &pol, &got), 0);
	CHECK_EQ(pol, SCHED_FIFO);
	CHECK_EQ(sched_rr_get_interval(0, &iv), 0);
	CHECK(iv.tv_sec == 0 && iv.tv_nsec == 0);
	stop_spin = 1;
	CHECK_EQ(pthread_join(t, NULL), 0);

	sp.sched_priority = 10;
	CHECK_EQ(pthread_setschedparam(pthread_self(), SCHED_RR, &sp), 0);
	CHECK_EQ(sched_rr_get_interval(0, &iv), 0);
	CHECK(iv.tv_sec == 0 && iv.tv_nsec == 4000000);
}

static void test_affinity(void)
{
	cpu_set_t set;
	CPU_ZERO(&set);
	CPU_SET(5, &set);
	CHECK_EQ(sched_getaffinity(0, sizeof(set), &set), 0);
	CHECK_EQ(CPU_COUNT(&set), 1);
	CHECK(CPU_ISSET(0, &set));
	CHECK_EQ(syscall(SYS_sched_getaffinity, 0, sizeof(set), &set), 8);
	CHECK_ERR(syscall(SYS_sched_getaffinity, 0, 4, &set), EINVAL);
	CHECK_EQ(sched_setaffinity(0, sizeof(set), &set), 0);
	CPU_ZERO(&set);
	CPU_SET(1, &set);
	CHECK_ERR(sched_setaffinity(0, sizeof(set), &set), EINVAL);
	CHECK_ERR(sched_getaffinity(29999, sizeof(set), &set), ESRCH);
}

/* A child that drops privileges: limits and other users' processes. */
static void test_unprivileged(void)
{
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid == 0) {
		int bad = 0;
		if (setuid(1000) != 0)
			_exit(10);
		if (sched_get_priority_max(SCHED_FIFO) != 63)
			bad |= 1;
		struct sched_param sp = {.sched_priority = 64};
		if (pthread_setschedparam(pthread_self(), SCHED_FIFO, &sp) != EPERM)
			bad |= 2;
		sp.sched_priority = 63;
		if (pthread_setschedparam(pthread_self(), SCHED_FIFO, &sp) != 0)
			bad |= 4;
		sp.sched_priority = 10;
		errno = 0;
		if (syscall(SYS_sched_setscheduler, parent, SCHED_RR, &sp) != -1 || errno != EPERM)
			bad |= 8;
		if (syscall(SYS_sched_getscheduler, parent) != SCHED_RR)
			bad |= 16;
		if (sys_getparam(parent) != 10)
			bad |= 32;
		cpu_set_t set;
		CPU_ZERO(&set);
		CPU_SET(0, &set);
		errno = 0;
		if (sched_setaffinity(parent, sizeof(set), &set) != -1 || errno != EPERM)
			bad |= 64;
		_exit(bad);
	}
	CHECK(pid > 0);
	int st = -1;
	CHECK_EQ(waitpid(pid, &st, 0), pid);
	if (!CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0))
		ntest_info("unprivileged child: status %#x (bits: see test_unprivileged)", st);
}

int main(void)
{
	ntest_start("sched");
	pol0 = kget(0, &prio0);
	test_ranges();
	test_self();
	test_other_thread();
	test_affinity();
	test_unprivileged();
	struct sched_param sp = {.sched_priority = prio0};
	CHECK_EQ(SchedSet(0, 0, pol0, &sp), 0);
	ntest_done();
}
