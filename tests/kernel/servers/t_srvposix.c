/*
 * t_srvposix: the small servers through plain libc calls (musl -> the
 * posix/ fd layer -> procnto's path manager -> the servers), started with
 * ImageSpawn: dev-misc, pipe, and fs-tmp at /tp.
 *  (a) /dev/null, /dev/zero, /dev/full, /dev/urandom with open/read/write/fstat;
 *  (b) pipe()/pipe2(): data, fstat, FIONREAD, O_NONBLOCK, EOF, EPIPE with
 *      SIGPIPE, dup, poll (POLLIN, POLLOUT, POLLHUP);
 *  (c) fs-tmp: files, stdio, directories and readdir, rename, link,
 *      symlink/readlink/lstat, truncate, chmod, utimensat, mkfifo, the
 *      errors;
 *  (d) an 8 MiB file through stdio, compared by checksum.
 */
#define _GNU_SOURCE
#include "ntest.h"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>

static int spawn(char *const argv[])
{
	char *envp[] = {NULL};
	struct _image_spawn_attr attr = {.priority = 0, .policy = -1};
	return ImageSpawn(argv[0], argv, envp, &attr);
}

static int wait_path(const char *path)
{
	struct stat st;
	for (int i = 0; i < 1000; i++) {
		if (stat(path, &st) == 0)
			return 0;
		struct timespec ts = {0, 5000000};
		nanosleep(&ts, NULL);
	}
	return -1;
}

static void test_devices(void)
{
	static char buf[1 << 20];
	int fd = open("/dev/null", O_RDWR);
	if (CHECK(fd >= 0)) {
		CHECK_EQ(write(fd, "abc", 3), 3);
		CHECK_EQ(read(fd, buf, 10), 0);
		struct stat st;
		CHECK_EQ(fstat(fd, &st), 0);
		CHECK(S_ISCHR(st.st_mode));
		CHECK_EQ(st.st_rdev, makedev(1, 3));
		CHECK_EQ(close(fd), 0);
	}
	fd = open("/dev/zero", O_RDONLY);
	if (CHECK(fd >= 0)) {
		memset(buf, 1, sizeof(buf));
		CHECK_EQ(read(fd, buf, sizeof(buf)), sizeof(buf));
		int zero = 1;
		for (size_t i = 0; i < sizeof(buf); i++)
			zero &= !buf[i];
		CHECK(zero);
		close(fd);
	}
	fd = open("/dev/full", O_WRONLY);
	if (CHECK(fd >= 0)) {
		CHECK_ERR(write(fd, "x", 1), ENOSPC);
		close(fd);
	}
	fd = open("/dev/urandom", O_RDONLY);
	if (CHECK(fd >= 0)) {
		char a[32], b[32];
		CHECK_EQ(read(fd, a, sizeof(a)), sizeof(a));
		CHECK_EQ(read(fd, b, sizeof(b)), sizeof(b));
		CHECK(memcmp(a, b, sizeof(a)) != 0);
		close(fd);
	}
}

static volatile int sigpipes;

static void on_sigpipe(int sig)
{
	sigpipes++;
}

