/*
 * posix_dirs: directory and path calls in a fresh directory under /tmp:
 * mkdir/mkdirat, readdir (getdents64) over many entries, unlink/unlinkat,
 * rmdir, rename/renameat and their error rules, link, symlink/readlink and
 * symlink resolution (dangling, loops, O_NOFOLLOW), chdir/fchdir/getcwd,
 * umask, faccessat, fchmodat, fchownat/lchown, utimensat. Built once, run
 * on the Linux host and in QEMU (ptest.h).
 */
#include "ptest.h"

#include <limits.h>

static int touch(const char *path, mode_t mode)
{
	int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, mode);
	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

static int is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static void test_mkdir_rmdir(void)
{
	struct stat st;
	mode_t old = umask(022);
	CHECK_EQ(mkdir("d", 0777), 0);
	CHECK(stat("d", &st) == 0 && S_ISDIR(st.st_mode) && (st.st_mode & 0777) == 0755);
	CHECK_ERR(mkdir("d", 0755), EEXIST);
	CHECK_ERR(mkdir("none/x", 0755), ENOENT);
	CHECK_EQ(touch("file", 0644), 0);
	CHECK_ERR(mkdir("file/x", 0755), ENOTDIR);
	CHECK_ERR(mkdir("file", 0755), EEXIST);
	/* A new directory has two links, and its parent gains one. */
	struct stat parent;
	CHECK_EQ(stat(".", &parent), 0);
	CHECK_EQ(mkdir("d/sub", 0700), 0);
	CHECK(stat("d/sub", &st) == 0 && st.st_nlink == 2 && (st.st_mode & 0777) == 0700);
	CHECK(stat("d", &st) == 0 && st.st_nlink == 3);

	/* rmdir: non-empty (ENOTEMPTY, or EEXIST which POSIX allows), a
	 * file (ENOTDIR), "." (EINVAL), missing (ENOENT). */
	errno = 0;
	CHECK(rmdir("d") == -1 && (errno == ENOTEMPTY || errno == EEXIST));
	CHECK_ERR(rmdir("file"), ENOTDIR);
	CHECK_ERR(rmdir("d/sub/."), EINVAL);
	CHECK_ERR(rmdir("gone"), ENOENT);
	CHECK_EQ(rmdir("d/sub"), 0);
	CHECK(!is_dir("d/sub"));
	CHECK(stat("d", &st) == 0 && st.st_nlink == 2);

	/* unlink: a directory is refused (EISDIR on Linux, EPERM per POSIX). */
	errno = 0;
	CHECK(unlink("d") == -1 && (errno == EISDIR || errno == EPERM));
	CHECK_ERR(unlink("gone"), ENOENT);
	CHECK_EQ(unlink("file"), 0);
	CHECK_ERR(stat("file", &st), ENOENT);

	/* The *at forms relative to a directory descriptor. */
	int dfd = open("d", O_RDONLY | O_DIRECTORY);
	CHECK(dfd >= 0);
	CHECK_EQ(mkdirat(dfd, "at", 0755), 0);
	CHECK(is_dir("d/at"));
	int fd = openat(dfd, "at/f", O_CREAT | O_WRONLY, 0644);
	CHECK(fd >= 0);
	close(fd);
	CHECK_EQ(fstatat(dfd, "at/f", &st, 0), 0);
	CHECK_EQ(unlinkat(dfd, "at/f", 0), 0);
	errno = 0;
	CHECK(unlinkat(dfd, "at", 0) == -1 && (errno == EISDIR || errno == EPERM));
	CHECK_EQ(unlinkat(dfd, "at", AT_REMOVEDIR), 0);
	CHECK(!is_dir("d/at"));
	close(dfd);
	umask(old);
}

