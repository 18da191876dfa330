/*
 * InterruptAttachEvent, InterruptDetach, InterruptMask, InterruptUnmask and
 * the exit hooks that detach whatever a dead thread or process left.
 *
 * Interrupt numbers: 0-15 are ISA IRQs (mapped to GSIs through the MADT
 * overrides, e.g. IRQ 0 -> GSI 2 on QEMU), higher numbers are GSIs
 * (level-triggered, active low: the PCI convention). Ids are global small
 * integers; another process's id gives EPERM, an unknown one EINVAL.
 * Attaching and masking need the thread's I/O privilege (ThreadCtl IO).
 * _NTO_INTR_FLAGS_STAMP is for SIGEV_PULSE only (EINVAL otherwise).
 */
#include <arch/cpu.h>
#include <arch/platform.h>
#include <intr/intr.h>
#include <kcall/kcall_gen.h>
#include <kernel/errno.h>
#include <kernel/event.h>
#include <kernel/hooks.h>
#include <kernel/percpu.h>
#include <kernel/process.h>
#include <mm/kmem.h>
#include <mm/uaccess.h>
#include <sched/thread.h>

#define ATTACH_FLAGS                                                                       \
	(_NTO_INTR_FLAGS_END | _NTO_INTR_FLAGS_NO_UNMASK | _NTO_INTR_FLAGS_PROCESS |         \
	 _NTO_INTR_FLAGS_TRK_MSK | _NTO_INTR_FLAGS_STAMP)

static struct intr_attach *attach_ids[INTR_MAX_ATTACH]; /* [k] id - 1 -> attachment */

static int intr_to_gsi(int intr, uint32_t *gsi, bool *active_low, bool *level)
{
	if (intr < 0)
		return -EINVAL;
	if (intr < 16) {
		*gsi = isa_irq_to_gsi((unsigned)intr, active_low, level);
	} else {
		*gsi = (uint32_t)intr;
		*active_low = *level = true;
	}
	return ioapic_gsi_valid(*gsi) ? 0 : -EINVAL;
}

/* Which thread an event is for: 1 = the attaching thread, 0 = the process,
 * -EINVAL if it cannot come from an interrupt. */
static int event_kind(const struct _sigevent_nto *ev)
{
	switch (ev->notify & 0xff) { /* the low byte is the kind, as in event.c */
	case SIGEV_INTR:
	case SIGEV_SIGNAL_THREAD:
		return 1;
	case SIGEV_PULSE:
	case SIGEV_SIGNAL_NTO:
	case SIGEV_SIGNAL_CODE:
		return 0;
	default:
		return -EINVAL;
	}
}

static int attach_lookup(int id, struct intr_attach **out)
{
	if (id < 1 || id > INTR_MAX_ATTACH || !attach_ids[id - 1])
		return -EINVAL;
	if (attach_ids[id - 1]->proc != cur_thread()->proc)
		return -EPERM;
	*out = attach_ids[id - 1];
	return 0;
}

static void attach_free(struct intr_attach *a)
{
	irqflags_t f = irq_save();
	intr_line_detach(a);
	irq_restore(f);
	attach_ids[a->id - 1] = NULL;
	list_del(&a->proc_link);
	kfree(a);
}

long ker_interrupt_attach_event(int intr, uaddr_t event_u, unsigned flags)
{
	struct thread *self = cur_thread();
	struct process *p = self->proc;
	if (!(self->flags & TF_IO))
		return -EPERM;
	if (flags & ~ATTACH_FLAGS)
		return -EINVAL;
	struct _sigevent_nto ev;
	if (copy_from_user(&ev, event_u, sizeof(ev)))
		return -EFAULT;
	uint32_t gsi;
	bool active_low, level;
	int e = intr_to_gsi(intr, &gsi, &active_low, &level);
	if (e)
		return e;
	int to_thread = event_kind(&ev);
	if (to_thread < 0)
		return to_thread;
	if ((flags & _NTO_INTR_FLAGS_STAMP) && (ev.notify & 0xff) != SIGEV_PULSE)
		return -EINVAL; /* only a pulse has a value the kernel may replace */
	if ((e = event_validate(&ev, p)))
		return e;
	int slot = 0;
	while (slot < INTR_MAX_ATTACH && attach_ids[slot])
		slot++;
	if (slot == INTR_MAX_ATTACH)
		return -EAGAIN;
	struct intr_attach *a = kzalloc(sizeof(*a));
	if (!a)
		return -EAGAIN;
	a->id = slot + 1;
	a->flags = flags | (to_thread ? 0 : _NTO_INTR_FLAGS_PROCESS);
	a->gsi = gsi;
	a->proc = p;
	a->thread = to_thread ? self : NULL;
	a->event = ev;
	irqflags_t f = irq_save();
	e = intr_line_attach(a, gsi, active_low, level);
	irq_restore(f);
	if (e) {
		kfree(a);
		return e;
	}
	attach_ids[slot] = a;
	list_add_tail(&p->intrs, &a->proc_link);
	return a->id;
}

long ker_interrupt_detach(int id)
{
	struct intr_attach *a;
	int e = attach_lookup(id, &a);
	if (e)
		return e;
	attach_free(a);
	return 0;
}

/* The caller's attachment for InterruptMask/Unmask(intr, id): id itself, or
 * with id == -1 the caller process's first attachment on that line. */
static int mask_target(int intr, int id, struct intr_attach **out)
{
	struct thread *self = cur_thread();
	if (!(self->flags & TF_IO))
		return -EPERM;
	uint32_t gsi;
	bool active_low, level;
	int e = intr_to_gsi(intr, &gsi, &active_low, &level);
	if (e)
		return e;
	if (id == -1) {
		list_for_each(pos, &self->proc->intrs) {
			struct intr_attach *a = list_entry(pos, struct intr_attach, proc_link);
			if (a->gsi == gsi) {
				*out = a;
				return 0;
			}
		}
		return -EINVAL;
	}
	if ((e = attach_lookup(id, out)))
		return e;
	return (*out)->gsi == gsi ? 0 : -EINVAL;
}

long ker_interrupt_mask(int intr, int id)
{
	struct intr_attach *a;
	int e = mask_target(intr, id, &a);
	if (e)
		return e;
	irqflags_t f = irq_save();
	long r = a->masks >= INTR_MASK_MAX ? -EAGAIN : (long)intr_line_mask(a);
	irq_restore(f);
	return r;
}

long ker_interrupt_unmask(int intr, int id)
{
	struct intr_attach *a;
	int e = mask_target(intr, id, &a);
	if (e)
		return e;
	irqflags_t f = irq_save();
	long r = (long)intr_line_unmask(a);
	irq_restore(f);
	return r;
}

void intr_thread_exit(struct thread *t)
{
	list_for_each_safe(pos, tmp, &t->proc->intrs) {
		struct intr_attach *a = list_entry(pos, struct intr_attach, proc_link);
		if (a->thread == t)
			attach_free(a);
	}
}

void intr_process_exit(struct process *p)
{
	list_for_each_safe(pos, tmp, &p->intrs)
		attach_free(list_entry(pos, struct intr_attach, proc_link));
}
