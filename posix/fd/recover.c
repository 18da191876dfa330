/*
 * Client recovery (docs/restart.md section 5): an fd opened by path whose
 * server died is reopened when the same path is served again, at the same
 * fd number, and the call that failed is sent again. Every fd message of
 * posix/fd/ goes through fd_send_recover (fd_sendv, fd_send), except close
 * and dup (fd_send_raw); dup recovers a stale original first (dup.c).
 *
 * A send that fails with ESRCH (the server died while the request was in
 * flight) or EBADF on a connection the kernel made stale (its server's
 * channel is gone) means the server died. Then, if the fd is recoverable
 * (FDI_RECOVER: opened by path, not a pipe; not a directory whose reads
 * moved its offset, nor a file whose offset posix lost), fd_recover:
 *
 *  1. waits, in steps of 1, 2, 4, then 8 ms until the deadline (2 s after
 *     the failure), for an open of the fd's path to succeed: same flags
 *     minus O_CREAT/O_EXCL/O_TRUNC, on a side channel so that the fd keeps
 *     its stale connection (and its number) while the server is away. A
 *     new server that answers the path with an error (the file did not
 *     survive its server) ends the wait at once;
 *  2. on that side connection, puts the offset back for a regular file
 *     (lseek SEEK_SET to the offset posix followed, or SEEK_END after an
 *     O_APPEND write);
 *  3. swaps: detaches the stale connection, attaches one to the new server
 *     at the same fd number with the same close-on-exec, binds it to the
 *     new OCB (_IO_DUP), and closes the side connection.
 *
 * The call is then sent again, once per recovery; a call whose retry meets
 * one more death recovers again within the same deadline, at most
 * RECOVER_TRIES times. Otherwise the caller gets the original error
 * (ESRCH for a request in flight, EBADF for a stale fd; a pipe end gets
 * EBADF, and EPIPE for a write, rw.c), or EINTR when a signal came during
 * the wait of an interruptible call. One fd of a process recovers at a
 * time (posix_proc.recovering); other threads wait.
 *
 * fd_recover_inherited does step 1 once, without waiting, in a forked
 * child for the parent's stale fds, which the kernel does not copy.
 * Called by: fdutil.c (fd_sendv), fdpriv.h (fd_send), dup.c, lifecycle.c.
 */
#include <kcall/kcall_gen.h>
#include <mm/kmem.h>
#include <sched/clock.h>
#include <sched/sleep.h>
#include <kernel/hooks.h>
#include <signal/signal.h>

#include "fdpriv.h"

#define RECOVER_WAIT_NS (2000ull * 1000000ull)
#define STEP_MIN_NS (1000000ull)
#define STEP_MAX_NS (8000000ull)
#define RECOVER_TRIES 3

/* Sleeps the next step (bounded by the deadline): 0, -ETIMEDOUT at the
 * deadline, -EINTR (a signal, unless quiet; or the thread is killed). */
static long wait_step(unsigned *step, bool quiet, uint64_t deadline)
{
	uint64_t now = clock_monotonic_ns();
	if (now >= deadline)
		return -ETIMEDOUT;
	uint64_t ns = MIN(STEP_MIN_NS << *step, STEP_MAX_NS);
	if (ns < STEP_MAX_NS)
		(*step)++;
	struct thread *t = cur_thread();
	if (!quiet && signal_interrupts && signal_interrupts(t))
		return -EINTR;
	uint64_t old = t->sig_blocked;
	if (quiet)
		t->sig_blocked = ~SIG_UNBLOCKABLE;
	long r = thread_sleep_ns(MIN(ns, deadline - now));
	t->sig_blocked = old;
	return r;
}

/* _IO_CLOSE on a side connection, then it goes. */
static void side_close(int coid)
{
	struct _io_close m = { .type = _IO_CLOSE };
	struct ipc_iov s = { (uaddr_t)&m, sizeof(m) };
	(void)fd_kmsg_quiet(coid, &s, 1, NULL, 0);
	ker_connect_detach(coid);
}

static long side_send(int coid, const void *m, size_t ml, void *r, size_t rl)
{
	struct ipc_iov s = { (uaddr_t)m, ml }, rv = { (uaddr_t)r, rl };
	return fd_kmsg_quiet(coid, &s, 1, &rv, 1);
}

/* Errors of an open attempt that mean "not served (yet)". */
static bool not_back(long e)
{
	return e == -ENOENT || e == -ESRCH || e == -EBADF || e == -ENXIO || e == -EAGAIN;
}

/* After an open attempt that failed: whether a server other than procnto
 * and the dead one was offered the path and is still alive (the path is
 * back, but without what the fd had: waiting longer will not help). One
 * that died meanwhile (restarted, and killed again at once) does not count. */
static bool served_elsewhere(const struct fd_connect *rq, pid_t dead)
{
	for (uint32_t i = 0; i < rq->nents; i++) {
		pid_t pid = rq->ents[i].pid;
		if (pid == dead || pid == SYSMGR_PID)
			continue;
		struct process *p = process_lookup(pid);
		if (p && p->state == PROC_ALIVE && !p->exiting)
			return true;
	}
	return false;
}

