/*
 * t_resmgr: the resource-manager library (resmgr/) and the I/O message
 * protocol (sys/iomsg.h), against rsm_server, a sample manager started
 * with ImageSpawn, using hand-built messages (rsmio.h):
 *  (a) null and zero devices: open, read, write, stat, lseek, close;
 *  (b) errors: EBADF without an OCB and after _IO_CLOSE, EBADF writing a
 *      read-only open, ENOSYS for unknown types, EBADMSG for short or
 *      lying messages, ENXIO for a bad handle, EINVAL for a bad path;
 *  (c) _IO_DUP shares the OCB (one offset) and keeps it past one close;
 *  (d) combined messages: connect+stat (COMBINE_CLOSE), lseek+read;
 *  (e) chmod/chown/utime and F_GETFL/F_SETFL (devctl);
 *  (f) the blocking pipe: a read waits for a write (deferred reply); with
 *      O_NONBLOCK it is EAGAIN; a read whose client times out in REPLY gets
 *      EINTR through the unblock pulse; notify arms and fires a pulse;
 *  (g) a client process dying with OCBs, a dup and a blocked read: the
 *      server is back to zero OCBs (disconnect pulse);
 *  (h) 1,000 open/close cycles leave nothing behind (server counters and
 *      kernel memory);
 *  (i) in-process: iofunc_check_access and resmgr_attach with a path
 *      (registered with procnto; relative paths refused).
 */
#include "ntest.h"
#include "rsmio.h"

#include <sys/iofunc.h>
#include <sys/dispatch.h>
#include <sys/stat.h>

#include "rsm.h"

#define PRIO 10
#define CYCLES 1000

static int srv_pid, srv_chid, ids[3];
static int ctl = -1; /* side channel to the server for RSM_* */

static void sleep_ms(unsigned ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) != 0)
		;
}

static int wait_flag(volatile int *flag, unsigned ms)
{
	uint64_t end = ntest_now() + ms * NTEST_MS;
	while (!*flag && ntest_now() < end)
		sleep_ms(1);
	return *flag;
}

static int reply_timeout_r(uint64_t ns)
{
	struct sigevent ev;
	memset(&ev, 0, sizeof(ev));
	SIGEV_UNBLOCK_INIT(&ev);
	return TimerTimeout_r(_NTO_CLOCK_MONOTONIC, _NTO_TIMEOUT_REPLY | _NTO_TIMEOUT_SEND, &ev,
			      &ns, NULL);
}

static int open_dev(int which, unsigned oflag)
{
	return io_open_direct(srv_pid, srv_chid, ids[which], oflag);
}

static struct rsm_stats stats(void)
{
	struct rsm_stats st;
	memset(&st, 0xff, sizeof(st));
	uint16_t type = RSM_STATS;
	CHECK_EQ(MsgSend(ctl, &type, sizeof(type), &st, sizeof(st)), 0);
	return st;
}

/* Waits up to 2 s for the server to hold no OCB, binding or reader. */
static struct rsm_stats wait_idle(void)
{
	struct rsm_stats st;
	uint64_t end = ntest_now() + 2000 * NTEST_MS;
	do {
		st = stats();
		if (!st.live_ocbs && !st.bindings && !st.ocbs && !st.waiters)
			break;
		sleep_ms(5);
	} while (ntest_now() < end);
	return st;
}

static int start_server(void)
{
	int chid = ChannelCreate(0);
	if (!CHECK(chid >= 0))
		return -1;
	char a1[16], a2[16];
	snprintf(a1, sizeof(a1), "%d", getpid());
	snprintf(a2, sizeof(a2), "%d", chid);
	char *argv[] = {"rsm_server", a1, a2, NULL};
	char *envp[] = {NULL};
	struct _image_spawn_attr attr = {.priority = PRIO, .policy = SCHED_FIFO};
	srv_pid = ImageSpawn("rsm_server", argv, envp, &attr);
	if (!CHECK(srv_pid > 0))
		return -1;
	struct rsm_report rep;
	struct _msg_info info;
	int rcvid = MsgReceive(chid, &rep, sizeof(rep), &info);
	if (!CHECK(rcvid > 0) || !CHECK_EQ(strcmp(rep.tag, "rsm"), 0))
		return -1;
	CHECK_EQ(info.pid, srv_pid);
	MsgReply(rcvid, 0, NULL, 0);
	ChannelDestroy(chid);
	srv_chid = rep.chid;
	memcpy(ids, rep.ids, sizeof(ids));
	CHECK_EQ(rep.path_errno, 0); /* /dev/rsm registered with procnto's path manager */
	ctl = ConnectAttach(0, srv_pid, srv_chid, _NTO_SIDE_CHANNEL, 0);
	return CHECK(ctl >= 0) ? 0 : -1;
}

