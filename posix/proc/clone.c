/*
 * fork, vfork and clone. musl issues fork() as SYS_fork, vfork() as
 * SYS_vfork, posix_spawn as clone(CLONE_VM|CLONE_VFORK|SIGCHLD) on a
 * separate stack, and pthread_create as clone(CLONE_VM|CLONE_FS|
 * CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM|CLONE_SETTLS|
 * CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID|CLONE_DETACHED).
 *
 * A new process (kernel/fork.h) resumes from the syscall with rax 0 and
 * the parent's other registers (rsp = the new stack if one was given);
 * before it first returns to user mode it sends _IO_DUP on each inherited
 * fd (fd_fork_child) while the parent waits. A new thread (CLONE_THREAD)
 * joins the caller's process, detached (musl joins through the
 * CLONE_CHILD_CLEARTID futex, never ThreadJoin).
 *
 * Refused with EINVAL: namespaces, CLONE_PARENT, sharing the fd table,
 * cwd or signal handlers between processes (CLONE_FILES, CLONE_FS,
 * CLONE_SIGHAND without CLONE_THREAD), CLONE_PIDFD, CLONE_CHILD_SETTID for
 * a process. The exit signal (low byte) is always SIGCHLD.
 */
#include <arch/cpu.h>
#include <kernel/errno.h>
#include <kernel/fork.h>
#include <kernel/percpu.h>
#include <kernel/process.h>
#include <kernel/signal.h>
#include <mm/uaccess.h>
#include <sched/sched.h>
#include <sched/thread.h>

#include "../fd/fd.h"
#include "proc_sys.h"

#pragma weak fd_fork_child

#define CSIGNAL 0xffull
#define CLONE_VM 0x100ull
#define CLONE_FS 0x200ull
#define CLONE_FILES 0x400ull
#define CLONE_SIGHAND 0x800ull
#define CLONE_PTRACE 0x2000ull
#define CLONE_VFORK 0x4000ull
#define CLONE_THREAD 0x10000ull
#define CLONE_SYSVSEM 0x40000ull
#define CLONE_SETTLS 0x80000ull
#define CLONE_PARENT_SETTID 0x100000ull
#define CLONE_CHILD_CLEARTID 0x200000ull
#define CLONE_DETACHED 0x400000ull
#define CLONE_UNTRACED 0x800000ull
#define CLONE_CHILD_SETTID 0x1000000ull
#define CLONE_IO 0x80000000ull

#define THREAD_NEEDS (CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD)
#define THREAD_OK                                                                          \
	(THREAD_NEEDS | CLONE_SYSVSEM | CLONE_SETTLS | CLONE_PARENT_SETTID |               \
	 CLONE_CHILD_CLEARTID | CLONE_CHILD_SETTID | CLONE_DETACHED | CLONE_PTRACE |       \
	 CLONE_UNTRACED | CLONE_IO)
#define PROCESS_OK                                                                         \
	(CSIGNAL | CLONE_VM | CLONE_VFORK | CLONE_SYSVSEM | CLONE_SETTLS |                 \
	 CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID | CLONE_DETACHED | CLONE_PTRACE |      \
	 CLONE_UNTRACED | CLONE_IO)

/* Stores a thread id for CLONE_*_SETTID. The address was checked; a store
 * that still faults (unmapped page) is the program's bug and does not undo
 * the clone, as on Linux. */
static void put_tid(uaddr_t u, int32_t v)
{
	if (copy_to_user(u, &v, sizeof(v)))
		return;
}

/* The new process's first kernel work: duplicate the fds' server state
 * while the parent waits, then run the user context. */
static void child_start(void *unused)
{
	irq_enable();
	int e = fd_fork_child ? fd_fork_child() : 0;
	process_fork_started();
	if (e) /* its fds are not usable: as if killed before it ran */
		process_exit(cur_thread()->proc, W_SIGNALED(SIGKILL));
	fork_enter_user();
}

