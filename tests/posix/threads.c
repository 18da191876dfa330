/*
 * posix_threads: pthread_create/join/detach, thread ids, mutexes (normal,
 * error-checking, recursive, PTHREAD_PRIO_INHERIT under contention),
 * condition variables (signal, broadcast, timed wait not early), unnamed
 * semaphores, barriers, pthread_once, thread-specific data with
 * destructors, pthread_kill and per-thread signal masks, cancellation,
 * and sem_open when /dev/shm is usable. Built once, run on the Linux host
 * and in QEMU (ptest.h).
 */
#include "ptest.h"

#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>

#define MS 1000000ull
#define NTHREADS 8
#define ROUNDS 20000

static pthread_mutex_t count_lock;
static long counter;

static void *add_many(void *arg)
{
	for (int i = 0; i < ROUNDS; i++) {
		pthread_mutex_lock(&count_lock);
		counter++;
		pthread_mutex_unlock(&count_lock);
	}
	return arg;
}

static void *return_tid(void *arg)
{
	*(pid_t *)arg = gettid();
	return (void *)(intptr_t)(getpid() + 1);
}

static void test_create_join(void)
{
	pthread_t t;
	pid_t tid = 0;
	void *ret = NULL;
	CHECK_EQ(pthread_create(&t, NULL, return_tid, &tid), 0);
	CHECK_EQ(pthread_join(t, &ret), 0);
	CHECK_EQ((intptr_t)ret, getpid() + 1);
	CHECK(tid > 0 && tid != gettid());
	CHECK(pthread_equal(pthread_self(), pthread_self()));
	/* Detached threads run and vanish. */
	pthread_attr_t at;
	pthread_attr_init(&at);
	pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
	pid_t dtid = 0;
	CHECK_EQ(pthread_create(&t, &at, return_tid, &dtid), 0);
	for (int i = 0; i < 500 && !__atomic_load_n(&dtid, __ATOMIC_SEQ_CST); i++)
		ptest_sleep_ms(2);
	CHECK(dtid > 0);
	/* A small explicit stack size. */
	pthread_attr_setdetachstate(&at, PTHREAD_CREATE_JOINABLE);
	CHECK_EQ(pthread_attr_setstacksize(&at, 64 * 1024), 0);
	CHECK_EQ(pthread_create(&t, &at, return_tid, &tid), 0);
	CHECK_EQ(pthread_join(t, NULL), 0);
	pthread_attr_destroy(&at);
}

