/*
 * posix_time: clock_gettime (monotonic never goes back and advances across
 * a sleep, realtime is a plausible date, CPU-time clocks answer),
 * clock_getres, nanosleep and clock_nanosleep (relative and absolute, not
 * early, EINTR with the remaining time, errors), gettimeofday against
 * CLOCK_REALTIME, POSIX timers (SIGEV_SIGNAL one-shot and periodic with
 * si_value and SI_TIMER, timer_gettime, SIGEV_THREAD), and the scheduling
 * calls (sched_get_priority_min/max, sched_setscheduler/getscheduler and
 * getparam through pthread_setschedparam/pthread_getschedparam and the
 * raw system calls, since musl's own sched_setscheduler is a stub).
 * Built once, run on the Linux host and in QEMU (ptest.h).
 */
#include "ptest.h"

#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/time.h>

#define MS 1000000ull
#define NS(ts) ((uint64_t)(ts).tv_sec * 1000000000ull + (uint64_t)(ts).tv_nsec)

static struct timespec ts_add(struct timespec t, uint64_t ns)
{
	uint64_t v = NS(t) + ns;
	t.tv_sec = (time_t)(v / 1000000000ull);
	t.tv_nsec = (long)(v % 1000000000ull);
	return t;
}

static void test_clocks(void)
{
	struct timespec a, b, r;
	CHECK_EQ(clock_gettime(CLOCK_MONOTONIC, &a), 0);
	int back = 0;
	for (int i = 0; i < 1000; i++) {
		CHECK_EQ(clock_gettime(CLOCK_MONOTONIC, &b), 0);
		back += NS(b) < NS(a);
		a = b;
	}
	CHECK_EQ(back, 0);
	ptest_sleep_ms(5);
	CHECK_EQ(clock_gettime(CLOCK_MONOTONIC, &b), 0);
	CHECK(NS(b) >= NS(a) + 5 * MS);
	CHECK(a.tv_nsec >= 0 && a.tv_nsec < 1000000000);

	CHECK_EQ(clock_gettime(CLOCK_REALTIME, &a), 0);
	CHECK(a.tv_sec > 1577836800); /* after 2020-01-01 */
	ptest_info("CLOCK_REALTIME %lld", (long long)a.tv_sec);
	/* BUG(neutrino): the CPU-time clocks give EINVAL. */
	CHECK_EQ(clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &a), 0);
	CHECK_EQ(clock_gettime(CLOCK_THREAD_CPUTIME_ID, &a), 0);
	CHECK_ERR(clock_gettime((clockid_t)12345, &a), EINVAL);

	clockid_t ids[] = {CLOCK_MONOTONIC, CLOCK_REALTIME};
	for (int i = 0; i < 2; i++) {
		CHECK_EQ(clock_getres(ids[i], &r), 0);
		CHECK(NS(r) > 0 && NS(r) <= 10 * MS);
	}
	CHECK_ERR(clock_getres((clockid_t)12345, &r), EINVAL);

	/* gettimeofday lies between two CLOCK_REALTIME readings. */
	struct timeval tv;
	clock_gettime(CLOCK_REALTIME, &a);
	CHECK_EQ(gettimeofday(&tv, NULL), 0);
	clock_gettime(CLOCK_REALTIME, &b);
	uint64_t us = (uint64_t)tv.tv_sec * 1000000ull + (uint64_t)tv.tv_usec;
	CHECK(us >= NS(a) / 1000 && us <= NS(b) / 1000);
	CHECK(tv.tv_usec >= 0 && tv.tv_usec < 1000000);
	CHECK(time(NULL) >= a.tv_sec);
}

static volatile sig_atomic_t hits;
static void on_sig(int sig)
{
	(void)sig;
	hits++;
}

