/*
 * t_pi_msg: message-driven priority inheritance (reference §2.2, §2.3).
 * Server threads at priority 10 report their effective priority
 * (SchedGet) from inside the handler, in the reply or, for pulses, in a
 * global. Main controls at priority 60 and lets the others run by sleeping.
 *  (a) a message from a priority-30 client is handled at 30, one from a
 *      priority-5 client at 5 (lowered too);
 *  (b) pulses carry their priority: MsgSendPulse prio 25 -> handled at 25;
 *      prio -1 -> the sender's (60);
 *  (c) _NTO_CHF_FIXED_PRIORITY: the server stays at its own 10 for both;
 *  (d) MsgCurrent(rcvid) re-applies the client's priority after the server
 *      changed its own;
 *  (e) server boost: the server is busy (not RECEIVE-blocked) at 10 while a
 *      CPU hog runs at 20; a priority-40 client sends: the server is boosted
 *      to 40 at send time, finishes its work and answers the client while the
 *      hog still runs (without the boost it would wait out the hog);
 *  (f) transitive chain mutex -> message -> mutex: H(50) waits for mutex M1
 *      held by M(20), M is REPLY-blocked on server thread S, S waits for
 *      mutex M2 held by L(5): L must run at 50; after unlocking, L is at 5.
 */
#include "../ipc/ipctest.h"

#define MAIN_PRIO 60
#define SERVER_PRIO 10

enum { REQ_PRIO, REQ_CURRENT, REQ_WORK, REQ_LOCK };

struct request {
	int type;
};

struct answer {
	int prio;       /* effective priority while handling */
	int prio_set;   /* REQ_CURRENT: after SchedSet to SERVER_PRIO */
	int prio_max;   /* REQ_WORK: highest priority seen while working */
};

static volatile int pulse_prio[8];
static volatile int pulses_seen;
static volatile int work_release, work_seen_release_prio;
static sync_t m1, m2;

/* A server thread: receives on the channel given as arg forever. */
static void *server_body(void *arg)
{
	int chid = (int)(intptr_t)arg;
	for (;;) {
		union {
			struct request r;
			struct _pulse p;
		} u;
		int rcvid = MsgReceive_r(chid, &u, sizeof(u), NULL);
		if (rcvid < 0)
			break;
		int prio = ipct_prio();
		if (rcvid == 0) {
			if (pulses_seen < 8)
				pulse_prio[pulses_seen] = prio;
			pulses_seen++;
			continue;
		}
		struct answer a = {.prio = prio};
		switch (u.r.type) {
		case REQ_CURRENT: {
			struct sched_param sp = {.sched_priority = SERVER_PRIO};
			SchedSet_r(0, 0, SCHED_FIFO, &sp);
			a.prio_set = ipct_prio();
			MsgCurrent_r(rcvid);
			a.prio = ipct_prio();
			break;
		}
		case REQ_WORK: {
			uint64_t end = ntest_now() + 3000 * NTEST_MS;
			while (!work_release && ntest_now() < end) {
				int p = ipct_prio();
				if (p > a.prio_max)
					a.prio_max = p;
			}
			work_seen_release_prio = ipct_prio();
			break;
		}
		case REQ_LOCK:
			SyncMutexLock_r(&m2);
			SyncMutexUnlock_r(&m2);
			break;
		}
		MsgReply_r(rcvid, 0, &a, sizeof(a));
	}
	ntest_thread_exit();
}

struct client {
	int coid;
	int type;
	struct answer a;
	volatile long rc;
	volatile int done;
	volatile int hog_was_done; /* (e): the hog's state when the reply came */
};

static volatile int hog_stop, hog_done;

static void *client_body(void *arg)
{
	struct client *c = arg;
	struct request r = {.type = c->type};
	c->rc = MsgSend_r(c->coid, &r, sizeof(r), &c->a, sizeof(c->a));
	c->hog_was_done = hog_done;
	c->done = 1;
	ntest_thread_exit();
}

/* Run one request from a client thread at prio; the answer, or rc < 0. */
static long ask(int coid, int type, int prio, struct answer *a)
{
	static struct client c; /* one at a time */
	memset(&c, 0, sizeof(c));
	c.coid = coid;
	c.type = type;
	c.rc = -99999;
	int tid = ntest_thread(client_body, &c, SCHED_FIFO, prio);
	if (tid < 0)
		return tid;
	if (!ipct_wait_flag(&c.done, 3000))
		return -ETIMEDOUT;
	*a = c.a;
	return c.rc;
}

