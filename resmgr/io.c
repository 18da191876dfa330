/*
 * The I/O message handler of the resmgr layer: finds the OCB bound to the
 * sender's connection, checks each message's size, calls the handler from
 * the OCB's table (following combined messages), and replies once; plus
 * _IO_DUP, _IO_CLOSE and the unblock pulse. Called by dispatch.c for types
 * 0x100..0x1FF; _IO_CONNECT goes to connect.c.
 */
#include <errno.h>
#include <string.h>

#include "priv.h"

int io_load(resmgr_context_t *ctp, size_t need)
{
	if (ctp->offset != ctp->msg_base) {
		size_t skip = ctp->offset - ctp->msg_base;
		size_t have = skip < ctp->size ? ctp->size - skip : 0;
		memmove(ctp->msg, (char *)ctp->msg + skip, have);
		ctp->msg_base = ctp->offset;
		ctp->size = have;
	}
	size_t src = ctp->info.srcmsglen > 0 ? (size_t)ctp->info.srcmsglen : 0;
	size_t total = src > ctp->offset ? src - ctp->offset : 0;
	if (need > total)
		return EBADMSG;
	if (need > ctp->msg_max_size)
		return EMSGSIZE;
	if (ctp->size < need) {
		size_t want = total < ctp->msg_max_size ? total : ctp->msg_max_size;
		long n = MsgRead(ctp->rcvid, (char *)ctp->msg + ctp->size, want - ctp->size,
				 ctp->offset + ctp->size);
		if (n < 0)
			return errno;
		ctp->size += (size_t)n;
		if (ctp->size < need)
			return EBADMSG;
	}
	return EOK;
}

/* Smallest valid message of each type that reaches a handler; 0: unknown. */
static size_t io_min_size(int type)
{
	switch (type) {
	case _IO_READ: return sizeof(struct _io_read);
	case _IO_WRITE: return sizeof(struct _io_write);
	case _IO_STAT: return sizeof(struct _io_stat_req);
	case _IO_NOTIFY: return sizeof(struct _io_notify);
	case _IO_DEVCTL: return sizeof(struct _io_devctl);
	case _IO_PATHCONF: return sizeof(struct _io_pathconf);
	case _IO_LSEEK: return sizeof(struct _io_lseek);
	case _IO_CHMOD: return sizeof(struct _io_chmod);
	case _IO_CHOWN: return sizeof(struct _io_chown);
	case _IO_UTIME: return sizeof(struct _io_utime);
	case _IO_SPACE: return sizeof(struct _io_space);
	case _IO_SYNC: return sizeof(struct _io_sync);
	case _IO_MSG: return sizeof(struct _io_msg);
	case _IO_CLOSE: return sizeof(struct _io_close);
	case _IO_MMAP: return sizeof(struct _io_mmap);
	case _IO_OPENFD:
	case _IO_FDINFO:
	case _IO_LOCK:
	case _IO_SHUTDOWN:
	case _IO_POWER: return 4;
	}
	return 0;
}

#define CALL(name, T)                                                                      \
	do {                                                                               \
		__typeof__(f->name) fn_ = IO_FUNC(f, name);                                \
		return fn_ ? fn_(ctp, (T *)m, ocb) : ENOSYS;                               \
	} while (0)

/* Calls the handler for the loaded message m of type on OCB ref. */
static int io_call(resmgr_context_t *ctp, int type, struct ocb_ref *ref)
{
	const resmgr_io_funcs_t *f = ref->funcs;
	void *ocb = ref->ocb;
	resmgr_iomsgs_t *m = ctp->msg;
	switch (type) {
	case _IO_READ: CALL(read, io_read_t);
	case _IO_WRITE: CALL(write, io_write_t);
	case _IO_STAT: CALL(stat, io_stat_t);
	case _IO_NOTIFY: CALL(notify, io_notify_t);
	case _IO_DEVCTL: CALL(devctl, io_devctl_t);
	case _IO_PATHCONF: CALL(pathconf, io_pathconf_t);
	case _IO_LSEEK: CALL(lseek, io_lseek_t);
	case _IO_CHMOD: CALL(chmod, io_chmod_t);
	case _IO_CHOWN: CALL(chown, io_chown_t);
	case _IO_UTIME: CALL(utime, io_utime_t);
	case _IO_SPACE: CALL(space, io_space_t);
	case _IO_SYNC: CALL(sync, io_sync_t);
	case _IO_MSG: CALL(msg, io_msg_t);
	case _IO_OPENFD: CALL(openfd, void);
	case _IO_FDINFO: CALL(fdinfo, void);
	case _IO_LOCK: CALL(lock, void);
	case _IO_SHUTDOWN: CALL(shutdown, void);
	case _IO_MMAP: {
		/* default: this server cannot map its files (mmap() gets ENODEV) */
		__typeof__(f->mmap) fn = IO_FUNC(f, mmap);
		int r = fn ? fn(ctp, (io_mmap_t *)m, ocb) : _RESMGR_DEFAULT;
		return r == _RESMGR_DEFAULT ? ENODEV : r;
	}
	case _IO_POWER: CALL(power, void);
	}
	return ENOSYS;
}

/* Loads and handles the message at ctp->offset; *combine gets its combine_len. */
static int io_one(resmgr_context_t *ctp, struct binding *b, bool *closed, unsigned *combine)
{
	*combine = 0;
	int r = io_load(ctp, 4);
	if (r)
		return r;
	int type = ctp->msg->type;
	*combine = ctp->msg->read.combine_len;
	size_t need = io_min_size(type);
	if (!need)
		return ENOSYS;
	r = io_load(ctp, need);
	if (r)
		return r;
	if (type == _IO_CLOSE) {
		*closed = true;
		return bind_close(ctp, b);
	}
	struct ocb_ref *ref = b->ref;
	int (*lock)(resmgr_context_t *, void *, void *) = IO_FUNC(ref->funcs, lock_ocb);
	int (*unlock)(resmgr_context_t *, void *, void *) = IO_FUNC(ref->funcs, unlock_ocb);
	if (lock && (r = lock(ctp, NULL, ref->ocb)) != EOK)
		return r;
	r = io_call(ctp, type, ref);
	if (unlock)
		unlock(ctp, NULL, ref->ocb);
	return r;
}

