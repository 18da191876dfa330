/*
 * poll and ppoll, and the wait that select (select.c) shares.
 *
 * Each fd gets an _IO_NOTIFY: _NOTIFY_ACTION_POLLARM while nothing is ready
 * (the server arms our event for the conditions that do not hold), plain
 * POLL once something is. The event is a pulse on one of the process's
 * poll channels (kept in struct posix_proc, one per concurrent caller,
 * FIXED_PRIORITY so that receiving does not change ours) whose value is
 * the call's serial number. With nothing ready the caller receives on that
 * channel until a pulse of its serial arrives (then polls again), the
 * deadline passes or a signal comes (EINTR; poll is never restarted).
 * Before returning, the armed fds are disarmed with a plain POLL, which
 * also refreshes their readiness. Servers without notify support (ENOSYS)
 * count as always ready, like regular files on Linux.
 *
 * A server of a polled fd that dies wakes the wait (the kernel reports each
 * connection that goes stale: posix_conn_stale): the fds are polled again,
 * so the dead server's fd recovers (recover.c: reopened once its path is
 * served again, at most 2 s) and reports what the new server says, or,
 * when it cannot recover (a pipe, a path that does not come back), reports
 * POLLHUP|POLLERR with the POLLIN/POLLOUT asked for, as Linux does for a
 * hung-up terminal: the next read or write returns the error.
 *
 * The reply's flags are the _NOTIFY_COND_* bits that hold; with
 * _NOTIFY_COND_EXTEN also set, its low bits may add 0x20 error (POLLERR),
 * 0x40 hang-up (POLLHUP), 0x80 invalid (POLLNVAL).
 */
#include <arch/cpu.h>
#include <arch/platform.h>
#include <kcall/kcall_gen.h>
#include <kernel/event.h>
#include <kernel/hooks.h>
#include <mm/kmem.h>
#include <signal/signal.h>
#include <timer/timer.h>

#include "fdpriv.h"
#include "poll.h"

#define POLL_PULSE_CODE 0x51
#define CONDE_ERR 0x20u
#define CONDE_HUP 0x40u
#define CONDE_NVAL 0x80u
#define POLL_NFDS_MAX 65536

#define EV_IN (L_POLLIN | L_POLLRDNORM)
#define EV_OUT (L_POLLOUT | L_POLLWRNORM | L_POLLWRBAND)
#define EV_PRI (L_POLLPRI | L_POLLRDBAND)

/* The wait channel of one call: from the pool, or temporary (pool full).
 * While the call arms and waits it is on poll_waits, so that the death of
 * a server of one of its fds wakes it (posix_conn_stale). */
struct poll_wait {
	struct poll_chan *slot; /* NULL: temporary */
	int32_t chid, coid;
	uint32_t serial;
	struct list_node link;  /* [k] in poll_waits while arming and waiting */
	struct process *proc;
	const struct linux_pollfd *pfd;
	unsigned n;
	int prio;               /* of the pulses: the caller's */
	bool woken;             /* a stale-fd pulse is on its way */
};

/* Every poll/select wait in progress, of any process. [k] */
static struct list_node poll_waits = LIST_INIT(poll_waits);

static bool chan_alive(int chid, int coid)
{
	struct process *p = cur_thread()->proc;
	struct channel *ch = channel_lookup(p, chid);
	struct connection *c = connection_lookup(p, coid);
	return ch && c && c->chan == ch;
}

static int chan_make(int32_t *chid, int32_t *coid)
{
	long ch = ker_channel_create(_NTO_CHF_FIXED_PRIORITY);
	if (ch < 0)
		return (int)ch;
	long co = ker_connect_attach(0, 0, (int)ch, _NTO_SIDE_CHANNEL, 0);
	if (co < 0) {
		ker_channel_destroy((int)ch);
		return (int)co;
	}
	*chid = (int32_t)ch;
	*coid = (int32_t)co;
	return 0;
}

static void chan_drop(int32_t chid, int32_t coid)
{
	if (chan_alive(chid, coid)) {
		ker_connect_detach(coid);
		ker_channel_destroy(chid);
	}
}

static int wait_get(struct poll_wait *w)
{
	struct posix_proc *pp = posix_get();
	if (!pp)
		return -ENOMEM;
	w->serial = ++pp->poll_serial;
	w->prio = MAX(cur_thread()->real_prio, 1);
	w->slot = NULL;
	for (int i = 0; i < POLL_CHANS; i++) {
		struct poll_chan *pc = &pp->poll[i];
		if (pc->busy)
			continue;
		if (pc->chid && !chan_alive(pc->chid, pc->coid))
			pc->chid = 0; /* destroyed behind our back */
		if (!pc->chid && chan_make(&pc->chid, &pc->coid) < 0)
			continue;
		pc->busy = true;
		w->slot = pc;
		w->chid = pc->chid;
		w->coid = pc->coid;
		return 0;
	}
	return chan_make(&w->chid, &w->coid);
}

static void wait_put(struct poll_wait *w)
{
	if (w->slot)
		w->slot->busy = false;
	else
		chan_drop(w->chid, w->coid);
}