static void test_pipes(void)
{
	int p[2];
	if (!CHECK_EQ(pipe(p), 0))
		return;
	struct stat st;
	CHECK_EQ(fstat(p[0], &st), 0);
	CHECK(S_ISFIFO(st.st_mode));
	CHECK_EQ(write(p[1], "hello", 5), 5);
	int n = -1;
	CHECK_EQ(ioctl(p[0], FIONREAD, &n), 0);
	CHECK_EQ(n, 5);
	struct pollfd pf = {.fd = p[0], .events = POLLIN};
	CHECK_EQ(poll(&pf, 1, 0), 1);
	CHECK(pf.revents & POLLIN);
	char b[16] = {0};
	CHECK_EQ(read(p[0], b, sizeof(b)), 5);
	CHECK_EQ(strcmp(b, "hello"), 0);
	pf.revents = 0;
	CHECK_EQ(poll(&pf, 1, 10), 0);
	int d = dup(p[1]);
	CHECK(d >= 0);
	CHECK_EQ(close(p[1]), 0);
	CHECK_EQ(write(d, "x", 1), 1);
	CHECK_EQ(read(p[0], b, 1), 1);
	CHECK_EQ(close(d), 0);
	CHECK_EQ(poll(&pf, 1, 1000), 1);
	CHECK(pf.revents & POLLHUP);
	CHECK_EQ(read(p[0], b, 1), 0);
	CHECK_EQ(close(p[0]), 0);

	if (!CHECK_EQ(pipe2(p, O_NONBLOCK | O_CLOEXEC), 0))
		return;
	CHECK_ERR(read(p[0], b, 1), EAGAIN);
	CHECK_EQ(fcntl(p[0], F_GETFL) & O_NONBLOCK, O_NONBLOCK);
	static char big[70000];
	CHECK_EQ(write(p[1], big, sizeof(big)), 65536);
	CHECK_ERR(write(p[1], big, 1), EAGAIN);
	pf = (struct pollfd){.fd = p[1], .events = POLLOUT};
	CHECK_EQ(poll(&pf, 1, 0), 0);
	CHECK_EQ(close(p[0]), 0);
	/* no reader left: EPIPE, and SIGPIPE for the writer (posix raises it) */
	signal(SIGPIPE, on_sigpipe);
	CHECK_ERR(write(p[1], big, 1), EPIPE);
	CHECK_EQ(sigpipes, 1);
	signal(SIGPIPE, SIG_DFL);
	CHECK_EQ(close(p[1]), 0);
}

static long slurp(const char *path, char *buf, size_t cap)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	long n = read(fd, buf, cap - 1);
	close(fd);
	if (n >= 0)
		buf[n] = '\0';
	return n;
}

static void test_files(void)
{
	char b[256];
	FILE *f = fopen("/tp/a", "w");
	if (CHECK(f)) {
		fprintf(f, "line %d\n", 1);
		CHECK_EQ(fclose(f), 0);
	}
	CHECK_EQ(slurp("/tp/a", b, sizeof(b)), 7);
	CHECK_EQ(strcmp(b, "line 1\n"), 0);
	int fd = open("/tp/a", O_WRONLY | O_APPEND);
	if (CHECK(fd >= 0)) {
		CHECK_EQ(write(fd, "line 2\n", 7), 7);
		CHECK_EQ(lseek(fd, 0, SEEK_END), 14);
		close(fd);
	}
	CHECK_ERR(open("/tp/a", O_CREAT | O_EXCL | O_WRONLY, 0644), EEXIST);
	CHECK_ERR(open("/tp/nope", O_RDONLY), ENOENT);
	CHECK_ERR(open("/tp/a/b", O_RDONLY), ENOTDIR);

	CHECK_EQ(mkdir("/tp/d", 0755), 0);
	CHECK_ERR(mkdir("/tp/d", 0755), EEXIST);
	CHECK_EQ(rename("/tp/a", "/tp/d/a"), 0);
	CHECK_ERR(rmdir("/tp/d"), ENOTEMPTY);
	CHECK_ERR(unlink("/tp/d"), EISDIR);
	CHECK_EQ(link("/tp/d/a", "/tp/hard"), 0);
	struct stat st;
	CHECK_EQ(stat("/tp/hard", &st), 0);
	CHECK_EQ(st.st_nlink, 2);
	CHECK_EQ(st.st_size, 14);
	CHECK_EQ(symlink("d/a", "/tp/sym"), 0);
	CHECK_EQ(readlink("/tp/sym", b, sizeof(b)), 3);
	CHECK_EQ(lstat("/tp/sym", &st), 0);
	CHECK(S_ISLNK(st.st_mode));
	CHECK_EQ(stat("/tp/sym", &st), 0);
	CHECK(S_ISREG(st.st_mode));
	CHECK_EQ(slurp("/tp/sym", b, sizeof(b)), 14);
	CHECK_EQ(symlink("/tp/d", "/tp/dl"), 0);
	CHECK_EQ(slurp("/tp/dl/a", b, sizeof(b)), 14);
	CHECK_ERR(open("/tp/sym", O_RDONLY | O_NOFOLLOW), ELOOP);

	/* rename over an existing file */
	CHECK_EQ(close(open("/tp/other", O_CREAT | O_WRONLY, 0600)), 0);
	CHECK_EQ(rename("/tp/hard", "/tp/other"), 0);
	CHECK_EQ(stat("/tp/other", &st), 0);
	CHECK_EQ(st.st_size, 14);
	CHECK_ERR(stat("/tp/hard", &st), ENOENT);
	CHECK_ERR(rename("/tp/d", "/tp/d/sub"), EINVAL);

	CHECK_EQ(truncate("/tp/other", 3), 0);
	CHECK_EQ(stat("/tp/other", &st), 0);
	CHECK_EQ(st.st_size, 3);
	CHECK_EQ(chmod("/tp/other", 0640), 0);
	struct timespec ts[2] = {{100, 0}, {200, 0}};
	CHECK_EQ(utimensat(AT_FDCWD, "/tp/other", ts, 0), 0);
	CHECK_EQ(stat("/tp/other", &st), 0);
	CHECK_EQ(st.st_mode, S_IFREG | 0640);
	CHECK_EQ(st.st_mtime, 200);

	DIR *dir = opendir("/tp");
	int seen = 0;
	if (CHECK(dir)) {
		struct dirent *de;
		while ((de = readdir(dir)))
			seen++;
		closedir(dir);
	}
	CHECK_EQ(seen, 6); /* . .. d sym dl other */

	CHECK_EQ(mkfifo("/tp/fifo", 0600), 0);
	CHECK_EQ(stat("/tp/fifo", &st), 0);
	CHECK(S_ISFIFO(st.st_mode));
	CHECK_ERR(open("/tp/fifo", O_WRONLY | O_NONBLOCK), ENXIO);
	int fr = open("/tp/fifo", O_RDONLY | O_NONBLOCK), fw = open("/tp/fifo", O_WRONLY);
	if (CHECK(fr >= 0) && CHECK(fw >= 0)) {
		CHECK_EQ(write(fw, "ff", 2), 2);
		CHECK_EQ(read(fr, b, sizeof(b)), 2);
		close(fw);
		CHECK_EQ(read(fr, b, sizeof(b)), 0);
		close(fr);
	}
	CHECK_EQ(unlink("/tp/fifo"), 0);

	CHECK_EQ(unlink("/tp/other"), 0);
	CHECK_EQ(unlink("/tp/sym"), 0);
	CHECK_EQ(unlink("/tp/dl"), 0);
	CHECK_EQ(unlink("/tp/d/a"), 0);
	CHECK_EQ(rmdir("/tp/d"), 0);
}

