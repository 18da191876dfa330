/*
 * ProcInfo(): what the kernel knows about a process, for procnto's /proc
 * (privileged callers only). Part of sys/neutrino.h.
 *
 *   ProcInfo(pid, &info)                       that process (0: the caller)
 *   ProcInfo(pid | _NTO_PROCINFO_NEXT, &info)  the existing process with the
 *                                              lowest pid >= pid
 *   ProcInfo(scoid | _NTO_PROCINFO_SCOID, &info)
 *                      the client process behind one of the caller's server
 *                      connections (scoid): while it lives, as above; once
 *                      the client has ended (the scoid is disconnected),
 *                      and only for procnto asking about its channel 1:
 *                      the kernel's record of that death (state
 *                      _NTO_PROCINFO_DEAD, exit_status, end_time), given
 *                      out once (a second call gets ESRCH), so that a
 *                      reused scoid is never matched with an older death.
 *                      This is how procnto turns the disconnect pulse of a
 *                      dying process into a death event.
 * Returns the pid described, or -1 with errno: EPERM (caller not root),
 * ESRCH (no such process / none left / no record), EFAULT, EINVAL (pid out
 * of range). Iterating: start at 1 | _NTO_PROCINFO_NEXT, then
 * (last + 1) | NEXT.
 */
#pragma once

#define _NTO_PROCINFO_NEXT 0x40000000
#define _NTO_PROCINFO_SCOID 0x20000000

/* _proc_info.state */
#define _NTO_PROCINFO_RUNNING 1 /* has threads (possibly exiting) */
#define _NTO_PROCINFO_ZOMBIE 2  /* ended, status not collected yet */
#define _NTO_PROCINFO_DEAD 3    /* ended (reaped or not): from the death record */

/* _proc_info.flags */
#define _NTO_PROCINFO_FL_STOPPED 0x1  /* RUNNING but stopped by a job-control signal */
#define _NTO_PROCINFO_FL_RUNNABLE 0x2 /* a thread is running or ready to run */

#define _NTO_PROCINFO_NAME_MAX 32
#define _NTO_PROCINFO_CMDLINE_MAX 128

/* Fields after end_time are 0 for DEAD records. */
struct _proc_info {
	int32_t pid;
	int32_t ppid;          /* 0 for pid 1 and orphans of a gone pid 1 */
	uint32_t uid, gid;     /* effective ids */
	uint32_t state;        /* _NTO_PROCINFO_* */
	uint32_t nthreads;     /* live threads */
	uint64_t user_pages;   /* resident user pages (PAGE_SIZE 4096) */
	int32_t exit_status;   /* Linux wait status, when ZOMBIE or DEAD */
	uint32_t flags;        /* _NTO_PROCINFO_FL_* */
	char name[_NTO_PROCINFO_NAME_MAX]; /* basename of the program, NUL-terminated */
	uint64_t end_time;     /* DEAD: CLOCK_MONOTONIC ns when it ended; else 0 */
	int32_t pgid, sid;     /* process group and session */
	uint32_t ruid, suid;   /* real and saved user ids */
	uint32_t rgid, sgid;   /* real and saved group ids */
	int32_t tpgid;         /* foreground group of its session's terminal, 0: none */
	uint32_t cmdline_len;  /* bytes used in cmdline */
	uint64_t ctty;         /* that terminal's identity (its driver's device number), 0: none */
	uint64_t cpu_ns;       /* CPU time its threads used (user and kernel together) */
	uint64_t vm_bytes;     /* user address space mapped */
	uint64_t sig_ignored;  /* bit signo - 1: action SIG_IGN */
	uint64_t sig_caught;   /* bit signo - 1: a handler */
	uint64_t start_time;   /* CLOCK_MONOTONIC ns when the process was created */
	uint64_t reserved;
	/* the program's arguments, each NUL-terminated, cut at _NTO_PROCINFO_CMDLINE_MAX bytes */
	char cmdline[_NTO_PROCINFO_CMDLINE_MAX];
};
_Static_assert(sizeof(struct _proc_info) == 296, "_proc_info layout");
