/*
 * t_ipc_basic: message passing between threads of this process and with a
 * helper process (ipc_peer), checking the documented QNX rules
 * (reference §1.2-1.6):
 *  - send/receive/reply move data both ways; MsgSend returns the reply status;
 *  - transfers are truncated to the shorter buffer on both sides: msglen,
 *    srcmsglen (_NTO_CHF_SENDER_LEN) and dstmsglen (_NTO_CHF_REPLY_LEN);
 *  - MsgRead/MsgWrite at offsets, clipped to the client's buffers; MsgInfo;
 *  - MsgError with an errno and with EOK; rcvids are single-use (ESRCH);
 *  - IOV forms gather and scatter; MsgSendsv/MsgSendvs mix the two;
 *  - pulses: code/value/scoid, MsgReceive returns 0, MsgReceivePulse takes
 *    only pulses; senders and pulses are queued by priority, then FIFO;
 *  - ConnectAttach id spaces, ConnectServerInfo, ConnectClientInfo, ConnectFlags.
 * The main thread is the server at priority 10; client threads run at 10
 * unless stated, so a client runs when main blocks in MsgReceive.
 */
#include "ipctest.h"

#include <unistd.h>

#define MAIN_PRIO 10

/* One client call made by a thread; the results are read by main. */
struct client {
	int coid;
	int kind; /* C_LINEAR, C_ERRNO, C_IOV, C_SENDSV, C_SENDVS */
	const void *sbuf;
	size_t slen;
	void *rbuf;
	size_t rlen;
	const iov_t *siov;
	int sparts;
	const iov_t *riov;
	int rparts;
	volatile long rc;
	volatile int err; /* C_ERRNO: errno after MsgSend */
	volatile int done;
	volatile int tid;
};

enum { C_LINEAR, C_ERRNO, C_IOV, C_SENDSV, C_SENDVS };

static void *client_body(void *arg)
{
	struct client *c = arg;
	switch (c->kind) {
	case C_LINEAR:
		c->rc = MsgSend_r(c->coid, c->sbuf, c->slen, c->rbuf, c->rlen);
		break;
	case C_ERRNO:
		errno = 0;
		c->rc = MsgSend(c->coid, c->sbuf, c->slen, c->rbuf, c->rlen);
		c->err = errno;
		break;
	case C_IOV:
		c->rc = MsgSendv_r(c->coid, c->siov, c->sparts, c->riov, c->rparts);
		break;
	case C_SENDSV:
		errno = 0;
		c->rc = MsgSendsv(c->coid, c->sbuf, c->slen, c->riov, c->rparts);
		c->err = errno;
		break;
	case C_SENDVS:
		errno = 0;
		c->rc = MsgSendvs(c->coid, c->siov, c->sparts, c->rbuf, c->rlen);
		c->err = errno;
		break;
	}
	c->done = 1;
	ntest_thread_exit();
}

static int client_start(struct client *c, int prio)
{
	c->done = 0;
	c->rc = -99999;
	int tid = ntest_thread(client_body, c, SCHED_FIFO, prio);
	c->tid = tid;
	return tid;
}

/* Wait for client c to finish (2 s bound); 1 when it did. */
static int client_wait(struct client *c)
{
	return ipct_wait_flag(&c->done, 2000);
}

static int chid_lens, coid_lens;
static int scoid_self = -1;

