/*
 * Not QNX: helpers of the resource-manager library (resmgr/) that several
 * servers need and QNX's headers do not name: packing directory records
 * (the Linux struct linux_dirent64 that _IO_READ on a directory returns),
 * and finding the OCB a client's other connection is bound to (the
 * _IO_CONNECT_EXTRA_LINK extra of link()). Included after sys/iofunc.h or
 * sys/resmgr.h.
 */
#pragma once
#include <stddef.h>
#include <stdint.h>
#include <sys/resmgr.h>

/*
 * One directory record as _IO_READ on a directory returns it (the layout of
 * Linux's struct linux_dirent64): records are packed back to back, each
 * d_reclen bytes (a multiple of 8), d_name NUL-terminated; d_off is the
 * directory position just after this record (what lseek(SEEK_SET) takes to
 * continue behind it); d_type is a DT_* value.
 */
struct resmgr_dirent64 {
	uint64_t d_ino;
	int64_t d_off;
	uint16_t d_reclen;
	uint8_t d_type;
	char d_name[];
};

/* Bytes one record with a name of namelen bytes takes. */
size_t resmgr_dirent_size(size_t namelen);
/*
 * Appends one record at buf, which has room bytes left. Returns its length,
 * or 0 when it does not fit (nothing written).
 */
size_t resmgr_dirent_put(void *buf, size_t room, uint64_t ino, int64_t next_off, unsigned type,
			 const char *name, size_t namelen);

/*
 * The OCB that the connection named by info is bound to in this server,
 * for a request arriving on ctp (e.g. link()'s _IO_CONNECT_EXTRA_LINK).
 * info names the connection as _IO_DUP does: pid is the client's pid,
 * chid this server's channel, scoid the server connection id the client's
 * ConnectServerInfo reports, coid the client's connection (its fd). The
 * connection must belong to the sender of ctp's message (a root sender may
 * name another process's). *id (may be NULL) gets the attachment the OCB
 * was opened through. NULL with errno EBADF (no such binding here, or it
 * is not that process's) or EPERM.
 */
RESMGR_OCB_T *resmgr_ocb_by_info(resmgr_context_t *ctp, const struct _msg_info *info, int *id);

/* The current message's bytes [0, need) loaded into ctp->msg (reading what
 * the receive buffer did not hold): EOK, or EBADMSG when the message is
 * shorter than need or need exceeds the buffer. */
int resmgr_msg_load(resmgr_context_t *ctp, size_t need);
