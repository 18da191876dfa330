/*
 * Credentials: the set*id/get*id family and supplementary groups, with
 * Linux's rules. A privileged process (effective uid 0) may set any id; any
 * other may only set an id to its current real, effective or saved one
 * (setuid/setgid: real or saved; setreuid: the real id also from the
 * effective). setreuid/setregid update the saved id when the real id is set
 * or the effective one changes to something other than the real one.
 * The fs ids follow the effective ids (setfsuid only reports). Everything
 * is inherited across fork and exec (no set-user-ID files yet).
 */
#include <kernel/errno.h>
#include <kernel/percpu.h>
#include <kernel/process.h>
#include <mm/uaccess.h>
#include <sched/thread.h>

#include "proc_sys.h"

#define KEEP ((uint32_t)-1)

/* The three ids of one kind (uid or gid) of p. */
struct ids {
	uint32_t *r, *e, *s;
};

static struct ids uids(struct process *p) { return (struct ids){ &p->ruid, &p->uid, &p->suid }; }
static struct ids gids(struct process *p) { return (struct ids){ &p->rgid, &p->gid, &p->sgid }; }

static bool is_one_of(const struct ids *x, uint32_t v)
{
	return v == *x->r || v == *x->e || v == *x->s;
}

static long set_resid(struct process *p, struct ids x, uint32_t r, uint32_t e, uint32_t s)
{
	if (!process_is_privileged(p) && ((r != KEEP && !is_one_of(&x, r)) ||
					  (e != KEEP && !is_one_of(&x, e)) ||
					  (s != KEEP && !is_one_of(&x, s))))
		return -EPERM;
	if (r != KEEP)
		*x.r = r;
	if (e != KEEP)
		*x.e = e;
	if (s != KEEP)
		*x.s = s;
	return 0;
}

static long set_reid(struct process *p, struct ids x, uint32_t r, uint32_t e)
{
	bool priv = process_is_privileged(p);
	if (!priv && r != KEEP && r != *x.r && r != *x.e)
		return -EPERM;
	if (!priv && e != KEEP && !is_one_of(&x, e))
		return -EPERM;
	uint32_t old_r = *x.r;
	if (r != KEEP)
		*x.r = r;
	if (e != KEEP)
		*x.e = e;
	if (r != KEEP || (e != KEEP && e != old_r))
		*x.s = *x.e;
	return 0;
}

/* setuid/setgid: privileged sets all three; otherwise the effective id,
 * to the real or saved one. */
static long set_id(struct process *p, struct ids x, uint32_t v)
{
	if (v == KEEP)
		return -EINVAL;
	if (process_is_privileged(p)) {
		*x.r = *x.e = *x.s = v;
		return 0;
	}
	if (v != *x.r && v != *x.s)
		return -EPERM;
	*x.e = v;
	return 0;
}

static long get_resid(struct ids x, const uint64_t *a)
{
	if (copy_to_user(a[0], x.r, 4) || copy_to_user(a[1], x.e, 4) || copy_to_user(a[2], x.s, 4))
		return -EFAULT;
	return 0;
}

static struct process *self(void) { return cur_thread()->proc; }

long sys_setuid(const uint64_t *a, struct trapframe *tf) { return set_id(self(), uids(self()), (uint32_t)a[0]); }
long sys_setgid(const uint64_t *a, struct trapframe *tf) { return set_id(self(), gids(self()), (uint32_t)a[0]); }

long sys_setreuid(const uint64_t *a, struct trapframe *tf)
{
	return set_reid(self(), uids(self()), (uint32_t)a[0], (uint32_t)a[1]);
}

long sys_setregid(const uint64_t *a, struct trapframe *tf)
{
	return set_reid(self(), gids(self()), (uint32_t)a[0], (uint32_t)a[1]);
}

long sys_setresuid(const uint64_t *a, struct trapframe *tf)
{
	return set_resid(self(), uids(self()), (uint32_t)a[0], (uint32_t)a[1], (uint32_t)a[2]);
}

long sys_setresgid(const uint64_t *a, struct trapframe *tf)
{
	return set_resid(self(), gids(self()), (uint32_t)a[0], (uint32_t)a[1], (uint32_t)a[2]);
}

long sys_getresuid(const uint64_t *a, struct trapframe *tf) { return get_resid(uids(self()), a); }
long sys_getresgid(const uint64_t *a, struct trapframe *tf) { return get_resid(gids(self()), a); }

/* The fs ids are the effective ids: report them, change nothing. */
long sys_setfsuid(const uint64_t *a, struct trapframe *tf) { return self()->uid; }
long sys_setfsgid(const uint64_t *a, struct trapframe *tf) { return self()->gid; }

long sys_getgroups(const uint64_t *a, struct trapframe *tf)
{
	struct process *p = self();
	int size = (int)a[0];
	if (size < 0)
		return -EINVAL;
	if (size == 0)
		return p->ngroups;
	if ((uint32_t)size < p->ngroups)
		return -EINVAL;
	if (copy_to_user(a[1], p->groups, p->ngroups * sizeof(uint32_t)))
		return -EFAULT;
	return p->ngroups;
}

long sys_setgroups(const uint64_t *a, struct trapframe *tf)
{
	struct process *p = self();
	uint64_t n = a[0];
	if (n > PROC_NGROUPS_MAX)
		return -EINVAL;
	if (!process_is_privileged(p))
		return -EPERM;
	uint32_t g[PROC_NGROUPS_MAX];
	if (n && copy_from_user(g, a[1], n * sizeof(uint32_t)))
		return -EFAULT;
	memcpy(p->groups, g, n * sizeof(uint32_t));
	p->ngroups = (uint32_t)n;
	return 0;
}
