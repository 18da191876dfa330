/*
 * t_tmpfs: fs-tmp, started with ImageSpawn at /tt and reached by name
 * through procnto (srvio.h, hand-built messages):
 *  (a) files: create, O_EXCL, O_TRUNC, O_APPEND, pread/pwrite, lseek,
 *      ENOENT / EEXIST / ENOTDIR / EISDIR;
 *  (b) directories: mkdir, link counts, readdir records and positions,
 *      rmdir (ENOTEMPTY, ENOTDIR), unlink of a directory (EISDIR);
 *  (c) hard links: nlink, one inode, link to a directory EPERM;
 *  (d) rename: over an existing file, directories between parents,
 *      into itself EINVAL, over a non-empty directory ENOTEMPTY, the
 *      source given relative and absolute;
 *  (e) symlinks: readlink, stat vs lstat, in the middle and at the end of
 *      a path, O_NOFOLLOW ELOOP, dangling links, O_CREAT through one,
 *      loops ELOOP;
 *  (f) truncate (grow sparse, shrink, grow again: zeros), holes;
 *  (g) a 64 MiB file written and read back with a checksum; its memory
 *      back to the system after unlink (also when a dying process held
 *      it open);
 *  (h) chmod, chown, utimes, mtime on write, statfs;
 *  (i) permissions of an unprivileged client: search and write on
 *      directories, the sticky bit, file modes;
 *  (j) FIFOs: mknod, non-blocking opens (ENXIO without a reader), data,
 *      end of file, an open waiting for the other end (another process),
 *      a waiting opener killed;
 *  (k) everything removed: the root lists only "." and "..".
 */
#define _GNU_SOURCE
#include "ntest.h"
#include "srvio.h"

#include <dirent.h>
#include <signal.h>
#include <sys/resmgr_ext.h>
#include <sys/stat.h>
#include <sys/vfs.h>

#define MNT "/tt"
#define BIG (64u << 20)
#define CHUNK (64u * 1024)
#define DCMD_FSYS_STATFS __DIOF(_DCMD_FSYS, 13, struct statfs)

static unsigned char chunk[CHUNK], back[CHUNK];

static int put_file(const char *path, const void *data, size_t n)
{
	int fd = sio_open(path, O_CREAT | O_WRONLY | O_TRUNC, 0644);
	if (fd < 0)
		return fd;
	long w = sio_write(fd, data, n);
	sio_close(fd);
	return w == (long)n ? 0 : (w < 0 ? (int)w : -EIO);
}

/* The file's contents as a string (up to cap - 1 bytes); length or -errno. */
static long get_file(const char *path, char *buf, size_t cap)
{
	int fd = sio_open(path, O_RDONLY, 0);
	if (fd < 0)
		return fd;
	long n = sio_read(fd, buf, cap - 1);
	sio_close(fd);
	if (n >= 0)
		buf[n] = '\0';
	return n;
}

static struct _io_stat st_of(const char *path, int nofollow)
{
	struct _io_stat st;
	memset(&st, 0, sizeof(st));
	if (sio_stat(path, nofollow, &st) != 0)
		st.st_mode = 0;
	return st;
}

static uint64_t free_pages(void)
{
	struct _sys_meminfo mi;
	return SysMemInfo(&mi) == 0 ? mi.free_pages : 0;
}