static void test_null_zero(void)
{
	char buf[128];
	int fd = open_dev(RSM_NULL, O_RDWR);
	if (!CHECK(fd >= 3))
		return;
	memset(buf, 'x', sizeof(buf));
	CHECK_EQ(io_write(fd, buf, 100), 100);
	CHECK_EQ(io_read(fd, buf, 10), 0);
	struct _io_stat st;
	memset(&st, 0xff, sizeof(st));
	if (CHECK_EQ(io_fstat(fd, &st), 0)) {
		CHECK_EQ(st.st_mode, S_IFCHR | 0666);
		CHECK_EQ(st.st_nlink, 1);
		CHECK_EQ(st.st_size, 0);
		CHECK_EQ(st.st_ino, 1);
		CHECK(st.st_mtime_sec > 0);
	}
	CHECK_EQ(stats().count[RSM_NULL], 1);
	CHECK_EQ(io_close(fd), 0);
	CHECK_EQ(stats().count[RSM_NULL], 0);

	fd = open_dev(RSM_ZERO, O_RDONLY);
	if (!CHECK(fd >= 3))
		return;
	memset(buf, 0xaa, sizeof(buf));
	CHECK_EQ(io_read(fd, buf, 64), 64);
	int zero = 1;
	for (int i = 0; i < 64; i++)
		zero &= buf[i] == 0;
	CHECK(zero);
	CHECK_EQ((unsigned char)buf[64], 0xaa);
	CHECK_EQ(io_lseek(fd, 0, SEEK_CUR), 64);
	CHECK_EQ(io_lseek(fd, 10, SEEK_SET), 10);
	CHECK_EQ(io_lseek(fd, 5, SEEK_CUR), 15);
	CHECK_ERR(io_lseek(fd, -100, SEEK_CUR), EINVAL);
	CHECK_ERR(io_lseek(fd, 0, 7), EINVAL);
	CHECK_ERR(io_write(fd, buf, 1), EBADF); /* read-only open */
	if (CHECK_EQ(io_fstat(fd, &st), 0))
		CHECK_EQ(st.st_mode, S_IFCHR | 0444);
	CHECK_EQ(io_close(fd), 0);
}