static void test_sleeps(void)
{
	struct timespec req = {0, 50 * 1000000}, rem;
	uint64_t t0 = ptest_now();
	CHECK_EQ(nanosleep(&req, NULL), 0);
	CHECK(ptest_now() - t0 >= 50 * MS);
	req.tv_nsec = 1000000000;
	CHECK_ERR(nanosleep(&req, NULL), EINVAL);
	req.tv_sec = -1;
	req.tv_nsec = 0;
	CHECK_ERR(nanosleep(&req, NULL), EINVAL);
	req.tv_sec = 0;
	CHECK_EQ(nanosleep(&req, NULL), 0);

	/* clock_nanosleep returns the error instead of setting errno. */
	req.tv_nsec = 30 * 1000000;
	t0 = ptest_now();
	CHECK_EQ(clock_nanosleep(CLOCK_MONOTONIC, 0, &req, NULL), 0);
	CHECK(ptest_now() - t0 >= 30 * MS);
	/* Absolute: not before the deadline, monotonic and realtime. */
	struct timespec now, dl;
	clock_gettime(CLOCK_MONOTONIC, &now);
	dl = ts_add(now, 40 * MS);
	CHECK_EQ(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &dl, NULL), 0);
	clock_gettime(CLOCK_MONOTONIC, &now);
	CHECK(NS(now) >= NS(dl));
	clock_gettime(CLOCK_REALTIME, &now);
	dl = ts_add(now, 40 * MS);
	CHECK_EQ(clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &dl, NULL), 0);
	clock_gettime(CLOCK_REALTIME, &now);
	CHECK(NS(now) >= NS(dl));
	/* A deadline in the past returns at once. */
	dl.tv_sec -= 100;
	t0 = ptest_now();
	CHECK_EQ(clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &dl, NULL), 0);
	CHECK(ptest_now() - t0 < 1000 * MS);
	req.tv_nsec = 2000000000;
	CHECK_EQ(clock_nanosleep(CLOCK_MONOTONIC, 0, &req, NULL), EINVAL);
	req.tv_nsec = 1000;
	CHECK_EQ(clock_nanosleep((clockid_t)12345, 0, &req, NULL), EINVAL);

	/* A signal ends nanosleep early with EINTR and the time left. */
	struct sigaction sa = {.sa_handler = on_sig};
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	pid_t parent = getpid(), pid = fork();
	if (pid == 0) {
		ptest_sleep_ms(50);
		kill(parent, SIGUSR1);
		_exit(0);
	}
	req.tv_sec = 3;
	req.tv_nsec = 0;
	hits = 0;
	t0 = ptest_now();
	CHECK_ERR(nanosleep(&req, &rem), EINTR);
	uint64_t slept = ptest_now() - t0;
	CHECK_EQ(hits, 1);
	CHECK(NS(rem) > 0 && NS(rem) < 3000 * MS);
	CHECK(NS(rem) + slept >= 2900 * MS); /* what is left matches what was slept */
	waitpid(pid, NULL, 0);
	signal(SIGUSR1, SIG_DFL);
}

