/*
 * rsm: the private protocol between t_resmgr and its helper programs
 * (rsm_server, the sample resource manager; rsm_client, a client that dies
 * holding open OCBs). Message types outside the I/O range, handled by the
 * server through message_attach().
 */
#pragma once
#include <stdint.h>

#define RSM_STATS 0x2000 /* reply: struct rsm_stats */
#define RSM_QUIT 0x2001  /* reply EOK, then the server exits 0 */

/* Sent by rsm_server to the test's channel once it is ready. */
struct rsm_report {
	char tag[8];       /* "rsm" */
	int32_t chid;      /* the server's dispatch channel */
	int32_t ids[3];    /* resmgr_attach ids: null, zero, pipe */
	int32_t path_errno; /* what resmgr_attach with a path failed with */
};

struct rsm_stats {
	int32_t live_ocbs; /* OCBs allocated and not freed (mount ocb hooks) */
	uint32_t bindings; /* dispatch_stats */
	uint32_t ocbs;
	int32_t waiters;   /* blocked pipe reads */
	int32_t count[3];  /* attr->count of null, zero, pipe */
	int32_t armed;     /* notify events armed on the pipe */
};

enum { RSM_NULL, RSM_ZERO, RSM_PIPE };
