/*
 * Messages sent by the kernel on behalf of the current thread: how posix/
 * (the Linux personality, which runs at the syscall boundary) talks to
 * procnto and resource managers. The send is an ordinary MsgSendv from the
 * current thread, with the usual blocking, priority inheritance, signal and
 * death semantics; only the buffers differ: each part is either kernel
 * memory (an address in the kernel half, e.g. a header on the kernel stack)
 * or user memory of the current process (validated here).
 *
 * Also the system manager connection: every process gets SYSMGR_COID, a
 * side-channel connection to procnto's channel SYSMGR_CHID, as soon as that
 * channel exists.
 */
#pragma once
#include <ipc/ipc_thread.h>

struct process;
struct channel;

/* Sends s[0..sn) and receives the reply into r[0..rn) on connection coid of
 * the current process. Returns the reply status (>= 0) or -errno: EBADF
 * (bad or stale coid), EFAULT (a user part is outside user space, or the
 * server faulted on it), EINTR (signal), ESRCH (server died), ETIMEDOUT, or
 * the server's MsgError. At most IPC_IOV_MAX parts each side. */
long kmsg_sendv(int coid, const struct ipc_iov *s, unsigned sn, const struct ipc_iov *r, unsigned rn);

/* One-buffer convenience: smsg/slen out, rmsg/rlen back. */
long kmsg_send(int coid, const void *smsg, size_t slen, void *rmsg, size_t rlen);

/* procnto created chid 1 (called by ChannelCreate in pid 1). */
void sysmgr_channel_created(struct process *p, struct channel *ch);
/* Gives p its SYSMGR_COID if the system manager's channel exists. */
void sysmgr_attach(struct process *p);
