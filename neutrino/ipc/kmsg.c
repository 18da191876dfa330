/*
 * Kernel-originated sends (see ipc/kmsg.h) and the system manager
 * connection. Kernel buffers pass through ipc_copy unchanged: user_ptr()
 * (iov.c) maps kernel-half addresses to themselves, which is safe because
 * every iov a user supplies is range-checked when loaded.
 */
#include <kernel/errno.h>
#include <kernel/percpu.h>
#include <kernel/process.h>
#include <ipc/ipc.h>
#include <ipc/kmsg.h>
#include <mm/kmem.h>
#include <sched/thread.h>

static struct channel *sysmgr_chan; /* [k] procnto's chid 1 */

static int iovs_build(struct ipc_iovs *io, const struct ipc_iov *v, unsigned n)
{
	if (n > IPC_IOV_MAX)
		return -EINVAL;
	io->v = io->inl;
	if (n > IPC_IOV_INLINE && !(io->v = kmalloc(n * sizeof(*v))))
		return -ENOMEM;
	io->n = n;
	io->total = 0;
	for (unsigned i = 0; i < n; i++) {
		uaddr_t b = v[i].base;
		bool kernel = b >= USER_TOP;
		if (!kernel && v[i].len && !uaccess_range_ok(b, v[i].len)) {
			ipc_iovs_free(io);
			return -EFAULT;
		}
		if (kernel && b + v[i].len < b) {
			ipc_iovs_free(io);
			return -EFAULT;
		}
		io->v[i] = v[i];
		io->total += v[i].len;
	}
	return 0;
}

long kmsg_sendv(int coid, const struct ipc_iov *s, unsigned sn, const struct ipc_iov *r, unsigned rn)
{
	struct connection *c = connection_lookup(cur_thread()->proc, coid);
	if (!c || !c->chan)
		return -EBADF;
	struct ipc_iovs siov, riov;
	int e = iovs_build(&siov, s, sn);
	if (e)
		return e;
	if ((e = iovs_build(&riov, r, rn))) {
		ipc_iovs_free(&siov);
		return e;
	}
	long ret = msg_send(c, &siov, &riov);
	ipc_iovs_free(&siov);
	ipc_iovs_free(&riov);
	return ret;
}

long kmsg_send(int coid, const void *smsg, size_t slen, void *rmsg, size_t rlen)
{
	struct ipc_iov s = {(uaddr_t)smsg, slen}, r = {(uaddr_t)rmsg, rlen};
	return kmsg_sendv(coid, &s, 1, &r, rmsg ? 1 : 0);
}

void sysmgr_attach(struct process *p)
{
	if (sysmgr_chan && !sysmgr_chan->dead && !connection_lookup(p, SYSMGR_COID))
		connection_attach(p, sysmgr_chan, SYSMGR_COID, 0);
}

void sysmgr_channel_created(struct process *p, struct channel *ch)
{
	if (sysmgr_chan || p->pid != SYSMGR_PID || ch->chid != SYSMGR_CHID)
		return;
	sysmgr_chan = ch;
	for (pid_t pid = 1; pid < PID_MAX; pid++) {
		struct process *q = process_lookup(pid);
		if (q && q->state == PROC_ALIVE)
			sysmgr_attach(q);
	}
}
