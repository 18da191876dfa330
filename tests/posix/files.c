/*
 * posix_files: regular-file calls in a fresh directory under /tmp: open
 * flags (O_CREAT, O_EXCL, O_TRUNC, O_APPEND, O_CLOEXEC, O_DIRECTORY),
 * read/write/readv/writev, pread/pwrite, lseek (holes, SEEK_END, errors),
 * dup/dup2/dup3 and what they share, fcntl (F_GETFD/F_SETFD, F_GETFL/
 * F_SETFL, F_DUPFD, F_DUPFD_CLOEXEC), fstat/newfstatat/statx against each
 * other, ftruncate, fsync/fdatasync/sync, statfs/fstatfs. Built once, run
 * on the Linux host and in QEMU (ptest.h).
 */
#include "ptest.h"

#include <stdint.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/vfs.h>

static const char text[] = "hello world";

static int read_all(int fd, char *buf, size_t n)
{
	ssize_t r = read(fd, buf, n);
	return r == (ssize_t)n && (buf[n] = 0, 1);
}

static void test_create_rw(void)
{
	char buf[64];
	int fd = open("f1", O_CREAT | O_EXCL | O_RDWR, 0644);
	if (!CHECK(fd >= 0))
		return;
	CHECK_ERR(open("f1", O_CREAT | O_EXCL | O_RDWR, 0644), EEXIST);
	CHECK_EQ(write(fd, text, 11), 11);
	CHECK_EQ(lseek(fd, 0, SEEK_CUR), 11);
	CHECK_EQ(lseek(fd, 0, SEEK_SET), 0);
	CHECK(read_all(fd, buf, 11) && !strcmp(buf, text));
	CHECK_EQ(read(fd, buf, sizeof(buf)), 0); /* end of file */

	/* pread/pwrite use their own offset and leave the file's alone. */
	memset(buf, 0, sizeof(buf));
	CHECK_EQ(pread(fd, buf, 5, 6), 5);
	CHECK(!strcmp(buf, "world"));
	CHECK_EQ(pwrite(fd, "WORLD", 5, 6), 5);
	CHECK_EQ(lseek(fd, 0, SEEK_CUR), 11);
	CHECK_EQ(pread(fd, buf, 11, 0), 11);
	CHECK(!memcmp(buf, "hello WORLD", 11));
	CHECK_EQ(pread(fd, buf, 8, 100), 0); /* past the end */
	CHECK_ERR(pread(fd, buf, 1, -1), EINVAL);

	/* SEEK_END, errors, and a hole that reads as zeros. */
	CHECK_EQ(lseek(fd, -5, SEEK_END), 6);
	CHECK_ERR(lseek(fd, -100, SEEK_SET), EINVAL);
	CHECK_ERR(lseek(fd, 0, 12345), EINVAL);
	CHECK_EQ(lseek(fd, 6, SEEK_CUR), 12);
	CHECK_EQ(lseek(fd, 4096, SEEK_SET), 4096);
	CHECK_EQ(write(fd, "Z", 1), 1);
	struct stat st;
	CHECK_EQ(fstat(fd, &st), 0);
	CHECK_EQ(st.st_size, 4097);
	char hole[100];
	memset(hole, 'x', sizeof(hole));
	CHECK_EQ(pread(fd, hole, sizeof(hole), 2000), (long)sizeof(hole));
	int zeros = 1;
	for (size_t i = 0; i < sizeof(hole); i++)
		zeros &= hole[i] == 0;
	CHECK(zeros);

	/* readv/writev gather and scatter in order. */
	struct iovec wv[3] = {{"ab", 2}, {"", 0}, {"cdef", 4}};
	CHECK_EQ(lseek(fd, 0, SEEK_SET), 0);
	CHECK_EQ(writev(fd, wv, 3), 6);
	char r1[3] = {0}, r2[5] = {0};
	struct iovec rv[2] = {{r1, 2}, {r2, 4}};
	CHECK_EQ(lseek(fd, 0, SEEK_SET), 0);
	CHECK_EQ(readv(fd, rv, 2), 6);
	CHECK(!strcmp(r1, "ab") && !strcmp(r2, "cdef"));
	CHECK_EQ(close(fd), 0);
	CHECK_ERR(close(fd), EBADF);
	CHECK_ERR(read(fd, buf, 1), EBADF);
}

