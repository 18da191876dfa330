/*
 * Process objects: creation (credentials, limits, process group and session
 * inherited from the parent), the pid table, exit (kill the other threads,
 * close the fds in the dying process, tear the address space down when the
 * last thread is gone), zombies. Orphans are handed to pid 1; when pid 1
 * itself ends, the system powers off. Waiting is kernel/process_wait.c,
 * groups and sessions kernel/job.c.
 */
#include <arch/cpu.h>
#include <arch/platform.h>
#include <kernel/errno.h>
#include <kernel/event.h>
#include <kernel/hooks.h>
#include <kernel/job.h>
#include <kernel/percpu.h>
#include <kernel/printk.h>
#include <kernel/process.h>
#include <kernel/proc_death.h>
#include <ipc/kmsg.h>
#include <kernel/signal.h>
#include <mm/kmem.h>
#include <mm/memobj.h>
#include <mm/vm.h>
#include <sched/clock.h>
#include <sched/sched.h>

/* posix/ (weak until it exists): closes every fd with a real _IO_CLOSE, in
 * the dying process, before the kernel's detach backstop. */
void fd_exit_all(void) __attribute__((weak));

/* The pid space: a slot is free (0), a process, or (PID_THREAD set) a
 * thread numbered there: its Linux thread id (thread->ltid). */
static uintptr_t pid_table[PID_MAX];
#define PID_THREAD 1u
static pid_t last_pid;
uint64_t nr_processes, nr_threads;

static pid_t pid_alloc(uintptr_t owner)
{
	for (unsigned n = 0; n < PID_MAX - 1; n++) {
		pid_t pid = last_pid + 1 + (pid_t)n;
		if (pid >= PID_MAX)
			pid -= PID_MAX - 1;
		if (!pid_table[pid]) {
			pid_table[pid] = owner;
			last_pid = pid;
			return pid;
		}
	}
	return -EAGAIN;
}

/* Linux's RLIMIT_* order; what a process without a parent starts with. */
static void proc_rlimit_defaults(struct process *p)
{
	for (unsigned i = 0; i < PROC_RLIM_NLIMITS; i++)
		p->rlim[i] = (struct proc_rlimit){ PROC_RLIM_INFINITY, PROC_RLIM_INFINITY };
	p->rlim[3] = (struct proc_rlimit){ 8ull << 20, PROC_RLIM_INFINITY };  /* STACK */
	p->rlim[4] = (struct proc_rlimit){ 0, PROC_RLIM_INFINITY };           /* CORE */
	p->rlim[7] = (struct proc_rlimit){ 1024, 65536 };                    /* NOFILE */
	p->rlim[8] = (struct proc_rlimit){ 8ull << 20, 8ull << 20 };          /* MEMLOCK */
	p->rlim[11] = (struct proc_rlimit){ 4096, 4096 };                    /* SIGPENDING */
	p->rlim[12] = (struct proc_rlimit){ 819200, 819200 };                /* MSGQUEUE */
	p->rlim[13] = (struct proc_rlimit){ 0, 0 };                          /* NICE */
	p->rlim[14] = (struct proc_rlimit){ 0, 0 };                          /* RTPRIO */
}

struct process *process_create(struct process *parent, const char *name)
{
	struct process *p = kzalloc(sizeof(*p));
	if (!p)
		return NULL;
	p->as = aspace_create();
	pid_t pid = p->as ? pid_alloc((uintptr_t)p) : -ENOMEM;
	if (pid < 0) {
		if (p->as)
			aspace_destroy(p->as);
		kfree(p);
		return NULL;
	}
	p->pid = pid;
	const char *base = name;
	for (const char *s = name; *s; s++)
		if (*s == '/')
			base = s + 1;
	strlcpy_k(p->name, base, sizeof(p->name));
	list_init(&p->children);
	list_init(&p->threads);
	list_init(&p->sibling);
	list_init(&p->timers);
	list_init(&p->intrs);
	waitq_init(&p->child_wait);
	p->parent = parent;
	p->start_ns = clock_monotonic_ns();
	if (parent) {
		list_add_tail(&parent->children, &p->sibling);
		p->cmdline_len = parent->cmdline_len; /* a forked child's arguments are its parent's */
		memcpy(p->cmdline, parent->cmdline, parent->cmdline_len);
		p->uid = parent->uid;
		p->gid = parent->gid;
		p->ruid = parent->ruid;
		p->suid = parent->suid;
		p->rgid = parent->rgid;
		p->sgid = parent->sgid;
		p->ngroups = parent->ngroups;
		memcpy(p->groups, parent->groups, sizeof(p->groups));
		memcpy(p->rlim, parent->rlim, sizeof(p->rlim));
	} else {
		proc_rlimit_defaults(p);
	}
	if (job_inherit(p, parent)) {
		list_del(&p->sibling);
		pid_table[pid] = 0;
		aspace_destroy(p->as);
		kfree(p);
		return NULL;
	}
	nr_processes++;
	sysmgr_attach(p);
	return p;
}

