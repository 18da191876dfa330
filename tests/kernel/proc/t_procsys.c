/*
 * t_procsys: getrandom (differing, non-zero data; large requests; bad
 * flags), the auxiliary vector of this (static) test itself, uname,
 * resource limits (rules of setrlimit/prlimit, inheritance), credentials
 * (root may set anything; an unprivileged process only its real, effective
 * or saved ids; groups), getrusage, times, sysinfo.
 */
#define _GNU_SOURCE
#include "ntest.h"

#include <grp.h>
#include <sys/auxv.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/sysinfo.h>
#include <sys/times.h>
#include <sys/utsname.h>
#include <sys/wait.h>

static int reap(pid_t pid)
{
	int st = -1;
	pid_t r;
	while ((r = waitpid(pid, &st, 0)) < 0 && errno == EINTR)
		;
	return r == pid ? st : -1;
}

static void test_random(void)
{
	unsigned char a[64], b[64], zero[64] = {0};
	CHECK_EQ(getrandom(a, sizeof(a), 0), 64);
	CHECK_EQ(getrandom(b, sizeof(b), GRND_NONBLOCK), 64);
	CHECK(memcmp(a, b, sizeof(a)) != 0);
	CHECK(memcmp(a, zero, sizeof(a)) != 0);
	size_t big = 100000;
	unsigned char *p = malloc(big);
	if (CHECK(p)) {
		memset(p, 0, big);
		CHECK_EQ(getrandom(p, big, 0), (long)big);
		/* no 64-byte block of the output is zero */
		int zeros = 0;
		for (size_t i = 0; i + 64 <= big; i += 64)
			zeros += memcmp(p + i, zero, 64) == 0;
		CHECK_EQ(zeros, 0);
		free(p);
	}
	CHECK_ERR(getrandom(a, 8, 0x100), EINVAL);
	void *volatile bad = (void *)8;
	CHECK_ERR(getrandom(bad, 8, 0), EFAULT);
	/* fork: the child's stream differs from the parent's */
	pid_t pid = fork();
	if (pid == 0) {
		unsigned char c[64];
		_exit(getrandom(c, 64, 0) == 64 && memcmp(c, a, 64) && memcmp(c, b, 64) ? 0 : 1);
	}
	int st = reap(pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

static void test_auxv(void)
{
	CHECK_EQ(getauxval(AT_PAGESZ), 4096);
	CHECK(getauxval(AT_PHDR) != 0);
	CHECK(getauxval(AT_PHNUM) > 0);
	CHECK_EQ(getauxval(AT_PHENT), 56);
	CHECK(getauxval(AT_ENTRY) != 0);
	CHECK_EQ(getauxval(AT_BASE), 0);
	CHECK(getauxval(AT_RANDOM) != 0);
	CHECK_EQ(getauxval(AT_CLKTCK), 100);
	CHECK_EQ(getauxval(AT_UID), getuid());
	CHECK_EQ(getauxval(AT_EUID), geteuid());
	CHECK_EQ(getauxval(AT_GID), getgid());
	CHECK_EQ(getauxval(AT_EGID), getegid());
	CHECK_EQ(getauxval(AT_SECURE), 0);
	CHECK(getauxval(AT_HWCAP) != 0);
	const char *fn = (const char *)getauxval(AT_EXECFN);
	CHECK(fn && strstr(fn, "t_procsys"));
}

static void test_uname(void)
{
	struct utsname u;
	CHECK_EQ(uname(&u), 0);
	CHECK(strcmp(u.machine, "x86_64") == 0);
	CHECK(u.sysname[0] && u.release[0] && u.nodename[0]);
	void *volatile bad = (void *)8;
	CHECK_ERR(uname(bad), EFAULT);
}

static void test_rlimits(void)
{
	struct rlimit r, r2;
	CHECK_EQ(getrlimit(RLIMIT_NOFILE, &r), 0);
	CHECK(r.rlim_cur > 0 && r.rlim_cur <= r.rlim_max);
	CHECK_EQ(getrlimit(RLIMIT_STACK, &r2), 0);
	CHECK(r2.rlim_cur >= 128 * 1024);
	struct rlimit bad = {10, 5};
	CHECK_ERR(setrlimit(RLIMIT_NOFILE, &bad), EINVAL);
	CHECK_ERR(getrlimit(99, &r), EINVAL);
	struct rlimit low = {64, r.rlim_max};
	CHECK_EQ(setrlimit(RLIMIT_NOFILE, &low), 0);
	pid_t pid = fork();
	if (pid == 0) {
		struct rlimit c;
		int ok = getrlimit(RLIMIT_NOFILE, &c) == 0 && c.rlim_cur == 64;
		/* lower the hard limit, then raising it needs privilege */
		struct rlimit lower = {32, 32}, raise = {32, 64};
		ok = ok && setrlimit(RLIMIT_NOFILE, &lower) == 0;
		ok = ok && setresuid(1000, 1000, 1000) == 0;
		ok = ok && setrlimit(RLIMIT_NOFILE, &raise) == -1 && errno == EPERM;
		_exit(ok ? 0 : 1);
	}
	int st = reap(pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	/* prlimit on another process */
	pid = fork();
	if (pid == 0) {
		for (;;)
			pause();
	}
	struct rlimit set = {16, 16}, old;
	CHECK_EQ(prlimit(pid, RLIMIT_CORE, &set, &old), 0);
	CHECK_EQ(prlimit(pid, RLIMIT_CORE, NULL, &old), 0);
	CHECK_EQ(old.rlim_cur, 16);
	kill(pid, SIGKILL);
	reap(pid);
	CHECK_ERR(prlimit(pid, RLIMIT_CORE, NULL, &old), ESRCH);
	CHECK_EQ(setrlimit(RLIMIT_NOFILE, &r), 0);
}

static int cred_child(void)
{
	int bad = 0;
	uid_t r, e, s;
	gid_t g[4] = {5, 6};
	bad |= setgroups(2, g) != 0 || getgroups(0, NULL) != 2;
	bad |= getgroups(4, g) != 2 || g[0] != 5 || g[1] != 6;
	bad |= getgroups(1, g) != -1 || errno != EINVAL;
	/* real 1000, effective and saved 0: may switch back and forth */
	bad |= setresuid(1000, 0, 0) != 0;
	bad |= getresuid(&r, &e, &s) != 0 || r != 1000 || e != 0 || s != 0;
	bad |= getuid() != 1000 || geteuid() != 0;
	bad |= seteuid(1000) != 0 || geteuid() != 1000;
	bad |= seteuid(0) != 0 || geteuid() != 0; /* the saved id allows it */
	/* drop everything: no way back */
	bad |= setgid(100) != 0 || getgid() != 100 || getegid() != 100;
	bad |= setuid(1000) != 0;
	bad |= getresuid(&r, &e, &s) != 0 || r != 1000 || e != 1000 || s != 1000;
	bad |= setuid(0) != -1 || errno != EPERM;
	bad |= seteuid(0) != -1 || errno != EPERM;
	bad |= setreuid(-1, 2000) != -1 || errno != EPERM;
	bad |= setgid(0) != -1 || errno != EPERM;
	bad |= setgroups(0, NULL) != -1 || errno != EPERM;
	bad |= setuid(1000) != 0; /* to its own id: allowed */
	/* inherited by a child */
	pid_t pid = fork();
	if (pid == 0)
		_exit(getuid() == 1000 && geteuid() == 1000 && getgid() == 100 ? 0 : 1);
	int st = reap(pid);
	bad |= !WIFEXITED(st) || WEXITSTATUS(st) != 0;
	/* an unprivileged process may not signal root's */
	bad |= kill(getppid(), 0) != -1 || errno != EPERM;
	return bad;
}

static void test_creds(void)
{
	CHECK_EQ(getuid(), 0);
	CHECK_EQ(geteuid(), 0);
	pid_t pid = fork();
	if (pid == 0)
		_exit(cred_child());
	int st = reap(pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	CHECK_EQ(getuid(), 0); /* the parent's are unchanged */
}

static void test_usage(void)
{
	struct rusage ru;
	memset(&ru, 0xff, sizeof(ru));
	CHECK_EQ(getrusage(RUSAGE_SELF, &ru), 0);
	CHECK_EQ(ru.ru_maxrss, 0);
	CHECK_EQ(getrusage(RUSAGE_CHILDREN, &ru), 0);
	CHECK_ERR(getrusage(5, &ru), EINVAL);
	struct tms t;
	clock_t c = times(&t);
	CHECK(c != (clock_t)-1 && c > 0);
	struct sysinfo si;
	CHECK_EQ(sysinfo(&si), 0);
	CHECK(si.totalram > 0 && si.freeram > 0 && si.freeram <= si.totalram && si.procs > 0);
}

int main(void)
{
	ntest_start("procsys");
	test_random();
	test_auxv();
	test_uname();
	test_rlimits();
	test_creds();
	test_usage();
	ntest_done();
}