static long new_process(struct trapframe *tf, uint64_t flags, uaddr_t sp, uaddr_t ptid,
			uaddr_t ctid, uint64_t tls)
{
	struct trapframe ctf = *tf;
	ctf.rax = 0;
	ctf.error = ~0ull; /* nothing to restart in the child */
	if (sp)
		ctf.rsp = sp;
	if ((flags & CLONE_PARENT_SETTID) && !uaccess_range_ok(ptid, sizeof(int32_t)))
		return -EFAULT;
	struct fork_spec spec = {
		.tf = &ctf,
		.fs_base = (flags & CLONE_SETTLS) ? tls : cur_thread()->fs_base,
		.clear_child_tid = (flags & CLONE_CHILD_CLEARTID) ? ctid : 0,
		.flags = ((flags & CLONE_VM) ? FORK_SHARE_VM : 0) |
			 ((flags & CLONE_VFORK) ? FORK_VFORK : 0),
		.kstart = child_start,
	};
	long pid = process_fork(&spec);
	if (pid > 0 && (flags & CLONE_PARENT_SETTID))
		put_tid(ptid, (int32_t)pid);
	return pid;
}

static long new_thread(struct trapframe *tf, uint64_t flags, uaddr_t sp, uaddr_t ptid,
		       uaddr_t ctid, uint64_t tls)
{
	struct thread *self = cur_thread();
	struct process *p = self->proc;
	if ((flags & CLONE_PARENT_SETTID) && !uaccess_range_ok(ptid, sizeof(int32_t)))
		return -EFAULT;
	if ((flags & (CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID)) &&
	    !uaccess_range_ok(ctid, sizeof(int32_t)))
		return -EFAULT;
	if ((flags & CLONE_SETTLS) && tls >= USER_TOP)
		return -EPERM;
	if (p->exiting)
		return -EAGAIN;
	struct trapframe ctf = *tf;
	ctf.rax = 0;
	ctf.error = ~0ull;
	if (sp)
		ctf.rsp = sp;
	struct thread *t = thread_create_user_ctx(p, &ctf, NULL, NULL, self->real_prio, self->policy);
	if (!t)
		return -EAGAIN;
	t->fs_base = (flags & CLONE_SETTLS) ? tls : self->fs_base;
	t->sig_blocked = self->sig_blocked;
	t->flags |= TF_DETACHED | (self->flags & TF_IO);
	int32_t tid = t->ltid;
	if (flags & CLONE_CHILD_CLEARTID)
		t->clear_child_tid = ctid;
	if (flags & CLONE_PARENT_SETTID) /* same address space: both are ours to store */
		put_tid(ptid, tid);
	if (flags & CLONE_CHILD_SETTID)
		put_tid(ctid, tid);
	irqflags_t f = irq_save();
	sched_ready(t);
	irq_restore(f);
	return tid;
}

/* clone(flags, newsp, parent_tid, child_tid, tls): x86_64 argument order. */
long sys_clone(const uint64_t *a, struct trapframe *tf)
{
	uint64_t flags = a[0];
	uaddr_t sp = a[1], ptid = a[2], ctid = a[3];
	uint64_t tls = a[4];
	if (sp && !uaccess_range_ok(sp, 1))
		return -EINVAL;
	if (flags & CLONE_THREAD) {
		if ((flags & THREAD_NEEDS) != THREAD_NEEDS || (flags & ~THREAD_OK))
			return -EINVAL;
		return new_thread(tf, flags, sp, ptid, ctid, tls);
	}
	if (flags & ~PROCESS_OK)
		return -EINVAL;
	if ((flags & CLONE_SETTLS) && tls >= USER_TOP)
		return -EPERM;
	return new_process(tf, flags, sp, ptid, ctid, tls);
}

long sys_fork(const uint64_t *a, struct trapframe *tf)
{
	return new_process(tf, 0, 0, 0, 0, 0);
}

long sys_vfork(const uint64_t *a, struct trapframe *tf)
{
	return new_process(tf, CLONE_VM | CLONE_VFORK, 0, 0, 0, 0);
}
