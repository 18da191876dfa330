/*
 * t_sync_mutex: mutex basics.
 *  (a) fast path: lock writes the caller's id, unlock clears it; the kernel
 *      calls agree with it; static initialiser; recursive mutexes;
 *  (b) errors: EDEADLK, EPERM, EFAULT, EINVAL, EBUSY;
 *  (c) contention: 4 threads increment a counter with a yield inside the
 *      critical section; a fast-path owner hands over to a kernel waiter;
 *  (d) TimerTimeout on a mutex wait gives ETIMEDOUT and leaves no WAITING bit;
 *  (e) owner death: a waiter gets EOWNERDEAD and owns the mutex; an
 *      unknown dead owner's mutex is taken with EOWNERDEAD; revive;
 *  (f) a forked child's fast path uses its own id (not its parent's).
 * The main thread runs SCHED_FIFO at priority 20.
 */
#include "sync_util.h"

static sync_t m;
static const sync_t ro_mutex = {0, 0};

static void test_fast_path(void)
{
	uint32_t me = _NTO_SYNC_ID(getpid(), gettid());
	CHECK_EQ(_nto_sync_self(), me);
	CHECK_EQ(mutex_init(&m, PTHREAD_PRIO_INHERIT_NTO, 0, 0), 0);
	CHECK_EQ(m.owner, 0);
	CHECK_EQ(_nto_mutex_lock(&m), 0);
	CHECK_EQ(m.owner, me);
	CHECK_EQ(_nto_mutex_trylock(&m), EBUSY);
	CHECK_EQ(_nto_mutex_unlock(&m), 0);
	CHECK_EQ(m.owner, 0);
	CHECK_EQ(SyncMutexLock(&m), 0);
	CHECK_EQ(m.owner, me);
	CHECK_EQ(_nto_mutex_unlock(&m), 0);
	CHECK_EQ(m.owner, 0);

	sync_t s = {0, _NTO_SYNC_INITIALIZER};
	CHECK_EQ(SyncMutexLock(&s), 0);
	CHECK_EQ(s.owner, me);
	CHECK_EQ(SyncMutexUnlock(&s), 0);
	CHECK_EQ(s.owner, 0);

	sync_t r;
	CHECK_EQ(mutex_init(&r, PTHREAD_PRIO_INHERIT_NTO, _NTO_SYNC_ATTR_RECURSIVE, 0), 0);
	for (int i = 0; i < 3; i++)
		CHECK_EQ(_nto_mutex_lock(&r), 0);
	CHECK_EQ(r.count & _NTO_SYNC_M_DEPTH_MASK, 2);
	for (int i = 0; i < 3; i++)
		CHECK_EQ(_nto_mutex_unlock(&r), 0);
	CHECK_EQ(r.owner, 0);
	CHECK_ERR(SyncMutexUnlock(&r), EPERM);
}

static volatile int holder_go, holder_state, holder_rc;

static void *holder_body(void *arg)
{
	sync_t *mx = arg;
	holder_rc = SyncMutexLock_r(mx);
	holder_state = 1;
	while (!holder_go)
		sleep_ms(1);
	holder_rc |= SyncMutexUnlock_r(mx);
	holder_state = 2;
	ntest_thread_exit();
}

