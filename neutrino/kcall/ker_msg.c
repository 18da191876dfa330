/*
 * The Msg* calls: decode (ids, iov lists, sizes) and hand over to ipc/msg.c.
 * A negative part count means one linear buffer of that many bytes (how the
 * linear forms MsgSend, MsgReply... reach the kernel).
 */
#include <kcall/kcall_gen.h>
#include <kernel/errno.h>
#include <kernel/event.h>
#include <kernel/percpu.h>
#include <kernel/process.h>
#include <ipc/ipc.h>
#include <mm/uaccess.h>
#include <sched/thread.h>

static struct process *me(void) { return cur_thread()->proc; }

static long send_common(int coid, uaddr_t siov_u, int sparts, uaddr_t riov_u, int rparts)
{
	struct connection *c = connection_lookup(me(), coid);
	if (!c || !c->chan)
		return -EBADF;
	struct ipc_iovs siov, riov;
	int e = ipc_iovs_load(&siov, siov_u, sparts);
	if (e)
		return e;
	if ((e = ipc_iovs_load(&riov, riov_u, rparts))) {
		ipc_iovs_free(&siov);
		return e;
	}
	long r = msg_send(c, &siov, &riov);
	ipc_iovs_free(&siov);
	ipc_iovs_free(&riov);
	return r;
}

long ker_msg_sendv(int coid, uaddr_t siov, int sparts, uaddr_t riov, int rparts)
{
	return send_common(coid, siov, sparts, riov, rparts);
}

long ker_msg_sendvnc(int coid, uaddr_t siov, int sparts, uaddr_t riov, int rparts)
{
	return send_common(coid, siov, sparts, riov, rparts); /* no cancellation points yet */
}

static long receive_common(int chid, uaddr_t riov_u, int rparts, uaddr_t info_u, bool pulses)
{
	struct channel *ch = channel_lookup(me(), chid);
	if (!ch)
		return -ESRCH;
	if (info_u && !uaccess_range_ok(info_u, sizeof(struct _msg_info)))
		return -EFAULT;
	struct ipc_iovs rcv;
	int e = ipc_iovs_load(&rcv, riov_u, rparts);
	if (e)
		return e;
	/* a vector load may fault (and page in): then the channel is looked up again */
	long r = msg_receive(rparts <= 0 ? ch : NULL, chid, &rcv, info_u, pulses);
	ipc_iovs_free(&rcv);
	return r;
}

long ker_msg_receivev(int chid, uaddr_t riov, int rparts, uaddr_t info)
{
	return receive_common(chid, riov, rparts, info, false);
}

long ker_msg_receive_pulsev(int chid, uaddr_t riov, int rparts, uaddr_t info)
{
	return receive_common(chid, riov, rparts, info, true);
}

long ker_msg_replyv(int rcvid, long status, uaddr_t riov_u, int rparts)
{
	if (rparts == 0)
		return msg_reply(rcvid, status, NULL, false); /* no data */
	struct ipc_iovs data;
	int e = ipc_iovs_load(&data, riov_u, rparts);
	if (e)
		return e;
	long r = msg_reply(rcvid, status, &data, false);
	ipc_iovs_free(&data);
	return r;
}

long ker_msg_error(int rcvid, int err)
{
	if (err < 0 || err > 4095)
		return -EINVAL;
	return msg_reply(rcvid, err == EOK ? 0 : -(long)err, NULL, true);
}

long ker_msg_readv(int rcvid, uaddr_t riov_u, int rparts, size_t offset)
{
	struct ipc_iovs dst;
	int e = ipc_iovs_load(&dst, riov_u, rparts);
	if (e)
		return e;
	long r = msg_read(rcvid, &dst, offset);
	ipc_iovs_free(&dst);
	return r;
}

long ker_msg_writev(int rcvid, uaddr_t siov_u, int sparts, size_t offset)
{
	struct ipc_iovs src;
	int e = ipc_iovs_load(&src, siov_u, sparts);
	if (e)
		return e;
	long r = msg_write(rcvid, &src, offset);
	ipc_iovs_free(&src);
	return r;
}

long ker_msg_info(int rcvid, uaddr_t info)
{
	if (!uaccess_range_ok(info, sizeof(struct _msg_info)) || !info)
		return -EFAULT;
	return msg_info(rcvid, info);
}

long ker_msg_current(int rcvid) { return msg_current(rcvid); }

long ker_msg_send_pulse(int coid, int priority, int code, int value)
{
	struct thread *self = cur_thread();
	struct connection *c = connection_lookup(self->proc, coid);
	if (!c || !c->chan)
		return -EBADF;
	if (code < -128 || code > 127)
		return -EINVAL;
	if (code < 0 && !process_is_privileged(self->proc))
		return -EINVAL; /* negative codes are the kernel's */
	if (priority == -1)
		priority = self->prio;
	if (priority < 0 || priority > 255)
		return -EINVAL;
	if (priority > _NTO_PRIO_UNPRIV_MAX && !process_is_privileged(self->proc))
		return -EPERM;
	struct process *server = c->chan->owner;
	if (server->uid != self->proc->uid && !process_is_privileged(self->proc))
		return -EPERM;
	return pulse_send(c->chan, priority, code, (uint64_t)(uint32_t)value, c->scoid->id);
}

long ker_msg_deliver_event(int rcvid, uaddr_t event_u)
{
	struct _sigevent_nto ev;
	if (copy_from_user(&ev, event_u, sizeof(ev)))
		return -EFAULT;
	struct process *server = me();
	if (rcvid <= 0)
		return -ESRCH;
	struct scoid *s = scoid_lookup(server, (int)(SCOID_FLAG | ((uint32_t)rcvid & SCOID_MAX)));
	if (!s || !s->client)
		return -ESRCH;
	struct thread *t = rcvid_lookup(server, rcvid);
	int e = event_validate(&ev, s->client);
	if (e)
		return e;
	return event_deliver(&ev, s->client, t);
}
