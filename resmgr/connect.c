/*
 * _IO_CONNECT: checks the message (path NUL-terminated and within the
 * buffer), picks the attachment named by its handle, and calls the connect
 * handler for its subtype. OPEN and the COMBINE subtypes open (binding an
 * OCB to the sender's connection); COMBINE then handles the I/O message
 * appended to the connect and COMBINE_CLOSE closes the OCB after replying
 * (stat(path) in one round trip). Called by io.c.
 */
#include <errno.h>

#include "priv.h"

static void connect_open(resmgr_context_t *ctp, struct attachment *a, io_open_t *msg, void *extra,
			 size_t next_off)
{
	dispatch_t *dpp = ctp->dpp;
	int subtype = msg->connect.subtype;
	int id = ctp->id;
	/* a binding left from a connection the client detached without _IO_CLOSE */
	struct binding *stale = bind_find(dpp, ctp->info.scoid, ctp->info.coid);
	if (stale) {
		bind_close(ctp, stale);
		ctp->id = id;
	}
	int (*open)(resmgr_context_t *, io_open_t *, void *, void *) =
		CONNECT_FUNC(a->connect_funcs, open);
	int r = open ? open(ctp, msg, a->handle, extra) : ENOSYS;
	struct binding *b;
	if (subtype == _IO_CONNECT_OPEN || r != EOK ||
	    !(b = bind_find(dpp, ctp->info.scoid, ctp->info.coid))) {
		resmgr_reply_result(ctp, r);
		return;
	}
	ctp->offset = next_off;
	ctp->msg_base = next_off;
	ctp->size = 0;
	ctp->status = 0;
	bool closed = false;
	r = io_chain(ctp, b, &closed);
	resmgr_reply_result(ctp, r);
	/* a deferred reply keeps the OCB until the client's connection goes */
	if (subtype == _IO_CONNECT_COMBINE_CLOSE && !closed && r != _RESMGR_NOREPLY)
		bind_close(ctp, b);
}

void io_handle_connect(resmgr_context_t *ctp)
{
	dispatch_t *dpp = ctp->dpp;
	int r = io_load(ctp, sizeof(struct _io_connect));
	if (r) {
		resmgr_reply_result(ctp, r);
		return;
	}
	struct _io_connect *c = &ctp->msg->connect;
	size_t path_len = c->path_len, extra_len = c->extra_len;
	size_t extra_off = sizeof(*c) + _IO_CONNECT_ALIGN(path_len);
	size_t need = extra_len ? extra_off + extra_len : sizeof(*c) + path_len;
	if (path_len == 0) {
		resmgr_reply_result(ctp, EINVAL);
		return;
	}
	if (need > ctp->msg_max_size) {
		resmgr_reply_result(ctp, ENAMETOOLONG);
		return;
	}
	r = io_load(ctp, need);
	if (r || c->path[path_len - 1] != '\0') {
		resmgr_reply_result(ctp, r ? r : EINVAL);
		return;
	}
	struct attachment *a = attach_lookup(dpp, (int)c->handle);
	if (!a || c->handle > 0x7fffffffu) {
		resmgr_reply_result(ctp, ENXIO);
		return;
	}
	ctp->id = (int)c->handle;
	void *extra = extra_len ? (char *)c + extra_off : NULL;
	const resmgr_connect_funcs_t *f = a->connect_funcs;
	io_open_t *msg = (io_open_t *)c;
	int (*fn)(resmgr_context_t *, io_open_t *, void *, void *) = NULL;
	switch (c->subtype) {
	case _IO_CONNECT_OPEN:
	case _IO_CONNECT_COMBINE:
	case _IO_CONNECT_COMBINE_CLOSE:
		connect_open(ctp, a, msg, extra, extra_off + _IO_CONNECT_ALIGN(extra_len));
		return;
	case _IO_CONNECT_UNLINK: fn = CONNECT_FUNC(f, unlink); break;
	case _IO_CONNECT_RENAME: fn = CONNECT_FUNC(f, rename); break;
	case _IO_CONNECT_MKNOD: fn = CONNECT_FUNC(f, mknod); break;
	case _IO_CONNECT_READLINK: fn = CONNECT_FUNC(f, readlink); break;
	case _IO_CONNECT_LINK: fn = CONNECT_FUNC(f, link); break;
	case _IO_CONNECT_MOUNT: fn = CONNECT_FUNC(f, mount); break;
	}
	resmgr_reply_result(ctp, fn ? fn(ctp, msg, a->handle, extra) : ENOSYS);
}