static void test_errors(void)
{
	CHECK_EQ(mutex_init(&m, PTHREAD_PRIO_INHERIT_NTO, 0, 0), 0);
	CHECK_EQ(SyncMutexLock(&m), 0);
	CHECK_ERR(SyncMutexLock(&m), EDEADLK);
	CHECK_EQ(_nto_mutex_lock(&m), EDEADLK);
	CHECK_ERR(SyncDestroy(&m), EBUSY);
	CHECK_EQ(SyncMutexUnlock(&m), 0);
	CHECK_ERR(SyncMutexUnlock(&m), EPERM);

	/* another thread's mutex */
	holder_go = holder_state = 0;
	int tid = spawn(holder_body, &m, SCHED_FIFO, 15);
	CHECK(tid > 0);
	CHECK(wait_for(&holder_state, 1, 2000));
	CHECK_EQ(m.owner, thread_sync_id(tid));
	CHECK_ERR(SyncMutexUnlock(&m), EPERM);
	CHECK_EQ(_nto_mutex_unlock(&m), EPERM);
	CHECK_ERR(SyncDestroy(&m), EBUSY);
	holder_go = 1;
	CHECK(wait_for(&holder_state, 2, 2000));
	CHECK_EQ(holder_rc, 0);

	CHECK_ERR(SyncMutexLock((sync_t *)16), EFAULT);
	CHECK_ERR(SyncMutexLock(NULL), EFAULT);
	CHECK_ERR(SyncMutexLock((sync_t *)0xffff800000100000ull), EFAULT);
	CHECK_ERR(SyncMutexLock((sync_t *)&ro_mutex), EFAULT);
	CHECK_ERR(SyncTypeCreate(_NTO_SYNC_MUTEX_FREE, &m, (struct _sync_attr *)8), EFAULT);
	CHECK_ERR(SyncMutexLock((sync_t *)((char *)&m + 1)), EINVAL);
	CHECK_ERR(SyncTypeCreate(99, &m, NULL), EINVAL);
	struct _sync_attr bad = {.protocol = 7};
	CHECK_ERR(SyncTypeCreate(_NTO_SYNC_MUTEX_FREE, &m, &bad), EINVAL);
	struct _sync_attr badceil = {.protocol = PTHREAD_PRIO_PROTECT_NTO, .prioceiling = 300};
	CHECK_ERR(SyncTypeCreate(_NTO_SYNC_MUTEX_FREE, &m, &badceil), EINVAL);
	CHECK_ERR(SyncCtl(99, &m, NULL), EINVAL);

	sync_t sem = {0, 0};
	CHECK_EQ(SyncTypeCreate(_NTO_SYNC_SEM, &sem, NULL), 0);
	CHECK_ERR(SyncMutexLock(&sem), EINVAL);
	CHECK_ERR(SyncMutexUnlock(&sem), EINVAL);
	CHECK_ERR(SyncCondvarSignal(&sem, 0), EINVAL);
	CHECK_EQ(SyncDestroy(&sem), 0);

	CHECK_EQ(SyncDestroy(&m), 0);
	CHECK_EQ(m.owner, _NTO_SYNC_DESTROYED);
	CHECK_ERR(SyncMutexLock(&m), EINVAL);
	CHECK_ERR(SyncDestroy(&m), EINVAL);
}

#define NWORKERS 4
#define NITER 200
static volatile int counter, workers_done, worker_errs;

static void *worker_body(void *arg)
{
	(void)arg;
	for (int i = 0; i < NITER; i++) {
		if (SyncMutexLock_r(&m))
			worker_errs++;
		int v = counter;
		SchedYield_r(); /* let the others run into the locked mutex */
		counter = v + 1;
		if (SyncMutexUnlock_r(&m))
			worker_errs++;
	}
	workers_done++;
	ntest_thread_exit();
}

static void test_contention(void)
{
	CHECK_EQ(mutex_init(&m, PTHREAD_PRIO_INHERIT_NTO, 0, 0), 0);
	counter = workers_done = worker_errs = 0;
	for (int i = 0; i < NWORKERS; i++)
		CHECK(spawn(worker_body, NULL, SCHED_RR, 10) > 0);
	CHECK(wait_for(&workers_done, NWORKERS, 10000));
	CHECK_EQ(counter, NWORKERS * NITER);
	CHECK_EQ(worker_errs, 0);
	CHECK_EQ(m.owner, 0);

	/* fast-path owner, kernel waiter: the unlock hands over */
	CHECK_EQ(_nto_mutex_lock(&m), 0);
	holder_go = 1;
	holder_state = 0;
	int tid = spawn(holder_body, &m, SCHED_FIFO, 15);
	sleep_ms(5);
	CHECK_EQ(holder_state, 0); /* blocked on m */
	CHECK_EQ(m.owner, _nto_sync_self() | _NTO_SYNC_WAITING);
	CHECK_EQ(_nto_mutex_unlock(&m), 0);
	CHECK_EQ(m.owner, thread_sync_id(tid)); /* handed over, not yet run */
	CHECK(wait_for(&holder_state, 2, 2000));
	CHECK_EQ(holder_rc, 0);
	CHECK_EQ(m.owner, 0);
}

static void test_timeout(void)
{
	CHECK_EQ(mutex_init(&m, PTHREAD_PRIO_INHERIT_NTO, 0, 0), 0);
	holder_go = holder_state = 0;
	CHECK(spawn(holder_body, &m, SCHED_FIFO, 15) > 0);
	CHECK(wait_for(&holder_state, 1, 2000));
	uint64_t ns = 20 * NTEST_MS;
	uint64_t t0 = ntest_now(); /* before: any kernel call consumes the timeout */
	int rc = TimerTimeout_r(CLOCK_MONOTONIC, _NTO_TIMEOUT_MUTEX, NULL, &ns, NULL);
	CHECK_EQ(rc, 0);
	CHECK_ERR(SyncMutexLock(&m), ETIMEDOUT);
	uint64_t dt = ntest_now() - t0;
	CHECK(dt >= 15 * NTEST_MS && dt < 2000 * NTEST_MS);
	CHECK_EQ(m.owner & _NTO_SYNC_WAITING, 0);
	CHECK_EQ(TimerTimeout_r(CLOCK_MONOTONIC, _NTO_TIMEOUT_MUTEX, NULL, NULL, NULL), 0);
	CHECK_ERR(SyncMutexLock(&m), ETIMEDOUT); /* immediate */

	holder_go = 1;
	CHECK(wait_for(&holder_state, 2, 2000));
	CHECK_EQ(holder_rc, 0);
	CHECK_EQ(m.owner, 0);
}

