/*
 * resmgr_attach / resmgr_detach (sys/resmgr.h): the table of attachments
 * (handle + handler tables) a dispatch structure serves, selected by the
 * handle field of _IO_CONNECT; the registration of their paths with
 * procnto's path manager (<sys/pathmgr.h>, on SYSMGR_COID); and the
 * message-read helpers. Called by servers at start-up and by connect.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pathmgr.h>

#include "priv.h"

struct attachment *attach_lookup(dispatch_t *dpp, int id)
{
	if (id < 0 || (unsigned)id >= dpp->nattaches || !dpp->attaches[id].used)
		return NULL;
	return &dpp->attaches[id];
}

/* Registers path for attachment id of dpp; returns the link id or -1. */
static int path_link(dispatch_t *dpp, int id, const char *path, int file_type, unsigned flags)
{
	size_t len = strlen(path) + 1;
	if (path[0] != '/' || len > PATHMGR_PATH_MAX) {
		errno = path[0] != '/' ? EINVAL : ENAMETOOLONG;
		return -1;
	}
	struct _pathmgr_link m = {
		.type = _PATHMGR_LINK,
		.path_len = (uint16_t)len,
		.flags = flags & PATHMGR_FLAG_MASK,
		.chid = dpp->chid,
		.handle = (uint32_t)id,
		.file_type = (uint32_t)file_type,
	};
	iov_t iov[2];
	SETIOV(&iov[0], &m, sizeof(m));
	SETIOV(&iov[1], path, len);
	long r = MsgSendv(SYSMGR_COID, iov, 2, NULL, 0);
	return r == -1 ? -1 : (int)r;
}

static void path_unlink(int link_id)
{
	struct _pathmgr_unlink m = {.type = _PATHMGR_UNLINK, .id = link_id};
	MsgSend(SYSMGR_COID, &m, sizeof(m), NULL, 0);
}

static int attach_slot(dispatch_t *dpp)
{
	for (unsigned i = 0; i < dpp->nattaches; i++)
		if (!dpp->attaches[i].used)
			return (int)i;
	unsigned n = dpp->nattaches ? dpp->nattaches * 2 : 4;
	struct attachment *a = realloc(dpp->attaches, n * sizeof(*a));
	if (!a)
		return -1;
	memset(a + dpp->nattaches, 0, (n - dpp->nattaches) * sizeof(*a));
	int id = (int)dpp->nattaches;
	dpp->attaches = a;
	dpp->nattaches = n;
	return id;
}

int resmgr_attach(dispatch_t *dpp, resmgr_attr_t *attr, const char *path, int file_type,
		  unsigned flags, const resmgr_connect_funcs_t *connect_funcs,
		  const resmgr_io_funcs_t *io_funcs, RESMGR_HANDLE_T *handle)
{
	if (!dpp || !connect_funcs || !io_funcs) {
		errno = EINVAL;
		return -1;
	}
	int id = attach_slot(dpp);
	if (id < 0) {
		errno = ENOMEM;
		return -1;
	}
	int link_id = 0;
	if (path && (link_id = path_link(dpp, id, path, file_type, flags)) == -1)
		return -1; /* the slot stays free */
	dpp->attaches[id] = (struct attachment){
		.used = true,
		.file_type = file_type,
		.flags = flags,
		.connect_funcs = connect_funcs,
		.io_funcs = io_funcs,
		.handle = handle,
		.link_id = link_id,
	};
	dpp->nused++;
	if (attr) {
		if (attr->msg_max_size > dpp->msg_max_size)
			dpp->msg_max_size = attr->msg_max_size;
		if (attr->nparts_max > dpp->nparts_max)
			dpp->nparts_max = attr->nparts_max;
		if (attr->other_func)
			dpp->other_func = attr->other_func;
	}
	return id;
}

int resmgr_detach(dispatch_t *dpp, int id, unsigned flags)
{
	struct attachment *a = attach_lookup(dpp, id);
	if (!a) {
		errno = EINVAL;
		return -1;
	}
	if (a->link_id) {
		path_unlink(a->link_id);
		a->link_id = 0;
	}
	if (flags & _RESMGR_DETACH_PATHNAME)
		return 0; /* the attachment stays, without its name */
	if (flags & _RESMGR_DETACH_CLOSE) {
		resmgr_context_t ctx = {.dpp = dpp, .id = id};
		bind_close_all(&ctx, 0, id);
	}
	a->used = false;
	dpp->nused--;
	return 0;
}

long resmgr_msgread(resmgr_context_t *ctp, void *msg, size_t nbytes, size_t offset)
{
	return MsgRead(ctp->rcvid, msg, nbytes, ctp->offset + offset);
}

long resmgr_msgreadv(resmgr_context_t *ctp, const iov_t *iov, int parts, size_t offset)
{
	return MsgReadv(ctp->rcvid, iov, parts, ctp->offset + offset);
}