int io_chain(resmgr_context_t *ctp, struct binding *b, bool *closed)
{
	for (;;) {
		unsigned combine;
		int r = io_one(ctp, b, closed, &combine);
		if (!(combine & _IO_COMBINE_FLAG) || *closed)
			return r;
		if (r > 0 || r == _RESMGR_NOREPLY || r == _RESMGR_DEFAULT)
			return r;
		size_t len = combine & ~_IO_COMBINE_FLAG;
		if (len < 4)
			return EBADMSG;
		/* the handler may have written its reply over the buffer: reload */
		ctp->offset += len;
		ctp->msg_base = ctp->offset;
		ctp->size = 0;
		ctp->status = 0;
	}
}

/* _IO_DUP on the sender's connection (cur: its binding, if any). */
static int io_dup(resmgr_context_t *ctp, struct binding *cur)
{
	dispatch_t *dpp = ctp->dpp;
	int r = io_load(ctp, sizeof(struct _io_dup));
	if (r)
		return r;
	struct _io_dup d = ctp->msg->dup;
	struct binding *orig = bind_find(dpp, d.info.scoid, d.info.coid);
	if (!orig)
		return EBADF;
	if (orig == cur)
		return EOK;
	/* the original must belong to the pid the message names ... */
	struct _client_info ci;
	if (ConnectClientInfo(d.info.scoid, &ci, 0) == -1 || ci.pid != d.info.pid)
		return EBADF;
	/* ... and that must be the sender, or its parent naming the fd the
	 * child inherited (same connection id: fork), unless the sender is root */
	if (ctp->info.pid != d.info.pid) {
		struct _proc_info pi;
		bool inherited = ctp->info.coid == d.info.coid &&
				 ProcInfo(ctp->info.pid, &pi) > 0 && pi.ppid == d.info.pid;
		if (!inherited && ConnectClientInfo(ctp->info.scoid, &ci, 0) == -1)
			return errno;
		if (!inherited && ci.cred.euid != 0)
			return EPERM;
	}
	struct ocb_ref *ref = orig->ref;
	ref->refs++; /* keep it while a stale binding of the sender closes */
	if (cur) {
		struct _msg_info keep = ctp->info;
		bind_close(ctp, cur);
		ctp->info = keep;
	}
	ref->refs--;
	ctp->id = ref->id;
	int (*dup)(resmgr_context_t *, io_dup_t *, void *) = IO_FUNC(ref->funcs, dup);
	if (dup) {
		r = dup(ctp, (io_dup_t *)ctp->msg, ref->ocb);
		if (r != EOK && r != _RESMGR_DEFAULT)
			return r;
	}
	return bind_add(dpp, ctp->info.scoid, ctp->info.coid, ref);
}

void io_handle(resmgr_context_t *ctp)
{
	int type = ctp->msg->type;
	if (type == _IO_CONNECT) {
		io_handle_connect(ctp);
		return;
	}
	struct binding *b = bind_find(ctp->dpp, ctp->info.scoid, ctp->info.coid);
	if (type == _IO_DUP) {
		resmgr_reply_result(ctp, io_dup(ctp, b));
		return;
	}
	if (!b) {
		resmgr_reply_result(ctp, EBADF);
		return;
	}
	ctp->id = b->ref->id;
	bool closed = false;
	resmgr_reply_result(ctp, io_chain(ctp, b, &closed));
}

/*
 * _PULSE_CODE_UNBLOCK for rcvid: the client REPLY-blocked on a request we
 * hold wants out (signal, timeout). Calls the unblock handler of its OCB
 * (or of the attachment, for a pending connect) with ctp->rcvid and
 * ctp->info set to the request's; the handler's result is the reply
 * (_RESMGR_DEFAULT: none, the client stays blocked).
 */
void io_handle_unblock(resmgr_context_t *ctp, int rcvid)
{
	io_pulse_t pulse = ctp->msg->pulse;
	struct _msg_info info;
	if (rcvid <= 0 || MsgInfo(rcvid, &info) == -1)
		return; /* already replied to, or the client is gone */
	ctp->rcvid = rcvid;
	ctp->info = info;
	int r = _RESMGR_DEFAULT;
	struct binding *b = bind_find(ctp->dpp, info.scoid, info.coid);
	if (b) {
		ctp->id = b->ref->id;
		int (*fn)(resmgr_context_t *, io_pulse_t *, void *) = IO_FUNC(b->ref->funcs, unblock);
		if (fn)
			r = fn(ctp, &pulse, b->ref->ocb);
	} else {
		struct _io_connect c;
		struct attachment *a;
		if (MsgRead(rcvid, &c, sizeof(c), 0) == (long)sizeof(c) && c.type == _IO_CONNECT &&
		    (a = attach_lookup(ctp->dpp, (int)c.handle))) {
			ctp->id = (int)c.handle;
			int (*fn)(resmgr_context_t *, io_pulse_t *, void *, void *) =
				CONNECT_FUNC(a->connect_funcs, unblock);
			if (fn)
				r = fn(ctp, &pulse, a->handle, NULL);
		}
	}
	if (r != _RESMGR_DEFAULT)
		resmgr_reply_result(ctp, r);
}
