/*
 * t_ipc_death: what death and destruction do to message passing
 * (reference §1.2, §1.3, §1.4, §1.6, §1.8):
 *  (a) a server process (ipc_peer "server") exits while one client thread
 *      here is REPLY-blocked and another SEND-blocked on it: both get ESRCH,
 *      later sends on the coid get EBADF, and our _NTO_CHF_COID_DISCONNECT
 *      channel gets _PULSE_CODE_COIDDEATH with value = that coid;
 *  (b) a client process (ipc_peer "dier") exits with a thread REPLY-blocked
 *      on our _NTO_CHF_DISCONNECT channel: MsgReply to its rcvid fails ESRCH
 *      and we get _PULSE_CODE_DISCONNECT carrying its scoid, which we then
 *      release with ConnectDetach;
 *  (c) a thread of ours dies: _NTO_CHF_THREAD_DEATH pulse with its tid; a
 *      second death channel is EBUSY;
 *  (d) ChannelDestroy with SEND-, REPLY- and RECEIVE-blocked threads: all
 *      get ESRCH, and sends on connections to it then get EBADF;
 *  (e) 200 connect/send/exit cycles of client processes leave no kernel
 *      memory or processes behind (SysMemInfo).
 * Main runs SCHED_FIFO at 10; client threads at 20 run as soon as created.
 */
#include "ipctest.h"

#define PRIO 10
#define CLIENT_PRIO 20
#define CYCLES 200

static int death_chid = -1; /* THREAD_DEATH | COID_DISCONNECT */

struct client {
	int coid;
	volatile long rc;
	volatile int done;
};

static void *client_body(void *arg)
{
	struct client *c = arg;
	char r[8];
	c->rc = MsgSend_r(c->coid, "hi", 3, r, sizeof(r));
	c->done = 1;
	ntest_thread_exit();
}

static int client_start(struct client *c, int coid)
{
	c->coid = coid;
	c->rc = -99999;
	c->done = 0;
	return ntest_thread(client_body, c, SCHED_FIFO, CLIENT_PRIO);
}

/* Pulses that arrived on a channel within a window. */
struct pulses {
	int n;
	struct _pulse p[16];
};

static void collect(int chid, struct pulses *ps, unsigned ms)
{
	ps->n = 0;
	uint64_t end = ntest_now() + ms * NTEST_MS;
	while (ps->n < 16) {
		uint64_t now = ntest_now();
		if (now >= end)
			break;
		struct _pulse p;
		int rc = ipct_timeout(_NTO_TIMEOUT_RECEIVE, end - now);
		if (rc < 0)
			break;
		rc = MsgReceivePulse_r(chid, &p, sizeof(p), NULL);
		if (rc != 0)
			break;
		ps->p[ps->n++] = p;
		ntest_sched_self(SCHED_FIFO, PRIO);
	}
}

/* How many pulses with code (and value, unless any_value) were collected. */
static int count(const struct pulses *ps, int code, long value, int any_value)
{
	int n = 0;
	for (int i = 0; i < ps->n; i++)
		if (ps->p[i].code == code && (any_value || ps->p[i].value.sival_int == value))
			n++;
	return n;
}

static void dump(const char *what, const struct pulses *ps)
{
	for (int i = 0; i < ps->n; i++)
		ntest_info("%s: pulse code %d value %d scoid %d", what, ps->p[i].code,
			   ps->p[i].value.sival_int, ps->p[i].scoid);
}

/* Receive one message on chid with a 3 s bound; rcvid or -errno. */
static int receive(int chid, void *buf, size_t len, struct _msg_info *info)
{
	int rc = ipct_receive_ms(chid, buf, len, info, 3000);
	ntest_sched_self(SCHED_FIFO, PRIO);
	return rc;
}

