/*
 * Process timers: TimerCreate, TimerDestroy, TimerSettime, TimerInfo, and
 * their expiry in the timer interrupt. Each timer is a struct ptimer on its
 * process's timers list (changed only from thread context) with a kernel
 * timer (changed only with interrupts off). Ids are per process, 1..
 * TIMER_ID_MAX, handed out round-robin so that a stale id rarely names a new
 * timer; at most TIMER_MAX_PER_PROC timers per process (EAGAIN).
 *
 * Time: deadlines are TSC values. A periodic timer's k-th expiry is
 * base + ns_to_tsc(k * interval), so periods never accumulate rounding
 * (no drift). A CLOCK_REALTIME TIMER_ABSTIME time is converted to a TSC
 * deadline when the timer is armed; a later ClockTime() does not move it.
 *
 * Overruns (see struct _timer_info): each expiry delivers the timer's event
 * with event_deliver(); a failed delivery counts one overrun. When the
 * interrupt comes after one or more later periods were already due, those
 * periods are skipped (one event for all) and each counts one overrun.
 *
 * Linux timers (ptimer_create_linux, for posix/): every expiry posts the
 * signal with si_code SI_TIMER, si_timerid and si_overrun. While that signal
 * is still pending, a further expiry only raises the pending entry's
 * si_overrun (no second signal), as Linux does; ptimer_overrun reports the
 * overrun of the last signal posted. Id 0 is never handed out: it is the
 * process's ITIMER_REAL (ptimer_itimer_real), invisible to the Timer* calls.
 *
 * Hooks: timer_process_exit (kernel/hooks.h) destroys a dying process's
 * timers (and its ThreadJoin records); timer_thread_exit stops thread-
 * directed events at an exiting creator thread.
 */
#include <arch/cpu.h>
#include <arch/platform.h>
#include <kcall/kcall_gen.h>
#include <kernel/errno.h>
#include <kernel/event.h>
#include <kernel/hooks.h>
#include <kernel/percpu.h>
#include <kernel/process.h>
#include <kernel/signal.h>
#include <mm/kmem.h>
#include <mm/uaccess.h>
#include <sched/thread.h>
#include <sched/timer.h>
#include <signal/signal.h>
#include <timer/timer.h>

#define TIMER_ID_MAX 0x7fff

struct ptimer {
	struct list_node link;   /* [k] in proc->timers */
	struct ktimer kt;        /* [s] */
	struct process *proc;    /* [I] */
	struct thread *thread;   /* [s] creator (thread-directed events); NULL once it exits */
	tid_t tid;               /* [s] creator's tid, 0 once it exits */
	int id;                  /* [I] */
	clockid_t clock;         /* [I] */
	struct _sigevent_nto ev; /* [I] */
	bool armed;              /* [s] */
	bool abs;                /* [s] armed with TIMER_ABSTIME */
	bool expired;            /* [s] expired since armed */
	uint64_t base_tsc;       /* [s] first expiry */
	uint64_t interval_ns;    /* [s] 0 = one-shot */
	uint64_t period;         /* [s] index of the next expiry */
	uint64_t next_tsc;       /* [s] the next expiry: base + ns_to_tsc(period * interval) */
	struct _itimer set;      /* [k] as given to the last TimerSettime */
	uint32_t overruns;       /* [s] */
	uint32_t expirations;    /* [s] */
	bool linux_si;           /* [I] Linux timer: SI_TIMER siginfo (see above) */
	int32_t si_overrun;      /* [s] overrun of the last signal posted (linux_si) */
};

static struct ptimer *ptimer_find(struct process *p, int id)
{
	list_for_each(pos, &p->timers) {
		struct ptimer *pt = list_entry(pos, struct ptimer, link);
		if (pt->id == id)
			return pt;
	}
	return NULL;
}

/* A timer named by a user id: id 0 (ITIMER_REAL) is not one. */
static struct ptimer *ptimer_find_user(struct process *p, int id)
{
	return id > 0 ? ptimer_find(p, id) : NULL;
}

static unsigned ptimer_count(struct process *p)
{
	unsigned n = 0;
	list_for_each(pos, &p->timers)
		n++;
	return n;
}

static int ptimer_alloc_id(struct process *p)
{
	for (int n = 0; n < TIMER_ID_MAX; n++) {
		int id = p->timer_next_id >= TIMER_ID_MAX ? 1 : p->timer_next_id + 1;
		p->timer_next_id = id;
		if (!ptimer_find(p, id))
			return id;
	}
	return -EAGAIN;
}

static uint64_t period_deadline(const struct ptimer *pt, uint64_t k)
{
	uint64_t ns, d;
	if (__builtin_mul_overflow(k, pt->interval_ns, &ns))
		return UINT64_MAX;
	d = ns_to_tsc(ns);
	return d > UINT64_MAX - pt->base_tsc ? UINT64_MAX : pt->base_tsc + d;
}

