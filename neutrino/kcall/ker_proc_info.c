/*
 * ProcInfo: a snapshot of one process's kernel state (sys/nto_proc.h) for
 * procnto's /proc, optionally the next existing pid at or above the one
 * asked for, so that procnto can list every process, or the client behind
 * one of the caller's scoids, alive or (for procnto's channel 1) recently
 * dead (kernel/proc_death.c). Privileged callers only: it tells about every
 * process in the system. Besides identity and state: groups, session and
 * terminal (kernel/job.h), credentials, CPU time (sched.c's accounting),
 * mapped and resident memory, signal dispositions.
 */
#include <arch/cpu.h>
#include <arch/platform.h>
#include <kcall/kcall_gen.h>
#include <kernel/errno.h>
#include <kernel/job.h>
#include <kernel/percpu.h>
#include <kernel/proc_death.h>
#include <kernel/process.h>
#include <ipc/ipc.h>
#include <mm/uaccess.h>
#include <mm/vm.h>
#include <sched/thread.h>
#include <signal/signal.h>

/* A thread running or ready; or REPLY-blocked on the caller, which serves
 * it at this moment (as on Linux, a process reading about itself, e.g.
 * ps, is seen running). */
static bool runnable(const struct process *p)
{
	struct process *asking = cur_thread()->proc;
	list_for_each(pos, &p->threads) {
		const struct thread *t = list_entry(pos, struct thread, proc_link);
		if (t->state == STATE_RUNNING || t->state == STATE_READY)
			return true;
		if (t->state == STATE_REPLY && t->ipc.chan && t->ipc.chan->owner == asking)
			return true;
	}
	return false;
}

static uint64_t mapped_bytes(const struct aspace *as)
{
	uint64_t n = 0;
	if (as)
		list_for_each(pos, &as->regions) {
			const struct vm_region *r = list_entry(pos, struct vm_region, link);
			n += r->end - r->start;
		}
	return n;
}

/* CPU time: its ended threads' and its live threads' (sched.c counts up
 * to the last switch; the caller has been running since). */
static uint64_t cpu_ns(const struct process *p)
{
	struct cpu *c = this_cpu();
	irqflags_t f = irq_save();
	uint64_t tsc = p->cpu_tsc;
	list_for_each(pos, &p->threads) {
		const struct thread *t = list_entry(pos, struct thread, proc_link);
		tsc += t->cpu_tsc + (t == c->current ? rdtsc() - c->run_since : 0);
	}
	irq_restore(f);
	return tsc_to_ns(tsc);
}

static void info_fill(const struct process *p, struct _proc_info *info)
{
	bool zombie = p->state == PROC_ZOMBIE;
	const struct session *s = p->session;
	const struct sig_proc *sp = p->sig;
	*info = (struct _proc_info){
		.pid = p->pid,
		.ppid = p->parent ? p->parent->pid : 0,
		.uid = p->uid,
		.gid = p->gid,
		.state = zombie ? _NTO_PROCINFO_ZOMBIE : _NTO_PROCINFO_RUNNING,
		.nthreads = p->nthreads,
		.user_pages = p->as ? p->as->nr_pages : 0,
		.exit_status = zombie ? p->exit_status : 0,
		.flags = (!zombie && sp && sp->stopped ? _NTO_PROCINFO_FL_STOPPED : 0) |
			 (!zombie && runnable(p) ? _NTO_PROCINFO_FL_RUNNABLE : 0),
		.pgid = p->pgid,
		.sid = s ? s->sid : 0,
		.ruid = p->ruid, .suid = p->suid, .rgid = p->rgid, .sgid = p->sgid,
		.tpgid = s && s->ctty ? s->fg_pgrp : 0,
		.ctty = s ? s->ctty : 0,
		.cpu_ns = cpu_ns(p),
		.vm_bytes = mapped_bytes(p->as),
		.start_time = p->start_ns,
		.cmdline_len = p->cmdline_len,
	};
	_Static_assert(PROC_CMDLINE_MAX == _NTO_PROCINFO_CMDLINE_MAX, "cmdline sizes");
	memcpy(info->cmdline, p->cmdline, p->cmdline_len);
	for (int signo = 1; sp && signo <= SIG_MAX; signo++) {
		uint64_t h = sp->act[signo - 1].handler;
		if (h == SIG_IGN)
			info->sig_ignored |= SIG_BIT(signo);
		else if (h != SIG_DFL)
			info->sig_caught |= SIG_BIT(signo);
	}
	strlcpy_k(info->name, p->name, sizeof(info->name));
}

/* The client behind the caller's scoid: alive, or its death record. */
static int info_by_scoid(struct process *self, int scoid, struct _proc_info *info)
{
	struct scoid *s = scoid_lookup(self, scoid);
	if (!s)
		return -ESRCH;
	if (s->client) {
		info_fill(s->client, info);
		return 0;
	}
	if (self->pid != SYSMGR_PID || !s->chan || s->chan->chid != SYSMGR_CHID)
		return -ESRCH;
	return proc_death_take(scoid, info);
}

long ker_proc_info(pid_t pid, uaddr_t info_u)
{
	struct process *self = cur_thread()->proc;
	if (!process_is_privileged(self))
		return -EPERM;
	struct _proc_info info;
	if (pid < 0)
		return -EINVAL;
	if (pid & _NTO_PROCINFO_SCOID) {
		int e = info_by_scoid(self, pid & ~_NTO_PROCINFO_SCOID, &info);
		if (e)
			return e;
		if (copy_to_user(info_u, &info, sizeof(info)))
			return -EFAULT;
		return info.pid;
	}
	bool next = (pid & _NTO_PROCINFO_NEXT) != 0;
	pid &= ~_NTO_PROCINFO_NEXT;
	if (pid < 0 || pid >= PID_MAX)
		return next && pid >= PID_MAX ? -ESRCH : -EINVAL;
	struct process *p = NULL;
	if (pid == 0 && !next) {
		p = self;
	} else if (next) {
		for (pid_t q = pid ? pid : 1; q < PID_MAX && !p; q++)
			p = process_lookup(q);
	} else {
		p = process_lookup(pid);
	}
	if (!p)
		return -ESRCH;
	info_fill(p, &info);
	if (copy_to_user(info_u, &info, sizeof(info)))
		return -EFAULT;
	return p->pid;
}
