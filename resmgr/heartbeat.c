/*
 * Heartbeats to the restart manager (sys/restart.h): when a server runs
 * with RESTART_ENV_HEARTBEAT=<ms> in its environment (restartd sets it for
 * entities configured with heartbeat=<ms>), a periodic timer sends a pulse
 * to the server's own dispatch channel, and the dispatch loop, on
 * receiving it, sends RESTART_PULSE_HEARTBEAT to restartd. So the beat
 * proves that the dispatch loop still turns: a server stuck in a handler
 * stops beating. restartd's channel is found through RESTART_PATH and
 * found again when a send fails (restartd was restarted).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "priv.h"

#include <sys/pathfind.h>
#include <sys/restart.h>

static bool started;
static int mgr_coid = -1;

static int mgr_connect(void)
{
	struct _io_connect_entry e;
	if (resmgr_path_server(RESTART_PATH, &e) < 0)
		return -1;
	return ConnectAttach_r(0, e.pid, e.chid, _NTO_SIDE_CHANNEL, 0);
}

void heartbeat_tick(void)
{
	for (int attempt = 0; attempt < 2; attempt++) {
		if (mgr_coid < 0 && (mgr_coid = mgr_connect()) < 0)
			return; /* restartd is not there (yet): next tick */
		if (MsgSendPulse_r(mgr_coid, -1, RESTART_PULSE_HEARTBEAT, getpid()) >= 0)
			return;
		ConnectDetach_r(mgr_coid);
		mgr_coid = -1;
	}
}

void heartbeat_start(dispatch_t *dpp)
{
	if (started)
		return;
	started = true;
	const char *s = getenv(RESTART_ENV_HEARTBEAT);
	long ms = s ? strtol(s, NULL, 10) : 0;
	if (ms <= 0)
		return;
	int self = ConnectAttach_r(0, 0, dpp->chid, _NTO_SIDE_CHANNEL, 0);
	if (self < 0)
		return;
	struct sigevent ev;
	memset(&ev, 0, sizeof(ev));
	SIGEV_PULSE_INIT(&ev, self, SIGEV_PULSE_PRIO_INHERIT, _PULSE_CODE_RESMGR_BEAT, 0);
	int id = TimerCreate_r(_NTO_CLOCK_MONOTONIC, &ev);
	if (id < 0) {
		ConnectDetach_r(self);
		return;
	}
	struct _itimer it = {(uint64_t)ms * 1000000u, (uint64_t)ms * 1000000u};
	if (TimerSettime_r(id, 0, &it, NULL) < 0) {
		TimerDestroy_r(id);
		ConnectDetach_r(self);
		return;
	}
	heartbeat_tick();
}
