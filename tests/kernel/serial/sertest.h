/*
 * Helpers of t_serial (header only, included once): checks recorded while
 * nothing may be printed (the loopback is on) and reported afterwards,
 * and the client side of the driver's devctl, read and write messages
 * (with per-call xtype flags). Functions ending in _x and wr_s return
 * -errno and are thread-safe.
 */
#pragma once
#include "ntest.h"
#include "rsmio.h"

#include <sys/dcmd_chr.h>

/* Recorded checks (loopback on: no printing) */
#define QMAX 24
static struct { const char *expr, *file; int line; char vals[96]; } qfail[QMAX];
static int nqfail;

static int qrecord(int ok, const char *expr, const char *file, int line, const char *vals)
{
	if (!ok && nqfail < QMAX) {
		qfail[nqfail].expr = expr;
		qfail[nqfail].file = file;
		qfail[nqfail].line = line;
		snprintf(qfail[nqfail].vals, sizeof(qfail[nqfail].vals), "%s", vals ? vals : "");
	}
	nqfail += !ok;
	return ok;
}

static int qcheck_eq(long long a, long long b, const char *expr, const char *file, int line)
{
	char v[96];
	snprintf(v, sizeof(v), "%lld != %lld", a, b);
	return qrecord(a == b, expr, file, line, v);
}

/* The n bytes at got equal the string want (escaped into the report). */
static int qcheck_bytes(const void *got, long n, const char *want, const char *expr,
			const char *file, int line)
{
	size_t wn = strlen(want);
	int ok = n >= 0 && (size_t)n == wn && memcmp(got, want, wn) == 0;
	char v[96];
	size_t k = 0;
	const unsigned char *g = got;
	for (long i = 0; n > 0 && i < n && k < sizeof(v) - 5; i++)
		k += (size_t)snprintf(v + k, sizeof(v) - k, g[i] >= 32 && g[i] < 127 ? "%c" : "\\%o", g[i]);
	v[k] = 0;
	return qrecord(ok, expr, file, line, n < 0 ? "failed" : v);
}

#define QCHECK(c) qrecord(!!(c), #c, __FILE_NAME__, __LINE__, NULL)
#define QCHECK_EQ(a, b) \
	qcheck_eq((long long)(a), (long long)(b), #a " == " #b, __FILE_NAME__, __LINE__)
#define QCHECK_BYTES(got, n, want) \
	qcheck_bytes(got, n, want, #got " is " #want, __FILE_NAME__, __LINE__)

static void qreport(void)
{
	for (int i = 0; i < nqfail && i < QMAX; i++)
		ntest_fail(qfail[i].expr, qfail[i].file, qfail[i].line, "%s", qfail[i].vals);
	if (nqfail > QMAX)
		ntest_fail("more recorded checks", __FILE_NAME__, 0, "%d in all", nqfail);
}

/* Messages */
static int dctl(int fd, unsigned cmd, void *data, size_t n)
{
	return io_devctl(fd, (int)cmd, data, n, NULL);
}

static int dctl_val(int fd, unsigned cmd, int v)
{
	int32_t x = v;
	return dctl(fd, cmd, &x, sizeof(x));
}

static int dctl_get(int fd, unsigned cmd)
{
	int32_t x = -12345;
	return dctl(fd, cmd, &x, sizeof(x)) == 0 ? x : -1;
}

static int tc_get(int fd, struct _dcmd_termios *t)
{
	return dctl(fd, DCMD_CHR_TCGETS, t, sizeof(*t));
}

static int tc_set(int fd, unsigned how, const struct _dcmd_termios *t)
{
	struct _dcmd_termios c = *t;
	return dctl(fd, how, &c, sizeof(c));
}

static int drain(int fd)
{
	return dctl_val(fd, DCMD_CHR_TCSBRK, 1);
}

/* The echoes captured since the last call (loopback). */
static long echocap(int fd, char *buf)
{
	struct _io_devctl h = {.type = _IO_DEVCTL, .dcmd = DCMD_SER_ECHOCAP, .nbytes = 256};
	struct _io_devctl_reply rh;
	iov_t s[1], r[2];
	SETIOV(&s[0], &h, sizeof(h));
	SETIOV(&r[0], &rh, sizeof(rh));
	SETIOV(&r[1], buf, 256);
	if (MsgSendv(fd, s, 1, r, 2) == -1)
		return -1;
	return rh.nbytes;
}

/* read/write with per-call xtype flags; -errno on failure. Thread-safe. */
static long rd_x(int fd, void *buf, size_t n, uint32_t xflags)
{
	struct _io_read h = {.type = _IO_READ, .nbytes = (int32_t)n, .xtype = xflags};
	return MsgSend_r(fd, &h, sizeof(h), buf, n);
}

static long wr_x(int fd, const void *buf, size_t n, uint32_t xflags)
{
	struct _io_write h = {.type = _IO_WRITE, .nbytes = (int32_t)n, .xtype = xflags};
	iov_t iov[2];
	SETIOV(&iov[0], &h, sizeof(h));
	SETIOV(&iov[1], buf, n);
	return MsgSendv_r(fd, iov, 2, NULL, 0);
}

static long wr_s(int fd, const char *s)
{
	return wr_x(fd, s, strlen(s), 0);
}

static void sleep_ms(unsigned ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) != 0)
		;
}

static unsigned ms_since(uint64_t t0)
{
	return (unsigned)((ntest_now() - t0) / NTEST_MS);
}
