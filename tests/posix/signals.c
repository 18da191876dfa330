/*
 * posix_signals: sigaction (old action, errors, sa_mask and the signal
 * blocked in its handler, SA_NODEFER, SA_RESETHAND), a pipe read
 * interrupted by an alarm() timer (EINTR without SA_RESTART, restarted
 * with it), sigprocmask (pending while blocked, delivery on unblock,
 * SIGKILL/SIGSTOP not blockable), sigsuspend, sigtimedwait/sigwaitinfo
 * (timeout not early, siginfo of kill and sigqueue, real-time signals
 * queued in order, standard ones not), sigaltstack with a handler on the
 * alternate stack (also for a stack overflow), pause, raise and abort
 * statuses, fork inheritance. Built once, run on the Linux host and in
 * QEMU (ptest.h).
 */
#include "ptest.h"

#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <sys/resource.h>

#define MS 1000000ull

static volatile sig_atomic_t hits, last_sig;
static void on_sig(int sig)
{
	hits++;
	last_sig = sig;
}

static void set_handler(int sig, void (*fn)(int), int flags)
{
	struct sigaction sa = {.sa_handler = fn, .sa_flags = flags};
	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);
}

static int status_of(pid_t pid)
{
	int status = -1;
	return waitpid(pid, &status, 0) == pid ? status : -1;
}

/* Fork a child that sends sig to us after ms. */
static pid_t kill_later(int sig, unsigned ms)
{
	pid_t parent = getpid(), pid = fork();
	if (pid == 0) {
		ptest_sleep_ms(ms);
		kill(parent, sig);
		_exit(0);
	}
	return pid;
}

static void test_sigaction(void)
{
	struct sigaction sa = {.sa_handler = on_sig}, old;
	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, SIGUSR2);
	CHECK_EQ(sigaction(SIGUSR1, &sa, NULL), 0);
	CHECK_EQ(sigaction(SIGUSR1, NULL, &old), 0);
	CHECK(old.sa_handler == on_sig && sigismember(&old.sa_mask, SIGUSR2));
	CHECK_ERR(sigaction(SIGKILL, &sa, NULL), EINVAL);
	CHECK_ERR(sigaction(SIGSTOP, &sa, NULL), EINVAL);
	CHECK_ERR(sigaction(0, &sa, NULL), EINVAL);
	CHECK_ERR(sigaction(65, &sa, NULL), EINVAL);
	CHECK_EQ(sigaction(SIGKILL, NULL, &old), 0); /* querying is fine */
	hits = 0;
	CHECK_EQ(raise(SIGUSR1), 0);
	CHECK_EQ(hits, 1);
	CHECK_EQ(last_sig, SIGUSR1);
	/* Setting SIG_IGN discards a pending signal. */
	sigset_t set, prev, pend;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, &prev);
	raise(SIGUSR1);
	CHECK(sigpending(&pend) == 0 && sigismember(&pend, SIGUSR1));
	CHECK(signal(SIGUSR1, SIG_IGN) == on_sig);
	CHECK(sigpending(&pend) == 0 && !sigismember(&pend, SIGUSR1));
	sigprocmask(SIG_SETMASK, &prev, NULL);
	CHECK(signal(SIGUSR1, SIG_DFL) == SIG_IGN);
}

/* In the handler: what is blocked, and nested delivery. */
static volatile sig_atomic_t in_self_blocked, in_extra_blocked, nested, raised;
static void on_probe(int sig)
{
	sigset_t cur;
	sigprocmask(SIG_BLOCK, NULL, &cur);
	in_self_blocked = sigismember(&cur, sig);
	in_extra_blocked = sigismember(&cur, SIGUSR2);
	if (!raised) {
		raised = 1;
		raise(sig); /* delivered at once only with SA_NODEFER */
		nested = hits;
	}
	hits++;
}

