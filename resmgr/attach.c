/*
 * resmgr_attach / resmgr_detach (sys/resmgr.h): the table of attachments
 * (handle + handler tables) a dispatch structure serves, selected by the
 * handle field of _IO_CONNECT; and the message-read helpers. Called by
 * servers at start-up and by connect.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "priv.h"

struct attachment *attach_lookup(dispatch_t *dpp, int id)
{
	if (id < 0 || (unsigned)id >= dpp->nattaches || !dpp->attaches[id].used)
		return NULL;
	return &dpp->attaches[id];
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
	if (path) {
		/* needs procnto's path manager (_IO_CONNECT_LINK registration) */
		errno = ENOSYS;
		return -1;
	}
	int id = attach_slot(dpp);
	if (id < 0) {
		errno = ENOMEM;
		return -1;
	}
	dpp->attaches[id] = (struct attachment){
		.used = true,
		.file_type = file_type,
		.flags = flags,
		.connect_funcs = connect_funcs,
		.io_funcs = io_funcs,
		.handle = handle,
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