static void test_timer_signal(void)
{
	sigset_t set, old;
	siginfo_t si;
	int sig = SIGRTMIN + 2;
	sigemptyset(&set);
	sigaddset(&set, sig);
	sigprocmask(SIG_BLOCK, &set, &old);
	struct sigevent ev = {.sigev_notify = SIGEV_SIGNAL, .sigev_signo = sig};
	ev.sigev_value.sival_int = 777;
	timer_t t;
	if (!CHECK_EQ(timer_create(CLOCK_MONOTONIC, &ev, &t), 0)) {
		ptest_info("timer_create: %s", strerror(errno));
		sigprocmask(SIG_SETMASK, &old, NULL);
		return;
	}
	/* One-shot, relative: fires once, not early. */
	struct itimerspec its = {.it_value = {0, 60 * 1000000}}, cur;
	uint64_t t0 = ptest_now();
	CHECK_EQ(timer_settime(t, 0, &its, NULL), 0);
	CHECK_EQ(timer_gettime(t, &cur), 0);
	CHECK(NS(cur.it_value) > 0 && NS(cur.it_value) <= 60 * MS);
	struct timespec wait = {5, 0};
	memset(&si, 0, sizeof(si));
	CHECK_EQ(sigtimedwait(&set, &si, &wait), sig);
	CHECK(ptest_now() - t0 >= 60 * MS);
	CHECK_EQ(si.si_code, SI_TIMER);
	CHECK_EQ(si.si_value.sival_int, 777);
	CHECK_EQ(timer_gettime(t, &cur), 0);
	CHECK_EQ(NS(cur.it_value), 0);
	struct timespec shortw = {0, 100 * 1000000};
	CHECK_ERR(sigtimedwait(&set, &si, &shortw), EAGAIN);

	/* Periodic: 20 ms; three expirations take at least 60 ms. */
	its.it_value.tv_nsec = 20 * 1000000;
	its.it_interval.tv_nsec = 20 * 1000000;
	t0 = ptest_now();
	CHECK_EQ(timer_settime(t, 0, &its, NULL), 0);
	int expirations = 0;
	for (int i = 0; i < 3; i++) {
		if (sigtimedwait(&set, &si, &wait) != sig)
			break;
		expirations += 1 + timer_getoverrun(t);
	}
	CHECK(expirations >= 3);
	CHECK(ptest_now() - t0 >= 60 * MS);
	/* Disarm; nothing more arrives. */
	struct itimerspec zero = {{0, 0}, {0, 0}};
	CHECK_EQ(timer_settime(t, 0, &zero, &cur), 0);
	while (sigtimedwait(&set, &si, &(struct timespec){0, 0}) == sig)
		;
	CHECK_ERR(sigtimedwait(&set, &si, &shortw), EAGAIN);

	/* Absolute time on CLOCK_MONOTONIC. */
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	its.it_value = ts_add(now, 50 * MS);
	its.it_interval.tv_nsec = 0;
	CHECK_EQ(timer_settime(t, TIMER_ABSTIME, &its, NULL), 0);
	CHECK_EQ(sigtimedwait(&set, &si, &wait), sig);
	clock_gettime(CLOCK_MONOTONIC, &now);
	CHECK(NS(now) >= NS(its.it_value));
	CHECK_EQ(timer_delete(t), 0);
	sigprocmask(SIG_SETMASK, &old, NULL);
}

static sem_t fired;
static volatile int thread_value;
static void on_timer_thread(union sigval v)
{
	thread_value = v.sival_int;
	sem_post(&fired);
}

static void test_timer_thread(void)
{
	sem_init(&fired, 0, 0);
	struct sigevent ev = {.sigev_notify = SIGEV_THREAD,
			      .sigev_notify_function = on_timer_thread};
	ev.sigev_value.sival_int = 4321;
	timer_t t;
	if (!CHECK_EQ(timer_create(CLOCK_REALTIME, &ev, &t), 0)) {
		ptest_info("timer_create(SIGEV_THREAD): %s", strerror(errno));
		return;
	}
	struct itimerspec its = {.it_value = {0, 50 * 1000000}};
	uint64_t t0 = ptest_now();
	CHECK_EQ(timer_settime(t, 0, &its, NULL), 0);
	struct timespec dl;
	clock_gettime(CLOCK_REALTIME, &dl);
	dl.tv_sec += 5;
	CHECK_EQ(sem_timedwait(&fired, &dl), 0);
	CHECK(ptest_now() - t0 >= 50 * MS);
	CHECK_EQ(thread_value, 4321);
	CHECK_EQ(timer_delete(t), 0);
	sem_destroy(&fired);
}

