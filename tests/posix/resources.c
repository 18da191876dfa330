/*
 * posix_resources: what a process owns besides memory and files: robust
 * mutexes whose owner thread or process died (EOWNERDEAD, also with
 * PTHREAD_PRIO_INHERIT; ENOTRECOVERABLE), Linux thread ids (the first
 * thread's is the pid; tgkill and tkill reach another thread), the CPU
 * time getrusage, times and wait4 report (its own and its reaped
 * children's), getrlimit/setrlimit/prlimit with RLIMIT_NOFILE enforced,
 * and the inherited fds of a child forked after setuid. Built once, run
 * on the Linux host and in QEMU (ptest.h).
 */
#include "ptest.h"

#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/times.h>

/* Locks m, giving up after 5 s (a lost owner-died wake-up fails, not hangs). */
static int lock_5s(pthread_mutex_t *m)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += 5;
	return pthread_mutex_timedlock(m, &ts);
}

static void *lock_and_quit(void *m)
{
	return (void *)(long)pthread_mutex_lock(m);
}

/* A robust mutex whose owner ended: the next lock gets EOWNERDEAD and the
 * mutex, which works again once marked consistent (or is unusable if it
 * is unlocked without that). */
static void robust_case(bool pshared, int protocol)
{
	pthread_mutex_t *m = mmap(NULL, sizeof(*m), PROT_READ | PROT_WRITE,
				  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (!CHECK(m != MAP_FAILED))
		return;
	pthread_mutexattr_t ma;
	pthread_mutexattr_init(&ma);
	pthread_mutexattr_setrobust(&ma, PTHREAD_MUTEX_ROBUST);
	pthread_mutexattr_setprotocol(&ma, protocol);
	pthread_mutexattr_setpshared(&ma, pshared ? PTHREAD_PROCESS_SHARED : PTHREAD_PROCESS_PRIVATE);
	CHECK_EQ(pthread_mutex_init(m, &ma), 0);
	if (pshared) {
		pid_t pid = fork();
		if (pid == 0)
			_exit(pthread_mutex_lock(m) == 0 ? 0 : 1); /* dies holding it */
		CHECK(ptest_exited_with(ptest_status_of(pid), 0));
	} else {
		pthread_t th;
		void *rv = (void *)1;
		CHECK(pthread_create(&th, NULL, lock_and_quit, m) == 0 &&
		      pthread_join(th, &rv) == 0 && rv == NULL);
	}
	CHECK_EQ(lock_5s(m), EOWNERDEAD);
	CHECK_EQ(pthread_mutex_consistent(m), 0);
	CHECK_EQ(pthread_mutex_unlock(m), 0);
	CHECK_EQ(lock_5s(m), 0);
	CHECK_EQ(pthread_mutex_unlock(m), 0);
	/* Unlocked without being made consistent: unusable for good. */
	if (pshared) {
		pid_t pid = fork();
		if (pid == 0)
			_exit(pthread_mutex_lock(m) == 0 ? 0 : 1);
		CHECK(ptest_exited_with(ptest_status_of(pid), 0));
		CHECK_EQ(lock_5s(m), EOWNERDEAD);
		CHECK_EQ(pthread_mutex_unlock(m), 0);
		CHECK_EQ(lock_5s(m), ENOTRECOVERABLE);
	}
	munmap(m, sizeof(*m));
}

static volatile pid_t tid_in_handler;
static void note_tid(int sig)
{
	(void)sig;
	tid_in_handler = gettid();
}

struct tid_arg {
	volatile pid_t tid;
	volatile int stop;
};

static void *report_tid(void *arg)
{
	struct tid_arg *ta = arg;
	ta->tid = gettid();
	while (!ta->stop)
		ptest_sleep_ms(1);
	return NULL;
}

/* Thread ids: the main thread's is the pid, another thread's is a number
 * of its own that tgkill and tkill reach. */
static void test_thread_ids(void)
{
	CHECK_EQ(gettid(), getpid());
	struct sigaction sa = {.sa_handler = note_tid}, old;
	sigemptyset(&sa.sa_mask);
	CHECK_EQ(sigaction(SIGUSR1, &sa, &old), 0);
	struct tid_arg ta = {0, 0};
	pthread_t th;
	if (!CHECK_EQ(pthread_create(&th, NULL, report_tid, &ta), 0))
		return;
	for (int i = 0; i < 5000 && !ta.tid; i++)
		ptest_sleep_ms(1);
	pid_t tid = ta.tid;
	CHECK(tid > 0 && tid != getpid());
	CHECK_EQ(syscall(SYS_tgkill, getpid(), tid, SIGUSR1), 0);
	for (int i = 0; i < 5000 && tid_in_handler != tid; i++)
		ptest_sleep_ms(1);
	CHECK_EQ(tid_in_handler, tid);
	tid_in_handler = 0;
	CHECK_EQ(syscall(SYS_tkill, tid, SIGUSR1), 0);
	for (int i = 0; i < 5000 && tid_in_handler != tid; i++)
		ptest_sleep_ms(1);
	CHECK_EQ(tid_in_handler, tid);
	CHECK_ERR(syscall(SYS_tgkill, getppid(), tid, 0), ESRCH); /* not that process's */
	ta.stop = 1;
	CHECK_EQ(pthread_join(th, NULL), 0);
	sigaction(SIGUSR1, &old, NULL);
}

static void test_robust(void)
{
	robust_case(false, PTHREAD_PRIO_NONE);
	robust_case(true, PTHREAD_PRIO_NONE);
	robust_case(false, PTHREAD_PRIO_INHERIT);
	robust_case(true, PTHREAD_PRIO_INHERIT);
}

/* Spins until the process has used ms more CPU time. */
static void burn_cpu_ms(long ms)
{
	struct timespec a, b;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &a);
	do
		clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &b);
	while ((b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000 < ms);
}

