/*
 * t_timer: process timers, kernel timeouts, ClockGetres, ThreadJoin /
 * ThreadDetach and SchedInfo.
 *  - ClockGetres and argument errors of every call (EINVAL, EFAULT);
 *  - one-shot timers (relative, TIMER_ABSTIME on both clocks): TimerInfo
 *    flags, time left, expiry count, oitime;
 *  - periodic timers: the expiry count matches elapsed / period (no drift);
 *    a timer whose event cannot be delivered (pulse on a bad coid) counts
 *    every expiry as an overrun; _NTO_TIMER_RESET_OVERRUNS;
 *  - periodic pulses received with MsgReceivePulse (skipped if the kernel
 *    has no channels yet), and an immediate RECEIVE timeout;
 *  - TimerTimeout: NULL ntime = immediate ETIMEDOUT on ThreadJoin of a
 *    running thread, a 10 ms JOIN timeout, an absolute one, otime, and the
 *    setting being cleared by the next kernel call;
 *  - ThreadJoin status (exited before / after the join), EDEADLK, ESRCH,
 *    EINVAL for detached threads, EFAULT keeping the status for a retry;
 *  - 256 timers per process (EAGAIN), 1,000 create/destroy cycles and a
 *    process exiting with 200 armed timers leave kernel memory unchanged;
 *  - SchedInfo ranges.
 */
#define _GNU_SOURCE /* gettid */
#include "ntest.h"

#include <signal.h>
#include <time.h>

#define BAD_PTR ((void *)0xffff800000001000ull) /* kernel half */
#define UNMAPPED_PTR ((void *)0x1000ull)        /* user half, never mapped */

static void sleep_ns(uint64_t ns)
{
	struct timespec ts = {.tv_sec = ns / 1000000000ull, .tv_nsec = ns % 1000000000ull};
	while (nanosleep(&ts, &ts) != 0)
		;
}

static struct sigevent ev_none(void)
{
	struct sigevent ev;
	memset(&ev, 0, sizeof(ev));
	SIGEV_NONE_INIT(&ev);
	return ev;
}

static uint64_t kmem_in_use(void)
{
	struct _sys_meminfo mi;
	if (SysMemInfo_r(&mi) < 0)
		return 0;
	return mi.kmem_in_use;
}