static void test_files(void)
{
	char b[64];
	CHECK_EQ(put_file(MNT "/a", "hello", 5), 0);
	struct _io_stat st = st_of(MNT "/a", 0);
	CHECK_EQ(st.st_mode, S_IFREG | 0644);
	CHECK_EQ(st.st_size, 5);
	CHECK_EQ(st.st_nlink, 1);
	CHECK_EQ(st.st_blksize, 4096);
	CHECK_EQ(get_file(MNT "/a", b, sizeof(b)), 5);
	CHECK_EQ(strcmp(b, "hello"), 0);
	CHECK_EQ(sio_open(MNT "/a", O_CREAT | O_EXCL | O_WRONLY, 0644), -EEXIST);
	CHECK_EQ(sio_open(MNT "/none", O_RDONLY, 0), -ENOENT);
	CHECK_EQ(sio_open(MNT "/a/x", O_RDONLY, 0), -ENOTDIR);
	CHECK_EQ(sio_open(MNT "/a/x", O_CREAT | O_WRONLY, 0644), -ENOTDIR);
	CHECK_EQ(sio_open(MNT "/none/x", O_CREAT | O_WRONLY, 0644), -ENOENT);

	int fd = sio_open(MNT "/a", O_WRONLY | O_APPEND, 0);
	if (CHECK(fd >= 0)) {
		CHECK_EQ(sio_write(fd, " world", 6), 6);
		CHECK_EQ(sio_lseek(fd, 0, SEEK_SET), 0);
		CHECK_EQ(sio_write(fd, "!", 1), 1); /* O_APPEND: at the end anyway */
		CHECK_EQ(sio_read(fd, b, 1), -EBADF);
		CHECK_EQ(sio_close(fd), 0);
	}
	CHECK_EQ(get_file(MNT "/a", b, sizeof(b)), 12);
	CHECK_EQ(strcmp(b, "hello world!"), 0);

	fd = sio_open(MNT "/a", O_RDWR, 0);
	if (CHECK(fd >= 0)) {
		CHECK_EQ(sio_pwrite(fd, "J", 1, 0), 1);
		CHECK_EQ(sio_pread(fd, b, 5, 6), 5);
		CHECK_EQ(memcmp(b, "world", 5), 0);
		CHECK_EQ(sio_lseek(fd, 0, SEEK_CUR), 0); /* pread/pwrite leave the offset */
		CHECK_EQ(sio_lseek(fd, -1, SEEK_END), 11);
		CHECK_EQ(sio_read(fd, b, 10), 1);
		CHECK_EQ(sio_read(fd, b, 10), 0);
		CHECK_EQ(sio_close(fd), 0);
	}
	CHECK_EQ(get_file(MNT "/a", b, sizeof(b)), 12);
	CHECK_EQ(strcmp(b, "Jello world!"), 0);

	fd = sio_open(MNT "/a", O_WRONLY | O_TRUNC, 0);
	if (CHECK(fd >= 0))
		CHECK_EQ(sio_close(fd), 0);
	CHECK_EQ(st_of(MNT "/a", 0).st_size, 0);
	CHECK_EQ(sio_unlink(MNT "/a"), 0);
	CHECK_EQ(sio_unlink(MNT "/a"), -ENOENT);
	CHECK_EQ(st_of(MNT "/a", 0).st_mode, 0);
}

/* Reads directory path: the names (space-separated, in order) into out. */
static int list_dir(const char *path, char *out, size_t cap)
{
	int d = sio_open(path, O_RDONLY | O_DIRECTORY, 0);
	if (d < 0)
		return d;
	static char dbuf[512];
	int n = 0;
	long got;
	out[0] = '\0';
	int64_t last_off = -1;
	while ((got = sio_read(d, dbuf, sizeof(dbuf))) > 0) {
		for (long off = 0; off < got;) {
			struct resmgr_dirent64 *de = (void *)(dbuf + off);
			CHECK(de->d_reclen % 8 == 0 && de->d_reclen > 19);
			CHECK(de->d_off > last_off);
			last_off = de->d_off;
			if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
				CHECK_EQ(de->d_type, DT_DIR);
			snprintf(out + strlen(out), cap - strlen(out), "%s%s", n ? " " : "", de->d_name);
			n++;
			off += de->d_reclen;
		}
	}
	CHECK_EQ(sio_lseek(d, 0, SEEK_SET), 0);
	CHECK_EQ(sio_read(d, dbuf, 10), -EINVAL); /* a buffer too small for any record */
	CHECK(sio_read(d, dbuf, sizeof(dbuf)) > 0);
	sio_close(d);
	return got < 0 ? (int)got : n;
}

