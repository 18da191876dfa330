/*
 * t_event_prio: the priority of event pulses.
 *  - SIGEV_PULSE with an explicit priority arrives at that priority;
 *  - SIGEV_PULSE_PRIO_INHERIT arrives at the receiving process's initial
 *    priority (the priority its first thread was started with), whatever the
 *    thread that armed the event runs at.
 * Timer events carry them; MsgReceivePulse reports the pulse's priority in
 * _msg_info.priority.
 */
#include "ntest.h"

static int pulse_prio(int coid, int chid, int prio)
{
	struct sigevent ev;
	SIGEV_PULSE_INIT(&ev, coid, prio, 5, 0);
	int id = TimerCreate_r(CLOCK_MONOTONIC, &ev);
	if (!CHECK(id >= 0))
		return -1;
	struct _itimer it = {.nsec = 1000000};
	CHECK_EQ(TimerSettime_r(id, 0, &it, NULL), 0);
	struct _pulse p;
	struct _msg_info info;
	int r = MsgReceivePulse_r(chid, &p, sizeof(p), &info);
	TimerDestroy_r(id);
	if (!CHECK_EQ(r, 0) || !CHECK_EQ(p.code, 5))
		return -1;
	return info.priority;
}

int main(void)
{
	ntest_start("event_prio");
	struct sched_param sp;
	int initial = SchedGet(0, 0, &sp) >= 0 ? sp.sched_priority : -1;
	int chid = ChannelCreate(_NTO_CHF_FIXED_PRIORITY);
	int coid = ConnectAttach(0, 0, chid, _NTO_SIDE_CHANNEL, 0);
	if (!CHECK(chid > 0) || !CHECK(coid > 0))
		ntest_done();
	CHECK_EQ(ntest_sched_self(SCHED_FIFO, initial + 7), 0);
	CHECK_EQ(pulse_prio(coid, chid, 33), 33);
	CHECK_EQ(pulse_prio(coid, chid, SIGEV_PULSE_PRIO_INHERIT), initial);
	ntest_info("initial priority %d, inherit pulse at %d", initial,
		   pulse_prio(coid, chid, SIGEV_PULSE_PRIO_INHERIT));
	ntest_done();
}
