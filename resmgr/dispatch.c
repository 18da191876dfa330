/*
 * The dispatch layer: channel, contexts, the receive call and the demux of
 * one received message or pulse (sys/dispatch.h). Called by servers'
 * main loops; hands I/O messages and kernel pulses to io.c, fault-point
 * messages to faultpoint.c and heartbeat ticks to heartbeat.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "priv.h"

dispatch_t *dispatch_create_channel(int chid, unsigned flags)
{
	dispatch_t *dpp = calloc(1, sizeof(*dpp));
	if (!dpp) {
		errno = ENOMEM;
		return NULL;
	}
	if (chid == -1) {
		chid = ChannelCreate(_NTO_CHF_UNBLOCK | _NTO_CHF_DISCONNECT);
		if (chid < 0) {
			int e = errno;
			free(dpp);
			errno = e;
			return NULL;
		}
		dpp->own_chid = true;
	}
	dpp->chid = chid;
	dpp->flags = flags;
	dpp->msg_max_size = RESMGR_MSG_MAX_DEFAULT;
	dpp->nparts_max = RESMGR_NPARTS_DEFAULT;
	return dpp;
}

dispatch_t *dispatch_create(void)
{
	return dispatch_create_channel(-1, 0);
}

int dispatch_destroy(dispatch_t *dpp)
{
	if (!dpp) {
		errno = EINVAL;
		return -1;
	}
	bind_free_all(dpp);
	while (dpp->pulses) {
		struct pulse_entry *p = dpp->pulses;
		dpp->pulses = p->next;
		free(p);
	}
	while (dpp->ranges) {
		struct msg_range *r = dpp->ranges;
		dpp->ranges = r->next;
		free(r);
	}
	free(dpp->attaches);
	if (dpp->own_chid)
		ChannelDestroy(dpp->chid);
	free(dpp);
	return 0;
}

dispatch_context_t *dispatch_context_alloc(dispatch_t *dpp)
{
	size_t bufsz = dpp->msg_max_size;
	if (bufsz < sizeof(resmgr_iomsgs_t))
		bufsz = sizeof(resmgr_iomsgs_t);
	unsigned nparts = dpp->nparts_max ? dpp->nparts_max : 1;
	dispatch_context_t *ctp = calloc(1, sizeof(*ctp) + nparts * sizeof(iov_t));
	void *buf = malloc(bufsz);
	if (!ctp || !buf) {
		free(ctp);
		free(buf);
		errno = ENOMEM;
		return NULL;
	}
	ctp->dpp = dpp;
	ctp->msg = buf;
	ctp->msg_max_size = bufsz;
	ctp->iov_max = nparts;
	ctp->id = -1;
	dpp->ncontexts++;
	heartbeat_start(dpp);
	return ctp;
}

void dispatch_context_free(dispatch_context_t *ctp)
{
	if (!ctp)
		return;
	ctp->dpp->ncontexts--;
	free(ctp->msg);
	free(ctp);
}

dispatch_context_t *dispatch_block(dispatch_context_t *ctp)
{
	int rcvid = MsgReceive(ctp->dpp->chid, ctp->msg, ctp->msg_max_size, &ctp->info);
	if (rcvid < 0) {
		ctp->rcvid = -1;
		return NULL;
	}
	ctp->rcvid = rcvid;
	ctp->size = (size_t)ctp->info.msglen;
	if (ctp->size > ctp->msg_max_size)
		ctp->size = ctp->msg_max_size;
	return ctp;
}

void dispatch_stats(const dispatch_t *dpp, struct dispatch_stats *st)
{
	st->bindings = dpp->nbindings;
	st->ocbs = dpp->nocbs;
	st->attaches = dpp->nused;
	st->contexts = dpp->ncontexts;
}

void resmgr_reply_result(resmgr_context_t *ctp, int r)
{
	if (ctp->rcvid <= 0 || r == _RESMGR_NOREPLY)
		return;
	if (r == _RESMGR_DEFAULT)
		r = ENOSYS;
	if (r > 0) {
		MsgError(ctp->rcvid, r);
	} else if (r < 0) {
		int n = -r;
		if ((unsigned)n > ctp->iov_max)
			MsgError(ctp->rcvid, EMSGSIZE); /* handler bug: more parts than allocated */
		else
			MsgReplyv(ctp->rcvid, ctp->status, ctp->iov, n);
	} else {
		MsgReply(ctp->rcvid, ctp->status, NULL, 0);
	}
}

static struct pulse_entry *pulse_find(dispatch_t *dpp, int code)
{
	for (struct pulse_entry *p = dpp->pulses; p; p = p->next)
		if (p->code == code)
			return p;
	return NULL;
}