static long ru_ms(const struct rusage *ru)
{
	return (ru->ru_utime.tv_sec + ru->ru_stime.tv_sec) * 1000 +
	       (ru->ru_utime.tv_usec + ru->ru_stime.tv_usec) / 1000;
}

/* getrusage, times and wait4's rusage report the CPU time used: the
 * caller's, and that of reaped children (not of unreaped ones). */
static void test_usage(void)
{
	struct rusage self0, self1, kids0, kids1, ru;
	struct tms t0, t1;
	long hz = sysconf(_SC_CLK_TCK);
	CHECK_EQ(getrusage(RUSAGE_SELF, &self0), 0);
	CHECK_EQ(getrusage(RUSAGE_CHILDREN, &kids0), 0);
	CHECK(times(&t0) != (clock_t)-1);
	CHECK_ERR(getrusage(12345, &ru), EINVAL);
	burn_cpu_ms(60);
	CHECK_EQ(getrusage(RUSAGE_SELF, &self1), 0);
	CHECK_GE(ru_ms(&self1) - ru_ms(&self0), 40);
	CHECK_EQ(getrusage(RUSAGE_THREAD, &ru), 0);
	CHECK_GE(ru_ms(&ru), 40);
	CHECK(self1.ru_utime.tv_usec >= 0 && self1.ru_utime.tv_usec < 1000000);

	pid_t pid = fork();
	if (pid == 0) {
		burn_cpu_ms(60);
		_exit(0);
	}
	int status;
	CHECK_EQ(wait4(pid, &status, 0, &ru), pid);
	CHECK_GE(ru_ms(&ru), 40);
	CHECK_EQ(getrusage(RUSAGE_CHILDREN, &kids1), 0);
	CHECK_GE(ru_ms(&kids1) - ru_ms(&kids0), 40);
	CHECK(times(&t1) != (clock_t)-1);
	CHECK_GE((t1.tms_utime + t1.tms_stime) - (t0.tms_utime + t0.tms_stime), 40 * hz / 1000);
	CHECK_GE((t1.tms_cutime + t1.tms_cstime) - (t0.tms_cutime + t0.tms_cstime), 40 * hz / 1000);
}

