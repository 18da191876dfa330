/*
 * t_pthread: musl's pthreads on clone(CLONE_THREAD...) and futex. Threads
 * start with their argument and TLS, are joined with their return value
 * (the CLONE_CHILD_CLEARTID futex), share a mutex-protected counter and a
 * condition variable (FUTEX_WAIT/WAKE/REQUEUE), a semaphore and a barrier;
 * detached threads end without leaking; a timed wait times out; a
 * PTHREAD_PRIO_INHERIT mutex boosts its owner (FUTEX_LOCK_PI); fork from a
 * threaded process gives a child with one thread that can lock the mutex.
 */
#include "ntest.h"

#include <pthread.h>
#include <semaphore.h>
#include <sys/wait.h>
#include <time.h>

#define NTHREADS 4
#define ROUNDS 2000

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static long counter;
static int ready;
static __thread int tls_word = 5;

static void *adder(void *arg)
{
	tls_word += (int)(long)arg;
	for (int i = 0; i < ROUNDS; i++) {
		pthread_mutex_lock(&lock);
		counter++;
		pthread_mutex_unlock(&lock);
		if (i % 100 == 0)
			sched_yield();
	}
	return (void *)(long)(tls_word * 10);
}

static void test_basic(void)
{
	pthread_t t[NTHREADS];
	for (long i = 0; i < NTHREADS; i++)
		CHECK_EQ(pthread_create(&t[i], NULL, adder, (void *)i), 0);
	for (long i = 0; i < NTHREADS; i++) {
		void *ret = NULL;
		CHECK_EQ(pthread_join(t[i], &ret), 0);
		CHECK_EQ((long)ret, (5 + i) * 10); /* each thread had its own TLS */
	}
	CHECK_EQ(counter, NTHREADS * ROUNDS);
	CHECK_EQ(tls_word, 5);
}

static void *waiter(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&lock);
	while (!ready)
		pthread_cond_wait(&cond, &lock);
	ready++;
	pthread_mutex_unlock(&lock);
	return NULL;
}

static void test_cond(void)
{
	pthread_t t[NTHREADS];
	ready = 0;
	for (int i = 0; i < NTHREADS; i++)
		CHECK_EQ(pthread_create(&t[i], NULL, waiter, NULL), 0);
	struct timespec ts = {0, 20 * 1000000};
	nanosleep(&ts, NULL);
	pthread_mutex_lock(&lock);
	ready = 1;
	pthread_cond_broadcast(&cond);
	pthread_mutex_unlock(&lock);
	for (int i = 0; i < NTHREADS; i++)
		CHECK_EQ(pthread_join(t[i], NULL), 0);
	CHECK_EQ(ready, 1 + NTHREADS);

	/* a timed wait that nobody signals */
	struct timespec dl;
	clock_gettime(CLOCK_REALTIME, &dl);
	dl.tv_nsec += 30 * 1000000;
	if (dl.tv_nsec >= 1000000000) {
		dl.tv_sec++;
		dl.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&lock);
	CHECK_EQ(pthread_cond_timedwait(&cond, &lock, &dl), ETIMEDOUT);
	pthread_mutex_unlock(&lock);
}

static sem_t sem;
static pthread_barrier_t barrier;

static void *sem_poster(void *arg)
{
	(void)arg;
	pthread_barrier_wait(&barrier);
	for (int i = 0; i < 10; i++)
		sem_post(&sem);
	return NULL;
}

static void test_sem_barrier(void)
{
	CHECK_EQ(sem_init(&sem, 0, 0), 0);
	CHECK_EQ(pthread_barrier_init(&barrier, NULL, 2), 0);
	pthread_t t;
	CHECK_EQ(pthread_create(&t, NULL, sem_poster, NULL), 0);
	pthread_barrier_wait(&barrier);
	for (int i = 0; i < 10; i++)
		CHECK_EQ(sem_wait(&sem), 0);
	CHECK_EQ(pthread_join(t, NULL), 0);
	CHECK_ERR(sem_trywait(&sem), EAGAIN);
	pthread_barrier_destroy(&barrier);
	sem_destroy(&sem);
}

static void *detached(void *arg)
{
	(void)arg;
	return NULL;
}

static void test_detached(void)
{
	struct _sys_meminfo before, after;
	pthread_t t;
	pthread_attr_t a;
	pthread_attr_init(&a);
	pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
	CHECK_EQ(pthread_create(&t, &a, detached, NULL), 0); /* warm-up */
	struct timespec ts = {0, 20 * 1000000};
	nanosleep(&ts, NULL);
	CHECK_EQ(SysMemInfo(&before), 0);
	for (int i = 0; i < 50; i++)
		CHECK_EQ(pthread_create(&t, &a, detached, NULL), 0);
	nanosleep(&ts, NULL);
	CHECK_EQ(SysMemInfo(&after), 0);
	CHECK_EQ(after.n_threads, before.n_threads);
	CHECK_EQ(after.kmem_in_use, before.kmem_in_use);
}

