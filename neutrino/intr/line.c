/*
 * Interrupt lines: vector allocation, IOAPIC routing, the counted mask and
 * the handler that turns an interrupt into masked-line + event delivery
 * (with _NTO_INTR_FLAGS_STAMP, a pulse whose value is the entry TSC).
 * Called by intr/ker_interrupt.c with interrupts off; the handler runs from
 * trap_dispatch (interrupts off, EOI sent after it returns).
 */
#include <arch/cpu.h>
#include <arch/platform.h>
#include <arch/trap.h>
#include <intr/intr.h>
#include <kernel/errno.h>
#include <kernel/event.h>
#include <kernel/printk.h>
#include <kernel/process.h>

#define NLINES (VEC_DEVICE_LAST - VEC_DEVICE_BASE + 1)

struct intr_line {
	bool in_use;                 /* [s] some attachment holds it */
	bool hw_masked;              /* [s] what the IOAPIC entry says */
	uint8_t vector;              /* [I] VEC_DEVICE_BASE + index */
	uint32_t gsi;                /* [s] valid while in_use */
	unsigned masks;              /* [s] sum of the attachments' masks */
	struct list_node attachs;    /* [s] struct intr_attach.line_link */
};

static struct intr_line lines[NLINES];

/* Brings the IOAPIC entry in line with the count: masked while anyone holds
 * a mask or nobody is attached. */
static void line_sync(struct intr_line *l)
{
	bool want = l->masks > 0 || list_empty(&l->attachs);
	if (want == l->hw_masked)
		return;
	if (want)
		ioapic_mask(l->gsi);
	else
		ioapic_unmask(l->gsi);
	l->hw_masked = want;
}

static void line_handler(struct trapframe *tf, unsigned vector)
{
	uint64_t now = rdtsc();
	struct intr_line *l = &lines[vector - VEC_DEVICE_BASE];
	if (!l->in_use)
		return; /* raised before its last attachment left */
	/* Mask first, then deliver. An attachment that already holds a mask
	 * (an interrupt that was in flight before the line was masked, or its
	 * own InterruptMask) takes none, so the SIGEV_INTR latch being one bit
	 * never leaves a driver with a mask it cannot see. */
	list_for_each(pos, &l->attachs) {
		struct intr_attach *a = list_entry(pos, struct intr_attach, line_link);
		a->last_tsc = now;
		a->count++;
		if (a->masks == 0) {
			a->masks = 1;
			l->masks++;
		}
	}
	line_sync(l);
	list_for_each(pos, &l->attachs) {
		struct intr_attach *a = list_entry(pos, struct intr_attach, line_link);
		if (a->flags & _NTO_INTR_FLAGS_STAMP) { /* a pulse (checked at attach) */
			struct _sigevent_nto ev = a->event;
			ev.value = now;
			event_deliver(&ev, a->proc, a->thread); /* a failure leaves the mask */
		} else {
			event_deliver(&a->event, a->proc, a->thread);
		}
	}
}

static struct intr_line *line_find(uint32_t gsi)
{
	for (unsigned i = 0; i < NLINES; i++) {
		if (lines[i].in_use && lines[i].gsi == gsi)
			return &lines[i];
	}
	return NULL;
}

static struct intr_line *line_alloc(uint32_t gsi, bool active_low, bool level)
{
	for (unsigned i = 0; i < NLINES; i++) {
		struct intr_line *l = &lines[i];
		if (l->in_use)
			continue;
		l->in_use = true;
		l->hw_masked = true;
		l->vector = (uint8_t)(VEC_DEVICE_BASE + i);
		l->gsi = gsi;
		l->masks = 0;
		list_init(&l->attachs);
		trap_set_handler(l->vector, line_handler);
		ioapic_route(gsi, l->vector, active_low, level); /* leaves it masked */
		return l;
	}
	return NULL;
}

int intr_line_attach(struct intr_attach *a, uint32_t gsi, bool active_low, bool level)
{
	struct intr_line *l = line_find(gsi);
	bool first = !l;
	if (first && !(l = line_alloc(gsi, active_low, level)))
		return -EAGAIN;
	a->line = l;
	a->masks = 0;
	if (first && (a->flags & _NTO_INTR_FLAGS_NO_UNMASK)) {
		a->masks = 1;
		l->masks++;
	}
	if (a->flags & _NTO_INTR_FLAGS_END)
		list_add_tail(&l->attachs, &a->line_link);
	else
		list_add_head(&l->attachs, &a->line_link);
	line_sync(l);
	return 0;
}

void intr_line_detach(struct intr_attach *a)
{
	struct intr_line *l = a->line;
	l->masks -= a->masks;
	a->masks = 0;
	list_del(&a->line_link);
	line_sync(l);
	if (list_empty(&l->attachs))
		l->in_use = false; /* the vector's handler stays; it ignores free lines */
}

unsigned intr_line_mask(struct intr_attach *a)
{
	struct intr_line *l = a->line;
	a->masks++;
	l->masks++;
	line_sync(l);
	return l->masks;
}

unsigned intr_line_unmask(struct intr_attach *a)
{
	struct intr_line *l = a->line;
	if (a->masks) {
		a->masks--;
		l->masks--;
		line_sync(l);
	}
	return l->masks;
}

unsigned intr_line_masks(const struct intr_line *l)
{
	return l->masks;
}
