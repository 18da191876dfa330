/*
 * execve and execveat (a path relative to a directory fd, AT_EMPTY_PATH for
 * fexecve, AT_SYMLINK_NOFOLLOW): resolve and read the program through posix/fd/
 * (open, fstat, pread on its server), check it is a regular file the
 * caller may execute, run "#!" scripts through their interpreter (one
 * level: the interpreter must be an ELF), load the static ELF into a fresh
 * address space (exec_load), then, past the point of no return,
 * exec_replace and the close-on-exec fds. ENOEXEC for anything that is not
 * a static ELF we can load (dynamic executables included): the shell then
 * runs the file as a script itself.
 */
#include <kernel/errno.h>
#include <kernel/bootimage.h>
#include <kernel/exec.h>
#include <kernel/percpu.h>
#include <kernel/process.h>
#include <mm/kmem.h>
#include <mm/uaccess.h>
#include <sched/thread.h>

#include "../fd/fd.h"
#include "proc_sys.h"

#pragma weak fd_openat_k
#pragma weak fd_exec_cloexec

#define PATH_MAX 4096
#define BINPRM_BUF 256
#define O_RDONLY 0
#define O_CLOEXEC 0x80000
#define O_NOFOLLOW 0x20000
#define S_IFMT 0170000
#define S_IFREG 0100000
#define AT_FDCWD (-100)
#define AT_EMPTY_PATH 0x1000
#define AT_SYMLINK_NOFOLLOW 0x100

/* An open program file. */
struct exec_file {
	struct exec_image img;
	int fd;             /* -1: the boot image */
	uint32_t mode, uid, gid;
};

static int fd_reader(void *ctx, uint64_t off, void *buf, size_t len)
{
	int fd = (int)(intptr_t)ctx;
	while (len) {
		long n = fd_pread_k(fd, buf, len, off);
		if (n < 0)
			return (int)n;
		if (n == 0)
			return -EIO; /* shorter than its size said */
		buf = (char *)buf + n;
		off += (uint64_t)n;
		len -= (size_t)n;
	}
	return 0;
}

static int file_from_fd(int fd, struct exec_file *f)
{
	struct _io_stat st;
	int e = fd_fstat_k(fd, &st);
	if (e)
		return e;
	f->fd = fd;
	f->mode = st.st_mode;
	f->uid = st.st_uid;
	f->gid = st.st_gid;
	f->img = (struct exec_image){ .size = (uint64_t)st.st_size, .read = fd_reader,
				      .ctx = (void *)(intptr_t)fd };
	return 0;
}

/* Without posix/fd/: the boot image by name, as ImageSpawn reads it
 * ("/proc/boot/x" and "/x" are "x"). */
static int file_from_bootimage(const char *path, struct exec_file *f)
{
	static const char prefix[] = "/proc/boot/";
	if (!strncmp(path, prefix, sizeof(prefix) - 1))
		path += sizeof(prefix) - 1;
	while (*path == '/')
		path++;
	const struct ifs_dirent *d = bootimage_lookup(path);
	if (!d)
		return -ENOENT;
	f->fd = -1;
	f->mode = d->mode;
	f->uid = d->uid;
	f->gid = d->gid;
	f->img = (struct exec_image){ .size = d->size, .mem = bootimage_data(d) };
	return 0;
}

/* path relative to dirfd; nofollow: a symlink there is ELOOP. */
static int file_open(int dirfd, const char *path, bool nofollow, struct exec_file *f)
{
	if (!fd_openat_k)
		return file_from_bootimage(path, f);
	int fd = fd_openat_k(dirfd, path, O_RDONLY | O_CLOEXEC | (nofollow ? O_NOFOLLOW : 0), 0);
	if (fd < 0)
		return fd;
	int e = file_from_fd(fd, f);
	if (e)
		fd_close(fd);
	return e;
}

static void file_close(struct exec_file *f)
{
	if (f->fd >= 0)
		fd_close(f->fd);
	f->fd = -1;
}

static bool in_groups(const struct process *p, uint32_t gid)
{
	if (gid == p->gid)
		return true;
	for (uint32_t i = 0; i < p->ngroups; i++)
		if (p->groups[i] == gid)
			return true;
	return false;
}

/* A regular file with an execute bit for the caller (root: any). */
static int may_exec(const struct exec_file *f)
{
	struct process *p = cur_thread()->proc;
	if ((f->mode & S_IFMT) != S_IFREG)
		return -EACCES;
	uint32_t bit = p->uid == 0 ? 0111 : p->uid == f->uid ? 0100 : in_groups(p, f->gid) ? 0010
									       : 0001;
	return (f->mode & bit) ? 0 : -EACCES;
}

/* The "#!" line of a script in hdr[0..n): the interpreter path and its
 * optional single argument, NUL-terminated in place. */
static int parse_shebang(char *hdr, size_t n, char **interp, char **arg)
{
	char *end = hdr;
	while (end < hdr + n && *end != '\n')
		end++;
	if (end == hdr + n)
		return -ENOEXEC; /* the line does not fit */
	*end = 0;
	char *s = hdr + 2;
	while (*s == ' ' || *s == '\t')
		s++;
	if (!*s)
		return -ENOEXEC;
	*interp = s;
	while (*s && *s != ' ' && *s != '\t')
		s++;
	*arg = NULL;
	if (*s) {
		*s++ = 0;
		while (*s == ' ' || *s == '\t')
			s++;
		char *e = s + strlen(s);
		while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
			*--e = 0;
		if (*s)
			*arg = s;
	}
	return 0;
}