static void test_server_death(void)
{
	int ctl = ChannelCreate(0);
	if (!CHECK(ctl >= 0))
		return;
	long args[3] = {1 /* server */, getpid(), ctl};
	int pid = ipct_spawn("ipc_peer", PRIO, 3, args);
	if (!CHECK(pid > 0))
		return;
	struct {
		char tag[8];
		int chid;
	} report;
	int rcvid = receive(ctl, &report, sizeof(report), NULL);
	if (!CHECK(rcvid > 0) || !CHECK_EQ(strcmp(report.tag, "chid"), 0))
		return;
	int coid = ConnectAttach(0, pid, report.chid, _NTO_SIDE_CHANNEL, 0);
	CHECK(coid >= _NTO_SIDE_CHANNEL);
	CHECK_EQ(MsgReply(rcvid, 0, NULL, 0), 0);

	struct client a, b;
	CHECK(client_start(&a, coid) > 0); /* sends; the server receives it */
	char buf[8];
	rcvid = receive(ctl, buf, sizeof(buf), NULL); /* "got": a is REPLY-blocked */
	if (!CHECK(rcvid > 0) || !CHECK_EQ(strcmp(buf, "got"), 0))
		return;
	CHECK(client_start(&b, coid) > 0); /* SEND-blocked: the server isn't receiving */
	CHECK_EQ(a.done, 0);
	CHECK_EQ(b.done, 0);
	CHECK_EQ(MsgReply(rcvid, 0, NULL, 0), 0); /* the server exits */
	CHECK_EQ(ipct_reap(pid), 0);
	if (CHECK(ipct_wait_flag(&a.done, 2000)))
		CHECK_EQ(a.rc, -ESRCH);
	if (CHECK(ipct_wait_flag(&b.done, 2000)))
		CHECK_EQ(b.rc, -ESRCH);
	CHECK_ERR(MsgSend(coid, "x", 2, NULL, 0), EBADF);
	CHECK_ERR(MsgSendPulse(coid, PRIO, 1, 0), EBADF);

	struct pulses ps;
	collect(death_chid, &ps, 200);
	if (!CHECK_EQ(count(&ps, _PULSE_CODE_COIDDEATH, coid, 0), 1))
		dump("server death", &ps);
	for (int i = 0; i < ps.n; i++)
		if (ps.p[i].code == _PULSE_CODE_COIDDEATH)
			CHECK_EQ(ps.p[i].scoid, -1);
	/* the dead connection stays allocated until detached */
	CHECK_EQ(ConnectDetach(coid), 0);
	/* QNX documents EINVAL for ConnectDetach on a bad coid */
	CHECK_ERR2(ConnectDetach(coid), EBADF, EINVAL);
	ChannelDestroy(ctl);
}

static void test_client_death(void)
{
	int chid = ChannelCreate(_NTO_CHF_DISCONNECT);
	if (!CHECK(chid >= 0))
		return;
	long args[3] = {2 /* dier */, getpid(), chid};
	int pid = ipct_spawn("ipc_peer", PRIO, 3, args);
	if (!CHECK(pid > 0))
		return;
	int t1 = -1, bye = -1, scoid = -1;
	for (int i = 0; i < 2; i++) {
		char buf[8];
		struct _msg_info info;
		int rcvid = receive(chid, buf, sizeof(buf), &info);
		if (!CHECK(rcvid > 0))
			return;
		CHECK_EQ(info.pid, pid);
		scoid = info.scoid;
		if (strcmp(buf, "T1") == 0)
			t1 = rcvid;
		else if (strcmp(buf, "bye") == 0)
			bye = rcvid;
	}
	if (!CHECK(t1 > 0) || !CHECK(bye > 0))
		return;
	CHECK_EQ(MsgReply(bye, 0, NULL, 0), 0); /* the client exits */
	CHECK_EQ(ipct_reap(pid), 0);
	CHECK_ERR(MsgReply(t1, 0, "late", 5), ESRCH);
	CHECK_ERR(MsgRead(t1, (char[4]){0}, 4, 0), ESRCH);

	struct pulses ps;
	collect(chid, &ps, 200);
	if (!CHECK_EQ(count(&ps, _PULSE_CODE_DISCONNECT, 0, 1), 1))
		dump("client death", &ps);
	for (int i = 0; i < ps.n; i++)
		if (ps.p[i].code == _PULSE_CODE_DISCONNECT)
			CHECK_EQ(ps.p[i].scoid, scoid);
	/* with _NTO_CHF_DISCONNECT the server frees the scoid itself */
	CHECK_EQ(ConnectDetach(scoid), 0);
	CHECK_EQ(ChannelDestroy(chid), 0);
}

static void *exit_body(void *arg)
{
	(void)arg;
	ntest_thread_exit();
}

static void test_thread_death(void)
{
	CHECK_ERR(ChannelCreate(_NTO_CHF_THREAD_DEATH), EBUSY);
	CHECK_ERR(ChannelCreate(_NTO_CHF_COID_DISCONNECT), EBUSY);
	int tid = ntest_thread(exit_body, NULL, SCHED_FIFO, CLIENT_PRIO);
	if (!CHECK(tid > 0))
		return;
	struct pulses ps;
	collect(death_chid, &ps, 200);
	if (!CHECK_EQ(count(&ps, _PULSE_CODE_THREADDEATH, tid, 0), 1))
		dump("thread death", &ps);
}

struct receiver {
	int chid;
	volatile int rc;
	volatile int done;
};

static void *receiver_body(void *arg)
{
	struct receiver *r = arg;
	char buf[64];
	r->rc = MsgReceive_r(r->chid, buf, sizeof(buf), NULL);
	r->done = 1;
	ntest_thread_exit();
}

