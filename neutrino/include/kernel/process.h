/*
 * Processes: an address space, threads, a parent, an exit status.
 * Mechanism only: procnto (pid 1) owns the policy (spawn, wait, sessions) as
 * it grows; until then the kernel's bootstrap calls create processes from the
 * boot image for privileged callers.
 *
 * Lock legend: [I] immutable; [k] changed only from thread context (the
 * kernel is not preemptible on one CPU: no lock needed until SMP);
 * [s] with interrupts off.
 */
#pragma once
#include <kernel/list.h>
#include <kernel/types.h>
#include <sched/waitq.h>

struct aspace;

#define PROC_NAME_MAX 32
#define PID_MAX 32768

enum proc_state { PROC_ALIVE, PROC_ZOMBIE };

#define PROC_NGROUPS_MAX 32
#define PROC_RLIM_NLIMITS 16
#define PROC_RLIM_INFINITY (~0ull)
struct proc_rlimit {
	uint64_t cur, max;
};
struct session;

#define PROC_CMDLINE_MAX 128

struct process {
	pid_t pid;                    /* [I] */
	char name[PROC_NAME_MAX];     /* [I] basename of the program */
	struct process *parent;       /* [k] NULL for pid 1 */
	struct list_node children;    /* [k] */
	struct list_node sibling;     /* [k] in parent->children */
	struct aspace *as;            /* [k] NULL once torn down */
	struct list_node threads;     /* [k] live threads */
	unsigned nthreads;            /* [k] */
	tid_t next_tid;               /* [k] */
	enum proc_state state;        /* [k] */
	int exit_status;              /* [k] Linux wait status, valid when exiting */
	bool exiting;                 /* [k] exit_group / fatal signal in progress */
	struct waitq child_wait;      /* [s] threads in ProcWait */
	uint32_t uid, gid;            /* [k] effective ids: the ones permissions use */
	uint8_t base_prio;            /* [k] priority of the first thread (SIGEV_PULSE_PRIO_INHERIT) */
	uint64_t enosys_logged[8];    /* [k] Linux syscall numbers < 512 already reported */
	uint64_t kcall_enosys_logged[4]; /* [k] native call numbers < 256 already reported */
	/* POSIX personality state */
	uaddr_t brk_start, brk_cur;   /* [k] */
	uint64_t image_map;           /* [k] where ImageMap put the boot image, 0 = not mapped */

	/* Per-subsystem state, each owned by its subsystem (see kernel/hooks.h). */
	struct ipc_proc *ipc;         /* [k] channels, connections, scoids (ipc/) */
	struct sig_proc *sig;         /* [k] actions, pending set and queue (signal/) */
	struct list_node timers;      /* [k] TimerCreate timers (timer/) */
	int32_t timer_next_id;        /* [k] */
	struct list_node intrs;       /* [k] interrupt attachments (intr/) */
	struct posix_proc *posix;     /* [k] fds' POSIX state, cwd, umask (posix/) */
	struct memobj_proc *memobj;   /* [k] memory objects it owns (mm/memobj.c) */

	/* Jobs, credentials, limits (kernel/job.c, kernel/fork.c, posix/proc/) */
	pid_t pgid;                   /* [k] process group */
	struct session *session;      /* [k] referenced until the process is reaped */
	uint32_t ruid, suid, rgid, sgid; /* [k] real and saved ids */
	uint32_t ngroups;             /* [k] supplementary groups */
	uint32_t groups[PROC_NGROUPS_MAX];
	struct proc_rlimit rlim[PROC_RLIM_NLIMITS]; /* [k] Linux RLIMIT_* order */
	bool did_exec;                /* [k] exec'd since it was forked (setpgid: EACCES) */
	struct thread *vfork_waiter;  /* [s] parent thread waiting in fork (kernel/fork.c) */
	bool vfork_hold;              /* [k] it waits until this process execs or ends */
	int job_status;               /* [s] stop (0x7f | sig << 8) / continue (0xffff) not yet waited for; 0 = none */
	uint64_t cpu_tsc;             /* [k] TSC ticks its ended threads ran (thread_exit) */
	uint64_t child_cpu_tsc;       /* [s] CPU time of its reaped children (and theirs) */
	uint64_t start_ns;            /* [I] CLOCK_MONOTONIC when it was created */
	/* [k] its program's arguments, NUL-terminated each, the first
	 * PROC_CMDLINE_MAX bytes (set by exec, inherited by fork; ProcInfo) */
	uint16_t cmdline_len;
	char cmdline[PROC_CMDLINE_MAX];
};

