/*
 * The fd primitives the syscalls share: lookup of an fd's connection,
 * sends on it (interruptible or not by signals), _IO_CLOSE, _IO_DUP, and
 * the open flags (F_GETFL/F_SETFL as DCMD_ALL_GETFLAGS/SETFLAGS devctls).
 */
#include <kcall/kcall_gen.h>
#include <signal/signal.h>

#include "fdpriv.h"

struct connection *fd_conn(int64_t fd)
{
	if (!fd_in_range(fd))
		return NULL;
	return connection_lookup(cur_thread()->proc, (int)fd);
}

long fd_kmsg_quiet(int coid, const struct ipc_iov *s, unsigned sn, const struct ipc_iov *r,
		   unsigned rn)
{
	struct thread *t = cur_thread();
	uint64_t old = t->sig_blocked;
	t->sig_blocked = ~SIG_UNBLOCKABLE;
	long ret = kmsg_sendv(coid, s, sn, r, rn);
	t->sig_blocked = old;
	return ret;
}

long fd_sendv(int64_t fd, const struct ipc_iov *s, unsigned sn, const struct ipc_iov *r, unsigned rn)
{
	return fd_send_recover(fd, false, s, sn, r, rn);
}

int fd_close_conn(int fd)
{
	struct connection *c = fd_conn(fd);
	if (!c)
		return -EBADF;
	if (c->chan) {
		struct _io_close m = { .type = _IO_CLOSE };
		/* the connection goes whatever the server says (close(2) semantics) */
		(void)fd_send_raw(fd, &m, sizeof(m), NULL, 0);
	}
	fdi_clear(fd);
	/* re-checked: another thread may have closed it while we were blocked */
	if (fd_conn(fd) == c)
		ker_connect_detach(fd);
	return 0;
}

long fd_send_dup(int newfd, pid_t pid, int coid, int scoid)
{
	struct _io_dup m = {
		.type = _IO_DUP,
		.info = { .pid = pid, .coid = coid, .scoid = scoid },
	};
	return fd_send_raw(newfd, &m, sizeof(m), NULL, 0);
}

long fd_getfl(int fd)
{
	struct _io_devctl m = { .type = _IO_DEVCTL, .dcmd = DCMD_ALL_GETFLAGS, .nbytes = 0 };
	struct {
		struct _io_devctl_reply h;
		int32_t flags;
	} rep = { 0 };
	long r = fd_send(fd, &m, sizeof(m), &rep, sizeof(rep));
	if (r < 0)
		return r;
	/* as Linux x86_64 reports them: no open-time flags, O_LARGEFILE always */
	uint32_t gone = L_O_CREAT | L_O_EXCL | L_O_NOCTTY | L_O_TRUNC | L_O_CLOEXEC;
	return ((uint32_t)rep.flags & ~gone) | L_O_LARGEFILE;
}

long fd_setfl(int fd, int flags)
{
	struct {
		struct _io_devctl h;
		int32_t flags;
	} m = { { .type = _IO_DEVCTL, .dcmd = DCMD_ALL_SETFLAGS, .nbytes = 4 }, flags };
	struct _io_devctl_reply rep;
	long r = fd_send(fd, &m, sizeof(m), &rep, sizeof(rep));
	if (r < 0)
		return r;
	/* a reopen after a server restart asks for the flags as they are now */
	struct fd_info *fi = fdi_get(fd);
	uint32_t settable = L_O_APPEND | L_O_NONBLOCK | L_O_ASYNC | L_O_DIRECT | L_O_NOATIME;
	if (fi && fi->ocb)
		fi->ocb->oflags = (fi->ocb->oflags & ~settable) | ((uint32_t)flags & settable);
	return 0;
}