static void test_getres_and_errors(void)
{
	uint64_t res = 0;
	CHECK_EQ(ClockGetres(_NTO_CLOCK_MONOTONIC, &res), 0);
	CHECK(res >= 1 && res <= 1000);
	ntest_info("clock resolution %llu ns", (unsigned long long)res);
	CHECK_EQ(ClockGetres(_NTO_CLOCK_REALTIME, NULL), 0);
	CHECK_ERR(ClockGetres(7, &res), EINVAL);
	CHECK_ERR(ClockGetres(_NTO_CLOCK_MONOTONIC, BAD_PTR), EFAULT);

	struct sigevent ev = ev_none();
	struct _itimer it = {.nsec = NTEST_MS};
	struct _timer_info info;
	CHECK_ERR(TimerCreate(7, &ev), EINVAL);
	CHECK_ERR(TimerCreate(_NTO_CLOCK_MONOTONIC, BAD_PTR), EFAULT);
	CHECK_ERR(TimerCreate(_NTO_CLOCK_MONOTONIC, UNMAPPED_PTR), EFAULT);
	struct sigevent unb = ev_none();
	SIGEV_UNBLOCK_INIT(&unb);
	CHECK_ERR(TimerCreate(_NTO_CLOCK_MONOTONIC, &unb), EINVAL);
	CHECK_ERR(TimerDestroy(12345), EINVAL);
	CHECK_ERR(TimerDestroy(-1), EINVAL);
	CHECK_ERR(TimerSettime(12345, 0, &it, NULL), EINVAL);
	CHECK_ERR(TimerInfo(0, 12345, 0, &info), EINVAL);

	int id = TimerCreate(_NTO_CLOCK_MONOTONIC, &ev);
	CHECK(id > 0);
	CHECK_ERR(TimerSettime(id, 0, BAD_PTR, NULL), EFAULT);
	CHECK_ERR(TimerSettime(id, 0x100, &it, NULL), EINVAL);
	CHECK_ERR(TimerSettime(id, 0, &it, BAD_PTR), EFAULT);
	CHECK_ERR(TimerInfo(0, id, 0, BAD_PTR), EFAULT);
	CHECK_ERR(TimerInfo(0, id, 0x80, &info), EINVAL);
	CHECK_ERR(TimerInfo(30000, id, 0, &info), ESRCH);
	CHECK_EQ(TimerInfo(0, id, 0, &info), id);
	CHECK_EQ(info.flags & _NTO_TI_ACTIVE, 0);
	CHECK_EQ(TimerInfo(getpid(), id - 1, _NTO_TIMER_SEARCH, &info), id);
	CHECK_EQ(TimerDestroy(id), 0);
	CHECK_ERR(TimerDestroy(id), EINVAL);

	uint64_t ns = NTEST_MS;
	CHECK_ERR(TimerTimeout(7, _NTO_TIMEOUT_JOIN, NULL, &ns, NULL), EINVAL);
	CHECK_ERR(TimerTimeout(_NTO_CLOCK_MONOTONIC, _NTO_TIMEOUT_JOIN, NULL, BAD_PTR, NULL), EFAULT);
	CHECK_ERR(TimerTimeout(_NTO_CLOCK_MONOTONIC, _NTO_TIMEOUT_JOIN, BAD_PTR, &ns, NULL), EFAULT);
	CHECK_ERR(TimerTimeout(_NTO_CLOCK_MONOTONIC, 0x2, NULL, &ns, NULL), EINVAL);
	struct sigevent sig;
	memset(&sig, 0, sizeof(sig));
	SIGEV_SIGNAL_INIT(&sig, SIGUSR1);
	CHECK_ERR(TimerTimeout(_NTO_CLOCK_MONOTONIC, _NTO_TIMEOUT_JOIN, &sig, &ns, NULL), EINVAL);
}

