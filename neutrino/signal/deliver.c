/*
 * Delivery: the user_return_work hooks (kernel/hooks.h). On every return to
 * user mode the lowest-numbered pending signal that the thread does not
 * block is taken and acted on: ignored, the default action (terminate, stop
 * until SIGCONT, ignore), or a handler frame built by frame.c.
 *
 * Interrupted system calls: a Linux syscall that returned -EINTR is
 * restarted (rip back over the syscall instruction, rax = its number, taken
 * from tf->error) when the signal that interrupted it has a handler with
 * SA_RESTART, or was consumed without running a handler (ignored, stop and
 * continue). Calls that wait for a time or for signals (nanosleep,
 * clock_nanosleep, rt_sigsuspend, rt_sigtimedwait, pause, poll, ppoll,
 * select, pselect6, epoll_wait, epoll_pwait) are never restarted, nor are
 * native kernel calls (QNX has no SA_RESTART: they fail with EINTR).
 * The decision is made once per return to user (tf->error is then set to
 * ~0).
 */
#include <arch/cpu.h>
#include <kernel/errno.h>
#include <kernel/hooks.h>
#include <kernel/percpu.h>
#include <kernel/printk.h>
#include <kernel/process.h>
#include <sched/sched.h>
#include <signal/signal.h>

#define VEC_SYSCALL 256
#define NO_SYSCALL (~0ull)

bool signal_is_default_ignored(int signo)
{
	return signo == SIGCHLD || signo == SIGCONT || signo == 23 /* SIGURG */ ||
	       signo == 28 /* SIGWINCH */;
}

static bool dumps_core(int signo)
{
	switch (signo) {
	case SIGQUIT: case SIGILL: case SIGTRAP: case SIGABRT: case SIGBUS: case SIGFPE:
	case SIGSEGV: case 24 /* SIGXCPU */: case 25 /* SIGXFSZ */: case 31 /* SIGSYS */:
		return true;
	default:
		return false;
	}
}

static bool restartable(uint64_t nr)
{
	switch (nr) {
	case 7: case 23: case 34: case 35: case 128: case 130: case 230: case 232:
	case 270: case 271: case 281:
		return false;
	default:
		return nr < 1024;
	}
}

/* act NULL: no handler runs for the signal. */
static void syscall_restart(struct trapframe *tf, const struct sig_action *act)
{
	if (tf->vector != VEC_SYSCALL || tf->error == NO_SYSCALL)
		return;
	uint64_t nr = tf->error;
	tf->error = NO_SYSCALL;
	if ((long)tf->rax != -EINTR || !restartable(nr))
		return;
	if (act && !(act->flags & SA_RESTART))
		return;
	tf->rax = nr;
	tf->rip -= 2; /* syscall is 0f 05 */
}

static uint64_t deliverable(const struct thread *t)
{
	return sig_pending_set(t) & ~t->sig_blocked;
}

bool signal_pending(struct thread *t)
{
	struct process *p = t->proc;
	if (p->exiting)
		return false;
	if (deliverable(t) || t->sig_restore_mask)
		return true;
	return p->sig && p->sig->stopped;
}

bool signal_interrupts(struct thread *t)
{
	return !t->proc->exiting && deliverable(t);
}

/* Job control: wait in STATE_STOPPED until SIGCONT or SIGKILL. */
static void stop_self(struct thread *t, struct sig_proc *sp)
{
	t->unblock = NULL;
	t->blocked_on = sp;
	sched_block(STATE_STOPPED);
}

static __noreturn void die(struct thread *t, int signo)
{
	int status = W_SIGNALED(signo) | (dumps_core(signo) ? 0x80 : 0);
	irq_enable();
	process_exit(t->proc, status);
	panic("signal: process_exit returned");
}

static void run_handler(struct trapframe *tf, struct thread *t, const struct sigq *info,
			struct sig_action *act)
{
	int signo = info->signo;
	struct sig_action a = *act;
	uint64_t old_mask = t->sig_restore_mask ? t->sig_saved_mask : t->sig_blocked;
	syscall_restart(tf, &a);
	irq_enable();
	int e = signal_frame_build(tf, info, &a, old_mask);
	irq_disable();
	if (e) {
		printk("neutrino: pid %d (%s) tid %d: cannot build the frame for signal %d at "
		       "stack %lx: killed by SIGSEGV\n",
		       t->proc->pid, t->proc->name, t->tid, signo, tf->rsp);
		die(t, SIGSEGV);
	}
	uint64_t add = a.mask | ((a.flags & SA_NODEFER) ? 0 : SIG_BIT(signo));
	t->sig_blocked = (old_mask | add) & ~SIG_UNBLOCKABLE;
	t->sig_restore_mask = false;
	if (a.flags & SA_RESETHAND) {
		act->handler = SIG_DFL;
		act->flags &= ~SA_SIGINFO;
	}
}

void signal_deliver(struct trapframe *tf)
{
	struct thread *t = cur_thread();
	struct process *p = t->proc;
	struct sig_proc *sp = p->sig;
	if (sp && sp->stopped) {
		syscall_restart(tf, NULL);
		stop_self(t, sp);
		return;
	}
	uint64_t ready = deliverable(t);
	if (!ready) {
		/* sigsuspend woke for a signal that is gone: back to the old mask */
		if (t->sig_restore_mask) {
			t->sig_blocked = t->sig_saved_mask;
			t->sig_restore_mask = false;
		}
		return;
	}
	int signo = __builtin_ctzll(ready) + 1;
	struct sigq info;
	if (!sigq_take(t, signo, &info))
		return;
	struct sig_action *act = sp ? &sp->act[signo - 1] : NULL;
	uint64_t h = act ? act->handler : SIG_DFL;
	if (signo == SIGKILL || signo == SIGSTOP)
		h = SIG_DFL;
	if (h == SIG_IGN) {
		syscall_restart(tf, NULL);
		return;
	}
	if (h != SIG_DFL) {
		run_handler(tf, t, &info, act);
		return;
	}
	if (signal_is_default_ignored(signo)) {
		syscall_restart(tf, NULL);
		return;
	}
	if (SIG_BIT(signo) & SIG_STOPS) {
		irq_enable();
		sp = signal_proc_get(p);
		irq_disable();
		if (sp) {
			sp->stopped = true;
			process_job_stopped(p, signo);
			syscall_restart(tf, NULL);
			stop_self(t, sp);
			return;
		}
	}
	die(t, signo);
}
