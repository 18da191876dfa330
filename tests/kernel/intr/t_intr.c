/*
 * t_intr: interrupts delivered to user-space drivers, on the CMOS RTC's
 * periodic interrupt (IRQ 8, 1024 Hz).
 *  - without ThreadCtl(_NTO_TCTL_IO): InterruptAttachEvent/Mask give EPERM,
 *    an in instruction kills the process with SIGSEGV (intr_noio);
 *  - argument checks (EINVAL, EFAULT);
 *  - mask counting: per line and per attachment, unmask at 0 a no-op, a
 *    masked line really delivers nothing (TimerTimeout on InterruptWait),
 *    the SIGEV_INTR latch is one bit;
 *  - 50 interrupts by InterruptWait + register C + InterruptUnmask, then 50
 *    by SIGEV_PULSE + MsgReceive;
 *  - _NTO_INTR_FLAGS_STAMP: EINVAL unless SIGEV_PULSE; the pulse value is the
 *    TSC of kernel entry, between enabling the RTC and receiving the pulse;
 *  - 20 PIT interrupts on IRQ 0 (the ISA override to GSI 2);
 *  - a thread created after ThreadCtl inherits the privilege, and its
 *    attachment goes away with it;
 *  - another process's id gives EPERM;
 *  - a driver that exits or faults while attached with the line masked
 *    leaves nothing: kmem_in_use unchanged, the line attaches fresh (mask
 *    count 0) and delivers again.
 * Not tested: ThreadCtl EPERM for a non-root process (no way to start one yet).
 */
#include "ntest.h"
#include "rtc.h"

#include <time.h>

#define N_INTR 50
#define WAIT_NS (1000 * NTEST_MS) /* an RTC tick is ~1 ms: generous */

static int wait_intr(uint64_t ns)
{
	TimerTimeout_r(CLOCK_MONOTONIC, _NTO_TIMEOUT_INTR, NULL, &ns, NULL);
	return InterruptWait_r(0, NULL);
}

/* InterruptWait with an immediate timeout: 0 if the latch was set. */
static int poll_intr(void)
{
	TimerTimeout_r(CLOCK_MONOTONIC, _NTO_TIMEOUT_INTR, NULL, NULL, NULL);
	return InterruptWait_r(0, NULL);
}

static void drain_latch(void)
{
	while (poll_intr() == 0)
		;
}

static void sleep_ms(unsigned ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000};
	nanosleep(&ts, NULL);
}

static uint64_t kmem_now(void)
{
	struct _sys_meminfo m;
	sleep_ms(10); /* let the kernel finish tearing down what just died */
	CHECK_EQ(SysMemInfo(&m), 0);
	return m.kmem_in_use;
}

static int attach_intr(unsigned flags)
{
	struct sigevent ev;
	memset(&ev, 0, sizeof(ev));
	SIGEV_INTR_INIT(&ev);
	return InterruptAttachEvent(RTC_IRQ, &ev, flags);
}

static void test_unprivileged(void)
{
	struct sigevent ev;
	memset(&ev, 0, sizeof(ev));
	SIGEV_INTR_INIT(&ev);
	CHECK_ERR(InterruptAttachEvent(RTC_IRQ, &ev, 0), EPERM);
	CHECK_ERR(InterruptMask(RTC_IRQ, -1), EPERM);
	CHECK_ERR(InterruptUnmask(RTC_IRQ, -1), EPERM);
	CHECK_ERR(ThreadCtl(12345, NULL), EINVAL);
	CHECK_SIGNAL("intr_noio", SIGSEGV);
	ntest_info("skipped: ThreadCtl(_NTO_TCTL_IO) EPERM for non-root (no non-root processes yet)");
}