static void pulse_handle(dispatch_context_t *ctp)
{
	dispatch_t *dpp = ctp->dpp;
	struct _pulse *pulse = &ctp->msg->pulse;
	int code = pulse->code;
	if (code == _PULSE_CODE_RESMGR_BEAT) {
		heartbeat_tick();
		return;
	}
	struct pulse_entry *p = pulse_find(dpp, code);
	if (p) {
		p->func(ctp, code, 0, p->handle);
		return;
	}
	if (code == _PULSE_CODE_UNBLOCK) {
		io_handle_unblock(ctp, pulse->value.sival_int);
	} else if (code == _PULSE_CODE_DISCONNECT) {
		int scoid = pulse->scoid;
		ctp->rcvid = 0;
		bind_close_all(ctp, scoid, -1);
		ConnectDetach(scoid);
	}
	/* other pulses nobody attached are dropped */
}

static struct msg_range *range_find(dispatch_t *dpp, int type)
{
	for (struct msg_range *r = dpp->ranges; r; r = r->next)
		if (type >= r->low && type <= r->high)
			return r;
	return NULL;
}

int dispatch_handler(dispatch_context_t *ctp)
{
	dispatch_t *dpp = ctp->dpp;
	ctp->status = 0;
	ctp->offset = 0;
	ctp->msg_base = 0;
	ctp->id = -1;
	if (ctp->rcvid == 0) {
		pulse_handle(ctp);
		return 0;
	}
	if (ctp->rcvid < 0) {
		errno = EINVAL;
		return -1;
	}
	if (ctp->size < sizeof(uint16_t)) {
		resmgr_reply_result(ctp, EBADMSG);
		return 0;
	}
	int type = ctp->msg->type;
	if (faultpoint_check(ctp, type))
		return 0;
	struct msg_range *range;
	if (type >= _IO_BASE && type <= _IO_MAX && dpp->nused) {
		io_handle(ctp); /* replies itself */
	} else if ((range = range_find(dpp, type))) {
		resmgr_reply_result(ctp, range->func(ctp, type, 0, range->handle));
	} else if (dpp->other_func) {
		resmgr_reply_result(ctp, dpp->other_func(ctp, ctp->msg));
	} else {
		resmgr_reply_result(ctp, ENOSYS);
	}
	return 0;
}

int pulse_attach(dispatch_t *dpp, int flags, int code, dispatch_func_t func, void *handle)
{
	if (!func) {
		errno = EINVAL;
		return -1;
	}
	if (flags & MSG_FLAG_ALLOC_PULSE) {
		for (code = _PULSE_CODE_MINAVAIL; code <= _PULSE_CODE_MAXAVAIL; code++)
			if (!pulse_find(dpp, code))
				break;
		if (code > _PULSE_CODE_MAXAVAIL) {
			errno = EAGAIN;
			return -1;
		}
	} else if (code < -128 || code > _PULSE_CODE_MAXAVAIL) {
		errno = EINVAL;
		return -1;
	} else if (pulse_find(dpp, code)) {
		errno = EBUSY;
		return -1;
	}
	struct pulse_entry *p = calloc(1, sizeof(*p));
	if (!p) {
		errno = ENOMEM;
		return -1;
	}
	*p = (struct pulse_entry){dpp->pulses, code, func, handle};
	dpp->pulses = p;
	return code;
}

int pulse_detach(dispatch_t *dpp, int code, int flags)
{
	for (struct pulse_entry **pp = &dpp->pulses; *pp; pp = &(*pp)->next) {
		if ((*pp)->code == code) {
			struct pulse_entry *p = *pp;
			*pp = p->next;
			free(p);
			return 0;
		}
	}
	errno = EINVAL;
	return -1;
}

int message_attach(dispatch_t *dpp, message_attr_t *attr, int low, int high, dispatch_func_t func,
		   void *handle)
{
	if (!func || low < 0 || high < low || high > 0xFFFF) {
		errno = EINVAL;
		return -1;
	}
	for (struct msg_range *r = dpp->ranges; r; r = r->next) {
		if (low <= r->high && high >= r->low) {
			errno = EBUSY;
			return -1;
		}
	}
	struct msg_range *r = calloc(1, sizeof(*r));
	if (!r) {
		errno = ENOMEM;
		return -1;
	}
	*r = (struct msg_range){dpp->ranges, low, high, func, handle};
	dpp->ranges = r;
	if (attr && attr->msg_max_size > dpp->msg_max_size)
		dpp->msg_max_size = attr->msg_max_size;
	if (attr && attr->nparts_max > dpp->nparts_max)
		dpp->nparts_max = attr->nparts_max;
	return 0;
}

int message_detach(dispatch_t *dpp, int low, int high, int flags)
{
	for (struct msg_range **rp = &dpp->ranges; *rp; rp = &(*rp)->next) {
		if ((*rp)->low == low && (*rp)->high == high) {
			struct msg_range *r = *rp;
			*rp = r->next;
			free(r);
			return 0;
		}
	}
	errno = EINVAL;
	return -1;
}