/* Send/receive/reply, info fields, truncation, MsgRead/MsgWrite/MsgInfo. */
static void test_send_receive_reply(void)
{
	char reply[16] = "................";
	struct client c = {.coid = coid_lens, .kind = C_LINEAR, .sbuf = "hello world", .slen = 12,
			   .rbuf = reply, .rlen = 16};
	if (!CHECK(client_start(&c, MAIN_PRIO) > 0))
		return;
	char buf[64];
	memset(buf, 0, sizeof(buf));
	struct _msg_info info;
	memset(&info, 0xa5, sizeof(info));
	int rcvid = MsgReceive(chid_lens, buf, sizeof(buf), &info);
	if (!CHECK(rcvid > 0)) {
		ntest_info("MsgReceive: %s", strerror(errno));
		return;
	}
	CHECK_EQ(strcmp(buf, "hello world"), 0);
	CHECK_EQ(info.pid, getpid());
	CHECK_EQ(info.tid, c.tid);
	CHECK_EQ(info.chid, chid_lens);
	CHECK_EQ(info.coid, coid_lens);
	CHECK(info.scoid >= 0);
	scoid_self = info.scoid;
	CHECK_EQ(info.nd, 0);
	CHECK_EQ(info.msglen, 12);
	CHECK_EQ(info.srcmsglen, 12);
	CHECK_EQ(info.dstmsglen, 16);
	CHECK_EQ(info.priority, MAIN_PRIO);
	CHECK_EQ(info.flags & _NTO_MI_UNBLOCK_REQ, 0);
	CHECK_EQ(c.done, 0); /* REPLY-blocked until the reply */
	CHECK_EQ(MsgReply(rcvid, 42, "reply-data", 11), 0);
	if (!CHECK(client_wait(&c)))
		return;
	CHECK_EQ(c.rc, 42);
	CHECK_EQ(memcmp(reply, "reply-data\0.....", 16), 0);

	/* Rcvids are single-use. */
	CHECK_ERR(MsgReply(rcvid, 0, NULL, 0), ESRCH);
	CHECK_ERR(MsgError(rcvid, EIO), ESRCH);
	CHECK_ERR(MsgRead(rcvid, buf, 4, 0), ESRCH);
	CHECK_ERR(MsgWrite(rcvid, buf, 4, 0), ESRCH);
	struct _msg_info info2;
	CHECK_ERR(MsgInfo(rcvid, &info2), ESRCH);
}

static void test_truncation(void)
{
	char sdata[100];
	for (int i = 0; i < 100; i++)
		sdata[i] = (char)('A' + i % 26);
	char reply[16];
	memset(reply, '.', sizeof(reply));
	struct client c = {.coid = coid_lens, .kind = C_LINEAR, .sbuf = sdata, .slen = 100,
			   .rbuf = reply, .rlen = 8};
	if (!CHECK(client_start(&c, MAIN_PRIO) > 0))
		return;
	char buf[64];
	memset(buf, '#', sizeof(buf));
	struct _msg_info info;
	int rcvid = MsgReceive(chid_lens, buf, 40, &info);
	if (!CHECK(rcvid > 0))
		return;
	/* Send side: the receiver gets the first 40 bytes, nothing beyond. */
	CHECK_EQ(memcmp(buf, sdata, 40), 0);
	CHECK_EQ(buf[40], '#');
	CHECK_EQ(info.msglen, 40);
	CHECK_EQ(info.srcmsglen, 100);
	CHECK_EQ(info.dstmsglen, 8);

	/* MsgRead: the rest at offsets, clipped to the client's message. */
	char more[128];
	memset(more, 0, sizeof(more));
	CHECK_EQ(MsgRead(rcvid, more, 100, 40), 60);
	CHECK_EQ(memcmp(more, sdata + 40, 60), 0);
	CHECK_EQ(MsgRead(rcvid, more, 100, 90), 10);
	CHECK_EQ(memcmp(more, sdata + 90, 10), 0);
	CHECK_EQ(MsgRead(rcvid, more, 5, 0), 5);
	CHECK_EQ(memcmp(more, sdata, 5), 0);
	CHECK_EQ(MsgRead(rcvid, more, 10, 100), 0);
	CHECK_EQ(MsgRead(rcvid, more, 10, 1000), 0);

	/* MsgInfo re-fetches the same information; the client is still blocked. */
	struct _msg_info again;
	memset(&again, 0, sizeof(again));
	CHECK_EQ(MsgInfo(rcvid, &again), 0);
	CHECK_EQ(again.pid, info.pid);
	CHECK_EQ(again.tid, info.tid);
	CHECK_EQ(again.chid, info.chid);
	CHECK_EQ(again.scoid, info.scoid);
	CHECK_EQ(again.coid, info.coid);
	CHECK_EQ(again.srcmsglen, 100);
	CHECK_EQ(again.dstmsglen, 8);
	CHECK_EQ(again.priority, info.priority);
	CHECK_EQ(c.done, 0);

	/* MsgWrite into the reply buffer (8 bytes) at offsets, clipped. */
	CHECK_EQ(MsgWrite(rcvid, "WXYZWX", 6, 6), 2);
	CHECK_EQ(MsgWrite(rcvid, "ABCD", 4, 4), 4);
	CHECK_EQ(MsgWrite(rcvid, "Q", 1, 8), 0);
	CHECK_EQ(c.done, 0); /* MsgWrite does not unblock */
	/* The reply lands at offset 0, truncated to the buffer. */
	CHECK_EQ(MsgReply(rcvid, 7, "0123", 4), 0);
	if (!CHECK(client_wait(&c)))
		return;
	CHECK_EQ(c.rc, 7);
	CHECK_EQ(memcmp(reply, "0123ABCD........", 16), 0);

	/* Reply side: a long reply is cut to the client's 8 bytes. */
	memset(reply, '.', sizeof(reply));
	c.slen = 3;
	if (!CHECK(client_start(&c, MAIN_PRIO) > 0))
		return;
	rcvid = MsgReceive(chid_lens, buf, sizeof(buf), &info);
	if (!CHECK(rcvid > 0))
		return;
	CHECK_EQ(info.msglen, 3);
	CHECK_EQ(MsgReply(rcvid, 0, "0123456789abcdef", 16), 0);
	if (CHECK(client_wait(&c))) {
		CHECK_EQ(c.rc, 0);
		CHECK_EQ(memcmp(reply, "01234567........", 16), 0);
	}
}