static void test_errors(void)
{
	char buf[16];
	/* a connection with no OCB */
	int raw = ConnectAttach(0, srv_pid, srv_chid, 3, 0);
	if (!CHECK(raw >= 3))
		return;
	CHECK_ERR(io_read(raw, buf, 4), EBADF);
	uint16_t t = _IO_STAT;
	CHECK_ERR(MsgSend(raw, &t, 1, NULL, 0), EBADMSG); /* too short for a type */
	t = 0x3000;                                        /* nobody attached it */
	CHECK_ERR(MsgSend(raw, &t, sizeof(t), NULL, 0), ENOSYS);
	ConnectDetach(raw);

	int fd = open_dev(RSM_NULL, O_RDWR);
	if (!CHECK(fd >= 3))
		return;
	t = 0x1F0; /* in the I/O range, unknown */
	uint16_t m[2] = {t, 0};
	CHECK_ERR(MsgSend(fd, m, sizeof(m), NULL, 0), ENOSYS);
	m[0] = _IO_LSEEK; /* shorter than struct _io_lseek */
	CHECK_ERR(MsgSend(fd, m, sizeof(m), NULL, 0), EBADMSG);
	/* a write header announcing more data than sent */
	struct _io_write w = {.type = _IO_WRITE, .nbytes = 100};
	CHECK_ERR(MsgSend(fd, &w, sizeof(w), NULL, 0), EBADMSG);
	/* _IO_CLOSE, then the connection has no OCB any more */
	CHECK_EQ(io_close_msg(fd), 0);
	CHECK_ERR(io_read(fd, buf, 4), EBADF);
	CHECK_ERR(io_close_msg(fd), EBADF);
	ConnectDetach(fd);

	CHECK_ERR(io_open_direct(srv_pid, srv_chid, 99, O_RDONLY), ENXIO);
	/* a path that is not NUL-terminated */
	fd = ConnectAttach(0, srv_pid, srv_chid, 3, 0);
	struct {
		struct _io_connect c;
		char path[8];
	} c;
	memset(&c, 0, sizeof(c));
	c.c.type = _IO_CONNECT;
	c.c.subtype = _IO_CONNECT_OPEN;
	c.c.handle = (uint32_t)ids[RSM_NULL];
	c.c.ioflag = _IO_FLAG_RD;
	c.c.path_len = 4;
	memcpy(c.path, "abcd", 4);
	CHECK_ERR(MsgSend(fd, &c, sizeof(c.c) + 4, NULL, 0), EINVAL);
	c.c.subtype = _IO_CONNECT_UNLINK; /* no unlink handler */
	c.c.path_len = 1;
	c.path[0] = 0;
	CHECK_ERR(MsgSend(fd, &c, sizeof(c.c) + 1, NULL, 0), ENOSYS);
	/* _IO_DUP naming a connection with no OCB */
	struct _io_dup d;
	memset(&d, 0, sizeof(d));
	d.type = _IO_DUP;
	d.info.pid = getpid();
	d.info.coid = 999;
	d.info.scoid = 0x10000;
	CHECK_ERR(MsgSend(fd, &d, sizeof(d), NULL, 0), EBADF);
	ConnectDetach(fd);
	struct rsm_stats st = wait_idle();
	CHECK_EQ(st.live_ocbs, 0);
	CHECK_EQ(st.bindings, 0);
}

static void test_dup(void)
{
	char buf[128];
	int fd = open_dev(RSM_ZERO, O_RDONLY);
	if (!CHECK(fd >= 3))
		return;
	int fd2 = io_dup(fd);
	if (!CHECK(fd2 >= 3))
		return;
	int fd3 = open_dev(RSM_ZERO, O_RDONLY); /* a separate open: its own offset */
	CHECK(fd3 >= 3);
	struct rsm_stats st = stats();
	CHECK_EQ(st.bindings, 3);
	CHECK_EQ(st.ocbs, 2);
	CHECK_EQ(st.live_ocbs, 2);
	CHECK_EQ(st.count[RSM_ZERO], 2);
	CHECK_EQ(io_read(fd, buf, 100), 100);
	CHECK_EQ(io_lseek(fd2, 0, SEEK_CUR), 100);
	CHECK_EQ(io_lseek(fd2, 7, SEEK_SET), 7);
	CHECK_EQ(io_lseek(fd, 0, SEEK_CUR), 7);
	CHECK_EQ(io_lseek(fd3, 0, SEEK_CUR), 0);
	/* re-dup'ing fd2 from fd (already sharing its OCB) leaves one binding each */
	struct _io_dup d;
	memset(&d, 0, sizeof(d));
	d.type = _IO_DUP;
	d.info.pid = getpid();
	d.info.coid = fd;
	struct _server_info si;
	CHECK_EQ(ConnectServerInfo(0, fd, &si), fd);
	d.info.scoid = si.scoid;
	CHECK_EQ(MsgSend(fd2, &d, sizeof(d), NULL, 0), 0);
	st = stats();
	CHECK_EQ(st.bindings, 3);
	CHECK_EQ(st.ocbs, 2);
	CHECK_EQ(io_lseek(fd2, 0, SEEK_CUR), 7);
	CHECK_EQ(io_close(fd), 0);
	st = stats();
	CHECK_EQ(st.ocbs, 2); /* fd2 still holds the shared OCB */
	CHECK_EQ(io_read(fd2, buf, 3), 3);
	CHECK_EQ(io_lseek(fd2, 0, SEEK_CUR), 10);
	CHECK_EQ(io_close(fd2), 0);
	CHECK_EQ(io_close(fd3), 0);
	st = wait_idle();
	CHECK_EQ(st.live_ocbs, 0);
	CHECK_EQ(st.count[RSM_ZERO], 0);
}

