/*
 * t_ipc_unblock: a blocked client that wants out (kernel timeout), per
 * reference §1.8 and §1.10:
 *  (a) REPLY-blocked on a channel without _NTO_CHF_UNBLOCK: MsgSend fails at
 *      once with ETIMEDOUT, the server is not told, and a later MsgReply to
 *      that rcvid fails (ESRCH) even though the client thread still exists;
 *  (b) REPLY-blocked on a channel with _NTO_CHF_UNBLOCK: the client stays
 *      blocked; the server gets exactly one _PULSE_CODE_UNBLOCK whose value
 *      is the rcvid, MsgInfo shows _NTO_MI_UNBLOCK_REQ, and MsgError(EINTR)
 *      releases the client with EINTR;
 *  (c) the same, released with a normal MsgReply (data and status arrive);
 *  (d) SEND-blocked timeout: the client is removed with ETIMEDOUT and the
 *      server never sees the message (nor a pulse, even on an UNBLOCK channel).
 * Signals are not used (a timeout is the only unblock source tested here).
 * Main (the server) and the client threads run SCHED_FIFO at priority 10.
 */
#include "ipctest.h"

#define PRIO 10

struct client {
	int coid;
	unsigned tflags;    /* TimerTimeout states */
	uint64_t tns;       /* timeout */
	char reply[16];
	volatile long rc;
	volatile int tt_rc; /* TimerTimeout's result */
	volatile int done;
	volatile int release;
};

static void *client_body(void *arg)
{
	struct client *c = arg;
	c->tt_rc = ipct_timeout(c->tflags, c->tns);
	c->rc = MsgSend_r(c->coid, "request", 8, c->reply, sizeof(c->reply));
	c->done = 1;
	/* stay alive until told, so an rcvid's death is the kernel's doing */
	ipct_wait_flag(&c->release, 5000);
	ntest_thread_exit();
}

static int start(struct client *c, int coid, unsigned tflags, uint64_t ns)
{
	memset(c, 0, sizeof(*c));
	c->coid = coid;
	c->tflags = tflags;
	c->tns = ns;
	c->rc = -99999;
	return ntest_thread(client_body, c, SCHED_FIFO, PRIO);
}

static int make_channel(unsigned flags, int *coid)
{
	int chid = ChannelCreate(flags);
	*coid = chid >= 0 ? ConnectAttach(0, 0, chid, _NTO_SIDE_CHANNEL, 0) : -1;
	return chid;
}

static void test_reply_timeout_plain(void)
{
	int coid, chid = make_channel(0, &coid);
	if (!CHECK(chid >= 0) || !CHECK(coid >= 0))
		return;
	struct client c;
	if (!CHECK(start(&c, coid, _NTO_TIMEOUT_REPLY, 30 * NTEST_MS) > 0))
		return;
	char buf[16];
	int rcvid = MsgReceive(chid, buf, sizeof(buf), NULL); /* client runs, sends */
	if (!CHECK(rcvid > 0))
		return;
	CHECK_EQ(c.tt_rc, 0);
	if (CHECK(ipct_wait_flag(&c.done, 2000)))
		CHECK_EQ(c.rc, -ETIMEDOUT);
	/* the server was not told: nothing queued */
	struct _pulse p;
	CHECK_EQ(ipct_receive_ms(chid, &p, sizeof(p), NULL, 20), -ETIMEDOUT);
	/* and the rcvid is dead, though the client thread lives */
	CHECK_ERR(MsgReply(rcvid, 0, "late", 5), ESRCH);
	CHECK_EQ(memcmp(c.reply, "\0\0\0\0\0", 5), 0);
	c.release = 1;
	ipct_sleep_ms(2);
	ChannelDestroy(chid);
	ConnectDetach(coid);
}

