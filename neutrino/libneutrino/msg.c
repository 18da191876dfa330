/*
 * The linear-buffer forms of the message calls (MsgSend, MsgReceive,
 * MsgReply, MsgRead, MsgWrite and their variants), declared in
 * sys/neutrino.h. The kernel has only the IOV forms; a negative part count
 * -n there means "one buffer of n bytes at the iov pointer", so each wrapper
 * passes its buffer as the iov pointer and -bytes as the count. Sizes the
 * count cannot carry (above INT_MAX) are EINVAL. Called by user programs;
 * the plain forms set errno and return -1, the _r forms return -errno.
 */
#include <errno.h>
#include <limits.h>
#include <sys/neutrino.h>

/* The part count for one linear buffer of n bytes; n <= INT_MAX (checked first). */
static inline int linear_parts(size_t n)
{
	return -(int)n;
}

static inline int too_big(size_t n)
{
	return n > (size_t)INT_MAX;
}

static inline long fail(long err)
{
	errno = (int)err;
	return -1;
}

long MsgSend_r(int coid, const void *smsg, size_t sbytes, void *rmsg, size_t rbytes)
{
	if (too_big(sbytes) || too_big(rbytes))
		return -EINVAL;
	return MsgSendv_r(coid, (const iov_t *)smsg, linear_parts(sbytes), (const iov_t *)rmsg,
			  linear_parts(rbytes));
}

long MsgSend(int coid, const void *smsg, size_t sbytes, void *rmsg, size_t rbytes)
{
	if (too_big(sbytes) || too_big(rbytes))
		return fail(EINVAL);
	return MsgSendv(coid, (const iov_t *)smsg, linear_parts(sbytes), (const iov_t *)rmsg,
			linear_parts(rbytes));
}

long MsgSendnc(int coid, const void *smsg, size_t sbytes, void *rmsg, size_t rbytes)
{
	if (too_big(sbytes) || too_big(rbytes))
		return fail(EINVAL);
	return MsgSendvnc(coid, (const iov_t *)smsg, linear_parts(sbytes), (const iov_t *)rmsg,
			  linear_parts(rbytes));
}

long MsgSendsv(int coid, const void *smsg, size_t sbytes, const iov_t *riov, int rparts)
{
	if (too_big(sbytes))
		return fail(EINVAL);
	return MsgSendv(coid, (const iov_t *)smsg, linear_parts(sbytes), riov, rparts);
}

long MsgSendvs(int coid, const iov_t *siov, int sparts, void *rmsg, size_t rbytes)
{
	if (too_big(rbytes))
		return fail(EINVAL);
	return MsgSendv(coid, siov, sparts, (const iov_t *)rmsg, linear_parts(rbytes));
}

int MsgReceive_r(int chid, void *msg, size_t bytes, struct _msg_info *info)
{
	if (too_big(bytes))
		return -EINVAL;
	return MsgReceivev_r(chid, (const iov_t *)msg, linear_parts(bytes), info);
}

int MsgReceive(int chid, void *msg, size_t bytes, struct _msg_info *info)
{
	if (too_big(bytes))
		return (int)fail(EINVAL);
	return MsgReceivev(chid, (const iov_t *)msg, linear_parts(bytes), info);
}

int MsgReceivePulse_r(int chid, void *pulse, size_t bytes, struct _msg_info *info)
{
	if (too_big(bytes))
		return -EINVAL;
	return MsgReceivePulsev_r(chid, (const iov_t *)pulse, linear_parts(bytes), info);
}

int MsgReceivePulse(int chid, void *pulse, size_t bytes, struct _msg_info *info)
{
	if (too_big(bytes))
		return (int)fail(EINVAL);
	return MsgReceivePulsev(chid, (const iov_t *)pulse, linear_parts(bytes), info);
}

int MsgReply_r(int rcvid, long status, const void *msg, size_t bytes)
{
	if (too_big(bytes))
		return -EINVAL;
	return MsgReplyv_r(rcvid, status, (const iov_t *)msg, linear_parts(bytes));
}

int MsgReply(int rcvid, long status, const void *msg, size_t bytes)
{
	if (too_big(bytes))
		return (int)fail(EINVAL);
	return MsgReplyv(rcvid, status, (const iov_t *)msg, linear_parts(bytes));
}

long MsgRead_r(int rcvid, void *msg, size_t bytes, size_t offset)
{
	if (too_big(bytes))
		return -EINVAL;
	return MsgReadv_r(rcvid, (const iov_t *)msg, linear_parts(bytes), offset);
}

long MsgRead(int rcvid, void *msg, size_t bytes, size_t offset)
{
	if (too_big(bytes))
		return fail(EINVAL);
	return MsgReadv(rcvid, (const iov_t *)msg, linear_parts(bytes), offset);
}

long MsgWrite_r(int rcvid, const void *msg, size_t bytes, size_t offset)
{
	if (too_big(bytes))
		return -EINVAL;
	return MsgWritev_r(rcvid, (const iov_t *)msg, linear_parts(bytes), offset);
}

long MsgWrite(int rcvid, const void *msg, size_t bytes, size_t offset)
{
	if (too_big(bytes))
		return fail(EINVAL);
	return MsgWritev(rcvid, (const iov_t *)msg, linear_parts(bytes), offset);
}
