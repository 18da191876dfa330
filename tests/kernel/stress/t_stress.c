/*
 * t_stress: no leak on the process and thread life cycles. 1,000 cycles of
 * ImageSpawn(spin_exit) + ProcWait, then 200 threads created and destroyed
 * (half on malloc'd stacks, half on stacks the kernel maps); after each
 * loop, SysMemInfo's free_pages and kmem_in_use must equal their values
 * after a short warm-up of the same loop. Prints the figures.
 */
#include "ntest.h"

#include <time.h>

#define SPAWNS 1000
#define THREADS 200
#define WARMUP 10

static volatile int threads_done;
static unsigned char thread_stack[NTEST_STACK_SIZE] __attribute__((aligned(16)));

static void *quick_body(void *arg)
{
	(void)arg;
	threads_done++;
	ntest_thread_exit();
}

/* Let the kernel finish tearing down what just died, then sample. */
static void settle_and_sample(struct _sys_meminfo *m)
{
	struct timespec ts = {.tv_sec = 0, .tv_nsec = 10 * NTEST_MS};
	nanosleep(&ts, NULL);
	CHECK_EQ(SysMemInfo(m), 0);
}

static int spawn_cycles(int n)
{
	int bad = 0;
	for (int i = 0; i < n; i++) {
		int status = 0;
		int rc = ntest_run("spin_exit", &status);
		if (rc < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
			if (!bad)
				ntest_info("cycle %d: rc %d, status %#x", i, rc, (unsigned)status);
			bad++;
		}
	}
	return bad;
}

/* Threads above main's priority run to their end inside ThreadCreate. */
static int thread_cycles(int n)
{
	int bad = 0;
	for (int i = 0; i < n; i++) {
		int before = threads_done;
		struct _thread_attr attr = {.policy = SCHED_FIFO, .priority = 20};
		if (i % 2 == 0) {
			attr.stackaddr = thread_stack;
			attr.stacksize = sizeof(thread_stack);
		}
		int tid = ThreadCreate_r(0, quick_body, NULL, &attr);
		if (tid < 0 || threads_done != before + 1) {
			bad++;
			continue;
		}
		/* a joinable thread keeps its exit status until it is joined */
		if (ThreadJoin_r(tid, NULL) != 0)
			bad++;
	}
	return bad;
}

static void report(const char *what, const struct _sys_meminfo *a, const struct _sys_meminfo *b)
{
	ntest_info("%s: free pages %llu -> %llu, kmem %llu -> %llu bytes, %llu processes, "
		   "%llu threads",
		   what, (unsigned long long)a->free_pages, (unsigned long long)b->free_pages,
		   (unsigned long long)a->kmem_in_use, (unsigned long long)b->kmem_in_use,
		   (unsigned long long)b->n_processes, (unsigned long long)b->n_threads);
}

int main(void)
{
	struct _sys_meminfo warm, after;

	ntest_start("stress");
	CHECK_EQ(ntest_sched_self(SCHED_FIFO, 10), 0);
	ntest_info("starting");

	CHECK_EQ(spawn_cycles(WARMUP), 0);
	settle_and_sample(&warm);
	uint64_t t0 = ntest_now();
	CHECK_EQ(spawn_cycles(SPAWNS), 0);
	uint64_t t1 = ntest_now();
	settle_and_sample(&after);
	report("spawn", &warm, &after);
	ntest_info("%d spawn+wait cycles in %llu ms", SPAWNS,
		   (unsigned long long)(t1 - t0) / NTEST_MS);
	CHECK_EQ(after.free_pages, warm.free_pages);
	CHECK_EQ(after.kmem_in_use, warm.kmem_in_use);

	CHECK_EQ(thread_cycles(WARMUP), 0);
	settle_and_sample(&warm);
	CHECK_EQ(thread_cycles(THREADS), 0);
	settle_and_sample(&after);
	report("threads", &warm, &after);
	CHECK_EQ(threads_done, WARMUP + THREADS);
	CHECK_EQ(after.free_pages, warm.free_pages);
	CHECK_EQ(after.kmem_in_use, warm.kmem_in_use);
	ntest_done();
}
