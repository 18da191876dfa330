/*
 * POSIX signals: one implementation behind the native Signal* calls and the
 * Linux rt_sig* / kill family of posix/. Numbering is Linux's (1..64, bit
 * sig - 1 of a 64-bit set); SIGKILL and SIGSTOP can be neither caught nor
 * blocked, and no thread's sig_blocked ever holds them.
 *
 * Per process (struct sig_proc, allocated at the first signal call that
 * needs it, freed by signal_process_exit): the 64 actions, the
 * process-directed pending set and queue, the job-control stop flag, and a
 * fixed pool of queue entries so that posting never allocates (interrupt
 * handlers post through event_deliver). Per thread (struct thread): the
 * blocked mask, the thread-directed pending set and queue, the sigsuspend
 * mask and the sigaltstack.
 *
 * Lock legend: [s] changed with interrupts off (posting may come from an
 * interrupt handler); [k] thread context only.
 */
#pragma once
#include <arch/trap.h>
#include <kernel/list.h>
#include <kernel/process.h>
#include <kernel/signal.h>
#include <kernel/types.h>
#include <sched/thread.h>
#include <signal/abi.h>

struct process;
struct thread;

#define SIG_MAX 64
#define SIG_RTMIN 32
#define SIG_BIT(s) (1ull << ((s)-1))
#define SIG_UNBLOCKABLE (SIG_BIT(SIGKILL) | SIG_BIT(SIGSTOP))
#define SIG_STOPS (SIG_BIT(SIGSTOP) | SIG_BIT(SIGTSTP) | SIG_BIT(21) | SIG_BIT(22))
#define SIGQ_POOL 32

struct sig_action {
	uint64_t handler; /* SIG_DFL, SIG_IGN or a user address */
	uint64_t flags;   /* SA_* */
	uint64_t restorer;
	uint64_t mask;    /* added to the blocked mask while the handler runs */
};

/* One queued signal (what siginfo_t reports). */
struct sigq {
	struct list_node link;
	int32_t signo, code;
	int32_t pid;      /* sender, 0 for the kernel */
	uint32_t uid;
	uint64_t value;   /* si_value, or si_addr for faults */
};

struct sig_proc {
	struct sig_action act[SIG_MAX]; /* [k] read by posting with interrupts off */
	uint64_t pending;               /* [s] process-directed */
	struct list_node queue;         /* [s] struct sigq, process-directed */
	struct list_node free;          /* [s] unused entries of pool */
	bool stopped;                   /* [s] job-control stop in force */
	struct sigq pool[SIGQ_POOL];
};

static inline bool sig_valid(int signo) { return signo >= 1 && signo <= SIG_MAX; }

/* Nothing at all pending for t: the common case, checked inline on every
 * return to user mode and before every block (interrupts off). */
static inline bool signal_quiet(const struct thread *t)
{
	const struct sig_proc *sp = t->proc->sig;
	return !t->sig_pending && !t->sig_restore_mask && (!sp || (!sp->pending && !sp->stopped));
}

/* queue.c */
/* The process's signal state, allocating it on first use; NULL when out of
 * memory. Thread context. */
struct sig_proc *signal_proc_get(struct process *p);
/* Queues info on (pending, queue) of sp. Non-RT signals already pending are
 * merged; RT signals need a free entry (-EAGAIN). Interrupts off. */
int sigq_add(struct sig_proc *sp, uint64_t *pending, struct list_node *queue,
	     const struct sigq *info);
/* Takes the first instance of signo pending for t (thread set first, then
 * the process's) into *out; false if none. Interrupts off. */
bool sigq_take(struct thread *t, int signo, struct sigq *out);
/* Drops every pending instance of the signals in set (process and all its
 * threads). Interrupts off. */
void sigq_discard(struct process *p, uint64_t set);
/* Returns a dying thread's queued signals to the pool (to be called as a
 * thread-exit hook). */
void signal_thread_exit(struct thread *t);
/* The signals pending for t (thread-directed and process-directed). */
uint64_t sig_pending_set(const struct thread *t);

/* post.c */
/* Posts info to process p (t NULL) or thread t of p. Interrupts off;
 * never allocates. 0 or -EAGAIN (RT queue full). */
int signal_post_info(struct process *p, struct thread *t, const struct sigq *info);
/* kill/SignalKill from the calling thread: checks permission (same uid or
 * root: -EPERM), signo 0 = probe only. t NULL = process-directed. */
int signal_send(struct process *p, struct thread *t, int signo, int code, uint64_t value);
/* A synchronous fault of thread t in user mode (for trap.c): when t's
 * process has a handler for signo that t does not block, queues signo for
 * t with si_code code and si_addr addr (delivered on this return to user)
 * and returns true; false means the caller ends the process. */
bool signal_fault(struct thread *t, int signo, int code, uint64_t addr);
/* Readies p's threads stopped by job control. Interrupts off. */
void signal_continue(struct process *p);

/* deliver.c */
bool signal_is_default_ignored(int signo);

/* frame.c */
/* Builds the rt_sigframe for the handler of signo on t's user stack and
 * points tf at the handler. Interrupts on. 0 or -EFAULT. */
int signal_frame_build(struct trapframe *tf, const struct sigq *info,
		       const struct sig_action *act, uint64_t old_mask);
/* rt_sigreturn: restores the context saved by signal_frame_build from the
 * frame at tf->rsp - 8. Returns the restored rax; a bad frame ends the
 * process with SIGSEGV. Interrupts on. */
long signal_return(struct trapframe *tf);
/* Whether sp is inside t's alternate signal stack. */
bool signal_on_altstack(const struct thread *t, uint64_t sp);

/* action.c */
/* Reads (old) and/or sets (act) the action of signo for p. -EINVAL for a
 * bad signo or catching/ignoring SIGKILL or SIGSTOP; -ENOMEM. */
int signal_action(struct process *p, int signo, const struct sig_action *act,
		  struct sig_action *old);
/* Changes t's blocked mask (how: SIG_BLOCK/UNBLOCK/SETMASK); *old gets the
 * previous mask. -EINVAL for a bad how. */
int signal_procmask(struct thread *t, int how, const uint64_t *set, uint64_t *old);
/* sigaltstack for the calling thread; ss/old may be NULL. -EPERM while on
 * it, -EINVAL bad flags, -ENOMEM too small. */
int signal_altstack(const struct linux_stack *ss, struct linux_stack *old);

/* wait.c */
/* Waits with mask as the blocked mask until a signal is delivered; returns
 * -EINTR (the handler then runs with mask and the old mask comes back at
 * its sigreturn), or -ETIMEDOUT from TimerTimeout. */
long signal_suspend(uint64_t mask);
/* Waits for a signal of set, takes it into *out and returns its number.
 * deadline_tsc: 0 = forever; poll = return -EAGAIN at once. -EAGAIN on the
 * deadline, -EINTR if another signal is to be handled, -ETIMEDOUT
 * (TimerTimeout). */
long signal_wait(uint64_t set, uint64_t deadline_tsc, bool poll, struct sigq *out);
/* Fills a user siginfo from a queue entry. */
void signal_info_fill(struct linux_siginfo *si, const struct sigq *q);
