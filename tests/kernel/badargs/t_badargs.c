/*
 * t_badargs: every native kernel call (neutrino/kcall/kcalls.tab) hammered
 * with bad input: bad ids (-1, 0x7fffffff, ids of a dead process or of
 * nothing), bad pointers (NULL, 1, a kernel address, non-canonical
 * addresses, an unmapped user page, a pointer 1 byte before the end of a
 * mapping, read-only text for outputs), huge and negative sizes and part
 * counts. Each probe must return -1 with one of the errnos QNX documents
 * for that case; the kernel must stay up (this test prints its verdict).
 *
 * ENOSYS is accepted for a call only when every probe of that call got it
 * (the call is not implemented yet); those calls are listed at the end. A
 * call that answers some probes and ENOSYS others fails.
 *
 * Probes never pass arguments that could block forever or hurt the system
 * (valid interrupt numbers, a valid new clock time, ThreadDestroy(-1)...);
 * receives are bounded with TimerTimeout. Wrong privilege: the interrupt
 * calls without I/O privilege (EPERM); uid-based privilege is not probed, as
 * every process of the test image runs as uid 0 and cannot drop it yet.
 */
#include "badargs.h"

#include <sys/mman.h>


void *unmapped, *edge, *text;

#define MAXCALLS 64
static struct call {
	const char *name;
	int probes, nosys, answered;
} calls[MAXCALLS];
static int ncalls, nprobes;

static struct call *call_get(const char *name)
{
	for (int i = 0; i < ncalls; i++)
		if (strcmp(calls[i].name, name) == 0)
			return &calls[i];
	if (ncalls == MAXCALLS)
		return &calls[MAXCALLS - 1];
	calls[ncalls].name = name;
	return &calls[ncalls++];
}


void judge(const char *name, const char *expr, int line, long rc, int err, const int *allowed)
{
	struct call *c = call_get(name);
	c->probes++;
	nprobes++;
	if (rc == -1 && err == ENOSYS) {
		c->nosys++;
		return;
	}
	c->answered++;
	for (const int *a = allowed; *a; a++) {
		if (*a == OK_ANY && rc >= 0)
			return;
		if (rc == -1 && *a == err)
			return;
	}
	char want[96] = "";
	for (const int *a = allowed; *a; a++) {
		size_t n = strlen(want);
		snprintf(want + n, sizeof(want) - n, "%s%s", n ? "|" : "",
			 *a == OK_ANY ? "ok" : strerror(*a));
	}
	ntest_fail(expr, __FILE_NAME__, line, "returned %ld errno %d (%s), want %s", rc,
		   rc == -1 ? err : 0, rc == -1 ? strerror(err) : "-", want);
}

/* The bad pointers every pointer argument gets (plus text for outputs). */
void *bad_ptr(int i)
{
	void *p[] = {NULL, ONE, KADDR, NONCANON, HIGHBIT, unmapped, edge};
	return i < (int)(sizeof(p) / sizeof(p[0])) ? p[i] : NULL;
}

static const int bad_ids[] = {-1, 0x7fffffff, INT_MIN, 0x40000123, 77};
#define NIDS 5
void badargs_info(const char *fmt, ...)
{
	char prefix[64];
	snprintf(prefix, sizeof(prefix), "ntest: %s: ", ntest_name);
	va_list ap;
	va_start(ap, fmt);
	ntest_vprint(prefix, fmt, ap);
	va_end(ap);
}


/* A channel of ours served by a thread that replies 0 to every message. */
static int srv_chid;
int srv_coid;
static volatile int srv_stop;

static void *server_body(void *arg)
{
	(void)arg;
	while (!srv_stop) {
		char buf[64];
		int rcvid = MsgReceive_r(srv_chid, buf, sizeof(buf), NULL);
		if (rcvid > 0)
			MsgReply_r(rcvid, 0, "reply", 6);
		else if (rcvid == -ESRCH || rcvid == -ENOSYS)
			break;
	}
	ntest_thread_exit();
}

/* A client thread that stays REPLY-blocked on chid_self, for a valid rcvid. */
static int self_chid, self_coid;
static volatile int held_done;
static char held_reply[32];

