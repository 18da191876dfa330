/*
 * Thread lifecycle: creation (user threads start in thread_trampoline_user
 * with a prepared trap frame), exit, killing, and freeing once the CPU has
 * left the dead thread's stack.
 */
#include <arch/cpu.h>
#include <arch/fpu.h>
#include <kernel/errno.h>
#include <kernel/hooks.h>
#include <kernel/percpu.h>
#include <kernel/printk.h>
#include <kernel/process.h>
#include <mm/kmem.h>
#include <mm/pmm.h>
#include <mm/vm.h>
#include <sched/sched.h>

extern char thread_trampoline_user[], thread_trampoline_kernel[];
extern char boot_kstack_bottom[];

static struct thread *thread_alloc(bool kernel)
{
	struct thread *t = kzalloc(sizeof(*t));
	if (!t)
		return NULL;
	paddr_t ks = pmm_alloc_pages(KSTACK_ORDER);
	t->fpu = kernel ? NULL : fpu_alloc();
	if (!ks || (!kernel && !t->fpu)) {
		if (ks)
			pmm_free_pages(ks, KSTACK_ORDER);
		kfree(t->fpu);
		kfree(t);
		return NULL;
	}
	t->kstack = phys_to_virt(ks);
	rq_node_init(&t->rq);
	tq_node_init(&t->timer.node);
	list_init(&t->wq_link);
	list_init(&t->proc_link);
	list_init(&t->donors);
	list_init(&t->donor_link);
	list_init(&t->sig_queue);
	return t;
}

static void thread_release(struct thread *t)
{
	pmm_free_pages(virt_to_phys(t->kstack), KSTACK_ORDER);
	kfree(t->fpu);
	kfree(t);
}

bool join_tid_pending(struct process *p, tid_t tid) __attribute__((weak));

/* Thread ids count up from 1 and wrap at TID_MAX to the lowest id neither a
 * live thread nor an unjoined exit record holds: rcvids carry the tid in 15
 * bits and sync owner ids need it below 0xff00. 0 if all are taken. */
static tid_t tid_alloc(struct process *p)
{
	if (p->next_tid < TID_MAX)
		return ++p->next_tid;
	for (tid_t tid = 1; tid <= TID_MAX; tid++) {
		bool used = join_tid_pending && join_tid_pending(p, tid);
		list_for_each(pos, &p->threads) {
			if (used)
				break;
			used = list_entry(pos, struct thread, proc_link)->tid == tid;
		}
		if (!used)
			return tid;
	}
	return 0;
}

struct thread *thread_create_user(struct process *p, uaddr_t entry, uaddr_t stack, uint64_t arg,
				  uint8_t prio, uint8_t policy)
{
	tid_t tid = tid_alloc(p);
	if (!tid)
		return NULL;
	struct thread *t = thread_alloc(false);
	if (!t)
		return NULL;
	t->ltid = list_empty(&p->threads) ? p->pid : pid_alloc_thread(t);
	if (t->ltid < 0) {
		thread_release(t);
		return NULL;
	}
	struct trapframe *tf = thread_tf(t);
	memset(tf, 0, sizeof(*tf));
	tf->rip = entry;
	tf->cs = USER_CS;
	tf->ss = USER_DS;
	tf->rsp = stack;
	tf->rflags = 0x202;
	tf->rdi = arg;
	uint64_t *sp = (uint64_t *)tf;
	*--sp = (uint64_t)thread_trampoline_user;
	for (int i = 0; i < 6; i++)
		*--sp = 0;
	t->ksp = (uint64_t)sp;
	t->proc = p;
	t->tid = tid;
	t->prio = t->real_prio = t->base_prio = prio;
	t->policy = policy;
	t->state = STATE_STOPPED;
	list_add_tail(&p->threads, &t->proc_link);
	p->nthreads++;
	nr_threads++;
	return t;
}

struct thread *thread_create_user_ctx(struct process *p, const struct trapframe *tf,
				      void (*kstart)(void *), void *arg, uint8_t prio,
				      uint8_t policy)
{
	struct thread *t = thread_create_user(p, 0, 0, 0, prio, policy);
	if (!t)
		return NULL;
	*thread_tf(t) = *tf;
	if (kstart) {
		/* the first switch pops r15 r14 r13 r12 rbx rbp, then returns */
		uint64_t *sp = (uint64_t *)t->ksp;
		sp[2] = (uint64_t)arg;
		sp[3] = (uint64_t)kstart;
		sp[6] = (uint64_t)thread_trampoline_kernel;
	}
	return t;
}

struct thread *thread_create_idle(void)
{
	static struct thread idle;
	idle.kstack = boot_kstack_bottom;
	idle.flags = TF_KTHREAD;
	idle.state = STATE_RUNNING;
	idle.prio = idle.real_prio = idle.base_prio = 0;
	list_init(&idle.donors);
	list_init(&idle.donor_link);
	list_init(&idle.sig_queue);
	idle.policy = SCHED_FIFO;
	rq_node_init(&idle.rq);
	tq_node_init(&idle.timer.node);
	list_init(&idle.wq_link);
	return &idle;
}

void thread_free(struct thread *t)
{
	pid_free_thread(t->ltid, t);
	thread_release(t);
	nr_threads--;
}

void thread_kill(struct thread *t)
{
	irqflags_t f = irq_save();
	t->flags |= TF_KILL;
	thread_unblock(t, -EINTR, true);
	irq_restore(f);
}

void thread_exit(long status)
{
	struct thread *t = cur_thread();
	struct process *p = t->proc;
	if (!(t->flags & TF_KILL))
		t->exit_status = (uaddr_t)status; /* a killed thread keeps its destroyer's */
	CALL_HOOK(posix_thread_exit, t);
	CALL_HOOK(ipc_thread_exit, t);
	CALL_HOOK(sync_thread_exit, t);
	CALL_HOOK(intr_thread_exit, t);
	CALL_HOOK(join_thread_exit, t);
	CALL_HOOK(signal_thread_exit, t);
	if (t->kstack_user && p->as)
		vm_unmap(p->as, t->kstack_user, t->kstack_user_size);
	irqflags_t f = irq_save();
	uint64_t now = rdtsc(); /* its CPU time so far goes to the process */
	t->cpu_tsc += now - this_cpu()->run_since;
	this_cpu()->run_since = now;
	p->cpu_tsc += t->cpu_tsc;
	irq_restore(f);
	list_del(&t->proc_link);
	if (--p->nthreads == 0)
		process_last_thread_gone(p);
	irq_disable();
	ktimer_cancel(&t->timer);
	sched_exit_switch();
}
