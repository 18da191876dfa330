/*
 * The _PROCMGR_* message range of procnto's channel 1 (<sys/procmgr.h>):
 * registration with the dispatch layer and demultiplexing to events.c,
 * death.c and guard.c. Called by main.c; runs in the dispatch thread.
 */
#include "procmgr/procmgr.h"

#include <errno.h>
#include <sys/neutrino.h>

int procmgr_sender_is_root(resmgr_context_t *ctp)
{
	struct _client_info ci;
	if (ConnectClientInfo(ctp->info.scoid, &ci, 0) == -1)
		return 0;
	return ci.cred.euid == 0;
}

static int procmgr_msg(message_context_t *ctp, int type, unsigned flags, void *handle)
{
	switch (type) {
	case _PROCMGR_EVENT_NOTIFY: return procmgr_do_notify(ctp);
	case _PROCMGR_DEATH_INFO: return procmgr_do_death_info(ctp);
	case _PROCMGR_GUARD: return procmgr_do_guard(ctp);
	}
	return ENOSYS;
}

int procmgr_init(dispatch_t *dpp)
{
	message_attr_t attr = {.msg_max_size = sizeof(struct _procmgr_guard) + PROCMGR_GUARD_DATA_MAX};
	return message_attach(dpp, &attr, _PROCMGR_BASE, _PROCMGR_MAX, procmgr_msg, NULL);
}
