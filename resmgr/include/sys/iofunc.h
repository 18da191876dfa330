/*
 * The iofunc (POSIX) layer of the resource-manager library (resmgr/): the
 * attribute structure (one per device or file), the OCB (one per open),
 * the optional mount structure, and default handlers with POSIX semantics
 * (permission checks against the client's credentials, open counts, seek
 * offsets, times, flags, select/poll notification lists). QNX Neutrino
 * names. Included by servers before sys/resmgr.h / sys/dispatch.h.
 */
#pragma once
#include <stdint.h>
#include <sys/types.h>

struct _iofunc_attr;
struct _iofunc_ocb;
#ifndef RESMGR_HANDLE_T
#define RESMGR_HANDLE_T struct _iofunc_attr
#endif
#ifndef RESMGR_OCB_T
#define RESMGR_OCB_T struct _iofunc_ocb
#endif
#include <sys/resmgr.h>

/* Hooks of a mount: how OCBs are allocated (e.g. a larger OCB). */
typedef struct _iofunc_funcs {
	unsigned nfuncs;
	struct _iofunc_ocb *(*ocb_calloc)(resmgr_context_t *ctp, struct _iofunc_attr *attr);
	void (*ocb_free)(struct _iofunc_ocb *ocb);
} iofunc_funcs_t;
#define _IOFUNC_NFUNCS 2

typedef struct _iofunc_mount {
	uint32_t flags;
	uint32_t conf;      /* IOFUNC_PC_* */
	uint64_t dev;       /* st_dev */
	int32_t blocksize;  /* st_blksize; 0 = 512 */
	iofunc_funcs_t *funcs;
	void *reserved;
} iofunc_mount_t;

#define IOFUNC_PC_CHOWN_RESTRICTED 0x0001
#define IOFUNC_PC_NO_TRUNC 0x0002
#define IOFUNC_PC_SYNC_IO 0x0004
#define IOFUNC_PC_LINK_DIR 0x0008

typedef struct _iofunc_attr {
	iofunc_mount_t *mount;
	uint32_t flags;      /* IOFUNC_ATTR_* */
	int32_t lock_tid;
	uint32_t lock_count;
	uint32_t count;      /* OCBs open on it */
	uint32_t rcount;     /* ... for reading */
	uint32_t wcount;     /* ... for writing */
	uint32_t rlocks;
	uint32_t wlocks;
	int64_t nbytes;      /* st_size */
	uint64_t inode;
	uint32_t uid;
	uint32_t gid;
	int64_t mtime, mtime_nsec;
	int64_t atime, atime_nsec;
	int64_t ctime, ctime_nsec;
	uint32_t mode;       /* S_IF* | permissions */
	uint32_t nlink;
	uint64_t rdev;
} iofunc_attr_t;

/* attr->flags: times to set to "now" at the next iofunc_time_update(). */
#define IOFUNC_ATTR_CTIME 0x0002
#define IOFUNC_ATTR_MTIME 0x0004
#define IOFUNC_ATTR_ATIME 0x0008
#define IOFUNC_ATTR_DIRTY_TIME (IOFUNC_ATTR_CTIME | IOFUNC_ATTR_MTIME | IOFUNC_ATTR_ATIME)

typedef struct _iofunc_ocb {
	iofunc_attr_t *attr;
	int32_t ioflag;  /* _IO_FLAG_RD/_IO_FLAG_WR | other O_* flags */
	int64_t offset;
	uint16_t sflag;
	uint16_t flags;  /* IOFUNC_OCB_* */
	void *reserved;
} iofunc_ocb_t;

#define IOFUNC_OCB_PRIVILEGED 0x0001 /* opened by root */
#define IOFUNC_OCB_FLAGS_PRIVATE 0xF000

/* iofunc_ocb_detach() result bits */
#define IOFUNC_OCB_LAST_INUSE 0x0001
#define IOFUNC_OCB_LAST_READER 0x0002
#define IOFUNC_OCB_LAST_WRITER 0x0004

/* Notification lists: one per condition. */
#define IOFUNC_NOTIFY_INPUT 0
#define IOFUNC_NOTIFY_OUTPUT 1
#define IOFUNC_NOTIFY_OBAND 2

typedef struct _iofunc_notify_event {
	struct _iofunc_notify_event *next;
	int rcvid;   /* of the arming request: MsgDeliverEvent's target */
	int scoid;
	int coid;
	int cnt;     /* fire when the trigger count reaches this */
	struct sigevent event;
} iofunc_notify_event_t;

typedef struct _iofunc_notify {
	int cnt;
	iofunc_notify_event_t *list;
} iofunc_notify_t;

/* Set-up */
void iofunc_func_init(unsigned nconnect, resmgr_connect_funcs_t *connect, unsigned nio,
		      resmgr_io_funcs_t *io);
/* mode: S_IF* type and permissions; owner from info (NULL: root), or from
 * dattr's if given. Times are set to now. */
void iofunc_attr_init(iofunc_attr_t *attr, mode_t mode, iofunc_attr_t *dattr,
		      struct _client_info *info);
void iofunc_time_update(iofunc_attr_t *attr);

/* Credentials of the current message's client (ConnectClientInfo). EOK or errno. */
int iofunc_client_info(resmgr_context_t *ctp, int ioflag, struct _client_info *info);
/* checkmode: S_IREAD/S_IWRITE/S_IEXEC (any mix) need those permissions;
 * S_ISUID: must own attr; S_ISGID: must own attr or be in its group.
 * Root passes read/write and ownership; exec needs some x bit. EOK, EACCES
 * or EPERM (ownership). info NULL: fetched for ctp. */
