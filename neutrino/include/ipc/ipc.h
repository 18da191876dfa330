/*
 * Message passing objects (QNX Neutrino semantics; see DESIGN.md section 5):
 * channels owned by processes, connections in two id spaces (file
 * descriptors from 0, side channels from _NTO_SIDE_CHANNEL), server
 * connections (scoids, one per client process and channel), queued senders
 * and pulses in priority order, receive ids for REPLY-blocked clients.
 *
 * Lock legend: [k] thread context only (single CPU, kernel not preemptible);
 * [s] also touched with interrupts off (send queues, receivers: pulses are
 * sent from interrupt handlers), so changed with interrupts off.
 */
#pragma once
#include <kernel/list.h>
#include <kernel/errno.h>
#include <kernel/types.h>
#include <mm/uaccess.h>
#include <sched/waitq.h>
#include <sys/neutrino.h>
#include <ipc/ipc_thread.h>

struct process;
struct thread;

struct channel {
	int32_t chid;               /* [I] */
	uint32_t flags;             /* [I] _NTO_CHF_* */
	struct process *owner;      /* [I] */
	struct waitq receivers;     /* [s] RECEIVE-blocked server threads */
	struct list_node sendq;     /* [s] msgq_entry: senders and pulses, priority then FIFO */
	struct list_node replying;  /* [s] clients REPLY-blocked on a message from this channel */
	struct list_node scoids;    /* [k] server connections */
	struct list_node conns;     /* [k] client connections attached to it */
	bool dead;                  /* [k] destroyed: connections to it are stale */
};

/* Server side of all connections from one client process to one channel. */
struct scoid {
	int32_t id;                 /* [I] SCOID_FLAG | index in the server's table */
	struct channel *chan;       /* [k] NULL once the channel is gone */
	struct process *client;     /* [k] NULL once the client is gone */
	struct list_node chan_link; /* [k] in chan->scoids */
	uint32_t nconns;            /* [k] client connections using it */
	bool disconnected;          /* [k] waiting for the server's ConnectDetach(scoid) */
};

/* Client side: a coid. */
struct connection {
	int32_t coid;               /* [I] */
	uint32_t flags;             /* [k] _NTO_COF_CLOEXEC */
	struct channel *chan;       /* [k] NULL when the channel died (EBADF) */
	struct scoid *scoid;        /* [k] */
	pid_t server_pid;           /* [I] */
	int32_t chid;               /* [I] */
	struct list_node chan_link; /* [k] in chan->conns */
};

/* Per-process tables (struct process.ipc). */
struct ipc_proc {
	struct channel *chans[CHAN_MAX];  /* [k] chid = index + 1 */
	struct connection **fds;          /* [k] fd space */
	uint32_t nfds;
	struct connection **side;         /* [k] side-channel space: coid = _NTO_SIDE_CHANNEL + i */
	uint32_t nside;
	struct scoid **scoids;            /* [k] */
	uint32_t nscoids;
	struct channel *death_chan;       /* [k] THREAD_DEATH / COID_DISCONNECT channel */
};

struct ipc_proc *ipc_proc_get(struct process *p); /* allocates on first use; NULL if no memory */
struct channel *channel_lookup(struct process *p, int chid);
struct connection *connection_lookup(struct process *p, int coid);
struct scoid *scoid_lookup(struct process *p, int scoid);

/* iov handling (ipc/iov.c) */
int ipc_iovs_load_vector(struct ipc_iovs *io, uaddr_t addr, int parts);
void ipc_iovs_free_vector(struct ipc_iovs *io);

/* Copies in a user iov array (parts > 0) or a linear buffer (parts <= 0:
 * one buffer of -parts bytes at addr). Inline for the linear case, which is
 * every MsgSend/MsgReceive/MsgReply. */
static inline __must_check int ipc_iovs_load(struct ipc_iovs *io, uaddr_t addr, int parts)
{
	if (parts > 0)
		return ipc_iovs_load_vector(io, addr, parts);
	uint64_t len = (uint64_t)-(int64_t)parts;
	io->v = io->inl;
	io->inl[0].base = addr;
	io->inl[0].len = len;
	io->n = len ? 1 : 0;
	io->total = len;
	return len && !uaccess_range_ok(addr, len) ? -EFAULT : 0;
}

static inline void ipc_iovs_free(struct ipc_iovs *io)
{
	if (io->v != io->inl)
		ipc_iovs_free_vector(io);
}
/* Copies bytes between iov lists in two address spaces, starting at byte
 * offsets. Returns bytes copied; on a bad buffer returns -EFAULT and sets
 * *dst_fault to tell which side was at fault. With preemptible, it has
 * preemption points (the caller pins the client: msg.c). */
long ipc_copy(struct process *dp, const struct ipc_iovs *d, uint64_t doff, struct process *sp,
	      const struct ipc_iovs *s, uint64_t soff, bool *dst_fault, bool preemptible);
/* Copies longer than this are preemptible; shorter ones are not worth a pin. */
#define IPC_COPY_PREEMPT_MIN (16 * 1024)
/* Copies a kernel buffer into an iov list of a process. */
long ipc_copy_out(struct process *dp, const struct ipc_iovs *d, const void *src, uint64_t n);

/* channel.c */
void channel_destroy(struct channel *ch);
/* Queues a pulse on ch and wakes a receiver. Interrupts off. */
void channel_enqueue_pulse(struct channel *ch, struct pulse *p);
int pulse_send(struct channel *ch, int prio, int code, uint64_t value, int scoid);

/* msg.c */
int rcvid_make(const struct thread *client);
struct thread *rcvid_lookup(struct process *server, int rcvid);
void ipc_fill_info(struct _msg_info *mi, const struct thread *client, uint64_t msglen);

/* tables.c: slot allocation (ids as described in tables.c) */
int coid_alloc(struct process *p, unsigned index, struct connection *c);
void coid_free(struct process *p, int coid);
int scoid_alloc(struct process *p, struct scoid *s);
void scoid_free_slot(struct process *p, int id);
int chid_alloc(struct process *p, struct channel *ch);

/* connect.c */
/* Drops one client connection (ConnectDetach, exec close-on-exec, death). */
void connection_close(struct process *p, struct connection *c);
void scoid_put(struct scoid *s);
void sendq_insert(struct channel *ch, struct msgq_entry *e);
void channel_boost(struct channel *ch, uint8_t prio);
void channel_wake_receiver(struct channel *ch);

/* msg.c: the operations behind the Msg* calls (arguments already decoded) */
long msg_send(struct connection *c, struct ipc_iovs *siov, struct ipc_iovs *riov);
/* ch: chid's channel if the caller looked it up and nothing ran since, or NULL */
long msg_receive(struct channel *ch, int chid, struct ipc_iovs *rcv, uaddr_t info_u,
		 bool pulses_only);
long msg_reply(int rcvid, long status, struct ipc_iovs *data, bool is_error);
long msg_read(int rcvid, struct ipc_iovs *dst, uint64_t offset);
long msg_write(int rcvid, struct ipc_iovs *src, uint64_t offset);
long msg_info(int rcvid, uaddr_t info_u);
long msg_current(int rcvid);
int connection_attach(struct process *client, struct channel *ch, unsigned index, unsigned flags);
int scoid_detach(struct process *server, int id);
