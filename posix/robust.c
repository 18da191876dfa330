/*
 * Robust futex lists: set_robust_list, get_robust_list, and the walk at a
 * thread's end (posix_thread_exit hook, on the dying thread while its
 * address space is still there, whether it exits, is killed or its process
 * ends). musl registers the list the first time a thread locks a robust or
 * priority-inheritance mutex and links every such mutex it holds into it.
 *
 * For each listed mutex whose futex word still names the thread as owner,
 * the word becomes FUTEX_OWNER_DIED (keeping FUTEX_WAITERS) and a waiter is
 * woken: its lock then succeeds with EOWNERDEAD. A PI futex (entry pointer
 * with bit 0 set) wakes all its waiters, which retry and queue behind the
 * new owner with their donations (posix/futex_pi.c). The walk stops after
 * ROBUST_LIMIT entries or at the first unreadable one: a corrupt list costs
 * the program its mutexes, never the kernel. A new thread, a forked child
 * and a new program start without a list.
 */
#include <kernel/errno.h>
#include <kernel/hooks.h>
#include <kernel/percpu.h>
#include <kernel/process.h>
#include <mm/uaccess.h>
#include <sched/thread.h>

#include "futex.h"
#include "linux.h"

#define ROBUST_LIMIT 2048 /* entries walked at most, as Linux */

struct linux_robust_head {
	uint64_t next;        /* first entry; the head's own address ends the list */
	int64_t futex_offset; /* from an entry to its futex word */
	uint64_t pending;     /* an entry being locked or unlocked, or 0 */
};

long sys_set_robust_list(const uint64_t *a, struct trapframe *tf)
{
	if (a[1] != sizeof(struct linux_robust_head))
		return -EINVAL;
	cur_thread()->robust_list = a[0];
	return 0;
}

/* pid 0 is the caller; otherwise a thread of the caller's process. */
long sys_get_robust_list(const uint64_t *a, struct trapframe *tf)
{
	struct thread *self = cur_thread(), *t = self;
	if (a[0]) {
		t = thread_by_ltid((pid_t)a[0]);
		if (!t || t->proc != self->proc || t->state == STATE_DEAD)
			return -ESRCH;
	}
	uint64_t head = t->robust_list, len = sizeof(struct linux_robust_head);
	if (copy_to_user(a[1], &head, sizeof(head)) || copy_to_user(a[2], &len, sizeof(len)))
		return -EFAULT;
	return 0;
}

/* The owner t died holding the futex at uaddr (if the word still says so). */
static void owner_died(struct thread *t, uaddr_t uaddr, bool pi)
{
	uint32_t word;
	if ((uaddr & 3) || copy_from_user(&word, uaddr, sizeof(word)))
		return;
	if ((word & FUTEX_TID_MASK) != (uint32_t)t->ltid)
		return;
	uint32_t died = (word & FUTEX_WAITERS) | FUTEX_OWNER_DIED;
	if (copy_to_user(uaddr, &died, sizeof(died)))
		return;
	if (word & FUTEX_WAITERS)
		futex_wake(uaddr, true, pi ? INT32_MAX : 1, ~0u);
}

void posix_thread_exit(struct thread *t)
{
	uaddr_t head_u = t->robust_list;
	if (!head_u)
		return;
	t->robust_list = 0;
	struct linux_robust_head head;
	if (copy_from_user(&head, head_u, sizeof(head)))
		return;
	uint64_t entry = head.next;
	for (int n = 0; entry != head_u && n < ROBUST_LIMIT; n++) {
		uint64_t next;
		uaddr_t e = entry & ~1ull;
		if (!e || copy_from_user(&next, e, sizeof(next)))
			break;
		if (entry != head.pending) /* the pending one is done last */
			owner_died(t, e + (uint64_t)head.futex_offset, entry & 1);
		entry = next;
	}
	if (head.pending)
		owner_died(t, (head.pending & ~1ull) + (uint64_t)head.futex_offset, head.pending & 1);
}