/* One open attempt of path on a side channel: its coid or -errno. */
static long open_side(struct fd_connect *rq, const char *path, uint32_t oflags)
{
	memset(rq, 0, sizeof(*rq));
	rq->subtype = _IO_CONNECT_OPEN;
	rq->file_type = _FTYPE_ANY;
	rq->ioflag = fd_oflag_to_ioflag(oflags);
	rq->flags = CR_KEEP;
	memcpy(rq->path, path, strlen(path) + 1);
	return fd_connect_run(rq);
}

/* What a reopen puts back: taken from the fd's record before any wait. */
struct was {
	char *path;      /* a copy */
	uint8_t flags;   /* FDI_* */
	uint32_t oflags;
	uint64_t pos;
	uint8_t pos_flags; /* OCB_* */
};

/* Step 2 on the new side connection sc: 0, or -1 if the offset cannot be
 * put back. *pos gets the offset. */
static int restore_offset(int sc, const struct was *w, uint64_t *pos)
{
	*pos = w->pos;
	if (w->oflags & L_O_PATH)
		return 0;
	struct _io_stat_req sq = { .type = _IO_STAT };
	struct _io_stat st;
	if (side_send(sc, &sq, sizeof(sq), &st, sizeof(st)) < 0)
		return -1;
	if (L_S_ISDIR(st.st_mode))
		return (w->pos_flags & OCB_POS_LOST) ? -1 : 0;
	if (!L_S_ISREG(st.st_mode))
		return 0; /* devices: no offset to keep */
	if (w->pos_flags & OCB_POS_LOST)
		return -1;
	bool end = w->pos_flags & OCB_POS_END;
	if (!end && w->pos == 0)
		return 0;
	struct _io_lseek m = { .type = _IO_LSEEK, .whence = end ? 2 : 0,
			       .offset = end ? 0 : (int64_t)w->pos };
	uint64_t at = 0;
	if (side_send(sc, &m, sizeof(m), &at, sizeof(at)) < 0 || (!end && at != w->pos))
		return -1;
	*pos = at;
	return 0;
}

/* Step 3: puts the new open (side coid sc) at fd in place of stale c.
 * 0, or -1 (sc is closed either way; fd may have lost its connection). */
static int swap_in(int fd, struct connection *c, int sc, const struct was *w, uint64_t pos)
{
	struct process *self = cur_thread()->proc;
	struct connection *nc = connection_lookup(self, sc);
	if (!nc || !nc->chan || fd_conn(fd) != c) {
		side_close(sc);
		return -1;
	}
	pid_t spid = nc->server_pid;
	int chid = nc->chid, scoid = nc->scoid->id;
	unsigned cof = c->flags & _NTO_COF_CLOEXEC;
	ker_connect_detach(fd); /* c is gone */
	long nfd = ker_connect_attach(0, spid, chid, (unsigned)fd, (int)cof);
	if (nfd != fd) {
		if (nfd >= 0)
			ker_connect_detach((int)nfd); /* another thread took fd meanwhile */
		side_close(sc);
		return -1;
	}
	struct connection *now = fd_conn(fd);
	long d = fd_send_dup(fd, self->pid, sc, scoid);
	side_close(sc);
	if (d < 0) {
		if (fd_conn(fd) == now)
			ker_connect_detach(fd);
		return -1;
	}
	/* a new OCB: the fds that shared the old one recover on their own */
	fdi_set(fd, w->path);
	struct fd_info *fi = fdi_get(fd);
	if (fi) {
		fi->flags = w->flags;
		fi->ocb = fd_ocb_new(w->oflags, pos, w->pos_flags & (uint8_t)~OCB_POS_END);
		if (!fi->ocb)
			fi->flags &= (uint8_t)~FDI_RECOVER;
	}
	return 0;
}

/* Steps 1 to 3 for fd (stale connection c). 0 or the error. */
static long reopen(int fd, struct connection *c, const struct was *w, long err, bool quiet,
		   uint64_t deadline)
{
	struct fd_connect *rq = fd_connect_alloc();
	if (!rq)
		return err;
	pid_t dead = c->server_pid;
	unsigned step = 0;
	long r;
	for (;;) {
		long sc = open_side(rq, w->path, w->oflags);
		if (sc >= 0) {
			uint64_t pos;
			if (restore_offset((int)sc, w, &pos) < 0) {
				side_close((int)sc);
				r = err;
			} else {
				r = swap_in(fd, c, (int)sc, w, pos) < 0 ? err : 0;
			}
			break;
		}
		if (!not_back(sc) || served_elsewhere(rq, dead)) {
			r = err;
			break;
		}
		long e = wait_step(&step, quiet, deadline);
		if (e < 0) {
			r = e == -EINTR ? -EINTR : err;
			break;
		}
	}
	kfree(rq);
	return r;
}