/* readdir over enough entries to need several getdents64 calls. */
static void test_readdir(void)
{
	enum { N = 150 };
	char name[80];
	static unsigned char seen[N];
	if (!CHECK_EQ(mkdir("many", 0755), 0))
		return;
	for (int i = 0; i < N; i++) {
		snprintf(name, sizeof(name), "many/entry-with-a-longish-name-%03d", i);
		if (!CHECK_EQ(touch(name, 0644), 0))
			return;
	}
	CHECK_EQ(mkdir("many/subdir", 0755), 0);
	DIR *d = opendir("many");
	if (!CHECK(d != NULL))
		return;
	int dots = 0, others = 0, sub = 0, dups = 0;
	struct dirent *e;
	errno = 0;
	while ((e = readdir(d))) {
		int k;
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) {
			dots++;
		} else if (!strcmp(e->d_name, "subdir")) {
			sub++;
			CHECK(e->d_type == DT_DIR || e->d_type == DT_UNKNOWN);
		} else if (sscanf(e->d_name, "entry-with-a-longish-name-%d", &k) == 1 && k >= 0 &&
			   k < N) {
			dups += seen[k]++ != 0;
			CHECK(e->d_type == DT_REG || e->d_type == DT_UNKNOWN);
			CHECK(e->d_ino != 0);
		} else {
			others++;
		}
	}
	CHECK_EQ(errno, 0);
	CHECK_EQ(dots, 2);
	CHECK_EQ(sub, 1);
	CHECK_EQ(others, 0);
	CHECK_EQ(dups, 0);
	int missing = 0;
	for (int i = 0; i < N; i++)
		missing += !seen[i];
	CHECK_EQ(missing, 0);

	/* After unlinking half and rewinddir, exactly the rest is listed. */
	for (int i = 0; i < N; i += 2) {
		snprintf(name, sizeof(name), "many/entry-with-a-longish-name-%03d", i);
		CHECK_EQ(unlink(name), 0);
	}
	rewinddir(d);
	int count = 0, bad = 0;
	while ((e = readdir(d))) {
		int k;
		if (sscanf(e->d_name, "entry-with-a-longish-name-%d", &k) == 1) {
			count++;
			bad += k % 2 == 0;
		}
	}
	CHECK_EQ(count, N / 2);
	CHECK_EQ(bad, 0);
	closedir(d);
	/* An empty directory lists only . and .. */
	CHECK_EQ(mkdir("empty", 0755), 0);
	d = opendir("empty");
	count = 0;
	while (d && (e = readdir(d)))
		count++;
	CHECK_EQ(count, 2);
	if (d)
		closedir(d);
	CHECK(opendir("missing") == NULL && errno == ENOENT);
}

static void test_rename(void)
{
	struct stat a, b;
	char buf[8];
	CHECK_EQ(mkdir("r", 0755), 0);
	CHECK_EQ(touch("r/a", 0644), 0);
	int fd = open("r/b", O_CREAT | O_WRONLY, 0644);
	CHECK(fd >= 0 && write(fd, "bbb", 3) == 3);
	close(fd);
	CHECK_EQ(stat("r/a", &a), 0);
	/* Over an existing file: replaced atomically, same inode as the source. */
	CHECK_EQ(rename("r/a", "r/b"), 0);
	CHECK_ERR(stat("r/a", &b), ENOENT);
	CHECK(stat("r/b", &b) == 0 && b.st_ino == a.st_ino && b.st_size == 0);
	CHECK_ERR(rename("r/a", "r/c"), ENOENT);
	/* Directories: over a file (ENOTDIR), a file over a directory (EISDIR),
	 * over a non-empty one (ENOTEMPTY/EEXIST), over an empty one (done),
	 * into its own subtree (EINVAL). */
	CHECK_EQ(mkdir("r/d1", 0755), 0);
	CHECK_EQ(mkdir("r/d2", 0755), 0);
	CHECK_EQ(touch("r/d2/x", 0644), 0);
	CHECK_ERR(rename("r/d1", "r/b"), ENOTDIR);
	CHECK_ERR(rename("r/b", "r/d1"), EISDIR);
	errno = 0;
	CHECK(rename("r/d1", "r/d2") == -1 && (errno == ENOTEMPTY || errno == EEXIST));
	CHECK_EQ(rename("r/d2", "r/d1"), 0);
	CHECK(stat("r/d1/x", &b) == 0);
	CHECK_ERR(stat("r/d2", &b), ENOENT);
	CHECK_ERR(rename("r/d1", "r/d1/inside"), EINVAL);
	/* Across directories, through renameat with descriptors. */
	int d1 = open("r/d1", O_RDONLY | O_DIRECTORY), r = open("r", O_RDONLY | O_DIRECTORY);
	CHECK(d1 >= 0 && r >= 0);
	CHECK_EQ(renameat(d1, "x", r, "moved"), 0);
	CHECK(stat("r/moved", &b) == 0 && S_ISREG(b.st_mode));
	close(d1);
	close(r);
	/* Two links to the same file: rename is a no-op and both stay. */
	CHECK_EQ(link("r/b", "r/b2"), 0);
	CHECK_EQ(rename("r/b", "r/b2"), 0);
	CHECK(stat("r/b", &a) == 0 && stat("r/b2", &b) == 0 && a.st_ino == b.st_ino);
	/* Contents move with the name. */
	fd = open("r/moved", O_WRONLY);
	CHECK(fd >= 0 && write(fd, "mv", 2) == 2);
	close(fd);
	CHECK_EQ(rename("r/moved", "r/d1/back"), 0);
	fd = open("r/d1/back", O_RDONLY);
	CHECK(fd >= 0 && read(fd, buf, sizeof(buf)) == 2 && !memcmp(buf, "mv", 2));
	close(fd);
}