static void test_oneshot(void)
{
	struct sigevent ev = ev_none();
	int id = TimerCreate(_NTO_CLOCK_MONOTONIC, &ev);
	if (!CHECK(id > 0))
		return;
	struct _timer_info info;
	struct _itimer it = {.nsec = 30 * NTEST_MS}, old;
	uint64_t t0 = ntest_now();
	CHECK_EQ(TimerSettime(id, 0, &it, &old), 0);
	CHECK_EQ(old.nsec, 0);
	CHECK_EQ(TimerInfo(0, id, 0, &info), id);
	CHECK_EQ(info.flags & (_NTO_TI_ACTIVE | _NTO_TI_EXPIRED), _NTO_TI_ACTIVE);
	CHECK(info.itime.nsec > 0 && info.itime.nsec <= 30 * NTEST_MS);
	CHECK_EQ(info.itime.interval_nsec, 0);
	CHECK_EQ(info.otime.nsec, 30 * NTEST_MS);
	CHECK_EQ(info.clockid, _NTO_CLOCK_MONOTONIC);
	CHECK_EQ(info.notify, SIGEV_NONE);
	CHECK_EQ(info.tid, gettid());
	/* time left shrinks */
	sleep_ns(10 * NTEST_MS);
	struct _timer_info info2;
	CHECK_EQ(TimerInfo(0, id, 0, &info2), id);
	CHECK(info2.itime.nsec < info.itime.nsec);
	/* poll until it expires */
	while (TimerInfo(0, id, 0, &info) == id && (info.flags & _NTO_TI_ACTIVE) &&
	       ntest_now() - t0 < 2000 * NTEST_MS)
		sleep_ns(NTEST_MS);
	uint64_t took = ntest_now() - t0;
	ntest_info("one-shot 30 ms seen expired after %llu us", (unsigned long long)took / 1000);
	CHECK(took >= 30 * NTEST_MS);
	CHECK(took < 200 * NTEST_MS);
	CHECK_EQ(info.flags & (_NTO_TI_ACTIVE | _NTO_TI_EXPIRED), _NTO_TI_EXPIRED);
	CHECK_EQ(info.expirations, 1);
	CHECK_EQ(info.overruns, 0);
	CHECK_EQ(info.itime.nsec, 0);

	/* re-arm for 1 s, then disarm: oitime tells what was left */
	it.nsec = 1000 * NTEST_MS;
	CHECK_EQ(TimerSettime(id, 0, &it, NULL), 0);
	struct _itimer zero = {0, 0};
	CHECK_EQ(TimerSettime(id, 0, &zero, &old), 0);
	CHECK(old.nsec > 900 * NTEST_MS && old.nsec <= 1000 * NTEST_MS);
	CHECK_EQ(TimerInfo(0, id, 0, &info), id);
	CHECK_EQ(info.flags & _NTO_TI_ACTIVE, 0);

	/* absolute, on both clocks */
	clockid_t clocks[2] = {_NTO_CLOCK_MONOTONIC, _NTO_CLOCK_REALTIME};
	for (int c = 0; c < 2; c++) {
		int aid = TimerCreate(clocks[c], &ev);
		if (!CHECK(aid > 0))
			continue;
		uint64_t now = 0;
		CHECK_EQ(ClockTime(clocks[c], NULL, &now), 0);
		struct _itimer at = {.nsec = now + 20 * NTEST_MS};
		t0 = ntest_now();
		CHECK_EQ(TimerSettime(aid, TIMER_ABSTIME, &at, NULL), 0);
		CHECK_EQ(TimerInfo(0, aid, 0, &info), aid);
		CHECK_EQ(info.flags & (_NTO_TI_ACTIVE | _NTO_TI_ABSOLUTE),
			 _NTO_TI_ACTIVE | _NTO_TI_ABSOLUTE);
		CHECK(info.itime.nsec <= 20 * NTEST_MS && info.itime.nsec > 10 * NTEST_MS);
		while (TimerInfo(0, aid, 0, &info) == aid && (info.flags & _NTO_TI_ACTIVE) &&
		       ntest_now() - t0 < 2000 * NTEST_MS)
			sleep_ns(NTEST_MS);
		took = ntest_now() - t0;
		CHECK(took >= 19 * NTEST_MS && took < 200 * NTEST_MS);
		CHECK_EQ(info.expirations, 1);
		/* a time in the past expires at once */
		at.nsec = 1;
		CHECK_EQ(TimerSettime(aid, TIMER_ABSTIME, &at, NULL), 0);
		sleep_ns(2 * NTEST_MS);
		CHECK_EQ(TimerInfo(0, aid, 0, &info), aid);
		CHECK_EQ(info.expirations, 1);
		CHECK_EQ(TimerDestroy(aid), 0);
	}
	CHECK_EQ(TimerDestroy(id), 0);
}

/* A periodic timer for about 200 ms, left running; returns its info. */
static int run_periodic(const struct sigevent *ev, uint64_t period, struct _timer_info *info,
			uint64_t *elapsed)
{
	int id = TimerCreate(_NTO_CLOCK_MONOTONIC, ev);
	if (id < 0)
		return id;
	struct _itimer it = {.nsec = period, .interval_nsec = period};
	uint64_t t0 = ntest_now();
	TimerSettime(id, 0, &it, NULL);
	sleep_ns(200 * NTEST_MS);
	TimerInfo(0, id, 0, info);
	*elapsed = ntest_now() - t0;
	return id;
}

