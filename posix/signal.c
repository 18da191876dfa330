/*
 * Linux signal state syscalls: rt_sigaction, rt_sigprocmask, rt_sigpending,
 * rt_sigreturn, sigaltstack. Decoders over the kernel's signal core
 * (neutrino/signal); sigsetsize must be 8 (64 signals), as musl passes.
 */
#include <kernel/errno.h>
#include <kernel/percpu.h>
#include <kernel/process.h>
#include <mm/uaccess.h>
#include <sched/thread.h>
#include <signal/signal.h>

#include "linux.h"

long sys_rt_sigaction(const uint64_t *a, struct trapframe *tf)
{
	struct linux_k_sigaction ka, ko;
	struct sig_action act, old;
	if (a[3] != sizeof(uint64_t))
		return -EINVAL;
	if (a[1]) {
		if (copy_from_user(&ka, a[1], sizeof(ka)))
			return -EFAULT;
		act = (struct sig_action){ ka.handler, ka.flags, ka.restorer, ka.mask };
	}
	if (a[2] && !uaccess_range_ok(a[2], sizeof(ko)))
		return -EFAULT;
	int e = signal_action(cur_thread()->proc, (int)a[0], a[1] ? &act : NULL,
			      a[2] ? &old : NULL);
	if (e || !a[2])
		return e;
	ko = (struct linux_k_sigaction){ old.handler, old.flags, old.restorer, old.mask };
	return copy_to_user(a[2], &ko, sizeof(ko)) ? -EFAULT : 0;
}

long sys_rt_sigprocmask(const uint64_t *a, struct trapframe *tf)
{
	uint64_t set, old;
	if (a[3] != sizeof(uint64_t))
		return -EINVAL;
	if (a[1] && copy_from_user(&set, a[1], sizeof(set)))
		return -EFAULT;
	if (a[2] && !uaccess_range_ok(a[2], sizeof(old)))
		return -EFAULT;
	int e = signal_procmask(cur_thread(), (int)a[0], a[1] ? &set : NULL, &old);
	if (e)
		return e;
	return a[2] && copy_to_user(a[2], &old, sizeof(old)) ? -EFAULT : 0;
}

long sys_rt_sigpending(const uint64_t *a, struct trapframe *tf)
{
	if (a[1] != sizeof(uint64_t))
		return -EINVAL;
	struct thread *t = cur_thread();
	uint64_t set = sig_pending_set(t) & t->sig_blocked;
	return copy_to_user(a[0], &set, sizeof(set)) ? -EFAULT : 0;
}

long sys_rt_sigreturn(const uint64_t *a, struct trapframe *tf) { return signal_return(tf); }

long sys_sigaltstack(const uint64_t *a, struct trapframe *tf)
{
	struct linux_stack ss, old;
	if (a[0] && copy_from_user(&ss, a[0], sizeof(ss)))
		return -EFAULT;
	if (a[1] && !uaccess_range_ok(a[1], sizeof(old)))
		return -EFAULT;
	int e = signal_altstack(a[0] ? &ss : NULL, &old);
	if (e)
		return e;
	return a[1] && copy_to_user(a[1], &old, sizeof(old)) ? -EFAULT : 0;
}
