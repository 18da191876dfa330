/*
 * t_pipe: the pipe server, started with ImageSpawn and reached by name
 * through procnto (srvio.h, hand-built messages):
 *  (a) creation: open("/dev/pipe", O_RDONLY) makes a pipe (S_IFIFO 0600,
 *      st_ino = n), open("/dev/pipe/<n>", O_WRONLY) by the creator its
 *      write end; a second write-end open, a read open of /dev/pipe/<n>,
 *      another process's open: EACCES; an unknown number: ENOENT;
 *  (b) data: FIONREAD, reads return what is there, lseek/pread ESPIPE;
 *  (c) O_NONBLOCK: EAGAIN on empty and full pipes, atomic writes of up to
 *      PIPE_BUF all or nothing, longer ones partial;
 *  (d) blocking: a read waits for data, an atomic write waits until all of
 *      it fits, a long write proceeds as readers make room, in order;
 *  (e) ends: no writer left -> EOF (also for a blocked reader); no reader
 *      left -> EPIPE (also for a blocked writer, partial count if some
 *      went in);
 *  (f) signals: a blocked read interrupted (timeout) gets EINTR, a blocked
 *      long write the count it had written;
 *  (g) dups share the OCB: the pipe lives until the last dup is closed;
 *  (h) poll: input/output, hang-up and error bits;
 *  (i) a client dying with pipes open, a dup and a blocked read: the
 *      server frees them (the /dev/pipe listing is empty again).
 */
#include "ntest.h"
#include "srvio.h"

#include <dirent.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/resmgr_ext.h>

#define PRIO 10
#define CAP 65536
#define ATOMIC 4096
#define FIONREAD_DCMD 0x541B
#define CONDE_ERR 0x20u
#define CONDE_HUP 0x40u

static unsigned char big[CAP * 2], back[CAP * 2];

static void sleep_ms(unsigned ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) != 0)
		;
}

static int make_pipe(int *r, int *w, unsigned flags, uint64_t *ino)
{
	*r = sio_open("/dev/pipe", O_RDONLY | flags, 0);
	if (*r < 0)
		return *r;
	struct _io_stat st;
	int e = sio_fstat(*r, &st);
	if (e < 0)
		return e;
	if (ino)
		*ino = st.st_ino;
	char path[40];
	snprintf(path, sizeof(path), "/dev/pipe/%llu", (unsigned long long)st.st_ino);
	*w = sio_open(path, O_WRONLY | flags, 0);
	return *w < 0 ? *w : 0;
}

static int avail(int fd)
{
	int n = -1;
	return sio_devctl(fd, FIONREAD_DCMD, &n, sizeof(n), NULL) == 0 ? n : -1;
}

static int set_nonblock(int fd, int on)
{
	int fl = on ? O_NONBLOCK : 0;
	return sio_devctl(fd, DCMD_ALL_SETFLAGS, &fl, sizeof(fl), NULL);
}

/* A blocking read or write in its own thread. */
struct op {
	int fd, write;
	void *buf;
	size_t n;
	unsigned timeout_ms;
	volatile long rc;
	volatile int done;
};

static void *op_body(void *arg)
{
	struct op *o = arg;
	if (o->timeout_ms) {
		struct sigevent ev;
		memset(&ev, 0, sizeof(ev));
		SIGEV_UNBLOCK_INIT(&ev);
		uint64_t ns = o->timeout_ms * NTEST_MS;
		TimerTimeout_r(_NTO_CLOCK_MONOTONIC, _NTO_TIMEOUT_REPLY | _NTO_TIMEOUT_SEND, &ev, &ns,
			       NULL);
	}
	o->rc = o->write ? sio_write(o->fd, o->buf, o->n) : sio_read(o->fd, o->buf, o->n);
	o->done = 1;
	ntest_thread_exit();
}

static void op_start(struct op *o)
{
	o->done = 0;
	o->rc = -9999;
	CHECK(ntest_thread(op_body, o, SCHED_FIFO, PRIO) > 0);
}

static int op_wait(struct op *o, unsigned ms)
{
	uint64_t end = ntest_now() + ms * NTEST_MS;
	while (!o->done && ntest_now() < end)
		sleep_ms(1);
	return o->done;
}