static void test_periodic(void)
{
	struct sigevent ev = ev_none();
	struct _timer_info info;
	uint64_t elapsed, period = 2 * NTEST_MS;
	int id = run_periodic(&ev, period, &info, &elapsed);
	if (!CHECK(id > 0))
		return;
	long expected = (long)(elapsed / period);
	ntest_info("periodic 2 ms over %llu us: %u expiries (%ld due), %u overruns",
		   (unsigned long long)elapsed / 1000, info.expirations, expected, info.overruns);
	CHECK(info.expirations >= expected - 3 && info.expirations <= expected + 1);
	CHECK_EQ(info.itime.interval_nsec, period);
	CHECK(info.flags & _NTO_TI_EXPIRED);
	/* with SIGEV_NONE nothing fails: only skipped periods are overruns */
	CHECK(info.overruns <= info.expirations / 4);
	CHECK_EQ(TimerDestroy(id), 0);

	/* an event that cannot be delivered: every expiry is an overrun */
	struct sigevent bad;
	memset(&bad, 0, sizeof(bad));
	SIGEV_PULSE_INIT(&bad, 0x3fff, 10, 1, 0);
	period = 5 * NTEST_MS;
	id = run_periodic(&bad, period, &info, &elapsed);
	if (!CHECK(id > 0))
		return;
	expected = (long)(elapsed / period);
	ntest_info("undeliverable 5 ms over %llu us: %u expiries, %u overruns",
		   (unsigned long long)elapsed / 1000, info.expirations, info.overruns);
	CHECK(info.expirations >= expected - 3 && info.expirations <= expected + 1);
	CHECK_EQ(info.overruns, info.expirations);
	CHECK_EQ(TimerInfo(0, id, _NTO_TIMER_RESET_OVERRUNS, &info), id);
	CHECK(info.overruns > 0);
	CHECK_EQ(TimerInfo(0, id, 0, &info), id);
	CHECK(info.overruns <= 1);
	/* re-arming starts the counts again */
	struct _itimer zero = {0, 0};
	CHECK_EQ(TimerSettime(id, 0, &zero, NULL), 0);
	CHECK_EQ(TimerInfo(0, id, 0, &info), id);
	CHECK_EQ(info.overruns, 0);
	CHECK_EQ(info.expirations, 0);
	CHECK_EQ(TimerDestroy(id), 0);

	/* a tiny period is raised to the minimum, not a storm */
	id = TimerCreate(_NTO_CLOCK_MONOTONIC, &ev);
	struct _itimer it = {.nsec = 1, .interval_nsec = 1};
	uint64_t t0 = ntest_now();
	CHECK_EQ(TimerSettime(id, 0, &it, NULL), 0);
	sleep_ns(20 * NTEST_MS);
	CHECK_EQ(TimerInfo(0, id, 0, &info), id);
	elapsed = ntest_now() - t0;
	ntest_info("1 ns period over %llu us: %u expiries", (unsigned long long)elapsed / 1000,
		   info.expirations);
	CHECK_EQ(info.itime.interval_nsec, 100000);
	CHECK(info.expirations <= elapsed / 100000 + 2);
	CHECK_EQ(TimerDestroy(id), 0);
}

