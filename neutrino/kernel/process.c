/*
 * Process objects: creation, the pid table, exit (kill the other threads,
 * tear the address space down when the last one is gone), zombies and wait.
 * Orphans are handed to pid 1; when pid 1 itself ends, the system powers off.
 */
#include <arch/cpu.h>
#include <arch/platform.h>
#include <kernel/errno.h>
#include <kernel/event.h>
#include <kernel/hooks.h>
#include <kernel/percpu.h>
#include <kernel/printk.h>
#include <kernel/process.h>
#include <ipc/kmsg.h>
#include <kernel/signal.h>
#include <mm/kmem.h>
#include <mm/vm.h>
#include <sched/sched.h>

static struct process *pid_table[PID_MAX];
static pid_t last_pid;
uint64_t nr_processes, nr_threads;

static pid_t pid_alloc(struct process *p)
{
	for (unsigned n = 0; n < PID_MAX - 1; n++) {
		pid_t pid = last_pid + 1 + (pid_t)n;
		if (pid >= PID_MAX)
			pid -= PID_MAX - 1;
		if (!pid_table[pid]) {
			pid_table[pid] = p;
			last_pid = pid;
			return pid;
		}
	}
	return -EAGAIN;
}

struct process *process_create(struct process *parent, const char *name)
{
	struct process *p = kzalloc(sizeof(*p));
	if (!p)
		return NULL;
	p->as = aspace_create();
	pid_t pid = p->as ? pid_alloc(p) : -ENOMEM;
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
	if (parent) {
		list_add_tail(&parent->children, &p->sibling);
		p->uid = parent->uid;
		p->gid = parent->gid;
	}
	nr_processes++;
	sysmgr_attach(p);
	return p;
}

struct process *process_lookup(pid_t pid)
{
	if (pid <= 0 || pid >= PID_MAX)
		return NULL;
	return pid_table[pid];
}

bool process_is_privileged(const struct process *p) { return p->uid == 0; }

void process_exit(struct process *p, int wait_status)
{
	if (!p->exiting) {
		p->exiting = true;
		p->exit_status = wait_status;
	}
	struct thread *self = cur_thread();
	list_for_each(pos, &p->threads) {
		struct thread *t = list_entry(pos, struct thread, proc_link);
		if (t != self)
			thread_kill(t);
	}
	if (self->proc == p)
		thread_exit(0);
}

void process_reap(struct process *p)
{
	list_del(&p->sibling);
	pid_table[p->pid] = NULL;
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
	CALL_HOOK(ipc_process_exit, p);
	CALL_HOOK(timer_process_exit, p);
	CALL_HOOK(intr_process_exit, p);
	CALL_HOOK(signal_process_exit, p);
	if (p->as) {
		aspace_activate(NULL);
		aspace_destroy(p->as);
		p->as = NULL;
	}
	if (p->pid == 1)
		init_died(p);
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
	if (!p->parent) {
		process_reap(p);
		return;
	}
	irqflags_t f = irq_save();
	waitq_wake_all(&p->parent->child_wait, 0);
	irq_restore(f);
	if (signal_post)
		signal_post(p->parent, NULL, SIGCHLD, 0, 0);
}

long process_wait(struct process *self, pid_t pid, int *status, bool nohang)
{
	for (;;) {
		bool have_child = false;
		list_for_each(pos, &self->children) {
			struct process *c = list_entry(pos, struct process, sibling);
			if (pid > 0 && c->pid != pid)
				continue;
			have_child = true;
			if (c->state == PROC_ZOMBIE) {
				pid_t found = c->pid;
				*status = c->exit_status;
				process_reap(c);
				return found;
			}
		}
		if (!have_child)
			return -ECHILD;
		if (nohang)
			return 0;
		irqflags_t f = irq_save();
		long r = waitq_sleep(&self->child_wait, STATE_WAITCHILD, 0);
		irq_restore(f);
		if (r == -EINTR)
			return r;
	}
}