static void test_open_flags(void)
{
	char buf[32];
	CHECK_ERR(open("missing", O_RDONLY), ENOENT);
	CHECK_ERR(open("f1", O_RDONLY | O_DIRECTORY), ENOTDIR);
	CHECK_ERR(open("f1/x", O_RDONLY), ENOTDIR);
	CHECK_ERR(open(".", O_WRONLY), EISDIR);

	/* Access modes. */
	int ro = open("f1", O_RDONLY);
	int wo = open("f1", O_WRONLY);
	CHECK(ro >= 0 && wo >= 0);
	CHECK_ERR(write(ro, "x", 1), EBADF);
	CHECK_ERR(read(wo, buf, 1), EBADF);
	CHECK_EQ(fcntl(ro, F_GETFL) & O_ACCMODE, O_RDONLY);
	CHECK_EQ(fcntl(wo, F_GETFL) & O_ACCMODE, O_WRONLY);
	close(ro);
	close(wo);

	/* O_TRUNC empties an existing file. */
	int fd = open("f1", O_RDWR | O_TRUNC);
	struct stat st;
	CHECK(fd >= 0 && fstat(fd, &st) == 0 && st.st_size == 0);
	CHECK_EQ(write(fd, "0123456789", 10), 10);
	close(fd);

	/* O_APPEND: every write goes to the end, whatever the offset. */
	fd = open("f1", O_RDWR | O_APPEND);
	CHECK(fd >= 0);
	CHECK(fcntl(fd, F_GETFL) & O_APPEND);
	CHECK_EQ(lseek(fd, 2, SEEK_SET), 2);
	CHECK_EQ(write(fd, "ab", 2), 2);
	CHECK_EQ(lseek(fd, 0, SEEK_CUR), 12);
	CHECK_EQ(pread(fd, buf, 12, 0), 12);
	CHECK(!memcmp(buf, "0123456789ab", 12));
	/* Clearing O_APPEND with F_SETFL makes writes positional again. */
	CHECK_EQ(fcntl(fd, F_SETFL, 0), 0);
	CHECK_EQ(fcntl(fd, F_GETFL) & O_APPEND, 0);
	CHECK_EQ(lseek(fd, 0, SEEK_SET), 0);
	CHECK_EQ(write(fd, "X", 1), 1);
	CHECK_EQ(pread(fd, buf, 2, 0), 2);
	CHECK(!memcmp(buf, "X1", 2));
	close(fd);

	/* O_CLOEXEC sets the descriptor flag; by default it is clear. */
	fd = open("f1", O_RDONLY | O_CLOEXEC);
	CHECK(fd >= 0 && fcntl(fd, F_GETFD) == FD_CLOEXEC);
	close(fd);
	fd = open("f1", O_RDONLY);
	CHECK(fd >= 0 && fcntl(fd, F_GETFD) == 0);
	close(fd);

	/* The new file's mode is mode & ~umask. */
	mode_t old = umask(022);
	fd = open("f2", O_CREAT | O_WRONLY, 0666);
	CHECK(fd >= 0 && fstat(fd, &st) == 0 && (st.st_mode & 07777) == 0644);
	CHECK(S_ISREG(st.st_mode));
	close(fd);
	umask(old);
	/* creat() is O_CREAT|O_WRONLY|O_TRUNC. */
	fd = creat("f2", 0600);
	CHECK(fd >= 0 && fstat(fd, &st) == 0 && st.st_size == 0);
	CHECK_EQ(fcntl(fd, F_GETFL) & O_ACCMODE, O_WRONLY);
	close(fd);
}

