/*
 * Mutexes: the kernel's lock and unlock paths behind the user fast paths,
 * with priority inheritance (waiters donate to the owner), priority ceilings
 * (PRIO_PROTECT: the owner runs at least at the highest ceiling it holds)
 * and hand-off on unlock to the highest-priority waiter. Called by the
 * Sync* kernel calls (ker_sync.c) and by condvar waits.
 *
 * The user word is the truth about who owns an uncontended mutex; once a
 * kernel object records an owner (waiters, or a ceiling), that record is the
 * truth and the word follows it.
 */
#include <arch/cpu.h>
#include <kernel/errno.h>
#include <kernel/percpu.h>
#include <sched/pi.h>
#include <sched/sched.h>
#include <sync/sync.h>

static uint8_t ceiling_of(int32_t c)
{
	return (uint8_t)(((uint32_t)c & _NTO_SYNC_M_CEIL_MASK) >> _NTO_SYNC_M_CEIL_SHIFT);
}

void sync_ceiling_update(struct thread *t)
{
	uint8_t c = 0;
	list_for_each(pos, &sync_owned) {
		struct sync_obj *o = list_entry(pos, struct sync_obj, owned_link);
		if (o->owner == t && o->ceiling > c)
			c = o->ceiling;
	}
	if (t->ceiling_prio != c) {
		t->ceiling_prio = c;
		pi_recompute(t);
	}
}

/* The running thread just took a PRIO_PROTECT mutex: record it so its
 * ceiling applies while held. */
static int protect_attach(struct sync_ref *r, int32_t c)
{
	bool mismatch;
	struct sync_obj *obj = sync_obj_get(r, SYNC_MUTEX, &mismatch);
	if (!obj)
		return mismatch ? -EINVAL : -ENOMEM;
	irqflags_t f = irq_save();
	obj->ceiling = ceiling_of(c) ? ceiling_of(c) : 1;
	sync_obj_set_owner(obj, cur_thread());
	sync_ceiling_update(cur_thread());
	irq_restore(f);
	sync_obj_put(obj);
	return 0;
}

/* Takes a free (or dead-owner) mutex whose word holds o. 1 if o changed
 * under us (retry), else 0 / -EOWNERDEAD / -errno. */
static int take_free(struct sync_ref *r, uint32_t o, uint32_t me, bool owner_dead)
{
	int32_t c = *r->count;
	if (o == _NTO_SYNC_INITIALIZER)
		c = 0; /* statically initialised: default attributes */
	if ((c & _NTO_SYNC_M_PROTECT) && ceiling_of(c) < cur_thread()->real_prio)
		return -EINVAL;
	uint32_t now = me | (owner_dead ? (o & _NTO_SYNC_WAITING) : 0);
	if (sync_cas(r->owner, o, now) != o)
		return 1;
	if (o == _NTO_SYNC_INITIALIZER)
		*r->count = 0;
	else if (owner_dead || o == _NTO_SYNC_DEAD)
		*r->count = c & ~_NTO_SYNC_M_DEPTH_MASK;
	if (c & _NTO_SYNC_M_PROTECT) {
		int e = protect_attach(r, c);
		if (e) {
			sync_cas(r->owner, now, o);
			return e;
		}
	}
	return owner_dead || o == _NTO_SYNC_DEAD ? -EOWNERDEAD : 0;
}

/* After being handed the mutex: make the word name us (the hand-off may not
 * have been able to write it, e.g. when the owner died). */
static void confirm_owner(struct sync_ref *r, struct sync_obj *obj, uint32_t me)
{
	if (sync_resolve(r->uaddr, r) || r->key != obj->key)
		return;
	irqflags_t f = irq_save();
	uint32_t want = me | (sync_obj_has_waiters(obj) ? _NTO_SYNC_WAITING : 0);
	uint32_t o = *r->owner;
	while (o != want) {
		uint32_t seen = sync_cas(r->owner, o, want);
		if (seen == o)
			break;
		o = seen;
	}
	irq_restore(f);
}

/* A waiter gave up (timeout, signal): clear WAITING if nobody waits now. */
static void waiter_gone(struct sync_ref *r, struct sync_obj *obj)
{
	if (sync_resolve(r->uaddr, r) || r->key != obj->key)
		return;
	irqflags_t f = irq_save();
	uint32_t o = *r->owner;
	if (!sync_obj_has_waiters(obj) && (o & _NTO_SYNC_WAITING) && o < _NTO_SYNC_SPECIAL_MIN)
		sync_cas(r->owner, o, o & ~_NTO_SYNC_WAITING);
	irq_restore(f);
}

