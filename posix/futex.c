/*
 * futex: FUTEX_WAIT, FUTEX_WAKE, FUTEX_REQUEUE, FUTEX_CMP_REQUEUE,
 * FUTEX_WAIT_BITSET and FUTEX_WAKE_BITSET, private and shared; the PI
 * operations are in futex_pi.c. musl builds its mutexes, condition
 * variables, semaphores, barriers and thread joins on these.
 *
 * A futex is a key: (address space, user address) for private futexes and
 * for shared ones in private memory (which no other process can see), or
 * (physical address) for a shared futex in a MAP_SHARED region or a mapped
 * object, so that every process mapping the word meets the same waiters.
 * Waiters are on-stack records in a hash table of FIFO lists; everything
 * that touches the lists runs with interrupts off, because a waiter leaves
 * its list from unblock callbacks too (timeout timer, signal, kill). On one
 * CPU with a non-preemptible kernel, reading the futex word and queueing
 * the waiter cannot interleave with another thread's wake.
 */
#include <arch/cpu.h>
#include <arch/platform.h>
#include <kernel/errno.h>
#include <kernel/percpu.h>
#include <kernel/process.h>
#include <mm/pmm.h>
#include <mm/uaccess.h>
#include <mm/vm.h>
#include <sched/clock.h>
#include <sched/sched.h>

#include "futex.h"
#include "proc/proc_sys.h"

#define NBUCKETS 64
#define BITSET_ANY 0xffffffffu
#define FOREVER_SEC (1ll << 33) /* 272 years: no overflow in nanoseconds */

static struct list_node buckets[NBUCKETS];
static bool buckets_ready;

struct list_node *futex_bucket(const struct futex_key *k)
{
	if (!buckets_ready) {
		for (int i = 0; i < NBUCKETS; i++)
			list_init(&buckets[i]);
		buckets_ready = true;
	}
	uint64_t h = (k->a >> 4) * 0x9E3779B97F4A7C15ull ^ (k->b >> 2) * 0xC2B2AE3D27D4EB4Full;
	return &buckets[(h >> 32) % NBUCKETS];
}

int futex_key_get(uaddr_t uaddr, bool shared, struct futex_key *k)
{
	if ((uaddr & 3) || !uaccess_range_ok(uaddr, 4))
		return -EINVAL;
	struct aspace *as = cur_thread()->proc->as;
	k->a = (uint64_t)as;
	k->b = uaddr;
	if (!shared)
		return 0;
	struct vm_region *r = vm_find(as, uaddr);
	if (!r)
		return -EFAULT;
	uint64_t *pte = mmu_pte(as->pml4, PAGE_ALIGN_DOWN(uaddr), false);
	bool object = pte && (*pte & PTE_P) && (*pte & PTE_SHARED);
	if (!(r->prot & VM_SHARED) && !object)
		return 0; /* private memory: only this address space sees the word */
	if (!pte || !(*pte & PTE_P)) {
		if (vm_fault(as, uaddr, false, false))
			return -EFAULT;
		pte = mmu_pte(as->pml4, PAGE_ALIGN_DOWN(uaddr), false);
	}
	k->a = 0;
	k->b = (*pte & PTE_ADDR) | (uaddr & ~PAGE_MASK);
	return 0;
}


bool futex_unblock(struct thread *t, long err, bool force)
{
	struct futex_waiter *w = t->blocked_on;
	if (w->handed)
		return false; /* it owns the PI futex now: its wake is on the way */
	if (w->queued) {
		list_del(&w->link);
		w->queued = false;
	}
	return true;
}

int futex_deadline(uaddr_t ts_u, bool absolute, bool realtime, uint64_t *deadline_tsc)
{
	*deadline_tsc = 0;
	if (!ts_u)
		return 0;
	struct linux_timespec ts;
	if (copy_from_user(&ts, ts_u, sizeof(ts)))
		return -EFAULT;
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000)
		return -EINVAL;
	if (ts.tv_sec >= FOREVER_SEC)
		return 0; /* forever, for all practical purposes */
	uint64_t ns = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
	if (absolute) {
		uint64_t now = realtime ? clock_realtime_ns() : clock_monotonic_ns();
		ns = ns > now ? ns - now : 0;
	}
	*deadline_tsc = ns ? rdtsc() + ns_to_tsc(ns) : 1; /* 1: already past */
	return 0;
}

long futex_wait(uaddr_t uaddr, bool shared, uint32_t val, uint64_t deadline, uint32_t bitset)
{
	if (!bitset)
		return -EINVAL;
	struct futex_waiter w = { .bitset = bitset, .t = cur_thread() };
	int e = futex_key_get(uaddr, shared, &w.key);
	if (e)
		return e;
	uint32_t cur;
	if (copy_from_user(&cur, uaddr, sizeof(cur)))
		return -EFAULT;
	if (cur != val)
		return -EAGAIN;
	if (deadline == 1)
		return -ETIMEDOUT;
	irqflags_t f = irq_save();
	list_add_tail(futex_bucket(&w.key), &w.link);
	w.queued = true;
	w.t->unblock = futex_unblock;
	w.t->blocked_on = &w;
	long r = sched_block_timeout(STATE_CONDVAR, deadline, -ETIMEDOUT);
	if (w.queued) { /* not woken by a wake: the unblock path normally dequeues */
		list_del(&w.link);
		w.queued = false;
	}
	irq_restore(f);
	return r;
}