static void test_mutexes(void)
{
	pthread_t t[NTHREADS];
	pthread_mutex_init(&count_lock, NULL);
	counter = 0;
	for (int i = 0; i < NTHREADS; i++)
		CHECK_EQ(pthread_create(&t[i], NULL, add_many, NULL), 0);
	for (int i = 0; i < NTHREADS; i++)
		CHECK_EQ(pthread_join(t[i], NULL), 0);
	CHECK_EQ(counter, (long)NTHREADS * ROUNDS);
	pthread_mutex_destroy(&count_lock);

	pthread_mutexattr_t ma;
	pthread_mutex_t m;
	pthread_mutexattr_init(&ma);
	pthread_mutexattr_settype(&ma, PTHREAD_MUTEX_ERRORCHECK);
	pthread_mutex_init(&m, &ma);
	CHECK_EQ(pthread_mutex_unlock(&m), EPERM);
	CHECK_EQ(pthread_mutex_lock(&m), 0);
	CHECK_EQ(pthread_mutex_lock(&m), EDEADLK);
	CHECK_EQ(pthread_mutex_trylock(&m), EBUSY);
	CHECK_EQ(pthread_mutex_unlock(&m), 0);
	pthread_mutex_destroy(&m);

	pthread_mutexattr_settype(&ma, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutex_init(&m, &ma);
	CHECK_EQ(pthread_mutex_lock(&m), 0);
	CHECK_EQ(pthread_mutex_lock(&m), 0);
	CHECK_EQ(pthread_mutex_trylock(&m), 0);
	CHECK_EQ(pthread_mutex_unlock(&m), 0);
	CHECK_EQ(pthread_mutex_unlock(&m), 0);
	CHECK_EQ(pthread_mutex_unlock(&m), 0);
	CHECK_EQ(pthread_mutex_unlock(&m), EPERM);
	pthread_mutex_destroy(&m);
	pthread_mutexattr_destroy(&ma);
}

/* PTHREAD_PRIO_INHERIT: the futex PI operations. */
static pthread_mutex_t pi_lock;
static volatile int pi_trylock_result = -1;
static void *pi_try(void *arg)
{
	(void)arg;
	int r = pthread_mutex_trylock(&pi_lock);
	if (r == 0)
		r = pthread_mutex_unlock(&pi_lock) ? -2 : 0;
	pi_trylock_result = r;
	return NULL;
}

static void *pi_add(void *arg)
{
	for (int i = 0; i < ROUNDS / 4; i++) {
		if (pthread_mutex_lock(&pi_lock))
			return (void *)1;
		counter++;
		if (i % 64 == 0)
			sched_yield(); /* hold it across a yield: contention */
		if (pthread_mutex_unlock(&pi_lock))
			return (void *)2;
	}
	return arg;
}

static void test_pi_mutex(void)
{
	pthread_mutexattr_t ma;
	int proto = -1;
	pthread_mutexattr_init(&ma);
	CHECK_EQ(pthread_mutexattr_setprotocol(&ma, PTHREAD_PRIO_INHERIT), 0);
	CHECK(pthread_mutexattr_getprotocol(&ma, &proto) == 0 && proto == PTHREAD_PRIO_INHERIT);
	if (!CHECK_EQ(pthread_mutex_init(&pi_lock, &ma), 0))
		return;
	CHECK_EQ(pthread_mutex_lock(&pi_lock), 0);
	/* Held: another thread's trylock is refused. */
	pthread_t t;
	CHECK_EQ(pthread_create(&t, NULL, pi_try, NULL), 0);
	CHECK_EQ(pthread_join(t, NULL), 0);
	CHECK_EQ(pi_trylock_result, EBUSY);
	CHECK_EQ(pthread_mutex_unlock(&pi_lock), 0);
	/* Free: it succeeds. */
	CHECK_EQ(pthread_create(&t, NULL, pi_try, NULL), 0);
	CHECK_EQ(pthread_join(t, NULL), 0);
	CHECK_EQ(pi_trylock_result, 0);
	/* Contention: several threads, exact count. */
	pthread_t ts[4];
	counter = 0;
	for (int i = 0; i < 4; i++)
		CHECK_EQ(pthread_create(&ts[i], NULL, pi_add, NULL), 0);
	for (int i = 0; i < 4; i++) {
		void *r = (void *)-1;
		CHECK_EQ(pthread_join(ts[i], &r), 0);
		CHECK(r == NULL);
	}
	CHECK_EQ(counter, (long)ROUNDS);
	/* Error-checking PI mutex: relock is EDEADLK, foreign unlock EPERM. */
	pthread_mutex_destroy(&pi_lock);
	pthread_mutexattr_settype(&ma, PTHREAD_MUTEX_ERRORCHECK);
	CHECK_EQ(pthread_mutex_init(&pi_lock, &ma), 0);
	CHECK_EQ(pthread_mutex_lock(&pi_lock), 0);
	CHECK_EQ(pthread_mutex_lock(&pi_lock), EDEADLK);
	CHECK_EQ(pthread_mutex_unlock(&pi_lock), 0);
	CHECK_EQ(pthread_mutex_unlock(&pi_lock), EPERM);
	pthread_mutex_destroy(&pi_lock);
	pthread_mutexattr_destroy(&ma);
}

/* Condition variables: a bounded queue and a broadcast. */
static pthread_mutex_t q_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t q_nonempty = PTHREAD_COND_INITIALIZER;
static pthread_cond_t q_nonfull = PTHREAD_COND_INITIALIZER;
static int queue[4], q_len, q_head;
static long consumed_sum;

static void *producer(void *arg)
{
	(void)arg;
	for (int i = 1; i <= 1000; i++) {
		pthread_mutex_lock(&q_lock);
		while (q_len == 4)
			pthread_cond_wait(&q_nonfull, &q_lock);
		queue[(q_head + q_len++) % 4] = i;
		pthread_cond_signal(&q_nonempty);
		pthread_mutex_unlock(&q_lock);
	}
	return NULL;
}

static void *consumer(void *arg)
{
	(void)arg;
	for (int i = 1; i <= 1000; i++) {
		pthread_mutex_lock(&q_lock);
		while (q_len == 0)
			pthread_cond_wait(&q_nonempty, &q_lock);
		int v = queue[q_head];
		q_head = (q_head + 1) % 4;
		q_len--;
		consumed_sum += v == i ? v : -1000000; /* order kept */
		pthread_cond_signal(&q_nonfull);
		pthread_mutex_unlock(&q_lock);
	}
	return NULL;
}

static int gate_open, gate_waiters;
static void *gate_wait(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&q_lock);
	gate_waiters++;
	while (!gate_open)
		pthread_cond_wait(&q_nonempty, &q_lock);
	gate_waiters--;
	pthread_mutex_unlock(&q_lock);
	return NULL;
}

