/*
 * Kernel-call benchmarks of rtbench (called from main.c, main thread, at
 * RTB_PRIO_MAIN FIFO): null calls, context switches, MsgSend/Receive/Reply
 * round trips between two processes, and pulse one-way latency. Each prints
 * one "RTBENCH" line per figure (kind "call", "ctxsw", "ipc", "pulse") or a
 * "skipped" line saying why it could not run.
 */
#include "rtb.h"

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define WARMUP 100
#define STACK_SIZE (64 * 1024)

static void skipped(const char *bench, const char *what, int err)
{
	char reason[160];
	snprintf(reason, sizeof(reason), "%s: %s", what, strerror(-err));
	rtb_json_begin("skipped");
	rtb_json_str("bench", bench);
	rtb_json_str("reason", reason);
	rtb_json_end();
}

static void emit(const char *kind, const char *name, uint32_t *s, size_t n, const char *extra_key,
		 int64_t extra)
{
	struct rtb_stats st;
	rtb_stats(s, n, &st);
	rtb_json_begin(kind);
	rtb_json_str("name", name);
	if (extra_key)
		rtb_json_i64(extra_key, extra);
	rtb_json_stats(&st);
	rtb_json_end();
}

static uint32_t clamp32(uint64_t v)
{
	return v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
}

/* ---- null calls ---- */

enum call { CALL_RDTSC, CALL_YIELD, CALL_CLOCKTIME, CALL_GETPID };

static int call_once(enum call c)
{
	uint64_t ns;
	switch (c) {
	case CALL_RDTSC:
		return 0;
	case CALL_YIELD:
		return SchedYield_r();
	case CALL_CLOCKTIME:
		return ClockTime_r(_NTO_CLOCK_MONOTONIC, NULL, &ns);
	case CALL_GETPID:
		return (int)syscall(SYS_getpid);
	}
	return -EINVAL;
}

void bench_null_calls(void)
{
	static const struct {
		enum call c;
		const char *name;
	} calls[] = {
		{CALL_RDTSC, "tsc_read_overhead"},
		{CALL_YIELD, "SchedYield_alone"},
		{CALL_CLOCKTIME, "ClockTime"},
		{CALL_GETPID, "posix_getpid"},
	};
	uint32_t n = rtb_cfg.ipc_iters;
	uint32_t *s = malloc(n * sizeof(*s));
	if (!s)
		return;
	for (size_t k = 0; k < sizeof(calls) / sizeof(calls[0]); k++) {
		int rc = call_once(calls[k].c);
		if (rc < 0) {
			skipped(calls[k].name, calls[k].name, rc);
			continue;
		}
		for (int i = 0; i < WARMUP; i++)
			call_once(calls[k].c);
		for (uint32_t i = 0; i < n; i++) {
			uint64_t t0 = ClockCycles();
			call_once(calls[k].c);
			uint64_t t1 = ClockCycles();
			s[i] = clamp32(t1 - t0);
		}
		emit("call", calls[k].name, s, n, NULL, 0);
	}
	free(s);
}

/* ---- context switches ---- */

static volatile uint64_t cs_stamp;
static volatile int cs_stop;

/* Partner thread: stamp, yield, until told to stop; then end itself. */
static void *cs_partner(void *arg)
{
	(void)arg;
	while (!cs_stop) {
		cs_stamp = ClockCycles();
		SchedYield_r();
	}
	ThreadDestroy_r(0, -1, NULL);
	__builtin_trap();
}

void bench_ctxsw(void)
{
	uint32_t n = rtb_cfg.ipc_iters;
	uint32_t *s = malloc(n * sizeof(*s));
	void *stack = malloc(STACK_SIZE);
	if (!s || !stack)
		return;

	/* Threads of one process: partner's stamp before its SchedYield -> this
	 * thread running again after its own SchedYield returns = one yield call
	 * and one switch (no address-space change). */
	struct _thread_attr attr = {.policy = SCHED_FIFO, .priority = RTB_PRIO_MAIN,
				    .stacksize = STACK_SIZE, .stackaddr = stack};
	cs_stop = 0;
	int tid = ThreadCreate_r(0, cs_partner, NULL, &attr);
	if (tid < 0) {
		skipped("ctxsw_thread", "ThreadCreate", tid);
	} else {
		for (int i = 0; i < WARMUP; i++)
			SchedYield_r();
		for (uint32_t i = 0; i < n; i++) {
			SchedYield_r();
			s[i] = clamp32(ClockCycles() - cs_stamp);
		}
		cs_stop = 1;
		SchedYield_r(); /* let the partner see the flag and end */
		emit("ctxsw", "yield_thread", s, n, NULL, 0);
	}
	/* stack is not freed: the partner may still be on it until it ends */

	/* Two processes at the same priority yielding to each other: one loop
	 * iteration is two yields and two switches with address-space changes;
	 * the figure is half the iteration. */
	char cnt[24];
	snprintf(cnt, sizeof(cnt), "%u", n + 2 * WARMUP);
	char *argv[] = {"rtb_worker", "yield", cnt, NULL};
	int pid = rtb_spawn("rtb_worker", argv, RTB_PRIO_MAIN, SCHED_FIFO);
	if (pid < 0) {
		skipped("ctxsw_process", "ImageSpawn", pid);
	} else {
		for (int i = 0; i < WARMUP; i++)
			SchedYield_r();
		for (uint32_t i = 0; i < n; i++) {
			uint64_t t0 = ClockCycles();
			SchedYield_r();
			s[i] = clamp32((ClockCycles() - t0) / 2);
		}
		rtb_wait(pid);
		emit("ctxsw", "yield_process", s, n, NULL, 0);
	}
	free(s);
}

