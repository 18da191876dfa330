/*
 * Timer queue: the pending timers of one CPU ordered by deadline, earliest
 * first; timers with equal deadlines come out in the order they were
 * inserted. The deadline unit (TSC ticks, nanoseconds) is the caller's
 * business. Pure data structure: no locking, no allocation, no output; the
 * timer code of sched/ owns each queue and is its only caller, with the
 * owning CPU's timer lock held and interrupts off.
 *
 * Nodes are intrusive (embedded in the caller's timer or thread object), so
 * insertion can never fail. The queue is a pairing heap:
 *   tq_insert          O(1)
 *   tq_peek, tq_count  O(1)
 *   tq_pop_expired     O(log n) amortized
 *   tq_remove          O(log n) amortized
 * A single pop or remove can take O(k) for a node with k children (after k
 * inserts with no pop in between the root has k children); the cost is paid
 * back by the later operations. No recursion: stack use is constant.
 *
 * A node is "not queued" after tq_node_init() or when zero-filled.
 */
#pragma once
#include <kernel/types.h>

struct timerq_node {
	uint64_t deadline;
	uint64_t seq;               /* insertion order: breaks deadline ties */
	struct timerq_node *child;  /* first child */
	struct timerq_node *next;   /* next sibling */
	struct timerq_node *prev;   /* previous sibling, or parent of a first
	                               child; NULL for the root */
	bool queued;
};

struct timerq {
	struct timerq_node *root;   /* the earliest timer, NULL when empty */
	uint64_t next_seq;
	unsigned count;
};

void tq_init(struct timerq *q);
void tq_node_init(struct timerq_node *n);

/* Queue n to expire at deadline, after every queued node whose deadline is
 * <= deadline. If n is already queued it is requeued (and goes behind the
 * nodes with an equal deadline). Precondition: if n is queued, it is on q. */
void tq_insert(struct timerq *q, struct timerq_node *n, uint64_t deadline);

/* Take n off q. Returns true if it was queued, false (doing nothing) if not.
 * Precondition: if n is queued, it is on q. */
bool tq_remove(struct timerq *q, struct timerq_node *n);

/* The earliest node, left queued, or NULL when q is empty. */
struct timerq_node *tq_peek(const struct timerq *q);

/* Unqueue and return the earliest node if its deadline is <= now, else NULL.
 * Call in a loop to expire everything that is due. */
struct timerq_node *tq_pop_expired(struct timerq *q, uint64_t now);

unsigned tq_count(const struct timerq *q);

static inline bool tq_is_queued(const struct timerq_node *n)
{
	return n->queued;
}
