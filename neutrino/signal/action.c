/*
 * Per-process actions, per-thread blocked masks and alternate stacks: the
 * state-changing core of sigaction, sigprocmask and sigaltstack, shared by
 * the native calls (ker_signal.c) and posix/signal.c. Thread context.
 */
#include <arch/cpu.h>
#include <kernel/errno.h>
#include <kernel/percpu.h>
#include <kernel/process.h>
#include <sched/thread.h>
#include <signal/signal.h>

int signal_action(struct process *p, int signo, const struct sig_action *act,
		  struct sig_action *old)
{
	if (!sig_valid(signo))
		return -EINVAL;
	if (act && (signo == SIGKILL || signo == SIGSTOP))
		return -EINVAL;
	struct sig_proc *sp = signal_proc_get(p);
	if (!sp)
		return -ENOMEM;
	if (old)
		*old = sp->act[signo - 1];
	if (!act)
		return 0;
	irqflags_t f = irq_save();
	sp->act[signo - 1] = *act;
	sp->act[signo - 1].mask &= ~SIG_UNBLOCKABLE;
	/* POSIX: setting a pending signal to be ignored discards it */
	if (act->handler == SIG_IGN ||
	    (act->handler == SIG_DFL && signal_is_default_ignored(signo)))
		sigq_discard(p, SIG_BIT(signo));
	irq_restore(f);
	return 0;
}

int signal_procmask(struct thread *t, int how, const uint64_t *set, uint64_t *old)
{
	if (old)
		*old = t->sig_blocked;
	if (!set)
		return 0;
	irqflags_t f = irq_save();
	uint64_t m = t->sig_blocked;
	switch (how) {
	case SIG_BLOCK: m |= *set; break;
	case SIG_UNBLOCK: m &= ~*set; break;
	case SIG_SETMASK: m = *set; break;
	default:
		irq_restore(f);
		return -EINVAL;
	}
	t->sig_blocked = m & ~SIG_UNBLOCKABLE;
	irq_restore(f);
	return 0;
}

int signal_altstack(const struct linux_stack *ss, struct linux_stack *old)
{
	struct thread *t = cur_thread();
	bool on = signal_on_altstack(t, thread_tf(t)->rsp);
	if (old) {
		old->ss_sp = t->sig_altstack;
		old->ss_size = t->sig_altstack_size;
		old->ss_flags = on ? SS_ONSTACK : t->sig_altstack_size ? 0 : SS_DISABLE;
		old->pad = 0;
	}
	if (!ss)
		return 0;
	if (on)
		return -EPERM;
	if (ss->ss_flags == SS_DISABLE) {
		t->sig_altstack = 0;
		t->sig_altstack_size = 0;
		t->sig_altstack_flags = SS_DISABLE;
		return 0;
	}
	if (ss->ss_flags != 0 && ss->ss_flags != SS_ONSTACK)
		return -EINVAL;
	if (ss->ss_size < MINSIGSTKSZ)
		return -ENOMEM;
	t->sig_altstack = ss->ss_sp;
	t->sig_altstack_size = ss->ss_size;
	t->sig_altstack_flags = 0;
	return 0;
}