/* Without SENDER_LEN / REPLY_LEN: msglen is still right (what srcmsglen and
 * dstmsglen hold then is not documented, so not checked). */
static void test_lens_not_requested(int chid, int coid)
{
	char reply[4];
	struct client c = {.coid = coid, .kind = C_LINEAR, .sbuf = "0123456789", .slen = 10,
			   .rbuf = reply, .rlen = 4};
	if (!CHECK(client_start(&c, MAIN_PRIO) > 0))
		return;
	char buf[8];
	struct _msg_info info;
	int rcvid = MsgReceive(chid, buf, sizeof(buf), &info);
	if (!CHECK(rcvid > 0))
		return;
	CHECK_EQ(info.msglen, 8);
	CHECK_EQ(memcmp(buf, "01234567", 8), 0);
	CHECK_EQ(MsgReply(rcvid, 0, NULL, 0), 0);
	if (CHECK(client_wait(&c)))
		CHECK_EQ(c.rc, 0);
}

static void test_errors(void)
{
	char buf[32];
	struct _msg_info info;
	/* MsgError with an errno: the client sees -1/errno (both API forms). */
	struct client c = {.coid = coid_lens, .kind = C_ERRNO, .sbuf = "x", .slen = 1,
			   .rbuf = buf + 16, .rlen = 8};
	if (!CHECK(client_start(&c, MAIN_PRIO) > 0))
		return;
	int rcvid = MsgReceive(chid_lens, buf, 16, &info);
	if (!CHECK(rcvid > 0))
		return;
	CHECK_EQ(MsgError(rcvid, ENOTSUP), 0);
	if (CHECK(client_wait(&c))) {
		CHECK_EQ(c.rc, -1);
		CHECK_EQ(c.err, ENOTSUP);
	}
	CHECK_ERR(MsgError(rcvid, ENOTSUP), ESRCH);

	c.kind = C_LINEAR;
	if (!CHECK(client_start(&c, MAIN_PRIO) > 0))
		return;
	rcvid = MsgReceive(chid_lens, buf, 16, &info);
	if (!CHECK(rcvid > 0))
		return;
	CHECK_EQ(MsgError(rcvid, ENAMETOOLONG), 0);
	if (CHECK(client_wait(&c)))
		CHECK_EQ(c.rc, -ENAMETOOLONG);

	/* MsgError(EOK): MsgSend returns 0. */
	c.kind = C_ERRNO;
	if (!CHECK(client_start(&c, MAIN_PRIO) > 0))
		return;
	rcvid = MsgReceive(chid_lens, buf, 16, &info);
	if (!CHECK(rcvid > 0))
		return;
	CHECK_EQ(MsgError(rcvid, 0), 0);
	if (CHECK(client_wait(&c))) {
		CHECK_EQ(c.rc, 0);
		CHECK_EQ(c.err, 0);
	}
}

