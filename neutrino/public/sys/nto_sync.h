/*
 * Synchronisation objects (SyncTypeCreate, SyncMutexLock/Unlock,
 * SyncCondvarWait/Signal, SyncSemPost/Wait, SyncCtl): sync_t lives in user
 * memory; the kernel is entered only on contention. Part of sys/neutrino.h.
 */
#pragma once

typedef struct _sync {
	int32_t count;   /* recursion count / semaphore value; type for some objects */
	uint32_t owner;  /* 0 = free; else owner id | _NTO_SYNC_WAITING; special values below */
} sync_t;

#define _NTO_SYNC_WAITING 0x80000000u
#define _NTO_SYNC_INITIALIZER 0xffffffffu /* -1: statically initialised, not yet seen by the kernel */
#define _NTO_SYNC_DESTROYED 0xfffffffeu   /* -2 */
#define _NTO_SYNC_DEAD 0xffffff00u        /* -256: owner died (robust mutexes) */

/* SyncTypeCreate() types */
#define _NTO_SYNC_MUTEX_FREE 0
#define _NTO_SYNC_SEM 1
#define _NTO_SYNC_COND 2

/* _sync_attr.protocol */
#define PTHREAD_PRIO_INHERIT_NTO 1
#define PTHREAD_PRIO_PROTECT_NTO 2
#define PTHREAD_PRIO_NONE_NTO 0

struct _sync_attr {
	int protocol;   /* PTHREAD_PRIO_*_NTO; default inherit */
	int flags;
	int prioceiling;
	int clockid;
	int reserved[4];
};

/* SyncCtl() commands */
#define _NTO_SCTL_SETPRIOCEILING 1
#define _NTO_SCTL_GETPRIOCEILING 2
