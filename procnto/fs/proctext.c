/*
 * The text of /proc's per-process and system files (fs/proctext.h), from
 * ProcInfo, SysMemInfo and the clocks, in the layouts Linux gives them
 * (proc(5)), which busybox ps and top parse:
 *   <pid>/status  "Key:\tvalue" lines
 *   <pid>/stat    one line of 52 fields: pid (comm) state ppid pgrp session
 *                 tty_nr tpgid ... utime stime ... starttime vsize rss ...
 *   <pid>/cmdline the arguments, NUL-terminated (the kernel keeps the first
 *                 _NTO_PROCINFO_CMDLINE_MAX bytes, as exec saw them)
 *   meminfo       MemTotal, MemFree, MemAvailable (free pages: nothing is
 *                 cached or swapped, so nothing more can be reclaimed), Slab
 *                 (kernel objects), and the empty Buffers, Cached, Swap*
 *   uptime        CLOCK_MONOTONIC and the idle time, seconds
 *   loadavg       1, 5 and 15 minute exponentially damped averages of how
 *                 busy the CPU was (the kernel counts busy time, not
 *                 runnable threads, so a load above 1 never shows), updated
 *                 whenever the file is opened; then runnable processes /
 *                 threads, and the highest pid
 *   stat          cpu and cpu0 lines (busy time all in "user": the kernel does
 *                 not tell user from kernel time), btime, procs_running
 * Times are in Linux's USER_HZ ticks (100 a second). What the kernel does not
 * keep is 0: minor/major faults, the system time.
 */
#include "fs/proctext.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>

#define TICK_NS 10000000ull /* USER_HZ 100 */

void text_add(struct text *t, const char *fmt, ...)
{
	for (;;) {
		va_list ap;
		va_start(ap, fmt);
		size_t room = t->cap - t->len;
		int n = t->buf ? vsnprintf(t->buf + t->len, room, fmt, ap) : -1;
		va_end(ap);
		if (n >= 0 && (size_t)n < room) {
			t->len += (size_t)n;
			return;
		}
		size_t cap = t->cap ? t->cap * 2 : 512;
		while (n >= 0 && cap < t->len + (size_t)n + 1)
			cap *= 2;
		char *b = realloc(t->buf, cap);
		if (!b) {
			t->err = ENOMEM;
			return;
		}
		t->buf = b;
		t->cap = cap;
	}
}

static char state_char(const struct _proc_info *pi)
{
	if (pi->state != _NTO_PROCINFO_RUNNING)
		return 'Z';
	if (pi->flags & _NTO_PROCINFO_FL_STOPPED)
		return 'T';
	return (pi->flags & _NTO_PROCINFO_FL_RUNNABLE) ? 'R' : 'S';
}

static const char *state_name(char c)
{
	switch (c) {
	case 'Z': return "Z (zombie)";
	case 'T': return "T (stopped)";
	case 'R': return "R (running)";
	default: return "S (sleeping)";
	}
}

void proctext_status(struct text *t, const struct _proc_info *pi)
{
	text_add(t, "Name:\t%s\n", pi->name);
	text_add(t, "State:\t%s\n", state_name(state_char(pi)));
	text_add(t, "Tgid:\t%d\n", (int)pi->pid);
	text_add(t, "Pid:\t%d\nPPid:\t%d\n", (int)pi->pid, (int)pi->ppid);
	text_add(t, "TracerPid:\t0\n");
	text_add(t, "Uid:\t%u\t%u\t%u\t%u\n", pi->ruid, pi->uid, pi->suid, pi->uid);
	text_add(t, "Gid:\t%u\t%u\t%u\t%u\n", pi->rgid, pi->gid, pi->sgid, pi->gid);
	text_add(t, "NSpgid:\t%d\nNSsid:\t%d\n", (int)pi->pgid, (int)pi->sid);
	text_add(t, "VmSize:\t%llu kB\n", (unsigned long long)pi->vm_bytes / 1024);
	text_add(t, "VmRSS:\t%llu kB\n", (unsigned long long)pi->user_pages * 4);
	text_add(t, "Threads:\t%u\n", pi->nthreads);
	text_add(t, "SigIgn:\t%016llx\n", (unsigned long long)pi->sig_ignored);
	text_add(t, "SigCgt:\t%016llx\n", (unsigned long long)pi->sig_caught);
}

