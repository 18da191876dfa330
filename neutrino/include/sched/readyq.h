/*
 * Ready queues: one FIFO list per priority (0..255, 0 = idle) and a bitmap of
 * the non-empty lists, so that finding the highest ready priority is O(1).
 * Pure data structure: no locking, no allocation, no output. The scheduler
 * owns each queue and is its only caller.
 *
 * Locking contract: every function needs the owning CPU's scheduler lock held
 * with interrupts off; nothing here blocks or takes a lock.
 *
 * Nodes are intrusive: a struct rq_node lives inside the caller's thread
 * structure (container_of gets the thread back). A node is on at most one
 * queue at a time; it remembers its priority, so removal needs no argument
 * but the queue. A node is "not queued" after rq_node_init() or when
 * zero-filled.
 */
#pragma once
#include <kernel/types.h>

#define RQ_NPRIO 256
#define RQ_NWORDS (RQ_NPRIO / 64)

struct rq_node {
	struct rq_node *next, *prev; /* NULL-terminated list at one priority */
	uint8_t prio;                /* the list this node is on, when queued */
	bool queued;
};

struct rq_list {
	struct rq_node *first, *last;
};

struct readyq {
	uint64_t map[RQ_NWORDS];   /* bit p%64 of word p/64: list p non-empty */
	uint8_t summary;           /* bit w: map[w] != 0 */
	unsigned count;            /* nodes on all lists */
	struct rq_list list[RQ_NPRIO];
};

void rq_init(struct readyq *q);
void rq_node_init(struct rq_node *n);

/* Append n to the list of prio (a thread that becomes ready, or an RR thread
 * whose slice ran out). If n is already queued, it is moved. O(1). */
void rq_insert_tail(struct readyq *q, struct rq_node *n, uint8_t prio);

/* Prepend n to the list of prio (a preempted thread keeps its place at the
 * head of its priority). If n is already queued, it is moved. O(1). */
void rq_insert_head(struct readyq *q, struct rq_node *n, uint8_t prio);

/* Unlink n from q. A node that is not queued is left alone. O(1).
 * Precondition: if n is queued, it is queued on q. */
void rq_remove(struct readyq *q, struct rq_node *n);

/* The highest priority with a ready node, or -1 when q is empty. O(1). */
int rq_highest(const struct readyq *q);

/* The first node at prio, or NULL when that list is empty. O(1). */
struct rq_node *rq_peek(const struct readyq *q, uint8_t prio);

/* Unlink and return the first node of the highest non-empty priority, or
 * NULL when q is empty. O(1). */
struct rq_node *rq_pop_highest(struct readyq *q);

bool rq_empty_at(const struct readyq *q, uint8_t prio);
unsigned rq_count(const struct readyq *q);

static inline bool rq_node_queued(const struct rq_node *n)
{
	return n->queued;
}
