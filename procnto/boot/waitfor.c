/*
 * Path lookups for the startup script: whether a path exists yet and what
 * it names after symlinks, found the way any client would (an _IO_CONNECT
 * to the path manager on SYSMGR_COID, then a stat combined with the
 * connect at each server it names, following symlinks); `waitfor` polls
 * it every 10 ms. Runs in procnto's script thread, which shares the main
 * thread's TLS: only _r calls, static buffers of its own.
 */
#include "boot/script.h"

#include <errno.h>
#include <string.h>
#include <sys/iomsg.h>
#include <sys/neutrino.h>

#define WAIT_PATH_MAX 1024
#define HOPS_MAX 16
#define POLL_MS 10

static struct {
	struct _io_connect c;
	char path[WAIT_PATH_MAX + 8];
	struct _io_stat_req stat;
} req;
static union {
	struct {
		struct _io_connect_link_reply r;
		struct _io_connect_entry e[16];
		char path[WAIT_PATH_MAX];
	} link;
	struct _io_stat st;
} reply;
static char cur[WAIT_PATH_MAX];
static char base[WAIT_PATH_MAX];
static int sleep_chid = -1;

/* Sends stat(path) as COMBINE_CLOSE + _IO_STAT on coid; the status or -errno. */
static long send_stat(int coid, const char *path, uint32_t handle)
{
	size_t plen = strlen(path) + 1;
	if (plen > WAIT_PATH_MAX)
		return -ENAMETOOLONG;
	memset(&req, 0, sizeof(req));
	req.c.type = _IO_CONNECT;
	req.c.subtype = _IO_CONNECT_COMBINE_CLOSE;
	req.c.entry_max = 16;
	req.c.handle = handle;
	req.c.path_len = (uint16_t)plen;
	memcpy(req.c.path, path, plen);
	size_t off = sizeof(req.c) + _IO_CONNECT_ALIGN(plen);
	struct _io_stat_req sr = {.type = _IO_STAT};
	memcpy((char *)&req + off, &sr, sizeof(sr));
	return MsgSend_r(coid, &req, off + sizeof(sr), &reply, sizeof(reply));
}

/* Whether the reply is "symlink: go on with its path". */
static int is_symlink(long st)
{
	return st == (long)(_IO_CONNECT_RET_FLAG | _IO_CONNECT_RET_LINK) && reply.link.r.nentries == 0;
}

/* Copies the path of a link reply (after its entries) into out; 0 or -1. */
static int reply_path(char *out, size_t cap)
{
	unsigned count = reply.link.r.nentries;
	size_t plen = reply.link.r.path_len;
	if (count > 16 || plen == 0 || plen > cap)
		return -1;
	size_t off = sizeof(reply.link.r) + count * sizeof(struct _io_connect_entry);
	if (off + plen > sizeof(reply))
		return -1;
	memcpy(out, (const char *)&reply + off, plen);
	out[plen - 1] = '\0';
	return 0;
}

/* Whether path exists; cur is then the path it ended at (symlinks followed). */
static int path_exists(const char *path)
{
	size_t n = strlen(path);
	if (n >= sizeof(cur))
		return 0;
	memcpy(cur, path, n + 1);
	for (int hop = 0; hop < HOPS_MAX; hop++) {
		long st = send_stat(SYSMGR_COID, cur, 0);
		if (st != (long)(_IO_CONNECT_RET_FLAG | _IO_CONNECT_RET_LINK))
			return 0;
		unsigned count = reply.link.r.nentries;
		if (reply_path(base, sizeof(base)) < 0)
			return 0;
		if (count == 0) {
			memcpy(cur, base, sizeof(cur));
			continue;
		}
		struct _io_connect_entry e[16];
		memcpy(e, reply.link.e, count * sizeof(e[0]));
		int relink = 0;
		for (unsigned i = 0; i < count && !relink; i++) {
			int coid = ConnectAttach_r(0, e[i].pid, e[i].chid, _NTO_SIDE_CHANNEL, 0);
			if (coid < 0)
				continue;
			const char *rest = e[i].prefix_len <= strlen(base) ? base + e[i].prefix_len : "";
			while (*rest == '/')
				rest++;
			st = send_stat(coid, rest, e[i].handle);
			ConnectDetach_r(coid);
			if (st >= 0 && is_symlink(st)) {
				if (reply_path(cur, sizeof(cur)) < 0)
					return 0;
				relink = 1;
			} else if (st >= 0) {
				return 1;
			} else if (st != -ENOENT && st != -ENOSYS && st != -ENXIO && st != -ESRCH &&
				   st != -EROFS) {
				return 1; /* it exists, we just may not stat it (EACCES...) */
			}
		}
		if (!relink)
			return 0;
	}
	return 0;
}

void script_sleep_ms(unsigned ms)
{
	if (sleep_chid < 0)
		sleep_chid = ChannelCreate_r(0);
	if (sleep_chid < 0)
		return;
	uint64_t ns = (uint64_t)ms * 1000000u;
	struct sigevent ev;
	memset(&ev, 0, sizeof(ev));
	SIGEV_UNBLOCK_INIT(&ev);
	struct _pulse p;
	if (TimerTimeout_r(_NTO_CLOCK_MONOTONIC, _NTO_TIMEOUT_RECEIVE, &ev, &ns, NULL) >= 0)
		MsgReceivePulse_r(sleep_chid, &p, sizeof(p), NULL); /* ETIMEDOUT: nobody sends */
}

int script_resolve(const char *path, char *out, size_t cap)
{
	if (!path_exists(path))
		return -ENOENT;
	size_t n = strlen(cur);
	if (n + 1 > cap)
		return -ENAMETOOLONG;
	memcpy(out, cur, n + 1);
	return 0;
}

int script_waitfor(const char *path, unsigned timeout_ms)
{
	uint64_t start = 0, now = 0;
	ClockTime_r(_NTO_CLOCK_MONOTONIC, NULL, &start);
	for (;;) {
		if (path_exists(path))
			return 0;
		ClockTime_r(_NTO_CLOCK_MONOTONIC, NULL, &now);
		if (now - start >= (uint64_t)timeout_ms * 1000000u)
			return -ETIMEDOUT;
		script_sleep_ms(POLL_MS);
	}
}
