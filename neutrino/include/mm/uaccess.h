/*
 * Access to user memory from the kernel. Every user pointer a kernel call
 * receives goes through these: the range is checked to lie in user space,
 * faults are resolved like user faults (demand paging), and an unresolvable
 * fault returns -EFAULT instead of crashing.
 */
#pragma once
#include <kernel/types.h>

#define USER_TOP 0x0000800000000000ull

static inline bool uaccess_range_ok(uaddr_t a, size_t n)
{
	return a < USER_TOP && n <= USER_TOP - a;
}

__must_check int copy_from_user(void *dst, uaddr_t src, size_t n);
__must_check int copy_to_user(uaddr_t dst, const void *src, size_t n);
/* Copies a NUL-terminated string of at most max-1 chars; -ENAMETOOLONG if
 * longer, -EFAULT on a bad pointer. Returns the length. */
__must_check long strncpy_from_user(char *dst, uaddr_t src, size_t max);

/* Raw copy primitive (uaccess.S): returns 0 or -EFAULT. */
long uaccess_copy(void *dst, const void *src, size_t n);
extern char uaccess_begin[], uaccess_end[], uaccess_fault[];
