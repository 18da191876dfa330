/*
 * ThreadCtl. _NTO_TCTL_IO gives the calling thread I/O privilege: TF_IO
 * (checked by the interrupt calls) and IOPL 3 in its user RFLAGS, so that
 * in/out/cli/sti work in user mode. The syscall exit path restores RFLAGS
 * from the trap frame (iretq, or sysretq from r11 once the user's r11 carries
 * the new IOPL), so the change takes effect on return. Root only; threads
 * created afterwards inherit it (io_priv_inherit, from ThreadCreate).
 * _NTO_TCTL_TID tells the calling thread its id (libneutrino's gettid()).
 */
#include <arch/cpu.h>
#include <intr/intr.h>
#include <kcall/kcall_gen.h>
#include <kernel/errno.h>
#include <kernel/percpu.h>
#include <kernel/process.h>
#include <mm/uaccess.h>
#include <sched/thread.h>

void io_priv_inherit(const struct thread *creator, struct thread *t)
{
	if (!(creator->flags & TF_IO))
		return;
	irqflags_t f = irq_save();
	t->flags |= TF_IO;
	irq_restore(f);
	thread_tf(t)->rflags |= RFLAGS_IOPL3;
}

long ker_thread_ctl(int cmd, uaddr_t data)
{
	struct thread *self = cur_thread();
	switch (cmd) {
	case _NTO_TCTL_IO: {
		if (!process_is_privileged(self->proc))
			return -EPERM;
		irqflags_t f = irq_save();
		self->flags |= TF_IO;
		irq_restore(f);
		thread_tf(self)->rflags |= RFLAGS_IOPL3;
		return 0;
	}
	case _NTO_TCTL_TID: {
		int tid = self->tid;
		return copy_to_user(data, &tid, sizeof(tid)) ? -EFAULT : 0;
	}
	default:
		return -EINVAL;
	}
}
