/*
 * Semaphores: the value is sync_t.count. SyncSemWait takes a unit or blocks
 * in STATE_SEM (tryto: EAGAIN instead); SyncSemPost hands a unit to the
 * highest-priority waiter, or adds it to the count. User code may take units
 * itself with a compare-exchange on count (libneutrino _nto_sem_wait) but
 * always posts through the kernel, so a waiter is never missed.
 */
#include <arch/cpu.h>
#include <kcall/kcall_gen.h>
#include <kernel/errno.h>
#include <sched/sched.h>
#include <sync/sync.h>

long ker_sync_sem_wait(uaddr_t sync, int tryto)
{
	struct sync_ref r;
	int e = sync_resolve(sync, &r);
	if (e)
		return e;
	if (*r.owner != _NTO_SYNC_SEM_OWNER)
		return -EINVAL;
	for (;;) {
		int32_t c = *r.count;
		if (c < 0)
			return -EINVAL;
		if (c == 0)
			break;
		if (sync_cas_count(r.count, c, c - 1) == c)
			return 0;
	}
	if (tryto)
		return -EAGAIN;
	bool mismatch;
	struct sync_obj *obj = sync_obj_get(&r, SYNC_SEM, &mismatch);
	if (!obj)
		return mismatch ? -EINVAL : -ENOMEM;
	irqflags_t f = irq_save();
	sync_obj_enqueue(obj);
	long res = sched_block_timeout(STATE_SEM, 0, 0);
	irq_restore(f);
	sync_obj_put(obj);
	return res;
}

long ker_sync_sem_post(uaddr_t sync)
{
	struct sync_ref r;
	int e = sync_resolve(sync, &r);
	if (e)
		return e;
	if (*r.owner != _NTO_SYNC_SEM_OWNER)
		return -EINVAL;
	struct sync_obj *obj = sync_obj_find(r.key);
	if (obj && obj->kind != SYNC_SEM)
		return -EINVAL;
	irqflags_t f = irq_save();
	bool woke = obj && waitq_wake_one(&obj->wq, 0);
	irq_restore(f);
	if (woke)
		return 0;
	for (;;) {
		int32_t c = *r.count;
		if (c < 0)
			return -EINVAL;
		if (c == INT32_MAX)
			return -EOVERFLOW;
		if (sync_cas_count(r.count, c, c + 1) == c)
			return 0;
	}
}