static void *held_body(void *arg)
{
	(void)arg;
	MsgSend_r(self_coid, "held message", 13, held_reply, sizeof(held_reply));
	held_done = 1;
	ntest_thread_exit();
}

static void probe_msg_send(const char *name, long (*send)(int, const iov_t *, int, const iov_t *, int))
{
	char sbuf[16] = "x", rbuf[16];
	iov_t good;
	SETIOV(&good, sbuf, sizeof(sbuf));
	for (int i = 0; i < NIDS; i++)
		TRY(name, send(bad_ids[i], &good, 1, &good, 1), EBADF);
	int have_timeout = ipct_timeout(_NTO_TIMEOUT_SEND | _NTO_TIMEOUT_REPLY, 1) == 0;
	(void)ClockTime_r(0, NULL, NULL); /* clears the timeout */
	if (srv_coid < 0)
		return;
#define ARM() (have_timeout ? ipct_timeout(_NTO_TIMEOUT_SEND | _NTO_TIMEOUT_REPLY, 500 * NTEST_MS) : 0)
	for (int i = 0; i < NBAD; i++) {
		iov_t *p = bad_ptr(i);
		ARM();
		TRY(name, send(srv_coid, p, 1, &good, 1), EFAULT);
		ARM();
		TRY(name, send(srv_coid, &good, 1, p, 1), EFAULT);
		/* linear buffers (negative count) at bad addresses */
		ARM();
		TRY(name, send(srv_coid, p, -8, (iov_t *)rbuf, -8), EFAULT);
		ARM();
		TRY(name, send(srv_coid, (iov_t *)sbuf, -8, p, -8), EFAULT);
		/* an iov whose base is bad */
		iov_t bad;
		SETIOV(&bad, bad_ptr(i), 8);
		if (i != 0) {
			ARM();
			TRY(name, send(srv_coid, &bad, 1, &good, 1), EFAULT);
			ARM();
			TRY(name, send(srv_coid, &good, 1, &bad, 1), EFAULT);
		}
	}
	/* part counts and lengths */
	ARM();
	TRY(name, send(srv_coid, &good, 0x7fffffff, &good, 1), EFAULT, EINVAL);
	ARM();
	TRY(name, send(srv_coid, &good, 1, &good, 0x7fffffff), EFAULT, EINVAL);
	ARM();
	TRY(name, send(srv_coid, &good, INT_MIN, &good, 1), EFAULT, EINVAL);
	ARM();
	TRY(name, send(srv_coid, &good, 1, &good, INT_MIN), EFAULT, EINVAL);
	/* a linear buffer from the stack running past the top of user space */
	ARM();
	TRY(name, send(srv_coid, (iov_t *)sbuf, -0x7fffffff, (iov_t *)rbuf, -8), EFAULT, EINVAL);
	ARM();
	TRY(name, send(srv_coid, (iov_t *)sbuf, -8, (iov_t *)rbuf, -0x7fffffff), EFAULT, EINVAL);
	iov_t huge[2];
	SETIOV(&huge[0], sbuf, SIZE_MAX);
	ARM();
	TRY(name, send(srv_coid, huge, 1, &good, 1), EFAULT, EINVAL);
	ARM();
	TRY(name, send(srv_coid, &good, 1, huge, 1), EFAULT, EINVAL);
	SETIOV(&huge[0], sbuf, SIZE_MAX / 2 + 2);
	SETIOV(&huge[1], sbuf, SIZE_MAX / 2 + 2); /* the sum wraps to a small number */
	ARM();
	TRY(name, send(srv_coid, huge, 2, &good, 1), EFAULT, EINVAL);
	ARM();
	TRY(name, send(srv_coid, &good, 1, huge, 2), EFAULT, EINVAL);
#undef ARM
}