static void sched_child(void *arg)
{
	(void)arg;
	int fmin = sched_get_priority_min(SCHED_FIFO), fmax = sched_get_priority_max(SCHED_FIFO);
	struct sched_param sp = {.sched_priority = fmin};
	int r = pthread_setschedparam(pthread_self(), SCHED_FIFO, &sp);
	if (r == EPERM) {
		ptest_info("no privilege for SCHED_FIFO: set checks skipped");
		return;
	}
	CHECK_EQ(r, 0);
	int policy = -1;
	sp.sched_priority = -1;
	CHECK_EQ(pthread_getschedparam(pthread_self(), &policy, &sp), 0);
	CHECK_EQ(policy, SCHED_FIFO);
	CHECK_EQ(sp.sched_priority, fmin);
	CHECK_EQ(syscall(SYS_sched_getscheduler, 0), SCHED_FIFO);
	struct sched_param got = {.sched_priority = -1};
	CHECK_EQ(syscall(SYS_sched_getparam, 0, &got), 0);
	CHECK_EQ(got.sched_priority, fmin);
	/* Round-robin at another priority, through the raw call. */
	sp.sched_priority = fmin + 1;
	CHECK_EQ(syscall(SYS_sched_setscheduler, 0, SCHED_RR, &sp), 0);
	CHECK_EQ(syscall(SYS_sched_getscheduler, 0), SCHED_RR);
	CHECK(syscall(SYS_sched_getparam, 0, &got) == 0 && got.sched_priority == fmin + 1);
	/* sched_setparam changes the priority only. */
	sp.sched_priority = fmin + 2;
	CHECK_EQ(syscall(SYS_sched_setparam, 0, &sp), 0);
	CHECK_EQ(syscall(SYS_sched_getscheduler, 0), SCHED_RR);
	CHECK(syscall(SYS_sched_getparam, 0, &got) == 0 && got.sched_priority == fmin + 2);
	/* Out of range or unknown: EINVAL, nothing changes. */
	sp.sched_priority = fmax + 1;
	CHECK_EQ(pthread_setschedparam(pthread_self(), SCHED_FIFO, &sp), EINVAL);
	sp.sched_priority = fmin;
	CHECK_EQ(pthread_setschedparam(pthread_self(), 12345, &sp), EINVAL);
	sp.sched_priority = 1; /* BUG(neutrino): accepted for SCHED_OTHER */
	CHECK_ERR(syscall(SYS_sched_setscheduler, 0, SCHED_OTHER, &sp), EINVAL);
	CHECK_EQ(syscall(SYS_sched_getscheduler, 0), SCHED_RR);
	CHECK_ERR(syscall(SYS_sched_getscheduler, 999999), ESRCH);
	/* Back to SCHED_OTHER. BUG(neutrino): priority 0 refused (EINVAL). */
	sp.sched_priority = 0;
	CHECK_EQ(pthread_setschedparam(pthread_self(), SCHED_OTHER, &sp), 0);
	CHECK_EQ(syscall(SYS_sched_getscheduler, 0), SCHED_OTHER);
}

static void test_sched(void)
{
	int pol[] = {SCHED_FIFO, SCHED_RR};
	for (int i = 0; i < 2; i++) {
		int lo = sched_get_priority_min(pol[i]), hi = sched_get_priority_max(pol[i]);
		CHECK(lo >= 0 && hi - lo >= 31); /* POSIX: at least 32 priorities */
	}
	CHECK(sched_get_priority_min(SCHED_OTHER) >= 0);
	CHECK(sched_get_priority_max(SCHED_OTHER) >= sched_get_priority_min(SCHED_OTHER));
	CHECK_ERR(sched_get_priority_max(12345), EINVAL);
	CHECK_ERR(sched_get_priority_min(12345), EINVAL);
	CHECK_EQ(sched_yield(), 0);
	/* The policy of a normal program. */
	int policy = -1;
	struct sched_param sp;
	CHECK_EQ(pthread_getschedparam(pthread_self(), &policy, &sp), 0);
	CHECK(policy == SCHED_OTHER || policy == SCHED_FIFO || policy == SCHED_RR);
	long p = syscall(SYS_sched_getscheduler, 0);
	CHECK_EQ(p, policy);
	/* Changes happen in a child, which then ends. */
	ptest_in_child(sched_child, NULL, "sched_setscheduler");
}

int main(void)
{
	ptest_start("time");
	test_clocks();
	test_sleeps();
	test_timer_signal();
	test_timer_thread();
	test_sched();
	ptest_done();
}
