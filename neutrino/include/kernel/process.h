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
	uint32_t uid, gid;            /* [k] */
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
};

/* A new empty process (no threads) with a fresh address space, child of
 * parent. NULL when out of memory or pids. */
struct process *process_create(struct process *parent, const char *name);
struct process *process_lookup(pid_t pid);
/* Starts ending the process: every other thread is killed; the process
 * becomes a zombie with status when its last thread is gone. */
void process_exit(struct process *p, int wait_status);
/* Called by the last thread on its way out (still on its kernel stack). */
void process_last_thread_gone(struct process *p);
/* Frees a zombie after its status was collected. */
void process_reap(struct process *p);
/* Waits for a child (pid > 0: that one, -1: any). Returns the pid and fills
 * *status, 0 with NOHANG and no zombie, -ECHILD, -EINTR. */
long process_wait(struct process *self, pid_t pid, int *status, bool nohang);
bool process_is_privileged(const struct process *p);
extern uint64_t nr_processes, nr_threads;

/* Linux wait status encodings */
#define W_EXITCODE(code) (((code)&0xff) << 8)
#define W_SIGNALED(sig) ((sig)&0x7f)
