/*
 * The resmgr layer of the resource-manager library (resmgr/): attachments
 * (a handle with connect and I/O handler tables), the binding of each client
 * connection (scoid, coid) to an OCB, and the handler tables and reply
 * conventions. QNX Neutrino names. Include sys/iofunc.h first to get the
 * iofunc types as RESMGR_HANDLE_T / RESMGR_OCB_T, or define them yourself
 * (e.g. to a larger OCB that embeds iofunc_ocb_t first) before including.
 *
 * Handler return values (the library sends the one reply):
 *   EOK (0)            MsgReply(rcvid, ctp->status, NULL, 0)
 *   an errno (> 0)     MsgError(rcvid, errno)
 *   _RESMGR_NPARTS(n)  MsgReplyv(rcvid, ctp->status, ctp->iov, n)
 *   _RESMGR_NOREPLY    nothing: the handler replied, or keeps ctp->rcvid and
 *                      replies later (a blocking read); then io_funcs.unblock
 *                      must answer the unblock pulse for that rcvid.
 *   _RESMGR_DEFAULT    the library's default; for most messages ENOSYS.
 * A NULL handler (or one past nfuncs) means ENOSYS, except: close_dup (EOK),
 * close_ocb (nothing), unblock (nothing), dup (just bind), mmap (ENODEV,
 * also for _RESMGR_DEFAULT: the server cannot map its files).
 */
#pragma once
#include <sys/dispatch.h>

#ifndef RESMGR_HANDLE_T
#define RESMGR_HANDLE_T void
#endif
#ifndef RESMGR_OCB_T
#define RESMGR_OCB_T void
#endif

#define _RESMGR_NOREPLY ((int)0x80000000u)
#define _RESMGR_DEFAULT ((int)0x80000001u)
#define _RESMGR_ERRNO(e) (e)
#define _RESMGR_NPARTS(n) (-(n))
#define _RESMGR_STATUS(ctp, s) ((ctp)->status = (s))
#define _RESMGR_PTR(ctp, addr, len) (SETIOV((ctp)->iov + 0, (addr), (len)), _RESMGR_NPARTS(1))
#define _IO_SET_READ_NBYTES(ctp, n) ((ctp)->status = (long)(n))
#define _IO_SET_WRITE_NBYTES(ctp, n) ((ctp)->status = (long)(n))
#define _IO_SET_CONNECT_RET(ctp, s) ((ctp)->status = (long)(s))

/* Message unions the handlers see: i = request, o = reply (in place). */
typedef union {
	struct _io_connect connect;
	struct _io_connect_link_reply link_reply;
	struct _io_connect_ftype_reply ftype_reply;
} io_open_t;
typedef io_open_t io_unlink_t, io_rename_t, io_mknod_t, io_readlink_t, io_link_t, io_mount_t;
typedef union { struct _io_read i; } io_read_t;
typedef union { struct _io_write i; } io_write_t;
typedef union { struct _io_stat_req i; struct _io_stat o; } io_stat_t;
typedef union { struct _io_notify i; struct _io_notify_reply o; } io_notify_t;
typedef union { struct _io_devctl i; struct _io_devctl_reply o; } io_devctl_t;
typedef union { struct _io_pathconf i; } io_pathconf_t;
typedef union { struct _io_lseek i; uint64_t o; } io_lseek_t;
typedef union { struct _io_chmod i; } io_chmod_t;
typedef union { struct _io_chown i; } io_chown_t;
typedef union { struct _io_utime i; } io_utime_t;
typedef union { struct _io_space i; uint64_t o; } io_space_t;
typedef union { struct _io_sync i; } io_sync_t;
typedef union { struct _io_msg i; } io_msg_t;
typedef union { struct _io_dup i; } io_dup_t;
typedef union { struct _io_close i; } io_close_t;
typedef union { struct _io_mmap i; struct _io_mmap_reply o; } io_mmap_t;
typedef struct _pulse io_pulse_t;

