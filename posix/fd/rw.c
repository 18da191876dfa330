/*
 * read, write and their vector and positioned forms, lseek: one _IO_READ /
 * _IO_WRITE / _IO_LSEEK message on the fd's connection. The header (and the
 * explicit offset of pread/pwrite) is a kernel part of the message; the
 * data moves straight between the user's buffers and the server. fds 1 and
 * 2 write to the kernel console while they are not open (io_console.c).
 * A write failing with EPIPE also raises SIGPIPE in the writing thread.
 * posix follows each fd's offset (fdi_moved, fdi_seeked) so that recover.c
 * can put it back after a server restart.
 */
#include <kernel/event.h>
#include <kernel/signal.h>
#include <mm/kmem.h>

#include "fdpriv.h"

#define MAX_RW_COUNT 0x7ffff000ul /* Linux's cap on one transfer */
#define HDR_PARTS 2               /* header + offset */
#define IOV_MAX 1024

/*
 * One transfer: type _IO_READ or _IO_WRITE, data parts v[HDR_PARTS..n) in
 * user memory (v[0..HDR_PARTS) are ours to fill), total bytes, off < 0 for
 * the fd's own offset. Returns bytes moved (never more than total: a
 * larger count from the server is -EIO) or -errno.
 */
static long rw_send(int64_t fd, uint16_t type, struct ipc_iov *v, unsigned n, size_t total,
		    int64_t off)
{
	struct _io_read hdr = { .type = type, .nbytes = (int32_t)total, .xtype = _IO_XTYPE_NONE };
	struct _xtype_offset xo = { off };
	unsigned first = HDR_PARTS;
	if (off >= 0) {
		hdr.xtype = _IO_XTYPE_OFFSET;
		v[--first] = (struct ipc_iov){ (uaddr_t)&xo, sizeof(xo) };
	}
	v[--first] = (struct ipc_iov){ (uaddr_t)&hdr, sizeof(hdr) };
	long r;
	if (type == _IO_WRITE) {
		r = fd_sendv(fd, v + first, n - first, NULL, 0);
		if ((r == -EBADF || r == -ESRCH) && fd_pipe_gone((int)fd))
			r = -EPIPE; /* the pipe died with its server: nobody reads */
		if (r == -EPIPE) /* no reader left: the writer gets SIGPIPE too */
			signal_post(cur_thread()->proc, cur_thread(), SIGPIPE, 0, 0);
	} else {
		r = fd_sendv(fd, v + first, HDR_PARTS - first, v + HDR_PARTS, n - HDR_PARTS);
	}
	if (r > (long)total)
		r = -EIO; /* a server claiming more than was asked is not believed */
	if (r > 0 && off < 0)
		fdi_moved((int)fd, type, r);
	return r;
}

/* buf is a user buffer unless kbuf (kernel callers). */
static long rw_one(int64_t fd, uint16_t type, uaddr_t buf, uint64_t len, int64_t off, bool kbuf)
{
	if ((int64_t)len < 0)
		return -EINVAL;
	len = MIN(len, MAX_RW_COUNT);
	if (!kbuf && len && !uaccess_range_ok(buf, len))
		return -EFAULT;
	struct ipc_iov v[HDR_PARTS + 1];
	v[HDR_PARTS] = (struct ipc_iov){ buf, len };
	return rw_send(fd, type, v, HDR_PARTS + 1, len, off);
}

/* readv/writev/preadv/pwritev: the user's iovec array, in one message when
 * it fits (IPC_IOV_MAX parts), else in several (a short transfer ends it). */
