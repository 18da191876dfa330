/*
 * The Sync* kernel calls other than condvars and semaphores: SyncTypeCreate,
 * SyncDestroy, SyncMutexLock/Unlock, SyncCtl (priority ceilings) and
 * SyncMutexRevive. Decode (copy in, resolve the sync_t), then act.
 */
#include <arch/cpu.h>
#include <kcall/kcall_gen.h>
#include <kernel/errno.h>
#include <kernel/percpu.h>
#include <mm/uaccess.h>
#include <sched/sched.h>
#include <sync/sync.h>

static bool sync_busy(const struct sync_ref *r)
{
	struct sync_obj *o = sync_obj_find(r->key);
	return o && (o->owner || sync_obj_has_waiters(o));
}

static int mutex_count_bits(const struct _sync_attr *a, int32_t *count)
{
	int32_t c = 0;
	if (a->flags & ~_NTO_SYNC_ATTR_RECURSIVE)
		return -EINVAL;
	if (a->flags & _NTO_SYNC_ATTR_RECURSIVE)
		c |= _NTO_SYNC_M_RECURSIVE;
	switch (a->protocol) {
	case PTHREAD_PRIO_INHERIT_NTO:
		break;
	case PTHREAD_PRIO_NONE_NTO:
		c |= _NTO_SYNC_M_PRIO_NONE;
		break;
	case PTHREAD_PRIO_PROTECT_NTO:
		if (a->prioceiling < 1 || a->prioceiling > _NTO_PRIO_MAX)
			return -EINVAL;
		c |= _NTO_SYNC_M_PROTECT | (a->prioceiling << _NTO_SYNC_M_CEIL_SHIFT);
		break;
	default:
		return -EINVAL;
	}
	*count = c;
	return 0;
}

long ker_sync_type_create(unsigned type, uaddr_t sync, uaddr_t attr)
{
	struct _sync_attr a = {.protocol = PTHREAD_PRIO_INHERIT_NTO,
			       .clockid = _NTO_CLOCK_MONOTONIC};
	if (attr && copy_from_user(&a, attr, sizeof(a)))
		return -EFAULT;
	struct sync_ref r;
	int e = sync_resolve(sync, &r);
	if (e)
		return e;
	if (sync_busy(&r))
		return -EBUSY;
	int32_t count;
	uint32_t owner;
	switch (type) {
	case _NTO_SYNC_MUTEX_FREE:
		if ((e = mutex_count_bits(&a, &count)))
			return e;
		owner = 0;
		break;
	case _NTO_SYNC_SEM:
		count = *r.count;
		if (count < 0)
			return -EINVAL;
		owner = _NTO_SYNC_SEM_OWNER;
		break;
	case _NTO_SYNC_COND:
		if (a.clockid != _NTO_CLOCK_MONOTONIC && a.clockid != _NTO_CLOCK_REALTIME)
			return -EINVAL;
		count = a.clockid;
		owner = _NTO_SYNC_COND_OWNER;
		break;
	default:
		return -EINVAL;
	}
	*r.count = count;
	__atomic_store_n(r.owner, owner, __ATOMIC_SEQ_CST);
	return 0;
}

long ker_sync_destroy(uaddr_t sync)
{
	struct sync_ref r;
	int e = sync_resolve(sync, &r);
	if (e)
		return e;
	uint32_t o = *r.owner;
	if (o == _NTO_SYNC_DESTROYED)
		return -EINVAL;
	if (sync_busy(&r) || (o != 0 && o < _NTO_SYNC_SPECIAL_MIN))
		return -EBUSY;
	if (sync_cas(r.owner, o, _NTO_SYNC_DESTROYED) != o)
		return -EBUSY;
	return 0;
}

long ker_sync_mutex_lock(uaddr_t sync)
{
	struct sync_ref r;
	int e = sync_resolve(sync, &r);
	return e ? e : sync_mutex_lock(&r);
}

long ker_sync_mutex_unlock(uaddr_t sync)
{
	struct sync_ref r;
	int e = sync_resolve(sync, &r);
	return e ? e : sync_mutex_unlock(&r, false, NULL);
}

long ker_sync_ctl(int cmd, uaddr_t sync, uaddr_t data)
{
	int prio = 0;
	if (cmd == _NTO_SCTL_SETPRIOCEILING) {
		if (copy_from_user(&prio, data, sizeof(prio)))
			return -EFAULT;
		if (prio < 1 || prio > _NTO_PRIO_MAX)
			return -EINVAL;
	} else if (cmd != _NTO_SCTL_GETPRIOCEILING) {
		return -EINVAL;
	}
	struct sync_ref r;
	int e = sync_resolve(sync, &r);
	if (e)
		return e;
	uint32_t o = *r.owner;
	if (o >= _NTO_SYNC_SPECIAL_MIN && o != _NTO_SYNC_DEAD)
		return -EINVAL; /* not a mutex (or never initialised by the kernel) */
	int32_t c = *r.count;
	if (!(c & _NTO_SYNC_M_PROTECT))
		return -EINVAL;
	if (cmd == _NTO_SCTL_GETPRIOCEILING) {
		int old = (int)(((uint32_t)c & _NTO_SYNC_M_CEIL_MASK) >> _NTO_SYNC_M_CEIL_SHIFT);
		return copy_to_user(data, &old, sizeof(old)) ? -EFAULT : 0;
	}
	while (sync_cas_count(r.count, c, (c & ~_NTO_SYNC_M_CEIL_MASK) |
						  (prio << _NTO_SYNC_M_CEIL_SHIFT)) != c)
		c = *r.count;
	struct sync_obj *obj = sync_obj_find(r.key);
	if (obj && obj->kind == SYNC_MUTEX && obj->owner && obj->ceiling) {
		irqflags_t f = irq_save();
		obj->ceiling = (uint8_t)prio;
		sync_ceiling_update(obj->owner);
		irq_restore(f);
	}
	return 0;
}

long ker_sync_mutex_revive(uaddr_t sync)
{
	struct sync_ref r;
	int e = sync_resolve(sync, &r);
	if (e)
		return e;
	uint32_t me = sync_id(cur_thread());
	if (!me)
		return -EAGAIN;
	uint32_t o = *r.owner;
	if (o == _NTO_SYNC_DEAD) {
		if (sync_cas(r.owner, o, me) != o)
			return -EAGAIN;
		*r.count &= ~_NTO_SYNC_M_DEPTH_MASK;
		return 0;
	}
	if (o < _NTO_SYNC_SPECIAL_MIN && (o & ~_NTO_SYNC_WAITING) == me)
		return 0; /* already ours: EOWNERDEAD left it locked by us */
	return -EINVAL;
}