/* A new empty process (no threads) with a fresh address space, child of
 * parent. NULL when out of memory or pids. */
struct process *process_create(struct process *parent, const char *name);
struct process *process_lookup(pid_t pid);
/*
 * Linux thread ids (the POSIX personality's gettid, tkill, futex owners):
 * a process's first thread is numbered with the pid, every other thread
 * gets a number of its own from the pid space (no process or other thread
 * has it), free again when the thread is freed. pid_alloc_thread gives the
 * number or -EAGAIN; thread_by_ltid finds the live thread, or NULL.
 */
pid_t pid_alloc_thread(struct thread *t);
void pid_free_thread(pid_t id, struct thread *t);
struct thread *thread_by_ltid(pid_t id);
/* Starts ending the process: every other thread is killed; the process
 * becomes a zombie with status when its last thread is gone. */
void process_exit(struct process *p, int wait_status);
/* Called by the last thread on its way out (still on its kernel stack). */
void process_last_thread_gone(struct process *p);
/* Frees a zombie after its status was collected. */
void process_reap(struct process *p);
/* Frees a process that never ran a thread (a failed spawn or fork). */
void process_discard(struct process *p);
/* p just became a zombie: wakes the parent's waiters and sends it SIGCHLD,
 * or frees p at once if the parent ignores SIGCHLD or set SA_NOCLDWAIT
 * (kernel/process_wait.c). */
void process_notify_parent(struct process *p);
/* p exec'd or ended: its parent thread waiting in vfork resumes (kernel/fork.c). */
void process_vfork_release(struct process *p);
/* Waits for a child (pid > 0: that one, -1: any). Returns the pid and fills
 * *status, 0 with NOHANG and no zombie, -ECHILD, -EINTR. */
long process_wait(struct process *self, pid_t pid, int *status, bool nohang);

/* The general wait (kernel/process_wait.c): wait4 and waitid. */
#define PW_NOHANG 0x1
#define PW_STOPPED 0x2   /* report stops (WUNTRACED) */
#define PW_EXITED 0x4    /* report ends */
#define PW_CONTINUED 0x8 /* report continues */
#define PW_NOWAIT 0x10   /* leave the child waitable */
#define PW_PGID 0x20     /* sel is a process group id */
struct proc_wait_result {
	pid_t pid;
	int status;   /* Linux wait status */
	int code;     /* CLD_* for waitid */
	uint32_t uid; /* the child's real uid */
	uint64_t cpu_tsc; /* an exited child's CPU time with its reaped children's; else 0 */
};
/* Children selected by sel: that pid (sel > 0), any (-1), or with
 * PW_PGID any in group sel. Returns the pid (with *res filled), 0 with
 * PW_NOHANG and nothing to report, -ECHILD, -EINTR. */
long process_wait_ex(struct process *self, pid_t sel, unsigned flags, struct proc_wait_result *res);
/* Job-control events from signal/ (interrupts may be off; never sleeps):
 * the process stopped on signo, or was continued. Records the status for
 * the parent's wait and sends it SIGCHLD unless it asked for SA_NOCLDSTOP. */
void process_job_stopped(struct process *p, int signo);
void process_job_continued(struct process *p);
bool process_is_privileged(const struct process *p);
extern uint64_t nr_processes, nr_threads;

/* Linux wait status encodings */
#define W_EXITCODE(code) (((code)&0xff) << 8)
#define W_SIGNALED(sig) ((sig)&0x7f)
