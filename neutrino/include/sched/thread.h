/*
 * Threads: the unit of scheduling. Each has a kernel stack (KSTACK_SIZE), a
 * saved kernel context for switches, an FPU/SSE save area and, for user
 * threads, a trap frame at the top of its kernel stack.
 *
 * Lock legend: [I] immutable after creation; [s] scheduler: changed only with
 * interrupts off (interrupt handlers ready threads); [p] owned by the thread's
 * process, changed only from thread context.
 */
#pragma once
#include <arch/trap.h>
#include <ipc/ipc_thread.h>
#include <kernel/list.h>
#include <kernel/types.h>
#include <sched/readyq.h>
#include <sched/timer.h>

#define KSTACK_ORDER 2 /* 16 KiB */
#define TID_MAX 0x7eff /* rcvid = tid << 16 | scoid must stay positive */
#define KSTACK_SIZE (PAGE_SIZE << KSTACK_ORDER)

/* Thread states: QNX's enum _THREAD_STATE values. */
enum thread_state {
	STATE_DEAD = 0,
	STATE_RUNNING = 1,
	STATE_READY = 2,
	STATE_STOPPED = 3,
	STATE_SEND = 4,
	STATE_RECEIVE = 5,
	STATE_REPLY = 6,
	STATE_STACK = 7,
	STATE_WAITTHREAD = 8,
	STATE_WAITPAGE = 9,
	STATE_SIGSUSPEND = 10,
	STATE_SIGWAITINFO = 11,
	STATE_NANOSLEEP = 12,
	STATE_MUTEX = 13,
	STATE_CONDVAR = 14,
	STATE_JOIN = 15,
	STATE_INTR = 16,
	STATE_SEM = 17,
	STATE_WAITCTX = 18,
	STATE_NET_SEND = 19,
	STATE_NET_REPLY = 20,
	STATE_WAITCHILD = 21, /* ProcWait (not a QNX kernel state: wait is procnto's there) */
};

enum sched_policy { SCHED_OTHER = 0, SCHED_FIFO = 1, SCHED_RR = 2 };

#define TF_KILL 0x1       /* [s] the thread must exit at its next return to user */
#define TF_KTHREAD 0x2    /* [I] kernel-only thread (idle) */
#define TF_IO 0x4         /* [p] I/O privilege (ThreadCtl _NTO_TCTL_IO): IOPL 3 */
#define TF_DETACHED 0x8   /* [p] no one will join: freed at exit */

struct process;
struct waitq;

struct thread {
	uint64_t ksp;               /* [s] saved kernel stack pointer while switched out */
	uint64_t fs_base;           /* [p] user FS base (TLS) */
	void *fpu;                  /* [I] 512-byte fxsave area, 16-byte aligned */
	void *kstack;               /* [I] lowest address of the kernel stack */
	struct process *proc;       /* [I] */
	tid_t tid;                  /* [I] unique in its process, from 1 */
	pid_t ltid;                 /* [p] its number in the pid space (Linux thread id, kernel/process.c) */
	uint8_t prio;               /* [s] effective priority */
	uint8_t real_prio;          /* [s] priority without inheritance */
	uint8_t policy;             /* [s] enum sched_policy */
	uint8_t state;              /* [s] enum thread_state */
	uint32_t flags;             /* [s] TF_* */
	struct rq_node rq;          /* [s] ready-queue link */
	struct ktimer timer;        /* [s] sleep / timeout timer */
	struct waitq *waitq;        /* [s] the wait queue it blocks on, if any */
	struct list_node wq_link;   /* [s] link in that wait queue */
	long wake_result;           /* [s] what the blocking call returns */
	long timer_result;          /* [s] what it returns if t->timer fires first */
	struct list_node proc_link; /* [p] in proc->threads */
	uaddr_t exit_status;        /* [p] ThreadDestroy status */
	uaddr_t clear_child_tid;    /* [p] set_tid_address (cleared and woken at exit) */
	uaddr_t robust_list;        /* [p] set_robust_list head (posix/robust.c), 0 = none */
	uaddr_t kstack_user;        /* [p] user stack mapped by ThreadCreate, unmapped at exit */
	size_t kstack_user_size;