/* The record fi as a reopen needs it (w->path allocated), or -1 when its
 * fd cannot recover. */
static int was_take(const struct fd_info *fi, struct was *w)
{
	if (!fi || !fi->path || !fi->ocb || !(fi->flags & FDI_RECOVER))
		return -1;
	size_t n = strlen(fi->path) + 1;
	w->path = kmalloc(n);
	if (!w->path)
		return -1;
	memcpy(w->path, fi->path, n);
	w->flags = fi->flags;
	w->oflags = fi->ocb->oflags;
	w->pos = fi->ocb->pos;
	w->pos_flags = fi->ocb->flags;
	return 0;
}

long fd_recover(int fd, struct connection *c, long err, bool quiet, uint64_t *deadline)
{
	struct posix_proc *pp = cur_thread()->proc->posix;
	int32_t tid = cur_thread()->tid;
	if (!pp || (err != -ESRCH && err != -EBADF))
		return err;
	if (!*deadline)
		*deadline = clock_monotonic_ns() + RECOVER_WAIT_NS;
	unsigned step = 0;
	bool waited = false;
	for (;;) {
		struct connection *now = fd_conn(fd);
		if (now != c) /* closed, or reopened by another thread meanwhile */
			return now && now->chan ? 0 : err;
		if (c->chan) {
			/* live: the server's own answer, or its channel is being
			 * torn down right now (ESRCH comes before the connections
			 * go stale): look once more a step later */
			if (err != -ESRCH || waited)
				return err;
			waited = true;
		} else {
			int32_t none = 0;
			if (__atomic_compare_exchange_n(&pp->recovering, &none, tid, false,
							__ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
				break;
		}
		long w = wait_step(&step, quiet, *deadline);
		if (w < 0)
			return w == -EINTR ? -EINTR : err;
	}
	long r = fd_pipe_gone(fd) ? -EBADF : err; /* not "no such process" for a pipe */
	struct was w;
	if (was_take(fdi_get(fd), &w) == 0) {
		r = reopen(fd, c, &w, err, quiet, *deadline);
		kfree(w.path);
	}
	__atomic_store_n(&pp->recovering, 0, __ATOMIC_RELEASE);
	return r;
}

int fd_recover_inherited(struct process *parent, int fd)
{
	struct posix_proc *ppp = parent->posix;
	struct connection *pc = connection_lookup(parent, fd);
	if (!ppp || !pc || pc->chan || (uint32_t)fd >= ppp->nfdi || fd_conn(fd))
		return -EBADF;
	const struct fd_info *pfi = &ppp->fdi[fd];
	struct was w;
	if (pfi->conn != pc || was_take(pfi, &w) < 0)
		return -EBADF;
	struct fd_connect *rq = fd_connect_alloc();
	long r = -ENOMEM;
	if (rq) {
		rq->subtype = _IO_CONNECT_OPEN;
		rq->file_type = _FTYPE_ANY;
		rq->ioflag = fd_oflag_to_ioflag(w.oflags);
		rq->flags = CR_KEEP | CR_FD | ((pc->flags & _NTO_COF_CLOEXEC) ? CR_CLOEXEC : 0);
		rq->fd_base = fd;
		memcpy(rq->path, w.path, strlen(w.path) + 1);
		r = fd_connect_run(rq);
		kfree(rq);
	}
	uint64_t pos;
	if (r >= 0 && (r != fd || restore_offset(fd, &w, &pos) < 0)) {
		fd_close_conn((int)r);
		r = -EBADF;
	}
	if (r >= 0) {
		fdi_set(fd, w.path);
		struct fd_info *fi = fdi_get(fd);
		if (fi) {
			fi->flags = w.flags;
			fi->ocb = fd_ocb_new(w.oflags, pos, w.pos_flags & (uint8_t)~OCB_POS_END);
			if (!fi->ocb)
				fi->flags &= (uint8_t)~FDI_RECOVER;
		}
	}
	kfree(w.path);
	return r < 0 ? (int)r : 0;
}

bool fd_pipe_gone(int fd)
{
	struct connection *c = fd_conn(fd);
	struct fd_info *fi = fdi_get(fd);
	return c && !c->chan && fi && (fi->flags & FDI_PIPE);
}

long fd_send_recover(int64_t fd, bool quiet, const struct ipc_iov *s, unsigned sn,
		     const struct ipc_iov *r, unsigned rn)
{
	if (!fd_in_range(fd))
		return -EBADF;
	uint64_t deadline = 0;
	for (int tries = 0;; tries++) {
		struct connection *c = fd_conn(fd);
		long ret = quiet ? fd_kmsg_quiet((int)fd, s, sn, r, rn) : kmsg_sendv((int)fd, s, sn, r, rn);
		if ((ret != -ESRCH && ret != -EBADF) || !c || tries == RECOVER_TRIES)
			return ret;
		long e = fd_recover((int)fd, c, ret, quiet, &deadline);
		if (e < 0)
			return e;
	}
}
