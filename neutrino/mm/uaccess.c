/*
 * Checked copies between the kernel and the current address space. The
 * fault path (arch trap.c) resolves demand faults inside uaccess_copy and
 * turns the rest into -EFAULT.
 */
#include <kernel/errno.h>
#include <mm/uaccess.h>

int copy_from_user(void *dst, uaddr_t src, size_t n)
{
	if (!uaccess_range_ok(src, n))
		return -EFAULT;
	return (int)uaccess_copy(dst, (const void *)src, n);
}

int copy_to_user(uaddr_t dst, const void *src, size_t n)
{
	if (!uaccess_range_ok(dst, n))
		return -EFAULT;
	return (int)uaccess_copy((void *)dst, src, n);
}

long strncpy_from_user(char *dst, uaddr_t src, size_t max)
{
	size_t done = 0;
	while (done < max) {
		size_t chunk = PAGE_SIZE - ((src + done) & ~PAGE_MASK);
		if (chunk > max - done)
			chunk = max - done;
		if (copy_from_user(dst + done, src + done, chunk))
			return -EFAULT;
		for (size_t i = 0; i < chunk; i++)
			if (!dst[done + i])
				return (long)(done + i);
		done += chunk;
	}
	dst[max - 1] = 0;
	return -ENAMETOOLONG;
}