static void test_combine(void)
{
	/* stat(path) in one round trip: _IO_CONNECT(COMBINE_CLOSE) + _IO_STAT */
	int fd = ConnectAttach(0, srv_pid, srv_chid, 3, 0);
	if (!CHECK(fd >= 3))
		return;
	struct {
		struct _io_connect c;
		char path[8]; /* "" padded to 8: the stat request follows at 48 */
		struct _io_stat_req s;
	} m;
	_Static_assert(__builtin_offsetof(__typeof__(m), s) == 48, "combine layout");
	memset(&m, 0, sizeof(m));
	m.c.type = _IO_CONNECT;
	m.c.subtype = _IO_CONNECT_COMBINE_CLOSE;
	m.c.handle = (uint32_t)ids[RSM_NULL];
	m.c.ioflag = 0; /* no access needed for stat */
	m.c.path_len = 1;
	m.s.type = _IO_STAT;
	struct _io_stat st;
	memset(&st, 0, sizeof(st));
	CHECK_EQ(MsgSend(fd, &m, sizeof(m), &st, sizeof(st)), 0);
	CHECK_EQ(st.st_mode, S_IFCHR | 0666);
	struct rsm_stats rs = stats();
	CHECK_EQ(rs.bindings, 0); /* closed again */
	CHECK_EQ(rs.live_ocbs, 0);
	ConnectDetach(fd);

	/* _IO_LSEEK + _IO_READ combined */
	fd = open_dev(RSM_ZERO, O_RDONLY);
	if (!CHECK(fd >= 3))
		return;
	struct {
		struct _io_lseek l;
		struct _io_read r;
	} lr = {
		.l = {.type = _IO_LSEEK, .combine_len = sizeof(struct _io_lseek) | _IO_COMBINE_FLAG,
		      .whence = SEEK_SET, .offset = 1000},
		.r = {.type = _IO_READ, .nbytes = 10},
	};
	char buf[10];
	CHECK_EQ(MsgSend(fd, &lr, sizeof(lr), buf, sizeof(buf)), 10);
	CHECK_EQ(io_lseek(fd, 0, SEEK_CUR), 1010);
	CHECK_EQ(io_close(fd), 0);
}

static void test_attrs(void)
{
	int fd = open_dev(RSM_ZERO, O_RDONLY);
	if (!CHECK(fd >= 3))
		return;
	struct _io_chmod cm = {.type = _IO_CHMOD, .mode = 0440};
	CHECK_EQ(MsgSend(fd, &cm, sizeof(cm), NULL, 0), 0);
	struct _io_chown co = {.type = _IO_CHOWN, .uid = 5, .gid = 6};
	CHECK_EQ(MsgSend(fd, &co, sizeof(co), NULL, 0), 0);
	struct _io_utime ut = {.type = _IO_UTIME, .atime_sec = 1000, .atime_nsec = 5,
			       .mtime_sec = 2000, .mtime_nsec = 6};
	CHECK_EQ(MsgSend(fd, &ut, sizeof(ut), NULL, 0), 0);
	ut.atime_nsec = 1000000000; /* out of range */
	CHECK_ERR(MsgSend(fd, &ut, sizeof(ut), NULL, 0), EINVAL);
	struct _io_stat st;
	if (CHECK_EQ(io_fstat(fd, &st), 0)) {
		CHECK_EQ(st.st_mode, S_IFCHR | 0440);
		CHECK_EQ(st.st_uid, 5);
		CHECK_EQ(st.st_gid, 6);
		CHECK_EQ(st.st_atime_sec, 1000);
		CHECK_EQ(st.st_atime_nsec, 5);
		CHECK_EQ(st.st_mtime_sec, 2000);
		CHECK_EQ(st.st_mtime_nsec, 6);
	}
	cm.mode = 0444;
	CHECK_EQ(MsgSend(fd, &cm, sizeof(cm), NULL, 0), 0);
	co.uid = 0;
	co.gid = 0;
	CHECK_EQ(MsgSend(fd, &co, sizeof(co), NULL, 0), 0);

	/* F_GETFL / F_SETFL */
	int flags = -1;
	CHECK_EQ(io_devctl(fd, DCMD_ALL_GETFLAGS, &flags, sizeof(flags), NULL), 0);
	CHECK_EQ(flags, O_RDONLY);
	flags = O_NONBLOCK | O_APPEND | O_WRONLY; /* the access mode cannot change */
	CHECK_EQ(io_devctl(fd, DCMD_ALL_SETFLAGS, &flags, sizeof(flags), NULL), 0);
	CHECK_EQ(io_devctl(fd, DCMD_ALL_GETFLAGS, &flags, sizeof(flags), NULL), 0);
	CHECK_EQ(flags, O_RDONLY | O_NONBLOCK | O_APPEND);
	CHECK_ERR(io_devctl(fd, __DIOF(_DCMD_MISC, 0x77, int), &flags, sizeof(flags), NULL),
		  ENOSYS);
	CHECK_EQ(io_close(fd), 0);
}