static void test_pulses(void)
{
	int chid = ChannelCreate_r(0);
	if (!CHECK(chid >= 0))
		return;
	int coid = ConnectAttach(0, 0, chid, _NTO_SIDE_CHANNEL, 0);
	if (!CHECK(coid >= 0))
		return;
	struct _pulse p;
	/* immediate timeout on an empty channel */
	uint64_t t0 = ntest_now();
	CHECK_EQ(TimerTimeout(_NTO_CLOCK_MONOTONIC, _NTO_TIMEOUT_RECEIVE, NULL, NULL, NULL), 0);
	CHECK_ERR(MsgReceivePulse(chid, &p, sizeof(p), NULL), ETIMEDOUT);
	CHECK(ntest_now() - t0 < 20 * NTEST_MS); /* host noise under TCG */

	struct sigevent ev;
	memset(&ev, 0, sizeof(ev));
	SIGEV_PULSE_INIT(&ev, coid, 10, 7, 0x1234);
	int id = TimerCreate(_NTO_CLOCK_MONOTONIC, &ev);
	if (!CHECK(id > 0))
		return;
	const uint64_t period = 10 * NTEST_MS;
	struct _itimer it = {.nsec = period, .interval_nsec = period};
	t0 = ntest_now();
	CHECK_EQ(TimerSettime(id, 0, &it, NULL), 0);
	int got = 0, bad = 0;
	for (int i = 0; i < 10; i++) {
		memset(&p, 0, sizeof(p));
		if (MsgReceivePulse(chid, &p, sizeof(p), NULL) != 0) {
			bad++;
			break;
		}
		if (p.code != 7 || p.value.sival_int != 0x1234)
			bad++;
		got++;
	}
	uint64_t took = ntest_now() - t0;
	ntest_info("10 timer pulses of 10 ms in %llu us", (unsigned long long)took / 1000);
	CHECK_EQ(got, 10);
	CHECK_EQ(bad, 0);
	CHECK(took >= 10 * period - NTEST_MS);
	CHECK(took < 10 * period + 200 * NTEST_MS);
	CHECK_EQ(TimerDestroy(id), 0);
	/* no pulse arrives after the destroy (one may have been queued already) */
	uint64_t ns = 30 * NTEST_MS;
	int extra = 0;
	for (;;) {
		TimerTimeout(_NTO_CLOCK_MONOTONIC, _NTO_TIMEOUT_RECEIVE, NULL, &ns, NULL);
		if (MsgReceivePulse(chid, &p, sizeof(p), NULL) != 0)
			break;
		if (++extra > 2)
			break;
	}
	CHECK(extra <= 1);
	ConnectDetach(coid);
	ChannelDestroy(chid);
}

static volatile uint64_t sleeper_ns;

static void *sleeper(void *arg)
{
	sleep_ns(sleeper_ns);
	ThreadDestroy_r(0, -1, arg);
	__builtin_trap();
}

static int start_sleeper(uint64_t ns, uintptr_t status)
{
	sleeper_ns = ns;
	return ntest_thread(sleeper, (void *)status, -1, 0);
}