static void test_condvars(void)
{
	pthread_t p, c;
	consumed_sum = 0;
	CHECK_EQ(pthread_create(&c, NULL, consumer, NULL), 0);
	CHECK_EQ(pthread_create(&p, NULL, producer, NULL), 0);
	pthread_join(p, NULL);
	pthread_join(c, NULL);
	CHECK_EQ(consumed_sum, 1000L * 1001 / 2);

	/* Broadcast wakes every waiter. */
	pthread_t w[4];
	gate_open = 0;
	for (int i = 0; i < 4; i++)
		CHECK_EQ(pthread_create(&w[i], NULL, gate_wait, NULL), 0);
	for (int i = 0; i < 500; i++) {
		pthread_mutex_lock(&q_lock);
		int n = gate_waiters;
		pthread_mutex_unlock(&q_lock);
		if (n == 4)
			break;
		ptest_sleep_ms(2);
	}
	pthread_mutex_lock(&q_lock);
	gate_open = 1;
	pthread_cond_broadcast(&q_nonempty);
	pthread_mutex_unlock(&q_lock);
	for (int i = 0; i < 4; i++)
		CHECK_EQ(pthread_join(w[i], NULL), 0);
	CHECK_EQ(gate_waiters, 0);

	/* Timed wait: ETIMEDOUT, not before the deadline, mutex held again. */
	struct timespec dl;
	clock_gettime(CLOCK_REALTIME, &dl);
	dl.tv_nsec += 100 * 1000000;
	if (dl.tv_nsec >= 1000000000) {
		dl.tv_sec++;
		dl.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&q_lock);
	CHECK_EQ(pthread_cond_timedwait(&q_nonfull, &q_lock, &dl), ETIMEDOUT);
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	CHECK(now.tv_sec > dl.tv_sec || (now.tv_sec == dl.tv_sec && now.tv_nsec >= dl.tv_nsec));
	CHECK_EQ(pthread_mutex_trylock(&q_lock), EBUSY);
	pthread_mutex_unlock(&q_lock);

	/* A monotonic-clock condvar. */
	pthread_condattr_t ca;
	pthread_cond_t mc;
	pthread_condattr_init(&ca);
	CHECK_EQ(pthread_condattr_setclock(&ca, CLOCK_MONOTONIC), 0);
	pthread_cond_init(&mc, &ca);
	uint64_t t0 = ptest_now();
	clock_gettime(CLOCK_MONOTONIC, &dl);
	dl.tv_nsec += 50 * 1000000;
	if (dl.tv_nsec >= 1000000000) {
		dl.tv_sec++;
		dl.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&q_lock);
	CHECK_EQ(pthread_cond_timedwait(&mc, &q_lock, &dl), ETIMEDOUT);
	pthread_mutex_unlock(&q_lock);
	CHECK(ptest_now() - t0 >= 49 * MS);
	pthread_cond_destroy(&mc);
	pthread_condattr_destroy(&ca);
}

static sem_t sem;
static void *sem_poster(void *arg)
{
	(void)arg;
	ptest_sleep_ms(30);
	sem_post(&sem);
	return NULL;
}