static void test_bad_args(void)
{
	struct sigevent ev;
	memset(&ev, 0, sizeof(ev));
	SIGEV_INTR_INIT(&ev);
	CHECK_ERR(InterruptAttachEvent(-1, &ev, 0), EINVAL);
	CHECK_ERR(InterruptAttachEvent(100000, &ev, 0), EINVAL);
	CHECK_ERR(InterruptAttachEvent(RTC_IRQ, &ev, 0x100), EINVAL);
	CHECK_ERR(InterruptAttachEvent(RTC_IRQ, NULL, 0), EFAULT);
	struct sigevent none;
	memset(&none, 0, sizeof(none));
	none.sigev_notify = SIGEV_NONE;
	CHECK_ERR(InterruptAttachEvent(RTC_IRQ, &none, 0), EINVAL);
	CHECK_ERR(InterruptDetach(0), EINVAL);
	CHECK_ERR(InterruptDetach(-3), EINVAL);
	CHECK_ERR(InterruptDetach(100000), EINVAL);
	CHECK_ERR(InterruptWait(1, NULL), EINVAL);
	CHECK_ERR(InterruptMask(RTC_IRQ, -1), EINVAL); /* no attachment of ours on the line */
	CHECK_ERR(InterruptMask(-1, 1), EINVAL);
}

static void test_mask_counting(void)
{
	drain_latch();
	int id = attach_intr(_NTO_INTR_FLAGS_TRK_MSK);
	if (!CHECK(id > 0))
		return;
	CHECK_EQ(InterruptMask(RTC_IRQ, id), 1);
	CHECK_EQ(InterruptMask(RTC_IRQ, id), 2);
	CHECK_EQ(InterruptUnmask(RTC_IRQ, id), 1);
	CHECK_EQ(InterruptUnmask(RTC_IRQ, id), 0);
	CHECK_EQ(InterruptUnmask(RTC_IRQ, id), 0); /* at 0: no-op */
	CHECK_EQ(InterruptMask(RTC_IRQ, -1), 1);
	CHECK_EQ(InterruptUnmask(RTC_IRQ, -1), 0);
	CHECK_ERR(InterruptMask(RTC_IRQ + 1, id), EINVAL); /* id is not on that line */
	CHECK_ERR(InterruptMask(RTC_IRQ, id + 100), EINVAL);

	/* a second attachment on the same line: counts per attachment, summed */
	int id2 = attach_intr(_NTO_INTR_FLAGS_END);
	if (CHECK(id2 > 0 && id2 != id)) {
		CHECK_EQ(InterruptMask(RTC_IRQ, id), 1);
		CHECK_EQ(InterruptMask(RTC_IRQ, id2), 2);
		CHECK_EQ(InterruptUnmask(RTC_IRQ, id2), 1);
		CHECK_EQ(InterruptUnmask(RTC_IRQ, id2), 1); /* id2 holds none: no-op */
		CHECK_EQ(InterruptMask(RTC_IRQ, id2), 2);
		CHECK_EQ(InterruptDetach(id2), 0);          /* gives its mask back */
		CHECK_EQ(InterruptUnmask(RTC_IRQ, id), 0);
		CHECK_ERR(InterruptDetach(id2), EINVAL);
	}

	/* a masked line delivers nothing; unmasking lets it through */
	CHECK_EQ(InterruptMask(RTC_IRQ, id), 1);
	rtc_start(RTC_RATE_1024HZ);
	CHECK_EQ(wait_intr(100 * NTEST_MS), -ETIMEDOUT);
	rtc_ack();
	CHECK_EQ(InterruptUnmask(RTC_IRQ, id), 0);
	CHECK_EQ(wait_intr(WAIT_NS), 0);
	CHECK_EQ(InterruptMask(RTC_IRQ, id), 2); /* the interrupt took one */
	CHECK_EQ(InterruptUnmask(RTC_IRQ, id), 1);

	/* the latch: interrupts while not waiting set one bit */
	drain_latch();
	rtc_ack();
	CHECK_EQ(InterruptUnmask(RTC_IRQ, id), 0);
	uint64_t t0 = ntest_now();
	while (ntest_now() - t0 < 20 * NTEST_MS)
		;
	CHECK_EQ(poll_intr(), 0);
	CHECK_EQ(poll_intr(), -ETIMEDOUT);
	rtc_stop();
	CHECK_EQ(InterruptUnmask(RTC_IRQ, id), 0);
	drain_latch();
	CHECK_EQ(InterruptDetach(id), 0);
	CHECK_ERR(InterruptDetach(id), EINVAL);
}

