/*
 * Internals of the resource-manager library shared by its files: the
 * dispatch structure, attachments, the (scoid, coid) -> OCB binding table
 * and the reply helper. Not installed; servers see only sys/dispatch.h,
 * sys/resmgr.h and sys/iofunc.h.
 */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <sys/resmgr.h>

#define RESMGR_MSG_MAX_DEFAULT 5120u /* _io_connect + a 4 KiB path + extra */
#define RESMGR_NPARTS_DEFAULT 4u
#define BIND_BUCKETS 256u

/* Handler `name` of table f, or NULL when absent or past f->nfuncs. */
#define IO_FUNC(f, name)                                                                  \
	((f)->nfuncs > (offsetof(resmgr_io_funcs_t, name) - offsetof(resmgr_io_funcs_t, read)) / \
			       sizeof(void *) ? (f)->name : NULL)
#define CONNECT_FUNC(f, name)                                                            \
	((f)->nfuncs > (offsetof(resmgr_connect_funcs_t, name) -                              \
			offsetof(resmgr_connect_funcs_t, open)) / sizeof(void *) ? (f)->name : NULL)

struct pulse_entry {
	struct pulse_entry *next;
	int code;
	dispatch_func_t func;
	void *handle;
};

struct msg_range {
	struct msg_range *next;
	int low, high;
	dispatch_func_t func;
	void *handle;
};

struct attachment {
	bool used;
	int file_type;
	unsigned flags;
	const resmgr_connect_funcs_t *connect_funcs;
	const resmgr_io_funcs_t *io_funcs;
	void *handle;
	int link_id;       /* procnto's id for the attached path; 0: no path */
};

/* One OCB as the library sees it: shared by every binding to it. */
struct ocb_ref {
	void *ocb;
	const resmgr_io_funcs_t *funcs;
	int id;        /* attachment it was opened through */
	unsigned refs; /* bindings */
};

struct binding {
	struct binding *next;
	int32_t scoid, coid;
	struct ocb_ref *ref;
};

struct _dispatch {
	int chid;
	bool own_chid;
	unsigned flags;
	size_t msg_max_size;
	unsigned nparts_max;
	struct pulse_entry *pulses;
	struct msg_range *ranges;
	struct attachment *attaches;
	unsigned nattaches; /* slots */
	unsigned nused;     /* used slots */
	int (*other_func)(resmgr_context_t *ctp, void *msg);
	struct binding *buckets[BIND_BUCKETS];
	unsigned nbindings;
	unsigned nocbs;
	unsigned ncontexts;
};

/* Sends the one reply a handler's result r asks for (see sys/resmgr.h);
 * nothing when ctp->rcvid is 0 (synthesized messages). */
void resmgr_reply_result(resmgr_context_t *ctp, int r);

/* attach.c */
struct attachment *attach_lookup(dispatch_t *dpp, int id);

/* bind.c */
struct binding *bind_find(dispatch_t *dpp, int scoid, int coid);
/* Binds (scoid, coid) to ref (refs++). EOK or ENOMEM. */
int bind_add(dispatch_t *dpp, int scoid, int coid, struct ocb_ref *ref);
/*
 * Drops binding b as an _IO_CLOSE does: close_dup, unbind, and close_ocb on
 * the OCB's last binding. ctp->info.scoid/coid are set to b's. Returns
 * close_dup's result.
 */
int bind_close(resmgr_context_t *ctp, struct binding *b);
/* Closes every binding of scoid (client gone), or of attachment id when
 * scoid is 0. */
void bind_close_all(resmgr_context_t *ctp, int scoid, int id);
/* Frees every binding and OCB record without calling handlers. */
void bind_free_all(dispatch_t *dpp);

/* io.c / connect.c */
/* Handles an I/O message (0x100..0x1FF) and replies. */
void io_handle(resmgr_context_t *ctp);
void io_handle_unblock(resmgr_context_t *ctp, int rcvid);
void io_handle_connect(resmgr_context_t *ctp);
/* Makes the message at ctp->offset start at ctp->msg with at least need
 * bytes (and up to msg_max_size) loaded. EOK, EBADMSG (shorter message) or
 * an errno from MsgRead. */
int io_load(resmgr_context_t *ctp, size_t need);
/* Runs the I/O message chain at ctp->offset on binding b; returns the
 * last handler's result; *closed set when the chain closed b. */
int io_chain(resmgr_context_t *ctp, struct binding *b, bool *closed);

struct _client_info;
/* *info, or when it is NULL the sender's credentials fetched into *own
 * (and *info pointed at them); 0 or an errno. */
int client_info_default(resmgr_context_t *ctp, const struct _client_info **info,
			struct _client_info *own);

/* faultpoint.c: fault points (sys/faultpoint.h). dispatch_handler() calls
 * faultpoint_check() first for every message; it returns 1 when it
 * handled (replied to) the message itself. */
#define _FAULTPOINT_MSG_TYPE 0x03F0 /* = _FAULTPOINT_MSG */
extern int faultpoint_armed;
int faultpoint_check_slow(resmgr_context_t *ctp, int type);
static inline int faultpoint_check(resmgr_context_t *ctp, int type)
{
	if (type != _FAULTPOINT_MSG_TYPE && !faultpoint_armed)
		return 0;
	return faultpoint_check_slow(ctp, type);
}

/* heartbeat.c: heartbeats to the restart manager (sys/restart.h).
 * heartbeat_start() is called by dispatch_context_alloc(): it starts the
 * beat when the environment asks for one (once per process); the timer's
 * pulse (code _PULSE_CODE_RESMGR_BEAT) comes back through the dispatch
 * loop, which calls heartbeat_tick(). */
#define _PULSE_CODE_RESMGR_BEAT (-64)
void heartbeat_start(dispatch_t *dpp);
void heartbeat_tick(void);
