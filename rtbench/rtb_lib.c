/*
 * rtbench helpers shared by the orchestrator and the workers: statistics,
 * histograms, the "RTBENCH {json}" line builder, the TSC <-> CLOCK_MONOTONIC
 * mapping and process start/stop. Not thread-safe: only a process's main
 * thread calls these (benchmark threads only store samples).
 */
#include "rtb.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct rtb_config rtb_cfg;
uint64_t rtb_tsc_hz;

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

void rtb_stats(uint32_t *s, size_t n, struct rtb_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->n = n;
	if (!n)
		return;
	double sum = 0;
	for (size_t i = 0; i < n; i++)
		sum += s[i];
	qsort(s, n, sizeof(s[0]), cmp_u32);
	st->min = s[0];
	st->median = s[n / 2];
	st->p99 = s[(size_t)((n - 1) * 0.99)];
	st->p999 = s[(size_t)((n - 1) * 0.999)];
	st->max = s[n - 1];
	st->mean = sum / (double)n;
}

int rtb_hist_init(struct rtb_hist *h, uint32_t width, uint32_t nbuckets)
{
	h->width = width ? width : 1;
	h->nbuckets = nbuckets;
	h->overflow = 0;
	h->count = calloc(nbuckets, sizeof(h->count[0]));
	return h->count ? 0 : -ENOMEM;
}

void rtb_hist_add(struct rtb_hist *h, uint32_t v)
{
	uint32_t b = v / h->width;
	if (b < h->nbuckets)
		h->count[b]++;
	else
		h->overflow++;
}

void rtb_hist_free(struct rtb_hist *h)
{
	free(h->count);
	h->count = NULL;
}

/* ---- JSON lines ---- */

static char jbuf[32768];
static size_t jlen;
static int jfirst;

static void jput(const char *fmt, ...)
{
	if (jlen >= sizeof(jbuf))
		return;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(jbuf + jlen, sizeof(jbuf) - jlen, fmt, ap);
	va_end(ap);
	if (n > 0)
		jlen += (size_t)n;
}

static void jkey(const char *key)
{
	jput("%s\"%s\":", jfirst ? "" : ",", key);
	jfirst = 0;
}

void rtb_json_begin(const char *kind)
{
	jlen = 0;
	jfirst = 1;
	jput("RTBENCH {");
	rtb_json_str("kind", kind);
}

void rtb_json_str(const char *key, const char *v)
{
	jkey(key);
	jput("\"");
	for (; *v; v++) {
		if (*v == '"' || *v == '\\')
			jput("\\%c", *v);
		else if ((unsigned char)*v < 0x20)
			jput("\\u%04x", (unsigned char)*v);
		else
			jput("%c", *v);
	}
	jput("\"");
}

void rtb_json_u64(const char *key, uint64_t v)
{
	jkey(key);
	jput("%llu", (unsigned long long)v);
}

void rtb_json_i64(const char *key, int64_t v)
{
	jkey(key);
	jput("%lld", (long long)v);
}

void rtb_json_f(const char *key, double v)
{
	jkey(key);
	jput("%.3f", v);
}

void rtb_json_stats(const struct rtb_stats *st)
{
	rtb_json_u64("n", st->n);
	rtb_json_u64("min", st->min);
	rtb_json_u64("median", st->median);
	rtb_json_f("mean", st->mean);
	rtb_json_u64("p99", st->p99);
	rtb_json_u64("p999", st->p999);
	rtb_json_u64("max", st->max);
	rtb_json_u64("min_ns", rtb_cycles_to_ns(st->min));
	rtb_json_u64("median_ns", rtb_cycles_to_ns(st->median));
	rtb_json_u64("mean_ns", rtb_cycles_to_ns((uint64_t)st->mean));
	rtb_json_u64("max_ns", rtb_cycles_to_ns(st->max));
}

/* "hist":{"width":W,"overflow":O,"buckets":[[index,count],...]} (non-empty buckets only) */
void rtb_json_hist(const struct rtb_hist *h)
{
	jkey("hist");
	jput("{\"width\":%u,\"overflow\":%llu,\"buckets\":[", h->width,
	     (unsigned long long)h->overflow);
	int first = 1;
	for (uint32_t i = 0; i < h->nbuckets; i++) {
		if (!h->count[i])
			continue;
		jput("%s[%u,%llu]", first ? "" : ",", i, (unsigned long long)h->count[i]);
		first = 0;
	}
	jput("]}");
}

void rtb_json_end(void)
{
	jput("}\n");
	if (jlen >= sizeof(jbuf)) { /* truncated: never emit broken JSON */
		rtb_note("report line too long, dropped");
		return;
	}
	write(1, jbuf, jlen);
}