int sync_mutex_lock(struct sync_ref *r)
{
	struct thread *self = cur_thread();
	uint32_t me = sync_id(self);
	if (!me)
		return -EAGAIN;
	for (;;) {
		uint32_t o = *r->owner;
		if (o == 0 || o == _NTO_SYNC_INITIALIZER || o == _NTO_SYNC_DEAD) {
			int e = take_free(r, o, me, false);
			if (e == 1)
				continue;
			return e;
		}
		if (o >= _NTO_SYNC_SPECIAL_MIN)
			return -EINVAL; /* destroyed, a semaphore or a condvar */
		bool mismatch;
		struct sync_obj *obj = sync_obj_get(r, SYNC_MUTEX, &mismatch);
		if (!obj)
			return mismatch ? -EINVAL : -ENOMEM;
		struct thread *owner = obj->owner ? obj->owner : sync_thread(o);
		if (owner == self) {
			sync_obj_put(obj);
			int32_t c = *r->count;
			if (!(c & _NTO_SYNC_M_RECURSIVE))
				return -EDEADLK;
			if ((c & _NTO_SYNC_M_DEPTH_MASK) == _NTO_SYNC_M_DEPTH_MASK)
				return -EAGAIN;
			*r->count = c + 1;
			return 0;
		}
		if (!owner) {
			/* The owner died holding it without the kernel knowing. */
			int e = take_free(r, o, me, true);
			sync_obj_put(obj);
			if (e == 1)
				continue;
			return e;
		}
		if (!(o & _NTO_SYNC_WAITING) && sync_cas(r->owner, o, o | _NTO_SYNC_WAITING) != o) {
			sync_obj_put(obj);
			continue;
		}
		irqflags_t f = irq_save();
		if (!obj->owner)
			sync_obj_set_owner(obj, owner);
		obj->inherit = !(*r->count & _NTO_SYNC_M_PRIO_NONE);
		sync_obj_enqueue(obj);
		if (obj->inherit)
			pi_donate(self, owner);
		long res = sched_block_timeout(STATE_MUTEX, 0, 0);
		irq_restore(f);
		if (res == 0 || res == -EOWNERDEAD)
			confirm_owner(r, obj, me);
		else
			waiter_gone(r, obj);
		sync_obj_put(obj);
		return (int)res;
	}
}

/* Gives obj (owned by the running or dying thread) to its best waiter, or
 * frees it; word (if known) is its owner word. Interrupts off. */
static void hand_off(struct sync_obj *obj, volatile uint32_t *word, long result)
{
	struct thread *w = list_first(&obj->wq.head, struct thread, wq_link);
	struct thread *old = obj->owner;
	if (!w) {
		sync_obj_set_owner(obj, NULL);
		obj->ceiling = 0;
		if (word)
			*word = result == -EOWNERDEAD ? _NTO_SYNC_DEAD : 0;
	} else {
		list_del(&w->wq_link);
		w->waitq = NULL;
		pi_revoke(w);
		sync_obj_set_owner(obj, w);
		if (obj->inherit) {
			list_for_each(pos, &obj->wq.head)
				pi_donate(list_entry(pos, struct thread, wq_link), w);
		}
		if (word)
			*word = sync_id(w) | (sync_obj_has_waiters(obj) ? _NTO_SYNC_WAITING : 0);
		if (obj->ceiling)
			sync_ceiling_update(w);
		sched_wake(w, result);
	}
	if (old)
		sync_ceiling_update(old);
}

int sync_mutex_unlock(struct sync_ref *r, bool full_release, int32_t *depth)
{
	struct thread *self = cur_thread();
	uint32_t me = sync_id(self);
	uint32_t o = *r->owner;
	if (depth)
		*depth = 0;
	if (o >= _NTO_SYNC_SPECIAL_MIN && o != _NTO_SYNC_DEAD && o != _NTO_SYNC_INITIALIZER)
		return -EINVAL;
	struct sync_obj *obj = sync_obj_find(r->key);
	if (obj && obj->kind != SYNC_MUTEX)
		return -EINVAL;
	bool mine = obj && obj->owner ? obj->owner == self
				      : me && o < _NTO_SYNC_SPECIAL_MIN && (o & ~_NTO_SYNC_WAITING) == me;
	if (!mine)
		return -EPERM;
	int32_t c = *r->count;
	if (c & _NTO_SYNC_M_DEPTH_MASK) {
		if (!full_release) {
			*r->count = c - 1;
			return 0;
		}
		if (depth)
			*depth = c & _NTO_SYNC_M_DEPTH_MASK;
		*r->count = c & ~_NTO_SYNC_M_DEPTH_MASK;
	}
	if (!obj) {
		__atomic_store_n(r->owner, 0, __ATOMIC_SEQ_CST);
		return 0;
	}
	obj->refs++;
	irqflags_t f = irq_save();
	if (!obj->owner)
		sync_obj_set_owner(obj, self);
	hand_off(obj, r->owner, 0);
	irq_restore(f);
	sync_obj_put(obj);
	return 0;
}

/* Thread death: every mutex the kernel knows t holds goes to its best waiter
 * (whose lock returns EOWNERDEAD) or is marked _NTO_SYNC_DEAD. Mutexes taken
 * by the fast path and never contended are unknown here; their next locker
 * finds the owner gone and gets EOWNERDEAD the same way. */
void sync_thread_exit(struct thread *t)
{
	for (;;) {
		struct sync_obj *obj = NULL;
		list_for_each(pos, &sync_owned) {
			struct sync_obj *o = list_entry(pos, struct sync_obj, owned_link);
			if (o->owner == t) {
				obj = o;
				break;
			}
		}
		if (!obj)
			break;
		obj->refs++;
		volatile uint32_t *word = sync_obj_word(obj);
		irqflags_t f = irq_save();
		if (word) {
			uint32_t o = *word;
			if (o >= _NTO_SYNC_SPECIAL_MIN)
				word = NULL; /* reinitialised or destroyed under us: leave it */
			else
				*(volatile int32_t *)((char *)word - 4) &= ~_NTO_SYNC_M_DEPTH_MASK;
		}
		hand_off(obj, word, -EOWNERDEAD);
		irq_restore(f);
		sync_obj_put(obj);
	}
	irqflags_t f = irq_save();
	if (t->ceiling_prio) {
		t->ceiling_prio = 0;
		pi_recompute(t);
	}
	irq_restore(f);
}