struct reader {
	int fd;
	int timeout_ms;
	char buf[32];
	volatile long rc;
	volatile int done;
};

static void *reader_body(void *arg)
{
	struct reader *r = arg;
	if (r->timeout_ms)
		reply_timeout_r((uint64_t)r->timeout_ms * NTEST_MS);
	r->rc = io_read_r(r->fd, r->buf, sizeof(r->buf));
	r->done = 1;
	ntest_thread_exit();
}

static void test_pipe(void)
{
	int fd = open_dev(RSM_PIPE, O_RDWR);
	if (!CHECK(fd >= 3))
		return;
	/* a read blocks until a write arrives */
	static struct reader r1;
	r1 = (struct reader){.fd = fd, .rc = -9999};
	CHECK(ntest_thread(reader_body, &r1, SCHED_FIFO, PRIO) > 0);
	sleep_ms(50);
	CHECK_EQ(r1.done, 0);
	CHECK_EQ(stats().waiters, 1);
	CHECK_EQ(io_write(fd, "abc", 3), 3);
	if (CHECK(wait_flag(&r1.done, 2000))) {
		CHECK_EQ(r1.rc, 3);
		CHECK_EQ(memcmp(r1.buf, "abc", 3), 0);
	}
	/* data waiting: a read returns at once */
	CHECK_EQ(io_write(fd, "hello", 5), 5);
	char buf[8] = {0};
	CHECK_EQ(io_read(fd, buf, 2), 2);
	CHECK_EQ(io_read(fd, buf + 2, 8), 3);
	CHECK_EQ(memcmp(buf, "hello", 5), 0);

	/* O_NONBLOCK: EAGAIN instead of blocking */
	int flags = O_NONBLOCK;
	CHECK_EQ(io_devctl(fd, DCMD_ALL_SETFLAGS, &flags, sizeof(flags), NULL), 0);
	CHECK_ERR(io_read(fd, buf, 1), EAGAIN);
	flags = 0;
	CHECK_EQ(io_devctl(fd, DCMD_ALL_SETFLAGS, &flags, sizeof(flags), NULL), 0);

	/* the client times out while REPLY-blocked: unblock pulse -> EINTR */
	static struct reader r2;
	r2 = (struct reader){.fd = fd, .timeout_ms = 100, .rc = -9999};
	uint64_t t0 = ntest_now();
	CHECK(ntest_thread(reader_body, &r2, SCHED_FIFO, PRIO) > 0);
	if (CHECK(wait_flag(&r2.done, 3000))) {
		CHECK_EQ(r2.rc, -EINTR);
		CHECK(ntest_now() - t0 >= 90 * NTEST_MS);
	}
	CHECK_EQ(stats().waiters, 0);
	/* the pipe still works afterwards */
	CHECK_EQ(io_write(fd, "z", 1), 1);
	CHECK_EQ(io_read(fd, buf, 8), 1);
	CHECK_EQ(io_close(fd), 0);
}

static int notify(int fd, int action, unsigned conds, const struct sigevent *ev, unsigned *ready)
{
	struct _io_notify m;
	memset(&m, 0, sizeof(m));
	m.type = _IO_NOTIFY;
	m.action = action;
	m.flags = conds;
	if (ev)
		m.event = *ev;
	struct _io_notify_reply r = {0, 0xdead};
	if (MsgSend(fd, &m, sizeof(m), &r, sizeof(r)) == -1)
		return -1;
	*ready = r.flags;
	return 0;
}