static void test_semaphores(void)
{
	int v = -1;
	CHECK_EQ(sem_init(&sem, 0, 2), 0);
	CHECK(sem_getvalue(&sem, &v) == 0 && v == 2);
	CHECK_EQ(sem_wait(&sem), 0);
	CHECK_EQ(sem_trywait(&sem), 0);
	CHECK_ERR(sem_trywait(&sem), EAGAIN);
	/* Another thread's post wakes a waiter. */
	pthread_t t;
	CHECK_EQ(pthread_create(&t, NULL, sem_poster, NULL), 0);
	uint64_t t0 = ptest_now();
	CHECK_EQ(sem_wait(&sem), 0);
	CHECK(ptest_now() - t0 >= 20 * MS);
	pthread_join(t, NULL);
	/* sem_timedwait: ETIMEDOUT not early. */
	struct timespec dl;
	clock_gettime(CLOCK_REALTIME, &dl);
	dl.tv_nsec += 80 * 1000000;
	if (dl.tv_nsec >= 1000000000) {
		dl.tv_sec++;
		dl.tv_nsec -= 1000000000;
	}
	t0 = ptest_now();
	CHECK_ERR(sem_timedwait(&sem, &dl), ETIMEDOUT);
	CHECK(ptest_now() - t0 >= 79 * MS);
	CHECK_EQ(sem_post(&sem), 0);
	CHECK(sem_getvalue(&sem, &v) == 0 && v == 1);
	CHECK_EQ(sem_destroy(&sem), 0);

	/* A process-shared semaphore in shared anonymous memory: a child posts
	 * it (a futex shared between processes). */
	sem_t *ps = mmap(NULL, sizeof(sem_t), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
			 -1, 0);
	if (!CHECK(ps != MAP_FAILED))
		return;
	CHECK_EQ(sem_init(ps, 1, 0), 0);
	pid_t pid = fork();
	if (pid == 0) {
		ptest_sleep_ms(30);
		_exit(sem_post(ps) == 0 ? 0 : 1);
	}
	clock_gettime(CLOCK_REALTIME, &dl);
	dl.tv_sec += 5;
	CHECK_EQ(sem_timedwait(ps, &dl), 0);
	int status = -1;
	CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);
	sem_destroy(ps);
	munmap(ps, sizeof(sem_t));
}

/* Barrier and once. */
static pthread_barrier_t barrier;
static volatile int serial_count, once_count;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static void once_fn(void)
{
	__atomic_add_fetch(&once_count, 1, __ATOMIC_SEQ_CST);
}

