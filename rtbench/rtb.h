/*
 * rtbench: shared definitions of the real-time benchmark programs (rtbench,
 * the orchestrator, and rtb_worker, the load and partner processes).
 *
 * Output contract (parsed by rtbench/report.py): every figure is one console
 * line "RTBENCH {json}" written whole with one write(); other lines are
 * commentary. The keys are documented in docs/rtbench.md.
 *
 * Timing: ClockCycles() (rdtsc) for intervals; samples are TSC deltas kept as
 * uint32_t (a sample above 2^32-1 cycles saturates). Under TCG with
 * -icount shift=0,sleep=off one TSC tick is one guest instruction.
 */
#pragma once
#include <stddef.h>
#include <stdint.h>
#include <sys/neutrino.h>

/* Priorities (all processes run as root, so 1..255 are allowed). */
#define RTB_PRIO_MAIN 200  /* orchestrator, IPC client, echo server, pulse receiver */
#define RTB_PRIO_PULSER 100 /* pulse sender: below the receiver so that it preempts */
#define RTB_PRIO_IRQ 240   /* driver thread of the PIT interrupt test */
#define RTB_PRIO_TIMER 250 /* cyclictest thread: highest in the system */
#define RTB_PRIO_LOAD 10   /* hogs, IPC storm, memcpy (round-robin) */

/* Pulse codes on rtbench channels. */
#define RTB_PULSE_QUIT 1  /* to a server: exit */
#define RTB_PULSE_STAMP 2 /* value = low 32 bits of the sender's TSC */

/* Message a worker server sends to the orchestrator's channel on start. */
struct rtb_hello {
	uint32_t magic; /* RTB_HELLO_MAGIC */
	int32_t chid;   /* the worker's own channel */
};
#define RTB_HELLO_MAGIC 0x52544248u

/* Latency statistics of n samples (cycles). sorts samples in place. */
struct rtb_stats {
	size_t n;
	uint32_t min, median, p99, p999, max;
	double mean;
};
void rtb_stats(uint32_t *samples, size_t n, struct rtb_stats *st);

/* Sample buffer with a histogram of fixed bucket width (cycles). */
struct rtb_hist {
	uint32_t width;   /* cycles per bucket */
	uint32_t nbuckets;
	uint64_t overflow; /* samples >= width * nbuckets */
	uint64_t *count;
};
int rtb_hist_init(struct rtb_hist *h, uint32_t width, uint32_t nbuckets);
void rtb_hist_add(struct rtb_hist *h, uint32_t v);
void rtb_hist_free(struct rtb_hist *h);

/* JSON line builder: rtb_json_begin("kind"), rtb_json_*(key, value)..., rtb_json_end(). */
void rtb_json_begin(const char *kind);
void rtb_json_str(const char *key, const char *v);
void rtb_json_u64(const char *key, uint64_t v);
void rtb_json_i64(const char *key, int64_t v);
void rtb_json_f(const char *key, double v);
void rtb_json_stats(const struct rtb_stats *st); /* n, min, median, ... (cycles and ns) */
void rtb_json_hist(const struct rtb_hist *h);
void rtb_json_end(void);
/* A commentary line "rtbench: ..." */
__attribute__((format(printf, 1, 2))) void rtb_note(const char *fmt, ...);

/* TSC rate and the mapping to CLOCK_MONOTONIC; set by rtb_clock_calibrate. */
extern uint64_t rtb_tsc_hz;
uint64_t rtb_cycles_to_ns(uint64_t cycles);
uint64_t rtb_ns_to_cycles(uint64_t ns);
int rtb_clock_calibrate(void);
/* One anchor: a CLOCK_MONOTONIC reading and the TSC at the middle of the
 * ClockTime call that produced it; *slack = half the bracket width. */
int rtb_clock_anchor(uint64_t *ns, uint64_t *tsc, uint64_t *slack);
uint64_t rtb_mono_ns(void);

/* Start boot-image program name with argv (NULL-terminated, argv[0] = name)
 * at the given priority and policy. Returns the pid or -errno. */
int rtb_spawn(const char *name, char *const argv[], int prio, int policy);
/* Wait for pid to end; returns its wait status or -errno. */
int rtb_wait(int pid);
/* Ask pid to stop (SIGKILL if signals work); returns 0 or -errno. */
int rtb_kill(int pid);

/* Set the calling thread's priority and policy; 0 or -errno. */
int rtb_sched_self(int policy, int prio);

/* Unsigned decimal/hex argument parsing for workers; 0 on garbage. */
uint64_t rtb_arg_u64(const char *s);

/* Busy work that cannot be optimised away (for hogs). */
void rtb_spin_until(uint64_t end_tsc);

/* Modes and configuration decided at start-up. */
struct rtb_config {
	int icount;           /* guest TSC counts instructions (detected) */
	uint64_t loop_cycles; /* what the detection loop took */
	uint32_t period_us;   /* cyclictest period */
	uint32_t timer_samples;
	uint32_t irq_samples;
	uint32_t ipc_iters;
	uint32_t hist_width;  /* cycles per histogram bucket */
	uint32_t hist_buckets;
	int chid;             /* the orchestrator's channel, or -errno */
	int pid;              /* the orchestrator's pid */
};
extern struct rtb_config rtb_cfg;

/* Benchmarks (bench_*.c). Each prints its RTBENCH lines. */
void bench_null_calls(void);
void bench_ctxsw(void);
void bench_ipc(void);
void bench_pulse(void);
void bench_latency_scenarios(void);

/* Start a worker server "mode" and learn its pid and channel through the
 * orchestrator's channel (hello message). 0 or -errno. */
int rtb_start_server(const char *mode, const char *end_tsc, int prio, int policy, int *pid,
		     int *chid);