static void test_channel_destroy(void)
{
	int chid = ChannelCreate(0);
	int coid = ConnectAttach(0, 0, chid, _NTO_SIDE_CHANNEL, 0);
	if (!CHECK(chid >= 0) || !CHECK(coid >= 0))
		return;
	struct client a, b;
	CHECK(client_start(&a, coid) > 0);
	char buf[8];
	int rcvid = receive(chid, buf, sizeof(buf), NULL); /* a: REPLY-blocked */
	CHECK(rcvid > 0);
	CHECK(client_start(&b, coid) > 0); /* b: SEND-blocked */
	CHECK_EQ(ChannelDestroy(chid), 0);
	if (CHECK(ipct_wait_flag(&a.done, 2000)))
		CHECK_EQ(a.rc, -ESRCH);
	if (CHECK(ipct_wait_flag(&b.done, 2000)))
		CHECK_EQ(b.rc, -ESRCH);
	CHECK_ERR(MsgReply(rcvid, 0, NULL, 0), ESRCH);
	CHECK_ERR(MsgSend(coid, "x", 2, NULL, 0), EBADF);
	CHECK_ERR(MsgReceive(chid, buf, sizeof(buf), NULL), ESRCH);
	CHECK_ERR2(ChannelDestroy(chid), EINVAL, ESRCH); /* QNX documents EINVAL */
	CHECK_EQ(ConnectDetach(coid), 0);
	ntest_sched_self(SCHED_FIFO, PRIO);

	/* a RECEIVE-blocked thread */
	struct receiver r = {.chid = ChannelCreate(0), .rc = -99999};
	if (!CHECK(r.chid >= 0))
		return;
	CHECK(ntest_thread(receiver_body, &r, SCHED_FIFO, CLIENT_PRIO) > 0);
	CHECK_EQ(r.done, 0);
	CHECK_EQ(ChannelDestroy(r.chid), 0);
	if (CHECK(ipct_wait_flag(&r.done, 2000)))
		CHECK_EQ(r.rc, -ESRCH);
}

/* One client process: connect, send, get the reply, exit. 0 or -1. */
static int cycle(int chid, int disconnect)
{
	long args[3] = {3 /* cycle */, getpid(), chid};
	int pid = ipct_spawn("ipc_peer", PRIO, 3, args);
	if (pid < 0)
		return -1;
	char buf[8];
	struct _msg_info info;
	int rcvid = receive(chid, buf, sizeof(buf), &info);
	if (rcvid <= 0)
		return -1;
	MsgReply(rcvid, 0, NULL, 0);
	if (ipct_reap(pid) != 0)
		return -1;
	if (disconnect) {
		struct _pulse p;
		int rc = ipct_receive_ms(chid, &p, sizeof(p), NULL, 1000);
		ntest_sched_self(SCHED_FIFO, PRIO);
		if (rc != 0 || p.code != _PULSE_CODE_DISCONNECT || p.scoid != info.scoid)
			return -1;
		if (ConnectDetach(info.scoid) != 0)
			return -1;
	}
	return 0;
}

static void test_no_leak(void)
{
	int plain = ChannelCreate(0);
	int disc = ChannelCreate(_NTO_CHF_DISCONNECT);
	if (!CHECK(plain >= 0) || !CHECK(disc >= 0))
		return;
	/* warm up: first-use allocations are not leaks */
	CHECK_EQ(cycle(plain, 0), 0);
	CHECK_EQ(cycle(disc, 1), 0);
	struct _sys_meminfo before, after;
	CHECK_EQ(SysMemInfo(&before), 0);
	int failed = 0;
	for (int i = 0; i < CYCLES; i++)
		if (cycle(i & 1 ? disc : plain, i & 1) != 0 && failed++ == 0)
			ntest_fail("cycle", __FILE_NAME__, __LINE__, "cycle %d failed", i);
	CHECK_EQ(failed, 0);
	CHECK_EQ(SysMemInfo(&after), 0);
	ntest_info("%d cycles: kmem %llu -> %llu bytes, free pages %llu -> %llu, processes %llu -> %llu",
		   CYCLES, (unsigned long long)before.kmem_in_use,
		   (unsigned long long)after.kmem_in_use, (unsigned long long)before.free_pages,
		   (unsigned long long)after.free_pages, (unsigned long long)before.n_processes,
		   (unsigned long long)after.n_processes);
	CHECK(after.kmem_in_use <= before.kmem_in_use + 1024);
	CHECK(after.free_pages + 16 >= before.free_pages);
	CHECK_EQ(after.n_processes, before.n_processes);
	ChannelDestroy(plain);
	ChannelDestroy(disc);
}

int main(void)
{
	ntest_start("ipc_death");
	ipct_watchdog(240);
	if (!CHECK_EQ(ntest_sched_self(SCHED_FIFO, PRIO), 0))
		ntest_done();
	int rc = ipct_timeout(_NTO_TIMEOUT_SEND, 1000 * NTEST_MS);
	if (rc < 0) {
		ntest_fail("TimerTimeout works", __FILE_NAME__, __LINE__, "%s", strerror(-rc));
		ntest_done();
	}
	death_chid = ChannelCreate(_NTO_CHF_THREAD_DEATH | _NTO_CHF_COID_DISCONNECT);
	if (!CHECK(death_chid >= 0)) {
		ntest_info("ChannelCreate: %s", strerror(errno));
		ntest_done();
	}
	test_server_death();
	test_client_death();
	test_thread_death();
	test_channel_destroy();
	test_no_leak();
	ntest_done();
}