static void test_handler_mask(void)
{
	struct sigaction sa = {.sa_handler = on_probe}, cur;
	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, SIGUSR2);
	sigaction(SIGUSR1, &sa, NULL);
	hits = raised = 0;
	raise(SIGUSR1);
	CHECK_EQ(hits, 2); /* the raised one ran after the first returned */
	CHECK_EQ(nested, 0);
	CHECK_EQ(in_self_blocked, 1);
	CHECK_EQ(in_extra_blocked, 1);
	sigset_t now;
	sigprocmask(SIG_BLOCK, NULL, &now);
	CHECK(!sigismember(&now, SIGUSR1) && !sigismember(&now, SIGUSR2)); /* restored */

	sa.sa_flags = SA_NODEFER;
	sigaction(SIGUSR1, &sa, NULL);
	hits = raised = 0;
	raise(SIGUSR1);
	CHECK_EQ(hits, 2);
	CHECK_EQ(nested, 1); /* ran inside the first */
	CHECK_EQ(in_self_blocked, 0);

	sa.sa_flags = SA_RESETHAND;
	sa.sa_handler = on_sig;
	sigaction(SIGUSR1, &sa, NULL);
	hits = 0;
	raise(SIGUSR1);
	CHECK_EQ(hits, 1);
	sigaction(SIGUSR1, NULL, &cur);
	CHECK(cur.sa_handler == SIG_DFL);
}

/*
 * alarm(1), or when alarm fails (reported as a failure) a child that sends
 * SIGALRM after 200 ms so that the restart checks still run. Returns the
 * child's pid or -1. BUG(neutrino): setitimer is ENOSYS, so alarm() fails.
 */
static pid_t start_alarm(void)
{
	errno = 0;
	unsigned left = alarm(1);
	if (CHECK_EQ(errno, 0) && CHECK_EQ(left, 0))
		return -1;
	return kill_later(SIGALRM, 200);
}

/* A blocking pipe read and a signal from alarm(1). */
static void test_restart(void)
{
	int p[2];
	char c;
	if (!CHECK_EQ(pipe(p), 0))
		return;
	/* Without SA_RESTART: EINTR. */
	set_handler(SIGALRM, on_sig, 0);
	hits = 0;
	uint64_t t0 = ptest_now();
	pid_t helper = start_alarm();
	CHECK_ERR(read(p[0], &c, 1), EINTR);
	CHECK_EQ(hits, 1);
	CHECK(ptest_now() - t0 >= (helper > 0 ? 150 : 990) * MS);
	if (helper > 0)
		status_of(helper);

	/* With SA_RESTART: the read goes on and gets the data written later. */
	set_handler(SIGALRM, on_sig, SA_RESTART);
	hits = 0;
	pid_t writer = fork();
	if (writer == 0) {
		ptest_sleep_ms(1500);
		_exit(write(p[1], "r", 1) == 1 ? 0 : 1);
	}
	helper = start_alarm();
	CHECK_EQ(read(p[0], &c, 1), 1);
	CHECK_EQ(c, 'r');
	CHECK_EQ(hits, 1);
	CHECK(WIFEXITED(status_of(writer)));
	if (helper > 0)
		status_of(helper);

	/* alarm(0) cancels and returns what was left. */
	alarm(10);
	unsigned left = alarm(0);
	CHECK(left >= 9 && left <= 10);
	signal(SIGALRM, SIG_DFL);
	close(p[0]);
	close(p[1]);
}

static void test_mask(void)
{
	sigset_t set, old, pend;
	set_handler(SIGUSR1, on_sig, 0);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	CHECK_EQ(sigprocmask(SIG_BLOCK, &set, &old), 0);
	CHECK(!sigismember(&old, SIGUSR1));
	hits = 0;
	raise(SIGUSR1);
	raise(SIGUSR1); /* standard signals do not queue */
	CHECK_EQ(hits, 0);
	CHECK(sigpending(&pend) == 0 && sigismember(&pend, SIGUSR1));
	CHECK_EQ(sigprocmask(SIG_UNBLOCK, &set, NULL), 0);
	CHECK_EQ(hits, 1); /* delivered before sigprocmask returned */
	CHECK(sigpending(&pend) == 0 && !sigismember(&pend, SIGUSR1));
	/* SIGKILL and SIGSTOP are silently left out. */
	sigfillset(&set);
	CHECK_EQ(sigprocmask(SIG_SETMASK, &set, NULL), 0);
	CHECK_EQ(sigprocmask(SIG_SETMASK, &old, &set), 0);
	CHECK(!sigismember(&set, SIGKILL) && !sigismember(&set, SIGSTOP));
	CHECK(sigismember(&set, SIGTERM) && sigismember(&set, SIGRTMIN));
	CHECK_ERR(sigprocmask(12345, &set, NULL), EINVAL);
	/* Unblocking one of several pending signals delivers only that one. */
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	set_handler(SIGUSR2, on_sig, 0);
	sigprocmask(SIG_BLOCK, &set, NULL);
	hits = 0;
	raise(SIGUSR1);
	raise(SIGUSR2);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	CHECK_EQ(hits, 1);
	CHECK_EQ(last_sig, SIGUSR2);
	sigprocmask(SIG_SETMASK, &old, NULL);
	CHECK_EQ(hits, 2);
	CHECK_EQ(last_sig, SIGUSR1);
}

