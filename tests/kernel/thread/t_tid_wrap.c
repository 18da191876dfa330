/*
 * t_tid_wrap: thread ids are reused once they reach their limit.
 * 33,000 threads are created and joined one after another: every tid stays
 * within 1..0x7eff (rcvids carry it in 15 bits), ids are reused after the
 * wrap, and a thread with a reused id can still send a message and be
 * replied to (its rcvid is valid).
 */
#include "ntest.h"

#define N 33000
#define TID_MAX 0x7eff

static int chid, coid;
static volatile int reply_seen;
static unsigned char stack[NTEST_STACK_SIZE] __attribute__((aligned(16)));

static void *quick(void *arg)
{
	(void)arg;
	ThreadDestroy_r(0, -1, NULL);
	return NULL;
}

static void *sender(void *arg)
{
	(void)arg;
	int r = 0;
	reply_seen = MsgSend_r(coid, "x", 2, &r, sizeof(r)) == 7;
	ThreadDestroy_r(0, -1, NULL);
	return NULL;
}

static int spawn(void *(*fn)(void *), int prio)
{
	struct _thread_attr a = {.policy = SCHED_FIFO, .priority = prio,
				 .stackaddr = stack, .stacksize = sizeof(stack)};
	return ThreadCreate_r(0, fn, NULL, &a);
}

int main(void)
{
	ntest_start("tid_wrap");
	CHECK_EQ(ntest_sched_self(SCHED_FIFO, 20), 0);
	int bad = 0, max = 0, wrapped = 0;
	for (int i = 0; i < N; i++) {
		int tid = spawn(quick, 30); /* runs and ends inside ThreadCreate */
		if (tid <= 0 || tid > TID_MAX || ThreadJoin_r(tid, NULL) != 0) {
			bad++;
			continue;
		}
		if (tid < max)
			wrapped = 1;
		if (tid > max)
			max = tid;
	}
	ntest_info("%d threads: highest tid %d, wrapped %d, failures %d", N, max, wrapped, bad);
	CHECK_EQ(bad, 0);
	CHECK_EQ(max, TID_MAX);
	CHECK_EQ(wrapped, 1);

	/* a reused tid in a message exchange */
	chid = ChannelCreate(0);
	coid = ConnectAttach(0, 0, chid, _NTO_SIDE_CHANNEL, 0);
	int tid = spawn(sender, 10); /* lower: sends when we block in MsgReceive */
	CHECK(tid > 0 && tid < TID_MAX);
	char buf[8];
	struct _msg_info info;
	int rcvid = MsgReceive_r(chid, buf, sizeof(buf), &info);
	CHECK(rcvid > 0);
	CHECK_EQ(info.tid, tid);
	int seven = 7;
	CHECK_EQ(MsgReply_r(rcvid, 7, &seven, sizeof(seven)), 0);
	CHECK_EQ(ThreadJoin_r(tid, NULL), 0);
	CHECK_EQ(reply_seen, 1);
	ntest_done();
}
