/*
 * Process groups and sessions: setpgid, getpgid, getpgrp, setsid, getsid,
 * with POSIX's rules (kernel/job.c). musl's getpgrp() is getpgid(0).
 */
#include <kernel/errno.h>
#include <kernel/job.h>
#include <kernel/percpu.h>
#include <kernel/process.h>
#include <sched/thread.h>

#include "proc_sys.h"

static struct process *target(pid_t pid)
{
	struct process *self = cur_thread()->proc;
	if (pid == 0)
		return self;
	struct process *p = pid > 0 ? process_lookup(pid) : NULL;
	return p && p->session ? p : NULL; /* zombies keep theirs until reaped */
}

long sys_setpgid(const uint64_t *a, struct trapframe *tf)
{
	return job_setpgid(cur_thread()->proc, (pid_t)a[0], (pid_t)a[1]);
}

long sys_getpgid(const uint64_t *a, struct trapframe *tf)
{
	struct process *p = target((pid_t)a[0]);
	return p ? p->pgid : -ESRCH;
}

long sys_getpgrp(const uint64_t *a, struct trapframe *tf) { return cur_thread()->proc->pgid; }

long sys_setsid(const uint64_t *a, struct trapframe *tf) { return job_setsid(cur_thread()->proc); }

long sys_getsid(const uint64_t *a, struct trapframe *tf)
{
	struct process *p = target((pid_t)a[0]);
	return p ? p->session->sid : -ESRCH;
}
