/*
 * pipe and pipe2 (HELPERS-BRIEF-4 point 7): opening "/dev/pipe" for
 * reading creates an anonymous pipe whose fstat st_ino is N; opening
 * "/dev/pipe/N" for writing then gives its write end (the pipe server
 * allows that only to the creator while the pipe is anonymous). Pipe fds
 * do not recover from a death of the pipe server (recover.c): reopening
 * "/dev/pipe" would make another, empty pipe. Their data died with the
 * server: writes fail with EPIPE (and SIGPIPE), everything else with EBADF.
 */
#include <kernel/printk.h>

#include "fdpriv.h"

static void no_recovery(int fd)
{
	struct fd_info *fi = fdi_get(fd);
	if (fi)
		fi->flags = (uint8_t)((fi->flags & ~FDI_RECOVER) | FDI_PIPE);
}

static long pipe_make(uaddr_t ufds, uint64_t flags)
{
	if (flags & ~(uint64_t)(L_O_CLOEXEC | L_O_NONBLOCK | L_O_DIRECT))
		return -EINVAL;
	int32_t fds[2];
	if (!uaccess_range_ok(ufds, sizeof(fds)))
		return -EFAULT;
	int oflags = (int)(flags & (L_O_CLOEXEC | L_O_NONBLOCK));
	int rfd = fd_open_k("/dev/pipe", L_O_RDONLY | oflags, 0);
	if (rfd < 0)
		return rfd == -ENOENT ? -ENFILE : rfd; /* no pipe server */
	no_recovery(rfd);
	struct _io_stat st;
	int r = fd_fstat_k(rfd, &st);
	if (r < 0) {
		fd_close(rfd);
		return r;
	}
	char path[40];
	ksnprintf(path, sizeof(path), "/dev/pipe/%lu", (unsigned long)st.st_ino);
	int wfd = fd_open_k(path, L_O_WRONLY | oflags, 0);
	if (wfd < 0) {
		fd_close(rfd);
		return wfd;
	}
	no_recovery(wfd);
	fds[0] = rfd;
	fds[1] = wfd;
	if (copy_to_user(ufds, fds, sizeof(fds))) {
		fd_close(wfd);
		fd_close(rfd);
		return -EFAULT;
	}
	return 0;
}

long sys_pipe(const uint64_t *a, struct trapframe *tf)
{
	return pipe_make(a[0], 0);
}

long sys_pipe2(const uint64_t *a, struct trapframe *tf)
{
	return pipe_make(a[0], a[1]);
}