int iofunc_check_access(resmgr_context_t *ctp, const iofunc_attr_t *attr, mode_t checkmode,
			const struct _client_info *info);

/* open */
int iofunc_open(resmgr_context_t *ctp, io_open_t *msg, iofunc_attr_t *attr, iofunc_attr_t *dattr,
		struct _client_info *info);
int iofunc_open_default(resmgr_context_t *ctp, io_open_t *msg, iofunc_attr_t *attr, void *extra);
iofunc_ocb_t *iofunc_ocb_calloc(resmgr_context_t *ctp, iofunc_attr_t *attr);
void iofunc_ocb_free(iofunc_ocb_t *ocb);
/* Fills ocb (allocated here when NULL) from msg, counts it in attr and
 * binds it to the client's connection. EOK or errno (nothing changed). */
int iofunc_ocb_attach(resmgr_context_t *ctp, io_open_t *msg, iofunc_ocb_t *ocb,
		      iofunc_attr_t *attr, const resmgr_io_funcs_t *io_funcs);
/* Uncounts ocb from its attr; returns IOFUNC_OCB_LAST_* bits. */
int iofunc_ocb_detach(resmgr_context_t *ctp, iofunc_ocb_t *ocb);

/* close */
int iofunc_close_dup_default(resmgr_context_t *ctp, io_close_t *msg, iofunc_ocb_t *ocb);
int iofunc_close_ocb_default(resmgr_context_t *ctp, void *reserved, iofunc_ocb_t *ocb);

/* read / write: verify access mode and request; *nonblock (may be NULL) gets
 * whether this call must not block (O_NONBLOCK, overridden by _IO_XFLAG_*). */
int iofunc_read_verify(resmgr_context_t *ctp, io_read_t *msg, iofunc_ocb_t *ocb, int *nonblock);
int iofunc_write_verify(resmgr_context_t *ctp, io_write_t *msg, iofunc_ocb_t *ocb, int *nonblock);
int iofunc_read_default(resmgr_context_t *ctp, io_read_t *msg, iofunc_ocb_t *ocb);
int iofunc_write_default(resmgr_context_t *ctp, io_write_t *msg, iofunc_ocb_t *ocb);
/* The explicit offset of an _IO_XTYPE_OFFSET read/write (pread/pwrite), or
 * the OCB's offset. EOK or errno. */
int iofunc_rw_offset(resmgr_context_t *ctp, const void *msg, const iofunc_ocb_t *ocb,
		     int64_t *offset);
/* The byte range [*from, *end) of an _IO_SPACE request (ftruncate,
 * fallocate): its whence resolved against the OCB's offset or the file's
 * size. EOK; EINVAL (FREESP) or EBADF (ALLOCSP) when the OCB is not open
 * for writing, EINVAL for a bad whence, a negative start or length or an
 * overflow. */
int iofunc_space_range(const iofunc_ocb_t *ocb, const struct _io_space *s, uint64_t *from,
		       uint64_t *end);

/* attributes */
int iofunc_stat(resmgr_context_t *ctp, iofunc_attr_t *attr, struct _io_stat *st);
int iofunc_stat_default(resmgr_context_t *ctp, io_stat_t *msg, iofunc_ocb_t *ocb);
int iofunc_lseek_default(resmgr_context_t *ctp, io_lseek_t *msg, iofunc_ocb_t *ocb);
int iofunc_chmod_default(resmgr_context_t *ctp, io_chmod_t *msg, iofunc_ocb_t *ocb);
int iofunc_chown_default(resmgr_context_t *ctp, io_chown_t *msg, iofunc_ocb_t *ocb);
int iofunc_utime_default(resmgr_context_t *ctp, io_utime_t *msg, iofunc_ocb_t *ocb);
int iofunc_pathconf_default(resmgr_context_t *ctp, io_pathconf_t *msg, iofunc_ocb_t *ocb);
int iofunc_sync_default(resmgr_context_t *ctp, io_sync_t *msg, iofunc_ocb_t *ocb);
/* DCMD_ALL_GETFLAGS / SETFLAGS; _RESMGR_DEFAULT for anything else. */
int iofunc_devctl(resmgr_context_t *ctp, io_devctl_t *msg, iofunc_ocb_t *ocb, iofunc_attr_t *attr);
int iofunc_devctl_default(resmgr_context_t *ctp, io_devctl_t *msg, iofunc_ocb_t *ocb);
/* Nothing to release (no lock waiters yet): _RESMGR_DEFAULT. */
int iofunc_unblock_default(resmgr_context_t *ctp, io_pulse_t *msg, iofunc_ocb_t *ocb);

/*
 * select/poll. nop is an array of 3 lists (IOFUNC_NOTIFY_*); trig holds the
 * _NOTIFY_COND_* bits true now; notifycounts (NULL: 1 each) the count each
 * list's events wait for. Polls, and arms the request's event on the wanted
 * lists as its action says; one arming per connection and list (a new one
 * replaces it; a plain POLL disarms). Sets *armed (may be NULL). Replies
 * the conditions that hold (_RESMGR_NPARTS(1)) or returns an errno.
 */
int iofunc_notify(resmgr_context_t *ctp, io_notify_t *msg, iofunc_notify_t *nop, int trig,
		  const int *notifycounts, int *armed);
/* Delivers (MsgDeliverEvent) and disarms the events on nop[index] whose
 * count is <= count. */
void iofunc_notify_trigger(iofunc_notify_t *nop, int count, int index);
/* Disarms everything the current connection armed on the 3 lists. */
void iofunc_notify_remove(resmgr_context_t *ctp, iofunc_notify_t *nop);
