/*
 * Process and thread identity and exit: exit, exit_group, wait4, getpid,
 * getppid, gettid, getuid/geteuid, getgid/getegid, set_tid_address,
 * arch_prctl (the TLS base).
 */
#include <arch/cpu.h>
#include <kernel/errno.h>
#include <kernel/percpu.h>
#include <kernel/process.h>
#include <mm/uaccess.h>
#include <sched/thread.h>

#include "linux.h"

#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003
#define WNOHANG 1

long sys_exit(const uint64_t *a, struct trapframe *tf)
{
	struct process *p = cur_thread()->proc;
	if (p->nthreads == 1)
		process_exit(p, W_EXITCODE((int)a[0]));
	thread_exit(0);
}

long sys_exit_group(const uint64_t *a, struct trapframe *tf)
{
	process_exit(cur_thread()->proc, W_EXITCODE((int)a[0]));
	return 0; /* not reached: the caller is in the process */
}

long sys_wait4(const uint64_t *a, struct trapframe *tf)
{
	pid_t pid = (pid_t)a[0];
	if (a[2] & ~(uint64_t)WNOHANG)
		return -EINVAL;
	if (pid == 0 || pid < -1)
		return -EINVAL; /* process groups come with procnto */
	if (a[1] && !uaccess_range_ok(a[1], sizeof(int)))
		return -EFAULT;
	int status = 0;
	long r = process_wait(cur_thread()->proc, pid, &status, a[2] & WNOHANG);
	if (r > 0 && a[1] && copy_to_user(a[1], &status, sizeof(status)))
		return -EFAULT;
	return r;
}

long sys_getpid(const uint64_t *a, struct trapframe *tf) { return cur_thread()->proc->pid; }

long sys_getppid(const uint64_t *a, struct trapframe *tf)
{
	struct process *parent = cur_thread()->proc->parent;
	return parent ? parent->pid : 0;
}

long sys_gettid(const uint64_t *a, struct trapframe *tf) { return cur_thread()->tid; }
long sys_getuid(const uint64_t *a, struct trapframe *tf) { return cur_thread()->proc->uid; }
long sys_getgid(const uint64_t *a, struct trapframe *tf) { return cur_thread()->proc->gid; }

long sys_set_tid_address(const uint64_t *a, struct trapframe *tf)
{
	struct thread *t = cur_thread();
	t->clear_child_tid = a[0];
	return t->tid;
}

long sys_arch_prctl(const uint64_t *a, struct trapframe *tf)
{
	struct thread *t = cur_thread();
	switch (a[0]) {
	case ARCH_SET_FS:
		if (a[1] >= USER_TOP)
			return -EPERM;
		t->fs_base = a[1];
		wrmsr(MSR_FS_BASE, a[1]);
		return 0;
	case ARCH_GET_FS:
		return copy_to_user(a[1], &t->fs_base, sizeof(uint64_t)) ? -EFAULT : 0;
	default:
		return -EINVAL;
	}
}