void rtb_note(const char *fmt, ...)
{
	char buf[512];
	int n = snprintf(buf, sizeof(buf), "rtbench: ");
	va_list ap;
	va_start(ap, fmt);
	int m = vsnprintf(buf + n, sizeof(buf) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	if (m < 0)
		m = 0;
	size_t len = (size_t)n + (size_t)m;
	if (len > sizeof(buf) - 2)
		len = sizeof(buf) - 2;
	buf[len++] = '\n';
	write(1, buf, len);
}

/* ---- clock ---- */

uint64_t rtb_cycles_to_ns(uint64_t c)
{
	if (!rtb_tsc_hz)
		return 0;
	return (uint64_t)((unsigned __int128)c * 1000000000u / rtb_tsc_hz);
}

uint64_t rtb_ns_to_cycles(uint64_t ns)
{
	return (uint64_t)((unsigned __int128)ns * rtb_tsc_hz / 1000000000u);
}

uint64_t rtb_mono_ns(void)
{
	uint64_t ns = 0;
	ClockTime_r(_NTO_CLOCK_MONOTONIC, NULL, &ns);
	return ns;
}

int rtb_clock_anchor(uint64_t *ns, uint64_t *tsc, uint64_t *slack)
{
	uint64_t best = UINT64_MAX;
	for (int i = 0; i < 5; i++) {
		uint64_t v = 0;
		uint64_t a = ClockCycles();
		int rc = ClockTime_r(_NTO_CLOCK_MONOTONIC, NULL, &v);
		uint64_t b = ClockCycles();
		if (rc < 0)
			return rc;
		if (b - a < best) {
			best = b - a;
			*ns = v;
			*tsc = a + (b - a) / 2;
			*slack = (b - a) / 2;
		}
	}
	return 0;
}

/* TSC rate against CLOCK_MONOTONIC over about 200 ms of monotonic time
 * (a sleep: instantaneous in wall time under icount sleep=off). */
int rtb_clock_calibrate(void)
{
	uint64_t n0, t0, s0, n1, t1, s1;
	int rc = rtb_clock_anchor(&n0, &t0, &s0);
	if (rc < 0)
		return rc;
	struct timespec ts = {.tv_sec = 0, .tv_nsec = 200000000};
	nanosleep(&ts, NULL);
	if ((rc = rtb_clock_anchor(&n1, &t1, &s1)) < 0)
		return rc;
	if (n1 <= n0 || t1 <= t0)
		return -EINVAL;
	rtb_tsc_hz = (uint64_t)((unsigned __int128)(t1 - t0) * 1000000000u / (n1 - n0));
	return 0;
}

/* ---- processes ---- */

int rtb_spawn(const char *name, char *const argv[], int prio, int policy)
{
	char *envp[] = {NULL};
	struct _image_spawn_attr attr = {.priority = prio, .policy = policy};
	return ImageSpawn_r(name, argv, envp, &attr);
}

int rtb_wait(int pid)
{
	int status = 0;
	int rc = ProcWait_r(pid, &status, 0);
	return rc < 0 ? rc : status;
}

int rtb_kill(int pid)
{
	return SignalKill_r(ND_LOCAL_NODE, pid, 0, SIGKILL, 0, 0);
}

int rtb_sched_self(int policy, int prio)
{
	struct sched_param p = {.sched_priority = prio};
	return SchedSet_r(0, 0, policy, &p);
}

uint64_t rtb_arg_u64(const char *s)
{
	return s ? strtoull(s, NULL, 0) : 0;
}

void rtb_spin_until(uint64_t end_tsc)
{
	volatile uint64_t x = 0;
	while (ClockCycles() < end_tsc)
		for (int i = 0; i < 256; i++)
			x += (uint64_t)i;
}

int rtb_start_server(const char *mode, const char *end_tsc, int prio, int policy, int *pid,
		     int *chid)
{
	if (rtb_cfg.chid < 0)
		return rtb_cfg.chid;
	char spid[24], schid[24];
	snprintf(spid, sizeof(spid), "%d", rtb_cfg.pid);
	snprintf(schid, sizeof(schid), "%d", rtb_cfg.chid);
	char *argv[] = {"rtb_worker", (char *)mode, spid, schid, (char *)end_tsc, NULL};
	int p = rtb_spawn("rtb_worker", argv, prio, policy);
	if (p < 0)
		return p;
	/* The worker's hello: the orchestrator runs above it, so it waits here. */
	struct rtb_hello h;
	struct _msg_info info;
	for (;;) {
		int rcvid = MsgReceive_r(rtb_cfg.chid, &h, sizeof(h), &info);
		if (rcvid < 0)
			return rcvid;
		if (rcvid == 0) /* a stray pulse */
			continue;
		int ok = info.pid == p && info.msglen >= (int)sizeof(h) && h.magic == RTB_HELLO_MAGIC;
		MsgReply_r(rcvid, ok ? 0 : -EINVAL, NULL, 0);
		if (ok) {
			*pid = p;
			*chid = h.chid;
			return 0;
		}
	}
}
