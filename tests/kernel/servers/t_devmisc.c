/*
 * t_devmisc: dev-misc, started with ImageSpawn and reached by name through
 * procnto (srvio.h, hand-built messages):
 *  (a) /dev/null: reads give end of file, writes are swallowed whole;
 *  (b) /dev/zero: zeros for short reads and for a 3 MiB read (which the
 *      server sends in several parts), writes swallowed;
 *  (c) /dev/full: writes fail ENOSPC, reads give zeros;
 *  (d) /dev/random, /dev/urandom: reads of any size, never the same twice,
 *      byte frequencies of 1 MiB within 8 standard deviations, every bit
 *      position about half set; writes accepted;
 *  (e) every device: S_IFCHR 0666 with Linux's rdev, always ready for poll.
 */
#include "ntest.h"
#include "srvio.h"

#include <signal.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

static unsigned char buf[3 << 20];

static void check_dev(const char *path, unsigned minor)
{
	struct _io_stat st;
	memset(&st, 0xff, sizeof(st));
	if (!CHECK_EQ(sio_stat(path, 0, &st), 0))
		return;
	CHECK_EQ(st.st_mode, S_IFCHR | 0666);
	CHECK_EQ(st.st_rdev, makedev(1, minor));
	CHECK_EQ(st.st_nlink, 1);
	int fd = sio_open(path, O_RDWR, 0);
	if (!CHECK(fd >= 0))
		return;
	CHECK_EQ(sio_poll(fd, _NOTIFY_COND_INPUT | _NOTIFY_COND_OUTPUT),
		 _NOTIFY_COND_INPUT | _NOTIFY_COND_OUTPUT);
	CHECK_EQ(sio_close(fd), 0);
}

static int all_zero(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

static void test_null_zero_full(void)
{
	int fd = sio_open("/dev/null", O_RDWR, 0);
	if (CHECK(fd >= 0)) {
		CHECK_EQ(sio_read(fd, buf, 100), 0);
		CHECK_EQ(sio_write(fd, buf, 1000), 1000);
		CHECK_EQ(sio_write(fd, buf, sizeof(buf)), sizeof(buf));
		CHECK_EQ(sio_write(fd, buf, 0), 0);
		CHECK_EQ(sio_close(fd), 0);
	}
	fd = sio_open("/dev/zero", O_RDONLY, 0);
	if (CHECK(fd >= 0)) {
		memset(buf, 0xa5, 200);
		CHECK_EQ(sio_read(fd, buf, 100), 100);
		CHECK(all_zero(buf, 100));
		CHECK_EQ(buf[100], 0xa5);
		memset(buf, 0xa5, sizeof(buf));
		CHECK_EQ(sio_read(fd, buf, sizeof(buf)), sizeof(buf));
		CHECK(all_zero(buf, sizeof(buf)));
		CHECK_EQ(sio_write(fd, buf, 10), -EBADF); /* opened for reading only */
		CHECK_EQ(sio_close(fd), 0);
	}
	fd = sio_open("/dev/zero", O_WRONLY, 0);
	if (CHECK(fd >= 0)) {
		CHECK_EQ(sio_write(fd, buf, 4096), 4096);
		CHECK_EQ(sio_close(fd), 0);
	}
	fd = sio_open("/dev/full", O_RDWR, 0);
	if (CHECK(fd >= 0)) {
		CHECK_EQ(sio_write(fd, "x", 1), -ENOSPC);
		memset(buf, 1, 70000);
		CHECK_EQ(sio_read(fd, buf, 70000), 70000);
		CHECK(all_zero(buf, 70000));
		CHECK_EQ(sio_close(fd), 0);
	}
}

static void test_random(const char *path)
{
	static unsigned char a[64], b[64];
	int fd = sio_open(path, O_RDWR, 0);
	if (!CHECK(fd >= 0))
		return;
	CHECK_EQ(sio_read(fd, a, sizeof(a)), sizeof(a));
	CHECK_EQ(sio_read(fd, b, sizeof(b)), sizeof(b));
	CHECK(memcmp(a, b, sizeof(a)) != 0);
	CHECK(!all_zero(a, sizeof(a)));
	CHECK_EQ(sio_read(fd, a, 1), 1);
	CHECK_EQ(sio_write(fd, "mix this in", 11), 11);

	/* 1 MiB: 4096 expected per byte value, standard deviation ~64 */
	size_t n = 1 << 20;
	CHECK_EQ(sio_read(fd, buf, n), (long)n);
	static unsigned count[256], bits[8];
	memset(count, 0, sizeof(count));
	memset(bits, 0, sizeof(bits));
	for (size_t i = 0; i < n; i++) {
		count[buf[i]]++;
		for (int k = 0; k < 8; k++)
			bits[k] += (buf[i] >> k) & 1;
	}
	unsigned lo = ~0u, hi = 0;
	for (int v = 0; v < 256; v++) {
		lo = count[v] < lo ? count[v] : lo;
		hi = count[v] > hi ? count[v] : hi;
	}
	if (!CHECK(lo > 4096 - 512 && hi < 4096 + 512))
		ntest_info("%s: byte counts from %u to %u", path, lo, hi);
	for (int k = 0; k < 8; k++)
		CHECK(bits[k] > n / 2 - 4096 && bits[k] < n / 2 + 4096);
	/* the next 1 MiB is another one */
	static unsigned char first[4096];
	memcpy(first, buf, sizeof(first));
	CHECK_EQ(sio_read(fd, buf, n), (long)n);
	CHECK(memcmp(first, buf, sizeof(first)) != 0);
	CHECK_EQ(sio_close(fd), 0);
}

int main(void)
{
	ntest_start("devmisc");
	char *argv[] = {"dev-misc", NULL};
	int pid = sio_spawn("dev-misc", argv);
	if (!CHECK(pid > 0))
		ntest_done();
	if (!CHECK_EQ(sio_wait_path("/dev/null", 5000), 0))
		ntest_done();
	test_null_zero_full();
	test_random("/dev/random");
	test_random("/dev/urandom");
	check_dev("/dev/null", 3);
	check_dev("/dev/zero", 5);
	check_dev("/dev/full", 7);
	check_dev("/dev/random", 8);
	check_dev("/dev/urandom", 9);

	CHECK_EQ(kill(pid, SIGKILL), 0);
	int status = 0;
	CHECK_EQ(ProcWait(pid, &status, 0), pid);
	ntest_done();
}
