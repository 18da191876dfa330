/*
 * exec in place (see exec_replace in kernel/exec.h): the point of no
 * return of execve. The new program is already loaded into its own address
 * space (exec_load), so everything here succeeds except waiting for the
 * other threads, which is abandoned (with the new space freed) if the
 * process is ending. The other threads are killed and polled every
 * millisecond until gone: they need the CPU to run their exit paths.
 */
#include <arch/cpu.h>
#include <arch/fpu.h>
#include <arch/platform.h>
#include <kernel/errno.h>
#include <kernel/exec.h>
#include <kernel/hooks.h>
#include <kernel/percpu.h>
#include <kernel/process.h>
#include <mm/kmem.h>
#include <mm/vm.h>
#include <sched/sched.h>
#include <signal/signal.h>

#define POLL_NS 1000000ull

static bool poll_unblock(struct thread *t, long err, bool force) { return force; }

static void poll_timer(struct ktimer *k)
{
	thread_unblock(container_of(k, struct thread, timer), -ETIMEDOUT, true);
}

/* Ends every other thread of the caller's process. false if the process
 * is ending or the caller is being killed. */
static bool end_other_threads(struct thread *self)
{
	struct process *p = self->proc;
	while (p->nthreads > 1) {
		if (p->exiting || (self->flags & TF_KILL))
			return false;
		list_for_each(pos, &p->threads) {
			struct thread *t = list_entry(pos, struct thread, proc_link);
			if (t != self && !(t->flags & TF_KILL))
				thread_kill(t);
		}
		irqflags_t f = irq_save();
		self->unblock = poll_unblock;
		self->blocked_on = p;
		self->timer.fn = poll_timer;
		ktimer_arm(&self->timer, rdtsc() + ns_to_tsc(POLL_NS));
		sched_block(STATE_WAITTHREAD);
		irq_restore(f);
	}
	return !p->exiting && !(self->flags & TF_KILL);
}

static void reset_signals(struct process *p, struct thread *t)
{
	if (p->sig) {
		const struct sig_action dfl = { .handler = SIG_DFL };
		for (int s = 1; s <= SIG_MAX; s++) {
			uint64_t h = p->sig->act[s - 1].handler;
			if (s != SIGKILL && s != SIGSTOP && h != SIG_DFL && h != SIG_IGN)
				(void)signal_action(p, s, &dfl, NULL); /* cannot fail: state exists */
		}
	}
	t->sig_altstack = 0;
	t->sig_altstack_size = 0;
	t->sig_altstack_flags = SS_DISABLE;
	t->sig_restore_mask = false;
}

static void reset_context(struct thread *t, const struct exec_loaded *l, void *fpu_init)
{
	struct trapframe *tf = thread_tf(t);
	uint64_t vector = tf->vector;
	memset(tf, 0, sizeof(*tf));
	tf->vector = vector;
	tf->error = ~0ull; /* no syscall to restart */
	tf->rip = l->entry;
	tf->rsp = l->sp;
	tf->cs = USER_CS;
	tf->ss = USER_DS;
	tf->rflags = 0x202 | ((t->flags & TF_IO) ? 3u << 12 : 0);
	t->fs_base = 0;
	wrmsr(MSR_FS_BASE, 0);
	memcpy(t->fpu, fpu_init, FPU_AREA_SIZE);
	fpu_restore(t->fpu);
	t->clear_child_tid = 0;
	t->robust_list = 0; /* the new program registers its own */
	t->kstack_user = 0; /* it was in the old address space */
	t->kstack_user_size = 0;
}

int exec_replace(struct exec_loaded *l, const char *name)
{
	struct thread *self = cur_thread();
	struct process *p = self->proc;
	void *fpu_init = fpu_alloc();
	if (!fpu_init || !end_other_threads(self)) {
		kfree(fpu_init);
		aspace_destroy(l->as);
		return fpu_init ? -EINTR : -ENOMEM;
	}
	struct aspace *old = p->as;
	p->as = l->as;
	aspace_activate(p->as);
	aspace_destroy(old); /* a vfork child only drops its share */
	process_vfork_release(p);

	reset_context(self, l, fpu_init);
	kfree(fpu_init);
	reset_signals(p, self);
	CALL_HOOK(timer_process_exit, p); /* POSIX timers do not survive exec */
	p->brk_start = p->brk_cur = l->brk;
	p->image_map = 0;
	p->did_exec = true;
	if (self->ltid != p->pid) { /* the only thread now: it takes the pid as Linux's */
		pid_free_thread(self->ltid, self);
		self->ltid = p->pid;
	}
	exec_set_cmdline(p, l);
	const char *base = name;
	for (const char *s = name; *s; s++)
		if (*s == '/' && s[1])
			base = s + 1;
	strlcpy_k(p->name, base, sizeof(p->name));
	return 0;
}
