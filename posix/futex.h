/*
 * Futexes inside posix/ (futex.c, futex_pi.c): Linux's futex operation
 * numbers, the key and the on-stack waiter record. See futex.c.
 */
#pragma once
#include <kernel/list.h>
#include <kernel/types.h>

#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_REQUEUE 3
#define FUTEX_CMP_REQUEUE 4
#define FUTEX_LOCK_PI 6
#define FUTEX_UNLOCK_PI 7
#define FUTEX_TRYLOCK_PI 8
#define FUTEX_WAIT_BITSET 9
#define FUTEX_WAKE_BITSET 10
#define FUTEX_LOCK_PI2 13
#define FUTEX_PRIVATE_FLAG 128
#define FUTEX_CLOCK_REALTIME 256

#define FUTEX_WAITERS 0x80000000u
#define FUTEX_OWNER_DIED 0x40000000u
#define FUTEX_TID_MASK 0x3fffffffu

struct thread;

struct futex_key {
	uint64_t a; /* the address space, or 0 for a physical key */
	uint64_t b; /* the user address, or the physical address */
};

struct futex_waiter {
	struct list_node link; /* [s] in its bucket while queued */
	struct futex_key key;  /* [s] */
	uint32_t bitset;
	struct thread *t;
	bool queued;           /* [s] */
	bool handed;           /* [s] PI: made the owner by an unlock, being woken */
};

static inline bool futex_key_eq(const struct futex_key *x, const struct futex_key *y)
{
	return x->a == y->a && x->b == y->b;
}

/* The wait list of k's bucket (interrupts off to use it). */
struct list_node *futex_bucket(const struct futex_key *k);
/* The unblock callback of a queued waiter (thread.h contract). */
bool futex_unblock(struct thread *t, long err, bool force);

/* The key of the word at uaddr (4-byte aligned: else -EINVAL; -EFAULT). */
int futex_key_get(uaddr_t uaddr, bool shared, struct futex_key *k);
/* A timespec at ts_u (0: none) as a TSC deadline (0 = none, 1 = past);
 * relative, or absolute on CLOCK_MONOTONIC / CLOCK_REALTIME. */
int futex_deadline(uaddr_t ts_u, bool absolute, bool realtime, uint64_t *deadline_tsc);
long futex_wait(uaddr_t uaddr, bool shared, uint32_t val, uint64_t deadline, uint32_t bitset);
long futex_wake(uaddr_t uaddr, bool shared, int n, uint32_t bitset);
long futex_requeue(uaddr_t uaddr, bool shared, int nwake, int nmove, uaddr_t uaddr2,
		   bool cmp, uint32_t val3);
/* futex_pi.c */
long futex_lock_pi(uaddr_t uaddr, bool shared, uint64_t deadline, bool try);
long futex_unlock_pi(uaddr_t uaddr, bool shared);