/* Receives on w's channel until the pulse of w's serial (a server's
 * notification, or a server of one of the fds died): 0, -ETIMEDOUT at
 * deadline_tsc (0 = none), -EINTR. */
static long wait_pulse(struct poll_wait *w, uint64_t deadline_tsc)
{
	struct thread *self = cur_thread();
	for (;;) {
		struct _pulse pl;
		struct ipc_iovs io = { .n = 1, .total = sizeof(pl) };
		io.v = io.inl;
		io.inl[0] = (struct ipc_iov){ (uaddr_t)&pl, sizeof(pl) };
		if (deadline_tsc) {
			self->timeout_tsc = deadline_tsc;
			self->timeout_notify = SIGEV_UNBLOCK;
			self->timeout_states = 1u << STATE_RECEIVE;
		}
		long r = msg_receive(NULL, w->chid, &io, 0, true);
		self->timeout_states = 0;
		if (r == -ESRCH)
			return -EINTR; /* our channel was destroyed: give up this wait */
		if (r < 0)
			return r;
		if (pl.code == POLL_PULSE_CODE && (uint32_t)pl.value.sival_u64 == w->serial)
			return 0;
	}
}

/* The kernel's report (neutrino/ipc/channel.c) that connection coid of p
 * went stale: its server died. Each wait of p that polls that fd gets the
 * pulse of its serial and polls again, which recovers the fd (recover.c)
 * or reports it hung up (notify_one). Runs in the dying server's context. */
void posix_conn_stale(struct process *p, int coid)
{
	if (coid < 0 || coid >= COID_FD_MAX)
		return; /* a side channel: never an fd */
	list_for_each(pos, &poll_waits) {
		struct poll_wait *w = list_entry(pos, struct poll_wait, link);
		if (w->proc != p || w->woken)
			continue;
		for (unsigned i = 0; i < w->n; i++) {
			if (w->pfd[i].fd == coid) {
				w->woken = pulse_send_coid(p, w->coid, w->prio, POLL_PULSE_CODE,
							   w->serial) == 0;
				break;
			}
		}
	}
}

/* One _IO_NOTIFY for pfd; fills revents. Returns 1 if it armed, 0, or -EINTR. */
static int notify_one(struct linux_pollfd *pfd, int action, const struct poll_wait *w)
{
	uint32_t cond = 0;
	if (pfd->events & EV_IN)
		cond |= _NOTIFY_COND_INPUT;
	if (pfd->events & EV_OUT)
		cond |= _NOTIFY_COND_OUTPUT;
	if (pfd->events & EV_PRI)
		cond |= _NOTIFY_COND_OBAND;
	pfd->revents = 0;
	if (!fd_conn(pfd->fd)) {
		pfd->revents = L_POLLNVAL;
		return 0;
	}
	if (!cond)
		return 0;
	struct _io_notify m = { .type = _IO_NOTIFY, .action = action, .flags = cond };
	if (action != _NOTIFY_ACTION_POLL) {
		m.event.notify = SIGEV_PULSE;
		m.event.signo = w->coid;
		m.event.priority = (int16_t)w->prio;
		m.event.code = POLL_PULSE_CODE;
		m.event.value = w->serial;
	}
	struct _io_notify_reply rep = { 0 };
	long r = fd_send(pfd->fd, &m, sizeof(m), &rep, sizeof(rep));
	if (r == -EINTR)
		return -EINTR;
	if (r == -EBADF || r == -ESRCH) {
		/* the server died and the fd did not recover (recover.c): hung
		 * up, as Linux reports a hung-up terminal; the next read or
		 * write fails (EBADF, EPIPE for a pipe's write end) */
		pfd->revents = L_POLLHUP | L_POLLERR | (pfd->events & (EV_IN | EV_OUT));
		return 0;
	}
	if (r < 0) {
		/* no notification support: always ready, as regular files are */
		pfd->revents = pfd->events & (EV_IN | L_POLLOUT | L_POLLWRNORM);
		return 0;
	}
	int16_t ev = 0;
	if (rep.flags & _NOTIFY_COND_INPUT)
		ev |= EV_IN;
	if (rep.flags & _NOTIFY_COND_OUTPUT)
		ev |= EV_OUT;
	if (rep.flags & _NOTIFY_COND_OBAND)
		ev |= EV_PRI;
	pfd->revents = ev & pfd->events;
	if (rep.flags & _NOTIFY_COND_EXTEN) {
		if (rep.flags & CONDE_ERR)
			pfd->revents |= L_POLLERR;
		if (rep.flags & CONDE_HUP)
			pfd->revents |= L_POLLHUP;
		if (rep.flags & CONDE_NVAL)
			pfd->revents |= L_POLLNVAL;
	}
	return action != _NOTIFY_ACTION_POLL && !pfd->revents;
}