/* ---- MsgSend / MsgReceive / MsgReply ---- */

void bench_ipc(void)
{
	static const uint32_t sizes[] = {0, 64, 1024, 4096};
	int spid, schid;
	int rc = rtb_start_server("echo", "0", RTB_PRIO_MAIN, SCHED_FIFO, &spid, &schid);
	if (rc < 0) {
		skipped("ipc", "starting the echo server", rc);
		return;
	}
	int coid = ConnectAttach_r(ND_LOCAL_NODE, spid, schid, _NTO_SIDE_CHANNEL, 0);
	if (coid < 0) {
		skipped("ipc", "ConnectAttach", coid);
		return;
	}
	uint32_t n = rtb_cfg.ipc_iters;
	uint32_t *rt = malloc(n * sizeof(*rt)), *snd = malloc(n * sizeof(*snd)),
		 *rep = malloc(n * sizeof(*rep));
	static char sbuf[4096], rbuf[4096];
	memset(sbuf, 0x3c, sizeof(sbuf));
	for (size_t k = 0; rt && snd && rep && k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		uint32_t len = sizes[k];
		long st = 0;
		for (int i = 0; i < WARMUP && st >= 0; i++)
			st = MsgSend_r(coid, sbuf, len, rbuf, len);
		if (st < 0) {
			skipped("ipc", "MsgSend", (int)st);
			break;
		}
		for (uint32_t i = 0; i < n; i++) {
			uint64_t t0 = ClockCycles();
			st = MsgSend_r(coid, sbuf, len, rbuf, len);
			uint64_t t1 = ClockCycles();
			uint64_t ts = (uint64_t)st;
			rt[i] = clamp32(t1 - t0);
			/* the server's TSC at receive splits the round trip */
			snd[i] = ts >= t0 && ts <= t1 ? clamp32(ts - t0) : 0;
			rep[i] = ts >= t0 && ts <= t1 ? clamp32(t1 - ts) : 0;
		}
		emit("ipc", "round_trip", rt, n, "bytes", len);
		emit("ipc", "send_to_receive", snd, n, "bytes", len);
		emit("ipc", "receive_to_reply_return", rep, n, "bytes", len);
	}
	MsgSendPulse_r(coid, RTB_PRIO_MAIN, RTB_PULSE_QUIT, 0);
	ConnectDetach_r(coid);
	rtb_wait(spid);
	free(rt);
	free(snd);
	free(rep);
}

/* ---- pulse one-way ---- */

void bench_pulse(void)
{
	if (rtb_cfg.chid < 0) {
		skipped("pulse", "ChannelCreate", rtb_cfg.chid);
		return;
	}
	uint32_t n = rtb_cfg.ipc_iters;
	uint32_t *s = malloc(n * sizeof(*s));
	if (!s)
		return;
	char spid[24], schid[24], cnt[24], prio[24];
	snprintf(spid, sizeof(spid), "%d", rtb_cfg.pid);
	snprintf(schid, sizeof(schid), "%d", rtb_cfg.chid);
	snprintf(cnt, sizeof(cnt), "%u", n + WARMUP);
	snprintf(prio, sizeof(prio), "%d", RTB_PRIO_MAIN);
	char *argv[] = {"rtb_worker", "pulser", spid, schid, cnt, prio, NULL};
	/* The sender runs below the receiver: each pulse makes the receiver
	 * (RECEIVE-blocked here) ready and preempts the sender at once. */
	int pid = rtb_spawn("rtb_worker", argv, RTB_PRIO_PULSER, SCHED_FIFO);
	if (pid < 0) {
		skipped("pulse", "ImageSpawn", pid);
		free(s);
		return;
	}
	uint32_t got = 0;
	for (uint32_t i = 0; i < n + WARMUP; i++) {
		struct _pulse p;
		int rcvid = MsgReceive_r(rtb_cfg.chid, &p, sizeof(p), NULL);
		uint32_t now = (uint32_t)ClockCycles();
		if (rcvid < 0) {
			skipped("pulse", "MsgReceive", rcvid);
			break;
		}
		if (rcvid != 0 || p.code != RTB_PULSE_STAMP)
			continue;
		if (i >= WARMUP && got < n)
			s[got++] = now - (uint32_t)p.value.sival_int;
	}
	rtb_wait(pid);
	if (got)
		emit("pulse", "send_to_receive", s, got, NULL, 0);
	free(s);
}