static void count_overruns(struct ptimer *pt, uint64_t n)
{
	uint64_t o = pt->overruns + n;
	pt->overruns = o > UINT32_MAX ? UINT32_MAX : (uint32_t)o;
	uint64_t e = pt->expirations + n;
	pt->expirations = e > UINT32_MAX ? UINT32_MAX : (uint32_t)e;
}

/* A Linux timer's signal; skipped = periods jumped over by a late
 * interrupt. A pending earlier signal of this timer absorbs the expiry as
 * overruns. Interrupts off. */
static int ptimer_post_linux(struct ptimer *pt, uint64_t skipped)
{
	int type = pt->ev.notify & 0xff;
	if (type == SIGEV_NONE_NTO)
		return 0;
	struct thread *t = type == SIGEV_SIGNAL_THREAD ? pt->thread : NULL;
	if (type == SIGEV_SIGNAL_THREAD && !t)
		return -ESRCH;
	struct process *p = pt->proc;
	struct sig_proc *sp = p->sig;
	struct list_node *queue = t ? &t->sig_queue : (sp ? &sp->queue : NULL);
	if (queue) {
		list_for_each(pos, queue) {
			struct sigq *q = list_entry(pos, struct sigq, link);
			if (q->signo == pt->ev.signo && q->code == SI_TIMER && q->pid == pt->id) {
				uint64_t o = (uint64_t)q->uid + 1 + skipped;
				q->uid = o > INT32_MAX ? INT32_MAX : (uint32_t)o;
				pt->si_overrun = (int32_t)q->uid;
				return 0;
			}
		}
	}
	int32_t o = skipped > INT32_MAX ? INT32_MAX : (int32_t)skipped;
	struct sigq info = {
		.signo = pt->ev.signo, .code = SI_TIMER, .pid = pt->id, .uid = (uint32_t)o,
		.value = pt->ev.value,
	};
	pt->si_overrun = o;
	return signal_post_info(p, t, &info);
}

static int ptimer_deliver(struct ptimer *pt, uint64_t skipped)
{
	if (pt->linux_si)
		return ptimer_post_linux(pt, skipped);
	return event_deliver(&pt->ev, pt->proc, pt->thread);
}

/* Expiry: timer interrupt, interrupts off. */
static void ptimer_fire(struct ktimer *k)
{
	struct ptimer *pt = container_of(k, struct ptimer, kt);
	if (!pt->armed)
		return;
	pt->expired = true;
	if (pt->expirations < UINT32_MAX)
		pt->expirations++;
	uint64_t skipped = 0;
	if (pt->interval_ns) {
		uint64_t now = rdtsc();
		uint64_t next_k = pt->period + 1;
		uint64_t next = period_deadline(pt, next_k);
		if (next <= now) {
			/* late: jump over every period already due */
			uint64_t guess = tsc_to_ns(now - pt->base_tsc) / pt->interval_ns + 1;
			if (guess > next_k)
				next_k = guess;
			while ((next = period_deadline(pt, next_k)) <= now)
				next_k++;
			skipped = next_k - pt->period - 1;
			count_overruns(pt, skipped);
		}
		pt->period = next_k;
		pt->next_tsc = next;
		ktimer_arm(&pt->kt, next);
	} else {
		pt->armed = false;
	}
	if (ptimer_deliver(pt, skipped) < 0 && pt->overruns < UINT32_MAX)
		pt->overruns++;
}

static void ptimer_disarm(struct ptimer *pt)
{
	ktimer_cancel(&pt->kt);
	pt->armed = false;
}

/* Makes a timer of p directing thread events at t; default_value: the
 * event's value becomes the timer id. The timer id, or -EAGAIN. */
static long ptimer_new(struct process *p, struct thread *t, clockid_t clock,
		       const struct _sigevent_nto *ev, bool default_value, bool linux_si)
{
	if (ptimer_count(p) >= TIMER_MAX_PER_PROC)
		return -EAGAIN;
	struct ptimer *pt = kzalloc(sizeof(*pt));
	if (!pt)
		return -EAGAIN;
	int tid = ptimer_alloc_id(p);
	if (tid < 0) {
		kfree(pt);
		return tid;
	}
	pt->id = tid;
	pt->proc = p;
	pt->thread = t;
	pt->tid = t ? t->tid : 0;
	pt->clock = clock;
	pt->ev = *ev;
	if (default_value)
		pt->ev.value = (uint64_t)tid;
	pt->linux_si = linux_si;
	tq_node_init(&pt->kt.node);
	pt->kt.fn = ptimer_fire;
	list_add_tail(&p->timers, &pt->link);
	return tid;
}

