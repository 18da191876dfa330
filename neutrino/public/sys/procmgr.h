/*
 * The process manager's private protocol: messages a process sends procnto
 * on SYSMGR_COID to hear about process deaths and pathname-space changes,
 * to ask how a process ended, and to have procnto restart it if it dies.
 * Handled by procnto/procmgr/; used by the restart manager (restartd,
 * drivers/supervisor/) and by anyone who watches processes.
 *
 * Types 0x340..0x35F: outside the I/O range (0x100..0x1FF) and after the
 * path manager's (<sys/pathmgr.h>).
 *
 * _PROCMGR_EVENT_NOTIFY  registers the sender for events: flags is a set of
 *     PROCMGR_EVENT_*, event a struct sigevent the sender could deliver to
 *     itself (normally SIGEV_PULSE on a connection to its own channel).
 *     procnto delivers it with MsgDeliverEvent, its sigev_value replaced:
 *       PROCMGR_EVENT_DEATH      a process ended; value = its pid. Every
 *                                process, child of anyone, reaped or not.
 *       PROCMGR_EVENT_PATHSPACE  a name was attached or detached (also when
 *                                its server died); value = the server's pid.
 *     A process holds one registration per event kind: a new registration
 *     takes its kinds over from the older ones (so two registrations with
 *     different events, e.g. different pulse codes, for DEATH and PATHSPACE
 *     coexist); flags 0 removes them all; they also end with the process.
 *     Root only (EPERM). Status 0.
 *     Errors: EINVAL (unknown flags), EPERM.
 * _PROCMGR_DEATH_INFO    how process pid ended: the reply is struct
 *     procmgr_death_info. procnto remembers the last PROCMGR_DEATHS_KEPT
 *     deaths it saw (ENOENT for others: never ended, or too long ago).
 * _PROCMGR_GUARD         "if I die, start me again": data is the boot-image
 *     program name then argv, each NUL-terminated (argc strings after the
 *     name); procnto restarts the program from the boot image with that
 *     argv and its own environment when the sender dies (or only when it
 *     dies abnormally, PROCMGR_GUARD_ABNORMAL: a signal or an exit status
 *     other than 0), at most PROCMGR_GUARD_BURST times in
 *     PROCMGR_GUARD_WINDOW_S seconds (then it gives up and says so on the
 *     console). The new process must send _PROCMGR_GUARD itself to be
 *     guarded again. argc 0 removes the guard. Root only.
 *     Errors: EINVAL (lengths, a name with '/' other than /proc/boot/...),
 *     ENOMEM, EPERM. This is how the restart manager itself is restarted.
 */
#pragma once
#include <stdint.h>
#ifndef __KERNEL__
#include <signal.h>
#endif

#define _PROCMGR_BASE 0x0340
#define _PROCMGR_EVENT_NOTIFY (_PROCMGR_BASE + 0)
#define _PROCMGR_DEATH_INFO (_PROCMGR_BASE + 1)
#define _PROCMGR_GUARD (_PROCMGR_BASE + 2)
#define _PROCMGR_MAX (_PROCMGR_BASE + 0x1F)

#define PROCMGR_EVENT_DEATH 0x0001
#define PROCMGR_EVENT_PATHSPACE 0x0002
#define PROCMGR_EVENT_MASK 0x0003

#define PROCMGR_DEATHS_KEPT 64

#define PROCMGR_GUARD_ABNORMAL 0x0001
#define PROCMGR_GUARD_BURST 5
#define PROCMGR_GUARD_WINDOW_S 10
#define PROCMGR_GUARD_DATA_MAX 4096

#ifndef __KERNEL__
struct _procmgr_event_notify {
	uint16_t type;  /* _PROCMGR_EVENT_NOTIFY */
	uint16_t zero;
	uint32_t flags; /* PROCMGR_EVENT_* */
	struct sigevent event;
};
#endif

struct _procmgr_death_info_req {
	uint16_t type; /* _PROCMGR_DEATH_INFO */
	uint16_t zero;
	int32_t pid;
};

struct procmgr_death_info {
	int32_t pid;
	int32_t ppid;     /* its parent when it ended */
	int32_t status;   /* Linux wait status: WIFEXITED / WIFSIGNALED apply */
	uint32_t uid;
	uint64_t time_ns; /* CLOCK_MONOTONIC when it ended */
	char name[32];    /* basename of its program */
};
_Static_assert(sizeof(struct procmgr_death_info) == 56, "procmgr_death_info layout");

struct _procmgr_guard {
	uint16_t type;     /* _PROCMGR_GUARD */
	uint16_t data_len; /* bytes of data[] */
	uint16_t argc;     /* strings in data[] after the name; 0: remove the guard */
	uint16_t flags;    /* PROCMGR_GUARD_* */
	char data[];       /* name NUL, argv[0] NUL, ... argv[argc-1] NUL */
};
_Static_assert(sizeof(struct _procmgr_guard) == 8, "_procmgr_guard layout");
