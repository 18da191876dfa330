/*
 * The syscall instruction: MSR setup and the C half of the entry.
 * Numbers from _NTO_KCALL_BASE up are native kernel calls (kcall/); numbers
 * below 1024 are Linux x86_64 syscalls handled by the POSIX personality
 * (posix/). Anything else is ENOSYS.
 */
#include <arch/cpu.h>
#include <arch/trap.h>
#include <kcall/kcall.h>
#include <kernel/errno.h>
#include <kernel/hooks.h>
#include <kernel/percpu.h>
#include <posix/posix.h>
#include <sched/sched.h>
#include <signal/signal.h>

extern char syscall_entry[];

void syscall_init(void)
{
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | 1); /* SCE */
	wrmsr(MSR_STAR, ((uint64_t)0x10 << 48) | ((uint64_t)KERNEL_CS << 32));
	wrmsr(MSR_LSTAR, (uint64_t)syscall_entry);
	/* clear TF, IF, DF, IOPL, NT, AC on entry */
	wrmsr(MSR_FMASK, 0x47700);
}

/* Work owed before any return to user mode: death, then rescheduling.
 * Called and returns with interrupts off. */
void user_return_work(struct trapframe *tf)
{
	for (;;) {
		struct thread *t = cur_thread();
		if (unlikely(t->flags & TF_KILL)) {
			irq_enable();
			thread_exit(0);
		}
		if (!signal_quiet(t) && signal_pending(t)) {
			signal_deliver(tf); /* may end the thread, or set TF_KILL */
			continue;
		}
		struct cpu *c = this_cpu();
		if (!c->need_resched) {
			if (c->handoff)
				sched_handoff_flush();
			if (!c->slice_deadline && t->policy != SCHED_FIFO)
				sched_slice_check();
			return;
		}
		sched_preempt();
	}
}

void syscall_dispatch(struct trapframe *tf)
{
	uint64_t n = tf->rax;
	long r;
	tf->error = n; /* syscall frames keep the call number here, for restarts */
	if (n - _NTO_KCALL_BASE < kcall_count)
		r = kcall_dispatch(tf, (unsigned)(n - _NTO_KCALL_BASE));
	else if (n < 1024)
		r = posix_syscall(tf);
	else
		r = -ENOSYS;
	tf->rax = (uint64_t)r;
	irq_disable();
	struct cpu *c = this_cpu();
	struct thread *t = c->current;
	if (n != __KER_TIMER_TIMEOUT)
		t->timeout_states = 0; /* TimerTimeout lasts one kernel call */
	/* the common case, checked inline: nothing owed on the way out (a
	 * thread this call woke for a hand-off usually stays pending: sched.c) */
	if (likely(!(t->flags & TF_KILL) && !c->need_resched && signal_quiet(t))) {
		struct thread *h = c->handoff;
		if (h && !c->handoff_kept)
			sched_handoff_flush();
		if (likely(c->slice_deadline || t->policy == SCHED_FIFO))
			return;
		h = c->handoff;
		if (!c->rq.list[t->prio].first && !(h && h->prio == t->prio))
			return;
	}
	user_return_work(tf);
}