typedef struct _resmgr_connect_funcs {
	unsigned nfuncs;
	int (*open)(resmgr_context_t *ctp, io_open_t *msg, RESMGR_HANDLE_T *handle, void *extra);
	int (*unlink)(resmgr_context_t *ctp, io_unlink_t *msg, RESMGR_HANDLE_T *handle, void *reserved);
	int (*rename)(resmgr_context_t *ctp, io_rename_t *msg, RESMGR_HANDLE_T *handle, void *extra);
	int (*mknod)(resmgr_context_t *ctp, io_mknod_t *msg, RESMGR_HANDLE_T *handle, void *reserved);
	int (*readlink)(resmgr_context_t *ctp, io_readlink_t *msg, RESMGR_HANDLE_T *handle, void *reserved);
	int (*link)(resmgr_context_t *ctp, io_link_t *msg, RESMGR_HANDLE_T *handle, void *extra);
	int (*unblock)(resmgr_context_t *ctp, io_pulse_t *msg, RESMGR_HANDLE_T *handle, void *reserved);
	int (*mount)(resmgr_context_t *ctp, io_mount_t *msg, RESMGR_HANDLE_T *handle, void *extra);
} resmgr_connect_funcs_t;
#define _RESMGR_CONNECT_NFUNCS ((sizeof(resmgr_connect_funcs_t) - sizeof(unsigned)) / sizeof(void *))

/* Order = message order (slot i handles type 0x101 + i). */
typedef struct _resmgr_io_funcs {
	unsigned nfuncs;
	int (*read)(resmgr_context_t *ctp, io_read_t *msg, RESMGR_OCB_T *ocb);
	int (*write)(resmgr_context_t *ctp, io_write_t *msg, RESMGR_OCB_T *ocb);
	int (*close_ocb)(resmgr_context_t *ctp, void *reserved, RESMGR_OCB_T *ocb);
	int (*stat)(resmgr_context_t *ctp, io_stat_t *msg, RESMGR_OCB_T *ocb);
	int (*notify)(resmgr_context_t *ctp, io_notify_t *msg, RESMGR_OCB_T *ocb);
	int (*devctl)(resmgr_context_t *ctp, io_devctl_t *msg, RESMGR_OCB_T *ocb);
	int (*unblock)(resmgr_context_t *ctp, io_pulse_t *msg, RESMGR_OCB_T *ocb);
	int (*pathconf)(resmgr_context_t *ctp, io_pathconf_t *msg, RESMGR_OCB_T *ocb);
	int (*lseek)(resmgr_context_t *ctp, io_lseek_t *msg, RESMGR_OCB_T *ocb);
	int (*chmod)(resmgr_context_t *ctp, io_chmod_t *msg, RESMGR_OCB_T *ocb);
	int (*chown)(resmgr_context_t *ctp, io_chown_t *msg, RESMGR_OCB_T *ocb);
	int (*utime)(resmgr_context_t *ctp, io_utime_t *msg, RESMGR_OCB_T *ocb);
	int (*openfd)(resmgr_context_t *ctp, void *msg, RESMGR_OCB_T *ocb);
	int (*fdinfo)(resmgr_context_t *ctp, void *msg, RESMGR_OCB_T *ocb);
	int (*lock)(resmgr_context_t *ctp, void *msg, RESMGR_OCB_T *ocb);
	int (*space)(resmgr_context_t *ctp, io_space_t *msg, RESMGR_OCB_T *ocb);
	int (*shutdown)(resmgr_context_t *ctp, void *msg, RESMGR_OCB_T *ocb);
	int (*mmap)(resmgr_context_t *ctp, io_mmap_t *msg, RESMGR_OCB_T *ocb);
	int (*msg)(resmgr_context_t *ctp, io_msg_t *msg, RESMGR_OCB_T *ocb);
	int (*reserved)(resmgr_context_t *ctp, void *msg, RESMGR_OCB_T *ocb);
	int (*dup)(resmgr_context_t *ctp, io_dup_t *msg, RESMGR_OCB_T *ocb);
	int (*close_dup)(resmgr_context_t *ctp, io_close_t *msg, RESMGR_OCB_T *ocb);
	int (*lock_ocb)(resmgr_context_t *ctp, void *reserved, RESMGR_OCB_T *ocb);
	int (*unlock_ocb)(resmgr_context_t *ctp, void *reserved, RESMGR_OCB_T *ocb);
	int (*sync)(resmgr_context_t *ctp, io_sync_t *msg, RESMGR_OCB_T *ocb);
	int (*power)(resmgr_context_t *ctp, void *msg, RESMGR_OCB_T *ocb);
} resmgr_io_funcs_t;
#define _RESMGR_IO_NFUNCS ((sizeof(resmgr_io_funcs_t) - sizeof(unsigned)) / sizeof(void *))