/* Gather on send (3 parts), scatter on receive (2 parts) and back. */
static void test_iov(void)
{
	char r1[1], r2[1], r3[10];
	memset(r3, '.', sizeof(r3));
	iov_t siov[3], riov[3];
	SETIOV(&siov[0], "abc", 3);
	SETIOV(&siov[1], "defgh", 5);
	SETIOV(&siov[2], "ij", 2);
	SETIOV(&riov[0], r1, 1);
	SETIOV(&riov[1], r2, 1);
	SETIOV(&riov[2], r3, 10);
	struct client c = {.coid = coid_lens, .kind = C_IOV, .siov = siov, .sparts = 3,
			   .riov = riov, .rparts = 3};
	if (!CHECK(client_start(&c, MAIN_PRIO) > 0))
		return;
	char p1[4], p2[16];
	memset(p2, 0, sizeof(p2));
	iov_t rcv[2];
	SETIOV(&rcv[0], p1, 4);
	SETIOV(&rcv[1], p2, 16);
	struct _msg_info info;
	int rcvid = MsgReceivev(chid_lens, rcv, 2, &info);
	if (!CHECK(rcvid > 0))
		return;
	CHECK_EQ(info.msglen, 10);
	CHECK_EQ(info.srcmsglen, 10);
	CHECK_EQ(info.dstmsglen, 12);
	CHECK_EQ(memcmp(p1, "abcd", 4), 0);
	CHECK_EQ(memcmp(p2, "efghij", 6), 0);

	/* MsgReadv scatters from an offset. */
	char q1[2], q2[3];
	iov_t rd[2];
	SETIOV(&rd[0], q1, 2);
	SETIOV(&rd[1], q2, 3);
	CHECK_EQ(MsgReadv(rcvid, rd, 2, 3), 5);
	CHECK_EQ(memcmp(q1, "de", 2), 0);
	CHECK_EQ(memcmp(q2, "fgh", 3), 0);

	/* MsgWritev at offset 5 gathers, then the 3-part reply fills from 0. */
	iov_t wr[2];
	SETIOV(&wr[0], "mn", 2);
	SETIOV(&wr[1], "op", 2);
	CHECK_EQ(MsgWritev(rcvid, wr, 2, 5), 4);
	iov_t rep[2];
	SETIOV(&rep[0], "XY", 2);
	SETIOV(&rep[1], "Z", 1);
	CHECK_EQ(MsgReplyv(rcvid, 3, rep, 2), 0);
	if (CHECK(client_wait(&c))) {
		CHECK_EQ(c.rc, 3);
		CHECK_EQ(r1[0], 'X');
		CHECK_EQ(r2[0], 'Y');
		CHECK_EQ(memcmp(r3, "Z..mnop...", 10), 0);
	}

	/* MsgSendsv: linear send, IOV reply. MsgSendvs: IOV send, linear reply. */
	char a[3], b[3];
	iov_t two[2];
	SETIOV(&two[0], a, 3);
	SETIOV(&two[1], b, 3);
	struct client d = {.coid = coid_lens, .kind = C_SENDSV, .sbuf = "linear", .slen = 6,
			   .riov = two, .rparts = 2};
	if (!CHECK(client_start(&d, MAIN_PRIO) > 0))
		return;
	char buf[16];
	rcvid = MsgReceive(chid_lens, buf, sizeof(buf), &info);
	if (!CHECK(rcvid > 0))
		return;
	CHECK_EQ(info.msglen, 6);
	CHECK_EQ(memcmp(buf, "linear", 6), 0);
	CHECK_EQ(info.dstmsglen, 6);
	CHECK_EQ(MsgReply(rcvid, 1, "uvwxyz", 6), 0);
	if (CHECK(client_wait(&d))) {
		CHECK_EQ(d.rc, 1);
		CHECK_EQ(memcmp(a, "uvw", 3), 0);
		CHECK_EQ(memcmp(b, "xyz", 3), 0);
	}
	char lin[8];
	memset(lin, 0, sizeof(lin));
	struct client e = {.coid = coid_lens, .kind = C_SENDVS, .siov = siov, .sparts = 3,
			   .rbuf = lin, .rlen = 8};
	if (!CHECK(client_start(&e, MAIN_PRIO) > 0))
		return;
	rcvid = MsgReceive(chid_lens, buf, sizeof(buf), &info);
	if (!CHECK(rcvid > 0))
		return;
	CHECK_EQ(info.msglen, 10);
	CHECK_EQ(memcmp(buf, "abcdefghij", 10), 0);
	CHECK_EQ(info.dstmsglen, 8);
	CHECK_EQ(MsgReply(rcvid, 2, "linear!", 8), 0);
	if (CHECK(client_wait(&e))) {
		CHECK_EQ(e.rc, 2);
		CHECK_EQ(strcmp(lin, "linear!"), 0);
	}
}

