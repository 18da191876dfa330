/*
 * Event registrations (_PROCMGR_EVENT_NOTIFY): one per client process and
 * event kind, keyed by its scoid on channel 1, delivered with MsgDeliverEvent through
 * the rcvid of the registering message (valid for events while the client
 * keeps its connection). Runs in procnto's dispatch thread.
 */
#include "procmgr/procmgr.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/neutrino.h>

struct reg {
	struct reg *next;
	int scoid;
	int rcvid;
	uint32_t flags;
	struct sigevent event;
};

static struct reg *regs;

/* Takes the event kinds in mask away from scoid's registrations (all of
 * them for mask 0); registrations left with none are freed. */
static void reg_strip(int scoid, uint32_t mask)
{
	struct reg **pp = &regs;
	while (*pp) {
		struct reg *r = *pp;
		if (r->scoid == scoid)
			r->flags &= mask ? ~mask : 0;
		if (r->scoid == scoid && !r->flags) {
			*pp = r->next;
			free(r);
		} else {
			pp = &r->next;
		}
	}
}

void procmgr_event_drop(int scoid)
{
	reg_strip(scoid, 0);
}

void procmgr_event_deliver(uint32_t flag, int32_t value)
{
	struct reg **pp = &regs;
	while (*pp) {
		struct reg *r = *pp;
		if (r->flags & flag) {
			struct sigevent ev = r->event;
			ev.sigev_value.sival_ptr = NULL;
			ev.sigev_value.sival_int = value;
			if (MsgDeliverEvent_r(r->rcvid, &ev) == -ESRCH) {
				*pp = r->next; /* the client is gone */
				free(r);
				continue;
			}
		}
		pp = &r->next;
	}
}

int procmgr_do_notify(resmgr_context_t *ctp)
{
	int e = resmgr_msg_load(ctp, sizeof(struct _procmgr_event_notify));
	if (e)
		return e;
	const struct _procmgr_event_notify *m = (const void *)ctp->msg;
	if (!procmgr_sender_is_root(ctp))
		return EPERM;
	if (m->flags & ~(uint32_t)PROCMGR_EVENT_MASK)
		return EINVAL;
	if (m->flags == 0) {
		procmgr_event_drop(ctp->info.scoid);
		return EOK;
	}
	struct reg *r = calloc(1, sizeof(*r));
	if (!r)
		return ENOMEM;
	reg_strip(ctp->info.scoid, m->flags);
	r->next = regs;
	regs = r;
	r->scoid = ctp->info.scoid;
	r->rcvid = ctp->rcvid;
	r->flags = m->flags;
	r->event = m->event;
	return EOK;
}

void procmgr_pathspace(int32_t pid)
{
	procmgr_event_deliver(PROCMGR_EVENT_PATHSPACE, pid);
}