static void test_dirs(void)
{
	char names[256];
	struct _io_stat root0 = st_of(MNT, 0);
	CHECK_EQ(root0.st_mode, S_IFDIR | 01777);
	CHECK_EQ(sio_mkdir(MNT "/d", 0755), 0);
	CHECK_EQ(sio_mkdir(MNT "/d", 0755), -EEXIST);
	struct _io_stat st = st_of(MNT "/d", 0);
	CHECK_EQ(st.st_mode, S_IFDIR | 0755);
	CHECK_EQ(st.st_nlink, 2);
	CHECK_EQ(st_of(MNT, 0).st_nlink, root0.st_nlink + 1);
	CHECK_EQ(sio_mkdir(MNT "/d/e", 0700), 0);
	CHECK_EQ(st_of(MNT "/d", 0).st_nlink, 3);
	CHECK_EQ(put_file(MNT "/d/f1", "1", 1), 0);
	CHECK_EQ(put_file(MNT "/d/f2", "22", 2), 0);
	CHECK_EQ(sio_open(MNT "/d", O_WRONLY, 0), -EISDIR);
	CHECK_EQ(sio_open(MNT "/d/f1/", O_RDONLY, 0), -ENOTDIR);
	CHECK_EQ(sio_unlink(MNT "/d"), -EISDIR);
	CHECK_EQ(sio_rmdir(MNT "/d"), -ENOTEMPTY);
	CHECK_EQ(sio_rmdir(MNT "/d/f1"), -ENOTDIR);
	CHECK_EQ(sio_rmdir(MNT "/d/none"), -ENOENT);
	CHECK_EQ(list_dir(MNT "/d", names, sizeof(names)), 5);
	CHECK_EQ(strcmp(names, ". .. e f1 f2"), 0);
	/* an entry removed and one added between reads: no repeats, no loss */
	int d = sio_open(MNT "/d", O_RDONLY | O_DIRECTORY, 0);
	if (CHECK(d >= 0)) {
		static char dbuf[64];
		long got = sio_read(d, dbuf, 48); /* ".", ".." only */
		CHECK(got > 0);
		CHECK_EQ(sio_unlink(MNT "/d/f1"), 0);
		CHECK_EQ(put_file(MNT "/d/f3", "", 0), 0);
		char seen[64] = "";
		while ((got = sio_read(d, dbuf, sizeof(dbuf))) > 0) {
			for (long off = 0; off < got;) {
				struct resmgr_dirent64 *de = (void *)(dbuf + off);
				snprintf(seen + strlen(seen), sizeof(seen) - strlen(seen), "%s ",
					 de->d_name);
				off += de->d_reclen;
			}
		}
		CHECK_EQ(strcmp(seen, "e f2 f3 "), 0);
		sio_close(d);
	}
	CHECK_EQ(sio_rmdir(MNT "/d/e"), 0);
	CHECK_EQ(st_of(MNT "/d", 0).st_nlink, 2);
	CHECK_EQ(sio_unlink(MNT "/d/f2"), 0);
	CHECK_EQ(sio_unlink(MNT "/d/f3"), 0);
	CHECK_EQ(sio_rmdir(MNT "/d"), 0);
	CHECK_EQ(st_of(MNT, 0).st_nlink, root0.st_nlink);
}

