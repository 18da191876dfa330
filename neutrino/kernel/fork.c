/*
 * Process duplication (kernel/fork.h) and the parent's wait. The parent
 * thread sleeps in STATE_WAITCHILD with the child as blocked_on until the
 * child releases it (process_vfork_release): after the child's first
 * kernel work (its fds must be duplicated from the parent's before the
 * parent can close them), or for vfork when the child execs or ends.
 * Signals do not end the wait (a vfork child is using the parent's stack),
 * kills do.
 */
#include <arch/cpu.h>
#include <arch/fpu.h>
#include <kernel/errno.h>
#include <kernel/fork.h>
#include <kernel/hooks.h>
#include <kernel/percpu.h>
#include <kernel/process.h>
#include <mm/vm.h>
#include <sched/sched.h>
#include <signal/signal.h>

void user_return_work(struct trapframe *tf);
extern char trap_return[];

void fork_enter_user(void)
{
	struct trapframe *tf = thread_tf(cur_thread());
	irq_disable();
	__asm__ volatile("mov %0, %%rsp\n\t"
			 "mov %0, %%rdi\n\t"
			 "call user_return_work\n\t"
			 "jmp trap_return" ::"r"(tf)
			 : "memory");
	__builtin_unreachable();
}

static void copy_signal_actions(struct process *parent, struct process *child)
{
	if (!parent->sig)
		return;
	for (int s = 1; s <= SIG_MAX; s++) {
		const struct sig_action *a = &parent->sig->act[s - 1];
		if (s == SIGKILL || s == SIGSTOP || (a->handler == SIG_DFL && !a->flags))
			continue;
		(void)signal_action(child, s, a, NULL); /* -ENOMEM: child keeps SIG_DFL */
	}
}

/* The child's thread: a copy of self with the context of *spec. */
static struct thread *copy_thread(struct process *c, struct thread *self,
				  const struct fork_spec *spec)
{
	struct thread *t = thread_create_user_ctx(c, spec->tf, spec->kstart, NULL,
						  self->real_prio, self->policy);
	if (!t)
		return NULL;
	t->fs_base = spec->fs_base;
	t->clear_child_tid = spec->clear_child_tid;
	fpu_save(t->fpu); /* the caller's live user FPU state: the kernel never touches it */
	t->sig_blocked = self->sig_blocked;
	t->sig_altstack = self->sig_altstack;
	t->sig_altstack_size = self->sig_altstack_size;
	t->sig_altstack_flags = self->sig_altstack_flags;
	t->flags |= self->flags & TF_IO;
	return t;
}

static bool vfork_unblock(struct thread *t, long err, bool force)
{
	if (!force)
		return false; /* signals wait for the child */
	struct process *c = t->blocked_on;
	if (c->vfork_waiter == t)
		c->vfork_waiter = NULL;
	return true;
}

void process_vfork_release(struct process *p)
{
	irqflags_t f = irq_save();
	struct thread *w = p->vfork_waiter;
	p->vfork_waiter = NULL;
	if (w)
		sched_wake(w, 0);
	irq_restore(f);
}

void process_fork_started(void)
{
	struct process *p = cur_thread()->proc;
	if (!p->vfork_hold)
		process_vfork_release(p);
}

long process_fork(const struct fork_spec *spec)
{
	struct thread *self = cur_thread();
	struct process *parent = self->proc;
	struct process *c = process_create(parent, parent->name);
	if (!c)
		return -EAGAIN;
	struct aspace *as = parent->as;
	if (spec->flags & FORK_SHARE_VM)
		aspace_share(as);
	else
		as = aspace_fork(as);
	if (!as) {
		process_discard(c);
		return -ENOMEM;
	}
	aspace_destroy(c->as);
	c->as = as;
	c->brk_start = parent->brk_start;
	c->brk_cur = parent->brk_cur;
	c->image_map = parent->image_map;
	c->base_prio = parent->base_prio;
	int e = ipc_fork(parent, c);
	copy_signal_actions(parent, c);
	struct thread *t = e ? NULL : copy_thread(c, self, spec);
	if (!t) {
		process_discard(c);
		return e ? e : -EAGAIN;
	}
	pid_t pid = c->pid;
	bool wait = spec->kstart || (spec->flags & FORK_VFORK);
	c->vfork_hold = spec->flags & FORK_VFORK;
	irqflags_t f = irq_save();
	if (wait) {
		c->vfork_waiter = self;
		self->unblock = vfork_unblock;
		self->blocked_on = c;
	}
	sched_ready(t);
	if (wait)
		sched_block(STATE_WAITCHILD);
	irq_restore(f);
	return pid;
}
