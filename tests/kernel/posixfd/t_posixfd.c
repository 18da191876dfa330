/*
 * t_posixfd: the file syscalls of posix/fd/ through plain libc calls:
 *  (a) /proc/boot (procnto): open, read, pread, lseek, fstat, stat,
 *      readdir, read-only refusals;
 *  (b) errors: EBADF (also for side-channel numbers), EFAULT (also kernel
 *      addresses), ENOENT, ENOTDIR, ELOOP (procnto symlink loop);
 *  (c) dup, dup2, dup3, fcntl: shared offsets (_IO_DUP), FD_CLOEXEC,
 *      F_GETFL/F_SETFL, F_DUPFD; a forked child sharing the offset;
 *  (d) pfd_server files: create, write/read, O_APPEND, pread/pwrite,
 *      readv/writev, ftruncate/truncate, unlink, ioctl forwarding, statx;
 *  (e) directories: readdir, openat/fstatat at a directory fd, chdir,
 *      fchdir, getcwd, access, umask, readlink of a procnto symlink and of
 *      /proc/self/fd/N.
 */
#include "pfdtest.h"

#include <dirent.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/pathmgr.h>
#include <sys/syscall.h>
#include <sys/uio.h>

#define SELF "/proc/boot/t_posixfd"
#define F(name) PFD_DIR "/" name


static void test_bootfs(void)
{
	int fd = open(SELF, O_RDONLY);
	if (!CHECK(fd >= 3))
		return;
	struct stat st;
	CHECK_EQ(fstat(fd, &st), 0);
	CHECK(S_ISREG(st.st_mode));
	CHECK(st.st_size > 4096);
	char b[4];
	CHECK_EQ(read(fd, b, 4), 4);
	CHECK(!memcmp(b, "\177ELF", 4));
	CHECK_EQ(lseek(fd, 0, SEEK_CUR), 4);
	CHECK_EQ(lseek(fd, 0, SEEK_END), st.st_size);
	CHECK_EQ(read(fd, b, 4), 0);
	CHECK_EQ(pread(fd, b, 4, 1), 4);
	CHECK(!memcmp(b, "ELF", 3));
	CHECK_EQ(lseek(fd, 0, SEEK_CUR), st.st_size);
	CHECK_ERR(write(fd, "x", 1), EBADF);
	struct stat st2;
	CHECK_EQ(stat(SELF, &st2), 0);
	CHECK_EQ(st2.st_size, st.st_size);
	CHECK_EQ(st2.st_ino, st.st_ino);
	CHECK_EQ(lstat(SELF, &st2), 0);
	CHECK_EQ(close(fd), 0);
	CHECK_ERR(close(fd), EBADF);
	CHECK_EQ(ntest_dir_has("/proc/boot", "t_posixfd"), 1);
	CHECK_EQ(ntest_dir_has("/proc/boot", "pfd_server"), 1);
	CHECK(open(SELF, O_WRONLY) < 0);
}

static void test_errors(void)
{
	char b[8];
	int fd = open(SELF, O_RDONLY);
	CHECK(fd >= 3);
	CHECK_ERR(open("/proc/boot/no-such-file", O_RDONLY), ENOENT);
	CHECK_ERR(open("", O_RDONLY), ENOENT);
	CHECK_ERR(open(SELF "/x", O_RDONLY), ENOTDIR);
	CHECK_ERR(open(SELF "/", O_RDONLY), ENOTDIR);
	CHECK_ERR(open(SELF, O_RDONLY | O_DIRECTORY), ENOTDIR);
	CHECK_ERR(opendir(SELF) ? 0 : -1, ENOTDIR);
	CHECK_ERR(chdir(SELF), ENOTDIR);
	CHECK_ERR(openat(fd, "x", O_RDONLY), ENOTDIR);
	CHECK_ERR(syscall(SYS_getdents64, fd, b, sizeof(b)), ENOTDIR);
	CHECK_ERR(read(999, b, 1), EBADF);
	CHECK_ERR(write(999, b, 1), EBADF);
	CHECK_ERR(read(0x40000000, b, 1), EBADF); /* SYSMGR_COID is no fd */
	CHECK_ERR(fstat(0x40000000, (struct stat *)b), EBADF);
	CHECK_ERR(close(999), EBADF);
	CHECK_ERR(lseek(999, 0, SEEK_SET), EBADF);
	CHECK_ERR(dup(999), EBADF);
	CHECK_ERR(dup2(999, 20), EBADF);
	CHECK_ERR(fcntl(999, F_GETFD), EBADF);
	CHECK_ERR(read(fd, (void *)16, 4), EFAULT);
	CHECK_ERR(read(fd, (void *)0xffff800000000000ul, 4), EFAULT);
	CHECK_ERR(read(fd, (void *)0xffffffff80000000ul, 4), EFAULT);
	CHECK_ERR(syscall(SYS_fstat, fd, 16), EFAULT); /* musl's fstat copies: call the kernel */
	CHECK_ERR(open((const char *)16, O_RDONLY), EFAULT);
	CHECK_ERR(stat((const char *)0xffffffff80000000ul, (struct stat *)b), EFAULT);
	CHECK_ERR(lseek(fd, 0, 17), EINVAL);
	close(fd);
}

