/* ChannelCreate, ChannelDestroy. */
#include <kcall/kcall_gen.h>
#include <kernel/errno.h>
#include <kernel/percpu.h>
#include <kernel/process.h>
#include <ipc/ipc.h>
#include <ipc/kmsg.h>
#include <mm/kmem.h>
#include <sched/thread.h>

#define CHF_KNOWN                                                                            \
	(_NTO_CHF_FIXED_PRIORITY | _NTO_CHF_UNBLOCK | _NTO_CHF_THREAD_DEATH |                  \
	 _NTO_CHF_DISCONNECT | _NTO_CHF_SENDER_LEN | _NTO_CHF_COID_DISCONNECT | _NTO_CHF_REPLY_LEN)

long ker_channel_create(unsigned flags)
{
	struct process *p = cur_thread()->proc;
	if (flags & ~CHF_KNOWN)
		return -EINVAL;
	struct ipc_proc *ip = ipc_proc_get(p);
	if (!ip)
		return -ENOMEM;
	bool death = flags & (_NTO_CHF_THREAD_DEATH | _NTO_CHF_COID_DISCONNECT);
	if (death && ip->death_chan)
		return -EBUSY; /* one death channel per process */
	struct channel *ch = kzalloc(sizeof(*ch));
	if (!ch)
		return -ENOMEM;
	int chid = chid_alloc(p, ch);
	if (chid < 0) {
		kfree(ch);
		return chid;
	}
	ch->chid = chid;
	ch->flags = flags;
	ch->owner = p;
	waitq_init(&ch->receivers);
	list_init(&ch->sendq);
	list_init(&ch->replying);
	list_init(&ch->scoids);
	list_init(&ch->conns);
	if (death)
		ip->death_chan = ch;
	sysmgr_channel_created(p, ch);
	return chid;
}

long ker_channel_destroy(int chid)
{
	struct channel *ch = channel_lookup(cur_thread()->proc, chid);
	if (!ch)
		return -EINVAL;
	channel_destroy(ch);
	return 0;
}
