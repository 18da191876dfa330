/*
 * Priority-inheritance futexes (FUTEX_LOCK_PI, FUTEX_TRYLOCK_PI,
 * FUTEX_UNLOCK_PI), musl's PTHREAD_PRIO_INHERIT mutexes. The word holds the
 * owner's Linux thread id (gettid: thread->ltid) with FUTEX_WAITERS
 * when threads wait in the kernel. A waiter donates its priority to the
 * owner through the kernel's inheritance (sched/pi.h) while it waits, so
 * chains through mutexes and messages propagate; the unlock hands the
 * futex straight to the best waiter (priority order, FIFO among equals)
 * and moves the other waiters' donations to it.
 *
 * The owner of a private futex must be a thread of the caller's process; a
 * process-shared one may be owned in any process, and the waiter donates
 * to it there too. A private futex whose owner id names no live thread of
 * the process is ESRCH (a shared one is waited on without donating); an
 * owner that died holding a robust PI mutex left the word FUTEX_OWNER_DIED
 * (posix/robust.c), which the next lock takes over.
 */
#include <arch/cpu.h>
#include <kernel/errno.h>
#include <kernel/percpu.h>
#include <kernel/process.h>
#include <mm/uaccess.h>
#include <sched/pi.h>
#include <sched/sched.h>

#include "futex.h"

static bool has_waiters(const struct futex_key *k, const struct futex_waiter *except)
{
	list_for_each(pos, futex_bucket(k)) {
		struct futex_waiter *w = list_entry(pos, struct futex_waiter, link);
		if (w != except && futex_key_eq(&w->key, k))
			return true;
	}
	return false;
}

/* The waiter of k with the highest priority (first of them: FIFO). */
static struct futex_waiter *best_waiter(const struct futex_key *k)
{
	struct futex_waiter *best = NULL;
	list_for_each(pos, futex_bucket(k)) {
		struct futex_waiter *w = list_entry(pos, struct futex_waiter, link);
		if (futex_key_eq(&w->key, k) && (!best || w->t->prio > best->t->prio))
			best = w;
	}
	return best;
}

static int word_write(uaddr_t uaddr, uint32_t v)
{
	return copy_to_user(uaddr, &v, sizeof(v)) ? -EFAULT : 0;
}

long futex_lock_pi(uaddr_t uaddr, bool shared, uint64_t deadline, bool try)
{
	struct thread *self = cur_thread();
	uint32_t tid = (uint32_t)self->ltid;
	struct futex_waiter w = { .bitset = ~0u, .t = self };
	int e = futex_key_get(uaddr, shared, &w.key);
	if (e)
		return e;
	for (;;) {
		uint32_t word;
		if (copy_from_user(&word, uaddr, sizeof(word)))
			return -EFAULT;
		uint32_t owner = word & FUTEX_TID_MASK;
		if (!owner) {
			irqflags_t f = irq_save();
			bool waiters = has_waiters(&w.key, NULL);
			irq_restore(f);
			return word_write(uaddr, tid | (word & FUTEX_OWNER_DIED) |
							 (waiters ? FUTEX_WAITERS : 0));
		}
		if (owner == tid)
			return -EDEADLK;
		if (try)
			return -EAGAIN;
		struct thread *o = thread_by_ltid((pid_t)owner);
		if (o && (o->state == STATE_DEAD || (w.key.a && o->proc != self->proc)))
			o = NULL;
		if (!o && w.key.a)
			return -ESRCH; /* private: the owner must be one of ours */
		if (!(word & FUTEX_WAITERS) && (e = word_write(uaddr, word | FUTEX_WAITERS)))
			return e;
		if (deadline == 1)
			return -ETIMEDOUT;
		irqflags_t f = irq_save();
		list_add_tail(futex_bucket(&w.key), &w.link);
		w.queued = true;
		w.handed = false;
		self->unblock = futex_unblock;
		self->blocked_on = &w;
		if (o)
			pi_donate(self, o);
		long r = sched_block_timeout(STATE_MUTEX, deadline, -ETIMEDOUT);
		if (w.queued) {
			list_del(&w.link);
			w.queued = false;
		}
		bool handed = w.handed;
		irq_restore(f);
		if (handed)
			return 0; /* the unlocker wrote our id into the word */
		if (r < 0)
			return r;
		/* woken without the lock (its owner went away): try again */
	}
}

long futex_unlock_pi(uaddr_t uaddr, bool shared)
{
	struct thread *self = cur_thread();
	struct futex_key k;
	int e = futex_key_get(uaddr, shared, &k);
	if (e)
		return e;
	uint32_t word;
	if (copy_from_user(&word, uaddr, sizeof(word)))
		return -EFAULT;
	if ((word & FUTEX_TID_MASK) != (uint32_t)self->ltid)
		return -EPERM;
	/* pick the heir with interrupts off and take it off the queue and its
	 * timer, so nothing else can release it while the word is written */
	irqflags_t f = irq_save();
	struct futex_waiter *heir = best_waiter(&k);
	if (heir) {
		list_del(&heir->link);
		heir->queued = false;
		heir->handed = true;
		ktimer_cancel(&heir->t->timer);
	}
	bool more = heir && has_waiters(&k, heir);
	irq_restore(f);
	uint32_t nw = heir ? (uint32_t)heir->t->ltid | (more ? FUTEX_WAITERS : 0) : 0;
	e = word_write(uaddr, nw);
	f = irq_save();
	if (heir) {
		struct thread *t = heir->t;
		pi_revoke(t);
		list_for_each(pos, futex_bucket(&k)) {
			struct futex_waiter *w = list_entry(pos, struct futex_waiter, link);
			if (futex_key_eq(&w->key, &k) && w->t->donee == self) {
				pi_revoke(w->t);
				pi_donate(w->t, t);
			}
		}
		sched_wake(t, 0);
	}
	irq_restore(f);
	return e;
}
