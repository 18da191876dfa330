/*
 * ThreadJoin and ThreadDetach, and the join_thread_exit hook.
 *
 * A joinable thread that exits hands its status to the thread blocked in
 * ThreadJoin on it (at most one: a second joiner gets EBUSY); if there is
 * none, the status is kept in a small record (tid, status) until a later
 * ThreadJoin or ThreadDetach takes it, or the process ends. Records live in
 * a global hash table keyed by (process, tid) (tids are never reused within
 * a process); timer_process_exit calls join_process_exit to drop a dying
 * process's records. A detached thread leaves no record.
 *
 * ThreadJoin blocks in STATE_JOIN on the target's join_wait queue
 * (allocated on first use, freed when the target exits), so TimerTimeout
 * (_NTO_TIMEOUT_JOIN), signals and kills can interrupt it. Errors: EDEADLK
 * joining oneself (tid 0 is oneself), ESRCH no such thread or record,
 * EINVAL detached (also if detached while we wait), EBUSY already being
 * joined, EFAULT bad status pointer (the status is then kept for a retry).
 */
#include <arch/cpu.h>
#include <kcall/kcall_gen.h>
#include <kernel/errno.h>
#include <kernel/hooks.h>
#include <kernel/percpu.h>
#include <kernel/printk.h>
#include <kernel/process.h>
#include <mm/kmem.h>
#include <mm/uaccess.h>
#include <sched/sched.h>
#include <sched/waitq.h>
#include <timer/timer.h>

#define JOIN_BUCKETS 64

struct join_rec {
	struct list_node link;
	struct process *proc;
	tid_t tid;
	uaddr_t status;
};

/* [k] changed only from thread context */
static struct list_node join_table[JOIN_BUCKETS];
static bool join_table_ready;

/* What join_thread_exit hands a blocked joiner (its blocked_on). */
struct join_slot {
	uaddr_t status;
};

static struct list_node *join_bucket(struct process *p, tid_t tid)
{
	if (!join_table_ready) {
		for (int i = 0; i < JOIN_BUCKETS; i++)
			list_init(&join_table[i]);
		join_table_ready = true;
	}
	uint64_t h = ((uintptr_t)p >> 6) * 31 + (uint32_t)tid;
	return &join_table[h % JOIN_BUCKETS];
}

static struct join_rec *join_rec_find(struct process *p, tid_t tid)
{
	struct list_node *b = join_bucket(p, tid);
	list_for_each(pos, b) {
		struct join_rec *r = list_entry(pos, struct join_rec, link);
		if (r->proc == p && r->tid == tid)
			return r;
	}
	return NULL;
}

/* Whether tid still has an unjoined exit record in p (tids are not reused
 * while one does). */
bool join_tid_pending(struct process *p, tid_t tid)
{
	return join_table_ready && join_rec_find(p, tid) != NULL;
}

static void join_rec_add(struct process *p, tid_t tid, uaddr_t status)
{
	struct join_rec *r = kmalloc(sizeof(*r));
	if (!r) {
		printk("join: out of memory: status of thread %d/%d lost\n", p->pid, tid);
		return;
	}
	r->proc = p;
	r->tid = tid;
	r->status = status;
	list_add_tail(join_bucket(p, tid), &r->link);
}

static void join_rec_free(struct join_rec *r)
{
	list_del(&r->link);
	kfree(r);
}

void join_process_exit(struct process *p)
{
	if (!join_table_ready)
		return;
	for (int i = 0; i < JOIN_BUCKETS; i++) {
		list_for_each_safe(pos, tmp, &join_table[i]) {
			struct join_rec *r = list_entry(pos, struct join_rec, link);
			if (r->proc == p)
				join_rec_free(r);
		}
	}
}

void join_thread_exit(struct thread *t)
{
	struct process *p = t->proc;
	timer_thread_exit(t);
	struct waitq *q = t->join_wait;
	bool handed = false;
	irqflags_t f = irq_save();
	if (q) {
		struct thread *w;
		while ((w = list_first(&q->head, struct thread, wq_link))) {
			struct join_slot *slot = w->blocked_on;
			if (slot)
				slot->status = t->exit_status;
			waitq_remove(w);
			sched_wake(w, 0);
			handed = true;
		}
		t->join_wait = NULL;
	}
	bool detached = t->flags & TF_DETACHED;
	/* from now on ThreadJoin finds the record, or treats t as detached */
	t->flags |= TF_DETACHED;
	irq_restore(f);
	kfree(q);
	if (!handed && !detached && !p->exiting)
		join_rec_add(p, t->tid, t->exit_status);
}

long ker_thread_join(int tid, uaddr_t status_u)
{
	struct thread *self = cur_thread();
	struct process *p = self->proc;
	if (tid == 0 || tid == self->tid)
		return -EDEADLK;
	if (status_u && !uaccess_range_ok(status_u, sizeof(uaddr_t)))
		return -EFAULT;
	struct join_rec *r = join_rec_find(p, tid);
	if (r) {
		if (status_u && copy_to_user(status_u, &r->status, sizeof(r->status)))
			return -EFAULT;
		/* the copy may have slept: another joiner may have taken it */
		if ((r = join_rec_find(p, tid)))
			join_rec_free(r);
		return 0;
	}
	struct thread *t = thread_lookup(p, tid);
	if (!t)
		return -ESRCH;
	if (t->flags & TF_DETACHED)
		return -EINVAL;
	if (!t->join_wait) {
		struct waitq *q = kmalloc(sizeof(*q));
		if (!q)
			return -EAGAIN;
		waitq_init(q);
		t->join_wait = q;
	}
	struct join_slot slot = { 0 };
	irqflags_t f = irq_save();
	long rc;
	if (!list_empty(&t->join_wait->head)) {
		rc = -EBUSY;
	} else {
		self->blocked_on = &slot;
		rc = waitq_sleep(t->join_wait, STATE_JOIN, 0);
		self->blocked_on = NULL;
	}
	irq_restore(f);
	if (rc < 0)
		return rc;
	if (status_u && copy_to_user(status_u, &slot.status, sizeof(slot.status))) {
		join_rec_add(p, tid, slot.status); /* keep it for a retry */
		return -EFAULT;
	}
	return 0;
}

long ker_thread_detach(int tid)
{
	struct thread *self = cur_thread();
	struct process *p = self->proc;
	struct thread *t = tid == 0 ? self : thread_lookup(p, tid);
	if (!t) {
		struct join_rec *r = join_rec_find(p, tid);
		if (!r)
			return -ESRCH;
		join_rec_free(r);
		return 0;
	}
	if (t->flags & TF_DETACHED)
		return -EINVAL;
	irqflags_t f = irq_save();
	t->flags |= TF_DETACHED;
	if (t->join_wait)
		waitq_wake_all(t->join_wait, -EINVAL);
	irq_restore(f);
	return 0;
}