/* argv becomes interp [arg] path argv[1..]; envp unchanged. */
static int args_for_script(struct exec_args *a, const char *interp, const char *arg,
			   const char *path)
{
	size_t skip = a->argc ? strlen(a->buf) + 1 : 0;
	size_t add = strlen(interp) + 1 + (arg ? strlen(arg) + 1 : 0) + strlen(path) + 1;
	size_t len = a->len - skip + add;
	if (len > EXEC_ARGS_MAX || a->argc + a->envc + 2 > EXEC_ARGV_MAX)
		return -E2BIG;
	char *buf = kmalloc(len), *p = buf;
	if (!buf)
		return -ENOMEM;
	const char *parts[3] = { interp, arg, path };
	unsigned added = 0;
	for (unsigned i = 0; i < 3; i++) {
		if (!parts[i])
			continue;
		size_t l = strlen(parts[i]) + 1;
		memcpy(p, parts[i], l);
		p += l;
		added++;
	}
	memcpy(p, a->buf + skip, a->len - skip);
	kfree(a->buf);
	a->buf = buf;
	a->len = len;
	a->argc = a->argc - (skip ? 1 : 0) + added;
	return 0;
}

/* Whether f starts with "#!": then *hdr holds its first line. */
static int read_header(struct exec_file *f, char *hdr, size_t *n)
{
	*n = (size_t)MIN(f->img.size, (uint64_t)BINPRM_BUF - 1);
	if (f->img.mem) {
		memcpy(hdr, f->img.mem, *n);
		return 0;
	}
	return f->img.read(f->img.ctx, 0, hdr, *n);
}

/* Everything up to the point of no return; then the replace. */
static long do_exec(struct exec_file *f, const char *path, struct exec_args *args)
{
	int e = may_exec(f);
	char *hdr = e ? NULL : kmalloc(BINPRM_BUF);
	size_t n = 0;
	if (!e && !hdr)
		e = -ENOMEM;
	if (!e)
		e = read_header(f, hdr, &n);
	struct exec_file interp_file = { .fd = -1 };
	struct exec_file *prog = f;
	if (!e && n >= 2 && hdr[0] == '#' && hdr[1] == '!') {
		char *interp, *arg;
		hdr[n] = 0;
		e = parse_shebang(hdr, n, &interp, &arg);
		if (!e)
			e = args_for_script(args, interp, arg, path);
		if (!e)
			e = file_open(AT_FDCWD, interp, false, &interp_file);
		if (!e) {
			prog = &interp_file;
			e = may_exec(prog);
		}
	}
	kfree(hdr);
	struct exec_loaded l;
	const char *why;
	if (!e)
		e = exec_load(cur_thread()->proc, &prog->img, args, path, &l, &why);
	file_close(&interp_file);
	file_close(f);
	if (e)
		return e;
	e = exec_replace(&l, path);
	if (e)
		return e;
	if (fd_exec_cloexec)
		fd_exec_cloexec();
	return 0;
}

/* "/dev/fd/<fd>", or "/dev/fd/<fd>/<rel>" (rel not empty): what an exec
 * through an fd is called (AT_EXECFN). buf holds PATH_MAX bytes. */
static void fd_name(char *buf, int fd, const char *rel)
{
	char digits[12];
	int n = 0;
	unsigned v = (unsigned)fd;
	do {
		digits[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	strlcpy_k(buf, "/dev/fd/", 16);
	char *p = buf + 8;
	while (n)
		*p++ = digits[--n];
	*p = 0;
	if (*rel) {
		strlcpy_k(p, "/", PATH_MAX - (size_t)(p - buf));
		strlcpy_k(p + 1, rel, PATH_MAX - (size_t)(p + 1 - buf));
	}
}

static long exec_path(uaddr_t path_u, uaddr_t argv, uaddr_t envp, int dirfd, int flags)
{
	if (flags & ~(AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW))
		return -EINVAL;
	char *path = kmalloc(PATH_MAX);
	if (!path)
		return -ENOMEM;
	long e = strncpy_from_user(path, path_u, PATH_MAX);
	if (e >= 0 && !path[0] && !(flags & AT_EMPTY_PATH))
		e = -ENOENT;
	struct exec_args args = { 0 };
	if (e >= 0)
		e = exec_args_from_user(&args, argv, envp);
	struct exec_file f = { .fd = -1 };
	if (e >= 0 && !path[0]) {
		/* fexecve: read through the caller's fd, which stays the caller's */
		e = fd_openat_k ? file_from_fd(dirfd, &f) : -EBADF;
		f.fd = -1;
		fd_name(path, dirfd, "");
	} else if (e >= 0) {
		e = file_open(dirfd, path, flags & AT_SYMLINK_NOFOLLOW, &f);
		if (e >= 0 && path[0] != '/' && dirfd != AT_FDCWD) {
			char *rel = kmalloc(PATH_MAX);
			if (rel) { /* Linux's name for it: "/dev/fd/<dirfd>/<path>" */
				memcpy(rel, path, PATH_MAX);
				fd_name(path, dirfd, rel);
				kfree(rel);
			}
		}
	}
	if (e >= 0)
		e = do_exec(&f, path, &args);
	exec_args_free(&args);
	kfree(path);
	return e;
}

long sys_execve(const uint64_t *a, struct trapframe *tf)
{
	return exec_path(a[0], a[1], a[2], AT_FDCWD, 0);
}

long sys_execveat(const uint64_t *a, struct trapframe *tf)
{
	return exec_path(a[1], a[2], a[3], (int)a[0], (int)a[4]);
}
