/*
 * ThreadCreate and ThreadDestroy. Decode: the attribute block is copied in
 * and every field checked; then the thread is created and readied, which
 * preempts the caller if the new thread has a higher priority.
 */
#include <arch/cpu.h>
#include <kcall/kcall_gen.h>
#include <kernel/errno.h>
#include <kernel/percpu.h>
#include <kernel/process.h>
#include <mm/uaccess.h>
#include <mm/vm.h>
#include <posix/sched_param.h>
#include <sched/sched.h>

#define DEFAULT_THREAD_STACK (128u * 1024)

long ker_thread_create(pid_t pid, uaddr_t func, uaddr_t arg, uaddr_t attr_u)
{
	struct thread *self = cur_thread();
	struct process *p = self->proc;
	if (pid != 0 && pid != p->pid)
		return process_lookup(pid) ? -ENOSYS /* in other processes: procnto's, later */
					   : -ESRCH;
	struct _thread_attr attr = { .policy = -1 };
	if (attr_u && copy_from_user(&attr, attr_u, sizeof(attr)))
		return -EFAULT;
	if (attr.flags || !uaccess_range_ok(func, 1) || !func)
		return -EINVAL;
	int policy = attr.policy < 0 ? self->policy : attr.policy;
	int prio = attr.priority ? attr.priority : self->real_prio;
	int e = sched_check_param(p, policy, prio);
	if (e)
		return e;
	uaddr_t stack_lo = (uaddr_t)attr.stackaddr, mapped = 0;
	size_t size = attr.stacksize;
	if (!stack_lo) {
		size = size ? PAGE_ALIGN_UP(size) : DEFAULT_THREAD_STACK;
		if (size > (1ull << 30))
			return -EINVAL;
		long at = vm_map_anywhere(p->as, 0, size, VM_READ | VM_WRITE);
		if (at < 0)
			return at;
		stack_lo = mapped = (uaddr_t)at;
	} else if (size < 256 || !uaccess_range_ok(stack_lo, size)) {
		return -EINVAL;
	}
	/* func returns into exitfunc: push it as the return address */
	uaddr_t sp = ((stack_lo + size) & ~15ull) - 8;
	uint64_t ret = (uint64_t)attr.exitfunc;
	if (copy_to_user(sp, &ret, 8)) {
		if (mapped)
			vm_unmap(p->as, mapped, size);
		return -EFAULT;
	}
	struct thread *t = thread_create_user(p, func, sp, arg, (uint8_t)prio, (uint8_t)policy);
	if (!t) {
		if (mapped)
			vm_unmap(p->as, mapped, size);
		return -EAGAIN;
	}
	t->kstack_user = mapped;
	t->kstack_user_size = mapped ? size : 0;
	t->fs_base = attr.tls ? (uint64_t)attr.tls : self->fs_base;
	t->sig_blocked = self->sig_blocked; /* as pthread_create */
	if (self->flags & TF_IO) {
		t->flags |= TF_IO; /* I/O privilege is inherited */
		thread_tf(t)->rflags |= 3u << 12;
	}
	irqflags_t f = irq_save();
	sched_ready(t);
	irq_restore(f);
	return t->tid;
}

/* ThreadDestroy(tid, priority, status): tid 0 (or the caller's) ends the
 * caller; -1 ends every thread of the process; another tid asks that thread
 * to end (it does at its next return to user mode, or at once if blocked),
 * with status for ThreadJoin. priority is QNX's hint for the cleanup and is
 * not used. */
long ker_thread_destroy(int tid, int priority, uaddr_t status)
{
	struct thread *self = cur_thread();
	if (tid == 0 || tid == self->tid)
		thread_exit((long)status);
	if (tid == -1)
		process_exit(self->proc, W_EXITCODE(0));
	struct thread *t = thread_lookup(self->proc, tid);
	if (!t || t->state == STATE_DEAD)
		return -ESRCH;
	t->exit_status = status;
	thread_kill(t);
	return 0;
}