static void test_links_rename(void)
{
	char b[64];
	CHECK_EQ(sio_mkdir(MNT "/d", 0755), 0);
	CHECK_EQ(put_file(MNT "/a", "data", 4), 0);
	CHECK_EQ(sio_link("a", MNT "/d/b"), 0);
	struct _io_stat sa = st_of(MNT "/a", 0), sb = st_of(MNT "/d/b", 0);
	CHECK_EQ(sa.st_nlink, 2);
	CHECK_EQ(sa.st_ino, sb.st_ino);
	CHECK_EQ(sio_link("a", MNT "/d/b"), -EEXIST);
	CHECK_EQ(sio_link("d", MNT "/dl"), -EPERM);
	CHECK_EQ(sio_link("none", MNT "/x"), -ENOENT);
	CHECK_EQ(sio_unlink(MNT "/a"), 0);
	CHECK_EQ(st_of(MNT "/d/b", 0).st_nlink, 1);
	CHECK_EQ(get_file(MNT "/d/b", b, sizeof(b)), 4);

	/* rename over an existing file: the old target goes */
	CHECK_EQ(put_file(MNT "/t", "target", 6), 0);
	uint64_t t_ino = st_of(MNT "/t", 0).st_ino;
	CHECK_EQ(sio_rename("d/b", MNT "/t"), 0);
	struct _io_stat st = st_of(MNT "/t", 0);
	CHECK_EQ(st.st_ino, sb.st_ino);
	CHECK(st.st_ino != t_ino);
	CHECK_EQ(st.st_nlink, 1);
	CHECK_EQ(get_file(MNT "/t", b, sizeof(b)), 4);
	CHECK_EQ(st_of(MNT "/d/b", 0).st_mode, 0);
	/* the source as an absolute path */
	CHECK_EQ(sio_rename(MNT "/t", MNT "/d/t2"), 0);
	CHECK_EQ(get_file(MNT "/d/t2", b, sizeof(b)), 4);
	CHECK_EQ(sio_rename("none", MNT "/x"), -ENOENT);
	CHECK_EQ(sio_rename("/elsewhere/x", MNT "/x"), -EXDEV);
	/* two names of one file: nothing happens */
	CHECK_EQ(sio_link("d/t2", MNT "/t3"), 0);
	CHECK_EQ(sio_rename("t3", MNT "/d/t2"), 0);
	CHECK_EQ(st_of(MNT "/t3", 0).st_nlink, 2);
	CHECK_EQ(sio_unlink(MNT "/t3"), 0);
	/* the link source named by an open fd (struct _msg_info, as _IO_DUP does) */
	int fd = sio_open(MNT "/d/t2", O_RDONLY, 0);
	struct _server_info si;
	if (CHECK(fd >= 0) && CHECK_EQ(ConnectServerInfo(0, fd, &si), fd)) {
		struct _msg_info mi;
		memset(&mi, 0, sizeof(mi));
		mi.pid = getpid();
		mi.chid = si.chid;
		mi.scoid = si.scoid;
		mi.coid = fd;
		CHECK_EQ(sio_op(MNT "/byfd", _IO_CONNECT_LINK, O_CREAT | O_EXCL | O_NOFOLLOW, 0,
				_IO_CONNECT_EXTRA_LINK, &mi, sizeof(mi)), 0);
		CHECK_EQ(st_of(MNT "/byfd", 0).st_ino, sb.st_ino);
		mi.coid = fd + 1000; /* not a connection of ours */
		CHECK_EQ(sio_op(MNT "/byfd2", _IO_CONNECT_LINK, O_CREAT | O_EXCL | O_NOFOLLOW, 0,
				_IO_CONNECT_EXTRA_LINK, &mi, sizeof(mi)), -EXDEV);
		CHECK_EQ(sio_close(fd), 0);
		CHECK_EQ(sio_unlink(MNT "/byfd"), 0);
	}

	/* directories */
	CHECK_EQ(sio_mkdir(MNT "/d2", 0755), 0);
	CHECK_EQ(sio_mkdir(MNT "/d/sub", 0755), 0);
	CHECK_EQ(put_file(MNT "/d/sub/f", "f", 1), 0);
	CHECK_EQ(sio_rename("d", MNT "/d/sub/x"), -EINVAL);
	CHECK_EQ(sio_rename("d", MNT "/d/x"), -EINVAL);
	CHECK_EQ(sio_rename("d2", MNT "/d/sub"), -ENOTEMPTY);
	CHECK_EQ(sio_rename("d2", MNT "/d/t2"), -ENOTDIR);
	CHECK_EQ(sio_rename("d/t2", MNT "/d2"), -EISDIR);
	CHECK_EQ(sio_rename("d/sub", MNT "/d2/moved"), 0);
	CHECK_EQ(st_of(MNT "/d", 0).st_nlink, 2);
	CHECK_EQ(st_of(MNT "/d2", 0).st_nlink, 3);
	CHECK_EQ(get_file(MNT "/d2/moved/f", b, sizeof(b)), 1);
	CHECK_EQ(sio_mkdir(MNT "/empty", 0755), 0);
	CHECK_EQ(sio_rename("d2/moved", MNT "/empty"), 0); /* over an empty directory */
	CHECK_EQ(st_of(MNT "/empty/f", 0).st_size, 1);
	CHECK_EQ(st_of(MNT "/d2", 0).st_nlink, 2);

	CHECK_EQ(sio_unlink(MNT "/empty/f"), 0);
	CHECK_EQ(sio_rmdir(MNT "/empty"), 0);
	CHECK_EQ(sio_unlink(MNT "/d/t2"), 0);
	CHECK_EQ(sio_rmdir(MNT "/d"), 0);
	CHECK_EQ(sio_rmdir(MNT "/d2"), 0);
}

