/*
 * t_ipc_order: who runs next around a MsgReply, and a receive that skips a
 * message whose sender's buffer is bad.
 *
 * A replied client is READY at its priority after every thread of that
 * priority that became ready before it, and before those that became ready
 * after (FIFO), whether or not the server returns to user mode in between;
 * a thread that preempts the server leaves the server first in line. The
 * kernel hands the CPU to a woken thread directly when it can (sched.c):
 * these checks pin the order that must result.
 *
 * Threads run SCHED_FIFO at 20 in one process: S (server on channel A), C
 * (client of A), X (waits for a pulse on channel B), H (waits for a pulse at
 * priority 25 on channel H). Main sets them up at 30, then drops to 10 so
 * that they run, in creation order, until they have all logged and exited.
 */
#include "ipctest.h"

#define PRIO 20
#define LOG_MAX 8

static int chan_a, chan_b, chan_h, coid_a, coid_b, coid_h;
static volatile char run_log[LOG_MAX + 1];
static volatile int log_n;
static volatile int scenario;
static volatile long client_rc, server_rc;
static volatile int finished;

static void note(char who)
{
	int i = __atomic_fetch_add(&log_n, 1, __ATOMIC_RELAXED);
	if (i < LOG_MAX)
		run_log[i] = who;
	__atomic_fetch_add(&finished, 1, __ATOMIC_RELAXED);
}

enum { PEER_FIRST, REPLY_FIRST, PREEMPTED };

static void *server_body(void *arg)
{
	(void)arg;
	char buf[8];
	int rcvid = MsgReceive_r(chan_a, buf, sizeof(buf), NULL);
	server_rc = rcvid;
	if (rcvid <= 0) {
		note('!');
		ntest_thread_exit();
	}
	switch (scenario) {
	case PEER_FIRST: /* X becomes ready, then C */
		MsgSendPulse_r(coid_b, PRIO, 1, 0);
		MsgReply_r(rcvid, 7, NULL, 0);
		break;
	case REPLY_FIRST: /* C becomes ready, then X */
		MsgReply_r(rcvid, 7, NULL, 0);
		MsgSendPulse_r(coid_b, PRIO, 1, 0);
		break;
	case PREEMPTED: /* C becomes ready, then H preempts us */
		MsgReply_r(rcvid, 7, NULL, 0);
		MsgSendPulse_r(coid_h, PRIO + 5, 1, 0);
		break;
	}
	note('S');
	ntest_thread_exit();
}

static void *client_body(void *arg)
{
	(void)arg;
	client_rc = MsgSend_r(coid_a, "hi", 2, NULL, 0);
	note('C');
	ntest_thread_exit();
}

static void *pulse_waiter_body(void *arg)
{
	struct _pulse p;
	int chid = (int)(intptr_t)arg;
	int rc = MsgReceive_r(chid, &p, sizeof(p), NULL);
	note(rc == 0 ? (chid == chan_h ? 'H' : 'X') : '!');
	ntest_thread_exit();
}

/* Runs one scenario; returns the log as a string. */
static const char *run(int which)
{
	CHECK_EQ(ntest_sched_self(SCHED_FIFO, 30), 0);
	scenario = which;
	log_n = 0;
	finished = 0;
	memset((void *)run_log, 0, sizeof(run_log));
	client_rc = server_rc = 0;
	int nthreads = 3;
	CHECK(ntest_thread(server_body, NULL, SCHED_FIFO, PRIO) > 0);
	if (which == PREEMPTED)
		CHECK(ntest_thread(pulse_waiter_body, (void *)(intptr_t)chan_h, SCHED_FIFO, PRIO) > 0);
	else
		CHECK(ntest_thread(pulse_waiter_body, (void *)(intptr_t)chan_b, SCHED_FIFO, PRIO) > 0);
	CHECK(ntest_thread(client_body, NULL, SCHED_FIFO, PRIO) > 0);
	CHECK_EQ(ntest_sched_self(SCHED_FIFO, 10), 0);
	uint64_t give_up = ntest_now() + 2000 * NTEST_MS;
	while (finished < nthreads && ntest_now() < give_up)
		ipct_sleep_ms(1);
	CHECK_EQ(finished, nthreads);
	CHECK_EQ(client_rc, 7);
	CHECK(server_rc > 0);
	return (const char *)run_log;
}

static void test_order(void)
{
	const char *log = run(PEER_FIRST);
	ntest_info("peer ready first: %s", log);
	CHECK(strcmp(log, "SXC") == 0);
	log = run(REPLY_FIRST);
	ntest_info("reply first: %s", log);
	CHECK(strcmp(log, "SCX") == 0);
	log = run(PREEMPTED);
	ntest_info("server preempted: %s", log);
	CHECK(strcmp(log, "HSC") == 0);
}

/* A sender whose buffer faults gets EFAULT; the receive goes on with the
 * next queued message instead of blocking. */
static volatile long bad_rc, good_rc;
static volatile int bad_done, good_done;

static void *bad_sender(void *arg)
{
	(void)arg;
	bad_rc = MsgSend_r(coid_a, (const void *)0x1000, 16, NULL, 0);
	bad_done = 1;
	ntest_thread_exit();
}

static void *good_sender(void *arg)
{
	(void)arg;
	good_rc = MsgSend_r(coid_a, "good", 4, NULL, 0);
	good_done = 1;
	ntest_thread_exit();
}

static void test_skip_bad_sender(void)
{
	CHECK_EQ(ntest_sched_self(SCHED_FIFO, 30), 0);
	CHECK(ntest_thread(bad_sender, NULL, SCHED_FIFO, PRIO) > 0);
	CHECK(ntest_thread(good_sender, NULL, SCHED_FIFO, PRIO) > 0);
	CHECK_EQ(ntest_sched_self(SCHED_FIFO, 10), 0); /* both queue on channel A */
	char buf[8] = {0};
	struct _msg_info info;
	uint64_t ns = 1000 * NTEST_MS;
	TimerTimeout_r(CLOCK_MONOTONIC, _NTO_TIMEOUT_RECEIVE, NULL, &ns, NULL);
	int rcvid = MsgReceive_r(chan_a, buf, sizeof(buf), &info);
	CHECK(rcvid > 0);
	if (rcvid > 0) {
		CHECK_EQ(info.msglen, 4);
		CHECK(memcmp(buf, "good", 4) == 0);
		CHECK_EQ(MsgReply_r(rcvid, 3, NULL, 0), 0);
	}
	CHECK_EQ(ntest_sched_self(SCHED_FIFO, 10), 0);
	uint64_t give_up = ntest_now() + 2000 * NTEST_MS;
	while (!(bad_done && good_done) && ntest_now() < give_up)
		ipct_sleep_ms(1);
	CHECK_EQ(bad_rc, -EFAULT);
	CHECK_EQ(good_rc, 3);
}

int main(void)
{
	ntest_start("ipc_order");
	chan_a = ChannelCreate_r(0);
	chan_b = ChannelCreate_r(0);
	chan_h = ChannelCreate_r(0);
	CHECK(chan_a > 0 && chan_b > 0 && chan_h > 0);
	coid_a = ConnectAttach_r(0, 0, chan_a, _NTO_SIDE_CHANNEL, 0);
	coid_b = ConnectAttach_r(0, 0, chan_b, _NTO_SIDE_CHANNEL, 0);
	coid_h = ConnectAttach_r(0, 0, chan_h, _NTO_SIDE_CHANNEL, 0);
	CHECK(coid_a >= 0 && coid_b >= 0 && coid_h >= 0);
	test_order();
	test_skip_bad_sender();
	ntest_done();
}
