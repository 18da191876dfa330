/*
 * The native signal calls: SignalKill, SignalAction, SignalProcmask,
 * SignalSuspend, SignalWaitinfo. Thin decoders over the signal core; the
 * user structures are musl's (sigset_t of which the first 64 bits are
 * used, struct sigaction, siginfo_t). A process is named by pid (0 = the
 * caller's, except for SignalKill where process groups are not supported
 * yet: pid must be > 0), a thread by tid (0 = the caller, or the whole
 * process for SignalKill). Another process can be addressed by a process
 * of the same uid or by root (else EPERM).
 */
#include <kcall/kcall_gen.h>
#include <kernel/errno.h>
#include <kernel/percpu.h>
#include <kernel/process.h>
#include <mm/uaccess.h>
#include <sched/thread.h>
#include <signal/signal.h>

static int find_process(pid_t pid, struct process **out)
{
	struct process *self = cur_thread()->proc;
	struct process *p = pid == 0 ? self : process_lookup(pid);
	if (!p || p->state != PROC_ALIVE)
		return -ESRCH;
	if (p != self && self->uid != 0 && self->uid != p->uid)
		return -EPERM;
	*out = p;
	return 0;
}

long ker_signal_kill(uint32_t nd, pid_t pid, int tid, int signo, int code, int value)
{
	struct process *p, *self = cur_thread()->proc;
	if (nd != 0 || pid <= 0 || signo < 0 || signo > SIG_MAX)
		return -EINVAL;
	if (code > 0 && !process_is_privileged(self))
		return -EPERM; /* kernel codes (faults, SI_KERNEL) cannot be faked */
	p = process_lookup(pid);
	if (!p || p->state != PROC_ALIVE)
		return -ESRCH;
	struct thread *t = NULL;
	if (tid != 0 && !(t = thread_lookup(p, tid)))
		return -ESRCH;
	return signal_send(p, t, signo, code, (uint64_t)(int64_t)value);
}

long ker_signal_action(pid_t pid, uaddr_t sigstub, int signo, uaddr_t act, uaddr_t oact)
{
	struct process *p;
	struct nto_user_sigaction ua;
	struct sig_action a, old;
	int e = find_process(pid, &p);
	if (e)
		return e;
	if (act) {
		if (copy_from_user(&ua, act, sizeof(ua)))
			return -EFAULT;
		a.handler = ua.handler;
		a.flags = (uint32_t)ua.flags;
		a.mask = ua.mask[0];
		a.restorer = ua.restorer;
		if (!(a.flags & SA_RESTORER) && sigstub) {
			a.flags |= SA_RESTORER;
			a.restorer = sigstub;
		}
	}
	if (oact && !uaccess_range_ok(oact, sizeof(ua)))
		return -EFAULT;
	e = signal_action(p, signo, act ? &a : NULL, oact ? &old : NULL);
	if (e || !oact)
		return e;
	memset(&ua, 0, sizeof(ua));
	ua.handler = old.handler;
	ua.flags = (int32_t)old.flags;
	ua.mask[0] = old.mask;
	ua.restorer = old.restorer;
	return copy_to_user(oact, &ua, sizeof(ua)) ? -EFAULT : 0;
}

long ker_signal_procmask(pid_t pid, int tid, int how, uaddr_t set, uaddr_t oldset)
{
	struct process *p;
	int e = find_process(pid, &p);
	if (e)
		return e;
	struct thread *t = tid == 0 && p == cur_thread()->proc ? cur_thread() : thread_lookup(p, tid);
	if (!t)
		return -ESRCH;
	uint64_t s, old;
	if (set && copy_from_user(&s, set, sizeof(s)))
		return -EFAULT;
	if (oldset && !uaccess_range_ok(oldset, sizeof(old)))
		return -EFAULT;
	if ((e = signal_procmask(t, how, set ? &s : NULL, &old)))
		return e;
	return oldset && copy_to_user(oldset, &old, sizeof(old)) ? -EFAULT : 0;
}

long ker_signal_suspend(uaddr_t set)
{
	uint64_t s;
	if (copy_from_user(&s, set, sizeof(s)))
		return -EFAULT;
	return signal_suspend(s);
}

long ker_signal_waitinfo(uaddr_t set, uaddr_t info)
{
	uint64_t s;
	struct sigq q;
	struct linux_siginfo si;
	if (copy_from_user(&s, set, sizeof(s)))
		return -EFAULT;
	if (info && !uaccess_range_ok(info, sizeof(si)))
		return -EFAULT;
	long r = signal_wait(s, 0, false, &q);
	if (r > 0 && info) {
		signal_info_fill(&si, &q);
		if (copy_to_user(info, &si, sizeof(si)))
			return -EFAULT;
	}
	return r;
}
