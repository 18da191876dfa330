/*
 * restartd's client side (client.h): the status file is read with
 * open/read like any file; messages go to the channel that serves
 * RESTART_PATH, found through the path manager.
 */
#include "client.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/neutrino.h>
#include <sys/pathfind.h>
#include <sys/restart.h>
#include <unistd.h>

#define STATUS_MAX 16384

static int parse_line(char *line, struct rc_entry *e)
{
	char pid[16], rec[24];
	memset(e, 0, sizeof(*e));
	int n = sscanf(line, "%31s %15s %u %31s %23s %15s %u %255s", e->name, pid, &e->restarts,
		       e->reason, rec, e->state, &e->failed, e->path);
	if (n != 8)
		return -1;
	e->pid = strcmp(pid, "-") ? atoi(pid) : 0;
	e->recovery_us = strcmp(rec, "-") ? atoll(rec) : -1;
	return 0;
}

int rc_status(struct rc_entry *e, int max)
{
	static char buf[STATUS_MAX];
	int fd = open(RESTART_PATH, O_RDONLY);
	if (fd < 0)
		return -errno;
	size_t len = 0;
	for (;;) {
		ssize_t n = read(fd, buf + len, sizeof(buf) - 1 - len);
		if (n < 0) {
			int err = errno;
			close(fd);
			return -err;
		}
		if (n == 0 || len + (size_t)n >= sizeof(buf) - 1) {
			len += (size_t)n;
			break;
		}
		len += (size_t)n;
	}
	close(fd);
	buf[len] = '\0';
	int count = 0;
	char *save = NULL;
	for (char *l = strtok_r(buf, "\n", &save); l && count < max; l = strtok_r(NULL, "\n", &save)) {
		if (l[0] == '#')
			continue;
		if (parse_line(l, &e[count]) == 0)
			count++;
	}
	return count;
}

int rc_find(const char *name, struct rc_entry *out)
{
	static struct rc_entry all[64];
	int n = rc_status(all, 64);
	if (n < 0)
		return n;
	for (int i = 0; i < n; i++) {
		if (!strcmp(all[i].name, name)) {
			*out = all[i];
			return 0;
		}
	}
	return -ENOENT;
}

int rc_connect(void)
{
	struct _io_connect_entry e;
	int r = resmgr_path_server(RESTART_PATH, &e);
	if (r < 0)
		return r;
	return ConnectAttach_r(0, e.pid, e.chid, _NTO_SIDE_CHANNEL, 0);
}

int rc_watch(int coid, int pulse_coid, int code, uint32_t flags)
{
	struct _restart_watch m;
	memset(&m, 0, sizeof(m));
	m.type = _RESTART_WATCH;
	m.flags = flags;
	SIGEV_PULSE_INIT(&m.event, pulse_coid, SIGEV_PULSE_PRIO_INHERIT, code, 0);
	long r = MsgSend_r(coid, &m, sizeof(m), NULL, 0);
	return r < 0 ? (int)r : 0;
}

int rc_shutdown(int coid, uint32_t flags)
{
	struct _restart_shutdown m = {.type = _RESTART_SHUTDOWN, .flags = flags};
	long r = MsgSend_r(coid, &m, sizeof(m), NULL, 0);
	return r < 0 ? (int)r : 0;
}

void rc_watcher_follow(struct rc_watcher *w, int code, uint32_t flags)
{
	struct _io_connect_entry ent;
	if (resmgr_path_server(RESTART_PATH, &ent) < 0 || ent.pid == w->restartd_pid)
		return;
	w->restartd_pid = ent.pid;
	if (w->chid < 0) {
		w->chid = ChannelCreate_r(0);
		if (w->chid < 0)
			return;
		w->self_coid = ConnectAttach_r(0, 0, w->chid, _NTO_SIDE_CHANNEL, 0);
	}
	if (w->watch_coid >= 0)
		ConnectDetach_r(w->watch_coid);
	w->watch_coid = rc_connect();
	if (w->watch_coid >= 0 && w->self_coid >= 0)
		rc_watch(w->watch_coid, w->self_coid, code, flags);
}

void rc_watcher_wait(struct rc_watcher *w, uint64_t ns)
{
	if (w->chid < 0) {
		struct timespec ts = {(time_t)(ns / 1000000000u), (long)(ns % 1000000000u)};
		nanosleep(&ts, NULL);
		return;
	}
	struct sigevent ev;
	memset(&ev, 0, sizeof(ev));
	SIGEV_UNBLOCK_INIT(&ev);
	struct _pulse p;
	if (TimerTimeout_r(_NTO_CLOCK_MONOTONIC, _NTO_TIMEOUT_RECEIVE, &ev, &ns, NULL) >= 0)
		MsgReceivePulse_r(w->chid, &p, sizeof(p), NULL);
}
