/*
 * The native kernel interface for programs: structures, flags and the
 * kernel-call prototypes (generated into sys/kercalls.h from
 * neutrino/kcall/kcalls.tab). Names follow QNX Neutrino. Included by user
 * programs (built with musl-gcc) and, with __KERNEL__ defined, by the kernel,
 * which uses the structure layouts and constants but not the prototypes.
 */
#pragma once
#ifdef __KERNEL__
#include <kernel/types.h>
typedef int32_t clockid_t;
#else
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sched.h>
#include <time.h>
#endif

/* Scheduling policies: musl's (Linux) values. SCHED_OTHER behaves as SCHED_RR,
 * as in QNX; the kernel also accepts QNX's SCHED_OTHER value 3. */
#define _NTO_SCHED_OTHER 0
#define _NTO_SCHED_FIFO 1
#define _NTO_SCHED_RR 2
#define _NTO_SCHED_OTHER_QNX 3

#define _NTO_PRIO_MAX 255
#define _NTO_PRIO_UNPRIV_MAX 63 /* unprivileged threads are limited to 1..63 */

/* ThreadCreate() attributes (fixed layout; the kernel copies it in). */
struct _thread_attr {
	int flags;                      /* reserved, must be 0 */
	int policy;                     /* _NTO_SCHED_*, or -1 to inherit the creator's */
	int priority;                   /* 1..255, or 0 to inherit the creator's */
	int reserved;
	size_t stacksize;               /* bytes; 0 = 128 KiB when the kernel maps the stack */
	void *stackaddr;                /* lowest address of the stack, or NULL: kernel maps one */
	void (*exitfunc)(void *status); /* where func returns to (its return value as argument) */
	void *tls;                      /* FS base of the new thread; NULL = the creator's */
};

/* ImageSpawn() attributes. */
struct _image_spawn_attr {
	int priority; /* 0 = the caller's */
	int policy;   /* -1 = the caller's */
	unsigned flags;
	int reserved;
};

/* ProcWait() flags */
#define _NTO_WAIT_NOHANG 1

/* SysMemInfo() result */
struct _sys_meminfo {
	uint64_t page_size;
	uint64_t total_pages;
	uint64_t free_pages;
	uint64_t kmem_in_use; /* bytes of kernel objects allocated */
	uint64_t n_processes;
	uint64_t n_threads;
	uint64_t cpu_busy_ns; /* CPU time since boot spent running threads */
	uint64_t cpu_idle_ns; /* ... and idle */
};

/* ClockTime() clock ids: POSIX numbering (musl's CLOCK_REALTIME 0, CLOCK_MONOTONIC 1). */
#define _NTO_CLOCK_REALTIME 0
#define _NTO_CLOCK_MONOTONIC 1

/* ClockCycles(): the free-running cycle counter (the TSC). */
static inline uint64_t ClockCycles(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

#include <sys/nto_msg.h>
#include <sys/nto_signal.h>
#include <sys/nto_sync.h>
#include <sys/nto_timer.h>
#include <sys/nto_intr.h>
#include <sys/nto_proc.h>
#include <sys/nto_session.h>

/* SchedInfo() result */
struct _sched_info {
	int priority_min;
	int priority_max;
	uint64_t interval; /* RR slice, ns */
	int priority_priv; /* highest unprivileged priority */
	int reserved[11];
};

/* ThreadCtl() commands */
#define _NTO_TCTL_IO 1 /* I/O privilege (IOPL 3) for the calling thread; root only */
/* Extension: *(int *)data = the calling thread's id, the one native calls use
 * (ThreadJoin, SchedGet, SignalKill, _msg_info.tid). libneutrino's gettid(). */
#define _NTO_TCTL_TID 0x100

#ifndef __KERNEL__
/* QNX's gettid(): the calling thread's id for native calls (libneutrino;
 * replaces musl's Linux gettid() in programs linked with libneutrino). */
pid_t gettid(void);

/* Linear-buffer forms of the message calls (QNX: a negative part count). */
long MsgSend(int coid, const void *smsg, size_t sbytes, void *rmsg, size_t rbytes);
long MsgSend_r(int coid, const void *smsg, size_t sbytes, void *rmsg, size_t rbytes);
long MsgSendnc(int coid, const void *smsg, size_t sbytes, void *rmsg, size_t rbytes);
long MsgSendsv(int coid, const void *smsg, size_t sbytes, const iov_t *riov, int rparts);
long MsgSendvs(int coid, const iov_t *siov, int sparts, void *rmsg, size_t rbytes);
int MsgReceive(int chid, void *msg, size_t bytes, struct _msg_info *info);
int MsgReceive_r(int chid, void *msg, size_t bytes, struct _msg_info *info);
int MsgReceivePulse(int chid, void *pulse, size_t bytes, struct _msg_info *info);
int MsgReceivePulse_r(int chid, void *pulse, size_t bytes, struct _msg_info *info);
int MsgReply(int rcvid, long status, const void *msg, size_t bytes);
int MsgReply_r(int rcvid, long status, const void *msg, size_t bytes);
long MsgRead(int rcvid, void *msg, size_t bytes, size_t offset);
long MsgRead_r(int rcvid, void *msg, size_t bytes, size_t offset);
long MsgWrite(int rcvid, const void *msg, size_t bytes, size_t offset);
long MsgWrite_r(int rcvid, const void *msg, size_t bytes, size_t offset);
#endif

#include <sys/kercalls.h>