/* Wakes up to n waiters of k whose bitset meets bitset. Interrupts off. */
static int wake_locked(const struct futex_key *k, int n, uint32_t bitset)
{
	int woken = 0;
	struct list_node *b = futex_bucket(k);
	list_for_each_safe(pos, tmp, b) {
		if (woken >= n)
			break;
		struct futex_waiter *w = list_entry(pos, struct futex_waiter, link);
		if (!futex_key_eq(&w->key, k) || !(w->bitset & bitset))
			continue;
		list_del(&w->link);
		w->queued = false;
		sched_wake(w->t, 0);
		woken++;
	}
	return woken;
}

long futex_wake(uaddr_t uaddr, bool shared, int n, uint32_t bitset)
{
	if (!bitset)
		return -EINVAL;
	struct futex_key k;
	int e = futex_key_get(uaddr, shared, &k);
	if (e)
		return e;
	irqflags_t f = irq_save();
	int r = wake_locked(&k, n, bitset);
	irq_restore(f);
	return r;
}

int futex_wake_private(uaddr_t uaddr, int n)
{
	return (int)futex_wake(uaddr, false, n, BITSET_ANY);
}

long futex_requeue(uaddr_t uaddr, bool shared, int nwake, int nmove, uaddr_t uaddr2,
		   bool cmp, uint32_t val3)
{
	if (nwake < 0 || nmove < 0)
		return -EINVAL;
	struct futex_key k1, k2;
	int e = futex_key_get(uaddr, shared, &k1);
	if (!e)
		e = futex_key_get(uaddr2, shared, &k2);
	if (e)
		return e;
	if (cmp) {
		uint32_t cur;
		if (copy_from_user(&cur, uaddr, sizeof(cur)))
			return -EFAULT;
		if (cur != val3)
			return -EAGAIN;
	}
	irqflags_t f = irq_save();
	int done = wake_locked(&k1, nwake, BITSET_ANY), moved = 0;
	struct list_node *b1 = futex_bucket(&k1), *b2 = futex_bucket(&k2);
	list_for_each_safe(pos, tmp, b1) {
		if (moved >= nmove)
			break;
		struct futex_waiter *w = list_entry(pos, struct futex_waiter, link);
		if (!futex_key_eq(&w->key, &k1))
			continue;
		list_del(&w->link);
		w->key = k2;
		list_add_tail(b2, &w->link);
		moved++;
	}
	irq_restore(f);
	return done + moved;
}

long sys_futex(const uint64_t *a, struct trapframe *tf)
{
	uaddr_t uaddr = a[0];
	int op = (int)a[1];
	uint32_t val = (uint32_t)a[2];
	bool shared = !(op & FUTEX_PRIVATE_FLAG);
	bool realtime = op & FUTEX_CLOCK_REALTIME;
	int cmd = op & ~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME);
	uint64_t deadline;
	int e;
	switch (cmd) {
	case FUTEX_WAIT:
	case FUTEX_WAIT_BITSET:
		if (realtime && cmd == FUTEX_WAIT)
			return -ENOSYS; /* as Linux: CLOCK_REALTIME needs the bitset form */
		if ((e = futex_deadline(a[3], cmd == FUTEX_WAIT_BITSET, realtime, &deadline)))
			return e;
		return futex_wait(uaddr, shared, val, deadline,
				  cmd == FUTEX_WAIT ? BITSET_ANY : (uint32_t)a[5]);
	case FUTEX_WAKE:
		return futex_wake(uaddr, shared, (int)MIN(val, (uint32_t)INT32_MAX), BITSET_ANY);
	case FUTEX_WAKE_BITSET:
		return futex_wake(uaddr, shared, (int)MIN(val, (uint32_t)INT32_MAX), (uint32_t)a[5]);
	case FUTEX_REQUEUE:
	case FUTEX_CMP_REQUEUE:
		return futex_requeue(uaddr, shared, (int)val, (int)a[3], a[4],
				     cmd == FUTEX_CMP_REQUEUE, (uint32_t)a[5]);
	case FUTEX_LOCK_PI:
	case FUTEX_LOCK_PI2:
		if ((e = futex_deadline(a[3], true, cmd == FUTEX_LOCK_PI || realtime, &deadline)))
			return e;
		return futex_lock_pi(uaddr, shared, deadline, false);
	case FUTEX_TRYLOCK_PI:
		return futex_lock_pi(uaddr, shared, 0, true);
	case FUTEX_UNLOCK_PI:
		return futex_unlock_pi(uaddr, shared);
	default:
		return -ENOSYS; /* FUTEX_WAKE_OP, FUTEX_*_REQUEUE_PI, FUTEX_FD */
	}
}