/* Linux's tty_nr: major in bits 8-19, minor in 0-7 and 20-31. */
static unsigned tty_nr(uint64_t ctty)
{
	if (!ctty)
		return 0;
	unsigned maj = major((dev_t)ctty), min = minor((dev_t)ctty);
	return (min & 0xff) | ((maj & 0xfff) << 8) | ((min & ~0xffu) << 12);
}

void proctext_stat(struct text *t, const struct _proc_info *pi)
{
	unsigned long long utime = pi->cpu_ns / TICK_NS;
	int exit_code = pi->state == _NTO_PROCINFO_RUNNING ? 0 : pi->exit_status;
	/* 1-8: pid (comm) state ppid pgrp session tty_nr tpgid */
	text_add(t, "%d (%s) %c %d %d %d %u %d ", (int)pi->pid, pi->name, state_char(pi),
		 (int)pi->ppid, (int)pi->pgid, (int)pi->sid, tty_nr(pi->ctty),
		 pi->tpgid ? (int)pi->tpgid : -1);
	/* 9-13: flags minflt cminflt majflt cmajflt; 14-17: utime stime cutime
	 * cstime; 18-22: priority nice num_threads itrealvalue starttime */
	text_add(t, "0 0 0 0 0 %llu 0 0 0 20 0 %u 0 %llu ", utime, pi->nthreads,
		 (unsigned long long)(pi->start_time / TICK_NS));
	/* 23-25: vsize (bytes) rss (pages) rsslim; 26-30: startcode endcode
	 * startstack kstkesp kstkeip; 31-34: signal blocked sigignore sigcatch
	 * (decimal, obsolete); 35-39: wchan nswap cnswap exit_signal processor */
	text_add(t, "%llu %llu %llu 0 0 0 0 0 0 0 %llu %llu 0 0 0 17 0 ",
		 (unsigned long long)pi->vm_bytes, (unsigned long long)pi->user_pages,
		 (unsigned long long)~0ull, (unsigned long long)(pi->sig_ignored & 0x7fffffff),
		 (unsigned long long)(pi->sig_caught & 0x7fffffff));
	/* 40-44: rt_priority policy blkio_ticks guest_time cguest_time;
	 * 45-51: start_data end_data start_brk arg_start arg_end env_start
	 * env_end; 52: exit_code */
	text_add(t, "0 0 0 0 0 0 0 0 0 0 0 0 %d\n", exit_code);
}

void proctext_cmdline(struct text *t, const struct _proc_info *pi)
{
	if (pi->state != _NTO_PROCINFO_RUNNING)
		return;
	size_t len = pi->cmdline_len < sizeof(pi->cmdline) ? pi->cmdline_len : sizeof(pi->cmdline);
	for (size_t off = 0; off < len;) {
		size_t n = strnlen(pi->cmdline + off, len - off);
		text_add(t, "%.*s%c", (int)n, pi->cmdline + off, 0);
		off += n + 1;
	}
}

static uint64_t mono_ns(void)
{
	uint64_t ns = 0;
	ClockTime_r(_NTO_CLOCK_MONOTONIC, NULL, &ns);
	return ns;
}

static int meminfo_text(struct text *t)
{
	struct _sys_meminfo mi;
	int r = SysMemInfo_r(&mi);
	if (r < 0)
		return -r;
	unsigned long long kb = mi.page_size / 1024;
	text_add(t, "MemTotal:       %8llu kB\n", (unsigned long long)mi.total_pages * kb);
	text_add(t, "MemFree:        %8llu kB\n", (unsigned long long)mi.free_pages * kb);
	text_add(t, "MemAvailable:   %8llu kB\n", (unsigned long long)mi.free_pages * kb);
	text_add(t, "Buffers:        %8u kB\nCached:         %8u kB\n", 0u, 0u);
	text_add(t, "SwapTotal:      %8u kB\nSwapFree:       %8u kB\n", 0u, 0u);
	text_add(t, "Slab:           %8llu kB\n", (unsigned long long)mi.kmem_in_use / 1024);
	return 0;
}

