/*
 * restartctl: the restart manager from the shell.
 *   restartctl             restartd's table: each entity, its pid, restart
 *                          count, last death reason, last recovery time,
 *                          state, failed recoveries and path
 *   restartctl watch [N]   prints restartd's events as they come (N of
 *                          them, default: until interrupted)
 *   restartctl stop [-k]   stops restartd (-k: kills its entities first)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/neutrino.h>
#include <sys/restart.h>

#include "client.h"

#define WATCH_CODE 5

static int show(void)
{
	static struct rc_entry e[64];
	int n = rc_status(e, 64);
	if (n < 0) {
		fprintf(stderr, "restartctl: cannot read %s: %s\n", RESTART_PATH, strerror(-n));
		return 1;
	}
	printf("%-16s %6s %8s %-10s %12s %-9s %6s %s\n", "NAME", "PID", "RESTARTS", "REASON",
	       "RECOVERY_US", "STATE", "FAILED", "PATH");
	for (int i = 0; i < n; i++) {
		char pid[16] = "-", rec[24] = "-";
		if (e[i].pid)
			snprintf(pid, sizeof(pid), "%d", e[i].pid);
		if (e[i].recovery_us >= 0)
			snprintf(rec, sizeof(rec), "%lld", e[i].recovery_us);
		printf("%-16s %6s %8u %-10s %12s %-9s %6u %s\n", e[i].name, pid, e[i].restarts,
		       e[i].reason, rec, e[i].state, e[i].failed, e[i].path);
	}
	return 0;
}

static int watch(long count)
{
	static const char *const kinds[] = {"?", "death", "recovered", "failed"};
	int coid = rc_connect();
	int chid = ChannelCreate_r(0);
	int self = chid < 0 ? chid : ConnectAttach_r(0, 0, chid, _NTO_SIDE_CHANNEL, 0);
	if (coid < 0 || self < 0) {
		fprintf(stderr, "restartctl: cannot reach restartd: %s\n",
			strerror(coid < 0 ? -coid : -self));
		return 1;
	}
	int r = rc_watch(coid, self, WATCH_CODE, RESTART_WATCH_ALL);
	if (r < 0) {
		fprintf(stderr, "restartctl: watch: %s\n", strerror(-r));
		return 1;
	}
	static struct rc_entry e[64];
	for (long seen = 0; count <= 0 || seen < count; seen++) {
		struct _pulse p;
		if (MsgReceivePulse_r(chid, &p, sizeof(p), NULL) < 0)
			return 1;
		int v = p.value.sival_int, kind = RESTART_EV_KIND(v), idx = RESTART_EV_INDEX(v);
		int n = rc_status(e, 64);
		const char *name = idx < n ? e[idx].name : "?";
		printf("%s %s", name, kind >= 1 && kind <= 3 ? kinds[kind] : "?");
		if (idx < n && kind == RESTART_EV_RECOVERED)
			printf(" pid %d in %lld us", e[idx].pid, e[idx].recovery_us);
		else if (idx < n && kind == RESTART_EV_DEATH)
			printf(" (%s)", e[idx].reason);
		printf("\n");
		fflush(stdout);
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 1)
		return show();
	if (!strcmp(argv[1], "watch") && argc <= 3)
		return watch(argc == 3 ? atol(argv[2]) : 0);
	if (!strcmp(argv[1], "stop") && (argc == 2 || (argc == 3 && !strcmp(argv[2], "-k")))) {
		int coid = rc_connect();
		int r = coid < 0 ? coid : rc_shutdown(coid, argc == 3 ? RESTART_SHUTDOWN_KILL : 0);
		if (r < 0) {
			fprintf(stderr, "restartctl: stop: %s\n", strerror(-r));
			return 1;
		}
		return 0;
	}
	fprintf(stderr, "usage: restartctl [watch [N] | stop [-k]]\n");
	return 2;
}
