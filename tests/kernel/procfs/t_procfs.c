/*
 * t_procfs: procnto's /proc files in Linux's formats, read with open and
 * read, against what the test knows of itself and of children it controls:
 *  (a) /proc/<pid>/stat: 52 fields, pid (comm) state ppid pgrp session
 *      tty_nr tpgid ... num_threads ... vsize rss; state R for the test, S
 *      for a sleeping child, T for a stopped one, Z for a zombie; utime of
 *      a child that spun for 300 ms; ProcInfo's groups and ids;
 *  (b) /proc/<pid>/status: State, Uid/Gid (real, effective, saved: a
 *      child with uids 4/1/6), NSpgid, NSsid, VmSize;
 *  (c) /proc/meminfo against SysMemInfo; /proc/uptime against
 *      CLOCK_MONOTONIC and advancing; /proc/stat's cpu line adding up to
 *      the uptime; /proc/loadavg's format and range; /proc/cpuinfo from
 *      CPUID (vendor, model name, fpu and lm flags);
 *  (d) the new names are listed in /proc and /proc/<pid>.
 */
#define _GNU_SOURCE
#include "ntest.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <unistd.h>

static char buf[8192];

static long read_file(const char *path)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return -errno;
	long n = 0, r;
	while (n < (long)sizeof(buf) - 1 && (r = read(fd, buf + n, sizeof(buf) - 1 - (size_t)n)) > 0)
		n += r;
	buf[n] = '\0';
	close(fd);
	return n;
}

static void sleep_ms(unsigned ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) != 0)
		;
}

/* The fields of /proc/<pid>/stat after "pid (comm)": f[3] is field 3. */
struct stat_line {
	char comm[64];
	char state;
	long long f[53];
	int nfields;
};

static int read_stat(pid_t pid, struct stat_line *s)
{
	char path[32];
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	if (read_file(path) <= 0)
		return -1;
	char *open_p = strchr(buf, '('), *close_p = strrchr(buf, ')');
	if (!open_p || !close_p || close_p[1] != ' ')
		return -1;
	s->f[1] = atoll(buf);
	snprintf(s->comm, sizeof(s->comm), "%.*s", (int)(close_p - open_p - 1), open_p + 1);
	s->state = close_p[2];
	s->nfields = 3;
	char *p = close_p + 3;
	while (*p && *p != '\n' && s->nfields < 52) {
		char *end;
		s->f[++s->nfields] = strtoll(p, &end, 10);
		if (end == p)
			return -1;
		p = *end == ' ' ? end + 1 : end;
	}
	return 0;
}

static char state_of(pid_t pid)
{
	struct stat_line s;
	return read_stat(pid, &s) == 0 ? s.state : '?';
}

static void test_self_stat(void)
{
	struct stat_line s;
	if (!CHECK_EQ(read_stat(getpid(), &s), 0))
		return;
	CHECK_EQ(s.nfields, 52);
	CHECK_EQ(s.f[1], getpid());
	CHECK_EQ(strcmp(s.comm, "t_procfs"), 0);
	CHECK_EQ(s.state, 'R'); /* it is running: it asked */
	CHECK_EQ(s.f[4], getppid());
	CHECK_EQ(s.f[5], getpgrp());
	CHECK_EQ(s.f[6], getsid(0));
	CHECK_EQ(s.f[20], 1);        /* num_threads */
	CHECK(s.f[23] > 0);          /* vsize */
	CHECK(s.f[24] > 0);          /* rss */
	struct _proc_info pi;
	if (CHECK_EQ(ProcInfo(0, &pi), getpid())) {
		CHECK_EQ(pi.pgid, getpgrp());
		CHECK_EQ(pi.sid, getsid(0));
		CHECK(pi.flags & _NTO_PROCINFO_FL_RUNNABLE);
		CHECK(pi.vm_bytes >= pi.user_pages * 4096);
		CHECK_EQ(s.f[23], (long long)pi.vm_bytes);
	}
}

static pid_t child(void (*body)(void))
{
	pid_t pid = fork();
	if (pid == 0) {
		body();
		_exit(0);
	}
	return pid;
}

static void sleeper(void)
{
	for (;;)
		pause();
}

static void spinner(void)
{
	uint64_t t0 = ntest_now();
	while (ntest_now() - t0 < 300 * NTEST_MS)
		;
	for (;;)
		pause();
}

static void creds(void)
{
	if (setresgid(10, 11, 12) == 0 && setresuid(4, 1, 6) == 0)
		for (;;)
			pause();
}