static void test_suspend(void)
{
	sigset_t set, old, wait_mask, now;
	set_handler(SIGUSR1, on_sig, 0);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, &old);
	hits = 0;
	pid_t pid = kill_later(SIGUSR1, 50);
	wait_mask = old;
	sigdelset(&wait_mask, SIGUSR1);
	uint64_t t0 = ptest_now();
	CHECK_ERR(sigsuspend(&wait_mask), EINTR);
	CHECK_EQ(hits, 1);
	CHECK(ptest_now() - t0 >= 40 * MS);
	sigprocmask(SIG_BLOCK, NULL, &now);
	CHECK(sigismember(&now, SIGUSR1)); /* the old mask is back */
	status_of(pid);
	/* A signal already pending ends sigsuspend at once. */
	raise(SIGUSR1);
	CHECK_ERR(sigsuspend(&wait_mask), EINTR);
	CHECK_EQ(hits, 2);
	sigprocmask(SIG_SETMASK, &old, NULL);
	/* pause() returns after a caught signal. */
	hits = 0;
	pid = kill_later(SIGUSR1, 50);
	CHECK_ERR(pause(), EINTR);
	CHECK_EQ(hits, 1);
	status_of(pid);
}

static void test_wait_info(void)
{
	sigset_t set, old;
	siginfo_t si;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	sigaddset(&set, SIGRTMIN);
	sigaddset(&set, SIGRTMIN + 1);
	sigprocmask(SIG_BLOCK, &set, &old);
	/* A timeout: EAGAIN, not early. */
	struct timespec ts = {0, 100 * 1000000};
	uint64_t t0 = ptest_now();
	CHECK_ERR(sigtimedwait(&set, &si, &ts), EAGAIN);
	CHECK(ptest_now() - t0 >= 99 * MS);
	struct timespec zero = {0, 0};
	CHECK_ERR(sigtimedwait(&set, &si, &zero), EAGAIN);
	struct timespec bad = {0, 2000000000};
	CHECK_ERR(sigtimedwait(&set, &si, &bad), EINVAL);
	/* kill(): SI_USER with the sender's pid and uid. */
	kill(getpid(), SIGUSR2);
	memset(&si, 0, sizeof(si));
	CHECK_EQ(sigtimedwait(&set, &si, &ts), SIGUSR2);
	CHECK_EQ(si.si_signo, SIGUSR2);
	CHECK_EQ(si.si_code, SI_USER);
	CHECK_EQ(si.si_pid, getpid());
	CHECK_EQ(si.si_uid, getuid());
	/* From another process. */
	pid_t pid = kill_later(SIGUSR2, 20);
	memset(&si, 0, sizeof(si));
	CHECK_EQ(sigwaitinfo(&set, &si), SIGUSR2);
	CHECK_EQ(si.si_pid, pid);
	CHECK_EQ(si.si_code, SI_USER);
	status_of(pid);
	/* sigqueue: SI_QUEUE and the value; real-time signals queue in order,
	 * the lower number first. */
	union sigval v;
	for (int i = 1; i <= 3; i++) {
		v.sival_int = 100 + i;
		CHECK_EQ(sigqueue(getpid(), SIGRTMIN + 1, v), 0);
	}
	v.sival_int = 7;
	CHECK_EQ(sigqueue(getpid(), SIGRTMIN, v), 0);
	memset(&si, 0, sizeof(si));
	CHECK_EQ(sigwaitinfo(&set, &si), SIGRTMIN);
	CHECK_EQ(si.si_code, SI_QUEUE);
	CHECK_EQ(si.si_value.sival_int, 7);
	CHECK_EQ(si.si_pid, getpid());
	for (int i = 1; i <= 3; i++) {
		memset(&si, 0, sizeof(si));
		CHECK_EQ(sigwaitinfo(&set, &si), SIGRTMIN + 1);
		CHECK_EQ(si.si_value.sival_int, 100 + i);
	}
	CHECK_ERR(sigtimedwait(&set, &si, &zero), EAGAIN);
	/* sigwait takes the signal off the pending set. */
	int sig = 0;
	raise(SIGUSR2);
	CHECK(sigwait(&set, &sig) == 0 && sig == SIGUSR2);
	sigset_t pend;
	CHECK(sigpending(&pend) == 0 && !sigismember(&pend, SIGUSR2));
	sigprocmask(SIG_SETMASK, &old, NULL);
}

