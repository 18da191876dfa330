/*
 * dup, dup2, dup3 and fcntl: a duplicate is a new connection to the same
 * channel plus _IO_DUP, so that the server binds it to the original's OCB
 * (shared offset and flags); FD_CLOEXEC is the connection's
 * _NTO_COF_CLOEXEC (ConnectFlags); F_GETFL/F_SETFL are DCMD_ALL_GETFLAGS /
 * DCMD_ALL_SETFLAGS devctls to the server.
 */
#include <kcall/kcall_gen.h>

#include "fdpriv.h"

/* Duplicates oldfd at the lowest free fd >= base (exactly base if exact).
 * An oldfd whose server died is recovered first (recover.c). */
static long dup_at(int oldfd, int base, bool exact, bool cloexec)
{
	struct connection *c = fd_conn(oldfd);
	if (c && !c->chan) {
		uint64_t deadline = 0;
		long e = fd_recover(oldfd, c, -EBADF, true, &deadline);
		if (e < 0)
			return e;
		c = fd_conn(oldfd);
	}
	if (!c || !c->chan)
		return -EBADF;
	int scoid = c->scoid->id;
	long nfd = ker_connect_attach(0, c->server_pid, c->chid, (unsigned)base,
				      cloexec ? _NTO_COF_CLOEXEC : 0);
	if (nfd < 0)
		return nfd == -ESRCH ? -EBADF : nfd;
	if (nfd >= fd_limit()) {
		ker_connect_detach((int)nfd);
		return -EMFILE;
	}
	if (exact && nfd != base) {
		ker_connect_detach((int)nfd);
		return -EBUSY; /* another thread took it meanwhile */
	}
	struct connection *nc = fd_conn(nfd);
	long r = fd_send_dup((int)nfd, cur_thread()->proc->pid, oldfd, scoid);
	if (r < 0) {
		if (fd_conn(nfd) == nc)
			ker_connect_detach((int)nfd);
		return r;
	}
	fdi_copy((int)nfd, oldfd);
	return nfd;
}

long sys_dup(const uint64_t *a, struct trapframe *tf)
{
	return dup_at((int)a[0], 0, false, false);
}

static long dup_onto(int oldfd, int newfd, bool cloexec)
{
	if (!fd_conn(oldfd))
		return -EBADF;
	if (!fd_in_range(newfd) || newfd >= fd_limit())
		return -EBADF;
	if (fd_conn(newfd))
		fd_close_conn(newfd);
	return dup_at(oldfd, newfd, true, cloexec);
}

long sys_dup2(const uint64_t *a, struct trapframe *tf)
{
	int oldfd = (int)a[0], newfd = (int)a[1];
	if (oldfd == newfd)
		return fd_conn(oldfd) ? newfd : -EBADF;
	return dup_onto(oldfd, newfd, false);
}

long sys_dup3(const uint64_t *a, struct trapframe *tf)
{
	int oldfd = (int)a[0], newfd = (int)a[1];
	if (a[2] & ~(uint64_t)L_O_CLOEXEC)
		return -EINVAL;
	if (oldfd == newfd)
		return -EINVAL;
	return dup_onto(oldfd, newfd, a[2] & L_O_CLOEXEC);
}

long sys_fcntl(const uint64_t *a, struct trapframe *tf)
{
	int fd = (int)a[0];
	int cmd = (int)a[1];
	uint64_t arg = a[2];
	if (!fd_conn(fd))
		return -EBADF;
	switch (cmd) {
	case L_F_DUPFD:
	case L_F_DUPFD_CLOEXEC:
		if ((int)arg < 0 || (int64_t)(int)arg >= fd_limit())
			return -EINVAL;
		return dup_at(fd, (int)arg, false, cmd == L_F_DUPFD_CLOEXEC);
	case L_F_GETFD: {
		long f = ker_connect_flags(0, fd, 0, 0);
		return f < 0 ? f : ((f & _NTO_COF_CLOEXEC) ? L_FD_CLOEXEC : 0);
	}
	case L_F_SETFD: {
		long f = ker_connect_flags(0, fd, _NTO_COF_CLOEXEC,
					   (arg & L_FD_CLOEXEC) ? _NTO_COF_CLOEXEC : 0);
		return f < 0 ? f : 0;
	}
	case L_F_GETFL:
		return fd_getfl(fd);
	case L_F_SETFL:
		return fd_setfl(fd, (int)arg);
	case L_F_GETOWN:
	case L_F_SETOWN: {
		struct {
			struct _io_devctl h;
			int32_t v;
		} m = { { .type = _IO_DEVCTL, .dcmd = cmd == L_F_GETOWN ? DCMD_ALL_GETOWN : DCMD_ALL_SETOWN,
			  .nbytes = 4 }, (int32_t)arg };
		struct {
			struct _io_devctl_reply h;
			int32_t v;
		} rep = { 0 };
		long r = fd_send(fd, &m, cmd == L_F_GETOWN ? sizeof(m.h) : sizeof(m), &rep, sizeof(rep));
		if (r < 0)
			return r == -ENOSYS ? -EINVAL : r;
		return cmd == L_F_GETOWN ? rep.v : 0;
	}
	case L_F_GETLK:
	case L_F_SETLK:
	case L_F_SETLKW:
	case L_F_OFD_GETLK:
	case L_F_OFD_SETLK:
	case L_F_OFD_SETLKW:
		return -ENOLCK; /* no server implements _IO_LOCK yet */
	default:
		return -EINVAL;
	}
}