static void test_notify(void)
{
	int chid = ChannelCreate(0);
	int self = ConnectAttach(0, 0, chid, _NTO_SIDE_CHANNEL, 0);
	int fd = open_dev(RSM_PIPE, O_RDWR);
	if (!CHECK(chid >= 0) || !CHECK(self >= 0) || !CHECK(fd >= 3))
		return;
	struct sigevent ev;
	memset(&ev, 0, sizeof(ev));
	SIGEV_PULSE_INIT(&ev, self, PRIO, 5, 0x1234);
	unsigned ready = 0;
	/* empty pipe: writable, not readable; arm for input */
	CHECK_EQ(notify(fd, _NOTIFY_ACTION_POLL, _NOTIFY_COND_INPUT | _NOTIFY_COND_OUTPUT, NULL,
			&ready), 0);
	CHECK_EQ(ready, _NOTIFY_COND_OUTPUT);
	CHECK_EQ(notify(fd, _NOTIFY_ACTION_POLLARM, _NOTIFY_COND_INPUT, &ev, &ready), 0);
	CHECK_EQ(ready, 0);
	CHECK_EQ(stats().armed, 1);
	CHECK_EQ(io_write(fd, "q", 1), 1); /* fires the event */
	struct _pulse p;
	memset(&p, 0, sizeof(p));
	uint64_t ns = 2000 * NTEST_MS;
	struct sigevent to;
	memset(&to, 0, sizeof(to));
	SIGEV_UNBLOCK_INIT(&to);
	TimerTimeout(_NTO_CLOCK_MONOTONIC, _NTO_TIMEOUT_RECEIVE, &to, &ns, NULL);
	if (CHECK_EQ(MsgReceivePulse(chid, &p, sizeof(p), NULL), 0)) {
		CHECK_EQ(p.code, 5);
		CHECK_EQ(p.value.sival_int, 0x1234);
	}
	CHECK_EQ(stats().armed, 0); /* one-shot */
	/* now readable: POLLARM reports it and does not arm */
	CHECK_EQ(notify(fd, _NOTIFY_ACTION_POLLARM, _NOTIFY_COND_INPUT, &ev, &ready), 0);
	CHECK_EQ(ready, _NOTIFY_COND_INPUT);
	CHECK_EQ(stats().armed, 0);
	char c;
	CHECK_EQ(io_read(fd, &c, 1), 1);
	/* an arming dies with its connection */
	CHECK_EQ(notify(fd, _NOTIFY_ACTION_POLLARM, _NOTIFY_COND_INPUT, &ev, &ready), 0);
	CHECK_EQ(stats().armed, 1);
	CHECK_EQ(io_close(fd), 0);
	CHECK_EQ(stats().armed, 0);
	ConnectDetach(self);
	ChannelDestroy(chid);
}