static void test_symlinks(void)
{
	char b[128];
	CHECK_EQ(sio_mkdir(MNT "/d", 0755), 0);
	CHECK_EQ(put_file(MNT "/d/f", "file", 4), 0);
	CHECK_EQ(sio_symlink("d/f", MNT "/l"), 0);
	CHECK_EQ(sio_symlink("d/f", MNT "/l"), -EEXIST);
	CHECK_EQ(sio_readlink(MNT "/l", b, sizeof(b)), 3);
	CHECK_EQ(strcmp(b, "d/f"), 0);
	CHECK_EQ(sio_readlink(MNT "/d/f", b, sizeof(b)), -EINVAL);
	struct _io_stat st = st_of(MNT "/l", 0), lst = st_of(MNT "/l", 1);
	CHECK_EQ(st.st_mode, S_IFREG | 0644);
	CHECK_EQ(lst.st_mode, S_IFLNK | 0777);
	CHECK_EQ(lst.st_size, 3);
	CHECK_EQ(get_file(MNT "/l", b, sizeof(b)), 4);
	CHECK_EQ(sio_open(MNT "/l", O_RDONLY | O_NOFOLLOW, 0), -ELOOP);

	/* in the middle of a path: relative and absolute targets */
	CHECK_EQ(sio_symlink("d", MNT "/ld"), 0);
	CHECK_EQ(sio_symlink(MNT "/d", MNT "/la"), 0);
	CHECK_EQ(get_file(MNT "/ld/f", b, sizeof(b)), 4);
	CHECK_EQ(get_file(MNT "/la/f", b, sizeof(b)), 4);
	CHECK_EQ(sio_readlink(MNT "/ld/../l", b, sizeof(b)), 3);
	CHECK_EQ(st_of(MNT "/ld/", 0).st_mode, S_IFDIR | 0755);
	CHECK_EQ(sio_readlink(MNT "/la", b, sizeof(b)), (int)strlen(MNT "/d"));
	/* the rename source and the link source pass through symlinks too */
	CHECK_EQ(sio_rename("ld/f", MNT "/f2"), 0);
	CHECK_EQ(sio_rename("f2", MNT "/la/f"), 0);
	/* unlink removes the link, not its target */
	CHECK_EQ(sio_unlink(MNT "/l"), 0);
	CHECK_EQ(st_of(MNT "/d/f", 0).st_size, 4);

	/* dangling links; O_CREAT through one creates its target */
	CHECK_EQ(sio_symlink("d/new", MNT "/dang"), 0);
	CHECK_EQ(sio_open(MNT "/dang", O_RDONLY, 0), -ENOENT);
	CHECK_EQ(st_of(MNT "/dang", 1).st_mode, S_IFLNK | 0777);
	CHECK_EQ(put_file(MNT "/dang", "via", 3), 0);
	CHECK_EQ(get_file(MNT "/d/new", b, sizeof(b)), 3);
	CHECK_EQ(sio_open(MNT "/dang", O_CREAT | O_EXCL | O_WRONLY, 0644), -EEXIST);

	/* loops */
	CHECK_EQ(sio_symlink("loop2", MNT "/loop1"), 0);
	CHECK_EQ(sio_symlink("loop1", MNT "/loop2"), 0);
	CHECK_EQ(sio_open(MNT "/loop1", O_RDONLY, 0), -ELOOP);

	const char *rm[] = {"/loop1", "/loop2", "/dang", "/d/new", "/ld", "/la", "/d/f"};
	for (size_t i = 0; i < sizeof(rm) / sizeof(rm[0]); i++) {
		char p[64];
		snprintf(p, sizeof(p), MNT "%s", rm[i]);
		CHECK_EQ(sio_unlink(p), 0);
	}
	CHECK_EQ(sio_rmdir(MNT "/d"), 0);
}

static int all_zero(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

static void test_truncate(void)
{
	int fd = sio_open(MNT "/s", O_CREAT | O_RDWR, 0600);
	if (!CHECK(fd >= 0))
		return;
	CHECK_EQ(sio_write(fd, "abcdefgh", 8), 8);
	CHECK_EQ(sio_ftruncate(fd, 1 << 20), 1 << 20);
	struct _io_stat st;
	CHECK_EQ(sio_fstat(fd, &st), 0);
	CHECK_EQ(st.st_size, 1 << 20);
	CHECK_EQ(st.st_blocks, 8); /* one page: the rest is a hole */
	CHECK_EQ(sio_pread(fd, back, CHUNK, 500000), CHUNK);
	CHECK(all_zero(back, CHUNK));
	CHECK_EQ(sio_ftruncate(fd, 3), 3);
	CHECK_EQ(sio_ftruncate(fd, 8), 8);
	memset(back, 0xff, 16);
	CHECK_EQ(sio_pread(fd, back, 16, 0), 8);
	CHECK_EQ(memcmp(back, "abc\0\0\0\0\0", 8), 0);
	/* a write far out: one page, size from it */
	CHECK_EQ(sio_pwrite(fd, "z", 1, 10 << 20), 1);
	CHECK_EQ(sio_fstat(fd, &st), 0);
	CHECK_EQ(st.st_size, (10 << 20) + 1);
	CHECK_EQ(st.st_blocks, 16);
	CHECK_EQ(sio_close(fd), 0);
	/* truncate() of a path: write access needed, then _IO_SPACE */
	struct _io_space m = {.type = _IO_SPACE, .subtype = _IO_SPACE_FREESP, .whence = SEEK_SET,
			      .start = 100, .len = 0};
	uint64_t size = 0;
	CHECK_EQ(sio_path_io(MNT "/s", _IO_FLAG_WR, &m, sizeof(m), &size, sizeof(size)), 0);
	CHECK_EQ(size, 100);
	CHECK_EQ(sio_path_io(MNT "/s", 0, &m, sizeof(m), &size, sizeof(size)), -EINVAL);
	CHECK_EQ(st_of(MNT "/s", 0).st_size, 100);
	CHECK_EQ(sio_unlink(MNT "/s"), 0);
}

/* xorshift64: the contents of the big file. */
static void fill(uint64_t *state, unsigned char *p, size_t n)
{
	uint64_t x = *state;
	for (size_t i = 0; i < n; i += 8) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		memcpy(p + i, &x, 8);
	}
	*state = x;
}

