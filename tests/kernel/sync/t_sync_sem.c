/*
 * t_sync_sem: semaphores.
 *  (a) the count: trywait takes units until EAGAIN; post adds one;
 *  (b) blocked waiters get posted units in priority order;
 *  (c) TimerTimeout(_NTO_TIMEOUT_SEM) gives ETIMEDOUT, the count stays 0;
 *  (d) errors: EINVAL for other object types and negative initial values.
 * The main thread runs SCHED_FIFO at priority 20.
 */
#include "sync_util.h"

static sync_t s;
static volatile int got[8], ngot, blocked, errs;

static void *waiter_body(void *arg)
{
	int prio = (int)(intptr_t)arg;
	blocked++;
	if (SyncSemWait_r(&s, 0))
		errs++;
	got[ngot++] = prio;
	ntest_thread_exit();
}

int main(void)
{
	ntest_start("sync_sem");
	CHECK_EQ(ntest_sched_self(SCHED_FIFO, 20), 0);
	struct _sys_meminfo m0, m1;
	CHECK_EQ(SysMemInfo(&m0), 0);

	/* (a) */
	s.count = 2;
	CHECK_EQ(SyncTypeCreate(_NTO_SYNC_SEM, &s, NULL), 0);
	CHECK_EQ(s.owner, _NTO_SYNC_SEM_OWNER);
	CHECK_EQ(_nto_sem_trywait(&s), 0);
	CHECK_EQ(SyncSemWait(&s, 1), 0);
	CHECK_EQ(_nto_sem_trywait(&s), EAGAIN);
	CHECK_ERR(SyncSemWait(&s, 1), EAGAIN);
	CHECK_EQ(_nto_sem_post(&s), 0);
	CHECK_EQ(s.count, 1);
	CHECK_EQ(_nto_sem_wait(&s), 0);
	CHECK_EQ(s.count, 0);

	/* (b) */
	static const int prios[] = {11, 14, 12};
	for (int i = 0; i < 3; i++)
		CHECK(spawn(waiter_body, (void *)(intptr_t)prios[i], SCHED_FIFO, prios[i]) > 0);
	CHECK(wait_for(&blocked, 3, 2000));
	sleep_ms(2);
	CHECK_EQ(ngot, 0);
	static const int want[] = {14, 12, 11};
	for (int i = 0; i < 3; i++) {
		CHECK_EQ(SyncSemPost(&s), 0);
		CHECK_EQ(s.count, 0); /* handed to a waiter, not counted */
		for (int j = 0; j < 500 && ngot < i + 1; j++)
			sleep_ms(2);
		CHECK_EQ(ngot, i + 1);
		CHECK_EQ(got[i], want[i]);
	}
	CHECK_EQ(errs, 0);

	/* (c) */
	uint64_t ns = 10 * NTEST_MS;
	uint64_t t0 = ntest_now(); /* before: any kernel call consumes the timeout */
	int rc = TimerTimeout_r(CLOCK_MONOTONIC, _NTO_TIMEOUT_SEM, NULL, &ns, NULL);
	CHECK_EQ(rc, 0);
	CHECK_ERR(SyncSemWait(&s, 0), ETIMEDOUT);
	CHECK(ntest_now() - t0 >= 5 * NTEST_MS);
	CHECK_EQ(s.count, 0);


	/* (d) */
	sync_t mx;
	CHECK_EQ(SyncTypeCreate(_NTO_SYNC_MUTEX_FREE, &mx, NULL), 0);
	CHECK_ERR(SyncSemPost(&mx), EINVAL);
	CHECK_ERR(SyncSemWait(&mx, 1), EINVAL);
	sync_t neg = {-1, 0};
	CHECK_ERR(SyncTypeCreate(_NTO_SYNC_SEM, &neg, NULL), EINVAL);
	CHECK_ERR(SyncSemPost((sync_t *)8), EFAULT);
	CHECK_EQ(SyncDestroy(&s), 0);
	CHECK_ERR(SyncSemPost(&s), EINVAL);

	sleep_ms(10);
	CHECK_EQ(SysMemInfo(&m1), 0);
	CHECK_EQ(m1.kmem_in_use, m0.kmem_in_use);
	ntest_done();
}
