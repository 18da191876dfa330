/*
 * rtb_worker: the partner and load processes rtbench starts with ImageSpawn
 * (priority and policy come from the spawn attributes).
 *
 *   rtb_worker hog END_TSC                 spin until the TSC passes END_TSC
 *   rtb_worker memcpy END_TSC              copy 1 MiB back and forth until END_TSC
 *   rtb_worker echo PID CHID               server: reply to every message with its own
 *                                          bytes, status = TSC at receive; exit on a
 *                                          RTB_PULSE_QUIT pulse
 *   rtb_worker stormc SPID SCHID END_TSC   IPC storm client of an echo server: 64-byte
 *                                          MsgSend until END_TSC, then RTB_PULSE_QUIT it
 *   rtb_worker pulser PID CHID COUNT PRIO  send COUNT pulses (value = low TSC bits) at PRIO
 *   rtb_worker yield COUNT                 SchedYield COUNT times
 *
 * Servers (echo) announce their channel by sending struct rtb_hello to the
 * orchestrator at PID/CHID. Exit status 0, or 1 with a "rtb_worker: ..." line.
 */
#include "rtb.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define COPY_BYTES (1u << 20)

static int fail(const char *what, int err)
{
	char buf[160];
	int n = snprintf(buf, sizeof(buf), "rtb_worker: %s: %s\n", what, strerror(-err));
	write(1, buf, (size_t)n);
	return 1;
}

static int do_memcpy(uint64_t end)
{
	char *a = malloc(COPY_BYTES), *b = malloc(COPY_BYTES);
	if (!a || !b)
		return fail("malloc", -ENOMEM);
	memset(a, 0x5a, COPY_BYTES);
	while (ClockCycles() < end) {
		memcpy(b, a, COPY_BYTES);
		memcpy(a, b, COPY_BYTES);
	}
	return 0;
}

static int hello(int pid, int chid, int mychid)
{
	int coid = ConnectAttach_r(ND_LOCAL_NODE, pid, chid, _NTO_SIDE_CHANNEL, 0);
	if (coid < 0)
		return coid;
	struct rtb_hello h = {.magic = RTB_HELLO_MAGIC, .chid = mychid};
	long rc = MsgSend_r(coid, &h, sizeof(h), NULL, 0);
	ConnectDetach_r(coid);
	return rc < 0 ? (int)rc : 0;
}

/* Echo server: the reply carries the received bytes back and, as its status,
 * the TSC read right after MsgReceive returned (for one-way figures). */
static int do_echo(int pid, int chid)
{
	static char buf[8192];
	int mychid = ChannelCreate_r(0);
	if (mychid < 0)
		return fail("ChannelCreate", mychid);
	int rc = hello(pid, chid, mychid);
	if (rc < 0)
		return fail("hello to the orchestrator", rc);
	for (;;) {
		struct _msg_info info;
		int rcvid = MsgReceive_r(mychid, buf, sizeof(buf), &info);
		uint64_t t = ClockCycles();
		if (rcvid < 0)
			return fail("MsgReceive", rcvid);
		if (rcvid == 0) {
			struct _pulse *p = (struct _pulse *)buf;
			if (p->code == RTB_PULSE_QUIT)
				return 0;
			continue;
		}
		size_t len = info.msglen > 0 ? (size_t)info.msglen : 0;
		if (len > sizeof(buf))
			len = sizeof(buf);
		MsgReply_r(rcvid, (long)(t & 0x7fffffffffffffffull), buf, len);
	}
}

static int do_storm_client(int spid, int schid, uint64_t end)
{
	char msg[64], reply[64];
	memset(msg, 0xa5, sizeof(msg));
	int coid = ConnectAttach_r(ND_LOCAL_NODE, spid, schid, _NTO_SIDE_CHANNEL, 0);
	if (coid < 0)
		return fail("ConnectAttach", coid);
	int err = 0;
	while (ClockCycles() < end) {
		long rc = MsgSend_r(coid, msg, sizeof(msg), reply, sizeof(reply));
		if (rc < 0) {
			err = (int)rc;
			break;
		}
	}
	MsgSendPulse_r(coid, RTB_PRIO_LOAD, RTB_PULSE_QUIT, 0);
	return err ? fail("MsgSend", err) : 0;
}

static int do_pulser(int pid, int chid, uint64_t count, int prio)
{
	int coid = ConnectAttach_r(ND_LOCAL_NODE, pid, chid, _NTO_SIDE_CHANNEL, 0);
	if (coid < 0)
		return fail("ConnectAttach", coid);
	for (uint64_t i = 0; i < count; i++) {
		uint32_t v = (uint32_t)ClockCycles();
		int rc = MsgSendPulse_r(coid, prio, RTB_PULSE_STAMP, (int)v);
		if (rc < 0)
			return fail("MsgSendPulse", rc);
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return fail("usage", -EINVAL);
	const char *m = argv[1];
	uint64_t a2 = argc > 2 ? rtb_arg_u64(argv[2]) : 0;
	uint64_t a3 = argc > 3 ? rtb_arg_u64(argv[3]) : 0;
	uint64_t a4 = argc > 4 ? rtb_arg_u64(argv[4]) : 0;
	uint64_t a5 = argc > 5 ? rtb_arg_u64(argv[5]) : 0;
	if (!strcmp(m, "hog")) {
		rtb_spin_until(a2);
		return 0;
	}
	if (!strcmp(m, "memcpy"))
		return do_memcpy(a2);
	if (!strcmp(m, "echo"))
		return do_echo((int)a2, (int)a3);
	if (!strcmp(m, "stormc"))
		return do_storm_client((int)a2, (int)a3, a4);
	if (!strcmp(m, "pulser"))
		return do_pulser((int)a2, (int)a3, a4, (int)a5);
	if (!strcmp(m, "yield")) {
		for (uint64_t i = 0; i < a2; i++)
			SchedYield_r();
		return 0;
	}
	return fail(m, -EINVAL);
}