static long rw_vec(int64_t fd, uint16_t type, uaddr_t uiov, int64_t cnt, int64_t off)
{
	if (cnt < 0 || cnt > IOV_MAX)
		return -EINVAL;
	if (!fd_in_range(fd))
		return -EBADF;
	struct ipc_iov *v = kmalloc((HDR_PARTS + (size_t)cnt) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	long r = 0;
	if (cnt && copy_from_user(v + HDR_PARTS, uiov, (size_t)cnt * sizeof(*v)))
		r = -EFAULT;
	/* drop empty parts, check lengths, cap the total */
	size_t total = 0;
	unsigned n = HDR_PARTS;
	for (int64_t i = 0; r == 0 && i < cnt; i++) {
		struct ipc_iov p = v[HDR_PARTS + i];
		if ((int64_t)p.len < 0 || p.len > (uint64_t)INT64_MAX - total) {
			r = -EINVAL;
			break;
		}
		p.len = MIN(p.len, MAX_RW_COUNT - total);
		if (!p.len)
			continue;
		if (!uaccess_range_ok(p.base, p.len)) {
			r = -EFAULT;
			break;
		}
		v[n++] = p;
		total += p.len;
	}
	long done = 0;
	unsigned at = HDR_PARTS;
	while (r == 0 && at < n) {
		unsigned parts = MIN(n - at, (unsigned)IPC_IOV_MAX - HDR_PARTS);
		size_t bytes = 0;
		for (unsigned i = 0; i < parts; i++)
			bytes += v[at + i].len;
		/* rw_send writes its header parts just below v + at */
		struct ipc_iov save[HDR_PARTS];
		memcpy(save, v + at - HDR_PARTS, sizeof(save));
		long k = rw_send(fd, type, v + at - HDR_PARTS, parts + HDR_PARTS, bytes,
				 off < 0 ? -1 : off + done);
		memcpy(v + at - HDR_PARTS, save, sizeof(save));
		if (k < 0) {
			r = done ? 0 : k;
			break;
		}
		done += k;
		if ((size_t)k < bytes)
			break;
		at += parts;
	}
	kfree(v);
	return r < 0 ? r : done;
}

long sys_read(const uint64_t *a, struct trapframe *tf)
{
	return rw_one((int)a[0], _IO_READ, a[1], a[2], -1, false);
}

long sys_write(const uint64_t *a, struct trapframe *tf)
{
	if (console_fallback((int)a[0]))
		return console_write_user(a[1], a[2]);
	return rw_one((int)a[0], _IO_WRITE, a[1], a[2], -1, false);
}

long sys_readv(const uint64_t *a, struct trapframe *tf)
{
	return rw_vec((int)a[0], _IO_READ, a[1], (int64_t)a[2], -1);
}

long sys_writev(const uint64_t *a, struct trapframe *tf)
{
	if (console_fallback((int)a[0]))
		return console_writev_user(a[1], (int64_t)a[2]);
	return rw_vec((int)a[0], _IO_WRITE, a[1], (int64_t)a[2], -1);
}

long sys_pread64(const uint64_t *a, struct trapframe *tf)
{
	if ((int64_t)a[3] < 0)
		return -EINVAL;
	return rw_one((int)a[0], _IO_READ, a[1], a[2], (int64_t)a[3], false);
}

long sys_pwrite64(const uint64_t *a, struct trapframe *tf)
{
	if ((int64_t)a[3] < 0)
		return -EINVAL;
	return rw_one((int)a[0], _IO_WRITE, a[1], a[2], (int64_t)a[3], false);
}

long sys_preadv(const uint64_t *a, struct trapframe *tf)
{
	if ((int64_t)a[3] < 0)
		return -EINVAL;
	return rw_vec((int)a[0], _IO_READ, a[1], (int64_t)a[2], (int64_t)a[3]);
}

long sys_pwritev(const uint64_t *a, struct trapframe *tf)
{
	if ((int64_t)a[3] < 0)
		return -EINVAL;
	return rw_vec((int)a[0], _IO_WRITE, a[1], (int64_t)a[2], (int64_t)a[3]);
}

long fd_pread_k(int fd, void *kbuf, size_t n, uint64_t off)
{
	if ((int64_t)off < 0)
		return -EINVAL;
	return rw_one(fd, _IO_READ, (uaddr_t)kbuf, n, (int64_t)off, true);
}

long sys_lseek(const uint64_t *a, struct trapframe *tf)
{
	struct _io_lseek m = { .type = _IO_LSEEK, .whence = (int16_t)a[2], .offset = (int64_t)a[1] };
	if (a[2] > 4)
		return -EINVAL;
	uint64_t pos = 0;
	long r = fd_send((int)a[0], &m, sizeof(m), &pos, sizeof(pos));
	if (r < 0)
		return r;
	if ((int64_t)pos < 0)
		return -EOVERFLOW;
	fdi_seeked((int)a[0], pos);
	return (long)pos;
}
