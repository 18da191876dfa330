/*
 * t_ipc_big: large messages are copied with preemption points.
 *  - an 8 MiB message and a 4 MiB reply arrive intact (pattern checked);
 *  - while the kernel copies them, a higher-priority thread that wakes every
 *    100 us keeps running: it is seen awake between the send and the
 *    receive's return. Without preemption points inside the copy the whole
 *    copy is one non-preemptible kernel path and it would not run at all.
 * The test image runs under -icount, so the copy takes a fixed number of
 * instructions and the high thread's wake-ups are deterministic.
 */
#include "ntest.h"

#define BIG (8u << 20)
#define REPLY (4u << 20)
#define HI_PRIO 30
#define PRIO 10

static int chid, coid;
static unsigned char *sbuf, *rbuf, *srv_buf;
static volatile uint64_t t_send, t_received, t_reply, t_replied;
static volatile int hi_stop, hi_in_send, hi_in_reply, srv_ok, srv_done;

static unsigned char pattern(size_t i) { return (unsigned char)(i * 31 + (i >> 12)); }

static void *hi_body(void *arg)
{
	(void)arg;
	struct timespec ts = {0, 100000};
	while (!hi_stop) {
		nanosleep(&ts, NULL);
		uint64_t now = ntest_now();
		if (t_send && !t_received && now > t_send)
			hi_in_send++;
		if (t_reply && !t_replied && now > t_reply)
			hi_in_reply++;
	}
	ntest_thread_exit();
}

static void *server_body(void *arg)
{
	(void)arg;
	struct _msg_info info;
	int rcvid = MsgReceive_r(chid, srv_buf, BIG, &info);
	t_received = ntest_now();
	int ok = rcvid > 0 && info.msglen == (int)BIG;
	for (size_t i = 0; ok && i < BIG; i++)
		ok = srv_buf[i] == pattern(i);
	for (size_t i = 0; i < REPLY; i++)
		srv_buf[i] = pattern(i + 7);
	srv_ok = ok;
	t_reply = ntest_now();
	if (rcvid > 0)
		MsgReply_r(rcvid, 42, srv_buf, REPLY);
	srv_done = 1;
	ntest_thread_exit();
}

int main(void)
{
	ntest_start("ipc_big");
	sbuf = malloc(BIG);
	rbuf = malloc(REPLY);
	srv_buf = malloc(BIG);
	if (!CHECK(sbuf && rbuf && srv_buf))
		ntest_done();
	for (size_t i = 0; i < BIG; i++)
		sbuf[i] = pattern(i);
	memset(srv_buf, 0, BIG); /* fault the pages in now, not during the copy */
	memset(rbuf, 0, REPLY);
	chid = ChannelCreate(0);
	coid = ConnectAttach(0, 0, chid, _NTO_SIDE_CHANNEL, 0);
	if (!CHECK(chid > 0) || !CHECK(coid > 0))
		ntest_done();
	CHECK_EQ(ntest_sched_self(SCHED_FIFO, PRIO), 0);
	CHECK(ntest_thread(server_body, NULL, SCHED_FIFO, PRIO + 1) > 0); /* waits in MsgReceive */
	CHECK(ntest_thread(hi_body, NULL, SCHED_FIFO, HI_PRIO) > 0);

	t_send = ntest_now();
	long r = MsgSend_r(coid, sbuf, BIG, rbuf, REPLY);
	t_replied = ntest_now();
	hi_stop = 1;
	CHECK_EQ(r, 42);
	CHECK_EQ(srv_ok, 1);
	int ok = 1;
	for (size_t i = 0; ok && i < REPLY; i++)
		ok = rbuf[i] == pattern(i + 7);
	CHECK(ok);
	ntest_info("8 MiB send copied in %llu us (high thread ran %d times), 4 MiB reply in %llu us "
		   "(%d times)",
		   (unsigned long long)(t_received - t_send) / 1000, hi_in_send,
		   (unsigned long long)(t_replied - t_reply) / 1000, hi_in_reply);
	/* Once is free: the high thread runs when the copy's kernel call ends,
	 * before the server reads the clock. More means it ran during the copy. */
	CHECK(hi_in_send > 3);
	CHECK(hi_in_reply > 3);
	ntest_done();
}
