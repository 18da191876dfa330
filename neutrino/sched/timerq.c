/*
 * Timer queue as an intrusive pairing heap keyed by (deadline, seq).
 * Called by the timer code of sched/ with its lock held and interrupts off
 * (see <sched/timerq.h>). Pure: compiles unchanged for the host unit tests.
 *
 * Shape: each node has a list of children (first child, then next/prev
 * siblings); a first child's prev points to its parent. Every child is
 * ordered after its parent, so the root is the minimum.
 */
#include <sched/timerq.h>

/* Total order: seq is unique within a queue. */
static bool tq_before(const struct timerq_node *a, const struct timerq_node *b)
{
	if (a->deadline != b->deadline)
		return a->deadline < b->deadline;
	return a->seq < b->seq;
}

/* Link two detached roots (prev and next NULL); return the new root. */
static struct timerq_node *tq_meld(struct timerq_node *a, struct timerq_node *b)
{
	struct timerq_node *t;

	if (tq_before(b, a)) {
		t = a;
		a = b;
		b = t;
	}
	b->prev = a;
	b->next = a->child;
	if (a->child)
		a->child->prev = b;
	a->child = b;
	return a;
}

/*
 * Meld a sibling list into one detached tree (two-pass pairing): meld the
 * list left to right in pairs, then meld the pairs right to left. The pairs
 * are kept on a stack linked through next, so no recursion is needed.
 */
static struct timerq_node *tq_merge_pairs(struct timerq_node *first)
{
	struct timerq_node *stack = NULL, *a, *b, *m, *nx;

	while (first) {
		a = first;
		b = a->next;
		a->prev = a->next = NULL;
		if (!b) {
			m = a;
			first = NULL;
		} else {
			first = b->next;
			b->prev = b->next = NULL;
			m = tq_meld(a, b);
		}
		m->next = stack;
		stack = m;
	}
	m = NULL;
	while (stack) {
		nx = stack->next;
		stack->next = NULL;
		m = m ? tq_meld(stack, m) : stack;
		stack = nx;
	}
	return m;
}

void tq_init(struct timerq *q)
{
	q->root = NULL;
	q->next_seq = 0;
	q->count = 0;
}

void tq_node_init(struct timerq_node *n)
{
	memset(n, 0, sizeof(*n));
}

void tq_insert(struct timerq *q, struct timerq_node *n, uint64_t deadline)
{
	if (n->queued)
		tq_remove(q, n);
	n->deadline = deadline;
	n->seq = q->next_seq++;
	n->child = n->next = n->prev = NULL;
	n->queued = true;
	q->root = q->root ? tq_meld(q->root, n) : n;
	q->count++;
}

bool tq_remove(struct timerq *q, struct timerq_node *n)
{
	struct timerq_node *sub;

	if (!n->queued)
		return false;
	if (n == q->root) {
		q->root = tq_merge_pairs(n->child);
	} else {
		if (n->prev->child == n)
			n->prev->child = n->next;
		else
			n->prev->next = n->next;
		if (n->next)
			n->next->prev = n->prev;
		sub = tq_merge_pairs(n->child);
		if (sub)
			q->root = tq_meld(q->root, sub);
	}
	n->child = n->next = n->prev = NULL;
	n->queued = false;
	q->count--;
	return true;
}

struct timerq_node *tq_peek(const struct timerq *q)
{
	return q->root;
}

struct timerq_node *tq_pop_expired(struct timerq *q, uint64_t now)
{
	struct timerq_node *n = q->root;

	if (!n || n->deadline > now)
		return NULL;
	tq_remove(q, n);
	return n;
}

unsigned tq_count(const struct timerq *q)
{
	return q->count;
}