static void probe_messages(void)
{
	probe_msg_send("MsgSendv", MsgSendv);
	probe_msg_send("MsgSendvnc", MsgSendvnc);

	/* the linear wrappers (msg.c) */
	TRY("MsgSend", MsgSend(srv_coid, "x", (size_t)INT_MAX + 1, NULL, 0), EINVAL);
	TRY("MsgSend", MsgSend(srv_coid, "x", 1, NULL, SIZE_MAX), EINVAL);
	TRY("MsgReply", MsgReply(1, 0, "x", SIZE_MAX), EINVAL);
	TRY("MsgRead", MsgRead(1, ONE, (size_t)INT_MAX + 1, 0), EINVAL);

	for (int i = 0; i < NIDS; i++) {
		int id = bad_ids[i];
		char buf[64];
		iov_t good;
		SETIOV(&good, buf, sizeof(buf));
		struct _msg_info info;
		struct sigevent ev;
		memset(&ev, 0, sizeof(ev));
		SIGEV_UNBLOCK_INIT(&ev);
		TRY("MsgCurrent", MsgCurrent(id), ESRCH, EINVAL);
		TRY("MsgError", MsgError(id, EIO), ESRCH);
		TRY("MsgReplyv", MsgReplyv(id, 0, &good, 1), ESRCH);
		TRY("MsgReadv", MsgReadv(id, &good, 1, 0), ESRCH);
		TRY("MsgWritev", MsgWritev(id, &good, 1, 0), ESRCH);
		TRY("MsgInfo", MsgInfo(id, &info), ESRCH);
		TRY("MsgDeliverEvent", MsgDeliverEvent(id, &ev), ESRCH);
		TRY("MsgSendPulse", MsgSendPulse(id, 10, 1, 0), EBADF);
		/* a bad channel id is refused before blocking */
		TRY("MsgReceivev", MsgReceivev(id, &good, 1, &info), ESRCH, EINVAL);
		TRY("MsgReceivePulsev", MsgReceivePulsev(id, &good, 1, &info), ESRCH, EINVAL);
	}
	TRY("MsgError", MsgError(0, EIO), ESRCH);
	TRY("MsgReplyv", MsgReplyv(0, 0, NULL, 0), ESRCH);
	if (srv_coid >= 0) {
		TRY("MsgSendPulse", MsgSendPulse(srv_coid, 256, 1, 0), EINVAL);
		TRY("MsgSendPulse", MsgSendPulse(srv_coid, -2, 1, 0), EINVAL);
		TRY("MsgSendPulse", MsgSendPulse(srv_coid, INT_MAX, 1, 0), EINVAL);
	}
}

