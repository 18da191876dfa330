/*
 * What restartd shows and takes on its channel: RESTART_PATH, a read-only
 * file whose text (made at open: a snapshot) has a '#' header line and one
 * line per entity, in configuration order:
 *   name pid restarts last-death-reason last-recovery-us state failed path
 * ("-" for no pid, no death yet, no recovery yet, no path); and the
 * _RESTART_WATCH / _RESTART_SHUTDOWN messages of <sys/restart.h> and the
 * store's (restart_store.h, store.c).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/restart.h>
#include <sys/stat.h>
#include <unistd.h>
#include <signal.h>

#include "restartd.h"

#define WATCH_MAX 16

struct status_ocb {
	iofunc_ocb_t io; /* first */
	char *text;
	size_t len;
};

static struct {
	int rcvid, scoid;
	int32_t pid;
	uint32_t flags;
	struct sigevent event;
} watches[WATCH_MAX];

static iofunc_attr_t attr;
static resmgr_connect_funcs_t connect_funcs;
static resmgr_io_funcs_t io_funcs;

/* The status text; malloc'ed, NULL when out of memory. */
static char *status_text(size_t *len)
{
	size_t cap = 128 + (size_t)nentities * (ENTITY_NAME_MAX + ENTITY_PATH_MAX + 128);
	char *t = malloc(cap);
	if (!t)
		return NULL;
	size_t n = (size_t)snprintf(t, cap, "# name pid restarts reason recovery_us state failed path\n");
	for (int i = 0; i < nentities && n < cap; i++) {
		const struct entity *e = &entities[i];
		char pid[16] = "-", rec[24] = "-";
		if (e->pid)
			snprintf(pid, sizeof(pid), "%d", e->pid);
		if (e->recovery_us >= 0)
			snprintf(rec, sizeof(rec), "%lld", (long long)e->recovery_us);
		n += (size_t)snprintf(t + n, cap - n, "%s %s %u %s %s %s %u %s\n", e->name, pid,
				      e->restarts, e->reason[0] ? e->reason : "-", rec,
				      state_name(e->state), e->failed, e->path[0] ? e->path : "-");
	}
	*len = n < cap ? n : cap - 1;
	return t;
}

static int st_open(resmgr_context_t *ctp, io_open_t *msg, iofunc_attr_t *a, void *extra)
{
	if (msg->connect.path[0])
		return ENOENT; /* a file: nothing below it */
	int r = iofunc_open(ctp, msg, a, NULL, NULL);
	if (r)
		return r;
	struct status_ocb *o = calloc(1, sizeof(*o));
	if (!o)
		return ENOMEM;
	o->text = status_text(&o->len);
	if (!o->text) {
		free(o);
		return ENOMEM;
	}
	r = iofunc_ocb_attach(ctp, msg, &o->io, a, NULL);
	if (r) {
		free(o->text);
		free(o);
	}
	return r;
}

static int st_read(resmgr_context_t *ctp, io_read_t *msg, iofunc_ocb_t *ocb)
{
	struct status_ocb *o = (struct status_ocb *)ocb;
	int r = iofunc_read_verify(ctp, msg, ocb, NULL);
	if (r)
		return r;
	int64_t off;
	if ((r = iofunc_rw_offset(ctp, msg, ocb, &off)))
		return r;
	size_t pos = off < 0 ? 0 : (size_t)off;
	size_t n = pos < o->len ? o->len - pos : 0;
	if (n > (size_t)msg->i.nbytes)
		n = (size_t)msg->i.nbytes;
	if ((msg->i.xtype & _IO_XTYPE_MASK) != _IO_XTYPE_OFFSET)
		ocb->offset += (int64_t)n;
	_IO_SET_READ_NBYTES(ctp, n);
	return _RESMGR_PTR(ctp, o->text + pos, n);
}

static int st_close_ocb(resmgr_context_t *ctp, void *reserved, iofunc_ocb_t *ocb)
{
	free(((struct status_ocb *)ocb)->text);
	return iofunc_close_ocb_default(ctp, reserved, ocb);
}

