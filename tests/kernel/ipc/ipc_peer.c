/*
 * ipc_peer: the helper process of the message-passing tests, started by
 * t_ipc_basic and t_ipc_death with ImageSpawn as
 *   ipc_peer <mode> <test pid> <test chid>
 * It connects to the test's channel (side channel) and plays one role:
 *   0 echo:   send "ping-echo", expect status 1234 and "pong-echo", exit 0.
 *   1 server: create a channel, send its chid to the test ("chid" + int),
 *             receive one message on it and leave that client REPLY-blocked,
 *             send "got" to the test, and exit when that is replied to.
 *   2 dier:   a second thread sends "T1" and stays REPLY-blocked; the main
 *             thread sends "bye" and exits the process when replied to.
 *   3 cycle:  send "cycle", expect status 0, exit without detaching.
 *   4 cred:   take groups {5, 7}, gids 10/11/12 and uids 4/1/6 (real,
 *             effective, saved: effective 1 is daemon), then send "cred"
 *             and expect status 0.
 * Exit status: 0 when the role went as expected, else the step that failed.
 */
#define _GNU_SOURCE /* setresuid, setresgid */
#include "ntest.h"

#include <grp.h>
#include <unistd.h>

static int coid;

static void *t1_body(void *arg)
{
	(void)arg;
	char r[4];
	MsgSend_r(coid, "T1", 3, r, sizeof(r));
	ntest_thread_exit();
}

static int role_server(void)
{
	int chid = ChannelCreate(0);
	if (chid < 0)
		return 10;
	struct {
		char tag[8];
		int chid;
	} report = {"chid", chid};
	if (MsgSend(coid, &report, sizeof(report), NULL, 0) != 0)
		return 11;
	char buf[16];
	int rcvid = MsgReceive(chid, buf, sizeof(buf), NULL);
	if (rcvid <= 0)
		return 12;
	if (MsgSend(coid, "got", 4, NULL, 0) != 0)
		return 13;
	return 0; /* dies with the client still REPLY-blocked */
}

static int role_cred(void)
{
	gid_t groups[] = {5, 7};
	if (setgroups(2, groups) != 0)
		return 40;
	if (setresgid(10, 11, 12) != 0)
		return 41;
	if (setresuid(4, 1, 6) != 0)
		return 42;
	if (geteuid() != 1 || setuid(0) != -1)
		return 43; /* no longer privileged */
	return MsgSend(coid, "cred", 5, NULL, 0) == 0 ? 0 : 44;
}

static int role_dier(void)
{
	struct sched_param p = {0};
	SchedGet(0, 0, &p);
	if (ntest_thread(t1_body, NULL, SCHED_FIFO, p.sched_priority + 1) < 0)
		return 20;
	if (MsgSend(coid, "bye", 4, NULL, 0) != 0)
		return 21;
	return 0; /* exit kills T1 while it is REPLY-blocked */
}

int main(int argc, char **argv)
{
	if (argc != 4)
		return 2;
	int mode = atoi(argv[1]);
	pid_t pid = atoi(argv[2]);
	int chid = atoi(argv[3]);
	coid = ConnectAttach(0, pid, chid, _NTO_SIDE_CHANNEL, 0);
	if (coid < 0)
		return 3;
	char reply[16];
	memset(reply, 0, sizeof(reply));
	switch (mode) {
	case 0:
		if (MsgSend(coid, "ping-echo", 10, reply, sizeof(reply)) != 1234)
			return 4;
		return strcmp(reply, "pong-echo") == 0 ? 0 : 5;
	case 1:
		return role_server();
	case 2:
		return role_dier();
	case 3:
		return MsgSend(coid, "cycle", 6, reply, sizeof(reply)) == 0 ? 0 : 6;
	case 4:
		return role_cred();
	}
	return 2;
}
