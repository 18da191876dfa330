/*
 * The dispatch layer of the resource-manager library (resmgr/): owns a
 * channel and the receive loop, and demultiplexes what arrives: kernel
 * pulses (unblock, disconnect) to the resmgr layer, user pulses to
 * pulse_attach() handlers, I/O messages (0x100..0x1FF) to the resmgr layer,
 * other message types to message_attach() ranges, anything else ENOSYS.
 * QNX Neutrino names; included by servers (usually through sys/iofunc.h).
 *
 * One loop shape for every server:
 *     ctp = dispatch_context_alloc(dpp);
 *     for (;;) { if (dispatch_block(ctp)) dispatch_handler(ctp); }
 * dispatch_handler() sends exactly one reply per message, from the handler's
 * return value (conventions in sys/resmgr.h), unless the handler returns
 * _RESMGR_NOREPLY (it replied itself or keeps the rcvid for later).
 *
 * Single-threaded: a dispatch_t and its contexts belong to one thread.
 */
#pragma once
#include <stddef.h>
#include <stdint.h>
#include <sys/iomsg.h>
#include <sys/neutrino.h>

typedef struct _dispatch dispatch_t;
typedef struct _resmgr_context resmgr_context_t;
/* One context type serves all three QNX names. */
typedef struct _resmgr_context message_context_t;
typedef struct _resmgr_context dispatch_context_t;

/* Everything that can be in the receive buffer. */
typedef union _resmgr_iomsgs {
	uint16_t type;
	struct _pulse pulse;
	struct _io_connect connect;
	struct _io_read read;
	struct _io_write write;
	struct _io_stat_req stat;
	struct _io_stat stat_reply;
	struct _io_notify notify;
	struct _io_devctl devctl;
	struct _io_pathconf pathconf;
	struct _io_lseek lseek;
	struct _io_chmod chmod;
	struct _io_chown chown;
	struct _io_utime utime;
	struct _io_space space;
	struct _io_sync sync;
	struct _io_msg msg;
	struct _io_dup dup;
	struct _io_close close;
} resmgr_iomsgs_t;

struct _resmgr_context {
	int rcvid;               /* of the message; 0 for a pulse or a synthesized close */
	struct _msg_info info;   /* MsgReceive's info (for an unblock: the blocked request's) */
	resmgr_iomsgs_t *msg;    /* receive buffer, msg_max_size bytes; the current message */
	dispatch_t *dpp;
	int id;                  /* resmgr_attach id the message is for, or -1 */
	unsigned tid;
	size_t msg_max_size;
	long status;             /* reply status for EOK and _RESMGR_NPARTS replies */
	size_t offset;           /* offset of the current message in the client's send data */
	size_t size;             /* bytes of the current message held in msg */
	size_t msg_base;         /* private: client offset of msg's first byte */
	unsigned iov_max;        /* parts in iov */
	iov_t iov[];             /* reply parts for _RESMGR_NPARTS */
};

/* dispatch_create_channel() flags */
#define DISPATCH_FLAG_NOLOCK 0x0001

/* Creates a dispatch structure with its own channel (ChannelCreate with
 * _NTO_CHF_UNBLOCK | _NTO_CHF_DISCONNECT). NULL and errno on failure. */
dispatch_t *dispatch_create(void);
/* The same on an existing channel chid (the caller created it with those
 * flags), or a new one for chid == -1. */
dispatch_t *dispatch_create_channel(int chid, unsigned flags);
/* Frees dpp (its attachments, bindings and OCB records without calling
 * close handlers) and destroys the channel if dispatch created it. 0 / -1. */
int dispatch_destroy(dispatch_t *dpp);

/* Allocates a context sized for everything attached so far (attach first).
 * NULL and errno on failure. */
dispatch_context_t *dispatch_context_alloc(dispatch_t *dpp);
void dispatch_context_free(dispatch_context_t *ctp);
/* Receives the next message or pulse into ctp. Returns ctp, or NULL with
 * errno (EINTR when a signal interrupted the receive). */
dispatch_context_t *dispatch_block(dispatch_context_t *ctp);
/* Handles what dispatch_block() received. 0, or -1 with errno when ctp
 * held nothing valid. */
int dispatch_handler(dispatch_context_t *ctp);

/* pulse_attach() / message_attach() flags */
#define MSG_FLAG_ALLOC_PULSE 0x0001 /* pulse_attach: pick a free code */

typedef int (*dispatch_func_t)(message_context_t *ctp, int code, unsigned flags, void *handle);

/* Calls func for pulses with this code (kernel codes included: attaching
 * _PULSE_CODE_DISCONNECT or _PULSE_CODE_UNBLOCK replaces the library's
 * handling). Returns the code, or -1 with errno. */
int pulse_attach(dispatch_t *dpp, int flags, int code, dispatch_func_t func, void *handle);
int pulse_detach(dispatch_t *dpp, int code, int flags);

typedef struct _message_attr {
	unsigned flags;
	unsigned nparts_max;
	unsigned msg_max_size;
	unsigned reserved[5];
} message_attr_t;

/*
 * Calls func(ctp, type, 0, handle) for messages whose type (first 16 bits)
 * is in [low, high]. The return value follows the resmgr reply conventions
 * (EOK, errno, _RESMGR_NPARTS, _RESMGR_NOREPLY): unlike QNX, the library
 * sends the reply. 0, or -1 with errno (EBUSY: overlaps another range).
 */
int message_attach(dispatch_t *dpp, message_attr_t *attr, int low, int high, dispatch_func_t func,
		   void *handle);
int message_detach(dispatch_t *dpp, int low, int high, int flags);

/* Not QNX: counters for leak checks and servers that report their state. */
struct dispatch_stats {
	unsigned bindings; /* (scoid, coid) -> OCB bindings */
	unsigned ocbs;     /* OCBs bound to at least one connection */
	unsigned attaches; /* resmgr_attach() entries */
	unsigned contexts; /* live contexts */
};
void dispatch_stats(const dispatch_t *dpp, struct dispatch_stats *st);