static int sender_is_root(resmgr_context_t *ctp, int32_t *pid)
{
	struct _client_info ci;
	if (ConnectClientInfo(ctp->info.scoid, &ci, 0) == -1)
		return 0;
	if (pid)
		*pid = ci.pid;
	return ci.cred.euid == 0;
}

void status_notify(int kind, const struct entity *e)
{
	int index = (int)(e - entities);
	for (int i = 0; i < WATCH_MAX; i++) {
		if (!watches[i].rcvid || !(watches[i].flags & (1u << kind)))
			continue;
		struct _client_info ci;
		/* the scoid may have been given to someone else since */
		if (ConnectClientInfo(watches[i].scoid, &ci, 0) == -1 || ci.pid != watches[i].pid) {
			watches[i].rcvid = 0;
			continue;
		}
		struct sigevent ev = watches[i].event;
		ev.sigev_value.sival_ptr = NULL;
		ev.sigev_value.sival_int = RESTART_EV_VALUE(kind, index);
		if (MsgDeliverEvent(watches[i].rcvid, &ev) == -1 && errno == ESRCH)
			watches[i].rcvid = 0;
	}
}

static int do_watch(resmgr_context_t *ctp)
{
	struct _restart_watch m;
	if (ctp->size < sizeof(m))
		return EBADMSG;
	memcpy(&m, ctp->msg, sizeof(m));
	int32_t pid = 0;
	sender_is_root(ctp, &pid);
	int slot = -1;
	for (int i = 0; i < WATCH_MAX; i++) {
		if (watches[i].rcvid && watches[i].scoid == ctp->info.scoid) {
			watches[i].rcvid = 0; /* replaced (or removed) */
			if (slot < 0)
				slot = i;
		}
	}
	if (!m.flags)
		return EOK;
	for (int i = 0; i < WATCH_MAX && slot < 0; i++)
		if (!watches[i].rcvid)
			slot = i;
	if (slot < 0)
		return EAGAIN;
	watches[slot].rcvid = ctp->rcvid;
	watches[slot].scoid = ctp->info.scoid;
	watches[slot].pid = pid;
	watches[slot].flags = m.flags;
	watches[slot].event = m.event;
	return EOK;
}

static int do_shutdown(resmgr_context_t *ctp)
{
	struct _restart_shutdown m;
	if (ctp->size < sizeof(m))
		return EBADMSG;
	memcpy(&m, ctp->msg, sizeof(m));
	if (!sender_is_root(ctp, NULL))
		return EPERM;
	sysmgr_guard(0, NULL);
	for (int i = 0; i < nentities; i++) {
		struct entity *e = &entities[i];
		if ((m.flags & RESTART_SHUTDOWN_KILL) && e->pid)
			kill(e->pid, SIGKILL);
		e->state = ST_STOPPED;
	}
	rd_log("shutting down%s", (m.flags & RESTART_SHUTDOWN_KILL) ? " (entities killed)" : "");
	MsgReply(ctp->rcvid, 0, NULL, 0);
	exit(0);
}

static int restart_msg(message_context_t *ctp, int type, unsigned flags, void *handle)
{
	switch (type) {
	case _RESTART_WATCH: return do_watch(ctp);
	case _RESTART_SHUTDOWN: return do_shutdown(ctp);
	case _RESTART_STORE_SET:
	case _RESTART_STORE_GET: return store_msg(ctp);
	}
	return ENOSYS;
}

int status_init(dispatch_t *d)
{
	iofunc_func_init(_RESMGR_CONNECT_NFUNCS, &connect_funcs, _RESMGR_IO_NFUNCS, &io_funcs);
	connect_funcs.open = st_open;
	io_funcs.read = st_read;
	io_funcs.close_ocb = st_close_ocb;
	iofunc_attr_init(&attr, S_IFREG | 0444, NULL, NULL);
	if (message_attach(d, NULL, _RESTART_BASE, _RESTART_MAX, restart_msg, NULL) == -1)
		return -1;
	resmgr_attr_t ra = {.nparts_max = 1};
	return resmgr_attach(d, &ra, RESTART_PATH, _FTYPE_ANY, 0, &connect_funcs, &io_funcs, &attr) ==
			       -1
		       ? -1
		       : 0;
}