static void test_dup(void)
{
	char c;
	int fd = open("f1", O_RDWR);
	if (!CHECK(fd >= 0))
		return;
	/* dup gives the lowest free descriptor; the copies share the offset. */
	int a = dup(fd);
	int b = dup(fd);
	CHECK(a > fd && b > a);
	CHECK_EQ(close(a), 0);
	int c2 = dup(fd);
	CHECK_EQ(c2, a);
	CHECK_EQ(lseek(fd, 3, SEEK_SET), 3);
	CHECK_EQ(lseek(b, 0, SEEK_CUR), 3);
	CHECK_EQ(read(c2, &c, 1), 1);
	CHECK_EQ(c, '3');
	CHECK_EQ(lseek(fd, 0, SEEK_CUR), 4);

	/* Status flags are shared by the copies, FD_CLOEXEC is not. */
	CHECK_EQ(fcntl(b, F_SETFL, O_APPEND), 0);
	CHECK(fcntl(fd, F_GETFL) & O_APPEND);
	CHECK_EQ(fcntl(b, F_SETFL, 0), 0);
	CHECK_EQ(fcntl(b, F_SETFD, FD_CLOEXEC), 0);
	CHECK_EQ(fcntl(b, F_GETFD), FD_CLOEXEC);
	CHECK_EQ(fcntl(fd, F_GETFD), 0);

	/* dup2 replaces the target, clears FD_CLOEXEC; dup2(x, x) is a no-op. */
	int t = open("f2", O_RDONLY);
	CHECK(t >= 0);
	CHECK_EQ(dup2(fd, t), t);
	CHECK_EQ(lseek(t, 0, SEEK_CUR), 4); /* it is fd's file now */
	CHECK_EQ(dup2(b, t), t);
	CHECK_EQ(fcntl(t, F_GETFD), 0);
	CHECK_EQ(dup2(t, t), t);
	CHECK_ERR(dup2(t, -1), EBADF);
	CHECK_ERR(dup2(9999, t), EBADF);
	CHECK_EQ(dup2(fd, 200), 200);
	CHECK_EQ(lseek(200, 0, SEEK_CUR), 4);
	CHECK_EQ(close(200), 0);

	/* dup3 takes O_CLOEXEC and refuses equal descriptors. */
	CHECK_EQ(dup3(fd, t, O_CLOEXEC), t);
	CHECK_EQ(fcntl(t, F_GETFD), FD_CLOEXEC);
	CHECK_ERR(dup3(fd, fd, 0), EINVAL);
	CHECK_ERR(dup3(fd, t, O_CLOEXEC | O_APPEND), EINVAL); /* unknown flag */

	/* F_DUPFD and F_DUPFD_CLOEXEC: the lowest free descriptor >= arg. */
	int d = fcntl(fd, F_DUPFD, 100);
	CHECK(d >= 100);
	CHECK_EQ(fcntl(d, F_GETFD), 0);
	int e = fcntl(fd, F_DUPFD_CLOEXEC, 100);
	CHECK(e > d);
	CHECK_EQ(fcntl(e, F_GETFD), FD_CLOEXEC);
	CHECK_ERR(fcntl(fd, F_DUPFD, -1), EINVAL);
	CHECK_ERR(fcntl(9999, F_GETFD), EBADF);
	CHECK_ERR(fcntl(fd, 12345), EINVAL);
	close(d);
	close(e);
	close(t);
	close(b);
	close(c2);
	close(fd);
}

/* statx(2) as the Linux ABI defines it; musl 1.2.3 has no wrapper. */
struct lx_statx_ts {
	int64_t tv_sec;
	uint32_t tv_nsec;
	int32_t pad;
};
struct lx_statx {
	uint32_t stx_mask, stx_blksize;
	uint64_t stx_attributes;
	uint32_t stx_nlink, stx_uid, stx_gid;
	uint16_t stx_mode, pad1;
	uint64_t stx_ino, stx_size, stx_blocks, stx_attributes_mask;
	struct lx_statx_ts stx_atime, stx_btime, stx_ctime, stx_mtime;
	uint32_t stx_rdev_major, stx_rdev_minor, stx_dev_major, stx_dev_minor;
	uint64_t spare[14];
};
#define LX_STATX_BASIC 0x7ffu /* type, mode, nlink, uid, gid, times, ino, size, blocks */
#define LX_AT_EMPTY_PATH 0x1000

