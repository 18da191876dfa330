/*
 * t_sync_cond: condition variables.
 *  (a) wait releases the mutex and blocks; signal wakes the waiter, which
 *      returns owning the mutex;
 *  (b) signal wakes only the highest-priority waiter; broadcast wakes all;
 *  (c) TimerTimeout(_NTO_TIMEOUT_CONDVAR) gives ETIMEDOUT with the mutex held;
 *  (d) errors: waiting without owning the mutex (EPERM), wrong object types
 *      (EINVAL), a statically initialised condvar works.
 * The main thread runs SCHED_FIFO at priority 20.
 */
#include "sync_util.h"

static sync_t c, m;
static volatile int ready, waiting, woken, wake_errs, woken_prio[8], owner_ok;

static void *waiter_body(void *arg)
{
	int prio = (int)(intptr_t)arg;
	if (SyncMutexLock_r(&m))
		wake_errs++;
	waiting++;
	while (!ready) {
		if (SyncCondvarWait_r(&c, &m))
			wake_errs++;
	}
	/* we own the mutex again */
	if ((m.owner & ~_NTO_SYNC_WAITING) == thread_sync_id(gettid()))
		owner_ok++;
	woken_prio[woken++] = prio;
	ready--;
	if (SyncMutexUnlock_r(&m))
		wake_errs++;
	ntest_thread_exit();
}

static void reset(void)
{
	CHECK_EQ(SyncTypeCreate(_NTO_SYNC_COND, &c, NULL), 0);
	CHECK_EQ(SyncTypeCreate(_NTO_SYNC_MUTEX_FREE, &m, NULL), 0);
	ready = waiting = woken = wake_errs = owner_ok = 0;
}

static void test_signal(void)
{
	reset();
	CHECK(spawn(waiter_body, (void *)10, SCHED_FIFO, 10) > 0);
	CHECK(wait_for(&waiting, 1, 2000));
	sleep_ms(2);
	CHECK_EQ(m.owner, 0); /* released by the wait */
	CHECK_EQ(_nto_mutex_lock(&m), 0);
	ready = 1;
	CHECK_EQ(_nto_cond_signal(&c), 0);
	CHECK_EQ(woken, 0); /* it needs the mutex we hold */
	CHECK_EQ(_nto_mutex_unlock(&m), 0);
	CHECK(wait_for(&woken, 1, 2000));
	CHECK_EQ(owner_ok, 1);
	CHECK_EQ(wake_errs, 0);
}

static void test_order_broadcast(void)
{
	reset();
	static const int prios[] = {11, 13, 12};
	for (int i = 0; i < 3; i++)
		CHECK(spawn(waiter_body, (void *)(intptr_t)prios[i], SCHED_FIFO, prios[i]) > 0);
	CHECK(wait_for(&waiting, 3, 2000));
	sleep_ms(2);
	CHECK_EQ(_nto_mutex_lock(&m), 0);
	ready = 1;
	CHECK_EQ(_nto_cond_signal(&c), 0);
	CHECK_EQ(_nto_mutex_unlock(&m), 0);
	sleep_ms(20);
	CHECK_EQ(woken, 1);
	CHECK_EQ(woken_prio[0], 13);
	CHECK_EQ(_nto_mutex_lock(&m), 0);
	ready = 2;
	CHECK_EQ(_nto_cond_broadcast(&c), 0);
	CHECK_EQ(_nto_mutex_unlock(&m), 0);
	CHECK(wait_for(&woken, 3, 2000));
	CHECK_EQ(woken_prio[1], 12);
	CHECK_EQ(woken_prio[2], 11);
	CHECK_EQ(owner_ok, 3);
	CHECK_EQ(wake_errs, 0);
}

static void test_timeout_errors(void)
{
	reset();
	uint32_t me = _nto_sync_self();
	CHECK_EQ(_nto_mutex_lock(&m), 0);
	uint64_t ns = 10 * NTEST_MS;
	uint64_t t0 = ntest_now(); /* before: any kernel call consumes the timeout */
	int rc = TimerTimeout_r(CLOCK_MONOTONIC, _NTO_TIMEOUT_CONDVAR, NULL, &ns, NULL);
	CHECK_EQ(rc, 0);
	CHECK_ERR(SyncCondvarWait(&c, &m), ETIMEDOUT);
	CHECK(ntest_now() - t0 >= 5 * NTEST_MS);
	CHECK_EQ(m.owner, me);

	CHECK_ERR(SyncCondvarWait(&c, &c), EINVAL);
	CHECK_ERR(SyncCondvarWait(&m, &m), EINVAL);
	CHECK_EQ(_nto_mutex_unlock(&m), 0);
	CHECK_ERR(SyncCondvarWait(&c, &m), EPERM);
	CHECK_ERR(SyncCondvarSignal(&m, 0), EINVAL);
	CHECK_ERR(SyncCondvarWait((sync_t *)8, &m), EFAULT);

	sync_t sc = {0, _NTO_SYNC_INITIALIZER};
	CHECK_EQ(SyncCondvarSignal(&sc, 1), 0);
	CHECK_EQ(sc.owner, _NTO_SYNC_COND_OWNER);
	CHECK_EQ(SyncDestroy(&c), 0);
	CHECK_ERR(SyncCondvarSignal(&c, 0), EINVAL);
}

int main(void)
{
	ntest_start("sync_cond");
	CHECK_EQ(ntest_sched_self(SCHED_FIFO, 20), 0);
	struct _sys_meminfo m0, m1;
	CHECK_EQ(SysMemInfo(&m0), 0);
	test_signal();
	test_order_broadcast();
	test_timeout_errors();
	sleep_ms(10);
	CHECK_EQ(SysMemInfo(&m1), 0);
	CHECK_EQ(m1.kmem_in_use, m0.kmem_in_use);
	ntest_done();
}