long poll_wait_fds(struct linux_pollfd *pfd, unsigned n, bool immediate, uint64_t deadline_tsc)
{
	uint8_t *armed = kzalloc(n ? n : 1);
	if (!armed)
		return -ENOMEM;
	struct poll_wait w = { 0 };
	long r = immediate ? 0 : wait_get(&w);
	bool have_wait = !immediate && r == 0;
	if (have_wait) {
		/* listed from the first arming on: a server that dies while
		 * the other fds are armed queues the wake-up pulse already */
		w.proc = cur_thread()->proc;
		w.pfd = pfd;
		w.n = n;
		list_add_tail(&poll_waits, &w.link);
	}
	while (r == 0) {
		long ready = 0;
		w.woken = false;
		for (unsigned i = 0; i < n; i++) {
			armed[i] = 0;
			if (pfd[i].fd < 0) {
				pfd[i].revents = 0;
				continue;
			}
			int action = have_wait && !ready ? _NOTIFY_ACTION_POLLARM : _NOTIFY_ACTION_POLL;
			int a = notify_one(&pfd[i], action, &w);
			if (a < 0) {
				r = a;
				break;
			}
			armed[i] = (uint8_t)a;
			ready += pfd[i].revents != 0;
		}
		if (r == 0 && (ready || !have_wait)) {
			r = ready;
			break;
		}
		if (r == 0)
			r = wait_pulse(&w, deadline_tsc);
	}
	if (have_wait)
		list_del(&w.link);
	if (r == -ETIMEDOUT)
		r = 0;
	/* disarm (a plain POLL), refreshing what became ready meanwhile */
	for (unsigned i = 0; i < n; i++) {
		if (!armed[i])
			continue;
		struct linux_pollfd p = pfd[i];
		if (notify_one(&p, _NOTIFY_ACTION_POLL, &w) == 0 && r >= 0 && p.revents) {
			pfd[i].revents = p.revents;
			r++;
		}
	}
	if (have_wait)
		wait_put(&w);
	kfree(armed);
	return r;
}

void poll_mask_set(uint64_t set)
{
	struct thread *t = cur_thread();
	irqflags_t f = irq_save();
	if (!t->sig_restore_mask)
		t->sig_saved_mask = t->sig_blocked;
	t->sig_restore_mask = true;
	t->sig_blocked = set & ~SIG_UNBLOCKABLE;
	irq_restore(f);
}

void poll_mask_done(long result)
{
	if (result == -EINTR)
		return; /* the handler runs with the call's mask; sigreturn restores */
	struct thread *t = cur_thread();
	irqflags_t f = irq_save();
	t->sig_blocked = t->sig_saved_mask;
	t->sig_restore_mask = false;
	irq_restore(f);
}

uint64_t poll_deadline(uint64_t ns)
{
	return clock_rel_to_tsc(ns) | 1; /* never 0 (= no deadline) */
}

static long poll_user(uaddr_t ufds, uint64_t nfds, bool immediate, uint64_t deadline)
{
	if (nfds > POLL_NFDS_MAX)
		return -EINVAL;
	size_t bytes = nfds * sizeof(struct linux_pollfd);
	struct linux_pollfd *pfd = kmalloc(bytes ? bytes : 1);
	if (!pfd)
		return -ENOMEM;
	long r = copy_from_user(pfd, ufds, bytes) ? -EFAULT : 0;
	if (r == 0)
		r = poll_wait_fds(pfd, (unsigned)nfds, immediate, deadline);
	if (r >= 0) {
		for (uint64_t i = 0; i < nfds; i++) {
			if (copy_to_user(ufds + i * sizeof(*pfd) + offsetof(struct linux_pollfd, revents),
					 &pfd[i].revents, sizeof(pfd[i].revents))) {
				r = -EFAULT;
				break;
			}
		}
	}
	kfree(pfd);
	return r;
}

long sys_poll(const uint64_t *a, struct trapframe *tf)
{
	int ms = (int)a[2];
	if (ms == 0)
		return poll_user(a[0], a[1], true, 0);
	return poll_user(a[0], a[1], false, ms < 0 ? 0 : poll_deadline((uint64_t)ms * 1000000ull));
}

long sys_ppoll(const uint64_t *a, struct trapframe *tf)
{
	bool immediate = false;
	uint64_t deadline = 0;
	if (a[2]) {
		struct linux_timespec ts;
		if (copy_from_user(&ts, a[2], sizeof(ts)))
			return -EFAULT;
		if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec > 999999999)
			return -EINVAL;
		if (!ts.tv_sec && !ts.tv_nsec)
			immediate = true;
		else if ((uint64_t)ts.tv_sec < UINT64_MAX / 2000000000ull)
			deadline = poll_deadline((uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec);
	}
	uint64_t set = 0;
	if (a[3]) {
		if (a[4] != sizeof(uint64_t))
			return -EINVAL;
		if (copy_from_user(&set, a[3], sizeof(set)))
			return -EFAULT;
		poll_mask_set(set);
	}
	long r = poll_user(a[0], a[1], immediate, deadline);
	if (a[3])
		poll_mask_done(r);
	return r;
}

void poll_chans_drop(void)
{
	struct posix_proc *pp = cur_thread()->proc->posix;
	if (!pp)
		return;
	for (int i = 0; i < POLL_CHANS; i++) {
		struct poll_chan *pc = &pp->poll[i];
		if (pc->chid)
			chan_drop(pc->chid, pc->coid);
		*pc = (struct poll_chan){ 0 };
	}
}
