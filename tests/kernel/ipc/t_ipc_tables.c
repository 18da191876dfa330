/*
 * t_ipc_tables: the per-process id tables grow past their first size (16)
 * and every id they hand out works:
 *  - fd-space connections: ConnectAttach at index 0 with every lower slot
 *    taken returns the next fd, which ConnectServerInfo and MsgSend accept
 *    (a full 16-entry table used to hand out fd 16 without growing: the
 *    shell's 17th fd was unusable, EBADF);
 *  - holes are reused lowest first, an explicit high index is honoured;
 *  - side-channel connections past 16;
 *  - server connection ids: 24 client processes connected at once each get
 *    a distinct scoid that ConnectClientInfo resolves to the sender's pid.
 */
#include "ipctest.h"

#define NCONN 40
#define NCLIENTS 24

struct req {
	int32_t pid;
	int32_t n;
};

/* Receive one message on chid within 5 s; the rcvid or -1. */
static int recv_timed(int chid, void *msg, size_t len, struct _msg_info *info)
{
	if (ipct_timeout(_NTO_TIMEOUT_RECEIVE, 5000 * NTEST_MS) < 0)
		return -1;
	return MsgReceive(chid, msg, len, info);
}

/* A thread that answers every message on its channel with n + 1. */
static volatile int echo_chid;

static void *echo_body(void *arg __attribute__((unused)))
{
	for (;;) {
		struct req r;
		int rcvid = MsgReceive_r(echo_chid, &r, sizeof(r), NULL);
		if (rcvid <= 0)
			continue;
		r.n++;
		MsgReply_r(rcvid, 0, &r, sizeof(r));
	}
	return NULL;
}

static int conn_works(int coid, int chid)
{
	struct _server_info si;
	memset(&si, 0, sizeof(si));
	if (ConnectServerInfo(0, coid, &si) != coid || si.chid != chid || si.pid != getpid())
		return 0;
	struct req q = {getpid(), coid}, a = {0, 0};
	return MsgSend(coid, &q, sizeof(q), &a, sizeof(a)) == 0 && a.n == coid + 1;
}

static void fd_space(int chid)
{
	int coids[NCONN];
	int n = 0;
	for (int i = 0; i < NCONN; i++) {
		coids[i] = ConnectAttach(0, 0, chid, 0, 0);
		if (!CHECK(coids[i] >= 0))
			break;
		n++;
		if (i > 0 && !CHECK(coids[i] > coids[i - 1]))
			ntest_info("attach %d gave fd %d after %d", i, coids[i], coids[i - 1]);
	}
	int bad = 0;
	for (int i = 0; i < n; i++)
		if (!conn_works(coids[i], chid)) {
			if (!bad++)
				ntest_info("fd connection %d (attach %d) does not work", coids[i], i);
		}
	CHECK_EQ(bad, 0);

	/* a hole is refilled first; an explicit index beyond the table is honoured */
	if (n > 20) {
		CHECK_EQ(ConnectDetach(coids[5]), 0);
		CHECK_EQ(ConnectDetach(coids[19]), 0);
		int a = ConnectAttach(0, 0, chid, 0, 0);
		CHECK_EQ(a, coids[5]);
		int b = ConnectAttach(0, 0, chid, (unsigned)coids[19], 0);
		CHECK_EQ(b, coids[19]);
		CHECK(conn_works(a, chid));
		CHECK(conn_works(b, chid));
	}
	int hi = ConnectAttach(0, 0, chid, 1000, 0);
	CHECK_EQ(hi, 1000);
	CHECK(conn_works(hi, chid));
	CHECK_EQ(ConnectDetach(hi), 0);
	for (int i = 0; i < n; i++)
		CHECK_EQ(ConnectDetach(coids[i]), 0);
}

static void side_space(int chid)
{
	int coids[NCONN];
	int n = 0, bad = 0;
	for (int i = 0; i < NCONN; i++) {
		coids[i] = ConnectAttach(0, 0, chid, _NTO_SIDE_CHANNEL, 0);
		if (!CHECK(coids[i] >= 0 && (coids[i] & _NTO_SIDE_CHANNEL)))
			break;
		n++;
	}
	for (int i = 0; i < n; i++)
		if (!conn_works(coids[i], chid) && !bad++)
			ntest_info("side connection %#x (attach %d) does not work", coids[i], i);
	CHECK_EQ(bad, 0);
	for (int i = 0; i < n; i++)
		CHECK_EQ(ConnectDetach(coids[i]), 0);
}

/* Child: connect to the parent's channel and send our pid; exit 0 on the expected reply. */
static void client(pid_t parent, int chid)
{
	int coid = ConnectAttach(0, parent, chid, _NTO_SIDE_CHANNEL, 0);
	if (coid < 0)
		_exit(2);
	struct req q = {getpid(), 7}, a = {0, 0};
	if (MsgSend(coid, &q, sizeof(q), &a, sizeof(a)) != 0 || a.n != 8)
		_exit(3);
	_exit(0);
}

static void scoids(void)
{
	int chid = ChannelCreate(0);
	if (!CHECK(chid > 0))
		return;
	pid_t kids[NCLIENTS];
	int nkids = 0;
	for (int i = 0; i < NCLIENTS; i++) {
		pid_t p = fork();
		if (p == 0)
			client(getppid(), chid);
		if (!CHECK(p > 0))
			break;
		kids[nkids++] = p;
	}
	/* hold every request so that all clients are connected at once */
	int rcvids[NCLIENTS], scoid_of[NCLIENTS];
	int got = 0, bad = 0;
	while (got < nkids) {
		struct req q;
		struct _msg_info info;
		int rcvid = recv_timed(chid, &q, sizeof(q), &info);
		if (!CHECK(rcvid > 0))
			break;
		struct _client_info ci;
		memset(&ci, 0, sizeof(ci));
		if (ConnectClientInfo(info.scoid, &ci, 0) != 0 || ci.pid != q.pid || info.pid != q.pid) {
			if (!bad++)
				ntest_info("client %d: scoid %#x resolves to pid %d (info.pid %d)", got,
					   info.scoid, ci.pid, info.pid);
		}
		for (int j = 0; j < got; j++)
			if (scoid_of[j] == info.scoid && !bad++)
				ntest_info("scoid %#x given twice", info.scoid);
		scoid_of[got] = info.scoid;
		rcvids[got++] = rcvid;
	}
	CHECK_EQ(got, nkids);
	CHECK_EQ(bad, 0);
	for (int i = 0; i < got; i++) {
		struct req a = {0, 8};
		CHECK_EQ(MsgReply(rcvids[i], 0, &a, sizeof(a)), 0);
	}
	for (int i = 0; i < nkids; i++) {
		int st = -1;
		CHECK_EQ(waitpid(kids[i], &st, 0), kids[i]);
		if (!CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0))
			ntest_info("client %d: status %#x", i, st);
	}
	CHECK_EQ(ChannelDestroy(chid), 0);
}

int main(void)
{
	ntest_start("ipc_tables");
	int chid = ChannelCreate(0);
	if (!CHECK(chid > 0))
		ntest_done();
	echo_chid = chid;
	CHECK(ntest_thread(echo_body, NULL, SCHED_FIFO, 10) > 0);
	fd_space(chid);
	side_space(chid);
	scoids();
	ntest_done();
}