static void test_pulses(void)
{
	struct _pulse p;
	struct _msg_info info;
	memset(&p, 0xff, sizeof(p));
	CHECK_EQ(MsgSendPulse(coid_lens, 15, 5, 0x12345678), 0);
	CHECK_EQ(MsgReceive(chid_lens, &p, sizeof(p), &info), 0);
	CHECK_EQ(p.type, _PULSE_TYPE);
	CHECK_EQ(p.subtype, _PULSE_SUBTYPE);
	CHECK_EQ(p.code, 5);
	CHECK_EQ(p.value.sival_int, 0x12345678);
	if (scoid_self >= 0)
		CHECK_EQ(p.scoid, scoid_self);
	ntest_sched_self(SCHED_FIFO, MAIN_PRIO);

	/* A pulse can't be replied to: rcvid 0 is never a valid rcvid. */
	CHECK_ERR(MsgReply(0, 0, NULL, 0), ESRCH);

	/* A buffer too small for a pulse is EFAULT. */
	CHECK_EQ(MsgSendPulse(coid_lens, MAIN_PRIO, 6, 1), 0);
	char tiny[4];
	CHECK_ERR(MsgReceive(chid_lens, tiny, sizeof(tiny), NULL), EFAULT);
	/* (drain it, whether or not it stayed queued) */
	ipct_receive_ms(chid_lens, &p, sizeof(p), NULL, 10);

	/* MsgReceivePulse takes the pulse and leaves the queued message. */
	char reply[4];
	struct client c = {.coid = coid_lens, .kind = C_LINEAR, .sbuf = "msg", .slen = 3,
			   .rbuf = reply, .rlen = 4};
	if (!CHECK(client_start(&c, MAIN_PRIO + 1) > 0))
		return;
	/* the client (higher) ran and is SEND-blocked now */
	ntest_sched_self(SCHED_FIFO, MAIN_PRIO);
	CHECK_EQ(MsgSendPulse(coid_lens, MAIN_PRIO, 9, 99), 0);
	memset(&p, 0, sizeof(p));
	CHECK_EQ(MsgReceivePulse(chid_lens, &p, sizeof(p), &info), 0);
	CHECK_EQ(p.code, 9);
	CHECK_EQ(p.value.sival_int, 99);
	int rc = ipct_timeout(_NTO_TIMEOUT_RECEIVE, 20 * NTEST_MS);
	if (rc == 0)
		CHECK_EQ(MsgReceivePulse_r(chid_lens, &p, sizeof(p), &info), -ETIMEDOUT);
	else
		ntest_info("TimerTimeout: %s; MsgReceivePulse timeout not checked", strerror(-rc));
	char buf[8];
	int rcvid = MsgReceive(chid_lens, buf, sizeof(buf), &info);
	if (CHECK(rcvid > 0)) {
		CHECK_EQ(memcmp(buf, "msg", 3), 0);
		CHECK_EQ(MsgReply(rcvid, 0, NULL, 0), 0);
		CHECK(client_wait(&c));
	}
	ntest_sched_self(SCHED_FIFO, MAIN_PRIO);
}