static void test_links(void)
{
	struct stat a, b;
	char buf[PATH_MAX];
	CHECK_EQ(mkdir("l", 0755), 0);
	int fd = open("l/orig", O_CREAT | O_WRONLY, 0644);
	CHECK(fd >= 0 && write(fd, "data", 4) == 4);
	close(fd);
	/* Hard links share the inode and count. */
	CHECK_EQ(link("l/orig", "l/hard"), 0);
	CHECK(stat("l/orig", &a) == 0 && stat("l/hard", &b) == 0);
	CHECK_EQ(a.st_ino, b.st_ino);
	CHECK_EQ(a.st_nlink, 2);
	CHECK_ERR(link("l/orig", "l/hard"), EEXIST);
	CHECK_ERR(link("l/none", "l/x"), ENOENT);
	errno = 0;
	CHECK(link("l", "l/dirlink") == -1 && (errno == EPERM || errno == EISDIR));
	CHECK_EQ(unlink("l/orig"), 0);
	CHECK(stat("l/hard", &b) == 0 && b.st_nlink == 1 && b.st_size == 4);
	/* An open file outlives its last name. */
	fd = open("l/hard", O_RDONLY);
	CHECK_EQ(unlink("l/hard"), 0);
	CHECK(fd >= 0 && read(fd, buf, 4) == 4 && !memcmp(buf, "data", 4));
	CHECK(fstat(fd, &b) == 0 && b.st_nlink == 0);
	close(fd);

	/* Symbolic links: lstat sees the link, stat the target. */
	CHECK_EQ(touch("l/target", 0600), 0);
	CHECK_EQ(symlink("target", "l/sym"), 0);
	CHECK(lstat("l/sym", &a) == 0 && S_ISLNK(a.st_mode));
	CHECK_EQ(a.st_size, 6);
	CHECK(stat("l/sym", &b) == 0 && S_ISREG(b.st_mode) && (b.st_mode & 0777) == 0600);
	memset(buf, 'X', sizeof(buf));
	CHECK_EQ(readlink("l/sym", buf, sizeof(buf)), 6);
	CHECK(!memcmp(buf, "target", 6) && buf[6] == 'X'); /* not terminated */
	CHECK_EQ(readlink("l/sym", buf, 3), 3);             /* truncated */
	CHECK_ERR(readlink("l/target", buf, sizeof(buf)), EINVAL);
	CHECK_ERR(readlink("l/none", buf, sizeof(buf)), ENOENT);
	CHECK_ERR(symlink("x", "l/sym"), EEXIST);
	int dfd = open("l", O_RDONLY | O_DIRECTORY);
	CHECK_EQ(readlinkat(dfd, "sym", buf, sizeof(buf)), 6);
	CHECK_EQ(symlinkat("/nonexistent/path", dfd, "dangling"), 0);
	close(dfd);
	/* Open through the link; O_NOFOLLOW refuses it with ELOOP. */
	fd = open("l/sym", O_WRONLY);
	CHECK(fd >= 0 && write(fd, "via", 3) == 3);
	close(fd);
	CHECK(stat("l/target", &b) == 0 && b.st_size == 3);
	CHECK_ERR(open("l/sym", O_RDONLY | O_NOFOLLOW), ELOOP);
	/* Dangling links: stat fails, lstat works, O_EXCL refuses to follow. */
	CHECK_ERR(stat("l/dangling", &b), ENOENT);
	CHECK(lstat("l/dangling", &b) == 0 && S_ISLNK(b.st_mode));
	CHECK_ERR(open("l/dangling", O_CREAT | O_EXCL | O_WRONLY, 0644), EEXIST);
	/* Loops end with ELOOP; a link to a directory is walked through. */
	CHECK_EQ(symlink("loop2", "l/loop1"), 0);
	CHECK_EQ(symlink("loop1", "l/loop2"), 0);
	CHECK_ERR(stat("l/loop1", &b), ELOOP);
	CHECK_ERR(open("l/loop1", O_RDONLY), ELOOP);
	CHECK_EQ(mkdir("l/realdir", 0755), 0);
	CHECK_EQ(touch("l/realdir/inner", 0644), 0);
	CHECK_EQ(symlink("realdir", "l/dirsym"), 0);
	CHECK(stat("l/dirsym/inner", &b) == 0 && S_ISREG(b.st_mode));
	/* An absolute link. */
	char abs[PATH_MAX];
	snprintf(abs, sizeof(abs), "%s/l/target", ptest_dir);
	CHECK_EQ(symlink(abs, "l/abssym"), 0);
	CHECK(stat("l/abssym", &b) == 0 && b.st_size == 3);
	/* unlink removes the link, not its target. */
	CHECK_EQ(unlink("l/sym"), 0);
	CHECK(stat("l/target", &b) == 0);
}

