/*
 * t_sync_leak: 1,000 contended lock/unlock cycles between two threads (each
 * yields while holding the mutex, so the other blocks on it in the kernel),
 * plus condvar and semaphore traffic, leave kmem_in_use and the free page
 * count exactly as they were. A warm-up round first touches the static
 * stacks and any lazily allocated kernel state.
 * The main thread runs SCHED_FIFO at priority 20; workers at 10.
 */
#include "sync_util.h"

#define CYCLES 1000
#define STACK (64 * 1024)

static sync_t m, sem;
static char stacks[2][STACK] __attribute__((aligned(16)));
static volatile int done, errs, contended;
static volatile int cycles;

static void *body(void *arg)
{
	(void)arg;
	for (int i = 0; i < cycles; i++) {
		if (m.owner != 0)
			contended++;
		if (SyncMutexLock_r(&m))
			errs++;
		SchedYield_r();
		if (SyncMutexUnlock_r(&m))
			errs++;
		SchedYield_r();
	}
	if (cycles)
		SyncSemPost_r(&sem);
	done++;
	ntest_thread_exit();
}

static void round_of(int n)
{
	cycles = n;
	done = errs = contended = 0;
	for (int i = 0; i < 2; i++) {
		struct _thread_attr attr = {.policy = SCHED_RR, .priority = 10,
					    .stacksize = STACK, .stackaddr = stacks[i]};
		int tid = ThreadCreate_r(0, body, NULL, &attr);
		CHECK(tid > 0 && ThreadDetach_r(tid) == 0);
	}
	for (int i = 0; i < 2 && n; i++)
		CHECK_EQ(_nto_sem_wait(&sem), 0);
	CHECK(wait_for(&done, 2, 5000));
	sleep_ms(10); /* both threads exit and are reaped */
	CHECK_EQ(errs, 0);
}

int main(void)
{
	ntest_start("sync_leak");
	CHECK_EQ(ntest_sched_self(SCHED_FIFO, 20), 0);
	CHECK_EQ(SyncTypeCreate(_NTO_SYNC_MUTEX_FREE, &m, NULL), 0);
	CHECK_EQ(SyncTypeCreate(_NTO_SYNC_SEM, &sem, NULL), 0);
	round_of(10);
	struct _sys_meminfo m0, m1;
	CHECK_EQ(SysMemInfo(&m0), 0);
	round_of(0);
	struct _sys_meminfo ma;
	CHECK_EQ(SysMemInfo(&ma), 0);
	ntest_info("threads alone: kmem %+lld", (long long)(ma.kmem_in_use - m0.kmem_in_use));
	round_of(CYCLES);
	ntest_info("%d of %d lock attempts found the mutex held", contended, 2 * CYCLES);
	CHECK(contended >= CYCLES / 2);
	CHECK_EQ(m.owner, 0);
	CHECK_EQ(SysMemInfo(&m1), 0);
	CHECK_EQ(m1.kmem_in_use, m0.kmem_in_use);
	CHECK_EQ(m1.free_pages, m0.free_pages);
	CHECK_EQ(m1.n_threads, m0.n_threads);
	ntest_done();
}
