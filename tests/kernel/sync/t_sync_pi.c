/*
 * t_sync_pi: priorities and mutexes.
 *  (a) inversion: L (10) holds, H (30) blocks, M (20) spins 300 ms. L must
 *      run at 30 and H get the mutex before M finishes; L drops back to 10;
 *  (b) PRIO_NONE: the owner is not boosted;
 *  (c) waiters are released in priority order, not arrival order;
 *  (d) a boosted owner changing its own priority: raising takes effect at
 *      once, lowering below the boost keeps the boost until unlock, then
 *      the new value applies;
 *  (e) PRIO_PROTECT: the owner runs at the highest ceiling it holds;
 *      SyncCtl gets/sets the ceiling; a ceiling below the caller is EINVAL.
 * The main thread runs SCHED_FIFO at priority 40 (10 for part e).
 */
#include "sync_util.h"

static sync_t m;

/* (a), (b) */
static volatile int l_locked, l_prio_held, l_prio_after, l_done;
static volatile int h_trying, h_got, h_done, m_done;
static volatile int m_done_at_h_got;

static void *l_body(void *arg)
{
	(void)arg;
	SyncMutexLock_r(&m);
	l_locked = 1;
	while (!h_trying)
		;
	/* H is blocked on m by now (it set h_trying just before locking) */
	l_prio_held = my_prio();
	uint64_t t0 = ntest_now();
	while (ntest_now() - t0 < 2 * NTEST_MS)
		;
	SyncMutexUnlock_r(&m);
	l_prio_after = my_prio();
	l_done = 1;
	ntest_thread_exit();
}

static void *h_body(void *arg)
{
	(void)arg;
	h_trying = 1;
	SyncMutexLock_r(&m);
	h_got = 1;
	m_done_at_h_got = m_done;
	SyncMutexUnlock_r(&m);
	h_done = 1;
	ntest_thread_exit();
}

static void *m_body(void *arg)
{
	(void)arg;
	uint64_t t0 = ntest_now();
	while (ntest_now() - t0 < 300 * NTEST_MS)
		;
	m_done = 1;
	ntest_thread_exit();
}

static void run_inversion(int protocol, int with_m)
{
	CHECK_EQ(mutex_init(&m, protocol, 0, 0), 0);
	l_locked = l_prio_held = l_prio_after = l_done = 0;
	h_trying = h_got = h_done = m_done = m_done_at_h_got = 0;
	CHECK(spawn(l_body, NULL, SCHED_FIFO, 10) > 0);
	CHECK(wait_for(&l_locked, 1, 2000));
	if (with_m)
		CHECK(spawn(m_body, NULL, SCHED_FIFO, 20) > 0);
	CHECK(spawn(h_body, NULL, SCHED_FIFO, 30) > 0);
	if (!with_m) {
		/* L runs only while nothing else does: let it finish */
	}
	CHECK(wait_for(&l_done, 1, 5000));
	CHECK(wait_for(&h_done, 1, 5000));
	if (with_m)
		CHECK(wait_for(&m_done, 1, 5000));
}

static void test_inversion(void)
{
	run_inversion(PTHREAD_PRIO_INHERIT_NTO, 1);
	CHECK_EQ(l_prio_held, 30);
	CHECK_EQ(h_got, 1);
	CHECK_EQ(m_done_at_h_got, 0); /* H got the mutex before M finished */
	CHECK_EQ(l_prio_after, 10);
	CHECK_EQ(m.owner, 0);
}

static void test_prio_none(void)
{
	run_inversion(PTHREAD_PRIO_NONE_NTO, 0);
	CHECK_EQ(l_prio_held, 10);
	CHECK_EQ(h_got, 1);
	CHECK_EQ(l_prio_after, 10);
}

/* (c) */
static volatile int order[8], norder, c_errs;

static void *c_body(void *arg)
{
	int prio = (int)(intptr_t)arg;
	if (SyncMutexLock_r(&m))
		c_errs++;
	order[norder++] = prio;
	if (SyncMutexUnlock_r(&m))
		c_errs++;
	ntest_thread_exit();
}

static void test_order(void)
{
	static const int prios[] = {11, 15, 13, 17, 12};
	CHECK_EQ(mutex_init(&m, PTHREAD_PRIO_INHERIT_NTO, 0, 0), 0);
	norder = c_errs = 0;
	CHECK_EQ(_nto_mutex_lock(&m), 0);
	/* Each thread runs (while main sleeps) and blocks on m, in creation order. */
	for (int i = 0; i < 5; i++) {
		CHECK(spawn(c_body, (void *)(intptr_t)prios[i], SCHED_FIFO, prios[i]) > 0);
		sleep_ms(3);
	}
	CHECK_EQ(norder, 0);
	CHECK_EQ(_nto_mutex_unlock(&m), 0);
	for (int i = 0; i < 200 && norder < 5; i++)
		sleep_ms(2);
	CHECK_EQ(norder, 5);
	static const int want[] = {17, 15, 13, 12, 11};
	for (int i = 0; i < 5; i++)
		CHECK_EQ(order[i], want[i]);
	CHECK_EQ(c_errs, 0);
}