/* procnto symlinks made with _PATHMGR_SYMLINK; returns the link id. */
static int pm_symlink(const char *path, const char *target)
{
	struct {
		struct _pathmgr_symlink h;
		char data[128];
	} m;
	memset(&m, 0, sizeof(m));
	m.h.type = _PATHMGR_SYMLINK;
	size_t pl = strlen(path) + 1, tl = strlen(target) + 1;
	m.h.path_len = (uint16_t)pl;
	m.h.target_len = (uint16_t)tl;
	memcpy(m.data, path, pl);
	memcpy(m.data + pl, target, tl);
	return (int)MsgSend(SYSMGR_COID, &m, sizeof(m.h) + pl + tl, NULL, 0);
}

static void pm_unlink(int id)
{
	struct _pathmgr_unlink m = {.type = _PATHMGR_UNLINK, .id = id};
	CHECK_EQ(MsgSend(SYSMGR_COID, &m, sizeof(m), NULL, 0), 0);
}

static void test_symlinks(void)
{
	int l1 = pm_symlink("/test/pfdloop1", "/test/pfdloop2");
	int l2 = pm_symlink("/test/pfdloop2", "/test/pfdloop1");
	int l3 = pm_symlink("/test/pfdself", SELF);
	if (!CHECK(l1 > 0) || !CHECK(l2 > 0) || !CHECK(l3 > 0))
		return;
	CHECK_ERR(open("/test/pfdloop1", O_RDONLY), ELOOP);
	CHECK_ERR(stat("/test/pfdloop2/x", &(struct stat){0}), ELOOP);
	int fd = open("/test/pfdself", O_RDONLY);
	CHECK(fd >= 3);
	char b[64];
	CHECK_EQ(read(fd, b, 4), 4);
	CHECK(!memcmp(b, "\177ELF", 4));
	struct stat st;
	CHECK_EQ(lstat("/test/pfdself", &st), 0);
	CHECK(S_ISLNK(st.st_mode));
	CHECK_EQ(stat("/test/pfdself", &st), 0);
	CHECK(S_ISREG(st.st_mode));
	long n = readlink("/test/pfdself", b, sizeof(b));
	CHECK_EQ(n, (long)strlen(SELF));
	CHECK(n > 0 && !memcmp(b, SELF, (size_t)n));
	CHECK_ERR(open("/test/pfdself", O_RDONLY | O_NOFOLLOW), ELOOP);
	CHECK_ERR(readlink(SELF, b, sizeof(b)), EINVAL);
	/* /proc/self/fd/N: the path fd N was opened by (after symlinks) */
	char pfd[32];
	snprintf(pfd, sizeof(pfd), "/proc/self/fd/%d", fd);
	n = readlink(pfd, b, sizeof(b));
	CHECK_EQ(n, (long)strlen(SELF));
	CHECK(n > 0 && !memcmp(b, SELF, (size_t)n));
	close(fd);
	pm_unlink(l1);
	pm_unlink(l2);
	pm_unlink(l3);
	CHECK_ERR(open("/test/pfdloop1", O_RDONLY), ENOENT);
}

