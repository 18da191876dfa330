/*
 * fds across process events (fd.h): fork/spawn (fd_fork_child: _IO_DUP on
 * every inherited connection, a reopen of the recoverable fds the kernel
 * did not copy because their server died), exec (fd_exec_cloexec) and exit
 * (fd_exit_all: a real _IO_CLOSE for every fd, each bounded by a timeout).
 * Called by posix/proc/ in the process concerned.
 */
#include <arch/cpu.h>
#include <kcall/kcall_gen.h>
#include <timer/timer.h>

#include "fdpriv.h"
#include "poll.h"

#define EXIT_CLOSE_TIMEOUT_NS (10ull * 1000000000ull)

/* The fd-space connection at or above fd (its number in *at), or NULL. */
static struct connection *next_fd(uint32_t fd, uint32_t *at)
{
	struct ipc_proc *ip = cur_thread()->proc->ipc;
	for (; ip && fd < ip->nfds; fd++) {
		if (ip->fds[fd]) {
			*at = fd;
			return ip->fds[fd];
		}
	}
	return NULL;
}

int fd_fork_child(void)
{
	struct process *parent = cur_thread()->proc->parent;
	int r = posix_proc_inherit(parent);
	uint32_t fd;
	for (struct connection *c = next_fd(0, &fd); c; c = next_fd(fd + 1, &fd)) {
		if (!c->chan)
			continue; /* stale already: EBADF to every use, as in the parent */
		struct connection *pc = parent ? connection_lookup(parent, (int)fd) : NULL;
		long e = -EBADF;
		if (pc && pc->chan == c->chan)
			e = fd_send_dup((int)fd, parent->pid, (int)fd, pc->scoid->id);
		if (e < 0 && e != -ENOSYS) { /* ENOSYS: not an I/O server, keep it */
			fdi_clear((int)fd);
			if (fd_conn(fd) == c)
				ker_connect_detach((int)fd);
		}
	}
	/* the parent's fds whose server died and came back (recover.c) */
	struct ipc_proc *pip = parent ? parent->ipc : NULL;
	for (uint32_t i = 0; pip && i < pip->nfds; i++) {
		struct connection *pc = pip->fds[i];
		if (pc && !pc->chan && !fd_conn(i))
			(void)fd_recover_inherited(parent, (int)i);
	}
	return r;
}

void fd_exec_cloexec(void)
{
	uint32_t fd;
	for (struct connection *c = next_fd(0, &fd); c; c = next_fd(fd + 1, &fd))
		if (c->flags & _NTO_COF_CLOEXEC)
			fd_close_conn((int)fd);
	poll_chans_drop();
}

void fd_exit_all(void)
{
	struct thread *self = cur_thread();
	uint32_t fd;
	for (struct connection *c = next_fd(0, &fd); c; c = next_fd(fd + 1, &fd)) {
		if (c->chan) {
			struct _io_close m = { .type = _IO_CLOSE };
			self->timeout_tsc = clock_rel_to_tsc(EXIT_CLOSE_TIMEOUT_NS);
			self->timeout_notify = SIGEV_UNBLOCK;
			self->timeout_states = (1u << STATE_SEND) | (1u << STATE_REPLY);
			(void)kmsg_send((int)fd, &m, sizeof(m), NULL, 0);
			self->timeout_states = 0;
		}
		fdi_clear((int)fd);
		if (fd_conn(fd) == c)
			ker_connect_detach((int)fd);
	}
	poll_chans_drop();
}