typedef struct _resmgr_attr {
	unsigned flags;
	unsigned nparts_max;   /* reply parts a handler may use (default 4) */
	unsigned msg_max_size; /* receive buffer (default 5120: a connect with a 4 KiB path) */
	int (*other_func)(resmgr_context_t *ctp, void *msg); /* non-I/O messages nobody attached */
	unsigned reserved[4];
} resmgr_attr_t;

/* resmgr_attach() flags (= the path manager's PATHMGR_FLAG_*) */
#define _RESMGR_FLAG_BEFORE 0x0001
#define _RESMGR_FLAG_AFTER 0x0002
#define _RESMGR_FLAG_OPAQUE 0x0004
#define _RESMGR_FLAG_FTYPEONLY 0x0008
#define _RESMGR_FLAG_FTYPEALL 0x0010
#define _RESMGR_FLAG_DIR 0x0100
#define _RESMGR_FLAG_SELF 0x0200

/* resmgr_detach() flags */
#define _RESMGR_DETACH_ALL 0x0000
#define _RESMGR_DETACH_PATHNAME 0x0001 /* only remove the name; the id stays attached */
#define _RESMGR_DETACH_CLOSE 0x0002 /* also close every OCB opened through it */

/*
 * Attaches a handle with its handler tables to dpp. Returns the id (>= 0),
 * which _IO_CONNECT messages name in their handle field, or -1 with errno.
 * A path (absolute) is registered with procnto's path manager
 * (<sys/pathmgr.h>: root only, EPERM otherwise) with file_type and the
 * _RESMGR_FLAG_* flags, so that opens of it (and, with _RESMGR_FLAG_DIR,
 * of names below it) reach dpp's channel with the id as handle; it stays
 * until resmgr_detach() or the process's death. path NULL: no name
 * (clients connect to the channel directly and put the id in handle).
 * Not from procnto itself (it would send to its own channel).
 */
int resmgr_attach(dispatch_t *dpp, resmgr_attr_t *attr, const char *path, int file_type,
		  unsigned flags, const resmgr_connect_funcs_t *connect_funcs,
		  const resmgr_io_funcs_t *io_funcs, RESMGR_HANDLE_T *handle);
int resmgr_detach(dispatch_t *dpp, int id, unsigned flags);

/* Binds the connection the current message came on to ocb, handled by
 * io_funcs (NULL: the attachment's). 0, or -1 with errno (ENOMEM, EBUSY). */
int resmgr_open_bind(resmgr_context_t *ctp, RESMGR_OCB_T *ocb, const resmgr_io_funcs_t *io_funcs);
/* The OCB bound to the current message's connection, or NULL. */
RESMGR_OCB_T *resmgr_ocb(resmgr_context_t *ctp);

/* Reads bytes of the current message from offset (relative to the message
 * start, ctp->offset). Bytes read or -1 with errno. */
long resmgr_msgread(resmgr_context_t *ctp, void *msg, size_t nbytes, size_t offset);
long resmgr_msgreadv(resmgr_context_t *ctp, const iov_t *iov, int parts, size_t offset);