static void test_stat(void)
{
	struct stat a, b, c;
	int fd = open("f3", O_CREAT | O_RDWR, 0640);
	if (!CHECK(fd >= 0))
		return;
	CHECK_EQ(write(fd, "abcdefgh", 8), 8);
	CHECK_EQ(fstat(fd, &a), 0);
	CHECK_EQ(stat("f3", &b), 0);
	CHECK_EQ(fstatat(AT_FDCWD, "f3", &c, 0), 0);
	CHECK(S_ISREG(a.st_mode));
	CHECK_EQ(a.st_size, 8);
	CHECK_EQ(a.st_nlink, 1);
	CHECK_EQ(a.st_uid, geteuid());
	CHECK(a.st_ino == b.st_ino && b.st_ino == c.st_ino);
	CHECK(a.st_dev == b.st_dev && b.st_dev == c.st_dev);
	CHECK(a.st_mode == b.st_mode && b.st_mode == c.st_mode);
	CHECK(a.st_blksize > 0);
	CHECK_ERR(stat("nothere", &b), ENOENT);
	CHECK_ERR(fstat(-1, &b), EBADF);
	CHECK_ERR(stat("", &b), ENOENT);

	/* fstatat relative to a directory descriptor. */
	int dfd = open(".", O_RDONLY | O_DIRECTORY);
	CHECK(dfd >= 0);
	CHECK_EQ(fstatat(dfd, "f3", &c, 0), 0);
	CHECK_EQ(c.st_ino, a.st_ino);
	CHECK_EQ(fstat(dfd, &c), 0);
	CHECK(S_ISDIR(c.st_mode));
	CHECK_ERR(fstatat(fd, "f3", &c, 0), ENOTDIR);

	/* statx: the basic fields agree with fstat (path and AT_EMPTY_PATH). */
	struct lx_statx sx;
	memset(&sx, 0xa5, sizeof(sx));
	if (CHECK_EQ(syscall(SYS_statx, dfd, "f3", 0, LX_STATX_BASIC, &sx), 0)) {
		CHECK_EQ(sx.stx_mask & 0x307u, 0x307u); /* type, mode, nlink, ino, size */
		CHECK_EQ(sx.stx_mode, a.st_mode);
		CHECK_EQ(sx.stx_size, 8);
		CHECK_EQ(sx.stx_ino, a.st_ino);
		CHECK_EQ(sx.stx_nlink, 1);
		CHECK_EQ(sx.stx_uid, a.st_uid);
		CHECK_EQ(sx.stx_mtime.tv_sec, a.st_mtim.tv_sec);
	}
	memset(&sx, 0, sizeof(sx));
	if (CHECK_EQ(syscall(SYS_statx, fd, "", LX_AT_EMPTY_PATH, LX_STATX_BASIC, &sx), 0)) {
		CHECK_EQ(sx.stx_ino, a.st_ino);
		CHECK_EQ(sx.stx_size, 8);
	}
	CHECK_ERR(syscall(SYS_statx, dfd, "nothere", 0, LX_STATX_BASIC, &sx), ENOENT);
	close(dfd);
	close(fd);
}

static void test_truncate_sync(void)
{
	struct stat st;
	char buf[16];
	int fd = open("f4", O_CREAT | O_RDWR | O_TRUNC, 0644);
	if (!CHECK(fd >= 0))
		return;
	CHECK_EQ(write(fd, "0123456789", 10), 10);
	/* Shrink: the rest is gone; the offset is not moved. */
	CHECK_EQ(ftruncate(fd, 4), 0);
	CHECK(fstat(fd, &st) == 0 && st.st_size == 4);
	CHECK_EQ(lseek(fd, 0, SEEK_CUR), 10);
	/* Grow: the new part reads as zeros. */
	CHECK_EQ(ftruncate(fd, 8), 0);
	CHECK(fstat(fd, &st) == 0 && st.st_size == 8);
	memset(buf, 'x', sizeof(buf));
	CHECK_EQ(pread(fd, buf, sizeof(buf), 0), 8);
	CHECK(!memcmp(buf, "0123\0\0\0\0", 8));
	CHECK_ERR(ftruncate(fd, -1), EINVAL);
	CHECK_EQ(truncate("f4", 2), 0);
	CHECK(stat("f4", &st) == 0 && st.st_size == 2);
	CHECK_EQ(fsync(fd), 0);
	CHECK_EQ(fdatasync(fd), 0);
	sync();
	CHECK_ERR(fsync(-1), EBADF);
	close(fd);

	/* ftruncate needs a descriptor open for writing: POSIX allows EBADF or
	 * EINVAL, Linux gives EINVAL. */
	fd = open("f4", O_RDONLY);
	errno = 0;
	CHECK(ftruncate(fd, 0) == -1 && (errno == EINVAL || errno == EBADF));
	close(fd);
	/* A directory cannot be truncated. */
	fd = open(".", O_RDONLY);
	CHECK(ftruncate(fd, 0) == -1);
	close(fd);
}