	/* Priority inheritance (sched/pi.c): prio = max(base_prio, boost_prio,
	 * ceiling_prio, every donor's prio). */
	uint8_t base_prio;            /* [s] real_prio, or the priority of the message served */
	uint8_t boost_prio;           /* [s] server boost from SEND-blocked clients, 0 = none */
	uint8_t ceiling_prio;         /* [s] highest PRIO_PROTECT ceiling held (sync/), 0 = none */
	struct list_node donors;      /* [s] threads whose priority flows into this one */
	struct list_node donor_link;  /* [s] in donee->donors */
	struct thread *donee;         /* [s] whom this blocked thread donates to */

	/* Blocking: how to take the thread out of its current blocking state
	 * (signal, timeout, kill). NULL means "it waits on t->waitq". Returns
	 * false if the state refuses (REPLY on an _NTO_CHF_UNBLOCK channel
	 * unless force). Called with interrupts off. */
	bool (*unblock)(struct thread *t, long err, bool force); /* [s] */
	void *blocked_on;             /* [s] the object the unblock function needs */

	/* TimerTimeout (timer/): armed for the next blocking call in one of the
	 * states of timeout_states, cleared when that kernel call returns. */
	uint32_t timeout_states;      /* [p] 1 << state */
	uint64_t timeout_tsc;         /* [p] absolute TSC deadline; 0 = immediate */
	int32_t timeout_notify;       /* [p] SIGEV_UNBLOCK (ETIMEDOUT) or SIGEV_NONE */

	/* Signals (signal/): Linux numbering, bit (sig - 1). */
	uint64_t sig_blocked;         /* [p] */
	uint64_t sig_pending;         /* [s] directed at this thread */
	struct list_node sig_queue;   /* [s] queued siginfo for this thread */
	uint64_t sig_saved_mask;      /* [p] sigsuspend: restored after the handler */
	bool sig_restore_mask;        /* [p] */
	uaddr_t sig_altstack;         /* [p] sigaltstack base, size, flags */
	uint64_t sig_altstack_size;
	int32_t sig_altstack_flags;

	/* Interrupts (intr/): a SIGEV_INTR that arrived while not in InterruptWait. */
	bool intr_pending;            /* [s] */

	/* Message passing (ipc/) */
	struct ipc_thread ipc;

	/* Join (ThreadJoin) */
	struct waitq *join_wait;      /* [p] threads in ThreadJoin on this one (kmalloc'ed lazily) */

	/* CPU time: TSC ticks it ran, up to its last switch out (sched.c) */
	uint64_t cpu_tsc;             /* [s] */
};

static inline struct trapframe *thread_tf(struct thread *t)
{
	return (struct trapframe *)((char *)t->kstack + KSTACK_SIZE) - 1;
}

/* A new user thread in p, READY-able (not yet queued), starting at entry
 * with rsp = stack and rdi = arg. Returns NULL when out of memory. */
struct thread *thread_create_user(struct process *p, uaddr_t entry, uaddr_t stack, uint64_t arg,
				  uint8_t prio, uint8_t policy);
/* Like thread_create_user, resuming the user context *tf (fork, clone). If
 * kstart is set, the thread first runs kstart(arg) in the kernel, in its own
 * process (interrupts off on entry), and must end by entering user mode
 * (fork_enter_user in kernel/fork.h). */
struct thread *thread_create_user_ctx(struct process *p, const struct trapframe *tf,
				      void (*kstart)(void *), void *arg, uint8_t prio,
				      uint8_t policy);
/* Ends the calling thread; the process ends with it if it was the last. */
__noreturn void thread_exit(long status);
/* Frees a dead thread's memory (called once the CPU is off its stack). */
void thread_free(struct thread *t);
/* Asks t to exit: sets TF_KILL and wakes it from any blocking state. */
void thread_kill(struct thread *t);
/* Interrupts t's blocking kernel call with err (-EINTR, -ETIMEDOUT): takes
 * it off whatever it waits on and readies it. Returns false if t was not
 * blocked or its state refused (see struct thread.unblock). Interrupts off. */
bool thread_unblock(struct thread *t, long err, bool force);
struct thread *thread_lookup(struct process *p, tid_t tid);
struct thread *thread_create_idle(void);