/*
 * Queue order: priority, then FIFO. On a FIXED_PRIORITY channel (no server
 * boost to reorder who gets to run) three senders block in the order
 * A(20) B(30) C(20), then pulses at 25, 20 and 30 are queued; MsgReceive
 * must return B, pulse 30, pulse 25, A, C, pulse 20.
 */
static void test_queue_order(void)
{
	int chid = ChannelCreate(_NTO_CHF_FIXED_PRIORITY);
	int coid = ConnectAttach(0, 0, chid, _NTO_SIDE_CHANNEL, 0);
	if (!CHECK(chid >= 0) || !CHECK(coid >= 0))
		return;
	struct client cl[3];
	const int prio[3] = {20, 30, 20};
	const char *name[3] = {"A", "B", "C"};
	char rb[3][4];
	for (int i = 0; i < 3; i++) {
		cl[i] = (struct client){.coid = coid, .kind = C_LINEAR, .sbuf = name[i], .slen = 2,
					.rbuf = rb[i], .rlen = 4};
		if (!CHECK(client_start(&cl[i], prio[i]) > 0))
			return;
	}
	CHECK_EQ(MsgSendPulse(coid, 25, 25, 0), 0);
	CHECK_EQ(MsgSendPulse(coid, 20, 20, 0), 0);
	CHECK_EQ(MsgSendPulse(coid, 30, 30, 0), 0);
	const char *want[6] = {"B", "p30", "p25", "A", "C", "p20"};
	for (int i = 0; i < 6; i++) {
		union {
			char text[8];
			struct _pulse p;
		} u;
		memset(&u, 0, sizeof(u));
		struct _msg_info info;
		int rcvid = ipct_receive_ms(chid, &u, sizeof(u), &info, 1000);
		char got[16];
		if (rcvid > 0) {
			snprintf(got, sizeof(got), "%s", u.text);
			MsgReply(rcvid, 0, NULL, 0);
		} else if (rcvid == 0) {
			snprintf(got, sizeof(got), "p%d", u.p.code);
		} else {
			snprintf(got, sizeof(got), "err%d", -rcvid);
		}
		if (strcmp(got, want[i]) != 0)
			ntest_fail("queue order", __FILE_NAME__, __LINE__, "receive %d got %s, want %s",
				   i, got, want[i]);
	}
	for (int i = 0; i < 3; i++)
		CHECK(client_wait(&cl[i]));
	CHECK_EQ(ChannelDestroy(chid), 0);
	CHECK_EQ(ConnectDetach(coid), 0);
	ntest_sched_self(SCHED_FIFO, MAIN_PRIO);
}