/* PI: the classic inversion. low (8) holds the mutex; high (30) waits for
 * it while medium (20) spins. With inheritance low runs at 30, releases at
 * once and medium's spin ends before its deadline; without, medium would
 * keep low off the CPU until the deadline. */
static pthread_mutex_t pi_lock;
static volatile int pi_stage, medium_timed_out;

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void *pi_low(void *arg)
{
	(void)arg;
	ntest_sched_self(SCHED_FIFO, 8);
	pthread_mutex_lock(&pi_lock);
	pi_stage = 1;
	while (pi_stage < 2)
		sched_yield();
	pi_stage = 3;
	pthread_mutex_unlock(&pi_lock);
	return NULL;
}

static void *pi_medium(void *arg)
{
	(void)arg;
	ntest_sched_self(SCHED_FIFO, 20);
	uint64_t end = now_ms() + 300;
	while (pi_stage < 3)
		if (now_ms() > end) {
			medium_timed_out = 1;
			break;
		}
	return NULL;
}

static void *pi_high(void *arg)
{
	(void)arg;
	ntest_sched_self(SCHED_FIFO, 30);
	pi_stage = 2;
	pthread_mutex_lock(&pi_lock); /* blocks: low holds it */
	int ok = pi_stage == 3;
	pthread_mutex_unlock(&pi_lock);
	return (void *)(long)ok;
}

/* Priorities are set with the native SchedSet (each thread sets its own
 * at its start): the creator runs at 40 meanwhile so that it is the one
 * deciding the order. */
static void test_pi(void)
{
	pthread_mutexattr_t ma;
	pthread_mutexattr_init(&ma);
	CHECK_EQ(pthread_mutexattr_setprotocol(&ma, PTHREAD_PRIO_INHERIT), 0);
	CHECK_EQ(pthread_mutex_init(&pi_lock, &ma), 0);
	struct sched_param old;
	int old_policy = SchedGet_r(0, 0, &old);
	if (!CHECK(old_policy >= 0))
		return;
	CHECK_EQ(ntest_sched_self(SCHED_FIFO, 40), 0);
	pi_stage = 0;
	medium_timed_out = 0;
	pthread_t tl, tm, th;
	CHECK_EQ(pthread_create(&tl, NULL, pi_low, NULL), 0);
	struct timespec ts = {0, 2 * 1000000};
	for (int i = 0; i < 1000 && pi_stage < 1; i++)
		nanosleep(&ts, NULL);
	CHECK_EQ(pi_stage, 1);
	CHECK_EQ(pthread_create(&tm, NULL, pi_medium, NULL), 0);
	CHECK_EQ(pthread_create(&th, NULL, pi_high, NULL), 0);
	void *ok = NULL;
	CHECK_EQ(pthread_join(th, &ok), 0);
	CHECK_EQ((long)ok, 1);
	CHECK_EQ(pthread_join(tm, NULL), 0);
	CHECK_EQ(pthread_join(tl, NULL), 0);
	CHECK_EQ(medium_timed_out, 0);
	CHECK_EQ(SchedSet_r(0, 0, old_policy, &old), 0);
	CHECK_EQ(pthread_mutex_trylock(&pi_lock), 0);
	CHECK_EQ(pthread_mutex_trylock(&pi_lock), EBUSY);
	CHECK_EQ(pthread_mutex_unlock(&pi_lock), 0);
}

static void test_fork_threads(void)
{
	pthread_t t;
	ready = 0;
	CHECK_EQ(pthread_create(&t, NULL, waiter, NULL), 0);
	pid_t pid = fork();
	if (pid == 0) {
		pthread_mutex_lock(&lock); /* the waiter is not here: no deadlock */
		pthread_mutex_unlock(&lock);
		pthread_t c;
		if (pthread_create(&c, NULL, detached, NULL) || pthread_join(c, NULL))
			_exit(2);
		_exit(0);
	}
	int st = -1;
	CHECK_EQ(waitpid(pid, &st, 0), pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	pthread_mutex_lock(&lock);
	ready = 1;
	pthread_cond_broadcast(&cond);
	pthread_mutex_unlock(&lock);
	CHECK_EQ(pthread_join(t, NULL), 0);
}

int main(void)
{
	ntest_start("pthread");
	test_basic();
	test_cond();
	test_sem_barrier();
	test_detached();
	test_pi();
	test_fork_threads();
	ntest_done();
}