/* Live pipes as the /dev/pipe listing shows them. */
static int live_pipes(void)
{
	int d = sio_open("/dev/pipe", O_RDONLY | O_DIRECTORY, 0);
	if (d < 0)
		return -1;
	static char dbuf[4096];
	int n = 0;
	long got;
	while ((got = sio_read(d, dbuf, sizeof(dbuf))) > 0) {
		for (long off = 0; off < got;) {
			struct resmgr_dirent64 *de = (void *)(dbuf + off);
			n += de->d_type == DT_FIFO;
			off += de->d_reclen;
		}
	}
	sio_close(d);
	return got < 0 ? -1 : n;
}

static void test_create(void)
{
	int r, w;
	uint64_t ino;
	if (!CHECK_EQ(make_pipe(&r, &w, 0, &ino), 0))
		return;
	struct _io_stat st;
	CHECK_EQ(sio_fstat(w, &st), 0);
	CHECK_EQ(st.st_mode, S_IFIFO | 0600);
	CHECK_EQ(st.st_ino, ino);
	CHECK_EQ(st.st_uid, getuid());
	CHECK_EQ(st.st_blksize, ATOMIC);
	char path[40];
	snprintf(path, sizeof(path), "/dev/pipe/%llu", (unsigned long long)ino);
	CHECK_EQ(sio_open(path, O_WRONLY, 0), -EACCES); /* no longer anonymous */
	CHECK_EQ(sio_open(path, O_RDONLY, 0), -EACCES);
	CHECK_EQ(sio_open("/dev/pipe/999999", O_WRONLY, 0), -ENOENT);
	CHECK_EQ(live_pipes(), 1);

	/* another process may not take the write end of an anonymous pipe */
	int r2 = sio_open("/dev/pipe", O_RDONLY, 0);
	if (CHECK(r2 >= 0) && CHECK_EQ(sio_fstat(r2, &st), 0)) {
		char num[24];
		snprintf(num, sizeof(num), "%llu", (unsigned long long)st.st_ino);
		char *argv[] = {"srv_helper", "pipe-wend", num, NULL};
		int pid = sio_spawn("srv_helper", argv);
		int status = 0;
		if (CHECK(pid > 0) && CHECK_EQ(ProcWait(pid, &status, 0), pid))
			CHECK_EQ(status, EACCES << 8);
		CHECK_EQ(sio_close(r2), 0);
	}

	/* data, FIONREAD, no seeking */
	CHECK_EQ(avail(r), 0);
	CHECK_EQ(sio_write(w, "hello", 5), 5);
	CHECK_EQ(avail(r), 5);
	CHECK_EQ(avail(w), 5);
	char b[16] = {0};
	CHECK_EQ(sio_read(r, b, 2), 2);
	CHECK_EQ(sio_read(r, b + 2, sizeof(b)), 3);
	CHECK_EQ(memcmp(b, "hello", 5), 0);
	CHECK_EQ(sio_lseek(r, 0, SEEK_SET), -ESPIPE);
	CHECK_EQ(sio_pread(r, b, 1, 0), -ESPIPE);
	CHECK_EQ(sio_pwrite(w, b, 1, 0), -ESPIPE);
	CHECK_EQ(sio_read(w, b, 1), -EBADF);
	CHECK_EQ(sio_write(r, b, 1), -EBADF);
	CHECK_EQ(sio_close(w), 0);
	CHECK_EQ(sio_close(r), 0);
	CHECK_EQ(live_pipes(), 0);
}