/* (d) */
static volatile int d_locked, d_boosted, d_raised, d_lowered, d_after, d_done;

static void *d_body(void *arg)
{
	(void)arg;
	SyncMutexLock_r(&m);
	d_locked = 1;
	while (!h_trying)
		;
	d_boosted = my_prio();
	ntest_sched_self(SCHED_FIFO, 35);
	d_raised = my_prio();
	ntest_sched_self(SCHED_FIFO, 5);
	d_lowered = my_prio();
	SyncMutexUnlock_r(&m);
	d_after = my_prio();
	d_done = 1;
	ntest_thread_exit();
}

static void test_self_change(void)
{
	CHECK_EQ(mutex_init(&m, PTHREAD_PRIO_INHERIT_NTO, 0, 0), 0);
	d_locked = d_done = h_trying = h_done = 0;
	CHECK(spawn(d_body, NULL, SCHED_FIFO, 10) > 0);
	CHECK(wait_for(&d_locked, 1, 2000));
	CHECK(spawn(h_body, NULL, SCHED_FIFO, 30) > 0);
	CHECK(wait_for(&d_done, 1, 5000));
	CHECK(wait_for(&h_done, 1, 5000));
	CHECK_EQ(d_boosted, 30);
	CHECK_EQ(d_raised, 35);
	CHECK_EQ(d_lowered, 30);
	CHECK_EQ(d_after, 5);
}

/* (e) */
static void test_ceiling(void)
{
	sync_t p25, p30;
	CHECK_EQ(ntest_sched_self(SCHED_FIFO, 10), 0);
	CHECK_EQ(mutex_init(&p25, PTHREAD_PRIO_PROTECT_NTO, 0, 25), 0);
	CHECK_EQ(mutex_init(&p30, PTHREAD_PRIO_PROTECT_NTO, 0, 30), 0);
	int ceil = 0;
	CHECK_EQ(SyncCtl(_NTO_SCTL_GETPRIOCEILING, &p30, &ceil), 0);
	CHECK_EQ(ceil, 30);
	CHECK_EQ(_nto_mutex_lock(&p25), 0);
	CHECK_EQ(my_prio(), 25);
	CHECK_EQ(_nto_mutex_lock(&p30), 0);
	CHECK_EQ(my_prio(), 30);
	CHECK_EQ(_nto_mutex_unlock(&p30), 0);
	CHECK_EQ(my_prio(), 25);
	ceil = 33;
	CHECK_EQ(SyncCtl(_NTO_SCTL_SETPRIOCEILING, &p25, &ceil), 0);
	CHECK_EQ(my_prio(), 33);
	CHECK_EQ(_nto_mutex_unlock(&p25), 0);
	CHECK_EQ(my_prio(), 10);
	CHECK_EQ(SyncCtl(_NTO_SCTL_GETPRIOCEILING, &p25, &ceil), 0);
	CHECK_EQ(ceil, 33);

	sync_t low, plain;
	CHECK_EQ(mutex_init(&low, PTHREAD_PRIO_PROTECT_NTO, 0, 5), 0);
	CHECK_EQ(_nto_mutex_lock(&low), EINVAL);
	CHECK_EQ(mutex_init(&plain, PTHREAD_PRIO_INHERIT_NTO, 0, 0), 0);
	CHECK_ERR(SyncCtl(_NTO_SCTL_GETPRIOCEILING, &plain, &ceil), EINVAL);
	ceil = 0;
	CHECK_ERR(SyncCtl(_NTO_SCTL_SETPRIOCEILING, &p25, &ceil), EINVAL);
	CHECK_ERR(SyncCtl(_NTO_SCTL_GETPRIOCEILING, &p25, (void *)8), EFAULT);
	CHECK_EQ(ntest_sched_self(SCHED_FIFO, 40), 0);
}

int main(void)
{
	ntest_start("sync_pi");
	CHECK_EQ(ntest_sched_self(SCHED_FIFO, 40), 0);
	struct _sys_meminfo m0, m1;
	CHECK_EQ(SysMemInfo(&m0), 0);
	test_inversion();
	test_prio_none();
	test_order();
	test_self_change();
	test_ceiling();
	sleep_ms(10);
	CHECK_EQ(SysMemInfo(&m1), 0);
	CHECK_EQ(m1.kmem_in_use, m0.kmem_in_use);
	ntest_done();
}