static void test_client_death(void)
{
	char a[4][16];
	snprintf(a[0], 16, "%d", srv_pid);
	snprintf(a[1], 16, "%d", srv_chid);
	snprintf(a[2], 16, "%d", ids[RSM_NULL]);
	snprintf(a[3], 16, "%d", ids[RSM_PIPE]);
	char *argv[] = {"rsm_client", a[0], a[1], a[2], a[3], NULL};
	char *envp[] = {NULL};
	struct _image_spawn_attr attr = {.priority = PRIO, .policy = SCHED_FIFO};
	int pid = ImageSpawn("rsm_client", argv, envp, &attr);
	if (!CHECK(pid > 0))
		return;
	int status = -1;
	CHECK_EQ(ProcWait(pid, &status, 0), pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	struct rsm_stats st = wait_idle();
	CHECK_EQ(st.live_ocbs, 0);
	CHECK_EQ(st.bindings, 0);
	CHECK_EQ(st.ocbs, 0);
	CHECK_EQ(st.waiters, 0);
	CHECK_EQ(st.count[RSM_NULL], 0);
	CHECK_EQ(st.count[RSM_PIPE], 0);
}

static void test_cycles(void)
{
	struct _sys_meminfo m0, m1;
	char buf[8] = "cycle";
	/* warm up (first-use allocations), then measure */
	for (int i = 0; i < 10; i++) {
		int fd = open_dev(RSM_NULL, O_RDWR);
		io_write(fd, buf, sizeof(buf));
		io_close(fd);
	}
	wait_idle();
	CHECK_EQ(SysMemInfo(&m0), 0);
	int bad = 0;
	for (int i = 0; i < CYCLES; i++) {
		int pipe = i % 2 == 0;
		int fd = open_dev(pipe ? RSM_PIPE : RSM_NULL, O_RDWR);
		if (fd < 0) {
			bad++;
			continue;
		}
		if (io_write(fd, buf, 1) != 1 || (pipe && io_read(fd, buf, 1) != 1))
			bad++;
		if (io_close(fd) != 0)
			bad++;
	}
	CHECK_EQ(bad, 0);
	struct rsm_stats st = wait_idle();
	CHECK_EQ(st.live_ocbs, 0);
	CHECK_EQ(st.bindings, 0);
	CHECK_EQ(st.ocbs, 0);
	CHECK_EQ(SysMemInfo(&m1), 0);
	if (!CHECK(m1.kmem_in_use <= m0.kmem_in_use + 4096))
		ntest_info("kernel memory %llu -> %llu", (unsigned long long)m0.kmem_in_use,
			   (unsigned long long)m1.kmem_in_use);
}

static void test_in_process(void)
{
	/* permission checks with made-up credentials (the test runs as root) */
	iofunc_attr_t a;
	iofunc_attr_init(&a, S_IFREG | 0640, NULL, NULL);
	a.uid = 10;
	a.gid = 20;
	struct _client_info ci;
	memset(&ci, 0, sizeof(ci));
	ci.cred.euid = 30;
	ci.cred.egid = 30;
	CHECK_EQ(iofunc_check_access(NULL, &a, S_IRUSR, &ci), EACCES); /* other: --- */
	ci.cred.egid = 20;
	CHECK_EQ(iofunc_check_access(NULL, &a, S_IRUSR, &ci), EOK); /* group: r-- */
	CHECK_EQ(iofunc_check_access(NULL, &a, S_IWUSR, &ci), EACCES);
	CHECK_EQ(iofunc_check_access(NULL, &a, S_ISUID, &ci), EPERM); /* not the owner */
	ci.cred.euid = 10;
	CHECK_EQ(iofunc_check_access(NULL, &a, S_IRUSR | S_IWUSR, &ci), EOK);
	CHECK_EQ(iofunc_check_access(NULL, &a, S_IXUSR, &ci), EACCES);
	ci.cred.euid = 0;
	CHECK_EQ(iofunc_check_access(NULL, &a, S_IRUSR | S_IWUSR | S_ISUID, &ci), EOK);
	CHECK_EQ(iofunc_check_access(NULL, &a, S_IXUSR, &ci), EACCES); /* no x bit at all */

	dispatch_t *dpp = dispatch_create();
	if (!CHECK(dpp))
		return;
	static resmgr_connect_funcs_t cf;
	static resmgr_io_funcs_t io;
	iofunc_func_init(_RESMGR_CONNECT_NFUNCS, &cf, _RESMGR_IO_NFUNCS, &io);
	CHECK_ERR(resmgr_attach(dpp, NULL, "dev/t", _FTYPE_ANY, 0, &cf, &io, &a), EINVAL);
	CHECK_EQ(resmgr_attach(dpp, NULL, "/dev/t", _FTYPE_ANY, 0, &cf, &io, &a), 0);
	CHECK_EQ(resmgr_attach(dpp, NULL, NULL, _FTYPE_ANY, 0, &cf, &io, &a), 1);
	CHECK_EQ(resmgr_detach(dpp, 0, 0), 0);
	CHECK_ERR(resmgr_detach(dpp, 0, 0), EINVAL);
	CHECK_EQ(dispatch_destroy(dpp), 0);
}

int main(void)
{
	ntest_start("resmgr");
	ntest_sched_self(SCHED_FIFO, PRIO);
	test_in_process();
	if (start_server() == 0) {
		test_null_zero();
		test_errors();
		test_dup();
		test_combine();
		test_attrs();
		test_pipe();
		test_notify();
		test_client_death();
		test_cycles();
		uint16_t q = RSM_QUIT;
		CHECK_EQ(MsgSend(ctl, &q, sizeof(q), NULL, 0), 0);
		int status = -1;
		CHECK_EQ(ProcWait(srv_pid, &status, 0), srv_pid);
		CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	ntest_done();
}
