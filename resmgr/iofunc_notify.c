/*
 * select/poll/ionotify support: per-condition lists of armed events. A
 * request polls the conditions that hold and, as its action says, arms its
 * sigevent (kept with the request's rcvid, scoid and coid); when a
 * condition becomes true the server calls iofunc_notify_trigger, which
 * delivers the events with MsgDeliverEvent (valid after the request was
 * replied to: the kernel finds the client by the rcvid's scoid) and
 * disarms them. Called by servers' notify, write/read and close handlers.
 */
#include <errno.h>
#include <stdlib.h>

#include <sys/iofunc.h>

static const uint32_t cond_of[3] = {_NOTIFY_COND_INPUT, _NOTIFY_COND_OUTPUT, _NOTIFY_COND_OBAND};

/* Removes the arming of (scoid, coid) from one list. */
static void disarm(iofunc_notify_t *n, int scoid, int coid)
{
	for (iofunc_notify_event_t **pp = &n->list; *pp;) {
		iofunc_notify_event_t *e = *pp;
		if (e->scoid == scoid && e->coid == coid) {
			*pp = e->next;
			free(e);
			n->cnt--;
		} else {
			pp = &e->next;
		}
	}
}

static int arm(resmgr_context_t *ctp, iofunc_notify_t *n, const struct sigevent *ev, int cnt)
{
	disarm(n, ctp->info.scoid, ctp->info.coid);
	iofunc_notify_event_t *e = calloc(1, sizeof(*e));
	if (!e)
		return ENOMEM;
	e->rcvid = ctp->rcvid;
	e->scoid = ctp->info.scoid;
	e->coid = ctp->info.coid;
	e->cnt = cnt;
	e->event = *ev;
	e->next = n->list;
	n->list = e;
	n->cnt++;
	return EOK;
}

int iofunc_notify(resmgr_context_t *ctp, io_notify_t *msg, iofunc_notify_t *nop, int trig,
		  const int *notifycounts, int *armed)
{
	uint32_t want = msg->i.flags & (_NOTIFY_COND_INPUT | _NOTIFY_COND_OUTPUT | _NOTIFY_COND_OBAND);
	uint32_t ready = want & (uint32_t)trig;
	int action = msg->i.action & _NOTIFY_ACTION_MASK;
	int do_arm = action == _NOTIFY_ACTION_TRANARM ||
		     ((action == _NOTIFY_ACTION_POLLARM || action == _NOTIFY_ACTION_CONDARM) && !ready);
	if (armed)
		*armed = 0;
	struct sigevent ev = msg->i.event;
	for (int i = 0; i < 3; i++) {
		if (!(want & cond_of[i]))
			continue;
		if (!do_arm) {
			disarm(&nop[i], ctp->info.scoid, ctp->info.coid);
			continue;
		}
		int r = arm(ctp, &nop[i], &ev, notifycounts ? notifycounts[i] : 1);
		if (r) {
			for (int j = 0; j <= i; j++)
				disarm(&nop[j], ctp->info.scoid, ctp->info.coid);
			return r;
		}
		if (armed)
			*armed = 1;
	}
	msg->o.zero = 0;
	msg->o.flags = do_arm && action == _NOTIFY_ACTION_TRANARM ? 0 : ready;
	return _RESMGR_PTR(ctp, &msg->o, sizeof(msg->o));
}

void iofunc_notify_trigger(iofunc_notify_t *nop, int count, int index)
{
	if (index < 0 || index > 2)
		return;
	iofunc_notify_t *n = &nop[index];
	for (iofunc_notify_event_t **pp = &n->list; *pp;) {
		iofunc_notify_event_t *e = *pp;
		if (e->cnt <= count) {
			*pp = e->next;
			n->cnt--;
			MsgDeliverEvent(e->rcvid, &e->event); /* a dead client just misses it */
			free(e);
		} else {
			pp = &e->next;
		}
	}
}

void iofunc_notify_remove(resmgr_context_t *ctp, iofunc_notify_t *nop)
{
	for (int i = 0; i < 3; i++)
		disarm(&nop[i], ctp->info.scoid, ctp->info.coid);
}