struct process *process_lookup(pid_t pid)
{
	if (pid <= 0 || pid >= PID_MAX || (pid_table[pid] & PID_THREAD))
		return NULL;
	return (struct process *)pid_table[pid];
}

pid_t pid_alloc_thread(struct thread *t) { return pid_alloc((uintptr_t)t | PID_THREAD); }

void pid_free_thread(pid_t id, struct thread *t)
{
	if (id > 0 && id < PID_MAX && pid_table[id] == ((uintptr_t)t | PID_THREAD))
		pid_table[id] = 0;
}

struct thread *thread_by_ltid(pid_t id)
{
	if (id <= 0 || id >= PID_MAX || !pid_table[id])
		return NULL;
	if (pid_table[id] & PID_THREAD)
		return (struct thread *)(pid_table[id] & ~(uintptr_t)PID_THREAD);
	struct process *p = (struct process *)pid_table[id];
	list_for_each(pos, &p->threads) {
		struct thread *t = list_entry(pos, struct thread, proc_link);
		if (t->ltid == id)
			return t;
	}
	return NULL; /* its first thread ended (or it is a zombie) */
}

bool process_is_privileged(const struct process *p) { return p->uid == 0; }

void process_exit(struct process *p, int wait_status)
{
	bool first = !p->exiting;
	if (first) {
		p->exiting = true;
		p->exit_status = wait_status;
	}
	struct thread *self = cur_thread();
	list_for_each(pos, &p->threads) {
		struct thread *t = list_entry(pos, struct thread, proc_link);
		if (t != self)
			thread_kill(t);
	}
	if (self->proc == p) {
		if (first && fd_exit_all) {
			irq_enable();
			fd_exit_all();
		}
		thread_exit(0);
	}
}

void process_discard(struct process *p)
{
	assert(!p->nthreads);
	CALL_HOOK(ipc_process_exit, p);
	CALL_HOOK(signal_process_exit, p);
	memobj_process_exit(p);
	if (p->as) {
		aspace_destroy(p->as);
		p->as = NULL;
	}
	process_reap(p);
}

void process_reap(struct process *p)
{
	job_release(p);
	list_del(&p->sibling);
	pid_table[p->pid] = 0;
	kfree(p);
	nr_processes--;
}

static __noreturn void init_died(struct process *p)
{
	int st = p->exit_status;
	if (st & 0x7f)
		printk("neutrino: procnto (pid 1) killed by %s\n", signal_name(st & 0x7f));
	else
		printk("neutrino: procnto (pid 1) exited with status %d\n", (st >> 8) & 0xff);
	printk("neutrino: powering off\n");
	arch_poweroff();
}

void process_last_thread_gone(struct process *p)
{
	/* first: the death record must exist before ipc_process_exit queues
	 * procnto's disconnect pulse for p's SYSMGR connection */
	CALL_HOOK(proc_death_note, p);
	CALL_HOOK(ipc_process_exit, p);
	CALL_HOOK(timer_process_exit, p);
	CALL_HOOK(intr_process_exit, p);
	CALL_HOOK(signal_process_exit, p);
	CALL_HOOK(posix_process_exit, p);
	memobj_process_exit(p);
	if (p->as) {
		aspace_activate(NULL);
		aspace_destroy(p->as);
		p->as = NULL;
	}
	if (p->pid == 1)
		init_died(p);
	process_vfork_release(p);
	job_exit(p);
	struct process *init = process_lookup(1);
	list_for_each_safe(pos, tmp, &p->children) {
		struct process *c = list_entry(pos, struct process, sibling);
		if (c->state == PROC_ZOMBIE) {
			process_reap(c);
		} else {
			list_del(&c->sibling);
			c->parent = init;
			if (init)
				list_add_tail(&init->children, &c->sibling);
		}
	}
	p->state = PROC_ZOMBIE;
	process_notify_parent(p);
}