static void test_nonblock(void)
{
	int r, w;
	if (!CHECK_EQ(make_pipe(&r, &w, O_NONBLOCK, NULL), 0))
		return;
	char c;
	CHECK_EQ(sio_read(r, &c, 1), -EAGAIN);
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (unsigned char)(i * 7 + 3);
	CHECK_EQ(sio_write(w, big, CAP - 100), CAP - 100);
	CHECK_EQ(sio_write(w, big, 200), -EAGAIN);  /* atomic: all or nothing */
	CHECK_EQ(sio_write(w, big, ATOMIC + 1), 100); /* longer: what fits */
	CHECK_EQ(avail(r), CAP);
	CHECK_EQ(sio_write(w, big, 1), -EAGAIN);
	CHECK_EQ(sio_read(r, back, CAP * 2), CAP);
	CHECK_EQ(memcmp(back, big, CAP - 100), 0);
	CHECK_EQ(memcmp(back + CAP - 100, big, 100), 0);
	CHECK_EQ(sio_read(r, &c, 1), -EAGAIN);
	/* the flag is per open file: cleared, reads block again (tested below) */
	CHECK_EQ(set_nonblock(r, 0), 0);
	CHECK_EQ(sio_close(r), 0);
	CHECK_EQ(sio_write(w, "x", 1), -EPIPE);
	CHECK_EQ(sio_close(w), 0);
}

static void test_blocking(void)
{
	int r, w;
	if (!CHECK_EQ(make_pipe(&r, &w, 0, NULL), 0))
		return;
	static struct op rd, wr;

	/* a read waits for a write */
	static char b[64];
	rd = (struct op){.fd = r, .buf = b, .n = sizeof(b)};
	op_start(&rd);
	sleep_ms(20);
	CHECK(!rd.done);
	CHECK_EQ(sio_write(w, "abc", 3), 3);
	if (CHECK(op_wait(&rd, 2000)))
		CHECK_EQ(rd.rc, 3);

	/* an atomic write waits until all of it fits */
	CHECK_EQ(sio_write(w, big, CAP - 100), CAP - 100);
	wr = (struct op){.fd = w, .write = 1, .buf = big + 5, .n = ATOMIC};
	op_start(&wr);
	sleep_ms(20);
	CHECK(!wr.done);
	CHECK_EQ(avail(r), CAP - 100); /* nothing of it went in */
	CHECK_EQ(sio_read(r, back, 5000), 5000);
	if (CHECK(op_wait(&wr, 2000)))
		CHECK_EQ(wr.rc, ATOMIC);
	CHECK_EQ(avail(r), CAP - 100 - 5000 + ATOMIC);
	CHECK_EQ(sio_read(r, back + 5000, CAP * 2), CAP - 100 - 5000 + ATOMIC);
	CHECK_EQ(memcmp(back, big, CAP - 100), 0);
	CHECK_EQ(memcmp(back + CAP - 100, big + 5, ATOMIC), 0);

	/* a long write goes in as room appears, in order */
	wr = (struct op){.fd = w, .write = 1, .buf = big, .n = sizeof(big)};
	op_start(&wr);
	size_t got = 0;
	while (got < sizeof(big)) {
		long n = sio_read(r, back + got, 1000);
		if (!CHECK(n > 0))
			break;
		got += (size_t)n;
	}
	if (CHECK(op_wait(&wr, 2000)))
		CHECK_EQ(wr.rc, sizeof(big));
	CHECK_EQ(memcmp(back, big, sizeof(big)), 0);

	/* signals: a blocked read gets EINTR, a long write its count so far */
	rd = (struct op){.fd = r, .buf = b, .n = sizeof(b), .timeout_ms = 50};
	op_start(&rd);
	if (CHECK(op_wait(&rd, 2000)))
		CHECK_EQ(rd.rc, -EINTR);
	wr = (struct op){.fd = w, .write = 1, .buf = big, .n = CAP + 1000, .timeout_ms = 50};
	op_start(&wr);
	if (CHECK(op_wait(&wr, 2000)))
		CHECK_EQ(wr.rc, CAP);
	CHECK_EQ(sio_read(r, back, sizeof(back)), CAP);

	/* the last writer going: a blocked reader sees end of file */
	rd = (struct op){.fd = r, .buf = b, .n = sizeof(b)};
	op_start(&rd);
	sleep_ms(20);
	CHECK(!rd.done);
	CHECK_EQ(sio_close(w), 0);
	if (CHECK(op_wait(&rd, 2000)))
		CHECK_EQ(rd.rc, 0);
	CHECK_EQ(sio_read(r, b, 1), 0);
	CHECK_EQ(sio_close(r), 0);

	/* the last reader going: a blocked writer gets what it wrote, then EPIPE */
	if (!CHECK_EQ(make_pipe(&r, &w, 0, NULL), 0))
		return;
	wr = (struct op){.fd = w, .write = 1, .buf = big, .n = CAP + 10};
	op_start(&wr);
	sleep_ms(20);
	CHECK(!wr.done);
	CHECK_EQ(sio_close(r), 0);
	if (CHECK(op_wait(&wr, 2000)))
		CHECK_EQ(wr.rc, CAP);
	CHECK_EQ(sio_write(w, big, 1), -EPIPE);
	CHECK_EQ(sio_close(w), 0);
	CHECK_EQ(live_pipes(), 0);
}

