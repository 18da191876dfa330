/*
 * Synchronisation objects (SyncTypeCreate, SyncMutexLock/Unlock,
 * SyncCondvarWait/Signal, SyncSemPost/Wait, SyncCtl): sync_t lives in user
 * memory; the kernel is entered only on contention. Part of sys/neutrino.h.
 *
 * Owner ids: a thread is named system-wide by _NTO_SYNC_ID(pid, tid) =
 * pid << 16 | tid, with pid 1..32767 and tid 1..0xfeff (a thread with a
 * larger tid cannot own a mutex: EAGAIN). Ids never reach the special owner
 * values below, which all have the top byte 0xff.
 *
 * Word layouts by type:
 *   mutex:    owner = 0 free, id [| _NTO_SYNC_WAITING], or a special value;
 *             count = _NTO_SYNC_M_* attribute bits | recursion depth.
 *   semaphore: owner = _NTO_SYNC_SEM_OWNER; count = the value (>= 0).
 *   condvar:  owner = _NTO_SYNC_COND_OWNER (or _NTO_SYNC_INITIALIZER);
 *             count = the clock id.
 */
#pragma once

typedef struct _sync {
	int32_t count;   /* recursion count / semaphore value; type for some objects */
	uint32_t owner;  /* 0 = free; else owner id | _NTO_SYNC_WAITING; special values below */
} sync_t;

#define _NTO_SYNC_WAITING 0x80000000u
#define _NTO_SYNC_INITIALIZER 0xffffffffu /* -1: statically initialised, not yet seen by the kernel */
#define _NTO_SYNC_DESTROYED 0xfffffffeu   /* -2 */
#define _NTO_SYNC_SEM_OWNER 0xfffffffdu   /* -3: the object is a semaphore */
#define _NTO_SYNC_COND_OWNER 0xfffffffcu  /* -4: the object is a condvar */
#define _NTO_SYNC_DEAD 0xffffff00u        /* -256: owner died (robust mutexes) */
#define _NTO_SYNC_SPECIAL_MIN 0xffffff00u /* owner values >= this are not ids */

#define _NTO_SYNC_ID(pid, tid) (((uint32_t)(pid) << 16) | (uint32_t)(tid))
#define _NTO_SYNC_TID_MAX 0xfeff

/* Mutex count word: attribute bits set by SyncTypeCreate / SyncCtl, and the
 * recursion depth beyond the first lock (recursive mutexes only). */
#define _NTO_SYNC_M_DEPTH_MASK 0x0000ffff
#define _NTO_SYNC_M_CEIL_SHIFT 16
#define _NTO_SYNC_M_CEIL_MASK 0x00ff0000
#define _NTO_SYNC_M_PROTECT 0x01000000   /* PTHREAD_PRIO_PROTECT: fast paths must enter the kernel */
#define _NTO_SYNC_M_PRIO_NONE 0x02000000 /* PTHREAD_PRIO_NONE: no inheritance */
#define _NTO_SYNC_M_RECURSIVE 0x04000000

/* SyncTypeCreate() types. For _NTO_SYNC_SEM the initial value is the count
 * already stored in the sync_t (0..INT32_MAX). */
#define _NTO_SYNC_MUTEX_FREE 0
#define _NTO_SYNC_SEM 1
#define _NTO_SYNC_COND 2

/* _sync_attr.protocol */
#define PTHREAD_PRIO_INHERIT_NTO 1
#define PTHREAD_PRIO_PROTECT_NTO 2
#define PTHREAD_PRIO_NONE_NTO 0

/* _sync_attr.flags */
#define _NTO_SYNC_ATTR_RECURSIVE 0x1

struct _sync_attr {
	int protocol;   /* PTHREAD_PRIO_*_NTO; default inherit (a NULL attr) */
	int flags;      /* _NTO_SYNC_ATTR_* */
	int prioceiling; /* 1..255, PTHREAD_PRIO_PROTECT_NTO only */
	int clockid;    /* condvars: the clock of timed waits */
	int reserved[4];
};

/* SyncCtl() commands; data points to an int (the ceiling, 1..255). */
#define _NTO_SCTL_SETPRIOCEILING 1
#define _NTO_SCTL_GETPRIOCEILING 2

#ifndef __KERNEL__
/*
 * User-space fast paths (libneutrino sync.c): an uncontended mutex is taken
 * and released with one compare-exchange; the kernel is entered on
 * contention, for PRIO_PROTECT and recursive mutexes, and for semaphore
 * posts. They return 0 or an errno value (not -1/errno).
 *
 * The calling thread's id is cached in thread-local storage: threads that
 * share their creator's TLS (ThreadCreate without attr.tls) must not use
 * these; they use the Sync* kernel calls, which work uncontended too.
 */
uint32_t _nto_sync_self(void);
int _nto_mutex_lock(sync_t *m);
int _nto_mutex_trylock(sync_t *m);
int _nto_mutex_unlock(sync_t *m);
int _nto_sem_wait(sync_t *s);
int _nto_sem_trywait(sync_t *s);
int _nto_sem_post(sync_t *s);
int _nto_cond_wait(sync_t *c, sync_t *m);
int _nto_cond_signal(sync_t *c);
int _nto_cond_broadcast(sync_t *c);
#endif