static void test_timeout_join(void)
{
	int tid = start_sleeper(150 * NTEST_MS, 0x5151);
	if (!CHECK(tid > 0))
		return;
	void *st = NULL;

	/* NULL ntime: immediate */
	uint64_t t0 = ntest_now();
	CHECK_EQ(TimerTimeout(_NTO_CLOCK_MONOTONIC, _NTO_TIMEOUT_JOIN, NULL, NULL, NULL), 0);
	CHECK_ERR(ThreadJoin(tid, &st), ETIMEDOUT);
	CHECK(ntest_now() - t0 < 20 * NTEST_MS); /* host noise under TCG */

	/* 10 ms, relative; the event may be SIGEV_UNBLOCK */
	struct sigevent unb;
	memset(&unb, 0, sizeof(unb));
	SIGEV_UNBLOCK_INIT(&unb);
	uint64_t ns = 10 * NTEST_MS;
	t0 = ntest_now();
	CHECK_EQ(TimerTimeout(_NTO_CLOCK_MONOTONIC, _NTO_TIMEOUT_JOIN, &unb, &ns, NULL), 0);
	CHECK_ERR(ThreadJoin(tid, &st), ETIMEDOUT);
	uint64_t took = ntest_now() - t0;
	ntest_info("10 ms join timeout after %llu us", (unsigned long long)took / 1000);
	CHECK(took >= 10 * NTEST_MS && took < 100 * NTEST_MS);

	/* absolute, 10 ms from now */
	ns = ntest_now() + 10 * NTEST_MS;
	CHECK_EQ(TimerTimeout(_NTO_CLOCK_MONOTONIC, _NTO_TIMEOUT_JOIN | TIMER_ABSTIME, NULL, &ns,
			      NULL), 0);
	CHECK_ERR(ThreadJoin(tid, &st), ETIMEDOUT);
	CHECK(ntest_now() >= ns && ntest_now() < ns + 100 * NTEST_MS);

	/* a timeout for another state does not apply */
	ns = 1;
	CHECK_EQ(TimerTimeout(_NTO_CLOCK_MONOTONIC, _NTO_TIMEOUT_SEND, NULL, &ns, NULL), 0);
	/* otime: what was left of the setting being replaced */
	ns = 1000 * NTEST_MS;
	uint64_t left = 1;
	CHECK_EQ(TimerTimeout(_NTO_CLOCK_MONOTONIC, _NTO_TIMEOUT_JOIN, NULL, &ns, &left), 0);
	CHECK(left <= 1);
	CHECK_EQ(TimerTimeout(_NTO_CLOCK_MONOTONIC, _NTO_TIMEOUT_JOIN, NULL, NULL, &left), 0);
	CHECK(left > 900 * NTEST_MS && left <= 1000 * NTEST_MS);
	CHECK_EQ(TimerTimeout(_NTO_CLOCK_MONOTONIC, _NTO_TIMEOUT_JOIN, NULL, NULL, &left), 0);
	CHECK_EQ(left, 0);

	/* the (immediate) setting lasts one kernel call: after ClockTime the
	 * join blocks until the thread ends and returns its status */
	uint64_t now;
	CHECK_EQ(ClockTime(_NTO_CLOCK_MONOTONIC, NULL, &now), 0);
	CHECK_EQ(ThreadJoin(tid, &st), 0);
	CHECK_EQ((uintptr_t)st, 0x5151);
	CHECK(ntest_now() - now > 50 * NTEST_MS);
	CHECK_ERR(ThreadJoin(tid, &st), ESRCH);
}

static void test_join(void)
{
	void *st = NULL;
	CHECK_ERR(ThreadJoin(gettid(), &st), EDEADLK);
	CHECK_ERR(ThreadJoin(0, &st), EDEADLK);
	CHECK_ERR(ThreadJoin(4000, &st), ESRCH);
	CHECK_ERR(ThreadDetach(4000), ESRCH);

	/* exited before the join: the status was kept */
	int tid = start_sleeper(0, 0x42);
	sleep_ns(10 * NTEST_MS);
	CHECK_ERR(ThreadJoin(tid, BAD_PTR), EFAULT);
	CHECK_ERR(ThreadJoin(tid, UNMAPPED_PTR), EFAULT);
	CHECK_EQ(ThreadJoin(tid, &st), 0);
	CHECK_EQ((uintptr_t)st, 0x42);
	CHECK_ERR(ThreadJoin(tid, &st), ESRCH);

	/* joined while running, status NULL pointer allowed */
	tid = start_sleeper(20 * NTEST_MS, 7);
	CHECK_EQ(ThreadJoin(tid, NULL), 0);
	CHECK_ERR(ThreadJoin(tid, NULL), ESRCH);

	/* joined while running, bad pointer: EFAULT after the wait, status kept */
	tid = start_sleeper(20 * NTEST_MS, 8);
	CHECK_ERR(ThreadJoin(tid, UNMAPPED_PTR), EFAULT);
	CHECK_EQ(ThreadJoin(tid, &st), 0);
	CHECK_EQ((uintptr_t)st, 8);

	/* detached */
	tid = start_sleeper(30 * NTEST_MS, 9);
	CHECK_EQ(ThreadDetach(tid), 0);
	CHECK_ERR(ThreadDetach(tid), EINVAL);
	CHECK_ERR(ThreadJoin(tid, &st), EINVAL);
	sleep_ns(60 * NTEST_MS);
	CHECK_ERR(ThreadJoin(tid, &st), ESRCH);

	/* detaching an exited, unjoined thread drops its status */
	tid = start_sleeper(0, 10);
	sleep_ns(10 * NTEST_MS);
	CHECK_EQ(ThreadDetach(tid), 0);
	CHECK_ERR(ThreadJoin(tid, &st), ESRCH);

	/* many threads, joined in reverse order */
	int tids[16];
	for (int i = 0; i < 16; i++)
		tids[i] = start_sleeper(0, 100 + i);
	sleep_ns(10 * NTEST_MS);
	int ok = 0;
	for (int i = 15; i >= 0; i--)
		if (ThreadJoin(tids[i], &st) == 0 && (uintptr_t)st == (uintptr_t)(100 + i))
			ok++;
	CHECK_EQ(ok, 16);
}