static void test_big(void)
{
	uint64_t free0 = free_pages(), t0 = ntest_now();
	int fd = sio_open(MNT "/big", O_CREAT | O_RDWR, 0644);
	if (!CHECK(fd >= 0))
		return;
	uint64_t s = 0x9e3779b97f4a7c15ull, sum = 0;
	for (uint32_t off = 0; off < BIG; off += CHUNK) {
		fill(&s, chunk, CHUNK);
		for (size_t i = 0; i < CHUNK; i++)
			sum = sum * 31 + chunk[i];
		if (!CHECK_EQ(sio_write(fd, chunk, CHUNK), CHUNK))
			break;
	}
	struct _io_stat st;
	CHECK_EQ(sio_fstat(fd, &st), 0);
	CHECK_EQ(st.st_size, BIG);
	CHECK_EQ(st.st_blocks, BIG / 512);
	uint64_t free1 = free_pages(), t1 = ntest_now();
	CHECK(free0 - free1 >= BIG / 4096);
	CHECK_EQ(sio_lseek(fd, 0, SEEK_SET), 0);
	uint64_t sum2 = 0;
	static unsigned char rbuf[256 * 1024]; /* reads wider than the server's part batch */
	for (uint32_t off = 0; off < BIG; off += sizeof(rbuf)) {
		if (!CHECK_EQ(sio_read(fd, rbuf, sizeof(rbuf)), sizeof(rbuf)))
			break;
		for (size_t i = 0; i < sizeof(rbuf); i++)
			sum2 = sum2 * 31 + rbuf[i];
	}
	CHECK_EQ(sum2, sum);
	uint64_t t2 = ntest_now();
	CHECK_EQ(sio_read(fd, rbuf, 1), 0);
	/* unlinked while open: still there until closed */
	CHECK_EQ(sio_unlink(MNT "/big"), 0);
	CHECK_EQ(sio_pread(fd, rbuf, 8, BIG - 8), 8);
	CHECK(free_pages() + 64 < free0);
	CHECK_EQ(sio_close(fd), 0);
	uint64_t free2 = free_pages();
	CHECK(free2 + 256 >= free0);
	ntest_info("64 MiB file: written in %llu ms, read and summed in %llu ms; free pages "
		   "%llu before, %llu with it, %llu after unlink and close",
		   (unsigned long long)((t1 - t0) / NTEST_MS), (unsigned long long)((t2 - t1) / NTEST_MS),
		   (unsigned long long)free0, (unsigned long long)free1, (unsigned long long)free2);

	/* a process dying with a file open: closed for it, then freed */
	fd = sio_open(MNT "/held", O_CREAT | O_WRONLY, 0644);
	if (!CHECK(fd >= 0))
		return;
	for (uint32_t off = 0; off < (8u << 20); off += CHUNK)
		sio_write(fd, chunk, CHUNK);
	sio_close(fd);
	char *argv[] = {"srv_helper", "tmp-hold", MNT "/held", NULL};
	int pid = sio_spawn("srv_helper", argv);
	CHECK(pid > 0);
	struct timespec ts = {0, 50000000};
	nanosleep(&ts, NULL);
	CHECK_EQ(sio_unlink(MNT "/held"), 0);
	CHECK(free_pages() + 1024 < free0);
	CHECK_EQ(kill(pid, SIGKILL), 0);
	int status;
	CHECK_EQ(ProcWait(pid, &status, 0), pid);
	uint64_t end = ntest_now() + 2000 * NTEST_MS;
	while (free_pages() + 256 < free0 && ntest_now() < end)
		nanosleep(&ts, NULL);
	CHECK(free_pages() + 256 >= free0);
}