/* Receive-side probes on our own channel, each with a pulse queued. */
static void probe_receive(void)
{
	if (self_chid < 0)
		return;
	if (ipct_timeout(_NTO_TIMEOUT_RECEIVE, 1) != 0) {
		ntest_info("no TimerTimeout: receive-side buffer probes skipped");
		return;
	}
	(void)ClockTime_r(0, NULL, NULL);
	for (int pv = 0; pv < 2; pv++) {
		const char *name = pv ? "MsgReceivePulsev" : "MsgReceivev";
		int (*rcv)(int, const iov_t *, int, struct _msg_info *) =
			pv ? MsgReceivePulsev : MsgReceivev;
		struct _pulse drain;
		for (int i = 0; i < NBAD + 1; i++) {
			void *p = i < NBAD ? bad_ptr(i) : text;
			iov_t bad;
			SETIOV(&bad, p, sizeof(struct _pulse));
			struct _pulse pb;
			iov_t good;
			SETIOV(&good, &pb, sizeof(pb));
			MsgSendPulse(self_coid, 10, 3, 3);
			ipct_timeout(_NTO_TIMEOUT_RECEIVE, 100 * NTEST_MS);
			TRY(name, rcv(self_chid, p, 1, NULL), EFAULT);
			ipct_receive_ms(self_chid, &drain, sizeof(drain), NULL, 5);
			MsgSendPulse(self_coid, 10, 3, 3);
			ipct_timeout(_NTO_TIMEOUT_RECEIVE, 100 * NTEST_MS);
			TRY(name, rcv(self_chid, p, -(int)sizeof(struct _pulse), NULL), EFAULT);
			ipct_receive_ms(self_chid, &drain, sizeof(drain), NULL, 5);
			if (p) {
				MsgSendPulse(self_coid, 10, 3, 3);
				ipct_timeout(_NTO_TIMEOUT_RECEIVE, 100 * NTEST_MS);
				TRY(name, rcv(self_chid, &bad, 1, NULL), EFAULT);
				ipct_receive_ms(self_chid, &drain, sizeof(drain), NULL, 5);
				/* a bad info pointer: EFAULT, or success if a pulse's info is not written */
				MsgSendPulse(self_coid, 10, 3, 3);
				ipct_timeout(_NTO_TIMEOUT_RECEIVE, 100 * NTEST_MS);
				TRY(name, rcv(self_chid, &good, 1, p), EFAULT, OK_ANY);
				ipct_receive_ms(self_chid, &drain, sizeof(drain), NULL, 5);
			}
		}
		/* too small for a pulse; huge and wrapping counts */
		char tiny[4];
		MsgSendPulse(self_coid, 10, 3, 3);
		ipct_timeout(_NTO_TIMEOUT_RECEIVE, 100 * NTEST_MS);
		TRY(name, rcv(self_chid, (iov_t *)tiny, -4, NULL), EFAULT);
		ipct_receive_ms(self_chid, &drain, sizeof(drain), NULL, 5);
		MsgSendPulse(self_coid, 10, 3, 3);
		ipct_timeout(_NTO_TIMEOUT_RECEIVE, 100 * NTEST_MS);
		TRY(name, rcv(self_chid, (iov_t *)tiny, -0x7fffffff, NULL), EFAULT, EINVAL);
		ipct_receive_ms(self_chid, &drain, sizeof(drain), NULL, 5);
		MsgSendPulse(self_coid, 10, 3, 3);
		ipct_timeout(_NTO_TIMEOUT_RECEIVE, 100 * NTEST_MS);
		TRY(name, rcv(self_chid, (iov_t *)tiny, INT_MIN, NULL), EFAULT, EINVAL);
		ipct_receive_ms(self_chid, &drain, sizeof(drain), NULL, 5);
		ntest_sched_self(SCHED_FIFO, 10);
	}
}