/* A SA_SIGINFO handler sees the same fields, and a ucontext. */
static volatile sig_atomic_t info_code, info_value, info_pid, info_uc;
static void on_info(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	info_code = si->si_code;
	info_value = si->si_value.sival_int;
	info_pid = si->si_pid;
	info_uc = uc != NULL;
	hits++;
}

static void test_siginfo_handler(void)
{
	struct sigaction sa = {.sa_sigaction = on_info, .sa_flags = SA_SIGINFO};
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	hits = 0;
	union sigval v = {.sival_int = 4242};
	CHECK_EQ(sigqueue(getpid(), SIGUSR1, v), 0);
	CHECK_EQ(hits, 1);
	CHECK_EQ(info_code, SI_QUEUE);
	CHECK_EQ(info_value, 4242);
	CHECK_EQ(info_pid, getpid());
	CHECK_EQ(info_uc, 1);
	pid_t pid = kill_later(SIGUSR1, 10);
	for (int i = 0; i < 500 && hits < 2; i++)
		ptest_sleep_ms(10);
	CHECK_EQ(hits, 2);
	CHECK_EQ(info_code, SI_USER);
	CHECK_EQ(info_pid, pid);
	status_of(pid);
	signal(SIGUSR1, SIG_DFL);
}

/* sigaltstack: the handler runs on the alternate stack. */
static char *alt_lo, *alt_hi;
static volatile sig_atomic_t on_alt, alt_flag_seen;
static void on_altsig(int sig)
{
	(void)sig;
	char here;
	on_alt = &here >= alt_lo && &here < alt_hi;
	stack_t cur;
	sigaltstack(NULL, &cur);
	alt_flag_seen = (cur.ss_flags & SS_ONSTACK) != 0;
}

static void test_altstack(void)
{
	size_t size = 64 * 1024;
	char *mem = malloc(size);
	if (!CHECK(mem != NULL))
		return;
	stack_t ss = {.ss_sp = mem, .ss_size = size, .ss_flags = 0}, old, cur;
	CHECK_EQ(sigaltstack(&ss, &old), 0);
	CHECK(old.ss_flags & SS_DISABLE);
	CHECK(sigaltstack(NULL, &cur) == 0 && cur.ss_sp == mem && cur.ss_size == size);
	CHECK_EQ(cur.ss_flags, 0);
	alt_lo = mem;
	alt_hi = mem + size;
	set_handler(SIGUSR1, on_altsig, SA_ONSTACK);
	on_alt = alt_flag_seen = 0;
	raise(SIGUSR1);
	CHECK_EQ(on_alt, 1);
	CHECK_EQ(alt_flag_seen, 1);
	/* Without SA_ONSTACK the handler stays on the normal stack. */
	set_handler(SIGUSR1, on_altsig, 0);
	on_alt = 1;
	raise(SIGUSR1);
	CHECK_EQ(on_alt, 0);
	stack_t tiny = {.ss_sp = mem, .ss_size = 512, .ss_flags = 0};
	CHECK_ERR(sigaltstack(&tiny, NULL), ENOMEM);
	stack_t off = {.ss_flags = SS_DISABLE};
	CHECK_EQ(sigaltstack(&off, NULL), 0);
	CHECK(sigaltstack(NULL, &cur) == 0 && (cur.ss_flags & SS_DISABLE));
	signal(SIGUSR1, SIG_DFL);
	free(mem);
}

