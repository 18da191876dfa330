/*
 * t_prio: strict priority preemption between the threads of one process.
 *  (a) creating a higher-priority thread runs it before ThreadCreate returns;
 *  (b) a higher-priority thread waking from a 5 ms sleep preempts a
 *      lower-priority thread spinning in user mode, on time;
 *  (c) SchedSet raising another thread above the caller runs it at once;
 *  (d) a lower-priority thread never runs while a higher one spins.
 * The main thread runs SCHED_FIFO at priority 10 throughout.
 */
#include "ntest.h"

#include <time.h>

#define MAIN_PRIO 10

/* (a) */
static volatile int a_ran;

static void *a_body(void *arg)
{
	(void)arg;
	a_ran = 1;
	ntest_thread_exit();
}

/* (b) */
static volatile uint64_t b_slept_at, b_woke_at;
static volatile int b_woke;

static void *b_body(void *arg)
{
	(void)arg;
	struct timespec ts = {.tv_sec = 0, .tv_nsec = 5 * NTEST_MS};
	b_slept_at = ntest_now();
	nanosleep(&ts, NULL);
	b_woke_at = ntest_now();
	b_woke = 1;
	ntest_thread_exit();
}

/* (c) and (d) */
static volatile int d_stop, d_done;
static volatile unsigned long d_count;

static void *d_body(void *arg)
{
	(void)arg;
	while (!d_stop)
		d_count++;
	d_done = 1;
	ntest_thread_exit();
}

static void test_create_preempts(void)
{
	int tid = ntest_thread(a_body, NULL, SCHED_FIFO, 20);
	CHECK(tid > 0);
	CHECK_EQ(a_ran, 1);
}

static void test_wakeup_preempts(void)
{
	int tid = ntest_thread(b_body, NULL, SCHED_FIFO, 20);
	if (!CHECK(tid > 0))
		return;
	/* b ran first and is asleep now. */
	CHECK(b_slept_at != 0);
	CHECK_EQ(b_woke, 0);

	/* Spin in user mode; look at the clock only now and then. */
	uint64_t start = ntest_now();
	unsigned long spins = 0;
	while (!b_woke) {
		spins++;
		(void)ClockCycles();
		if ((spins & 0xfff) == 0 && ntest_now() - start > 1000 * NTEST_MS)
			break;
	}
	uint64_t noticed = ntest_now();
	if (!CHECK_EQ(b_woke, 1))
		return;
	CHECK(spins > 0);
	uint64_t due = b_slept_at + 5 * NTEST_MS;
	CHECK(b_woke_at >= due);
	CHECK(b_woke_at - due <= 20 * NTEST_MS);
	CHECK(noticed >= b_woke_at);
	ntest_info("5 ms sleep woke %llu us late; main spun %lu times, noticed after %llu us",
		   (unsigned long long)(b_woke_at - due) / 1000, spins,
		   (unsigned long long)(noticed - b_woke_at) / 1000);
}

static void test_lower_waits_then_raised(void)
{
	int tid = ntest_thread(d_body, NULL, SCHED_FIFO, 5);
	if (!CHECK(tid > 0))
		return;
	/* (d) A priority-5 thread must not run while main (10) spins 20 ms. */
	uint64_t end = ntest_now() + 20 * NTEST_MS;
	while (ntest_now() < end)
		(void)ClockCycles();
	CHECK_EQ(d_count, 0);
	CHECK_EQ(d_done, 0);

	/* (c) Raising it above main runs it before SchedSet returns. */
	d_stop = 1;
	struct sched_param p = {.sched_priority = 20};
	CHECK_EQ(SchedSet(0, tid, SCHED_FIFO, &p), 0);
	CHECK_EQ(d_done, 1);
}

int main(void)
{
	ntest_start("prio");
	if (!CHECK_EQ(ntest_sched_self(SCHED_FIFO, MAIN_PRIO), 0))
		ntest_done();

	struct sched_param p = {0};
	CHECK_EQ(SchedGet(0, 0, &p), SCHED_FIFO);
	CHECK_EQ(p.sched_priority, MAIN_PRIO);
	p.sched_priority = 256;
	CHECK_ERR(SchedSet(0, 0, SCHED_FIFO, &p), EINVAL);
	p.sched_priority = 0;
	CHECK_ERR(SchedSet(0, 0, SCHED_FIFO, &p), EINVAL);

	test_create_preempts();
	test_wakeup_preempts();
	test_lower_waits_then_raised();
	ntest_done();
}