static void test_cwd(void)
{
	char buf[PATH_MAX], want[PATH_MAX];
	CHECK(getcwd(buf, sizeof(buf)) && !strcmp(buf, ptest_dir));
	CHECK_EQ(mkdir("c", 0755), 0);
	CHECK_EQ(mkdir("c/deeper", 0755), 0);
	CHECK_EQ(chdir("c/deeper"), 0);
	snprintf(want, sizeof(want), "%s/c/deeper", ptest_dir);
	CHECK(getcwd(buf, sizeof(buf)) && !strcmp(buf, want));
	CHECK_EQ(touch("here", 0644), 0); /* relative paths use the new cwd */
	CHECK_EQ(chdir("../.."), 0);
	CHECK(getcwd(buf, sizeof(buf)) && !strcmp(buf, ptest_dir));
	CHECK(access("c/deeper/here", F_OK) == 0);
	CHECK_EQ(touch("c/afile", 0644), 0);
	CHECK_ERR(chdir("c/afile"), ENOTDIR);
	CHECK_ERR(chdir("c/none"), ENOENT);
	/* fchdir */
	int fd = open("c", O_RDONLY | O_DIRECTORY);
	CHECK_EQ(fchdir(fd), 0);
	snprintf(want, sizeof(want), "%s/c", ptest_dir);
	CHECK(getcwd(buf, sizeof(buf)) && !strcmp(buf, want));
	close(fd);
	fd = open("afile", O_RDONLY);
	CHECK_ERR(fchdir(fd), ENOTDIR);
	close(fd);
	CHECK_EQ(chdir(ptest_dir), 0);
	/* A buffer too small: ERANGE. */
	CHECK(getcwd(buf, 4) == NULL && errno == ERANGE);
	/* Through a symlink, getcwd gives the physical path. */
	CHECK_EQ(symlink("c", "csym"), 0);
	CHECK_EQ(chdir("csym"), 0);
	CHECK(getcwd(buf, sizeof(buf)) && !strcmp(buf, want));
	CHECK_EQ(chdir(ptest_dir), 0);
}

