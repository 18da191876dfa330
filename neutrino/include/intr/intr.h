/*
 * Interrupts delivered to user-space drivers (InterruptAttachEvent model).
 *
 * An interrupt line is one IOAPIC input (a GSI) routed to its own vector in
 * VEC_DEVICE_BASE..VEC_DEVICE_LAST while at least one attachment uses it.
 * Each line keeps a mask count, the sum of the masks its attachments hold;
 * the hardware is masked while that count is non-zero or nobody is attached.
 * When the line fires, every attachment takes one mask (unless it already
 * holds one) and its event is delivered; the driver unmasks after servicing.
 *
 * Users: intr/ker_interrupt.c (the kernel calls and the exit hooks),
 * intr/line.c (lines and the interrupt handler), intr/wait.c (InterruptWait),
 * kernel/event.c (SIGEV_INTR -> intr_event_wake), ker_thread_create
 * (io_priv_inherit).
 */
#pragma once
#include <kernel/list.h>
#include <kernel/types.h>
#include <sys/neutrino.h>

struct process;
struct thread;
struct intr_line;

#define RFLAGS_IOPL3 (3ull << 12)
#define INTR_MAX_ATTACH 256   /* attachments in the system */
#define INTR_MASK_MAX 0xffffu /* masks one attachment may hold */

/* One InterruptAttachEvent. Lock legend as in sched/thread.h: [I] immutable
 * after attach, [s] changed with interrupts off (the handler reads it),
 * [k] thread context only. */
struct intr_attach {
	int id;                      /* [I] 1..INTR_MAX_ATTACH, global */
	unsigned flags;              /* [I] _NTO_INTR_FLAGS_* (PROCESS forced for pulses/signals) */
	uint32_t gsi;                /* [I] */
	struct intr_line *line;      /* [I] */
	struct process *proc;        /* [I] owner */
	/* [I] the attaching thread for thread-directed events (SIGEV_INTR,
	 * SIGEV_SIGNAL_THREAD), which are detached when it exits even with
	 * _NTO_INTR_FLAGS_PROCESS (their event has no target left); NULL for
	 * process-directed ones (pulses, signals), detached with the process. */
	struct thread *thread;
	struct _sigevent_nto event;  /* [I] delivered on each interrupt */
	unsigned masks;              /* [s] masks this attachment holds on its line */
	uint64_t last_tsc;           /* [s] TSC at kernel entry of the last interrupt */
	uint64_t count;              /* [s] interrupts taken */
	struct list_node line_link;  /* [s] in line->attachs */
	struct list_node proc_link;  /* [k] in proc->intrs */
};

/* ---- lines (intr/line.c); all need interrupts off ---- */
/* Adds a to the line of gsi, routing the line to a free vector (masked) if it
 * is new. The first attachment unmasks it, or with _NTO_INTR_FLAGS_NO_UNMASK
 * takes one mask instead. Returns 0 or -EAGAIN (no free vector). */
int intr_line_attach(struct intr_attach *a, uint32_t gsi, bool active_low, bool level);
/* Removes a from its line, giving back every mask it holds; the last one out
 * masks the line and frees its vector. */
void intr_line_detach(struct intr_attach *a);
/* One more / one less mask held by a; returns the line's new mask count.
 * Unmask when a holds none changes nothing. */
unsigned intr_line_mask(struct intr_attach *a);
unsigned intr_line_unmask(struct intr_attach *a);
/* The line's current mask count. */
unsigned intr_line_masks(const struct intr_line *l);

/* A SIGEV_INTR for t (from event_deliver): readies t if it is blocked in
 * InterruptWait (STATE_INTR), else latches t->intr_pending for its next
 * InterruptWait. Interrupts off; callable from interrupt handlers. */
void intr_event_wake(struct thread *t);

/* ThreadCreate: a thread created by an I/O-privileged thread inherits the
 * privilege (TF_IO and IOPL 3 in its initial frame). Before it first runs. */
void io_priv_inherit(const struct thread *creator, struct thread *t);