static void test_attrs(void)
{
	CHECK_EQ(put_file(MNT "/m", "x", 1), 0);
	struct _io_chmod cm = {.type = _IO_CHMOD, .mode = 0600};
	CHECK_EQ(sio_path_io(MNT "/m", 0, &cm, sizeof(cm), NULL, 0), 0);
	CHECK_EQ(st_of(MNT "/m", 0).st_mode, S_IFREG | 0600);
	struct _io_chown co = {.type = _IO_CHOWN, .uid = 1000, .gid = 100};
	CHECK_EQ(sio_path_io(MNT "/m", 0, &co, sizeof(co), NULL, 0), 0);
	struct _io_stat st = st_of(MNT "/m", 0);
	CHECK_EQ(st.st_uid, 1000);
	CHECK_EQ(st.st_gid, 100);
	struct _io_utime ut = {.type = _IO_UTIME, .atime_sec = 1000, .atime_nsec = 5,
			       .mtime_sec = 2000, .mtime_nsec = 7};
	CHECK_EQ(sio_path_io(MNT "/m", 0, &ut, sizeof(ut), NULL, 0), 0);
	st = st_of(MNT "/m", 0);
	CHECK_EQ(st.st_atime_sec, 1000);
	CHECK_EQ(st.st_mtime_nsec, 7);
	CHECK(st.st_ctime_sec > 2000);
	int fd = sio_open(MNT "/m", O_WRONLY, 0);
	if (CHECK(fd >= 0)) {
		CHECK_EQ(sio_write(fd, "y", 1), 1);
		CHECK_EQ(sio_fstat(fd, &st), 0);
		CHECK(st.st_mtime_sec > 2000);
		struct statfs sf;
		memset(&sf, 0, sizeof(sf));
		CHECK_EQ(sio_devctl(fd, DCMD_FSYS_STATFS, &sf, sizeof(sf), NULL), 0);
		CHECK_EQ(sf.f_type, 0x01021994);
		CHECK_EQ(sf.f_bsize, 4096);
		CHECK(sf.f_blocks > 0 && sf.f_bfree < sf.f_blocks);
		CHECK_EQ(sio_close(fd), 0);
	}
	CHECK_EQ(sio_unlink(MNT "/m"), 0);
}

/* As uid 1000: the permission rules. */
static void test_permissions(void)
{
	CHECK_EQ(sio_mkdir(MNT "/priv", 0700), 0);
	CHECK_EQ(put_file(MNT "/priv/f", "s", 1), 0);
	CHECK_EQ(sio_mkdir(MNT "/ro", 0755), 0);
	CHECK_EQ(put_file(MNT "/ro/f", "r", 1), 0);
	CHECK_EQ(put_file(MNT "/rootfile", "r", 1), 0);
	if (!CHECK_EQ(setresgid(-1, 1000, -1), 0) || !CHECK_EQ(setresuid(-1, 1000, -1), 0))
		return;
	char b[8];
	CHECK_EQ(get_file(MNT "/priv/f", b, sizeof(b)), -EACCES); /* no search permission */
	CHECK_EQ(get_file(MNT "/ro/f", b, sizeof(b)), 1);
	CHECK_EQ(sio_open(MNT "/ro/f", O_WRONLY, 0), -EACCES);   /* 0644, not ours */
	CHECK_EQ(sio_open(MNT "/ro/new", O_CREAT | O_WRONLY, 0644), -EACCES);
	CHECK_EQ(sio_unlink(MNT "/ro/f"), -EACCES);
	CHECK_EQ(sio_unlink(MNT "/rootfile"), -EPERM); /* sticky /tt */
	CHECK_EQ(put_file(MNT "/mine", "m", 1), 0);     /* /tt is 1777 */
	CHECK_EQ(st_of(MNT "/mine", 0).st_uid, 1000);
	struct _io_chmod cm = {.type = _IO_CHMOD, .mode = 0};
	CHECK_EQ(sio_path_io(MNT "/rootfile", 0, &cm, sizeof(cm), NULL, 0), -EPERM);
	CHECK_EQ(sio_path_io(MNT "/mine", 0, &cm, sizeof(cm), NULL, 0), 0);
	CHECK_EQ(get_file(MNT "/mine", b, sizeof(b)), -EACCES);
	CHECK_EQ(sio_rename("mine", MNT "/ro/mine"), -EACCES);
	CHECK_EQ(sio_unlink(MNT "/mine"), 0);
	CHECK_EQ(setresuid(-1, 0, -1), 0);
	CHECK_EQ(setresgid(-1, 0, -1), 0);
	CHECK_EQ(sio_unlink(MNT "/priv/f"), 0);
	CHECK_EQ(sio_rmdir(MNT "/priv"), 0);
	CHECK_EQ(sio_unlink(MNT "/ro/f"), 0);
	CHECK_EQ(sio_rmdir(MNT "/ro"), 0);
	CHECK_EQ(sio_unlink(MNT "/rootfile"), 0);
}

