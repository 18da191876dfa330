/*
 * Signal state and pending queues: the per-process struct sig_proc (made on
 * first use, freed when the process dies), its fixed pool of queue entries,
 * and adding/taking pending signals. Posting runs with interrupts off and
 * may come from interrupt handlers: nothing here allocates except
 * signal_proc_get, which only thread context calls.
 */
#include <arch/cpu.h>
#include <kernel/errno.h>
#include <kernel/hooks.h>
#include <kernel/process.h>
#include <mm/kmem.h>
#include <sched/thread.h>
#include <signal/signal.h>

struct sig_proc *signal_proc_get(struct process *p)
{
	if (p->sig)
		return p->sig;
	struct sig_proc *sp = kzalloc(sizeof(*sp));
	if (!sp)
		return NULL;
	list_init(&sp->queue);
	list_init(&sp->free);
	for (unsigned i = 0; i < SIGQ_POOL; i++)
		list_add_tail(&sp->free, &sp->pool[i].link);
	irqflags_t f = irq_save();
	if (p->sig) { /* cannot happen on one CPU without preemption; kept simple */
		irq_restore(f);
		kfree(sp);
		return p->sig;
	}
	p->sig = sp;
	irq_restore(f);
	return sp;
}

/* Every thread is gone: no entry can be referenced any more. */
void signal_process_exit(struct process *p)
{
	irqflags_t f = irq_save();
	struct sig_proc *sp = p->sig;
	p->sig = NULL;
	irq_restore(f);
	kfree(sp);
}

/* Returns the dying thread's queued entries to the pool. */
void signal_thread_exit(struct thread *t)
{
	irqflags_t f = irq_save();
	struct sig_proc *sp = t->proc->sig;
	list_for_each_safe(pos, tmp, &t->sig_queue) {
		list_del(pos);
		if (sp)
			list_add_tail(&sp->free, pos);
	}
	t->sig_pending = 0;
	irq_restore(f);
}

int sigq_add(struct sig_proc *sp, uint64_t *pending, struct list_node *queue,
	     const struct sigq *info)
{
	uint64_t bit = SIG_BIT(info->signo);
	bool rt = info->signo >= SIG_RTMIN;
	if (!rt && (*pending & bit))
		return 0; /* standard signals do not queue */
	struct list_node *n = (sp && !list_empty(&sp->free)) ? sp->free.next : NULL;
	if (!n) {
		if (rt)
			return -EAGAIN;
		*pending |= bit; /* delivered with a minimal siginfo */
		return 0;
	}
	list_del(n);
	struct sigq *q = list_entry(n, struct sigq, link);
	q->signo = info->signo;
	q->code = info->code;
	q->pid = info->pid;
	q->uid = info->uid;
	q->value = info->value;
	list_add_tail(queue, n);
	*pending |= bit;
	return 0;
}

static bool take_from(struct sig_proc *sp, uint64_t *pending, struct list_node *queue, int signo,
		      struct sigq *out)
{
	uint64_t bit = SIG_BIT(signo);
	if (!(*pending & bit))
		return false;
	struct sigq *found = NULL;
	bool more = false;
	list_for_each(pos, queue) {
		struct sigq *q = list_entry(pos, struct sigq, link);
		if (q->signo != signo)
			continue;
		if (found) {
			more = true;
			break;
		}
		found = q;
	}
	if (found) {
		*out = *found;
		list_del(&found->link);
		list_add_tail(&sp->free, &found->link);
	} else {
		memset(out, 0, sizeof(*out));
		out->signo = signo;
		out->code = SI_KERNEL;
	}
	if (!more)
		*pending &= ~bit;
	return true;
}

bool sigq_take(struct thread *t, int signo, struct sigq *out)
{
	struct sig_proc *sp = t->proc->sig;
	if (take_from(sp, &t->sig_pending, &t->sig_queue, signo, out))
		return true;
	return sp && take_from(sp, &sp->pending, &sp->queue, signo, out);
}

static void discard_from(struct sig_proc *sp, uint64_t *pending, struct list_node *queue,
			 uint64_t set)
{
	if (!(*pending & set))
		return;
	*pending &= ~set;
	list_for_each_safe(pos, tmp, queue) {
		struct sigq *q = list_entry(pos, struct sigq, link);
		if (set & SIG_BIT(q->signo)) {
			list_del(pos);
			list_add_tail(&sp->free, pos);
		}
	}
}

void sigq_discard(struct process *p, uint64_t set)
{
	struct sig_proc *sp = p->sig;
	if (!sp) {
		list_for_each(pos, &p->threads)
			list_entry(pos, struct thread, proc_link)->sig_pending &= ~set;
		return;
	}
	discard_from(sp, &sp->pending, &sp->queue, set);
	list_for_each(pos, &p->threads) {
		struct thread *t = list_entry(pos, struct thread, proc_link);
		discard_from(sp, &t->sig_pending, &t->sig_queue, set);
	}
}

uint64_t sig_pending_set(const struct thread *t)
{
	const struct sig_proc *sp = t->proc->sig;
	return t->sig_pending | (sp ? sp->pending : 0);
}
