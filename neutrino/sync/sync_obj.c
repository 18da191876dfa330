/*
 * The table of kernel sync objects: a fixed array of hash buckets keyed by
 * the physical address of the sync_t, reference counts, and the list of
 * objects that record an owner (walked for ceilings and at thread death).
 * Used by mutex.c, condvar.c and sem.c.
 *
 * Lifetime: an object lives while a kernel call holds a reference (every
 * waiter holds one until its call returns), while threads wait on it, or
 * while it records an owner; sync_obj_put frees it when none remains.
 * Creation and freeing happen in thread context only (kmalloc/kfree never
 * run in unblock callbacks, which only unlink waiters).
 */
#include <arch/cpu.h>
#include <kernel/percpu.h>
#include <kernel/process.h>
#include <mm/kmem.h>
#include <sched/pi.h>
#include <sched/sched.h>
#include <sync/sync.h>

#define SYNC_BUCKETS 256

static struct list_node buckets[SYNC_BUCKETS];
static bool table_ready;
struct list_node sync_owned = LIST_INIT(sync_owned);

static struct list_node *bucket(paddr_t key)
{
	if (!table_ready) {
		for (int i = 0; i < SYNC_BUCKETS; i++)
			list_init(&buckets[i]);
		table_ready = true;
	}
	return &buckets[(key >> 2) * 0x9e3779b97f4a7c15ull >> 56];
}

struct sync_obj *sync_obj_find(paddr_t key)
{
	struct list_node *b = bucket(key);
	list_for_each(pos, b) {
		struct sync_obj *o = list_entry(pos, struct sync_obj, hash_link);
		if (o->key == key)
			return o;
	}
	return NULL;
}

struct sync_obj *sync_obj_get(const struct sync_ref *r, enum sync_kind kind, bool *mismatch)
{
	*mismatch = false;
	struct sync_obj *o = sync_obj_find(r->key);
	if (o && o->kind != kind) {
		*mismatch = true;
		return NULL;
	}
	if (!o) {
		o = kzalloc(sizeof(*o));
		if (!o)
			return NULL;
		o->key = r->key;
		o->kind = (uint8_t)kind;
		waitq_init(&o->wq);
		list_init(&o->owned_link);
		list_add_tail(bucket(r->key), &o->hash_link);
	}
	o->refs++;
	o->wpid = cur_thread()->proc->pid;
	o->wuaddr = r->uaddr;
	return o;
}

bool sync_obj_has_waiters(const struct sync_obj *obj)
{
	return !list_empty(&obj->wq.head);
}

void sync_obj_set_owner(struct sync_obj *obj, struct thread *t)
{
	if (obj->owner)
		list_del(&obj->owned_link);
	obj->owner = t;
	if (t)
		list_add_tail(&sync_owned, &obj->owned_link);
	else
		list_init(&obj->owned_link);
}

void sync_obj_put(struct sync_obj *obj)
{
	irqflags_t f = irq_save();
	if (--obj->refs || sync_obj_has_waiters(obj)) {
		irq_restore(f);
		return;
	}
	/* Nobody waits: an owner is worth remembering only for its ceiling. */
	if (obj->owner && !obj->ceiling)
		sync_obj_set_owner(obj, NULL);
	bool dead = !obj->owner;
	if (dead)
		list_del(&obj->hash_link);
	irq_restore(f);
	if (dead)
		kfree(obj);
}

/* Unblock callback: takes a waiter off the object (timeout, signal, kill).
 * The waiter itself cleans up the user word and the object when it runs. */
static bool sync_unblock(struct thread *t, long err, bool force)
{
	if (t->waitq) {
		list_del(&t->wq_link);
		t->waitq = NULL;
	}
	return true;
}

void sync_obj_enqueue(struct sync_obj *obj)
{
	struct thread *self = cur_thread();
	struct waitq *q = &obj->wq;
	struct list_node *pos = q->head.next;
	while (pos != &q->head && list_entry(pos, struct thread, wq_link)->prio >= self->prio)
		pos = pos->next;
	list_insert_before(pos, &self->wq_link);
	self->waitq = q;
	self->unblock = sync_unblock;
	self->blocked_on = obj;
}
