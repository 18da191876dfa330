/*
 * Interrupt latency of rtbench (called from bench_latency.c per scenario):
 * the calling thread becomes a user-space driver of PIT channel 0 (ISA IRQ 0;
 * the kernel's own timer is the LAPIC) and measures, per sample, from the
 * moment the PIT raises its output to
 *   (b) the driver thread's first user instruction after InterruptWait
 *       (SIGEV_INTR, InterruptAttachEvent), always;
 *   (a) kernel entry, and the driver thread's return from MsgReceive, in a
 *       second pass with a SIGEV_PULSE attached with _NTO_INTR_FLAGS_STAMP
 *       (the pulse carries the TSC the kernel read on interrupt entry as
 *       its 64-bit value); reported as skipped on a kernel without the flag.
 * The PIT runs in mode 0 (one shot): writing the count's high byte starts
 * it, and its output rises count / 1193182 s later. The TSC is read 3
 * instructions before that OUT instruction, so the expected time is early by
 * those 3 instructions (under icount) or a few ns.
 */
#include "rtb.h"

#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#define PIT_HZ 1193182u
#define PIT_CH0 0x40
#define PIT_CMD 0x43
#define PIT_CMD_CH0_LOHI_MODE0 0x30
#define PIT_IRQ 0
#define WARMUP 20

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

/* Program a one-shot of count ticks; returns the TSC just before the OUT
 * that starts it. */
static uint64_t pit_arm(uint16_t count)
{
	uint32_t lo, hi;
	outb(PIT_CMD, PIT_CMD_CH0_LOHI_MODE0);
	outb(PIT_CH0, (uint8_t)count);
	__asm__ volatile("rdtsc\n\t"
			 "mov %%eax, %%ecx\n\t"
			 "mov %b2, %%al\n\t"
			 "outb %%al, $0x40"
			 : "=&c"(lo), "=&d"(hi)
			 : "r"((uint8_t)(count >> 8))
			 : "rax", "memory");
	return ((uint64_t)hi << 32) | lo;
}

/* Spins for a pseudo-random 0..~6,000 instructions. Called between arming
 * the PIT and waiting, it moves the point of the load at which the interrupt
 * lands: under icount the system is deterministic and the non-preemptible
 * kernel resumes the load only at a few points, so without it every sample
 * would hit the load at the same spot (one phase, not the worst case). */
static void phase_jitter(void)
{
	static uint32_t x = 2463534242u;
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	for (volatile uint32_t i = x % 1024; i; i--)
		;
}

/* Stop channel 0: a mode command without a count leaves its output low. */
static void pit_stop(void)
{
	outb(PIT_CMD, PIT_CMD_CH0_LOHI_MODE0);
}

static void skipped(const char *scenario, const char *what, int err)
{
	rtb_json_begin("skipped");
	rtb_json_str("bench", "irq");
	rtb_json_str("scenario", scenario);
	rtb_json_str("reason", what);
	rtb_json_str("error", strerror(-err));
	rtb_json_end();
}

static void emit(const char *scenario, const char *to, uint32_t *s, size_t n, uint16_t count,
		 uint64_t lost)
{
	struct rtb_stats st;
	struct rtb_hist h;
	if (rtb_hist_init(&h, rtb_cfg.hist_width, rtb_cfg.hist_buckets) < 0)
		return;
	for (size_t i = 0; i < n; i++)
		rtb_hist_add(&h, s[i]);
	rtb_stats(s, n, &st);
	rtb_json_begin("irq");
	rtb_json_str("scenario", scenario);
	rtb_json_str("source", "pit0");
	rtb_json_str("to", to);
	rtb_json_u64("pit_count", count);
	rtb_json_u64("priority", RTB_PRIO_IRQ);
	rtb_json_u64("lost", lost);
	rtb_json_stats(&st);
	rtb_json_hist(&h);
	rtb_json_end();
	rtb_hist_free(&h);
}

