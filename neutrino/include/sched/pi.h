/*
 * Priority inheritance, for messages and mutexes alike.
 *
 * A thread's effective priority is the highest of its base priority (its
 * own, or the priority of the message it is serving), its server boost, its
 * PRIO_PROTECT ceiling, and the effective priority of every thread donating
 * to it. A blocked thread donates to the thread that can release it: the
 * owner of the mutex it waits for, or the server thread holding its message.
 * Changes propagate along chains of donations (mutex -> message -> mutex ...)
 * up to PI_MAX_CHAIN hops, so cycles (deadlocks) terminate.
 * All functions need interrupts off.
 */
#pragma once
#include <sched/thread.h>

#define PI_MAX_CHAIN 64

/* t (blocked) starts donating to owner; owner and its chain are updated. */
void pi_donate(struct thread *t, struct thread *owner);
/* t stops donating (it was released or gave up); its donee is updated. */
void pi_revoke(struct thread *t);
/* Recomputes t's effective priority after a change of base/boost/ceiling
 * or of its donors, requeues it and propagates along the chain. */
void pi_recompute(struct thread *t);