static volatile int dier_state, waiter_rc, waiter_done;

static void *dier_body(void *arg)
{
	sync_t *mx = arg;
	SyncMutexLock_r(mx);
	dier_state = 1;
	while (dier_state == 1)
		sleep_ms(1);
	ntest_thread_exit(); /* holding mx */
}

static void *waiter_body(void *arg)
{
	sync_t *mx = arg;
	waiter_rc = SyncMutexLock_r(mx);
	waiter_done = 1;
	if (waiter_rc == -EOWNERDEAD)
		SyncMutexUnlock_r(mx);
	waiter_done = 2;
	ntest_thread_exit();
}

static void test_owner_death(void)
{
	uint32_t me = _nto_sync_self();
	/* owner unknown to the kernel (uncontended) */
	CHECK_EQ(mutex_init(&m, PTHREAD_PRIO_INHERIT_NTO, 0, 0), 0);
	dier_state = 0;
	CHECK(spawn(dier_body, &m, SCHED_FIFO, 15) > 0);
	CHECK(wait_for(&dier_state, 1, 2000));
	dier_state = 2;
	sleep_ms(10);
	CHECK_ERR(SyncMutexLock(&m), EOWNERDEAD);
	CHECK_EQ(m.owner, me);
	CHECK_EQ(SyncMutexRevive(&m), 0);
	CHECK_EQ(SyncMutexUnlock(&m), 0);

	/* a waiter is handed the dead owner's mutex */
	CHECK_EQ(mutex_init(&m, PTHREAD_PRIO_INHERIT_NTO, 0, 0), 0);
	dier_state = waiter_done = 0;
	CHECK(spawn(dier_body, &m, SCHED_FIFO, 15) > 0);
	CHECK(wait_for(&dier_state, 1, 2000));
	int wtid = spawn(waiter_body, &m, SCHED_FIFO, 16);
	CHECK(wtid > 0);
	sleep_ms(5);
	CHECK_EQ(waiter_done, 0);
	dier_state = 2;
	CHECK(wait_for(&waiter_done, 2, 2000));
	CHECK_EQ(waiter_rc, -EOWNERDEAD);
	CHECK_EQ(m.owner, 0);

	/* a kernel-known owner (PRIO_PROTECT) dies without waiters: DEAD */
	CHECK_EQ(mutex_init(&m, PTHREAD_PRIO_PROTECT_NTO, 0, 30), 0);
	dier_state = 0;
	CHECK(spawn(dier_body, &m, SCHED_FIFO, 15) > 0);
	CHECK(wait_for(&dier_state, 1, 2000));
	dier_state = 2;
	sleep_ms(10);
	CHECK_EQ(m.owner, _NTO_SYNC_DEAD);
	CHECK_ERR(SyncMutexLock(&m), EOWNERDEAD);
	CHECK_EQ(m.owner, me);
	CHECK_EQ(SyncMutexUnlock(&m), 0);
	CHECK_EQ(my_prio(), 20);
}

/* In a forked child the cached owner id is the child's: locks taken in
 * the fast path and released in the kernel (or the other way) agree. */
static void test_forked_child(void)
{
	CHECK(_nto_sync_self() != 0); /* cached in the parent */
	pid_t pid = fork();
	if (pid == 0) {
		if (_nto_sync_self() != _NTO_SYNC_ID(getpid(), gettid()))
			_exit(1); /* the parent's id: the kernel calls below would block */
		int bad = 0;
		sync_t c;
		bad |= mutex_init(&c, PTHREAD_PRIO_INHERIT_NTO, 0, 0) << 1;
		bad |= (_nto_mutex_lock(&c) != 0) << 2;
		bad |= (SyncMutexUnlock(&c) != 0) << 3;
		bad |= (SyncMutexLock(&c) != 0) << 4;
		bad |= (_nto_mutex_unlock(&c) != 0) << 5;
		_exit(bad);
	}
	int status = -1;
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK_EQ(status, 0);
}

int main(void)
{
	ntest_start("sync_mutex");
	CHECK_EQ(ntest_sched_self(SCHED_FIFO, 20), 0);
	struct _sys_meminfo m0, m1;
	CHECK_EQ(SysMemInfo(&m0), 0);
	test_fast_path();
	test_errors();
	test_contention();
	test_timeout();
	test_owner_death();
	sleep_ms(10);
	CHECK_EQ(SysMemInfo(&m1), 0);
	CHECK_EQ(m1.kmem_in_use, m0.kmem_in_use);
	test_forked_child();
	ntest_done();
}
