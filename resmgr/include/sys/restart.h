/*
 * The restart manager's protocol (restartd, drivers/supervisor/; design in
 * docs/restart.md). restartd serves RESTART_PATH: reading it gives one
 * line per supervised entity; its dispatch channel (found by resolving
 * RESTART_PATH, see resmgr_path_servers) also takes:
 *
 * RESTART_PULSE_HEARTBEAT  pulse code, value = the sender's pid: "I am
 *     alive". An entity started with RESTART_ENV_HEARTBEAT=<ms> in its
 *     environment must send one every <ms>; three periods without one and
 *     restartd kills it (SIGKILL) as hung and restarts it. Servers built on
 *     the resmgr library do it by themselves from their dispatch loop
 *     (resmgr/heartbeat.c), so a server stuck in a handler stops beating.
 * _RESTART_WATCH  registers the sender for restart events: struct
 *     _restart_watch; the event is delivered (MsgDeliverEvent) with
 *     sigev_value = RESTART_EV_VALUE(kind, entity index); the index is the
 *     entity's line number in RESTART_PATH (0 = first entity). flags 0
 *     removes the registration; it also ends with the sender. Status 0.
 * _RESTART_SHUTDOWN  restartd stops: with RESTART_SHUTDOWN_KILL it first
 *     kills (SIGKILL) every entity it supervises; it stops guarding itself
 *     and exits 0 after replying. Root only.
 */
#pragma once
#include <stdint.h>
#include <signal.h>

#define RESTART_PATH "/proc/restart"
#define RESTART_ENV_HEARTBEAT "RESTART_HEARTBEAT_MS"
#define RESTART_ENV_NAME "RESTART_NAME"

#define RESTART_PULSE_HEARTBEAT 1

#define _RESTART_BASE 0x0360
#define _RESTART_WATCH (_RESTART_BASE + 0)
#define _RESTART_SHUTDOWN (_RESTART_BASE + 1)
#define _RESTART_STORE_SET (_RESTART_BASE + 2) /* drivers/supervisor/restart_store.h */
#define _RESTART_STORE_GET (_RESTART_BASE + 3)
#define _RESTART_MAX (_RESTART_BASE + 0x1F)

/* Event kinds (the value's bits 16..23) */
#define RESTART_EV_DEATH 1     /* an entity died */
#define RESTART_EV_RECOVERED 2 /* it serves its path again (or runs, without a path) */
#define RESTART_EV_FAILED 3    /* restartd gave up on it, or a recovery failed */
#define RESTART_EV_VALUE(kind, index) ((int)(((kind) << 16) | ((index) & 0xffff)))
#define RESTART_EV_KIND(v) (((v) >> 16) & 0xff)
#define RESTART_EV_INDEX(v) ((v) & 0xffff)

#define RESTART_WATCH_ALL 0x000E /* 1 << kind for each kind */

struct _restart_watch {
	uint16_t type;  /* _RESTART_WATCH */
	uint16_t zero;
	uint32_t flags; /* 1 << RESTART_EV_* ; 0: unregister */
	struct sigevent event;
};

#define RESTART_SHUTDOWN_KILL 0x0001
struct _restart_shutdown {
	uint16_t type;  /* _RESTART_SHUTDOWN */
	uint16_t zero;
	uint32_t flags; /* RESTART_SHUTDOWN_* */
};