static void test_dup(void)
{
	int fd = open(SELF, O_RDONLY);
	if (!CHECK(fd >= 3))
		return;
	int d = dup(fd);
	CHECK(d > fd);
	char b[8];
	CHECK_EQ(read(fd, b, 3), 3);
	CHECK_EQ(lseek(d, 0, SEEK_CUR), 3); /* one OCB: one offset */
	CHECK_EQ(read(d, b, 2), 2);
	CHECK_EQ(lseek(fd, 0, SEEK_CUR), 5);
	CHECK_EQ(dup2(fd, 40), 40);
	CHECK_EQ(lseek(40, 0, SEEK_CUR), 5);
	CHECK_EQ(dup2(d, 40), 40); /* replaces the open 40 */
	CHECK_EQ(dup2(40, 40), 40);
	CHECK_EQ(fcntl(40, F_GETFD), 0);
	CHECK_EQ(fcntl(fd, F_SETFD, FD_CLOEXEC), 0);
	CHECK_EQ(fcntl(fd, F_GETFD), FD_CLOEXEC);
	CHECK_EQ(fcntl(d, F_GETFD), 0); /* per fd, not per OCB */
	CHECK_EQ(dup3(fd, 41, O_CLOEXEC), 41);
	CHECK_EQ(fcntl(41, F_GETFD), FD_CLOEXEC);
	CHECK_ERR(dup3(41, 41, 0), EINVAL);
	int f = fcntl(fd, F_DUPFD, 30);
	CHECK(f >= 30 && f != 40 && f != 41);
	CHECK_EQ(fcntl(f, F_GETFD), 0);
	int g = fcntl(fd, F_DUPFD_CLOEXEC, 30);
	CHECK(g > 30 && g != f);
	CHECK_EQ(fcntl(g, F_GETFD), FD_CLOEXEC);
	CHECK_EQ(fcntl(fd, F_GETFL), O_RDONLY | O_LARGEFILE); /* as Linux x86_64 says */
	CHECK_EQ(lseek(g, 0, SEEK_CUR), 5);
	/* fork: the child's fd is bound to the same OCB (fd_fork_child) */
	pid_t pid = fork();
	if (pid == 0) {
		int ok = lseek(g, 0, SEEK_CUR) == 5 && read(fd, b, 3) == 3 &&
			 fcntl(g, F_GETFD) == FD_CLOEXEC && fcntl(d, F_GETFD) == 0;
		_exit(ok ? 0 : 1);
	}
	int status = -1;
	CHECK(pid > 0);
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK_EQ(status, 0);
	CHECK_EQ(lseek(d, 0, SEEK_CUR), 8);
	const int all[] = {fd, d, 40, 41, f, g};
	for (unsigned i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		CHECK_EQ(close(all[i]), 0);
}

static void test_files(void)
{
	int fd = open(F("a"), O_CREAT | O_EXCL | O_RDWR, 0644);
	if (!CHECK(fd >= 3))
		return;
	CHECK_ERR(open(F("a"), O_CREAT | O_EXCL | O_RDWR, 0644), EEXIST);
	CHECK_EQ(write(fd, "hello world", 11), 11);
	CHECK_EQ(lseek(fd, 0, SEEK_SET), 0);
	char b[64] = "";
	CHECK_EQ(read(fd, b, sizeof(b)), 11);
	CHECK(!memcmp(b, "hello world", 11));
	CHECK_EQ(pwrite(fd, "WORLD", 5, 6), 5);
	CHECK_EQ(pread(fd, b, 11, 0), 11);
	CHECK(!memcmp(b, "hello WORLD", 11));
	CHECK_EQ(lseek(fd, 0, SEEK_CUR), 11); /* pread/pwrite leave the offset */
	struct stat st;
	CHECK_EQ(fstat(fd, &st), 0);
	CHECK_EQ(st.st_size, 11);
	CHECK(S_ISREG(st.st_mode));
	CHECK_EQ(st.st_dev, 0x5a5a);
	CHECK_EQ(st.st_mode & 0777, 0644 & ~022);
	struct iovec wv[3] = {{"ab", 2}, {"", 0}, {"cde", 3}};
	CHECK_EQ(writev(fd, wv, 3), 5);
	char x1[4] = "", x2[16] = "";
	struct iovec rv[2] = {{x1, 4}, {x2, sizeof(x2)}};
	CHECK_EQ(lseek(fd, 9, SEEK_SET), 9);
	CHECK_EQ(readv(fd, rv, 2), 7);
	CHECK(!memcmp(x1, "LDab", 4) && !memcmp(x2, "cde", 3));
	CHECK_EQ(ftruncate(fd, 5), 0);
	CHECK_EQ(fstat(fd, &st), 0);
	CHECK_EQ(st.st_size, 5);
	CHECK_EQ(truncate(F("a"), 8), 0);
	CHECK_EQ(pread(fd, b, sizeof(b), 0), 8);
	CHECK(!memcmp(b, "hello\0\0\0", 8));
	CHECK_ERR(ftruncate(fd, -1), EINVAL);

	/* O_APPEND, F_GETFL / F_SETFL */
	int ap = open(F("a"), O_WRONLY | O_APPEND);
	CHECK(ap >= 3);
	CHECK_EQ(fcntl(ap, F_GETFL) & (O_ACCMODE | O_APPEND), O_WRONLY | O_APPEND);
	CHECK_EQ(write(ap, "Z", 1), 1);
	CHECK_EQ(fstat(fd, &st), 0);
	CHECK_EQ(st.st_size, 9);
	CHECK_EQ(fcntl(ap, F_SETFL, O_NONBLOCK), 0);
	CHECK_EQ(fcntl(ap, F_GETFL) & (O_APPEND | O_NONBLOCK), O_NONBLOCK);
	int on = 0;
	CHECK_EQ(ioctl(ap, FIONBIO, &on), 0);
	CHECK_EQ(fcntl(ap, F_GETFL) & O_NONBLOCK, 0);
	CHECK_ERR(read(ap, b, 1), EBADF);
	close(ap);

	/* ioctl forwarding: _IOC-encoded and classic terminal numbers */
	int v = 21;
	CHECK_EQ(ioctl(fd, PFD_IOC_DOUBLE, &v), 0);
	CHECK_EQ(v, 42);
	struct winsize ws = {0};
	CHECK_EQ(ioctl(fd, TIOCGWINSZ, &ws), 0);
	CHECK_EQ(ws.ws_row, 24);
	CHECK_EQ(ws.ws_col, 80);
	CHECK(isatty(fd));
	CHECK_ERR(ioctl(fd, TCGETS, b), ENOTTY);
	CHECK_ERR(ioctl(fd, PFD_IOC_DOUBLE, (void *)16), EFAULT);
	CHECK_EQ(ioctl(fd, FIOCLEX), 0);
	CHECK_EQ(fcntl(fd, F_GETFD), FD_CLOEXEC);

	/* statx (musl 1.2.3 has no wrapper) */
	struct {
		uint32_t mask, blksize;
		uint64_t attributes;
		uint32_t nlink, uid, gid;
		uint16_t mode, pad;
		uint64_t ino, size;
		char rest[200];
	} sx;
	CHECK_EQ(syscall(SYS_statx, AT_FDCWD, F("a"), 0, 0x7ff, &sx), 0);
	CHECK_EQ(sx.size, 9);
	CHECK_EQ(sx.mode & S_IFMT, S_IFREG);
	CHECK_EQ(syscall(SYS_statx, fd, "", AT_EMPTY_PATH, 0x7ff, &sx), 0);
	CHECK_EQ(sx.size, 9);

	close(fd);
	CHECK_EQ(unlink(F("a")), 0);
	CHECK_ERR(stat(F("a"), &st), ENOENT);
	CHECK_ERR(unlink(F("a")), ENOENT);
	CHECK_ERR(open(F("a"), O_RDONLY), ENOENT);
	CHECK_ERR(open(F("a/b"), O_RDONLY | O_CREAT, 0600), ENOENT);
}

/* A server's count above what was asked is an I/O error, never believed:
 * the kernel's own reads (exec, mmap) would overrun their buffers. */
static void test_liar(void)
{
	int fd = open(F(PFD_LIAR), O_CREAT | O_RDWR, 0755);
	if (!CHECK(fd >= 3))
		return;
	CHECK_ERR(write(fd, "abc", 3), EIO);
	CHECK_EQ(ftruncate(fd, 8192), 0);
	char b[16];
	CHECK_ERR(read(fd, b, sizeof(b)), EIO);
	CHECK_ERR(pread(fd, b, sizeof(b), 0), EIO);
	struct iovec v[1] = {{b, sizeof(b)}};
	CHECK_ERR(readv(fd, v, 1), EIO);
	char *argv[] = {F(PFD_LIAR), NULL}, *envp[] = {NULL};
	CHECK_ERR(execve(F(PFD_LIAR), argv, envp), EIO); /* the kernel reads the ELF header */
	close(fd);
	CHECK_EQ(unlink(F(PFD_LIAR)), 0);
}

static void test_dirs(void)
{
	int dfd = open(PFD_DIR, O_RDONLY | O_DIRECTORY);
	if (!CHECK(dfd >= 3))
		return;
	int fd = openat(dfd, "b", O_CREAT | O_RDWR, 0600);
	CHECK(fd >= 3);
	CHECK_EQ(write(fd, "12345", 5), 5);
	CHECK_ERR(open(F("b/c"), O_RDONLY), ENOTDIR);
	CHECK_EQ(ntest_dir_has(PFD_DIR, "b"), 1);
	CHECK_EQ(ntest_dir_has(PFD_DIR, ".."), 1);
	CHECK_EQ(ntest_dir_has(PFD_DIR, "a"), 0);
	struct stat st;
	CHECK_EQ(fstatat(dfd, "b", &st, 0), 0);
	CHECK_EQ(st.st_size, 5);
	CHECK_EQ(fstatat(dfd, "", &st, AT_EMPTY_PATH), 0);
	CHECK(S_ISDIR(st.st_mode));
	CHECK_EQ(access(F("b"), R_OK | W_OK), 0);
	CHECK_ERR(access(F("nope"), F_OK), ENOENT);
	CHECK_EQ(faccessat(dfd, "b", R_OK, 0), 0);

	char cwd[256];
	CHECK_EQ(chdir(PFD_DIR), 0);
	CHECK(getcwd(cwd, sizeof(cwd)) && !strcmp(cwd, PFD_DIR));
	CHECK_EQ(stat("b", &st), 0);
	CHECK_EQ(stat("./b", &st), 0);
	CHECK_EQ(stat("../fd/b", &st), 0);
	CHECK_EQ(chdir(".."), 0);
	CHECK(getcwd(cwd, sizeof(cwd)) && !strcmp(cwd, "/test"));
	CHECK_EQ(stat("fd/b", &st), 0);
	CHECK_EQ(fchdir(dfd), 0);
	CHECK(getcwd(cwd, sizeof(cwd)) && !strcmp(cwd, PFD_DIR));
	int r = open("b", O_RDONLY);
	CHECK(r >= 3);
	close(r);
	CHECK_ERR(fchdir(fd), ENOTDIR);
	CHECK_ERR(getcwd(cwd, 3) ? 0 : -1, ERANGE);
	CHECK_EQ(chdir("/"), 0);
	CHECK(getcwd(cwd, sizeof(cwd)) && !strcmp(cwd, "/"));

	mode_t old = umask(027);
	CHECK_EQ(umask(old), 027);
	umask(077);
	int u = open(F("u"), O_CREAT | O_WRONLY, 0666);
	CHECK(u >= 3);
	CHECK_EQ(fstat(u, &st), 0);
	CHECK_EQ(st.st_mode & 0777, 0600);
	umask(old);
	close(u);
	CHECK_EQ(unlinkat(dfd, "u", 0), 0);

	close(fd);
	CHECK_EQ(unlinkat(dfd, "b", 0), 0);
	close(dfd);
}

int main(void)
{
	ntest_start("posixfd");
	int srv = start_server("pfd_server", PFD_DIR);
	if (srv < 0)
		ntest_done();
	if (!console_on()) {
		console_off();
		ntest_fail("console_on()", __FILE_NAME__, __LINE__, NULL);
		stop_server(srv);
		ntest_done();
	}
	test_bootfs();
	test_errors();
	test_symlinks();
	test_dup();
	test_files();
	test_liar();
	test_dirs();
	console_off();
	stop_server(srv);
	ntest_done();
}