static void test_connections(void)
{
	/* fd space: lowest free id >= index, never in the side-channel range. */
	int a = ConnectAttach(0, 0, chid_lens, 10, 0);
	int b = ConnectAttach(0, 0, chid_lens, 10, 0);
	CHECK(a >= 10 && a < _NTO_SIDE_CHANNEL);
	CHECK(b > a && b < _NTO_SIDE_CHANNEL);
	CHECK_EQ(ConnectDetach(a), 0);
	int c = ConnectAttach(0, 0, chid_lens, 10, 0);
	CHECK_EQ(c, a);
	int d = ConnectAttach(0, 0, chid_lens, 200, 0);
	CHECK_EQ(d, 200);
	int e = ConnectAttach(0, 0, chid_lens, 200, 0);
	CHECK_EQ(e, 201);
	/* side channels */
	int s1 = ConnectAttach(0, 0, chid_lens, _NTO_SIDE_CHANNEL, 0);
	int s2 = ConnectAttach(0, 0, chid_lens, _NTO_SIDE_CHANNEL, 0);
	CHECK(s1 >= _NTO_SIDE_CHANNEL);
	CHECK(s2 >= _NTO_SIDE_CHANNEL && s2 != s1);

	/* ConnectServerInfo: who is at the other end. */
	struct _server_info si;
	memset(&si, 0, sizeof(si));
	CHECK_EQ(ConnectServerInfo(0, s1, &si), s1);
	CHECK_EQ(si.pid, getpid());
	CHECK_EQ(si.chid, chid_lens);
	CHECK_EQ(si.nd, 0);

	/* ConnectFlags returns the old flags; mask 0 only queries. */
	CHECK_EQ(ConnectFlags(0, s1, 0, 0), 0);
	CHECK_EQ(ConnectFlags(0, s1, _NTO_COF_CLOEXEC, _NTO_COF_CLOEXEC), 0);
	CHECK_EQ(ConnectFlags(0, s1, 0, 0) & _NTO_COF_CLOEXEC, _NTO_COF_CLOEXEC);
	CHECK_EQ(ConnectFlags(0, s1, _NTO_COF_CLOEXEC, 0) & _NTO_COF_CLOEXEC, _NTO_COF_CLOEXEC);
	CHECK_EQ(ConnectFlags(0, s1, 0, 0) & _NTO_COF_CLOEXEC, 0);
	CHECK_EQ(ConnectFlags(0, s2, 0, 0), 0); /* per connection */
	int cl = ConnectAttach(0, 0, chid_lens, _NTO_SIDE_CHANNEL, _NTO_COF_CLOEXEC);
	CHECK(cl >= _NTO_SIDE_CHANNEL);
	CHECK_EQ(ConnectFlags(0, cl, 0, 0) & _NTO_COF_CLOEXEC, _NTO_COF_CLOEXEC);

	/* A detached connection is gone. */
	CHECK_EQ(ConnectDetach(s2), 0);
	CHECK_ERR(MsgSend(s2, "x", 1, NULL, 0), EBADF);
	CHECK_ERR(MsgSendPulse(s2, 10, 1, 0), EBADF);
	/* QNX documents EINVAL for ConnectDetach on a bad coid */
	CHECK_ERR2(ConnectDetach(s2), EBADF, EINVAL);
	CHECK_ERR2(ConnectFlags(0, s2, 0, 0), EBADF, EINVAL);

	/* ConnectClientInfo on our own scoid: our pid and credentials (uid 0). */
	if (scoid_self >= 0) {
		struct _client_info ci;
		memset(&ci, 0xff, sizeof(ci));
		CHECK_EQ(ConnectClientInfo(scoid_self, &ci, 0), 0);
		CHECK_EQ(ci.pid, getpid());
		CHECK_EQ(ci.nd, 0);
		CHECK_EQ(ci.cred.ruid, 0);
		CHECK_EQ(ci.cred.euid, 0);
	}
	ConnectDetach(b);
	ConnectDetach(c);
	ConnectDetach(d);
	ConnectDetach(e);
	ConnectDetach(s1);
	ConnectDetach(cl);
}

