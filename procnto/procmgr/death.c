/*
 * Deaths: procnto learns that a process ended from the disconnect pulse of
 * its connection to channel 1 (every process has one, SYSMGR_COID), asks
 * the kernel which process that was and how it ended (ProcInfo with
 * _NTO_PROCINFO_SCOID: the kernel's death record, kept whether or not the
 * parent has reaped it), keeps the last PROCMGR_DEATHS_KEPT for
 * _PROCMGR_DEATH_INFO, tells the registered watchers and restarts guarded
 * processes. Event-driven: nothing here polls. Dispatch thread only.
 */
#include "procmgr/procmgr.h"

#include <errno.h>
#include <string.h>
#include <sys/neutrino.h>

static struct procmgr_death_info kept[PROCMGR_DEATHS_KEPT];
static unsigned kept_next;

int procmgr_disconnect(int scoid)
{
	struct _proc_info pi;
	int pid = ProcInfo_r(scoid | _NTO_PROCINFO_SCOID, &pi);
	procmgr_event_drop(scoid);
	if (pid <= 0 || pi.state != _NTO_PROCINFO_DEAD)
		return 0; /* it only let go of its connections */
	struct procmgr_death_info *d = &kept[kept_next];
	kept_next = (kept_next + 1) % PROCMGR_DEATHS_KEPT;
	*d = (struct procmgr_death_info){
		.pid = pi.pid,
		.ppid = pi.ppid,
		.status = pi.exit_status,
		.uid = pi.uid,
		.time_ns = pi.end_time,
	};
	memcpy(d->name, pi.name, sizeof(d->name));
	d->name[sizeof(d->name) - 1] = '\0';
	procmgr_event_deliver(PROCMGR_EVENT_DEATH, pi.pid);
	procmgr_guard_death(pi.pid, pi.exit_status);
	return pi.pid;
}

int procmgr_do_death_info(resmgr_context_t *ctp)
{
	int e = resmgr_msg_load(ctp, sizeof(struct _procmgr_death_info_req));
	if (e)
		return e;
	const struct _procmgr_death_info_req *m = (const void *)ctp->msg;
	for (unsigned n = 1; n <= PROCMGR_DEATHS_KEPT; n++) {
		const struct procmgr_death_info *d =
			&kept[(kept_next + PROCMGR_DEATHS_KEPT - n) % PROCMGR_DEATHS_KEPT];
		if (d->pid == m->pid && d->pid > 0) {
			static struct procmgr_death_info out;
			out = *d;
			return _RESMGR_PTR(ctp, &out, sizeof(out));
		}
	}
	return ENOENT;
}