static void test_stdio_big(void)
{
	static char buf[65536];
	FILE *f = fopen("/tp/big", "w");
	if (!CHECK(f))
		return;
	uint32_t x = 1, sum = 0;
	for (int i = 0; i < 128; i++) {
		for (size_t k = 0; k < sizeof(buf); k++) {
			x = x * 1103515245u + 12345u;
			buf[k] = (char)(x >> 16);
			sum = sum * 31 + (unsigned char)buf[k];
		}
		CHECK_EQ(fwrite(buf, 1, sizeof(buf), f), sizeof(buf));
	}
	CHECK_EQ(fclose(f), 0);
	f = fopen("/tp/big", "r");
	if (!CHECK(f))
		return;
	uint32_t sum2 = 0;
	size_t n, total = 0;
	while ((n = fread(buf, 1, 1000, f)) > 0) {
		for (size_t k = 0; k < n; k++)
			sum2 = sum2 * 31 + (unsigned char)buf[k];
		total += n;
	}
	fclose(f);
	CHECK_EQ(total, 128 * sizeof(buf));
	CHECK_EQ(sum2, sum);
	CHECK_EQ(unlink("/tp/big"), 0);
}

int main(void)
{
	ntest_start("srvposix");
	char *a1[] = {"dev-misc", NULL}, *a2[] = {"pipe", NULL}, *a3[] = {"fs-tmp", "/tp", NULL};
	int pids[3] = {spawn(a1), spawn(a2), spawn(a3)};
	for (int i = 0; i < 3; i++)
		CHECK(pids[i] > 0);
	if (!CHECK_EQ(wait_path("/dev/null"), 0) || !CHECK_EQ(wait_path("/dev/pipe"), 0) ||
	    !CHECK_EQ(wait_path("/tp"), 0))
		ntest_done();
	test_devices();
	test_pipes();
	test_files();
	test_stdio_big();
	for (int i = 0; i < 3; i++) {
		int status;
		CHECK_EQ(kill(pids[i], SIGKILL), 0);
		CHECK_EQ(ProcWait(pids[i], &status, 0), pids[i]);
	}
	ntest_done();
}