/* (b) and (c); how: 0 = MsgError(EINTR), 1 = MsgReply. */
static void test_reply_timeout_unblock(int how)
{
	int coid, chid = make_channel(_NTO_CHF_UNBLOCK, &coid);
	if (!CHECK(chid >= 0) || !CHECK(coid >= 0))
		return;
	struct client c;
	if (!CHECK(start(&c, coid, _NTO_TIMEOUT_REPLY, 20 * NTEST_MS) > 0))
		return;
	char buf[16];
	int rcvid = MsgReceive(chid, buf, sizeof(buf), NULL);
	if (!CHECK(rcvid > 0))
		return;
	struct _msg_info info;
	CHECK_EQ(MsgInfo(rcvid, &info), 0);
	CHECK_EQ(info.flags & _NTO_MI_UNBLOCK_REQ, 0);

	/* The timeout fires: one unblock pulse, value = rcvid. */
	struct _pulse p;
	memset(&p, 0, sizeof(p));
	int rc = ipct_receive_ms(chid, &p, sizeof(p), &info, 2000);
	if (CHECK_EQ(rc, 0)) {
		CHECK_EQ(p.code, _PULSE_CODE_UNBLOCK);
		CHECK_EQ(p.value.sival_int, rcvid);
	}
	CHECK_EQ(c.done, 0);
	CHECK_EQ(MsgInfo(rcvid, &info), 0);
	CHECK_EQ(info.flags & _NTO_MI_UNBLOCK_REQ, _NTO_MI_UNBLOCK_REQ);
	/* Exactly one: nothing more arrives, and the client is still blocked. */
	CHECK_EQ(ipct_receive_ms(chid, &p, sizeof(p), &info, 100), -ETIMEDOUT);
	CHECK_EQ(c.done, 0);
	if (how == 0) {
		CHECK_EQ(MsgError(rcvid, EINTR), 0);
		if (CHECK(ipct_wait_flag(&c.done, 2000)))
			CHECK_EQ(c.rc, -EINTR);
	} else {
		CHECK_EQ(MsgReply(rcvid, 5, "answer", 7), 0);
		if (CHECK(ipct_wait_flag(&c.done, 2000))) {
			CHECK_EQ(c.rc, 5);
			CHECK_EQ(strcmp(c.reply, "answer"), 0);
		}
	}
	CHECK_ERR(MsgReply(rcvid, 0, NULL, 0), ESRCH);
	c.release = 1;
	ipct_sleep_ms(2);
	ChannelDestroy(chid);
	ConnectDetach(coid);
}

static void test_send_timeout(void)
{
	int coid, chid = make_channel(_NTO_CHF_UNBLOCK, &coid);
	if (!CHECK(chid >= 0) || !CHECK(coid >= 0))
		return;
	struct client c;
	if (!CHECK(start(&c, coid, _NTO_TIMEOUT_SEND | _NTO_TIMEOUT_REPLY, 20 * NTEST_MS) > 0))
		return;
	/* main is not receiving: the client SEND-blocks and times out */
	if (CHECK(ipct_wait_flag(&c.done, 2000)))
		CHECK_EQ(c.rc, -ETIMEDOUT);
	char buf[16];
	struct _msg_info info;
	int rc = ipct_receive_ms(chid, buf, sizeof(buf), &info, 50);
	CHECK_EQ(rc, -ETIMEDOUT);
	if (rc > 0)
		MsgReply(rc, 0, NULL, 0);
	c.release = 1;
	ipct_sleep_ms(2);
	ChannelDestroy(chid);
	ConnectDetach(coid);
}

int main(void)
{
	ntest_start("ipc_unblock");
	ipct_watchdog(60);
	if (!CHECK_EQ(ntest_sched_self(SCHED_FIFO, PRIO), 0))
		ntest_done();
	int rc = ipct_timeout(_NTO_TIMEOUT_SEND, 1000 * NTEST_MS);
	if (rc < 0) {
		ntest_fail("TimerTimeout works", __FILE_NAME__, __LINE__, "%s", strerror(-rc));
		ntest_done();
	}
	int probe = ChannelCreate_r(0);
	if (probe < 0) {
		ntest_fail("ChannelCreate works", __FILE_NAME__, __LINE__, "%s", strerror(-probe));
		ntest_done();
	}
	ChannelDestroy(probe);
	test_reply_timeout_plain();
	test_reply_timeout_unblock(0);
	test_reply_timeout_unblock(1);
	test_send_timeout();
	ntest_done();
}