static int uptime_text(struct text *t)
{
	struct _sys_meminfo mi;
	int r = SysMemInfo_r(&mi);
	if (r < 0)
		return -r;
	uint64_t up = mono_ns() / TICK_NS, idle = mi.cpu_idle_ns / TICK_NS;
	text_add(t, "%llu.%02llu %llu.%02llu\n", (unsigned long long)(up / 100),
		 (unsigned long long)(up % 100), (unsigned long long)(idle / 100),
		 (unsigned long long)(idle % 100));
	return 0;
}

/* Processes with a runnable thread, and the highest pid. */
static unsigned runnable_count(int *last_pid)
{
	struct _proc_info pi;
	unsigned n = 0;
	*last_pid = 0;
	for (int pid = 1; (pid = ProcInfo_r(pid | _NTO_PROCINFO_NEXT, &pi)) > 0; pid++) {
		n += (pi.flags & _NTO_PROCINFO_FL_RUNNABLE) != 0;
		*last_pid = pid;
	}
	return n;
}

static struct {
	uint64_t at_ns, busy_ns; /* the last update */
	double avg[3];
} load;

static int loadavg_text(struct text *t)
{
	static const double period_s[3] = {60, 300, 900};
	struct _sys_meminfo mi;
	int r = SysMemInfo_r(&mi);
	if (r < 0)
		return -r;
	uint64_t now = mono_ns();
	if (now > load.at_ns && mi.cpu_busy_ns >= load.busy_ns) {
		double dt = (double)(now - load.at_ns);
		double busy = (double)(mi.cpu_busy_ns - load.busy_ns) / dt;
		if (busy > 1)
			busy = 1;
		for (int i = 0; i < 3; i++) {
			double k = exp(-dt / 1e9 / period_s[i]);
			load.avg[i] = load.avg[i] * k + busy * (1 - k);
		}
		load.at_ns = now;
		load.busy_ns = mi.cpu_busy_ns;
	}
	int last;
	unsigned running = runnable_count(&last);
	text_add(t, "%.2f %.2f %.2f %u/%llu %d\n", load.avg[0], load.avg[1], load.avg[2],
		 running, (unsigned long long)mi.n_threads, last);
	return 0;
}

static int stat_text(struct text *t)
{
	struct _sys_meminfo mi;
	int r = SysMemInfo_r(&mi);
	if (r < 0)
		return -r;
	unsigned long long busy = mi.cpu_busy_ns / TICK_NS, idle = mi.cpu_idle_ns / TICK_NS;
	text_add(t, "cpu  %llu 0 0 %llu 0 0 0 0 0 0\n", busy, idle);
	text_add(t, "cpu0 %llu 0 0 %llu 0 0 0 0 0 0\n", busy, idle);
	uint64_t real = 0;
	ClockTime_r(_NTO_CLOCK_REALTIME, NULL, &real);
	text_add(t, "btime %llu\n", (unsigned long long)((real - mono_ns()) / 1000000000u));
	int last;
	text_add(t, "procs_running %u\n", runnable_count(&last));
	return 0;
}

const char *const proctext_system_names[] = {"meminfo", "uptime", "loadavg", "stat", "cpuinfo",
					     NULL};

int proctext_system(struct text *t, const char *name)
{
	if (strcmp(name, "meminfo") == 0)
		return meminfo_text(t);
	if (strcmp(name, "uptime") == 0)
		return uptime_text(t);
	if (strcmp(name, "loadavg") == 0)
		return loadavg_text(t);
	if (strcmp(name, "stat") == 0)
		return stat_text(t);
	if (strcmp(name, "cpuinfo") == 0) {
		proctext_cpuinfo(t);
		return 0;
	}
	return ENOENT;
}
