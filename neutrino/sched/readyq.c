/*
 * Ready queues: per-priority FIFO lists and the bitmap of non-empty ones.
 * Called by the scheduler with its lock held and interrupts off (see
 * <sched/readyq.h>). Pure: compiles unchanged for the host unit tests.
 */
#include <sched/readyq.h>

static void map_set(struct readyq *q, unsigned prio)
{
	q->map[prio / 64] |= 1ull << (prio % 64);
	q->summary |= (uint8_t)(1u << (prio / 64));
}

static void map_clear(struct readyq *q, unsigned prio)
{
	uint64_t w = q->map[prio / 64] & ~(1ull << (prio % 64));

	q->map[prio / 64] = w;
	if (w == 0)
		q->summary &= (uint8_t)~(1u << (prio / 64));
}

void rq_init(struct readyq *q)
{
	memset(q, 0, sizeof(*q));
}

void rq_node_init(struct rq_node *n)
{
	n->next = n->prev = NULL;
	n->prio = 0;
	n->queued = false;
}

void rq_insert_tail(struct readyq *q, struct rq_node *n, uint8_t prio)
{
	struct rq_list *l = &q->list[prio];

	if (n->queued)
		rq_remove(q, n);
	n->next = NULL;
	n->prev = l->last;
	if (l->last)
		l->last->next = n;
	else
		l->first = n;
	l->last = n;
	n->prio = prio;
	n->queued = true;
	q->count++;
	map_set(q, prio);
}

void rq_insert_head(struct readyq *q, struct rq_node *n, uint8_t prio)
{
	struct rq_list *l = &q->list[prio];

	if (n->queued)
		rq_remove(q, n);
	n->prev = NULL;
	n->next = l->first;
	if (l->first)
		l->first->prev = n;
	else
		l->last = n;
	l->first = n;
	n->prio = prio;
	n->queued = true;
	q->count++;
	map_set(q, prio);
}

void rq_remove(struct readyq *q, struct rq_node *n)
{
	struct rq_list *l;

	if (!n->queued)
		return;
	l = &q->list[n->prio];
	if (n->prev)
		n->prev->next = n->next;
	else
		l->first = n->next;
	if (n->next)
		n->next->prev = n->prev;
	else
		l->last = n->prev;
	n->next = n->prev = NULL;
	n->queued = false;
	q->count--;
	if (!l->first)
		map_clear(q, n->prio);
}

int rq_highest(const struct readyq *q)
{
	unsigned w;

	if (q->summary == 0)
		return -1;
	w = 63 - (unsigned)__builtin_clzll(q->summary);
	return (int)(w * 64 + 63 - (unsigned)__builtin_clzll(q->map[w]));
}

struct rq_node *rq_peek(const struct readyq *q, uint8_t prio)
{
	return q->list[prio].first;
}

struct rq_node *rq_pop_highest(struct readyq *q)
{
	int prio = rq_highest(q);
	struct rq_node *n;

	if (prio < 0)
		return NULL;
	n = q->list[prio].first;
	rq_remove(q, n);
	return n;
}

bool rq_empty_at(const struct readyq *q, uint8_t prio)
{
	return (q->map[prio / 64] & (1ull << (prio % 64))) == 0;
}

unsigned rq_count(const struct readyq *q)
{
	return q->count;
}
