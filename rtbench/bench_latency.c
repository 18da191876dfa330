/*
 * Latency scenarios of rtbench (called from main.c, main thread): for each
 * load (idle, CPU hogs, IPC storm, memcpy) start the load processes at
 * RTB_PRIO_LOAD round-robin, then measure
 *   - timer wake-up latency as cyclictest does: clock_nanosleep(CLOCK_MONOTONIC,
 *     TIMER_ABSTIME) at RTB_PRIO_TIMER FIFO, latency = TSC at the first user
 *     instruction after the system call - the deadline mapped to the TSC
 *     (kind "timer");
 *   - interrupt latency of PIT channel 0 (IRQ 0, which the kernel does not
 *     use) to the driver thread at RTB_PRIO_IRQ (kind "irq", irq_pit.c);
 * then stop the load. The deadline -> TSC mapping is re-anchored every
 * ANCHOR_EVERY samples; its uncertainty is reported as anchor_slack.
 */
#include "rtb.h"

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define ANCHOR_EVERY 1000
#define WARMUP 100
#define MAX_LOAD 3
#define LINUX_CLOCK_NANOSLEEP 230
#define LINUX_TIMER_ABSTIME 1
#ifdef _NTO_INTR_FLAGS_STAMP
#define IRQ_PASSES 2 /* irq_pit.c: SIGEV_INTR, then the stamped pulse */
#else
#define IRQ_PASSES 1
#endif

int irq_pit_run(const char *scenario); /* irq_pit.c */

/* clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, ts) issued directly, with
 * the TSC read by the instruction after the system call returns (plus one
 * move of the result). Returns the syscall result; *wake = the TSC. */
static long sleep_abs(const struct timespec *ts, uint64_t *wake)
{
	uint64_t rax = LINUX_CLOCK_NANOSLEEP, rdx = (uint64_t)(uintptr_t)ts;
	uint64_t rdi = CLOCK_MONOTONIC, rsi = LINUX_TIMER_ABSTIME;
	register uint64_t r10 __asm__("r10") = 0;
	register long ret __asm__("r8");
	__asm__ volatile("syscall\n\t"
			 "mov %%rax, %%r8\n\t"
			 "rdtsc"
			 : "+a"(rax), "+d"(rdx), "+D"(rdi), "+S"(rsi), "+r"(r10), "=r"(ret)
			 :
			 : "rcx", "r11", "memory");
	*wake = (rdx << 32) | (uint32_t)rax;
	return ret;
}

static void timer_run(const char *scenario)
{
	uint32_t n = rtb_cfg.timer_samples;
	uint64_t period_ns = (uint64_t)rtb_cfg.period_us * 1000;
	uint32_t *s = malloc(n * sizeof(*s));
	struct rtb_hist h;
	if (!s || rtb_hist_init(&h, rtb_cfg.hist_width, rtb_cfg.hist_buckets) < 0) {
		rtb_note("timer: out of memory");
		free(s);
		return;
	}
	int rc = rtb_sched_self(SCHED_FIFO, RTB_PRIO_TIMER);
	if (rc < 0)
		rtb_note("timer: SchedSet to %d failed: %s", RTB_PRIO_TIMER, strerror(-rc));

	uint64_t an_ns, an_tsc, slack, slack_max = 0;
	rtb_clock_anchor(&an_ns, &an_tsc, &slack);
	slack_max = slack;
	uint64_t next = an_ns + 4 * period_ns, overruns = 0, early = 0, errors = 0;
	uint64_t t_start = ClockCycles();
	uint32_t got = 0;
	for (uint32_t i = 0; got < n; i++) {
		struct timespec ts = {.tv_sec = (time_t)(next / 1000000000u),
				      .tv_nsec = (long)(next % 1000000000u)};
		uint64_t dl = an_tsc + rtb_ns_to_cycles(next - an_ns), wake;
		long r = sleep_abs(&ts, &wake);
		if (r < 0 && ++errors > 10) {
			rtb_note("timer: clock_nanosleep fails: %s", strerror((int)-r));
			break;
		}
		if (i >= WARMUP) {
			uint32_t lat;
			if (wake < dl) {
				early++;
				lat = 0;
			} else {
				lat = wake - dl > UINT32_MAX ? UINT32_MAX : (uint32_t)(wake - dl);
			}
			s[got++] = lat;
			rtb_hist_add(&h, lat);
		}
		next += period_ns;
		/* a deadline already past is skipped, as cyclictest does */
		uint64_t now_dl = an_tsc + rtb_ns_to_cycles(next - an_ns);
		uint64_t now = ClockCycles();
		while (now_dl <= now) {
			overruns++;
			next += period_ns;
			now_dl = an_tsc + rtb_ns_to_cycles(next - an_ns);
		}
		if (i % ANCHOR_EVERY == ANCHOR_EVERY - 1) {
			rtb_clock_anchor(&an_ns, &an_tsc, &slack);
			if (slack > slack_max)
				slack_max = slack;
		}
	}
	uint64_t t_end = ClockCycles();
	rtb_sched_self(SCHED_FIFO, RTB_PRIO_MAIN);

	struct rtb_stats st;
	rtb_stats(s, got, &st);
	rtb_json_begin("timer");
	rtb_json_str("scenario", scenario);
	rtb_json_u64("period_us", rtb_cfg.period_us);
	rtb_json_u64("priority", RTB_PRIO_TIMER);
	rtb_json_stats(&st);
	rtb_json_u64("overruns", overruns);
	rtb_json_u64("early", early);
	rtb_json_u64("anchor_slack", slack_max);
	rtb_json_u64("duration_ns", rtb_cycles_to_ns(t_end - t_start));
	rtb_json_hist(&h);
	rtb_json_end();
	rtb_hist_free(&h);
	free(s);
}