static void test_children(void)
{
	pid_t s = child(sleeper);
	if (CHECK(s > 0)) {
		sleep_ms(50);
		CHECK_EQ(state_of(s), 'S');
		kill(s, SIGSTOP);
		uint64_t t0 = ntest_now();
		while (state_of(s) != 'T' && ntest_now() - t0 < 2000 * NTEST_MS)
			sleep_ms(5);
		CHECK_EQ(state_of(s), 'T');
		char path[32];
		snprintf(path, sizeof(path), "/proc/%d/status", s);
		if (CHECK(read_file(path) > 0))
			CHECK(strstr(buf, "State:\tT (stopped)\n") != NULL);
		kill(s, SIGKILL);
		t0 = ntest_now();
		while (state_of(s) != 'Z' && ntest_now() - t0 < 2000 * NTEST_MS)
			sleep_ms(5);
		CHECK_EQ(state_of(s), 'Z');
		int st;
		CHECK_EQ(waitpid(s, &st, 0), s);
	}
	pid_t sp = child(spinner);
	if (CHECK(sp > 0)) {
		sleep_ms(600);
		struct stat_line l;
		if (CHECK_EQ(read_stat(sp, &l), 0)) {
			/* 300 ms spun: 30 ticks, give or take the timer's grain */
			if (!CHECK(l.f[14] >= 20 && l.f[14] < 200))
				ntest_info("spinner utime %lld ticks", l.f[14]);
		}
		kill(sp, SIGKILL);
		int st;
		waitpid(sp, &st, 0);
	}
	pid_t c = child(creds);
	if (CHECK(c > 0)) {
		char path[32];
		snprintf(path, sizeof(path), "/proc/%d/status", c);
		uint64_t t0 = ntest_now();
		while (ntest_now() - t0 < 2000 * NTEST_MS) {
			if (read_file(path) > 0 && strstr(buf, "Uid:\t4\t1\t6\t1\n"))
				break;
			sleep_ms(5);
		}
		CHECK(strstr(buf, "Uid:\t4\t1\t6\t1\n") != NULL);
		CHECK(strstr(buf, "Gid:\t10\t11\t12\t11\n") != NULL);
		char want[64];
		snprintf(want, sizeof(want), "\nNSpgid:\t%d\nNSsid:\t%d\n", getpgrp(), getsid(0));
		CHECK(strstr(buf, want) != NULL);
		CHECK(strstr(buf, "\nVmSize:\t") != NULL);
		kill(c, SIGKILL);
		int st;
		waitpid(c, &st, 0);
	}
}

/* The number after "key:" in buf, or -1. */
static long long field(const char *key)
{
	const char *p = strstr(buf, key);
	return p ? atoll(p + strlen(key)) : -1;
}

static uint64_t now_cs(void)
{
	return ntest_now() / (10 * NTEST_MS);
}

static void test_system(void)
{
	struct _sys_meminfo mi;
	if (CHECK(read_file("/proc/meminfo") > 0) && CHECK_EQ(SysMemInfo(&mi), 0)) {
		long long total = field("MemTotal:"), fr = field("MemFree:");
		CHECK_EQ(total, (long long)(mi.total_pages * mi.page_size / 1024));
		CHECK(fr > 0 && fr < total);
		long long d = fr - (long long)(mi.free_pages * mi.page_size / 1024);
		CHECK(d > -1024 && d < 1024);
		CHECK(field("MemAvailable:") > 0);
	}
	unsigned long long up1, up2, c1, c2, idle;
	if (CHECK(read_file("/proc/uptime") > 0) &&
	    CHECK_EQ(sscanf(buf, "%llu.%llu %llu", &up1, &c1, &idle), 3)) {
		long long d = (long long)(up1 * 100 + c1) - (long long)now_cs();
		CHECK(d > -100 && d <= 0);
		CHECK(idle <= up1);
		sleep_ms(300);
		if (CHECK(read_file("/proc/uptime") > 0) &&
		    CHECK_EQ(sscanf(buf, "%llu.%llu", &up2, &c2), 2))
			CHECK((up2 * 100 + c2) - (up1 * 100 + c1) >= 25);
	}
	unsigned long long v[8];
	if (CHECK(read_file("/proc/stat") > 0) &&
	    CHECK_EQ(sscanf(buf, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2],
			    &v[3], &v[4], &v[5], &v[6], &v[7]), 8)) {
		long long sum = (long long)(v[0] + v[1] + v[2] + v[3]);
		long long d = sum - (long long)now_cs();
		if (!CHECK(d > -100 && d < 100))
			ntest_info("/proc/stat: %s", buf);
		CHECK(v[0] > 0);
		CHECK(strstr(buf, "\ncpu0 ") && strstr(buf, "\nbtime "));
	}
	double l1, l5, l15;
	unsigned run, threads;
	int last;
	if (CHECK(read_file("/proc/loadavg") > 0) &&
	    CHECK_EQ(sscanf(buf, "%lf %lf %lf %u/%u %d", &l1, &l5, &l15, &run, &threads, &last), 6)) {
		CHECK(l1 >= 0 && l1 <= 1 && l5 >= 0 && l5 <= 1 && l15 >= 0 && l15 <= 1);
		CHECK(run >= 1 && run <= threads);
		CHECK(last >= getpid());
	}
	if (CHECK(read_file("/proc/cpuinfo") > 0)) {
		CHECK(strstr(buf, "processor\t: 0\n") != NULL);
		const char *v = strstr(buf, "vendor_id\t: ");
		CHECK(v && v[12] != '\n');
		CHECK(strstr(buf, "\nmodel name\t: ") != NULL);
		const char *f = strstr(buf, "\nflags\t\t:");
		CHECK(f && strstr(f, " fpu ") && strstr(f, " lm "));
	}
}

static bool dir_has(const char *dir, const char *name)
{
	DIR *d = opendir(dir);
	if (!d)
		return false;
	bool found = false;
	for (struct dirent *e; !found && (e = readdir(d));)
		found = strcmp(e->d_name, name) == 0;
	closedir(d);
	return found;
}

static void test_listing(void)
{
	const char *names[] = {"meminfo", "uptime", "loadavg", "stat", "cpuinfo"};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!CHECK(dir_has("/proc", names[i])))
			ntest_info("/proc has no %s", names[i]);
	CHECK(dir_has("/proc/self/", "stat"));
	CHECK(dir_has("/proc/self/", "status"));
}

int main(void)
{
	ntest_start("procfs");
	test_self_stat();
	test_children();
	test_system();
	test_listing();
	ntest_done();
}
