/*
 * Lifecycle hooks of the kernel subsystems. Each subsystem owns its part of
 * struct process / struct thread and cleans it up here; the process and
 * thread code calls them in a fixed order. Declared weak so that a
 * subsystem not linked yet is skipped.
 *
 * Process death (process_last_thread_gone, all threads gone, address space
 * still present): ipc (channels destroyed: clients get ESRCH; connections
 * detached: servers get DISCONNECT pulses), timers, interrupts, signals,
 * POSIX state (cwd, umask, fd paths).
 * Thread death (thread_exit, on the dying thread): POSIX state (robust
 * futex list, while the address space is still there), ipc (THREAD_DEATH pulse,
 * served clients), sync (held mutexes), interrupts (thread-owned
 * attachments), join wake-up.
 */
#pragma once
#include <kernel/types.h>

struct process;
struct thread;
struct trapframe;

#define HOOK __attribute__((weak))

HOOK void ipc_process_exit(struct process *p);
HOOK void timer_process_exit(struct process *p);
HOOK void intr_process_exit(struct process *p);
HOOK void signal_process_exit(struct process *p);
HOOK void posix_process_exit(struct process *p); /* posix/fd/state.c */
/* A connection coid of process p (any process, not only the current one)
 * went stale: its channel died (ipc/channel.c). posix/fd/poll.c wakes a
 * poll()/select() of p waiting on that fd. Interrupts may be off. */
HOOK void posix_conn_stale(struct process *p, int coid);

HOOK void posix_thread_exit(struct thread *t); /* posix/robust.c */
HOOK void ipc_thread_exit(struct thread *t);
HOOK void sync_thread_exit(struct thread *t);
HOOK void intr_thread_exit(struct thread *t);
HOOK void join_thread_exit(struct thread *t);
HOOK void signal_thread_exit(struct thread *t);

/* On every return to user mode, after death and before rescheduling checks:
 * delivers pending unblocked signals (builds the handler frame in tf, or
 * performs the default action). Interrupts off on entry and exit. */
HOOK void signal_deliver(struct trapframe *tf);
/* Whether t has work for signal_deliver() on its way to user mode (cheap;
 * interrupts off). */
HOOK bool signal_pending(struct thread *t);
/* Whether a signal t does not block is pending: a blocking call must not
 * sleep through it (returns -EINTR instead). */
HOOK bool signal_interrupts(struct thread *t);

#define CALL_HOOK(fn, ...)                                                         \
	do {                                                                       \
		if (fn)                                                            \
			fn(__VA_ARGS__);                                           \
	} while (0)
