/*
 * Message-passing state embedded in every thread (struct thread.ipc), and
 * the small types it needs. See ipc/ipc.h for the objects.
 */
#pragma once
#include <kernel/list.h>
#include <kernel/types.h>

struct channel;
struct scoid;
struct thread;

#define IPC_IOV_INLINE 4
#define IPC_IOV_MAX 1024
#define CHAN_MAX 1024
#define COID_FD_MAX 0x10000
#define SCOID_FLAG 0x10000 /* scoid ids are SCOID_FLAG | index */
#define SCOID_MAX 0xffff

struct ipc_iov {
	uaddr_t base;
	uint64_t len;
};

/* A list of user buffers in some address space, copied into the kernel. */
struct ipc_iovs {
	struct ipc_iov *v;     /* inl, or kmalloc'ed for more than IPC_IOV_INLINE parts */
	uint32_t n;
	uint64_t total;
	struct ipc_iov inl[IPC_IOV_INLINE];
};

/* A queued item on a channel: a SEND-blocked thread or a pulse. */
struct msgq_entry {
	struct list_node link;
	uint8_t prio;
	bool is_pulse;
};

struct pulse {
	struct msgq_entry qe;
	int8_t code;
	bool preallocated;      /* embedded in a thread (unblock pulse): not freed */
	int32_t scoid;
	uint64_t value;
};

/* Per-thread message state (struct thread.ipc). */
struct ipc_thread {
	/* as a client */
	struct msgq_entry qe;        /* [s] in chan->sendq (SEND) or chan->replying (REPLY) */
	struct channel *chan;        /* [s] where the message went */
	struct scoid *scoid;         /* [s] */
	int32_t coid;
	const struct ipc_iovs *siov; /* send and reply buffers (client's address space), */
	const struct ipc_iovs *riov; /* owned by the blocked MsgSend call's frame */
	struct thread *server;       /* [s] the thread that received the message (REPLY) */
	bool unblock_req;            /* [s] an unblock pulse was sent for this message */
	bool restart;                /* MsgError(ERESTART): re-send */
	uint16_t busy;               /* [s] servers copying its buffers (may be preempted) */
	bool deferred;               /* [s] a release arrived while busy: done at unpin */
	long deferred_result;        /* [s] */
	struct pulse unblock_pulse;  /* preallocated _PULSE_CODE_UNBLOCK */
	/* as a server */
	struct ipc_iovs rcv;         /* receive buffers while RECEIVE-blocked */
	uaddr_t rcv_info;            /* user struct _msg_info *, or 0 */
	struct channel *last_chan;   /* [s] channel last received on (server boost) */
};

