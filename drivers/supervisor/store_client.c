/*
 * The client side of restartd's store (restart_store.h), linked into the
 * servers that keep state across their restarts (devc-ser8250). One
 * side-channel connection to restartd, made on first use and made again
 * when restartd was restarted (EBADF/ESRCH on the old one). Every request
 * is bounded by a timeout: restartd is never waited on for long.
 */
#include <errno.h>
#include <string.h>
#include <sys/neutrino.h>
#include <sys/pathfind.h>

#include "restart_store.h"

#define STORE_TIMEOUT_NS (200ull * 1000000ull)

static int rd_coid = -1;

static int connect_restartd(void)
{
	struct _io_connect_entry e;
	int r = resmgr_path_server(RESTART_PATH, &e);
	if (r < 0)
		return r;
	r = ConnectAttach_r(0, e.pid, e.chid, _NTO_SIDE_CHANNEL, 0);
	if (r >= 0)
		rd_coid = r;
	return r < 0 ? r : 0;
}

/* One request to restartd: MsgSend's status or -errno. */
static long store_send(const void *msg, size_t len, void *reply, size_t rlen)
{
	for (int tries = 0; tries < 2; tries++) {
		if (rd_coid < 0) {
			int r = connect_restartd();
			if (r < 0)
				return r;
		}
		struct sigevent ev;
		memset(&ev, 0, sizeof(ev));
		SIGEV_UNBLOCK_INIT(&ev);
		uint64_t ns = STORE_TIMEOUT_NS;
		TimerTimeout_r(_NTO_CLOCK_MONOTONIC, _NTO_TIMEOUT_SEND | _NTO_TIMEOUT_REPLY, &ev, &ns,
			       NULL);
		long r = MsgSend_r(rd_coid, msg, len, reply, rlen);
		if (r != -EBADF && r != -ESRCH)
			return r;
		ConnectDetach_r(rd_coid); /* restartd died: maybe a new one serves */
		rd_coid = -1;
	}
	return -ESRCH;
}

int restart_store_put(const void *data, size_t len)
{
	struct {
		struct _restart_store h;
		uint8_t data[RESTART_STORE_MAX];
	} m;
	if (len > sizeof(m.data))
		return -EMSGSIZE;
	m.h = (struct _restart_store){.type = _RESTART_STORE_SET, .len = (uint32_t)len};
	memcpy(m.data, data, len);
	long r = store_send(&m, sizeof(m.h) + len, NULL, 0);
	return r < 0 ? (int)r : 0;
}

int restart_store_get(void *buf, size_t cap)
{
	struct _restart_store m = {.type = _RESTART_STORE_GET,
				   .len = (uint32_t)(cap < RESTART_STORE_MAX ? cap : RESTART_STORE_MAX)};
	long r = store_send(&m, sizeof(m), buf, cap);
	if (r < 0)
		return (int)r;
	return (size_t)r > cap ? (int)cap : (int)r;
}
