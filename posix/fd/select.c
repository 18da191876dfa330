/*
 * select and pselect6: the fd sets become a pollfd list for the wait of
 * poll.c (readable = POLLIN, writable = POLLOUT, exceptional = POLLPRI) and
 * the results go back into the sets. An fd in a set that is not open is
 * EBADF. The time left is written back, as Linux does.
 */
#include <mm/kmem.h>
#include <timer/timer.h>

#include "fdpriv.h"
#include "poll.h"

#define SEL_IN (L_POLLIN | L_POLLRDNORM | L_POLLRDBAND | L_POLLHUP | L_POLLERR | L_POLLNVAL)
#define SEL_OUT (L_POLLOUT | L_POLLWRNORM | L_POLLWRBAND | L_POLLERR | L_POLLNVAL)
#define SEL_EX L_POLLPRI

static bool bit(const uint64_t *set, unsigned fd) { return set[fd / 64] >> (fd % 64) & 1; }
static void bit_set(uint64_t *set, unsigned fd) { set[fd / 64] |= 1ull << (fd % 64); }

static long select_core(int64_t nfds, const uaddr_t u[3], bool immediate, uint64_t deadline)
{
	if (nfds < 0 || nfds > INT32_MAX)
		return -EINVAL;
	nfds = MIN(nfds, (int64_t)COID_FD_MAX);
	size_t words = ((size_t)nfds + 63) / 64, bytes = words * 8;
	uint64_t *sets = kzalloc(3 * bytes + 8);
	struct linux_pollfd *pfd = NULL;
	long r = sets ? 0 : -ENOMEM;
	for (int k = 0; r == 0 && k < 3; k++)
		if (u[k] && copy_from_user(sets + k * words, u[k], bytes))
			r = -EFAULT;
	unsigned n = 0;
	for (unsigned fd = 0; r == 0 && fd < (unsigned)nfds; fd++)
		if (bit(sets, fd) || bit(sets + words, fd) || bit(sets + 2 * words, fd))
			n++;
	if (r == 0 && !(pfd = kmalloc(n ? n * sizeof(*pfd) : 1)))
		r = -ENOMEM;
	n = 0;
	for (unsigned fd = 0; r == 0 && fd < (unsigned)nfds; fd++) {
		int16_t ev = (bit(sets, fd) ? L_POLLIN : 0) | (bit(sets + words, fd) ? L_POLLOUT : 0) |
			     (bit(sets + 2 * words, fd) ? L_POLLPRI : 0);
		if (!ev)
			continue;
		if (!fd_conn(fd))
			r = -EBADF;
		pfd[n++] = (struct linux_pollfd){ (int32_t)fd, ev, 0 };
	}
	if (r == 0)
		r = poll_wait_fds(pfd, n, immediate, deadline);
	if (r >= 0) {
		memset(sets, 0, 3 * bytes);
		long count = 0;
		for (unsigned i = 0; i < n; i++) {
			const struct linux_pollfd *p = &pfd[i];
			unsigned fd = (unsigned)p->fd;
			if ((p->events & L_POLLIN) && (p->revents & SEL_IN)) {
				bit_set(sets, fd);
				count++;
			}
			if ((p->events & L_POLLOUT) && (p->revents & SEL_OUT)) {
				bit_set(sets + words, fd);
				count++;
			}
			if ((p->events & L_POLLPRI) && (p->revents & SEL_EX)) {
				bit_set(sets + 2 * words, fd);
				count++;
			}
		}
		r = count;
		for (int k = 0; k < 3; k++)
			if (u[k] && copy_to_user(u[k], sets + k * words, bytes))
				r = -EFAULT;
	}
	kfree(pfd);
	kfree(sets);
	return r;
}

static uint64_t left_ns(bool immediate, uint64_t deadline)
{
	return immediate ? 0 : clock_tsc_left_ns(deadline);
}

long sys_select(const uint64_t *a, struct trapframe *tf)
{
	const uaddr_t u[3] = { a[1], a[2], a[3] };
	struct linux_timeval tv;
	bool immediate = false;
	uint64_t deadline = 0;
	if (a[4]) {
		if (copy_from_user(&tv, a[4], sizeof(tv)))
			return -EFAULT;
		if (tv.tv_sec < 0 || tv.tv_usec < 0)
			return -EINVAL;
		if (!tv.tv_sec && !tv.tv_usec)
			immediate = true;
		else if ((uint64_t)tv.tv_sec < UINT64_MAX / 2000000000ull && tv.tv_usec < 1000000000)
			deadline = poll_deadline((uint64_t)tv.tv_sec * 1000000000ull +
						 (uint64_t)tv.tv_usec * 1000ull);
	}
	long r = select_core((int64_t)a[0], u, immediate, deadline);
	if (a[4] && (immediate || deadline) && r != -EFAULT) {
		uint64_t ns = left_ns(immediate, deadline);
		tv.tv_sec = (int64_t)(ns / 1000000000ull);
		tv.tv_usec = (int64_t)(ns % 1000000000ull / 1000ull);
		if (copy_to_user(a[4], &tv, sizeof(tv)))
			return -EFAULT;
	}
	return r;
}

long sys_pselect6(const uint64_t *a, struct trapframe *tf)
{
	const uaddr_t u[3] = { a[1], a[2], a[3] };
	struct linux_timespec ts;
	bool immediate = false;
	uint64_t deadline = 0;
	if (a[4]) {
		if (copy_from_user(&ts, a[4], sizeof(ts)))
			return -EFAULT;
		if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec > 999999999)
			return -EINVAL;
		if (!ts.tv_sec && !ts.tv_nsec)
			immediate = true;
		else if ((uint64_t)ts.tv_sec < UINT64_MAX / 2000000000ull)
			deadline = poll_deadline((uint64_t)ts.tv_sec * 1000000000ull +
						 (uint64_t)ts.tv_nsec);
	}
	/* a[5]: { const sigset_t *set; size_t size } */
	struct {
		uint64_t set;
		uint64_t size;
	} sm = { 0, 0 };
	uint64_t mask = 0;
	if (a[5] && copy_from_user(&sm, a[5], sizeof(sm)))
		return -EFAULT;
	if (sm.set) {
		if (sm.size != sizeof(uint64_t))
			return -EINVAL;
		if (copy_from_user(&mask, sm.set, sizeof(mask)))
			return -EFAULT;
		poll_mask_set(mask);
	}
	long r = select_core((int64_t)a[0], u, immediate, deadline);
	if (sm.set)
		poll_mask_done(r);
	if (a[4] && (immediate || deadline) && r != -EFAULT) {
		uint64_t ns = left_ns(immediate, deadline);
		ts.tv_sec = (int64_t)(ns / 1000000000ull);
		ts.tv_nsec = (int64_t)(ns % 1000000000ull);
		if (copy_to_user(a[4], &ts, sizeof(ts)))
			return -EFAULT;
	}
	return r;
}