static void test_umask_access(void)
{
	struct stat st;
	mode_t old = umask(077);
	CHECK_EQ(umask(077), 077);
	CHECK_EQ(touch("u1", 0666), 0);
	CHECK(stat("u1", &st) == 0 && (st.st_mode & 0777) == 0600);
	CHECK_EQ(mkdir("u2", 0777), 0);
	CHECK(stat("u2", &st) == 0 && (st.st_mode & 0777) == 0700);
	umask(0);
	CHECK_EQ(touch("u3", 0666), 0);
	CHECK(stat("u3", &st) == 0 && (st.st_mode & 0777) == 0666);
	umask(old);

	/* faccessat: existence and permission bits (root bypasses read and
	 * write checks but needs an execute bit for X_OK). */
	CHECK_EQ(faccessat(AT_FDCWD, "u1", F_OK, 0), 0);
	CHECK_ERR(faccessat(AT_FDCWD, "none", F_OK, 0), ENOENT);
	CHECK_ERR(access("u1/x", F_OK), ENOTDIR);
	CHECK_EQ(access("u1", R_OK | W_OK), 0);
	CHECK_ERR(access("u1", X_OK), EACCES);
	CHECK_EQ(fchmodat(AT_FDCWD, "u1", 0100, 0), 0);
	CHECK_EQ(access("u1", X_OK), 0);
	CHECK_EQ(chmod("u1", 0), 0);
	if (geteuid() == 0) {
		CHECK_EQ(access("u1", R_OK | W_OK), 0);
		CHECK_ERR(access("u1", X_OK), EACCES);
	} else {
		CHECK_ERR(access("u1", R_OK), EACCES);
	}
	CHECK_ERR(access("u1", 0x40), EINVAL);

	/* fchmodat/fchmod: all twelve mode bits are kept; the type is not touched. */
	CHECK_EQ(fchmodat(AT_FDCWD, "u1", 04755, 0), 0);
	CHECK(stat("u1", &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 07777) == 04755);
	int fd = open("u1", O_RDONLY);
	CHECK_EQ(fchmod(fd, 0640), 0);
	CHECK(fstat(fd, &st) == 0 && (st.st_mode & 07777) == 0640);
	close(fd);
	CHECK_EQ(chmod("u2", 01777), 0);
	CHECK(stat("u2", &st) == 0 && S_ISDIR(st.st_mode) && (st.st_mode & 07777) == 01777);
	CHECK_ERR(chmod("none", 0644), ENOENT);
	/* Through a symlink chmod changes the target. */
	CHECK_EQ(symlink("u3", "u3sym"), 0);
	CHECK_EQ(chmod("u3sym", 0604), 0);
	CHECK(stat("u3", &st) == 0 && (st.st_mode & 0777) == 0604);
}

static void test_chown(void)
{
	struct stat st, lst;
	CHECK_EQ(touch("o1", 0644), 0);
	/* Changing to one's own ids and -1 (no change) always works. */
	CHECK_EQ(fchownat(AT_FDCWD, "o1", getuid(), getgid(), 0), 0);
	CHECK_EQ(chown("o1", -1, -1), 0);
	CHECK(stat("o1", &st) == 0 && st.st_uid == getuid() && st.st_gid == getgid());
	CHECK_ERR(chown("none", -1, -1), ENOENT);
	if (geteuid() != 0) {
		CHECK_ERR(chown("o1", 0, 0), EPERM);
		return;
	}
	CHECK_EQ(chown("o1", 1, 2), 0);
	CHECK(stat("o1", &st) == 0 && st.st_uid == 1 && st.st_gid == 2);
	int fd = open("o1", O_RDONLY);
	CHECK_EQ(fchown(fd, -1, 3), 0);
	CHECK(fstat(fd, &st) == 0 && st.st_uid == 1 && st.st_gid == 3);
	close(fd);
	/* AT_SYMLINK_NOFOLLOW (lchown) changes the link, not the target. */
	CHECK_EQ(symlink("o1", "o1sym"), 0);
	CHECK_EQ(fchownat(AT_FDCWD, "o1sym", 4, 5, AT_SYMLINK_NOFOLLOW), 0);
	CHECK(lstat("o1sym", &lst) == 0 && lst.st_uid == 4 && lst.st_gid == 5);
	CHECK(stat("o1", &st) == 0 && st.st_uid == 1 && st.st_gid == 3);
	CHECK_EQ(chown("o1sym", 6, 7), 0); /* follows */
	CHECK(stat("o1", &st) == 0 && st.st_uid == 6 && st.st_gid == 7);
	CHECK(lstat("o1sym", &lst) == 0 && lst.st_uid == 4);
}