static void test_intr_wait(void)
{
	drain_latch();
	/* RTC first: enabling PIE may raise IRQ 8 at once for a PF already
	 * pending, which must not count as one of ours */
	rtc_start(RTC_RATE_1024HZ);
	int id = attach_intr(0);
	if (!CHECK(id > 0))
		return;
	int got = 0, pf = 0, unmasked = 0;
	uint64_t t0 = ntest_now();
	for (int i = 0; i < N_INTR; i++) {
		int rc = wait_intr(WAIT_NS);
		if (rc != 0) {
			ntest_info("InterruptWait %d: %s", i, strerror(-rc));
			break;
		}
		got++;
		if ((rtc_ack() & (RTC_C_IRQF | RTC_C_PF)) == (RTC_C_IRQF | RTC_C_PF))
			pf++;
		if (InterruptUnmask(RTC_IRQ, id) == 0)
			unmasked++;
	}
	uint64_t dt = ntest_now() - t0;
	rtc_stop();
	CHECK_EQ(got, N_INTR);
	CHECK_EQ(pf, N_INTR);
	CHECK_EQ(unmasked, N_INTR);
	/* periodic ticks, not a storm of spurious wake-ups (1024 Hz: ~49 ms) */
	CHECK(dt >= N_INTR * NTEST_MS / 2);
	ntest_info("InterruptWait: %d RTC interrupts in %llu us", got, (unsigned long long)dt / 1000);
	CHECK_EQ(InterruptDetach(id), 0);
	drain_latch();
}

/* The PIT (IRQ 0, GSI 2 on QEMU through the MADT override): channel 0 as a
 * ~1 kHz rate generator, then stopped (mode 0 with no count written). */
static void test_pit(void)
{
	drain_latch();
	int id = InterruptAttachEvent(0, &(struct sigevent){.sigev_notify = SIGEV_INTR}, 0);
	if (!CHECK(id > 0))
		return;
	port_out8(0x43, 0x34);
	port_out8(0x40, 1193 & 0xff);
	port_out8(0x40, 1193 >> 8);
	int got = 0;
	for (int i = 0; i < 20; i++) {
		if (wait_intr(WAIT_NS) != 0)
			break;
		got++;
		InterruptUnmask(0, id);
	}
	port_out8(0x43, 0x30);
	CHECK_EQ(got, 20);
	CHECK_EQ(InterruptDetach(id), 0);
	drain_latch();
}

static void test_pulse(void)
{
	int chid = ChannelCreate_r(0);
	if (!CHECK(chid >= 0))
		return;
	int coid = ConnectAttach_r(0, 0, chid, _NTO_SIDE_CHANNEL, 0);
	struct sched_param sp;
	int policy = SchedGet_r(0, 0, &sp);
	if (CHECK(coid >= 0) && CHECK(policy >= 0)) {
		struct sigevent ev;
		memset(&ev, 0, sizeof(ev));
		SIGEV_PULSE_INIT(&ev, coid, sp.sched_priority, 17, 0xbeef);
		int id = InterruptAttachEvent(RTC_IRQ, &ev, 0);
		if (CHECK(id > 0)) {
			int got = 0, good = 0;
			rtc_start(RTC_RATE_1024HZ);
			for (int i = 0; i < N_INTR; i++) {
				struct _pulse pulse;
				iov_t iov;
				SETIOV(&iov, &pulse, sizeof(pulse));
				uint64_t ns = WAIT_NS;
				TimerTimeout_r(CLOCK_MONOTONIC, _NTO_TIMEOUT_RECEIVE, NULL, &ns, NULL);
				int rc = MsgReceivev_r(chid, &iov, 1, NULL);
				if (rc != 0) {
					ntest_info("MsgReceive %d: %d", i, rc);
					break;
				}
				got++;
				if (pulse.code == 17 && pulse.value.sival_int == 0xbeef)
					good++;
				rtc_ack();
				InterruptUnmask(RTC_IRQ, id);
			}
			rtc_stop();
			CHECK_EQ(got, N_INTR);
			CHECK_EQ(good, N_INTR);
			ntest_info("SIGEV_PULSE: %d RTC interrupts", got);
			CHECK_EQ(InterruptDetach(id), 0);
		}
	}
	if (coid >= 0)
		ConnectDetach_r(coid);
	ChannelDestroy_r(chid);
}

