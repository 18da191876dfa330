/*
 * restartd's side of the process manager's protocol (<sys/procmgr.h>):
 * registering for death and pathspace events, asking how a process ended,
 * and asking procnto to restart restartd itself if it dies (the guard).
 */
#include <errno.h>
#include <string.h>
#include <sys/neutrino.h>
#include <sys/procmgr.h>

#include "restartd.h"

static int notify(uint32_t flags, int self_coid, int prio, int code)
{
	struct _procmgr_event_notify m;
	memset(&m, 0, sizeof(m));
	m.type = _PROCMGR_EVENT_NOTIFY;
	m.flags = flags;
	SIGEV_PULSE_INIT(&m.event, self_coid, prio, code, 0);
	long r = MsgSend_r(SYSMGR_COID, &m, sizeof(m), NULL, 0);
	return r < 0 ? (int)r : 0;
}

int sysmgr_register(int self_coid, int prio)
{
	int r = notify(PROCMGR_EVENT_DEATH, self_coid, prio, PULSE_DEATH);
	if (!r)
		r = notify(PROCMGR_EVENT_PATHSPACE, self_coid, prio, PULSE_PATH);
	return r;
}

int sysmgr_death_info(int32_t pid, int *status, uint64_t *when_ns)
{
	struct _procmgr_death_info_req q = {.type = _PROCMGR_DEATH_INFO, .pid = pid};
	struct procmgr_death_info d;
	long r = MsgSend_r(SYSMGR_COID, &q, sizeof(q), &d, sizeof(d));
	if (r < 0)
		return (int)r;
	*status = d.status;
	*when_ns = d.time_ns;
	return 0;
}

int sysmgr_guard(int argc, char **argv)
{
	static union {
		struct _procmgr_guard g;
		char raw[sizeof(struct _procmgr_guard) + PROCMGR_GUARD_DATA_MAX];
	} m;
	memset(&m.g, 0, sizeof(m.g));
	m.g.type = _PROCMGR_GUARD;
	m.g.flags = PROCMGR_GUARD_ABNORMAL;
	size_t len = 0;
	if (argc > 0) {
		/* the program (the basename of argv[0]: procnto starts it from the
		 * boot image), then argv */
		const char *prog = argv[0];
		for (const char *p = argv[0]; *p; p++)
			if (*p == '/')
				prog = p + 1;
		for (int i = -1; i < argc; i++) {
			const char *s = i < 0 ? prog : argv[i];
			size_t n = strlen(s) + 1;
			if (len + n > PROCMGR_GUARD_DATA_MAX)
				return -E2BIG;
			memcpy(m.g.data + len, s, n);
			len += n;
		}
	}
	m.g.argc = (uint16_t)argc;
	m.g.data_len = (uint16_t)len;
	long r = MsgSend_r(SYSMGR_COID, &m, sizeof(m.g) + len, NULL, 0);
	return r < 0 ? (int)r : 0;
}
