/*
 * Sending signals: kill, tkill, tgkill, rt_sigqueueinfo, rt_tgsigqueueinfo.
 * Thread ids are Linux's (gettid: thread->ltid, in the pid space): tkill
 * names any thread the caller may signal, tgkill a thread of process
 * tgid. kill(pid > 0) signals one process; kill(-1)
 * every process the caller may signal except pid 1 and itself; kill(0)
 * the caller's process group and kill(-pgid) group pgid (kernel/job.c).
 */
#include <kernel/errno.h>
#include <kernel/job.h>
#include <kernel/percpu.h>
#include <kernel/process.h>
#include <mm/uaccess.h>
#include <sched/thread.h>
#include <signal/signal.h>

#include "linux.h"

static int lookup(pid_t pid, struct process **p)
{
	*p = process_lookup(pid);
	return *p && (*p)->state == PROC_ALIVE ? 0 : -ESRCH;
}

static long kill_all(int signo)
{
	struct process *self = cur_thread()->proc;
	long r = -ESRCH;
	for (pid_t pid = 2; pid < PID_MAX; pid++) {
		struct process *p = process_lookup(pid);
		if (!p || p == self || p->state != PROC_ALIVE)
			continue;
		int e = signal_send(p, NULL, signo, SI_USER, 0);
		if (e == 0)
			r = 0;
		else if (r == -ESRCH)
			r = e;
	}
	return r;
}

long sys_kill(const uint64_t *a, struct trapframe *tf)
{
	pid_t pid = (pid_t)a[0];
	int signo = (int)a[1];
	struct process *p;
	if (signo < 0 || signo > SIG_MAX)
		return -EINVAL;
	if (pid == -1)
		return kill_all(signo);
	if (pid == 0)
		return job_signal_pgrp(cur_thread()->proc->pgid, signo);
	if (pid < 0)
		return pid == INT32_MIN ? -ESRCH : job_signal_pgrp(-pid, signo);
	int e = lookup(pid, &p);
	return e ? e : signal_send(p, NULL, signo, SI_USER, 0);
}

/* Thread tid, of process pid unless pid is 0 (tkill). */
static long thread_kill_sig(pid_t pid, int tid, int signo, int code, uint64_t value)
{
	struct process *p;
	if (tid <= 0 || signo < 0 || signo > SIG_MAX)
		return -EINVAL;
	struct thread *t = thread_by_ltid(tid);
	if (!t || t->state == STATE_DEAD || (pid && t->proc->pid != pid))
		return -ESRCH;
	int e = lookup(t->proc->pid, &p);
	return e ? e : signal_send(p, t, signo, code, value);
}

long sys_tkill(const uint64_t *a, struct trapframe *tf)
{
	return thread_kill_sig(0, (int)a[0], (int)a[1], SI_TKILL, 0);
}

long sys_tgkill(const uint64_t *a, struct trapframe *tf)
{
	if ((pid_t)a[0] <= 0)
		return -EINVAL;
	return thread_kill_sig((pid_t)a[0], (int)a[1], (int)a[2], SI_TKILL, 0);
}

/* The caller's siginfo: only its code (which must not claim to come from
 * the kernel or kill, unless sent to itself) and value are used. */
static int get_info(uaddr_t u, pid_t pid, int *code, uint64_t *value)
{
	struct linux_siginfo si;
	if (copy_from_user(&si, u, sizeof(si)))
		return -EFAULT;
	if ((si.si_code >= 0 || si.si_code == SI_TKILL) && pid != cur_thread()->proc->pid)
		return -EPERM;
	*code = si.si_code;
	*value = si.kill.value;
	return 0;
}

long sys_rt_sigqueueinfo(const uint64_t *a, struct trapframe *tf)
{
	pid_t pid = (pid_t)a[0];
	int signo = (int)a[1], code;
	uint64_t value;
	struct process *p;
	if (signo < 0 || signo > SIG_MAX)
		return -EINVAL;
	int e = get_info(a[2], pid, &code, &value);
	if (e)
		return e;
	if (pid <= 0)
		return -EINVAL;
	if ((e = lookup(pid, &p)))
		return e;
	return signal_send(p, NULL, signo, code, value);
}

long sys_rt_tgsigqueueinfo(const uint64_t *a, struct trapframe *tf)
{
	int code;
	uint64_t value;
	if ((pid_t)a[0] <= 0)
		return -EINVAL;
	int e = get_info(a[3], (pid_t)a[0], &code, &value);
	return e ? e : thread_kill_sig((pid_t)a[0], (int)a[1], (int)a[2], code, value);
}