static void *barrier_thread(void *arg)
{
	(void)arg;
	pthread_once(&once, once_fn);
	if (pthread_barrier_wait(&barrier) == PTHREAD_BARRIER_SERIAL_THREAD)
		__atomic_add_fetch(&serial_count, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

static void test_barrier_once(void)
{
	pthread_t t[4];
	CHECK_EQ(pthread_barrier_init(&barrier, NULL, 5), 0);
	for (int i = 0; i < 4; i++)
		CHECK_EQ(pthread_create(&t[i], NULL, barrier_thread, NULL), 0);
	barrier_thread(NULL);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	CHECK_EQ(serial_count, 1);
	CHECK_EQ(once_count, 1);
	pthread_barrier_destroy(&barrier);
}

/* Thread-specific data and destructors. */
static pthread_key_t key;
static volatile int destructed_sum;
static void key_dtor(void *v)
{
	__atomic_add_fetch(&destructed_sum, (int)(intptr_t)v, __ATOMIC_SEQ_CST);
}

static void *tsd_thread(void *arg)
{
	if (pthread_getspecific(key) != NULL)
		return (void *)1;
	pthread_setspecific(key, arg);
	ptest_sleep_ms(5);
	return pthread_getspecific(key) == arg ? NULL : (void *)2;
}

static void test_tsd(void)
{
	CHECK_EQ(pthread_key_create(&key, key_dtor), 0);
	CHECK_EQ(pthread_setspecific(key, (void *)(intptr_t)1000), 0);
	pthread_t t[3];
	destructed_sum = 0;
	for (int i = 0; i < 3; i++)
		CHECK_EQ(pthread_create(&t[i], NULL, tsd_thread, (void *)(intptr_t)(i + 1)), 0);
	for (int i = 0; i < 3; i++) {
		void *r = (void *)-1;
		pthread_join(t[i], &r);
		CHECK(r == NULL);
	}
	CHECK_EQ(destructed_sum, 1 + 2 + 3);
	CHECK(pthread_getspecific(key) == (void *)(intptr_t)1000);
	CHECK_EQ(pthread_key_delete(key), 0);
}

/* pthread_kill: the handler runs in the target thread. */
static volatile pthread_t handled_in;
static volatile sig_atomic_t thread_hits;
static void on_usr1(int sig)
{
	(void)sig;
	handled_in = pthread_self();
	thread_hits++;
}

static volatile int stop_spin;
static void *spinner(void *arg)
{
	(void)arg;
	while (!stop_spin)
		ptest_sleep_ms(1);
	return NULL;
}

static void *masked_waiter(void *arg)
{
	/* Blocks SIGUSR2 in this thread only, then waits for it synchronously. */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	*(volatile int *)arg = 1;
	int sig = 0;
	sigwait(&set, &sig);
	return (void *)(intptr_t)sig;
}

static void test_pthread_kill(void)
{
	struct sigaction sa = {.sa_handler = on_usr1};
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	pthread_t t;
	stop_spin = 0;
	thread_hits = 0;
	CHECK_EQ(pthread_create(&t, NULL, spinner, NULL), 0);
	CHECK_EQ(pthread_kill(t, 0), 0);
	CHECK_EQ(pthread_kill(t, SIGUSR1), 0);
	for (int i = 0; i < 500 && !thread_hits; i++)
		ptest_sleep_ms(2);
	CHECK_EQ(thread_hits, 1);
	CHECK(pthread_equal(handled_in, t));
	CHECK_EQ(pthread_kill(t, 1000), EINVAL);
	stop_spin = 1;
	pthread_join(t, NULL);
	signal(SIGUSR1, SIG_DFL);

	/* A thread's own mask: sigwait in it gets a signal sent to the thread. */
	volatile int ready = 0;
	CHECK_EQ(pthread_create(&t, NULL, masked_waiter, (void *)&ready), 0);
	for (int i = 0; i < 500 && !ready; i++)
		ptest_sleep_ms(2);
	sigset_t mine;
	pthread_sigmask(SIG_BLOCK, NULL, &mine);
	CHECK(!sigismember(&mine, SIGUSR2)); /* the main thread's mask is untouched */
	CHECK_EQ(pthread_kill(t, SIGUSR2), 0);
	void *r = NULL;
	CHECK_EQ(pthread_join(t, &r), 0);
	CHECK_EQ((intptr_t)r, SIGUSR2);
}

/* Cancellation at a cancellation point (nanosleep), with a cleanup handler. */
static volatile int cleaned;
static void cleanup(void *arg)
{
	(void)arg;
	cleaned = 1;
}

static void *cancel_me(void *arg)
{
	(void)arg;
	pthread_cleanup_push(cleanup, NULL);
	for (;;)
		ptest_sleep_ms(1000);
	pthread_cleanup_pop(0);
	return NULL;
}

static void test_cancel(void)
{
	pthread_t t;
	cleaned = 0;
	CHECK_EQ(pthread_create(&t, NULL, cancel_me, NULL), 0);
	ptest_sleep_ms(20);
	CHECK_EQ(pthread_cancel(t), 0);
	void *r = NULL;
	CHECK_EQ(pthread_join(t, &r), 0);
	CHECK(r == PTHREAD_CANCELED);
	CHECK_EQ(cleaned, 1);
}

/* Named semaphores live in /dev/shm (musl: a file there, mapped shared). */
static void test_sem_open(void)
{
	struct stat st;
	char probe[64];
	snprintf(probe, sizeof(probe), "/dev/shm/ptest-probe-%d", getpid());
	int fd = stat("/dev/shm", &st) == 0 ? open(probe, O_CREAT | O_RDWR, 0600) : -1;
	if (fd < 0) {
		ptest_info("no writable /dev/shm: sem_open checks skipped");
		return;
	}
	close(fd);
	unlink(probe);
	char name[64];
	snprintf(name, sizeof(name), "/ptest-sem-%d", getpid());
	sem_t *s = sem_open(name, O_CREAT | O_EXCL, 0600, 1);
	if (!CHECK(s != SEM_FAILED)) {
		ptest_info("sem_open(\"%s\", O_CREAT|O_EXCL): %s", name, strerror(errno));
		return;
	}
	CHECK(sem_open(name, O_CREAT | O_EXCL, 0600, 1) == SEM_FAILED && errno == EEXIST);
	CHECK_EQ(sem_wait(s), 0);
	/* A child opens the same semaphore by name and posts it. */
	pid_t pid = fork();
	if (pid == 0) {
		sem_t *c = sem_open(name, 0);
		_exit(c != SEM_FAILED && sem_post(c) == 0 ? 0 : 1);
	}
	int status = -1;
	waitpid(pid, &status, 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	struct timespec dl;
	clock_gettime(CLOCK_REALTIME, &dl);
	dl.tv_sec += 5;
	CHECK_EQ(sem_timedwait(s, &dl), 0);
	CHECK_EQ(sem_close(s), 0);
	CHECK_EQ(sem_unlink(name), 0);
	CHECK(sem_open(name, 0) == SEM_FAILED && errno == ENOENT);
}

int main(void)
{
	ptest_start("threads");
	test_create_join();
	test_mutexes();
	test_pi_mutex();
	test_condvars();
	test_semaphores();
	test_barrier_once();
	test_tsd();
	test_pthread_kill();
	test_cancel();
	test_sem_open();
	ptest_done();
}