long ptimer_create_linux(clockid_t clock, const struct _sigevent_nto *ev, struct thread *target)
{
	struct thread *self = cur_thread();
	if (!timer_clock_valid(clock))
		return -EINVAL;
	if (!ev) { /* Linux default: SIGALRM to the process, value = the timer id */
		struct _sigevent_nto def = { .notify = SIGEV_SIGNAL_NTO, .signo = SIGALRM };
		if (event_validate(&def, self->proc) < 0)
			return -ENOMEM;
		return ptimer_new(self->proc, self, clock, &def, true, true);
	}
	int type = ev->notify & 0xff;
	if (type != SIGEV_NONE_NTO && type != SIGEV_SIGNAL_NTO && type != SIGEV_SIGNAL_THREAD)
		return -EINVAL;
	if (event_validate(ev, self->proc) < 0)
		return -EINVAL;
	if (type != SIGEV_SIGNAL_THREAD)
		target = self;
	return ptimer_new(self->proc, target, clock, ev, false, true);
}

long ker_timer_create(clockid_t id, uaddr_t event_u)
{
	struct thread *self = cur_thread();
	struct process *p = self->proc;
	if (!timer_clock_valid(id))
		return -EINVAL;
	struct _sigevent_nto ev = { 0 };
	if (event_u) {
		if (copy_from_user(&ev, event_u, sizeof(ev)))
			return -EFAULT;
		/* unblocking and interrupt events make no sense for a timer */
		int type = ev.notify & 0xff;
		if (type == SIGEV_UNBLOCK || type == SIGEV_INTR || event_validate(&ev, p) < 0)
			return -EINVAL;
	} else {
		ev.notify = SIGEV_SIGNAL_NTO; /* POSIX default: SIGALRM, value = timer id */
		ev.signo = SIGALRM;
	}
	return ptimer_new(p, self, id, &ev, !event_u, false);
}

static void ptimer_free(struct ptimer *pt)
{
	irqflags_t f = irq_save();
	ptimer_disarm(pt);
	irq_restore(f);
	list_del(&pt->link);
	kfree(pt);
}

long ker_timer_destroy(int id)
{
	struct ptimer *pt = ptimer_find_user(cur_thread()->proc, id);
	if (!pt)
		return -EINVAL;
	ptimer_free(pt);
	return 0;
}

/* The time left and period of an armed timer, in ns (zeros when disarmed).
 * Interrupts off. */
static struct _itimer ptimer_left(const struct ptimer *pt)
{
	struct _itimer it = { 0, 0 };
	if (pt->armed) {
		it.nsec = clock_tsc_left_ns(pt->next_tsc);
		if (!it.nsec)
			it.nsec = 1; /* due now: still armed */
		it.interval_nsec = pt->interval_ns;
	}
	return it;
}

/* Arms (it.nsec != 0) or disarms pt. Thread context. */
static void ptimer_arm(struct ptimer *pt, int flags, struct _itimer it)
{
	uint64_t base = 0;
	if (it.nsec)
		base = (flags & TIMER_ABSTIME) ? clock_abs_to_tsc(pt->clock, it.nsec)
					       : clock_rel_to_tsc(it.nsec);
	uint64_t interval = it.interval_nsec;
	if (interval && interval < TIMER_MIN_INTERVAL_NS)
		interval = TIMER_MIN_INTERVAL_NS;
	pt->set = it;
	irqflags_t f = irq_save();
	ptimer_disarm(pt);
	pt->overruns = pt->expirations = 0;
	pt->expired = false;
	pt->abs = (flags & TIMER_ABSTIME) != 0;
	if (it.nsec) {
		pt->base_tsc = pt->next_tsc = base;
		pt->interval_ns = interval;
		pt->period = 0;
		pt->armed = true;
		ktimer_arm(&pt->kt, base);
	}
	irq_restore(f);
}

long ker_timer_settime(int id, int flags, uaddr_t itime_u, uaddr_t oitime_u)
{
	struct process *p = cur_thread()->proc;
	if (flags & ~TIMER_ABSTIME)
		return -EINVAL;
	struct _itimer it;
	if (copy_from_user(&it, itime_u, sizeof(it)))
		return -EFAULT;
	struct ptimer *pt = ptimer_find_user(p, id);
	if (!pt)
		return -EINVAL;
	if (oitime_u) {
		irqflags_t f = irq_save();
		struct _itimer old = ptimer_left(pt);
		irq_restore(f);
		if (copy_to_user(oitime_u, &old, sizeof(old)))
			return -EFAULT;
		/* the copy may have slept on a page fault: look the id up again */
		if (!(pt = ptimer_find_user(p, id)))
			return -EINVAL;
	}
	ptimer_arm(pt, flags, it);
	return 0;
}

