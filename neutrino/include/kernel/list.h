/*
 * Intrusive circular doubly linked lists. A list head is a struct list_node
 * pointing at itself when empty. Callers provide all locking.
 */
#pragma once
#include <kernel/types.h>

struct list_node {
	struct list_node *next, *prev;
};

#define LIST_INIT(name) { &(name), &(name) }
static inline void list_init(struct list_node *h) { h->next = h->prev = h; }
static inline bool list_empty(const struct list_node *h) { return h->next == h; }
static inline void list_insert_before(struct list_node *pos, struct list_node *n)
{
	n->prev = pos->prev;
	n->next = pos;
	pos->prev->next = n;
	pos->prev = n;
}
static inline void list_add_tail(struct list_node *h, struct list_node *n) { list_insert_before(h, n); }
static inline void list_add_head(struct list_node *h, struct list_node *n) { list_insert_before(h->next, n); }
static inline void list_del(struct list_node *n)
{
	n->prev->next = n->next;
	n->next->prev = n->prev;
	n->next = n->prev = n;
}
#define list_entry(p, type, member) container_of(p, type, member)
#define list_first(h, type, member) (list_empty(h) ? NULL : list_entry((h)->next, type, member))
#define list_for_each(pos, h) for (struct list_node *pos = (h)->next; pos != (h); pos = pos->next)
#define list_for_each_safe(pos, tmp, h) \
	for (struct list_node *pos = (h)->next, *tmp = pos->next; pos != (h); pos = tmp, tmp = pos->next)
