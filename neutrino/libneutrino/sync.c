/*
 * User-space fast paths of the synchronisation objects (declared in
 * sys/nto_sync.h): an uncontended mutex is taken and released with one
 * compare-exchange on sync_t.owner; the Sync* kernel calls run only on
 * contention (the kernel then sets _NTO_SYNC_WAITING), for PRIO_PROTECT and
 * recursive mutexes, and for semaphore posts. Return 0 or an errno value.
 */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <sys/neutrino.h>
#include <unistd.h>

static __thread uint32_t self_id;

/* A forked child's only thread has a new pid and thread id. Registered
 * before main (pthread_atfork allocates: not in the middle of a program). */
static void forget_self_id(void) { self_id = 0; }
__attribute__((constructor)) static void sync_init(void)
{
	pthread_atfork(NULL, NULL, forget_self_id);
}

uint32_t _nto_sync_self(void)
{
	if (!self_id)
		self_id = _NTO_SYNC_ID(getpid(), gettid());
	return self_id;
}

static int cas(volatile uint32_t *w, uint32_t old, uint32_t new)
{
	return __atomic_compare_exchange_n(w, &old, new, false, __ATOMIC_ACQUIRE,
					   __ATOMIC_RELAXED);
}

/* Mutexes the fast path must leave to the kernel. */
static int kernel_only(const sync_t *m)
{
	return m->count & (_NTO_SYNC_M_PROTECT | _NTO_SYNC_M_RECURSIVE);
}

int _nto_mutex_lock(sync_t *m)
{
	if (!kernel_only(m) && cas(&m->owner, 0, _nto_sync_self()))
		return 0;
	int e;
	while ((e = SyncMutexLock_r(m)) == -EINTR)
		;
	return -e;
}

int _nto_mutex_trylock(sync_t *m)
{
	if (!kernel_only(m))
		return cas(&m->owner, 0, _nto_sync_self()) ? 0 : EBUSY;
	uint32_t o = __atomic_load_n(&m->owner, __ATOMIC_RELAXED);
	if (o != 0 && (o & ~_NTO_SYNC_WAITING) != _nto_sync_self())
		return EBUSY;
	return -SyncMutexLock_r(m);
}

int _nto_mutex_unlock(sync_t *m)
{
	uint32_t me = _nto_sync_self();
	if (!kernel_only(m)) {
		uint32_t old = me;
		if (__atomic_compare_exchange_n(&m->owner, &old, 0, false, __ATOMIC_RELEASE,
						__ATOMIC_RELAXED))
			return 0;
	}
	return -SyncMutexUnlock_r(m);
}

int _nto_sem_trywait(sync_t *s)
{
	int32_t c = __atomic_load_n(&s->count, __ATOMIC_RELAXED);
	while (c > 0 && s->owner == _NTO_SYNC_SEM_OWNER) {
		if (__atomic_compare_exchange_n(&s->count, &c, c - 1, false, __ATOMIC_ACQUIRE,
						__ATOMIC_RELAXED))
			return 0;
	}
	return -SyncSemWait_r(s, 1);
}

int _nto_sem_wait(sync_t *s)
{
	int e = _nto_sem_trywait(s);
	if (e != EAGAIN)
		return e;
	return -SyncSemWait_r(s, 0);
}

int _nto_sem_post(sync_t *s)
{
	return -SyncSemPost_r(s);
}

int _nto_cond_wait(sync_t *c, sync_t *m)
{
	int e = -SyncCondvarWait_r(c, m);
	return e == EINTR ? 0 : e; /* a spurious wake-up, with the mutex held */
}

int _nto_cond_signal(sync_t *c)
{
	return -SyncCondvarSignal_r(c, 0);
}

int _nto_cond_broadcast(sync_t *c)
{
	return -SyncCondvarSignal_r(c, 1);
}
