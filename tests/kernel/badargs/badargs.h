/*
 * badargs: what the two files of t_badargs share: the bad values, the probe
 * judge and the TRY macro (t_badargs.c), and the probe groups of the
 * non-message calls (badargs_sys.c). Failures are counted by judge() in
 * t_badargs.c (ntest.h keeps its counters per file).
 */
#pragma once
#include "../ipc/ipctest.h"

#include <limits.h>

#define KADDR ((void *)0xffffffff80000000ull)
#define NONCANON ((void *)0x0000800000000000ull)
#define HIGHBIT ((void *)0x8000000000000000ull)
#define ONE ((void *)1)

extern void *unmapped; /* a user page that is not mapped */
extern void *edge;     /* the last byte of a mapping followed by an unmapped page */
extern void *text;     /* read-only (code) */
extern int srv_coid;   /* a connection to a channel of ours served by a thread */

#define OK_ANY 10000 /* in an allowed list: success (rc >= 0) is acceptable too */

/* Judge one probe: rc/err against the 0-terminated allowed list. */
void judge(const char *name, const char *expr, int line, long rc, int err, const int *allowed);
/* An information line from the main file's ntest context. */
void badargs_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* TRY(name, call, allowed errnos...): one probe. */
#define TRY(name, call, ...)                                                               \
	do {                                                                               \
		errno = 0;                                                                 \
		long rc_ = (long)(call);                                                   \
		int e_ = errno;                                                            \
		judge(name, #call, __LINE__, rc_, e_, (const int[]){__VA_ARGS__, 0});      \
	} while (0)

/* The bad pointers every pointer argument gets (plus text for outputs). */
void *bad_ptr(int i);
#define NBAD 7

void probe_threads(void);
void probe_threads_last(void);
void probe_sched(int dead_pid);
void probe_signals(int dead_pid);
void probe_intr(void);
void probe_time(void);
void probe_sync(void);
void probe_proc(void);