/* A larger file through several writes: contents survive exactly. */
/* statfs and fstatfs agree on the file system of our directory (a real
 * one: it has blocks and room); a device answers too; errors. */
static void test_statfs(void)
{
	struct statfs a, b, d;
	CHECK_EQ(statfs(".", &a), 0);
	int fd = open("sf", O_CREAT | O_RDWR, 0644);
	CHECK(fd >= 0);
	CHECK_EQ(fstatfs(fd, &b), 0);
	CHECK_EQ(a.f_type, b.f_type);
	CHECK(!memcmp(&a.f_fsid, &b.f_fsid, sizeof(a.f_fsid)));
	CHECK(a.f_bsize > 0 && a.f_blocks > 0 && a.f_bavail <= a.f_bfree && a.f_bfree <= a.f_blocks);
	CHECK(a.f_namelen >= 255);
	close(fd);
	CHECK_EQ(statfs("/dev/null", &d), 0);
	CHECK_ERR(statfs("nonexistent/x", &a), ENOENT);
	CHECK_ERR(syscall(SYS_statfs, ".", 8), EFAULT); /* musl's statfs() would clear *buf first */
	CHECK_ERR(fstatfs(-1, &a), EBADF);
	CHECK_ERR(fstatfs(999, &a), EBADF);
	unlink("sf");
}

static void test_big(void)
{
	enum { CHUNK = 65536, COUNT = 16 };
	static unsigned char wbuf[CHUNK], rbuf[CHUNK];
	int fd = open("big", O_CREAT | O_RDWR | O_TRUNC, 0644);
	if (!CHECK(fd >= 0))
		return;
	int ok = 1;
	for (int i = 0; i < COUNT && ok; i++) {
		for (int j = 0; j < CHUNK; j++)
			wbuf[j] = (unsigned char)(i * 7 + j * 13);
		ok = CHECK_EQ(write(fd, wbuf, CHUNK), CHUNK);
	}
	struct stat st;
	CHECK(fstat(fd, &st) == 0 && st.st_size == (off_t)CHUNK * COUNT);
	CHECK_EQ(lseek(fd, 0, SEEK_SET), 0);
	for (int i = 0; i < COUNT && ok; i++) {
		for (int j = 0; j < CHUNK; j++)
			wbuf[j] = (unsigned char)(i * 7 + j * 13);
		ok = CHECK_EQ(read(fd, rbuf, CHUNK), CHUNK) && CHECK(!memcmp(wbuf, rbuf, CHUNK));
	}
	close(fd);
	CHECK_EQ(unlink("big"), 0);
}

/*
 * Many descriptors at once: each new one is the lowest free number. Runs
 * first, while the descriptor table has its initial size (it must grow for
 * open and dup too, not only for dup2 to a higher number).
 */
static void test_many_fds(void)
{
	enum { N = 100 };
	int fds[N], ok = 1, n = 0;
	int base = open("many", O_CREAT | O_RDWR, 0644);
	if (!CHECK(base >= 0) || !CHECK_EQ(write(base, "m", 1), 1))
		return;
	for (n = 0; n < N; n++) {
		fds[n] = n % 2 ? dup(base) : open("many", O_RDONLY);
		if (fds[n] < 0) {
			ptest_fail("open/dup of many fds", __FILE_NAME__, __LINE__,
				   "descriptor %d (after fd %d): errno %d (%s)", n,
				   n ? fds[n - 1] : base, errno, strerror(errno));
			break;
		}
		ok &= n == 0 || fds[n] > fds[n - 1];
	}
	CHECK(ok);
	if (n == N) {
		CHECK_EQ(close(fds[50]), 0);
		CHECK_EQ(dup(base), fds[50]);
		char c;
		CHECK_EQ(pread(fds[N - 1], &c, 1, 0), 1);
	}
	while (n-- > 0)
		close(fds[n]);
	close(base);
}

int main(void)
{
	ptest_start("files");
	test_many_fds();
	test_create_rw();
	test_open_flags();
	test_dup();
	test_stat();
	test_truncate_sync();
	test_statfs();
	test_big();
	ptest_done();
}