static void limits_child(void *arg)
{
	(void)arg;
	struct rlimit rl = {64, 64};
	int nul = open("/dev/null", O_RDONLY);
	CHECK(nul >= 0 && nul < 64);
	CHECK_EQ(setrlimit(RLIMIT_NOFILE, &rl), 0);
	CHECK(getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur == 64 && rl.rlim_max == 64);
	/* BUG(neutrino): dup2, F_DUPFD and open ignore RLIMIT_NOFILE. */
	CHECK_ERR(dup2(nul, 64), EBADF);
	CHECK_ERR(fcntl(nul, F_DUPFD, 64), EINVAL);
	CHECK_EQ(dup2(nul, 63), 63);
	close(63);
	int last = -1, fd;
	while ((fd = open("/dev/null", O_RDONLY)) >= 0)
		last = fd;
	CHECK_EQ(errno, EMFILE);
	CHECK_EQ(last, 63);
	/* A soft limit above the hard one is refused. */
	rl.rlim_cur = 65;
	CHECK_ERR(setrlimit(RLIMIT_NOFILE, &rl), EINVAL);
	/* prlimit on ourselves: new and old in one call. */
	struct rlimit nl = {0, RLIM_INFINITY}, ol;
	CHECK_EQ(prlimit(0, RLIMIT_CORE, &nl, &ol), 0);
	CHECK(getrlimit(RLIMIT_CORE, &rl) == 0 && rl.rlim_cur == 0);
	CHECK_EQ(prlimit(getpid(), RLIMIT_CORE, NULL, &ol), 0);
	CHECK_EQ(ol.rlim_cur, 0);
}

static void test_limits(void)
{
	struct rlimit rl;
	CHECK_EQ(getrlimit(RLIMIT_NOFILE, &rl), 0);
	CHECK(rl.rlim_cur > 0 && rl.rlim_cur <= rl.rlim_max);
	CHECK_EQ(getrlimit(RLIMIT_STACK, &rl), 0);
	CHECK(rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur >= 65536);
	CHECK_ERR(getrlimit(1000, &rl), EINVAL);
	ptest_in_child(limits_child, NULL, "RLIMIT_NOFILE");
}

/* A process that gave up root still forks children whose inherited fds
 * work (the servers accept their _IO_DUP from the parent's child). */
static void unprivileged_child(void *unused)
{
	(void)unused;
	int fd = open("inherit", O_CREAT | O_RDWR | O_TRUNC, 0600);
	int p[2];
	if (!CHECK(fd >= 0) || !CHECK_EQ(pipe(p), 0))
		return;
	CHECK_EQ(write(fd, "data", 4), 4);
	CHECK_EQ(setgid(1), 0);
	CHECK_EQ(setuid(1), 0);
	CHECK(getuid() == 1 && geteuid() == 1);
	pid_t pid = fork();
	if (pid == 0) {
		char b[4];
		int bad = pread(fd, b, 4, 0) != 4 || memcmp(b, "data", 4);
		bad |= (write(fd, "more", 4) != 4) << 1;
		bad |= (write(p[1], "x", 1) != 1) << 2;
		_exit(bad);
	}
	CHECK(ptest_exited_with(ptest_status_of(pid), 0));
	char c;
	CHECK_EQ(read(p[0], &c, 1), 1);
	CHECK_EQ(lseek(fd, 0, SEEK_END), 8);
	close(fd);
}

int main(void)
{
	ptest_start("resources");
	test_robust();
	test_thread_ids();
	test_usage();
	test_limits();
	ptest_in_child(unprivileged_child, NULL, "fork after setuid");
	ptest_done();
}