static int start_server(unsigned flags, int *coid)
{
	int chid = ChannelCreate(flags);
	if (chid < 0)
		return -1;
	*coid = ConnectAttach(0, 0, chid, _NTO_SIDE_CHANNEL, 0);
	if (ntest_thread(server_body, (void *)(intptr_t)chid, SCHED_FIFO, SERVER_PRIO) < 0)
		return -1;
	ipct_sleep_ms(5); /* the server blocks in MsgReceive */
	return chid;
}

static int pulse_handled_at(int coid, int prio)
{
	int before = pulses_seen;
	if (MsgSendPulse(coid, prio, 1, 0) != 0)
		return -errno;
	uint64_t end = ntest_now() + 2000 * NTEST_MS;
	while (pulses_seen == before && ntest_now() < end)
		ipct_sleep_ms(1);
	return pulses_seen == before ? -ETIMEDOUT : pulse_prio[before & 7];
}

static void test_inherit(int coid)
{
	struct answer a;
	CHECK_EQ(ask(coid, REQ_PRIO, 30, &a), 0);
	CHECK_EQ(a.prio, 30);
	CHECK_EQ(ask(coid, REQ_PRIO, 5, &a), 0);
	CHECK_EQ(a.prio, 5);
	CHECK_EQ(ask(coid, REQ_PRIO, 45, &a), 0);
	CHECK_EQ(a.prio, 45);
	CHECK_EQ(pulse_handled_at(coid, 25), 25);
	CHECK_EQ(pulse_handled_at(coid, 7), 7);
	CHECK_EQ(pulse_handled_at(coid, -1), MAIN_PRIO);
	/* MsgCurrent */
	CHECK_EQ(ask(coid, REQ_CURRENT, 33, &a), 0);
	CHECK_EQ(a.prio_set, SERVER_PRIO);
	CHECK_EQ(a.prio, 33);
}

static void test_fixed(int coid)
{
	struct answer a;
	CHECK_EQ(ask(coid, REQ_PRIO, 30, &a), 0);
	CHECK_EQ(a.prio, SERVER_PRIO);
	CHECK_EQ(ask(coid, REQ_PRIO, 5, &a), 0);
	CHECK_EQ(a.prio, SERVER_PRIO);
	CHECK_EQ(pulse_handled_at(coid, 25), SERVER_PRIO);
	CHECK_EQ(ask(coid, REQ_CURRENT, 33, &a), 0);
	CHECK_EQ(a.prio, SERVER_PRIO);
}

static void *hog_body(void *arg)
{
	(void)arg;
	uint64_t end = ntest_now() + 1000 * NTEST_MS;
	while (!hog_stop && ntest_now() < end)
		;
	hog_done = 1;
	ntest_thread_exit();
}

static void test_server_boost(int coid)
{
	/* L (10) gives the server work; the server stays busy at 10. */
	static struct client l, c;
	memset(&l, 0, sizeof(l));
	memset(&c, 0, sizeof(c));
	l.coid = c.coid = coid;
	l.type = REQ_WORK;
	c.type = REQ_PRIO;
	work_release = 0;
	hog_stop = hog_done = 0;
	if (!CHECK(ntest_thread(client_body, &l, SCHED_FIFO, SERVER_PRIO) > 0))
		return;
	ipct_sleep_ms(5);
	/* hog at 20, the high client at 40: neither runs until main sleeps */
	if (!CHECK(ntest_thread(hog_body, NULL, SCHED_FIFO, 20) > 0))
		return;
	if (!CHECK(ntest_thread(client_body, &c, SCHED_FIFO, 40) > 0))
		return;
	work_release = 1;
	int got = ipct_wait_flag(&c.done, 3000);
	hog_stop = 1;
	ipct_wait_flag(&l.done, 3000);
	if (!CHECK(got))
		return;
	CHECK_EQ(c.rc, 0);
	CHECK_EQ(c.hog_was_done, 0);     /* answered while the hog still ran */
	CHECK_EQ(work_seen_release_prio, 40); /* boosted at send time */
	CHECK_EQ(c.a.prio, 40);
	CHECK_EQ(l.rc, 0);
	CHECK_EQ(l.a.prio, SERVER_PRIO);
	ntest_info("server boost: busy server saw priorities up to %d", l.a.prio_max);
	ipct_wait_flag(&hog_done, 3000);
}

