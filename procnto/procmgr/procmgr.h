/*
 * procnto's process-manager messages (<sys/procmgr.h>): event
 * registrations (events.c), death records and the death event (death.c),
 * guarded processes restarted when they die (guard.c). main.c calls
 * procmgr_init() at start-up and procmgr_disconnect() for each disconnect
 * pulse; pathmgr/ calls procmgr_pathspace() when a name comes or goes.
 * Everything runs in procnto's dispatch thread.
 */
#pragma once
#include <stdint.h>
#include <sys/dispatch.h>
#include <sys/iofunc.h>
#include <sys/procmgr.h>
#include <sys/resmgr_ext.h>

/* Attaches the _PROCMGR_* message range. 0, or -1 with errno. */
int procmgr_init(dispatch_t *dpp);

/*
 * The client behind scoid lost its last connection to channel 1. If that
 * is because it ended (the kernel has a death record for it), remembers
 * how, delivers PROCMGR_EVENT_DEATH and restarts it if it was guarded.
 * Drops the client's event registration either way. Call before the
 * library's disconnect handling (which detaches the scoid). Returns the
 * dead pid, or 0 when the client did not die.
 */
int procmgr_disconnect(int scoid);

/* A name of server pid was attached or detached: PROCMGR_EVENT_PATHSPACE. */
void procmgr_pathspace(int32_t pid);

/* events.c */
void procmgr_event_deliver(uint32_t flag, int32_t value);
void procmgr_event_drop(int scoid);
int procmgr_do_notify(resmgr_context_t *ctp);

/* death.c */
int procmgr_do_death_info(resmgr_context_t *ctp);

/* guard.c */
int procmgr_do_guard(resmgr_context_t *ctp);
/* pid ended with wait status: restarts it if it was guarded. */
void procmgr_guard_death(int32_t pid, int status);

/* Shared helpers (procmgr.c). */
int procmgr_sender_is_root(resmgr_context_t *ctp);