/* ---- loads ---- */

struct load {
	int pids[MAX_LOAD];
	int n;
};

static void load_add(struct load *l, int pid, const char *what)
{
	if (pid < 0) {
		rtb_note("load: cannot start %s: %s", what, strerror(-pid));
		return;
	}
	l->pids[l->n++] = pid;
}

/* Start the load of scenario for about dur_cycles; 0 or -errno (not started). */
static int load_start(const char *scenario, uint64_t dur_cycles, struct load *l)
{
	char end[24];
	snprintf(end, sizeof(end), "%llu", (unsigned long long)(ClockCycles() + dur_cycles));
	l->n = 0;
	if (!strcmp(scenario, "idle"))
		return 0;
	if (!strcmp(scenario, "cpu_hogs")) {
		for (int i = 0; i < 2; i++) {
			char *argv[] = {"rtb_worker", "hog", end, NULL};
			load_add(l, rtb_spawn("rtb_worker", argv, RTB_PRIO_LOAD, SCHED_RR), "hog");
		}
	} else if (!strcmp(scenario, "memcpy")) {
		char *argv[] = {"rtb_worker", "memcpy", end, NULL};
		load_add(l, rtb_spawn("rtb_worker", argv, RTB_PRIO_LOAD, SCHED_RR), "memcpy");
	} else if (!strcmp(scenario, "ipc_storm")) {
		int spid, schid;
		int rc = rtb_start_server("echo", "0", RTB_PRIO_LOAD, SCHED_RR, &spid, &schid);
		if (rc < 0)
			return rc;
		load_add(l, spid, "echo server");
		char a[24], b[24];
		snprintf(a, sizeof(a), "%d", spid);
		snprintf(b, sizeof(b), "%d", schid);
		char *argv[] = {"rtb_worker", "stormc", a, b, end, NULL};
		load_add(l, rtb_spawn("rtb_worker", argv, RTB_PRIO_LOAD, SCHED_RR), "storm client");
	}
	return l->n ? 0 : -ESRCH;
}

/* Stop the load: SIGKILL where signals work, else the workers end by
 * themselves at their end TSC. */
static void load_stop(struct load *l)
{
	for (int i = 0; i < l->n; i++)
		rtb_kill(l->pids[i]);
	for (int i = 0; i < l->n; i++)
		rtb_wait(l->pids[i]);
}

void bench_latency_scenarios(void)
{
	static const char *const scenarios[] = {"idle", "cpu_hogs", "ipc_storm", "memcpy"};
	uint64_t period = rtb_ns_to_cycles((uint64_t)rtb_cfg.period_us * 1000);
	/* Timer samples + warm-up and the interrupt passes, plus 50 % + 20 ms:
	 * an interrupt sample takes a period plus its own processing, and a
	 * load must not end (and tear itself down) while a figure is measured.
	 * load_stop() ends it with SIGKILL as soon as the scenario is done. */
	uint64_t dur = period * (rtb_cfg.timer_samples + WARMUP + 8) +
		       period * (rtb_cfg.irq_samples + WARMUP) * IRQ_PASSES;
	dur += dur / 2 + rtb_ns_to_cycles(20000000);
	for (size_t k = 0; k < sizeof(scenarios) / sizeof(scenarios[0]); k++) {
		struct load l;
		const char *sc = scenarios[k];
		if (!strcmp(sc, "ipc_storm") && rtb_cfg.chid < 0) {
			rtb_json_begin("skipped");
			rtb_json_str("bench", "scenario ipc_storm");
			rtb_json_str("reason", "message passing is not available");
			rtb_json_end();
			continue;
		}
		int rc = load_start(sc, dur, &l);
		if (rc < 0) {
			rtb_json_begin("skipped");
			rtb_json_str("bench", sc);
			rtb_json_str("reason", strerror(-rc));
			rtb_json_end();
			continue;
		}
		rtb_note("scenario %s: %d load processes", sc, l.n);
		timer_run(sc);
		irq_pit_run(sc);
		load_stop(&l);
	}
}
