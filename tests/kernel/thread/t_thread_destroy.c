/*
 * t_thread_destroy: ThreadDestroy aimed at another thread of the process.
 *  - a ready thread that has not run yet ends before running its body;
 *  - a thread blocked in a long nanosleep ends at once;
 *  - a thread spinning in user mode ends at its next kernel entry;
 *  - ThreadJoin returns the status given to ThreadDestroy;
 *  - an unknown tid is ESRCH, and the process (and this thread) live on.
 */
#include "ntest.h"

#define PRIO 20

static volatile int ran_body, spinning;

static void *never_body(void *arg)
{
	(void)arg;
	ran_body = 1;
	ntest_thread_exit();
}

static void *sleep_body(void *arg)
{
	(void)arg;
	struct timespec ts = {.tv_sec = 100};
	nanosleep(&ts, NULL);
	ran_body = 2; /* not reached: destroyed while asleep */
	ntest_thread_exit();
}

static void *spin_body(void *arg)
{
	(void)arg;
	for (;;) {
		spinning = 1;
		SchedYield_r(); /* a kernel entry, where the destroy takes effect */
	}
	return NULL;
}

static void join_expect(int tid, uintptr_t status)
{
	void *st = NULL;
	CHECK_EQ(ThreadJoin_r(tid, &st), 0);
	CHECK_EQ((uintptr_t)st, status);
}

int main(void)
{
	ntest_start("thread_destroy");
	CHECK_EQ(ntest_sched_self(SCHED_FIFO, PRIO), 0);

	/* lower priority: ready, never ran */
	int t1 = ntest_thread(never_body, NULL, SCHED_FIFO, PRIO - 5);
	CHECK(t1 > 0);
	CHECK_EQ(ThreadDestroy_r(t1, -1, (void *)11), 0);
	join_expect(t1, 11);
	CHECK_EQ(ran_body, 0);

	/* higher priority: runs at once and blocks in nanosleep */
	int t2 = ntest_thread(sleep_body, NULL, SCHED_FIFO, PRIO + 5);
	CHECK(t2 > 0);
	CHECK_EQ(ThreadDestroy_r(t2, -1, (void *)22), 0);
	join_expect(t2, 22);
	CHECK_EQ(ran_body, 0);

	/* same priority, spinning with yields */
	int t3 = ntest_thread(spin_body, NULL, SCHED_FIFO, PRIO);
	CHECK(t3 > 0);
	while (!spinning)
		SchedYield_r();
	CHECK_EQ(ThreadDestroy_r(t3, -1, (void *)33), 0);
	join_expect(t3, 33);

	CHECK_EQ(ThreadDestroy_r(0x7ffe, -1, NULL), -ESRCH);
	ntest_done();
}