int ptimer_settime_k(int id, int flags, const struct _itimer *it, struct _itimer *old)
{
	struct ptimer *pt = ptimer_find_user(cur_thread()->proc, id);
	if (!pt || (flags & ~TIMER_ABSTIME))
		return -EINVAL;
	if (old) {
		irqflags_t f = irq_save();
		*old = ptimer_left(pt);
		irq_restore(f);
	}
	ptimer_arm(pt, flags, *it);
	return 0;
}

int ptimer_gettime_k(int id, struct _itimer *cur)
{
	struct ptimer *pt = ptimer_find_user(cur_thread()->proc, id);
	if (!pt)
		return -EINVAL;
	irqflags_t f = irq_save();
	*cur = ptimer_left(pt);
	irq_restore(f);
	return 0;
}

int ptimer_overrun(int id)
{
	struct ptimer *pt = ptimer_find_user(cur_thread()->proc, id);
	if (!pt)
		return -EINVAL;
	irqflags_t f = irq_save();
	int32_t o = pt->si_overrun;
	irq_restore(f);
	return o;
}

int ptimer_itimer_real(const struct _itimer *it, struct _itimer *old)
{
	struct process *p = cur_thread()->proc;
	struct ptimer *pt = ptimer_find(p, 0);
	if (!pt && it && it->nsec) {
		if (!signal_proc_get(p))
			return -ENOMEM;
		if (!(pt = kzalloc(sizeof(*pt))))
			return -ENOMEM;
		pt->proc = p;
		pt->clock = _NTO_CLOCK_MONOTONIC;
		pt->ev.notify = SIGEV_SIGNAL_CODE;
		pt->ev.signo = SIGALRM;
		pt->ev.code = SI_KERNEL;
		tq_node_init(&pt->kt.node);
		pt->kt.fn = ptimer_fire;
		list_add_tail(&p->timers, &pt->link);
	}
	if (old) {
		struct _itimer none = { 0, 0 };
		irqflags_t f = irq_save();
		*old = pt ? ptimer_left(pt) : none;
		irq_restore(f);
	}
	if (pt && it)
		ptimer_arm(pt, 0, *it);
	return 0;
}

long ker_timer_info(pid_t pid, int id, int flags, uaddr_t info_u)
{
	struct process *self = cur_thread()->proc;
	struct process *p = self;
	if (flags & ~(_NTO_TIMER_SEARCH | _NTO_TIMER_RESET_OVERRUNS))
		return -EINVAL;
	if (pid != 0 && pid != self->pid) {
		p = process_lookup(pid);
		if (!p || p->state != PROC_ALIVE)
			return -ESRCH;
		if (!process_is_privileged(self))
			return -EPERM;
	}
	struct ptimer *pt = ptimer_find_user(p, id);
	if (!pt && (flags & _NTO_TIMER_SEARCH)) {
		list_for_each(pos, &p->timers) {
			struct ptimer *c = list_entry(pos, struct ptimer, link);
			if (c->id > id && c->id > 0 && (!pt || c->id < pt->id))
				pt = c;
		}
	}
	if (!pt)
		return -EINVAL;
	struct _timer_info info;
	memset(&info, 0, sizeof(info));
	irqflags_t f = irq_save();
	info.itime = ptimer_left(pt);
	info.flags = (pt->armed ? _NTO_TI_ACTIVE : 0) | (pt->armed && pt->abs ? _NTO_TI_ABSOLUTE : 0) |
		     (pt->expired ? _NTO_TI_EXPIRED : 0);
	info.tid = pt->tid;
	info.overruns = pt->overruns;
	info.expirations = pt->expirations;
	irq_restore(f);
	info.otime = pt->set;
	info.notify = pt->ev.notify;
	info.clockid = pt->clock;
	memcpy(info.event, &pt->ev, sizeof(info.event));
	int rid = pt->id;
	if (copy_to_user(info_u, &info, sizeof(info)))
		return -EFAULT;
	/* the copy may have slept on a page fault: look everything up again */
	if (p != self && (p = process_lookup(pid)) && p->state != PROC_ALIVE)
		p = NULL;
	if ((flags & _NTO_TIMER_RESET_OVERRUNS) && p && (pt = ptimer_find_user(p, rid))) {
		f = irq_save();
		pt->overruns = 0;
		irq_restore(f);
	}
	return rid;
}

void timer_thread_exit(struct thread *t)
{
	list_for_each(pos, &t->proc->timers) {
		struct ptimer *pt = list_entry(pos, struct ptimer, link);
		if (pt->thread == t) {
			irqflags_t f = irq_save();
			pt->thread = NULL;
			pt->tid = 0;
			irq_restore(f);
		}
	}
}

void timer_process_exit(struct process *p)
{
	list_for_each_safe(pos, tmp, &p->timers)
		ptimer_free(list_entry(pos, struct ptimer, link));
	join_process_exit(p);
}