/* (f) */
static volatile int l_prio, l_after, l_release, l_done, m_done, h_done;
static volatile int l_rc, m_rc, h_rc;
static int chain_coid;

static void *l_body(void *arg)
{
	(void)arg;
	l_rc = SyncMutexLock_r(&m2);
	while (!l_release)
		l_prio = ipct_prio();
	SyncMutexUnlock_r(&m2);
	l_after = ipct_prio();
	l_done = 1;
	ntest_thread_exit();
}

static void *m_body(void *arg)
{
	(void)arg;
	m_rc = SyncMutexLock_r(&m1);
	struct request r = {.type = REQ_LOCK};
	struct answer a;
	MsgSend_r(chain_coid, &r, sizeof(r), &a, sizeof(a));
	SyncMutexUnlock_r(&m1);
	m_done = 1;
	ntest_thread_exit();
}

static void *h_body(void *arg)
{
	(void)arg;
	h_rc = SyncMutexLock_r(&m1);
	SyncMutexUnlock_r(&m1);
	h_done = 1;
	ntest_thread_exit();
}

static void test_chain(void)
{
	struct _sync_attr attr = {.protocol = PTHREAD_PRIO_INHERIT_NTO};
	int rc1 = SyncTypeCreate_r(_NTO_SYNC_MUTEX_FREE, &m1, &attr);
	int rc2 = SyncTypeCreate_r(_NTO_SYNC_MUTEX_FREE, &m2, &attr);
	if (!CHECK_EQ(rc1, 0) || !CHECK_EQ(rc2, 0)) {
		ntest_info("SyncTypeCreate: %s; chain not tested", strerror(-(rc1 ? rc1 : rc2)));
		return;
	}
	int chid = start_server(0, &chain_coid);
	if (!CHECK(chid >= 0))
		return;
	if (!CHECK(ntest_thread(l_body, NULL, SCHED_FIFO, 5) > 0))
		return;
	ipct_sleep_ms(5); /* L holds M2 and spins */
	CHECK_EQ(l_rc, 0);
	if (!CHECK(ntest_thread(m_body, NULL, SCHED_FIFO, 20) > 0))
		return;
	ipct_sleep_ms(5); /* M holds M1, REPLY-blocked on S; S waits for M2 */
	CHECK_EQ(m_rc, 0);
	int l_mid = l_prio;
	if (!CHECK(ntest_thread(h_body, NULL, SCHED_FIFO, 50) > 0))
		return;
	ipct_sleep_ms(5); /* H waits for M1 */
	ipct_sleep_ms(5);
	int l_high = l_prio;
	CHECK_EQ(h_done, 0);
	l_release = 1;
	CHECK(ipct_wait_flag(&h_done, 3000));
	CHECK(ipct_wait_flag(&m_done, 3000));
	CHECK(ipct_wait_flag(&l_done, 3000));
	ntest_info("chain: L at %d with M waiting, %d with H waiting, %d after unlock", l_mid,
		   l_high, l_after);
	CHECK_EQ(l_mid, 20);
	CHECK_EQ(l_high, 50);
	CHECK_EQ(l_after, 5);
	CHECK_EQ(h_rc, 0);
	ChannelDestroy(chid);
}

int main(void)
{
	ntest_start("pi_msg");
	ipct_watchdog(90);
	if (!CHECK_EQ(ntest_sched_self(SCHED_FIFO, MAIN_PRIO), 0))
		ntest_done();
	int coid, coid_fixed;
	int chid = start_server(0, &coid);
	int chid_fixed = start_server(_NTO_CHF_FIXED_PRIORITY, &coid_fixed);
	if (!CHECK(chid >= 0) || !CHECK(chid_fixed >= 0)) {
		ntest_info("ChannelCreate/ConnectAttach: %s", strerror(errno));
		ntest_done();
	}
	test_inherit(coid);
	test_fixed(coid_fixed);
	test_server_boost(coid);
	test_chain();
	ntest_done();
}
