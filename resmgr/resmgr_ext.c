/*
 * Helpers shared by servers that QNX's headers do not name
 * (sys/resmgr_ext.h): directory record packing and the lookup of the OCB
 * another connection of the same client is bound to. Called by file
 * systems and other servers with directories.
 */
#include <errno.h>
#include <string.h>

#include "priv.h"

#include <sys/resmgr_ext.h>

size_t resmgr_dirent_size(size_t namelen)
{
	size_t n = offsetof(struct resmgr_dirent64, d_name) + namelen + 1;
	return (n + 7) & ~(size_t)7;
}

size_t resmgr_dirent_put(void *buf, size_t room, uint64_t ino, int64_t next_off, unsigned type,
			 const char *name, size_t namelen)
{
	size_t len = resmgr_dirent_size(namelen);
	if (len > room || len > UINT16_MAX)
		return 0;
	struct resmgr_dirent64 *d = buf;
	d->d_ino = ino;
	d->d_off = next_off;
	d->d_reclen = (uint16_t)len;
	d->d_type = (uint8_t)type;
	memcpy(d->d_name, name, namelen);
	/* the NUL and the padding: no stale server bytes reach the client */
	memset(d->d_name + namelen, 0, len - offsetof(struct resmgr_dirent64, d_name) - namelen);
	return len;
}

RESMGR_OCB_T *resmgr_ocb_by_info(resmgr_context_t *ctp, const struct _msg_info *info, int *id)
{
	dispatch_t *dpp = ctp->dpp;
	if (info->chid != dpp->chid) {
		errno = EBADF; /* a connection to some other server */
		return NULL;
	}
	struct binding *b = bind_find(dpp, info->scoid, info->coid);
	struct _client_info ci;
	if (!b || ConnectClientInfo(info->scoid, &ci, 0) == -1 || ci.pid != info->pid) {
		errno = EBADF;
		return NULL;
	}
	if (ctp->info.pid != info->pid) {
		if (ConnectClientInfo(ctp->info.scoid, &ci, 0) == -1)
			return NULL;
		if (ci.cred.euid != 0) {
			errno = EPERM;
			return NULL;
		}
	}
	if (id)
		*id = b->ref->id;
	return b->ref->ocb;
}

int resmgr_msg_load(resmgr_context_t *ctp, size_t need)
{
	if ((size_t)ctp->info.srcmsglen < need || need > ctp->msg_max_size)
		return EBADMSG;
	if (ctp->size < need) {
		long n = MsgRead(ctp->rcvid, (char *)ctp->msg + ctp->size, need - ctp->size, ctp->size);
		if (n < 0 || ctp->size + (size_t)n < need)
			return EBADMSG;
		ctp->size = need;
	}
	return EOK;
}
