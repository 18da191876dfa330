/*
 * Condition variables: SyncCondvarWait releases the mutex and blocks in
 * STATE_CONDVAR as one step (nothing else runs in between: the kernel is not
 * preemptible), then re-acquires the mutex (STATE_MUTEX, with inheritance)
 * however it was woken. SyncCondvarSignal wakes the highest-priority waiter,
 * or all of them.
 */
#include <arch/cpu.h>
#include <kcall/kcall_gen.h>
#include <kernel/errno.h>
#include <kernel/percpu.h>
#include <sched/sched.h>
#include <sync/sync.h>

/* Checks that r is a condvar, turning a statically initialised one into one. */
static int cond_check(struct sync_ref *r)
{
	uint32_t o = *r->owner;
	if (o == _NTO_SYNC_INITIALIZER) {
		if (sync_cas(r->owner, o, _NTO_SYNC_COND_OWNER) == o)
			*r->count = _NTO_CLOCK_MONOTONIC;
		o = *r->owner;
	}
	return o == _NTO_SYNC_COND_OWNER ? 0 : -EINVAL;
}

long ker_sync_condvar_wait(uaddr_t sync, uaddr_t mutex)
{
	struct thread *self = cur_thread();
	struct sync_ref cr, mr;
	int e = sync_resolve(sync, &cr);
	if (!e)
		e = sync_resolve(mutex, &mr);
	if (e)
		return e;
	if (cr.key == mr.key)
		return -EINVAL;
	/* resolving the mutex may have faulted in a page, never unmapped one */
	if ((e = cond_check(&cr)))
		return e;
	bool mismatch;
	struct sync_obj *obj = sync_obj_get(&cr, SYNC_COND, &mismatch);
	if (!obj)
		return mismatch ? -EINVAL : -ENOMEM;
	int32_t depth;
	e = sync_mutex_unlock(&mr, true, &depth);
	if (e) {
		sync_obj_put(obj);
		return e;
	}
	irqflags_t f = irq_save();
	sync_obj_enqueue(obj);
	long res = sched_block_timeout(STATE_CONDVAR, 0, 0);
	irq_restore(f);
	sync_obj_put(obj);

	/* Re-acquire: a timeout armed for the mutex must not leave us without it. */
	self->timeout_states = 0;
	for (;;) {
		e = sync_resolve(mutex, &mr);
		if (e)
			return e;
		e = sync_mutex_lock(&mr);
		if (e != -EINTR || (self->flags & TF_KILL))
			break;
	}
	if (e && e != -EOWNERDEAD)
		return e;
	if (depth)
		*mr.count |= depth;
	return res ? res : e;
}

long ker_sync_condvar_signal(uaddr_t sync, int all)
{
	struct sync_ref r;
	int e = sync_resolve(sync, &r);
	if (e)
		return e;
	if ((e = cond_check(&r)))
		return e;
	struct sync_obj *obj = sync_obj_find(r.key);
	if (!obj)
		return 0;
	if (obj->kind != SYNC_COND)
		return -EINVAL;
	irqflags_t f = irq_save();
	if (all)
		waitq_wake_all(&obj->wq, 0);
	else
		waitq_wake_one(&obj->wq, 0);
	irq_restore(f);
	return 0;
}