static void test_times(void)
{
	struct stat st, st2;
	CHECK_EQ(touch("t1", 0644), 0);
	/* Explicit times. */
	struct timespec ts[2] = {{1000000000, 5000}, {1200000000, 7000}};
	CHECK_EQ(utimensat(AT_FDCWD, "t1", ts, 0), 0);
	CHECK(stat("t1", &st) == 0);
	CHECK_EQ(st.st_atim.tv_sec, 1000000000);
	CHECK_EQ(st.st_mtim.tv_sec, 1200000000);
	/* UTIME_OMIT keeps a time; UTIME_NOW takes the current one. */
	struct timespec before, after;
	clock_gettime(CLOCK_REALTIME, &before);
	struct timespec ts2[2] = {{0, UTIME_OMIT}, {0, UTIME_NOW}};
	CHECK_EQ(utimensat(AT_FDCWD, "t1", ts2, 0), 0);
	clock_gettime(CLOCK_REALTIME, &after);
	CHECK(stat("t1", &st) == 0);
	CHECK_EQ(st.st_atim.tv_sec, 1000000000);
	CHECK(st.st_mtim.tv_sec >= before.tv_sec - 1 && st.st_mtim.tv_sec <= after.tv_sec + 1);
	/* NULL: both now. */
	CHECK_EQ(utimensat(AT_FDCWD, "t1", NULL, 0), 0);
	CHECK(stat("t1", &st) == 0 && st.st_atim.tv_sec >= before.tv_sec - 1);
	CHECK(futimens(-1, NULL) == -1 && errno == EBADF);
	struct timespec bad[2] = {{0, 1000000000}, {0, 0}};
	CHECK_ERR(utimensat(AT_FDCWD, "t1", bad, 0), EINVAL);
	CHECK_ERR(utimensat(AT_FDCWD, "none", NULL, 0), ENOENT);
	/* futimens on a descriptor. */
	int fd = open("t1", O_RDWR);
	CHECK_EQ(futimens(fd, ts), 0);
	CHECK(fstat(fd, &st) == 0 && st.st_mtim.tv_sec == 1200000000);
	/* A write moves mtime forward to about now, a chmod moves ctime. */
	CHECK_EQ(write(fd, "x", 1), 1);
	CHECK(fstat(fd, &st2) == 0 && st2.st_mtim.tv_sec >= before.tv_sec - 1);
	CHECK_EQ(fchmod(fd, 0600), 0);
	CHECK(fstat(fd, &st2) == 0 && st2.st_ctim.tv_sec >= before.tv_sec - 1);
	close(fd);
	/* AT_SYMLINK_NOFOLLOW sets the link's own times. */
	CHECK_EQ(symlink("t1", "t1sym"), 0);
	CHECK_EQ(utimensat(AT_FDCWD, "t1sym", ts, AT_SYMLINK_NOFOLLOW), 0);
	CHECK(lstat("t1sym", &st) == 0 && st.st_mtim.tv_sec == 1200000000);
	CHECK(stat("t1", &st) == 0 && st.st_mtim.tv_sec != 1200000000);
}

int main(void)
{
	ptest_start("dirs");
	test_mkdir_rmdir();
	test_readdir();
	test_rename();
	test_links();
	test_cwd();
	test_umask_access();
	test_chown();
	test_times();
	ptest_done();
}
