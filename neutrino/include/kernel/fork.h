/*
 * Process duplication (kernel/fork.c): the mechanism behind fork, vfork
 * and posix_spawn's clone(CLONE_VM|CLONE_VFORK). The personality (posix/)
 * decides the child's first user context and what the child does in the
 * kernel before it first returns to user mode.
 */
#pragma once
#include <arch/trap.h>
#include <kernel/types.h>

struct process;

#define FORK_SHARE_VM 0x1 /* the child runs in the parent's address space */
#define FORK_VFORK 0x2    /* the parent waits until the child execs or ends */

/* What the child's thread starts with. */
struct fork_spec {
	const struct trapframe *tf; /* its user context */
	uint64_t fs_base;           /* its TLS base */
	uaddr_t clear_child_tid;    /* CLONE_CHILD_CLEARTID address, 0 = none */
	unsigned flags;             /* FORK_* */
	void (*kstart)(void *);     /* first kernel work, or NULL */
};

/* Duplicates the calling thread's process: a child with a copy-on-write
 * copy of the address space (or the same one with FORK_SHARE_VM), every fd
 * connection at the same number (same channels, its own scoids), the
 * signal actions, credentials, limits, group and session, and one thread:
 * a copy of the calling thread (mask, altstack, FPU state, scheduling)
 * with the context of *spec.
 * If spec->kstart is set, the child first runs kstart(NULL) in the kernel
 * (interrupts off on entry), which calls process_fork_started() once the
 * parent may go on, and ends with fork_enter_user(); the parent sleeps
 * until then, or with FORK_VFORK until the child execs or ends. Only a
 * kill ends that sleep early. Returns the child's pid, -ENOMEM, -EAGAIN
 * (no pid or thread), or -EMFILE (connections). */
long process_fork(const struct fork_spec *spec);
/* In the child's kstart: the parent may continue (unless it vforked). */
void process_fork_started(void);

/* Ends a kstart function: continues the calling thread in user mode with
 * its trap frame (signals and rescheduling are handled on the way). */
__noreturn void fork_enter_user(void);

/* ipc/fork.c: gives child a connection for each of parent's fd-space
 * connections (same coid, channel and flags). 0 or -errno (child's partial
 * set is left for process teardown). */
int ipc_fork(struct process *parent, struct process *child);