static void test_dup_poll(void)
{
	int r, w;
	if (!CHECK_EQ(make_pipe(&r, &w, 0, NULL), 0))
		return;
	const uint32_t io = _NOTIFY_COND_INPUT | _NOTIFY_COND_OUTPUT;
	CHECK_EQ(sio_poll(r, io), _NOTIFY_COND_OUTPUT);
	CHECK_EQ(sio_write(w, "x", 1), 1);
	CHECK_EQ(sio_poll(r, io), io);
	char c;
	CHECK_EQ(sio_read(r, &c, 1), 1);

	/* dups share the open file: the end lives until its last dup goes */
	int w2 = sio_dup(w);
	CHECK(w2 >= 0);
	CHECK_EQ(sio_close(w), 0);
	CHECK_EQ(sio_write(w2, "y", 1), 1);
	CHECK_EQ(sio_read(r, &c, 1), 1);
	CHECK_EQ(sio_poll(r, io) & _NOTIFY_COND_INPUT, 0); /* a writer is left */
	int r2 = sio_dup(r);
	CHECK(r2 >= 0);
	CHECK_EQ(sio_close(w2), 0);
	long f = sio_poll(r, io);
	CHECK(f & _NOTIFY_COND_INPUT);
	CHECK(f & _NOTIFY_COND_EXTEN);
	CHECK(f & CONDE_HUP);
	CHECK_EQ(sio_read(r2, &c, 1), 0);
	CHECK_EQ(sio_close(r), 0);
	CHECK_EQ(live_pipes(), 1);
	CHECK_EQ(sio_close(r2), 0);
	CHECK_EQ(live_pipes(), 0);

	/* a write end without readers: writable, with the error bit */
	if (!CHECK_EQ(make_pipe(&r, &w, 0, NULL), 0))
		return;
	CHECK_EQ(sio_close(r), 0);
	f = sio_poll(w, io);
	CHECK(f & _NOTIFY_COND_OUTPUT);
	CHECK(f & CONDE_ERR);
	CHECK_EQ(sio_close(w), 0);
}

/* A process dying with pipes, a dup and a blocked read: all freed. */
static void test_death(void)
{
	char *argv[] = {"srv_helper", "pipe-hold", NULL};
	int pid = sio_spawn("srv_helper", argv);
	if (!CHECK(pid > 0))
		return;
	uint64_t end = ntest_now() + 2000 * NTEST_MS;
	while (live_pipes() < 2 && ntest_now() < end)
		sleep_ms(5);
	CHECK_EQ(live_pipes(), 2);
	sleep_ms(20); /* into its blocking read */
	CHECK_EQ(kill(pid, SIGKILL), 0);
	int status = 0;
	CHECK_EQ(ProcWait(pid, &status, 0), pid);
	end = ntest_now() + 2000 * NTEST_MS;
	while (live_pipes() != 0 && ntest_now() < end)
		sleep_ms(5);
	CHECK_EQ(live_pipes(), 0);
}

int main(void)
{
	ntest_start("pipe");
	CHECK_EQ(ntest_sched_self(SCHED_FIFO, PRIO), 0);
	char *argv[] = {"pipe", NULL};
	int pid = sio_spawn("pipe", argv);
	if (!CHECK(pid > 0) || !CHECK_EQ(sio_wait_path("/dev/pipe", 5000), 0))
		ntest_done();
	test_create();
	test_nonblock();
	test_blocking();
	test_dup_poll();
	test_death();
	CHECK_EQ(kill(pid, SIGKILL), 0);
	int status = 0;
	CHECK_EQ(ProcWait(pid, &status, 0), pid);
	ntest_done();
}
