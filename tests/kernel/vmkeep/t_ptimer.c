/*
 * POSIX timer signals carry what Linux puts in them: si_code SI_TIMER,
 * si_timerid (the id timer_create returned), si_value, and si_overrun: while
 * a timer's signal is still pending, later expiries are counted as overruns
 * instead of queueing more signals; timer_getoverrun agrees. SIGEV_THREAD_ID
 * sends the signal to the named thread. Also setitimer/getitimer and the
 * CPU-time clocks.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "ntest.h"

#define SIG (SIGRTMIN + 3)
#define MS 1000000L

static volatile pid_t worker_tid;
static volatile int worker_got, worker_code;

static void *worker(void *arg)
{
	(void)arg;
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIG);
	worker_tid = (pid_t)syscall(SYS_gettid);
	siginfo_t si;
	struct timespec w = { 5, 0 };
	if (sigtimedwait(&set, &si, &w) == SIG) {
		worker_got = si.si_value.sival_int;
		worker_code = si.si_code;
	}
	return NULL;
}

static uint64_t ns_of(struct timespec t) { return (uint64_t)t.tv_sec * 1000000000ull + t.tv_nsec; }

int main(void)
{
	ntest_start("ptimer");
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIG);
	sigprocmask(SIG_BLOCK, &set, NULL);

	/* periodic 10 ms, signal left pending for 100 ms: one signal, overruns */
	struct sigevent ev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIG };
	ev.sigev_value.sival_int = 99;
	timer_t t;
	if (!CHECK_EQ(timer_create(CLOCK_MONOTONIC, &ev, &t), 0))
		ntest_done();
	struct itimerspec its = { { 0, 10 * MS }, { 0, 10 * MS } };
	CHECK_EQ(timer_settime(t, 0, &its, NULL), 0);
	struct timespec nap = { 0, 100 * MS };
	nanosleep(&nap, NULL);
	siginfo_t si;
	memset(&si, 0, sizeof(si));
	struct timespec zero = { 0, 0 };
	CHECK_EQ(sigtimedwait(&set, &si, &zero), SIG);
	CHECK_EQ(si.si_code, SI_TIMER);
	CHECK_EQ(si.si_timerid, (int)(intptr_t)t);
	CHECK_EQ(si.si_value.sival_int, 99);
	CHECK(si.si_overrun >= 5 && si.si_overrun <= 10);
	CHECK_EQ(timer_getoverrun(t), si.si_overrun);
	/* only one signal was queued for all those expiries */
	struct itimerspec off = { { 0, 0 }, { 0, 0 } };
	CHECK_EQ(timer_settime(t, 0, &off, NULL), 0);
	int more = 0;
	while (sigtimedwait(&set, &si, &zero) == SIG)
		more++;
	CHECK(more <= 1);
	CHECK_EQ(timer_delete(t), 0);
	CHECK_ERR(syscall(SYS_timer_delete, (int)(intptr_t)t), EINVAL); /* musl's sets no errno */
	CHECK_ERR(timer_create(CLOCK_PROCESS_CPUTIME_ID + 100, &ev, &t), EINVAL);

	/* SIGEV_THREAD_ID: to the worker, not to main (which blocks SIG too) */
	pthread_t th;
	CHECK_EQ(pthread_create(&th, NULL, worker, NULL), 0);
	while (!worker_tid)
		sched_yield();
	struct sigevent tev = { .sigev_notify = SIGEV_THREAD_ID, .sigev_signo = SIG };
	tev.sigev_value.sival_int = 1234;
	tev.sigev_notify_thread_id = worker_tid;
	if (CHECK_EQ(timer_create(CLOCK_MONOTONIC, &tev, &t), 0)) {
		struct itimerspec once = { { 0, 0 }, { 0, 20 * MS } };
		CHECK_EQ(timer_settime(t, 0, &once, NULL), 0);
		pthread_join(th, NULL);
		CHECK_EQ(worker_got, 1234);
		CHECK_EQ(worker_code, SI_TIMER);
		CHECK_EQ(sigtimedwait(&set, &si, &zero), -1); /* nothing for main */
		timer_delete(t);
	}
	tev.sigev_notify_thread_id = 999999;
	CHECK_ERR(timer_create(CLOCK_MONOTONIC, &tev, &t), EINVAL);

	/* ITIMER_REAL */
	struct itimerval iv = { { 0, 0 }, { 5, 0 } }, ov;
	CHECK_EQ(setitimer(ITIMER_REAL, &iv, NULL), 0);
	CHECK_EQ(getitimer(ITIMER_REAL, &ov), 0);
	CHECK(ov.it_value.tv_sec >= 4 && ov.it_value.tv_sec <= 5);
	memset(&iv, 0, sizeof(iv));
	CHECK_EQ(setitimer(ITIMER_REAL, &iv, &ov), 0);
	CHECK(ov.it_value.tv_sec >= 4 && ov.it_value.tv_sec <= 5);
	CHECK_EQ(getitimer(ITIMER_REAL, &ov), 0);
	CHECK(ov.it_value.tv_sec == 0 && ov.it_value.tv_usec == 0);
	CHECK_EQ(alarm(0), 0);

	/* CPU clocks advance with work, not with sleep */
	struct timespec a, b, c;
	CHECK_EQ(clock_gettime(CLOCK_THREAD_CPUTIME_ID, &a), 0);
	CHECK_EQ(clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c), 0);
	struct timespec m0, m1;
	clock_gettime(CLOCK_MONOTONIC, &m0);
	do
		clock_gettime(CLOCK_MONOTONIC, &m1);
	while (ns_of(m1) - ns_of(m0) < 30 * MS);
	CHECK_EQ(clock_gettime(CLOCK_THREAD_CPUTIME_ID, &b), 0);
	CHECK(ns_of(b) - ns_of(a) >= 10 * MS);
	CHECK_EQ(clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &b), 0);
	CHECK(ns_of(b) >= ns_of(c) + 10 * MS);
	CHECK_EQ(clock_gettime(CLOCK_THREAD_CPUTIME_ID, &a), 0);
	nanosleep(&nap, NULL);
	CHECK_EQ(clock_gettime(CLOCK_THREAD_CPUTIME_ID, &b), 0);
	CHECK(ns_of(b) - ns_of(a) < 50 * MS);
	ntest_done();
}
