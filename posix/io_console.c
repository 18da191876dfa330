/*
 * write, writev and ioctl while no console driver exists: fds 1 and 2 go to
 * the kernel console; every other fd is EBADF; ioctl on 0..2 is ENOTTY
 * (the kernel console is not a terminal). The console driver and real file
 * descriptors replace this file.
 */
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <mm/uaccess.h>

#include "linux.h"

#define IOV_MAX 1024

static long console_out(uaddr_t buf, size_t n)
{
	char chunk[256];
	size_t done = 0;
	while (done < n) {
		size_t c = MIN(n - done, sizeof(chunk));
		if (copy_from_user(chunk, buf + done, c))
			return done ? (long)done : -EFAULT;
		console_write(chunk, c);
		done += c;
	}
	return (long)done;
}

static bool is_console_fd(uint64_t fd) { return fd == 1 || fd == 2; }

long sys_write(const uint64_t *a, struct trapframe *tf)
{
	if (!is_console_fd(a[0]))
		return -EBADF;
	if ((int64_t)a[2] < 0)
		return -EINVAL;
	if (!uaccess_range_ok(a[1], a[2]))
		return -EFAULT;
	return console_out(a[1], a[2]);
}

long sys_writev(const uint64_t *a, struct trapframe *tf)
{
	if (!is_console_fd(a[0]))
		return -EBADF;
	int64_t cnt = (int64_t)a[2];
	if (cnt < 0 || cnt > IOV_MAX)
		return -EINVAL;
	long total = 0;
	for (int64_t i = 0; i < cnt; i++) {
		struct linux_iovec iov;
		if (copy_from_user(&iov, a[1] + (uint64_t)i * sizeof(iov), sizeof(iov)))
			return total ? total : -EFAULT;
		if ((int64_t)iov.len < 0)
			return -EINVAL;
		if (!uaccess_range_ok(iov.base, iov.len))
			return total ? total : -EFAULT;
		long r = console_out(iov.base, iov.len);
		if (r < 0)
			return total ? total : r;
		total += r;
	}
	return total;
}

long sys_ioctl(const uint64_t *a, struct trapframe *tf)
{
	return a[0] <= 2 ? -ENOTTY : -EBADF;
}