/* A stack overflow caught by a SIGSEGV handler on the alternate stack. */
static sigjmp_buf overflow_jmp;
static void on_overflow(int sig)
{
	(void)sig;
	siglongjmp(overflow_jmp, 1);
}

static volatile int overflow_sink, overflow_depth = 1 << 30;
static int recurse(int n)
{
	volatile char pad[1024];
	pad[0] = (char)n;
	overflow_sink = pad[0];
	if (n >= overflow_depth)
		return 0;
	return recurse(n + 1) + pad[0];
}

static void overflow_child(void *arg)
{
	(void)arg;
	struct rlimit rl = {4u << 20, 4u << 20}; /* 4 MiB: a prompt overflow */
	setrlimit(RLIMIT_STACK, &rl);
	static char mem[64 * 1024];
	stack_t ss = {.ss_sp = mem, .ss_size = sizeof(mem)};
	CHECK_EQ(sigaltstack(&ss, NULL), 0);
	set_handler(SIGSEGV, on_overflow, SA_ONSTACK);
	if (sigsetjmp(overflow_jmp, 1) == 0) {
		recurse(0);
		CHECK(!"recursion without end returned");
	}
	/* Back on the normal stack with SIGSEGV unblocked by siglongjmp. */
	sigset_t now;
	sigprocmask(SIG_BLOCK, NULL, &now);
	CHECK(!sigismember(&now, SIGSEGV));
}

static void dflt_child(void *arg)
{
	int what = (int)(intptr_t)arg;
	struct rlimit rl = {0, 0};
	setrlimit(RLIMIT_CORE, &rl);
	if (what == 0) {
		raise(SIGTERM);
	} else if (what == 1) {
		abort();
	} else if (what == 2) {
		/* abort() still ends the process when SIGABRT is caught and returns,
		 * or blocked. */
		set_handler(SIGABRT, on_sig, 0);
		abort();
	} else if (what == 3) {
		sigset_t set;
		sigemptyset(&set);
		sigaddset(&set, SIGABRT);
		sigprocmask(SIG_BLOCK, &set, NULL);
		abort();
	}
	_exit(0);
}

static void test_default_actions(void)
{
	int want[] = {SIGTERM, SIGABRT, SIGABRT, SIGABRT};
	for (int i = 0; i < 4; i++) {
		fflush(stdout);
		pid_t pid = fork();
		if (pid == 0)
			dflt_child((void *)(intptr_t)i);
		int st = status_of(pid);
		if (!(WIFSIGNALED(st) && WTERMSIG(st) == want[i]))
			ptest_fail("child killed by the signal", __FILE_NAME__, __LINE__,
				   "case %d: status %#x, want signal %d", i, (unsigned)st, want[i]);
	}
	/* SIGCHLD, SIGURG, SIGWINCH are ignored by default; SIGCONT continues. */
	raise(SIGURG);
	raise(SIGWINCH);
	raise(SIGCONT);
	/* Overflow on the alternate stack. */
	ptest_in_child(overflow_child, NULL, "stack overflow");
}

/* fork: the child keeps handlers and mask, starts with no pending signals. */
static void test_fork_inherit(void)
{
	sigset_t set, old;
	set_handler(SIGUSR1, on_sig, 0);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, &old);
	raise(SIGUSR1);
	pid_t pid = fork();
	if (pid == 0) {
		sigset_t pend, now;
		int bad = 0;
		sigpending(&pend);
		bad |= sigismember(&pend, SIGUSR1);
		sigprocmask(SIG_BLOCK, NULL, &now);
		bad |= !sigismember(&now, SIGUSR1) << 1;
		struct sigaction sa;
		sigaction(SIGUSR1, NULL, &sa);
		bad |= (sa.sa_handler != on_sig) << 2;
		_exit(bad);
	}
	int st = status_of(pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	hits = 0;
	sigprocmask(SIG_SETMASK, &old, NULL);
	CHECK_EQ(hits, 1); /* still pending in the parent */
	signal(SIGUSR1, SIG_DFL);
}

int main(void)
{
	ptest_start("signals");
	test_sigaction();
	test_handler_mask();
	test_restart();
	test_mask();
	test_suspend();
	test_wait_info();
	test_siginfo_handler();
	test_altstack();
	test_default_actions();
	test_fork_inherit();
	ptest_done();
}