/* Probes that need a valid rcvid: a thread of ours REPLY-blocked on self_chid. */
static void probe_rcvid(void)
{
	if (self_chid < 0)
		return;
	held_done = 0;
	if (ntest_thread(held_body, NULL, SCHED_FIFO, 20) < 0)
		return;
	char buf[64];
	struct _msg_info info;
	int rcvid = ipct_receive_ms(self_chid, buf, sizeof(buf), &info, 1000);
	if (rcvid == -ENOSYS)
		rcvid = MsgReceive_r(self_chid, buf, sizeof(buf), &info);
	ntest_sched_self(SCHED_FIFO, 10);
	if (!CHECK(rcvid > 0))
		return;
	for (int i = 0; i < NBAD + 1; i++) {
		void *p = i < NBAD ? bad_ptr(i) : text;
		iov_t bad;
		SETIOV(&bad, p, 8);
		TRY("MsgInfo", MsgInfo(rcvid, p), EFAULT);
		if (i < NBAD)
			TRY("MsgReadv", MsgReadv(rcvid, p, 1, 0), EFAULT);
		TRY("MsgReadv", MsgReadv(rcvid, p, -8, 0), EFAULT);
		if (p) {
			TRY("MsgReadv", MsgReadv(rcvid, &bad, 1, 0), EFAULT);
			TRY("MsgWritev", MsgWritev(rcvid, &bad, 1, 0), EFAULT, i == NBAD ? OK_ANY : EFAULT);
		}
		TRY("MsgWritev", MsgWritev(rcvid, p, 1, 0), EFAULT, i == NBAD ? OK_ANY : EFAULT);
		if (i == NBAD) /* code bytes read as an iov */
			TRY("MsgReadv", MsgReadv(rcvid, p, 1, 0), EFAULT, OK_ANY);
		if (i < NBAD)
			TRY("MsgReplyv", MsgReplyv(rcvid, 0, p, 1), EFAULT);
		else /* code bytes read as an iov: garbage that may even be valid */
			TRY("MsgReplyv", MsgReplyv(rcvid, 0, p, 1), EFAULT, EINVAL, OK_ANY);
		if (held_done)
			break;
		if (p)
			TRY("MsgReplyv", MsgReplyv(rcvid, 0, &bad, 1), EFAULT, i == NBAD ? OK_ANY : EFAULT);
		if (i < NBAD)
			TRY("MsgDeliverEvent", MsgDeliverEvent(rcvid, p), EFAULT);
		else
			TRY("MsgDeliverEvent", MsgDeliverEvent(rcvid, p), EINVAL, EBADF, ESRCH, OK_ANY);
		if (held_done)
			break; /* a text reply got through: the rcvid is used up */
	}
	iov_t good;
	SETIOV(&good, buf, 8);
	if (!held_done) {
		TRY("MsgReadv", MsgReadv(rcvid, &good, 0x7fffffff, 0), EFAULT, EINVAL);
		TRY("MsgReadv", MsgReadv(rcvid, &good, INT_MIN, 0), EFAULT, EINVAL);
		TRY("MsgReadv", MsgReadv(rcvid, (iov_t *)buf, -0x7fffffff, 0), EFAULT, EINVAL);
		TRY("MsgWritev", MsgWritev(rcvid, &good, INT_MIN, 0), EFAULT, EINVAL);
		TRY("MsgWritev", MsgWritev(rcvid, (iov_t *)buf, -0x7fffffff, 0), EFAULT, EINVAL);
		/* an offset past the message reads nothing */
		TRY("MsgReadv", MsgReadv(rcvid, &good, 1, SIZE_MAX), EINVAL, OK_ANY);
		TRY("MsgWritev", MsgWritev(rcvid, &good, 1, SIZE_MAX), EINVAL, OK_ANY);
		TRY("MsgReplyv", MsgReplyv(rcvid, 0, &good, INT_MIN), EFAULT, EINVAL);
		struct sigevent ev;
		memset(&ev, 0, sizeof(ev));
		ev.sigev_notify = 0x7ff;
		TRY("MsgDeliverEvent", MsgDeliverEvent(rcvid, &ev), EINVAL);
		SIGEV_PULSE_INIT(&ev, 0x7fffffff, 10, 1, 0);
		TRY("MsgDeliverEvent", MsgDeliverEvent(rcvid, &ev), EBADF, ESRCH, EINVAL);
		SIGEV_PULSE_INIT(&ev, self_coid, 999, 1, 0);
		TRY("MsgDeliverEvent", MsgDeliverEvent(rcvid, &ev), EINVAL);
		SIGEV_SIGNAL_INIT(&ev, 999);
		TRY("MsgDeliverEvent", MsgDeliverEvent(rcvid, &ev), EINVAL);
		MsgReply(rcvid, 0, "done", 5);
	}
	CHECK(ipct_wait_flag(&held_done, 2000));
}

