/*
 * Fault points: every server built on the resource-manager library can be
 * made to fail on purpose, so that driver restart can be tested without
 * the server's cooperation (the fault injector, faultinj, sends this).
 *
 * The message _FAULTPOINT_MSG, sent on any connection to the server's
 * dispatch channel by a root process (others get EPERM), is answered by
 * the library itself (resmgr/faultpoint.c), before the server's own
 * handlers: the reply (status 0) comes first, then the server does the
 * fault asked for, in its dispatch thread:
 *   FAULTPOINT_WILD   a write through a wild pointer (a random unmapped
 *                     address, then a non-canonical one): SIGSEGV
 *   FAULTPOINT_NULL   a write through a NULL pointer: SIGSEGV
 *   FAULTPOINT_ILL    an illegal instruction (ud2): SIGILL
 *   FAULTPOINT_LOOP   an endless loop: the server hangs (heartbeats stop)
 *   FAULTPOINT_EXIT   _exit(arg): a normal end (status arg)
 *   FAULTPOINT_ABORT  abort(): SIGABRT
 * With FAULTPOINT_F_NEXT_IO the fault is armed instead and happens when the
 * next I/O message (_IO_*) arrives, before its handler runs: its client is
 * then blocked on a server that dies (it gets ESRCH). procnto refuses
 * (EPERM): it is the one process that must not fail. Unknown kinds or
 * flags: EINVAL.
 */
#pragma once
#include <stdint.h>

#define _FAULTPOINT_MSG 0x03F0

#define FAULTPOINT_WILD 1
#define FAULTPOINT_NULL 2
#define FAULTPOINT_ILL 3
#define FAULTPOINT_LOOP 4
#define FAULTPOINT_EXIT 5
#define FAULTPOINT_ABORT 6
#define FAULTPOINT_KIND_MAX 6

#define FAULTPOINT_F_NEXT_IO 0x0001

struct _faultpoint {
	uint16_t type;  /* _FAULTPOINT_MSG */
	uint16_t kind;  /* FAULTPOINT_* */
	uint32_t flags; /* FAULTPOINT_F_* */
	int32_t arg;    /* FAULTPOINT_EXIT: the exit status */
	uint32_t zero;
};
_Static_assert(sizeof(struct _faultpoint) == 16, "_faultpoint layout");
