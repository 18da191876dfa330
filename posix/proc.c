/*
 * Process and thread identity and exit: exit (with the CLONE_CHILD_CLEARTID
 * store and futex wake musl's thread exit relies on), exit_group, getpid,
 * getppid, gettid, getuid/geteuid, getgid/getegid, set_tid_address,
 * arch_prctl (the TLS base). fork, exec, wait and the rest are in proc/.
 */
#include <arch/cpu.h>
#include <kernel/errno.h>
#include <kernel/percpu.h>
#include <kernel/process.h>
#include <mm/uaccess.h>
#include <sched/thread.h>

#include "linux.h"
#include "proc/proc_sys.h"

#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003

void proc_clear_child_tid(void)
{
	struct thread *t = cur_thread();
	uaddr_t u = t->clear_child_tid;
	if (!u)
		return;
	t->clear_child_tid = 0;
	uint32_t zero = 0;
	if (!copy_to_user(u, &zero, sizeof(zero)))
		futex_wake_private(u, 1);
}

long sys_exit(const uint64_t *a, struct trapframe *tf)
{
	struct process *p = cur_thread()->proc;
	proc_clear_child_tid();
	if (p->nthreads == 1)
		process_exit(p, W_EXITCODE((int)a[0]));
	thread_exit(0);
}

long sys_exit_group(const uint64_t *a, struct trapframe *tf)
{
	process_exit(cur_thread()->proc, W_EXITCODE((int)a[0]));
	return 0; /* not reached: the caller is in the process */
}

long sys_getpid(const uint64_t *a, struct trapframe *tf) { return cur_thread()->proc->pid; }

long sys_getppid(const uint64_t *a, struct trapframe *tf)
{
	struct process *parent = cur_thread()->proc->parent;
	return parent ? parent->pid : 0;
}

long sys_gettid(const uint64_t *a, struct trapframe *tf) { return cur_thread()->ltid; }
/* getuid and geteuid (the table maps both here: told apart by number) */
long sys_getuid(const uint64_t *a, struct trapframe *tf)
{
	struct process *p = cur_thread()->proc;
	return tf->error == NR_geteuid ? p->uid : p->ruid;
}

/* getgid and getegid, likewise */
long sys_getgid(const uint64_t *a, struct trapframe *tf)
{
	struct process *p = cur_thread()->proc;
	return tf->error == NR_getegid ? p->gid : p->rgid;
}

long sys_set_tid_address(const uint64_t *a, struct trapframe *tf)
{
	struct thread *t = cur_thread();
	t->clear_child_tid = a[0];
	return t->ltid;
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
