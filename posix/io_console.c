/*
 * The kernel console as the fallback of fds 1 and 2 (HELPERS-BRIEF-4 point
 * 6): while a process has no connection at fd 1 or 2, write and writev on
 * it go to the boot console, so that programs started straight from the
 * boot script still print. ioctl on them is ENOTTY (the kernel console is
 * not a terminal). Called by posix/fd/ (rw.c, ioctl.c).
 */
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <mm/uaccess.h>

#include "fd/fdpriv.h"

#define CONSOLE_IOV_MAX 1024

bool console_fallback(int64_t fd)
{
	return (fd == 1 || fd == 2) && !fd_conn(fd);
}

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

long console_write_user(uaddr_t buf, size_t n)
{
	if ((int64_t)n < 0)
		return -EINVAL;
	if (!uaccess_range_ok(buf, n))
		return -EFAULT;
	return console_out(buf, n);
}

long console_writev_user(uaddr_t uiov, int64_t cnt)
{
	if (cnt < 0 || cnt > CONSOLE_IOV_MAX)
		return -EINVAL;
	long total = 0;
	for (int64_t i = 0; i < cnt; i++) {
		struct linux_iovec iov;
		if (copy_from_user(&iov, uiov + (uint64_t)i * sizeof(iov), sizeof(iov)))
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