int irq_pit_run(const char *scenario)
{
	int rc = ThreadCtl_r(_NTO_TCTL_IO, NULL);
	if (rc < 0) {
		skipped(scenario, "ThreadCtl(_NTO_TCTL_IO)", rc);
		return rc;
	}
	uint64_t count64 = (uint64_t)rtb_cfg.period_us * PIT_HZ / 1000000u;
	uint16_t count = count64 > 0xffff ? 0xffff : count64 < 2 ? 2 : (uint16_t)count64;
	uint64_t fire = (uint64_t)count * rtb_tsc_hz / PIT_HZ;
	pit_stop();

	struct sigevent ev;
	memset(&ev, 0, sizeof(ev));
	SIGEV_INTR_INIT(&ev);
	int id = InterruptAttachEvent_r(PIT_IRQ, &ev, _NTO_INTR_FLAGS_TRK_MSK);
	if (id < 0) {
		skipped(scenario, "InterruptAttachEvent(0, SIGEV_INTR)", id);
		return id;
	}
	rc = rtb_sched_self(SCHED_FIFO, RTB_PRIO_IRQ);
	uint32_t n = rtb_cfg.irq_samples;
	uint32_t *s = malloc(n * sizeof(*s));
	uint32_t got = 0;
	uint64_t lost = 0;
	for (uint32_t i = 0; s && got < n; i++) {
		uint64_t t_arm = pit_arm(count);
		phase_jitter();
		rc = InterruptWait_r(0, NULL);
		uint64_t t = ClockCycles();
		if (rc < 0) {
			skipped(scenario, "InterruptWait", rc);
			break;
		}
		InterruptUnmask_r(PIT_IRQ, id);
		if (t < t_arm + fire) { /* woken by something else than our one-shot */
			lost++;
			continue;
		}
		if (i >= WARMUP)
			s[got++] = (uint32_t)(t - t_arm - fire > UINT32_MAX ? UINT32_MAX
									: t - t_arm - fire);
	}
	pit_stop();
	InterruptDetach_r(id);
	rtb_sched_self(SCHED_FIFO, RTB_PRIO_MAIN);
	if (got)
		emit(scenario, "thread_intr", s, got, count, lost);

#ifdef _NTO_INTR_FLAGS_STAMP
	/* (a) kernel entry, through a pulse carrying the entry TSC. */
	if (rtb_cfg.chid >= 0) {
		int coid = ConnectAttach_r(ND_LOCAL_NODE, 0, rtb_cfg.chid, _NTO_SIDE_CHANNEL, 0);
		uint32_t *k = malloc(n * sizeof(*k));
		struct sigevent pev;
		memset(&pev, 0, sizeof(pev));
		SIGEV_PULSE_INIT(&pev, coid, RTB_PRIO_IRQ, RTB_PULSE_STAMP, 0);
		id = coid < 0 ? coid
			      : InterruptAttachEvent_r(PIT_IRQ, &pev,
						       _NTO_INTR_FLAGS_TRK_MSK | _NTO_INTR_FLAGS_STAMP);
		if (id < 0) {
			skipped(scenario, "InterruptAttachEvent(0, SIGEV_PULSE, STAMP)", id);
		} else {
			rtb_sched_self(SCHED_FIFO, RTB_PRIO_IRQ);
			uint32_t gk = 0;
			got = 0;
			lost = 0;
			for (uint32_t i = 0; s && k && got < n; i++) {
				uint64_t t_arm = pit_arm(count);
				phase_jitter();
				struct _pulse p;
				rc = MsgReceive_r(rtb_cfg.chid, &p, sizeof(p), NULL);
				uint64_t t = ClockCycles();
				if (rc < 0)
					break;
				InterruptUnmask_r(PIT_IRQ, id);
				uint64_t entry = p.value.sival_u64;
				if (rc != 0 || entry < t_arm + fire) {
					lost++;
					continue;
				}
				if (i >= WARMUP) {
					s[got++] = (uint32_t)(t - t_arm - fire);
					k[gk++] = (uint32_t)(entry - t_arm - fire);
				}
			}
			pit_stop();
			InterruptDetach_r(id);
			rtb_sched_self(SCHED_FIFO, RTB_PRIO_MAIN);
			if (gk) {
				emit(scenario, "kernel_entry", k, gk, count, lost);
				emit(scenario, "thread_pulse", s, got, count, lost);
			}
		}
		if (coid >= 0)
			ConnectDetach_r(coid);
		free(k);
	}
#else
	rtb_json_begin("skipped");
	rtb_json_str("bench", "irq kernel_entry");
	rtb_json_str("scenario", scenario);
	rtb_json_str("reason", "the kernel does not report its interrupt-entry TSC "
			       "(proposed: InterruptAttachEvent flag _NTO_INTR_FLAGS_STAMP)");
	rtb_json_end();
#endif
	free(s);
	return 0;
}
