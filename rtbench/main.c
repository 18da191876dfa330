/*
 * rtbench: the real-time benchmark orchestrator, run by the bench image's
 * startup script (configs/bench.build) at priority 200 FIFO. It detects
 * whether the guest TSC counts instructions (QEMU -icount shift=0), measures
 * the TSC rate against CLOCK_MONOTONIC, then runs every benchmark and prints
 * "RTBENCH {json}" lines: "header" first, "end" last (docs/rtbench.md).
 *
 *   rtbench [timer_samples=N] [irq_samples=N] [ipc_iters=N] [period_us=N]
 *
 * Defaults: 100000 timer samples and 20000 interrupt samples per scenario,
 * 10000 iterations per call/IPC figure, a 200 us period (20 us under icount,
 * where only instructions count and idle time costs nothing).
 */
#include "rtb.h"

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DETECT_LOOPS 1000000u

/* TSC ticks taken by exactly 2 * DETECT_LOOPS + 3 instructions. */
static uint64_t detect_loop(void)
{
	uint32_t lo0, hi0, lo1, hi1;
	__asm__ volatile("rdtsc\n\t"
			 "mov %%eax, %%r8d\n\t"
			 "mov %%edx, %%r9d\n\t"
			 "mov %4, %%ecx\n\t"
			 "1: dec %%ecx\n\t"
			 "jnz 1b\n\t"
			 "rdtsc\n\t"
			 "mov %%r8d, %0\n\t"
			 "mov %%r9d, %1\n\t"
			 : "=&r"(lo0), "=&r"(hi0), "=a"(lo1), "=d"(hi1)
			 : "i"(DETECT_LOOPS)
			 : "rcx", "r8", "r9", "memory");
	return (((uint64_t)hi1 << 32) | lo1) - (((uint64_t)hi0 << 32) | lo0);
}

static void cpu_brand(char out[49])
{
	uint32_t r[12];
	uint32_t max;
	__asm__ volatile("cpuid" : "=a"(max) : "a"(0x80000000u) : "ebx", "ecx", "edx");
	if (max < 0x80000004u) {
		strcpy(out, "unknown");
		return;
	}
	for (uint32_t i = 0; i < 3; i++)
		__asm__ volatile("cpuid"
				 : "=a"(r[i * 4]), "=b"(r[i * 4 + 1]), "=c"(r[i * 4 + 2]),
				   "=d"(r[i * 4 + 3])
				 : "a"(0x80000002u + i), "c"(0));
	memcpy(out, r, 48);
	out[48] = 0;
	char *p = out; /* trim leading blanks */
	while (*p == ' ')
		p++;
	memmove(out, p, strlen(p) + 1);
}

static void set_arg(const char *a)
{
	const char *eq = strchr(a, '=');
	if (!eq) {
		rtb_note("ignoring argument '%s'", a);
		return;
	}
	uint32_t v = (uint32_t)rtb_arg_u64(eq + 1);
	size_t k = (size_t)(eq - a);
	if (!strncmp(a, "timer_samples", k))
		rtb_cfg.timer_samples = v;
	else if (!strncmp(a, "irq_samples", k))
		rtb_cfg.irq_samples = v;
	else if (!strncmp(a, "ipc_iters", k))
		rtb_cfg.ipc_iters = v;
	else if (!strncmp(a, "period_us", k) && v)
		rtb_cfg.period_us = v;
	else
		rtb_note("ignoring argument '%s'", a);
}

/* The orchestrator's channel, checked with a pulse to itself; -errno when
 * message passing does not work (yet). */
static int channel_setup(void)
{
	int chid = ChannelCreate_r(0);
	if (chid < 0)
		return chid;
	int coid = ConnectAttach_r(ND_LOCAL_NODE, rtb_cfg.pid, chid, _NTO_SIDE_CHANNEL, 0);
	if (coid < 0)
		return coid;
	int rc = MsgSendPulse_r(coid, RTB_PRIO_MAIN, RTB_PULSE_QUIT, 0);
	ConnectDetach_r(coid);
	if (rc < 0)
		return rc;
	struct _pulse p;
	rc = MsgReceive_r(chid, &p, sizeof(p), NULL);
	if (rc < 0)
		return rc;
	if (rc != 0 || p.code != RTB_PULSE_QUIT)
		return -EPROTO;
	return chid;
}

int main(int argc, char **argv)
{
	rtb_sched_self(SCHED_FIFO, RTB_PRIO_MAIN);
	uint64_t want = 2ull * DETECT_LOOPS + 3;
	detect_loop(); /* warm the translation cache */
	rtb_cfg.loop_cycles = detect_loop();
	rtb_cfg.icount = rtb_cfg.loop_cycles >= want - 2 && rtb_cfg.loop_cycles <= want + 2;
	rtb_cfg.period_us = rtb_cfg.icount ? 20 : 200;
	rtb_cfg.timer_samples = 100000;
	rtb_cfg.irq_samples = 20000;
	rtb_cfg.ipc_iters = 10000;
	for (int i = 1; i < argc; i++)
		set_arg(argv[i]);

	int rc = rtb_clock_calibrate();
	if (rc < 0) {
		rtb_note("cannot calibrate the TSC against ClockTime: %s", strerror(-rc));
		return 1;
	}
	/* histogram: 50-instruction buckets under icount, else 1 us; 20 ms / 1 ms range */
	rtb_cfg.hist_width = rtb_cfg.icount ? 50 : (uint32_t)rtb_ns_to_cycles(1000);
	rtb_cfg.hist_buckets = rtb_cfg.icount ? 400 : 1000;
	rtb_cfg.pid = getpid();
	rtb_cfg.chid = channel_setup();

	char brand[49];
	cpu_brand(brand);
	rtb_json_begin("header");
	rtb_json_str("mode", rtb_cfg.icount ? "icount" : "wallclock");
	rtb_json_u64("detect_loop_instructions", want);
	rtb_json_u64("detect_loop_cycles", rtb_cfg.loop_cycles);
	rtb_json_u64("tsc_hz", rtb_tsc_hz);
	rtb_json_str("guest_cpu", brand);
	rtb_json_u64("timer_samples", rtb_cfg.timer_samples);
	rtb_json_u64("irq_samples", rtb_cfg.irq_samples);
	rtb_json_u64("ipc_iters", rtb_cfg.ipc_iters);
	rtb_json_u64("period_us", rtb_cfg.period_us);
	rtb_json_u64("hist_width", rtb_cfg.hist_width);
	rtb_json_str("message_passing", rtb_cfg.chid >= 0 ? "yes" : strerror(-rtb_cfg.chid));
	rtb_json_end();

	bench_null_calls();
	bench_ctxsw();
	if (rtb_cfg.chid >= 0) {
		bench_ipc();
		bench_pulse();
	} else {
		rtb_json_begin("skipped");
		rtb_json_str("bench", "ipc, pulse");
		rtb_json_str("reason", strerror(-rtb_cfg.chid));
		rtb_json_end();
	}
	bench_latency_scenarios();

	rtb_json_begin("end");
	rtb_json_u64("monotonic_ns", rtb_mono_ns());
	rtb_json_end();
	return 0;
}
