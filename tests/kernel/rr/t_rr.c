/*
 * t_rr: sharing the CPU between threads of equal priority.
 *  - two SCHED_RR threads spinning for the same 200 ms both progress and
 *    alternate many times (4 ms slices);
 *  - two SCHED_FIFO threads: the second starts only when the first has
 *    finished, or, when they call SchedYield, they alternate strictly.
 * Main sets everything up at priority 30 and then drops to 10 below the
 * threads (20), so they start together and main resumes when both are done.
 */
#include "ntest.h"

#include <time.h>

#define LOG_MAX 4096
#define YIELD_ROUNDS 20

/* Which thread (1 or 2) ran, appended each time the runner changes. */
static volatile int run_log[LOG_MAX];
static volatile int log_n;
static volatile int last_id;
static volatile uint64_t deadline;
static volatile unsigned long progress[3];
static volatile uint64_t first_at[3], last_at[3];
static volatile int done[3];

static void note(int id)
{
	progress[id]++;
	if (last_id == id)
		return;
	last_id = id;
	int i = __atomic_fetch_add(&log_n, 1, __ATOMIC_RELAXED);
	if (i < LOG_MAX)
		run_log[i] = id;
}

static void reset(void)
{
	log_n = 0;
	last_id = 0;
	for (int i = 0; i < 3; i++) {
		progress[i] = 0;
		first_at[i] = last_at[i] = 0;
		done[i] = 0;
	}
}

/* Spin until the shared deadline. */
static void *rr_body(void *arg)
{
	int id = (int)(intptr_t)arg;
	first_at[id] = ntest_now();
	while (ntest_now() < deadline)
		note(id);
	last_at[id] = ntest_now();
	done[id] = 1;
	ntest_thread_exit();
}

/* Spin for 30 ms of its own. */
static void *fifo_body(void *arg)
{
	int id = (int)(intptr_t)arg;
	uint64_t start = ntest_now(), end = start + 30 * NTEST_MS;
	first_at[id] = start;
	while (ntest_now() < end)
		note(id);
	last_at[id] = ntest_now();
	done[id] = 1;
	ntest_thread_exit();
}

/* Spin about 1 ms, yield; YIELD_ROUNDS times. */
static void *yield_body(void *arg)
{
	int id = (int)(intptr_t)arg;
	first_at[id] = ntest_now();
	for (int r = 0; r < YIELD_ROUNDS; r++) {
		uint64_t end = ntest_now() + NTEST_MS;
		while (ntest_now() < end)
			note(id);
		SchedYield_r();
	}
	last_at[id] = ntest_now();
	done[id] = 1;
	ntest_thread_exit();
}

/* Start body as threads 1 and 2 at priority 20 and let them run to the end. */
static int run_pair(void *(*body)(void *), int policy)
{
	reset();
	if (!CHECK_EQ(ntest_sched_self(SCHED_FIFO, 30), 0))
		return -1;
	int t1 = ntest_thread(body, (void *)1, policy, 20);
	int t2 = ntest_thread(body, (void *)2, policy, 20);
	if (!CHECK(t1 > 0) || !CHECK(t2 > 0))
		return -1;
	CHECK_EQ(progress[1] + progress[2], 0);
	deadline = ntest_now() + 200 * NTEST_MS;
	CHECK_EQ(ntest_sched_self(SCHED_FIFO, 10), 0);

	/* Both should be done by now; wait a little in case they are not. */
	uint64_t give_up = ntest_now() + 2000 * NTEST_MS;
	struct timespec ts = {.tv_sec = 0, .tv_nsec = NTEST_MS};
	while (!(done[1] && done[2]) && ntest_now() < give_up)
		nanosleep(&ts, NULL);
	CHECK_EQ(done[1], 1);
	CHECK_EQ(done[2], 1);
	return done[1] && done[2] ? 0 : -1;
}

static void test_rr(void)
{
	if (run_pair(rr_body, SCHED_RR) < 0)
		return;
	int n = log_n;
	unsigned long p1 = progress[1], p2 = progress[2];
	ntest_info("RR: %d runs in 200 ms, observations %lu / %lu", n, p1, p2);
	CHECK(p1 > 0 && p2 > 0);
	CHECK(n >= 10);
	/* Equal slices: neither gets less than a quarter of the observations. */
	CHECK(p1 * 4 >= p1 + p2 && p2 * 4 >= p1 + p2);
}

static void test_fifo(void)
{
	if (run_pair(fifo_body, SCHED_FIFO) < 0)
		return;
	ntest_info("FIFO: %d runs", log_n);
	CHECK_EQ(log_n, 2);
	CHECK_EQ(run_log[0], 1);
	CHECK_EQ(run_log[1], 2);
	CHECK(first_at[2] >= last_at[1]);
}

static void test_fifo_yield(void)
{
	if (run_pair(yield_body, SCHED_FIFO) < 0)
		return;
	ntest_info("FIFO with SchedYield: %d runs", log_n);
	CHECK_EQ(log_n, 2 * YIELD_ROUNDS);
	CHECK_EQ(run_log[0], 1);
}

int main(void)
{
	ntest_start("rr");
	test_rr();
	test_fifo();
	test_fifo_yield();
	ntest_done();
}