/* _NTO_INTR_FLAGS_STAMP: pulses only; each pulse's value is the TSC the
 * kernel read on interrupt entry (after the RTC was started, before the
 * pulse was received, increasing), not the event's own value. */
static void test_pulse_stamp(void)
{
	struct sigevent ev;
	memset(&ev, 0, sizeof(ev));
	SIGEV_INTR_INIT(&ev);
	CHECK_ERR(InterruptAttachEvent(RTC_IRQ, &ev, _NTO_INTR_FLAGS_STAMP), EINVAL);
	SIGEV_SIGNAL_INIT(&ev, SIGUSR1);
	CHECK_ERR(InterruptAttachEvent(RTC_IRQ, &ev, _NTO_INTR_FLAGS_STAMP), EINVAL);
	int chid = ChannelCreate_r(0);
	if (!CHECK(chid >= 0))
		return;
	int coid = ConnectAttach_r(0, 0, chid, _NTO_SIDE_CHANNEL, 0);
	struct sched_param sp;
	int policy = SchedGet_r(0, 0, &sp);
	if (CHECK(coid >= 0) && CHECK(policy >= 0)) {
		SIGEV_PULSE_INIT(&ev, coid, sp.sched_priority, 18, 0xbeef);
		uint64_t t_start = ClockCycles();
		rtc_start(RTC_RATE_1024HZ);
		int id = InterruptAttachEvent(RTC_IRQ, &ev, _NTO_INTR_FLAGS_STAMP);
		if (CHECK(id > 0)) {
			int got = 0, good = 0;
			uint64_t prev = t_start, worst = 0;
			for (int i = 0; i < 10; i++) {
				struct _pulse pulse;
				iov_t iov;
				SETIOV(&iov, &pulse, sizeof(pulse));
				uint64_t ns = WAIT_NS;
				TimerTimeout_r(CLOCK_MONOTONIC, _NTO_TIMEOUT_RECEIVE, NULL, &ns, NULL);
				int rc = MsgReceivev_r(chid, &iov, 1, NULL);
				uint64_t t_recv = ClockCycles();
				if (rc != 0) {
					ntest_info("MsgReceive %d: %d", i, rc);
					break;
				}
				got++;
				uint64_t stamp = pulse.value.sival_u64;
				if (pulse.code == 18 && stamp > prev && stamp < t_recv)
					good++;
				else
					ntest_info("stamp %d: code %d, %llu not in (%llu, %llu)", i,
						   pulse.code, (unsigned long long)stamp,
						   (unsigned long long)prev, (unsigned long long)t_recv);
				if (stamp < t_recv && t_recv - stamp > worst)
					worst = t_recv - stamp;
				prev = stamp;
				rtc_ack();
				InterruptUnmask(RTC_IRQ, id);
			}
			CHECK_EQ(got, 10);
			CHECK_EQ(good, 10);
			ntest_info("stamped pulses: %d, worst entry-to-receive %llu TSC ticks", got,
				   (unsigned long long)worst);
			CHECK_EQ(InterruptDetach(id), 0);
		}
		rtc_stop();
	}
	if (coid >= 0)
		ConnectDetach_r(coid);
	ChannelDestroy_r(chid);
}

static volatile int th_id, th_done;

static void *attach_body(void *arg)
{
	(void)arg;
	struct sigevent ev;
	memset(&ev, 0, sizeof(ev));
	SIGEV_INTR_INIT(&ev);
	th_id = InterruptAttachEvent_r(RTC_IRQ, &ev, 0); /* no ThreadCtl: inherited */
	th_done = 1;
	ntest_thread_exit();
}