static void probe_channels(int dead_pid)
{
	for (int i = 0; i < NIDS; i++) {
		int id = bad_ids[i];
		TRY("ChannelDestroy", ChannelDestroy(id), ESRCH, EINVAL);
		TRY("ConnectDetach", ConnectDetach(id), EBADF, EINVAL);
		TRY("ConnectAttach", ConnectAttach(0, 0, id, _NTO_SIDE_CHANNEL, 0), ESRCH, EINVAL);
		TRY("ConnectFlags", ConnectFlags(0, id, _NTO_COF_CLOEXEC, 0), EBADF, EINVAL);
		TRY("ConnectClientInfo", ConnectClientInfo(id, &(struct _client_info){0}, 0), ESRCH,
		    EINVAL);
		if (id > 0x7ffffff0) /* no valid coid at or above it */
			TRY("ConnectServerInfo", ConnectServerInfo(0, id, &(struct _server_info){0}),
			    EBADF, EINVAL, ESRCH);
	}
	int pids[] = {0x7fffffff, dead_pid, -5};
	for (int i = 0; i < 3; i++) {
		if (pids[i] == 0)
			continue;
		TRY("ConnectAttach", ConnectAttach(0, pids[i], 1, _NTO_SIDE_CHANNEL, 0), ESRCH,
		    EINVAL);
		TRY("ConnectFlags", ConnectFlags(pids[i], srv_coid, 0, 0), ESRCH, EINVAL);
		TRY("ConnectServerInfo", ConnectServerInfo(pids[i], srv_coid, &(struct _server_info){0}),
		    ESRCH, EINVAL);
	}
	if (srv_coid >= 0) /* (a NULL info only checks the coid) */
		for (int i = 1; i < NBAD + 1; i++)
			TRY("ConnectServerInfo", ConnectServerInfo(0, srv_coid, i < NBAD ? bad_ptr(i) : text),
			    EFAULT);
	/* ConnectClientInfo on a valid scoid with bad output pointers */
	if (srv_chid >= 0 && self_chid >= 0) {
		MsgSendPulse(self_coid, 10, 1, 0);
		struct _pulse p;
		if (ipct_receive_ms(self_chid, &p, sizeof(p), NULL, 100) == 0 && p.scoid >= 0)
			for (int i = 0; i < NBAD + 1; i++)
				TRY("ConnectClientInfo",
				    ConnectClientInfo(p.scoid, i < NBAD ? bad_ptr(i) : text, 0), EFAULT);
		ntest_sched_self(SCHED_FIFO, 10);
	}
	/* the death channel can be had once */
	int d = ChannelCreate(_NTO_CHF_THREAD_DEATH);
	if (d >= 0) {
		TRY("ChannelCreate", ChannelCreate(_NTO_CHF_COID_DISCONNECT), EBUSY);
		ChannelDestroy(d);
	}
}

int main(void)
{
	ntest_start("badargs");
	ipct_watchdog(120);
	ntest_sched_self(SCHED_FIFO, 10);
	text = (void *)main;
	char *map = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!CHECK(map != MAP_FAILED))
		ntest_done();
	munmap(map + 4096, 2 * 4096);
	edge = map + 4095;
	unmapped = map + 2 * 4096;

	/* a process that existed and is gone: its pid */
	char *argv[] = {"exit42", NULL}, *envp[] = {NULL};
	int dead_pid = ImageSpawn_r("exit42", argv, envp, NULL);
	if (dead_pid > 0) {
		int st;
		ProcWait_r(dead_pid, &st, 0);
	} else {
		dead_pid = 0;
	}

	srv_chid = ChannelCreate_r(0);
	srv_coid = srv_chid >= 0 ? ConnectAttach_r(0, 0, srv_chid, _NTO_SIDE_CHANNEL, 0) : -1;
	if (srv_chid >= 0)
		ntest_thread(server_body, NULL, SCHED_FIFO, 30);
	self_chid = ChannelCreate_r(0);
	self_coid = self_chid >= 0 ? ConnectAttach_r(0, 0, self_chid, _NTO_SIDE_CHANNEL, 0) : -1;
	if (srv_chid < 0 || self_chid < 0)
		ntest_info("no channels (%s): valid-id probes skipped", strerror(-srv_chid));

	probe_messages();
	probe_receive();
	probe_rcvid();
	probe_channels(dead_pid);
	probe_threads();
	probe_sched(dead_pid);
	probe_signals(dead_pid);
	probe_intr();
	probe_time();
	probe_sync();
	probe_proc();

	probe_threads_last();

	srv_stop = 1;
	if (srv_chid >= 0)
		ChannelDestroy_r(srv_chid);

	char list[600] = "";
	int nnosys = 0;
	for (int i = 0; i < ncalls; i++) {
		struct call *c = &calls[i];
		if (c->nosys && !c->answered) {
			size_t n = strlen(list);
			snprintf(list + n, sizeof(list) - n, " %s", c->name);
			nnosys++;
		} else if (c->nosys) {
			ntest_fail(c->name, __FILE_NAME__, __LINE__,
				   "ENOSYS for %d of %d probes of an implemented call", c->nosys,
				   c->probes);
		}
	}
	ntest_info("%d probes of %d calls; not implemented (ENOSYS):%s", nprobes, ncalls,
		   nnosys ? list : " none");
	ntest_done();
}