/* A client in another process (ipc_peer "echo"): pid, scoid, client info. */
static void test_other_process(void)
{
	long args[3] = {0 /* echo */, getpid(), chid_lens};
	int pid = ipct_spawn("ipc_peer", MAIN_PRIO, 3, args);
	if (!CHECK(pid > 0))
		return;
	char buf[64];
	struct _msg_info info;
	int rcvid = ipct_receive_ms(chid_lens, buf, sizeof(buf), &info, 3000);
	if (CHECK(rcvid > 0)) {
		CHECK_EQ(info.pid, pid);
		CHECK(info.tid > 0);
		CHECK(info.scoid >= 0 && info.scoid != scoid_self);
		CHECK_EQ(info.msglen, 10);
		CHECK_EQ(memcmp(buf, "ping-echo", 10), 0);
		struct _client_info ci;
		memset(&ci, 0xff, sizeof(ci));
		CHECK_EQ(ConnectClientInfo(info.scoid, &ci, 0), 0);
		CHECK_EQ(ci.pid, pid);
		CHECK_EQ(ci.cred.euid, 0);
		/* the peer checks the reply and exits 0 */
		CHECK_EQ(MsgReply(rcvid, 1234, "pong-echo", 10), 0);
	}
	CHECK_EQ(ipct_reap(pid), 0);
}

/* ConnectClientInfo reports the client's credentials as they are when
 * asked: ipc_peer "cred" drops root (effective uid 1, daemon) first. */
static void test_client_cred(void)
{
	long args[3] = {4 /* cred */, getpid(), chid_lens};
	int pid = ipct_spawn("ipc_peer", MAIN_PRIO, 3, args);
	if (!CHECK(pid > 0))
		return;
	char buf[16];
	struct _msg_info info;
	int rcvid = ipct_receive_ms(chid_lens, buf, sizeof(buf), &info, 3000);
	if (CHECK(rcvid > 0)) {
		CHECK_EQ(memcmp(buf, "cred", 5), 0);
		struct _client_info ci;
		memset(&ci, 0xff, sizeof(ci));
		CHECK_EQ(ConnectClientInfo(info.scoid, &ci, 0), 0);
		CHECK_EQ(ci.pid, pid);
		CHECK_EQ(ci.sid, getsid(0));
		CHECK_EQ(ci.cred.ruid, 4);
		CHECK_EQ(ci.cred.euid, 1);
		CHECK_EQ(ci.cred.suid, 6);
		CHECK_EQ(ci.cred.rgid, 10);
		CHECK_EQ(ci.cred.egid, 11);
		CHECK_EQ(ci.cred.sgid, 12);
		CHECK_EQ(ci.cred.ngroups, 2);
		CHECK(ci.cred.grouplist[0] == 5 && ci.cred.grouplist[1] == 7);
		/* room for fewer groups than the struct holds is still the 8 */
		CHECK_EQ(ConnectClientInfo(info.scoid, &ci, 1), 0);
		CHECK_EQ(ci.cred.ngroups, 2);
		CHECK_EQ(MsgReply(rcvid, 0, NULL, 0), 0);
	}
	CHECK_EQ(ipct_reap(pid), 0);
}

int main(void)
{
	ntest_start("ipc_basic");
	ipct_watchdog(60);
	if (!CHECK_EQ(ntest_sched_self(SCHED_FIFO, MAIN_PRIO), 0))
		ntest_done();
	chid_lens = ChannelCreate(_NTO_CHF_SENDER_LEN | _NTO_CHF_REPLY_LEN);
	if (!CHECK(chid_lens >= 0)) {
		ntest_info("ChannelCreate: %s; nothing else can run", strerror(errno));
		ntest_done();
	}
	coid_lens = ConnectAttach(0, 0, chid_lens, _NTO_SIDE_CHANNEL, 0);
	if (!CHECK(coid_lens >= _NTO_SIDE_CHANNEL)) {
		ntest_info("ConnectAttach: %s; nothing else can run", strerror(errno));
		ntest_done();
	}
	test_send_receive_reply();
	test_truncation();
	int chid_plain = ChannelCreate(0);
	int coid_plain = ConnectAttach(0, 0, chid_plain, _NTO_SIDE_CHANNEL, 0);
	if (CHECK(chid_plain >= 0) && CHECK(coid_plain >= 0))
		test_lens_not_requested(chid_plain, coid_plain);
	test_errors();
	test_iov();
	test_pulses();
	test_queue_order();
	test_connections();
	test_other_process();
	test_client_cred();
	ntest_done();
}
