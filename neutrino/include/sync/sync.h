/*
 * Kernel side of the synchronisation objects (neutrino/sync). A sync_t lives
 * in user memory; the kernel keeps a struct sync_obj only while one is
 * needed: while threads wait on it, while a PRIO_PROTECT mutex is held, and
 * while a kernel call is using it. Objects are keyed by the physical address
 * of the sync_t, so a sync_t in memory shared between processes is one
 * object.
 *
 * Everything here runs in thread context on one CPU with a non-preemptible
 * kernel: a kernel call's check-and-update of a sync_t cannot interleave with
 * another thread's unless it blocks. Queues and owners are also touched by
 * unblock callbacks (timeouts, kills) and so change with interrupts off.
 */
#pragma once
#include <kernel/list.h>
#include <kernel/types.h>
#include <sched/waitq.h>
#include <sys/neutrino.h>

#ifndef EOWNERDEAD
#define EOWNERDEAD 130 /* Linux value; kernel/errno.h lacks it */
#endif

struct thread;

enum sync_kind { SYNC_MUTEX = 1, SYNC_COND, SYNC_SEM };

/* A user sync_t resolved for the current kernel call: direct-map pointers to
 * its two words (valid until the caller blocks) and its key. */
struct sync_ref {
	uaddr_t uaddr;
	paddr_t key;
	volatile int32_t *count;
	volatile uint32_t *owner;
};

struct sync_obj {
	struct list_node hash_link; /* in its bucket */
	paddr_t key;                /* physical address of the sync_t */
	uint8_t kind;               /* enum sync_kind */
	uint8_t ceiling;            /* mutex: PRIO_PROTECT ceiling while held, else 0 */
	bool inherit;               /* mutex: waiters donate their priority to the owner */
	unsigned refs;              /* kernel calls in progress using it (waiters included) */
	struct waitq wq;            /* [s] waiters, priority order */
	struct thread *owner;       /* [s] mutex: the owner the kernel knows of, or NULL */
	struct list_node owned_link; /* [s] in sync_owned while owner != NULL */
	pid_t wpid;                 /* a process that maps the sync_t at wuaddr (a witness) */
	uaddr_t wuaddr;
};

/* ---- sync_word.c: user words ---- */
/* Resolves a user sync_t (4-byte aligned, writable, faulted in). 0, -EFAULT, -EINVAL. */
int sync_resolve(uaddr_t uaddr, struct sync_ref *r);
/* Atomic compare-exchange; returns the value found (== old on success). */
uint32_t sync_cas(volatile uint32_t *w, uint32_t old, uint32_t new);
int32_t sync_cas_count(volatile int32_t *w, int32_t old, int32_t new);
/* The owner id of t, or 0 if t cannot own mutexes (tid too large). */
uint32_t sync_id(const struct thread *t);
/* The live thread named by id, or NULL. */
struct thread *sync_thread(uint32_t id);
/* A direct-map pointer to obj's owner word if the witness still maps it. */
volatile uint32_t *sync_obj_word(struct sync_obj *obj);

/* ---- sync_obj.c: the object table ---- */
extern struct list_node sync_owned; /* objects with an owner */
struct sync_obj *sync_obj_find(paddr_t key);
/* Finds or creates the object for r with a reference taken; NULL when out of
 * memory; -EINVAL-worthy kind mismatches give *mismatch = true. */
struct sync_obj *sync_obj_get(const struct sync_ref *r, enum sync_kind kind, bool *mismatch);
/* Drops a reference; frees the object once nothing needs it. */
void sync_obj_put(struct sync_obj *obj);
/* Sets or clears the owner (interrupts off). */
void sync_obj_set_owner(struct sync_obj *obj, struct thread *t);
/* Queues the running thread on obj in priority order, unblockable (interrupts off). */
void sync_obj_enqueue(struct sync_obj *obj);
/* Number of threads waiting on obj. */
bool sync_obj_has_waiters(const struct sync_obj *obj);

/* ---- mutex.c ---- */
/* Takes the mutex for the running thread, blocking with PI. 0, -EOWNERDEAD
 * (taken; its previous owner died), or -errno (not taken). */
int sync_mutex_lock(struct sync_ref *r);
/* Releases it, handing it to the best waiter. 0, -EPERM, -EINVAL. If
 * full_release, a recursive mutex is released whatever its depth, and the
 * depth is returned in *depth. */
int sync_mutex_unlock(struct sync_ref *r, bool full_release, int32_t *depth);
/* Recomputes t's PRIO_PROTECT ceiling from the mutexes it holds (interrupts off). */
void sync_ceiling_update(struct thread *t);