static void test_limits_and_leaks(void)
{
	struct sigevent ev = ev_none();
	static int ids[256];
	uint64_t before = kmem_in_use();
	int n = 0;
	while (n < 256 && (ids[n] = TimerCreate(_NTO_CLOCK_MONOTONIC, &ev)) > 0)
		n++;
	CHECK_EQ(n, 256);
	CHECK_ERR(TimerCreate(_NTO_CLOCK_MONOTONIC, &ev), EAGAIN);
	struct _itimer it = {.nsec = 1000 * NTEST_MS, .interval_nsec = 1000 * NTEST_MS};
	for (int i = 0; i < n; i++)
		TimerSettime(ids[i], 0, &it, NULL);
	for (int i = 0; i < n; i++)
		CHECK_EQ(TimerDestroy(ids[i]), 0);

	int fails = 0;
	for (int i = 0; i < 1000; i++) {
		int id = TimerCreate(i & 1 ? _NTO_CLOCK_REALTIME : _NTO_CLOCK_MONOTONIC, &ev);
		if (id <= 0 || (i % 3 == 0 && TimerSettime(id, 0, &it, NULL) != 0) ||
		    TimerDestroy(id) != 0)
			fails++;
	}
	CHECK_EQ(fails, 0);
	uint64_t after = kmem_in_use();
	ntest_info("kmem in use %llu before, %llu after 1,256 timers", (unsigned long long)before,
		   (unsigned long long)after);
	CHECK_EQ(after, before);

	/* a process exiting with armed timers and an unjoined thread */
	before = kmem_in_use();
	CHECK_EXIT("timer_exit", 0);
	after = kmem_in_use();
	ntest_info("kmem in use %llu before, %llu after timer_exit", (unsigned long long)before,
		   (unsigned long long)after);
	CHECK_EQ(after, before);
}

static void test_sched_info(void)
{
	struct _sched_info si;
	CHECK_EQ(SchedInfo(0, SCHED_RR, &si), 0);
	CHECK_EQ(si.priority_min, 1);
	CHECK(si.priority_max == 255 || si.priority_max == 63);
	CHECK_EQ(si.priority_priv, 63);
	CHECK_EQ(si.interval, 4 * NTEST_MS);
	CHECK_EQ(SchedInfo(getpid(), SCHED_FIFO, &si), 0);
	CHECK_EQ(si.interval, 0);
	CHECK_EQ(SchedInfo(0, SCHED_OTHER, &si), 0);
	CHECK_EQ(si.interval, 4 * NTEST_MS);
	CHECK_ERR(SchedInfo(0, 77, &si), EINVAL);
	CHECK_ERR(SchedInfo(0, SCHED_RR, BAD_PTR), EFAULT);
	CHECK_ERR(SchedInfo(30000, SCHED_RR, &si), ESRCH);
}

int main(void)
{
	ntest_start("timer");
	test_getres_and_errors();
	test_oneshot();
	test_periodic();
	test_pulses();
	test_timeout_join();
	test_join();
	test_limits_and_leaks();
	test_sched_info();
	ntest_done();
}