static void test_fifo(void)
{
	const char *path = MNT "/fifo";
	CHECK_EQ(sio_op(path, _IO_CONNECT_MKNOD, O_CREAT | O_EXCL, S_IFIFO | 0600, 0, NULL, 0), 0);
	CHECK_EQ(st_of(path, 0).st_mode, S_IFIFO | 0600);
	CHECK_EQ(sio_open(path, O_WRONLY | O_NONBLOCK, 0), -ENXIO);
	int r = sio_open(path, O_RDONLY | O_NONBLOCK, 0);
	if (!CHECK(r >= 0))
		return;
	int w = sio_open(path, O_WRONLY, 0); /* a reader is there: no waiting */
	if (CHECK(w >= 0)) {
		char b[8];
		CHECK_EQ(sio_read(r, b, sizeof(b)), -EAGAIN);
		CHECK_EQ(sio_write(w, "fifo!", 5), 5);
		CHECK_EQ(sio_read(r, b, sizeof(b)), 5);
		CHECK_EQ(memcmp(b, "fifo!", 5), 0);
		CHECK_EQ(sio_lseek(w, 0, SEEK_SET), -ESPIPE);
		CHECK_EQ(sio_close(w), 0);
		CHECK_EQ(sio_read(r, b, sizeof(b)), 0);
	}
	CHECK_EQ(sio_close(r), 0);

	/* another process waits in open for a writer */
	char *argv[] = {"srv_helper", "fifo-read", (char *)path, NULL};
	int pid = sio_spawn("srv_helper", argv);
	struct timespec ts = {0, 5000000};
	uint64_t end = ntest_now() + 3000 * NTEST_MS;
	do /* ENXIO until the helper waits in its open: a waiting reader counts */
		w = sio_open(path, O_WRONLY | O_NONBLOCK, 0);
	while (w == -ENXIO && ntest_now() < end && !nanosleep(&ts, NULL));
	int status = 0;
	if (CHECK(w >= 0)) {
		CHECK_EQ(sio_write(w, "0123456789", 10), 10);
		CHECK_EQ(sio_close(w), 0);
		if (CHECK(pid > 0) && CHECK_EQ(ProcWait(pid, &status, 0), pid))
			CHECK_EQ(status, 10 << 8);
	}
	/* killed while waiting: forgotten */
	pid = sio_spawn("srv_helper", argv);
	ts.tv_nsec = 200000000; /* into its open */
	nanosleep(&ts, NULL);
	CHECK_EQ(kill(pid, SIGKILL), 0);
	CHECK_EQ(ProcWait(pid, &status, 0), pid);
	CHECK_EQ(sio_open(path, O_WRONLY | O_NONBLOCK, 0), -ENXIO);
	CHECK_EQ(sio_unlink(path), 0);
}

int main(void)
{
	ntest_start("tmpfs");
	char *argv[] = {"fs-tmp", MNT, NULL};
	int pid = sio_spawn("fs-tmp", argv);
	if (!CHECK(pid > 0) || !CHECK_EQ(sio_wait_path(MNT, 5000), 0))
		ntest_done();
	test_files();
	test_dirs();
	test_links_rename();
	test_symlinks();
	test_truncate();
	test_big();
	test_attrs();
	test_permissions();
	test_fifo();
	char names[256];
	CHECK_EQ(list_dir(MNT, names, sizeof(names)), 2);
	CHECK_EQ(strcmp(names, ". .."), 0);
	CHECK_EQ(kill(pid, SIGKILL), 0);
	int status = 0;
	CHECK_EQ(ProcWait(pid, &status, 0), pid);
	ntest_done();
}