static void test_thread(void)
{
	if (!CHECK(ntest_thread(attach_body, NULL, -1, 0) > 0))
		return;
	while (!th_done)
		sched_yield();
	sleep_ms(10);
	if (!CHECK(th_id > 0)) {
		ntest_info("attach from a thread created after ThreadCtl: %d", th_id);
		return;
	}
	CHECK_ERR(InterruptDetach(th_id), EINVAL); /* went with its thread */
}

static int spawn_driver(const char *mode)
{
	char *argv[] = {"intr_driver", (char *)mode, NULL};
	char *envp[] = {NULL};
	struct _image_spawn_attr attr = {.priority = 0, .policy = -1};
	return ImageSpawn_r("intr_driver", argv, envp, &attr);
}

static void test_other_process(void)
{
	int pid = spawn_driver("hold");
	if (!CHECK(pid > 0))
		return;
	sleep_ms(100);
	int eperm = 0, eperm_id = 0, odd = 0;
	for (int i = 1; i <= 64; i++) {
		int rc = InterruptDetach_r(i);
		if (rc == -EPERM) {
			eperm++;
			eperm_id = i;
		} else if (rc != -EINVAL) {
			odd++;
		}
	}
	CHECK_EQ(eperm, 1);
	CHECK_EQ(odd, 0);
	CHECK_ERR(InterruptMask(RTC_IRQ, eperm_id), EPERM);
	CHECK_ERR(InterruptUnmask(RTC_IRQ, eperm_id), EPERM);
	int status = 0;
	CHECK_EQ(ProcWait_r(pid, &status, 0), pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == eperm_id);
}

/* After a driver died attached: the line starts fresh and still works. */
static void check_line_fresh(void)
{
	drain_latch();
	int id = attach_intr(_NTO_INTR_FLAGS_NO_UNMASK);
	if (!CHECK(id > 0))
		return;
	CHECK_EQ(InterruptMask(RTC_IRQ, id), 2); /* only our NO_UNMASK mask was there */
	CHECK_EQ(InterruptUnmask(RTC_IRQ, id), 1);
	rtc_start(RTC_RATE_1024HZ); /* the dead driver left it running; restart anyway */
	CHECK_EQ(InterruptUnmask(RTC_IRQ, id), 0);
	CHECK_EQ(wait_intr(WAIT_NS), 0);
	rtc_stop();
	CHECK_EQ(InterruptDetach(id), 0);
	drain_latch();
}

static void run_driver(const char *mode, int code, int sig)
{
	int pid = spawn_driver(mode);
	if (!CHECK(pid > 0))
		return;
	int status = 0;
	CHECK_EQ(ProcWait_r(pid, &status, 0), pid);
	if (sig)
		CHECK(WIFSIGNALED(status) && WTERMSIG(status) == sig);
	else if (!CHECK(WIFEXITED(status) && WEXITSTATUS(status) == code))
		ntest_info("intr_driver %s: wait status %#x", mode, (unsigned)status);
	check_line_fresh();
}

static void test_driver_death(void)
{
	run_driver("exit", 0, 0); /* warm-up */
	uint64_t m0 = kmem_now();
	run_driver("exit", 0, 0);
	uint64_t m1 = kmem_now();
	run_driver("fault", 0, SIGSEGV);
	uint64_t m2 = kmem_now();
	CHECK_EQ(m1, m0);
	CHECK_EQ(m2, m0);
	ntest_info("dead drivers: kmem_in_use %llu -> %llu -> %llu", (unsigned long long)m0,
		   (unsigned long long)m1, (unsigned long long)m2);
}

int main(void)
{
	ntest_start("intr");
	test_unprivileged();
	if (!CHECK_EQ(ThreadCtl(_NTO_TCTL_IO, NULL), 0))
		ntest_done();
	CHECK_EQ(ThreadCtl(_NTO_TCTL_IO, NULL), 0); /* again: no change */
	rtc_stop();
	test_bad_args();
	test_mask_counting();
	test_intr_wait();
	test_pit();
	test_pulse();
	test_pulse_stamp();
	test_thread();
	test_other_process();
	test_driver_death();
	rtc_stop();
	ntest_done();
}
