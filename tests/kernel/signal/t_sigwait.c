/*
 * t_sigwait: waiting for and being interrupted by signals, across threads
 * and processes.
 *  - sigsuspend returns EINTR after the handler ran, with the old mask back;
 *  - sigtimedwait times out (EAGAIN) after its timeout, takes a pending
 *    signal at once, and sigwaitinfo wakes for one sent later by another
 *    thread, with its value;
 *  - a handler interrupts nanosleep: EINTR with the remaining time, even
 *    with SA_RESTART;
 *  - SA_RESTART restarts an interrupted waitpid, without it waitpid fails
 *    with EINTR;
 *  - default actions on a child (helper sig_victim): SIGTERM and SIGKILL
 *    kill it (WTERMSIG); SIGSTOP holds a SIGTERM until SIGCONT; SIGKILL
 *    ends a stopped child.
 * A sender thread (blocking all signals itself) posts the signals after a
 * delay with SignalKill.
 */
#include "ntest.h"

#include <signal.h>
#include <sys/syscall.h>
#include <time.h>

#pragma GCC diagnostic ignored "-Wunused-parameter"

static volatile int g_pid, g_tid, g_sig, g_delay_ms, g_value, g_sent;
static volatile int handled, handled_sig;

static long raw_nanosleep_ms(int ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000l};
	long r;
	__asm__ volatile("syscall"
			 : "=a"(r)
			 : "a"(SYS_nanosleep), "D"(&ts), "S"(0)
			 : "rcx", "r11", "memory");
	return r;
}

static void *sender(void *arg)
{
	sigset_t all;
	memset(&all, 0xff, sizeof(all));
	SignalProcmask_r(0, 0, SIG_BLOCK, &all, NULL);
	raw_nanosleep_ms(g_delay_ms);
	g_sent = SignalKill_r(0, g_pid, g_tid, g_sig, SI_QUEUE, g_value) == 0 ? 1 : -1;
	ntest_thread_exit();
}

/* Sends sig to this process (tid 0) or a thread after delay_ms. */
static void send_later(int sig, int tid, int delay_ms, int value)
{
	g_pid = getpid();
	g_tid = tid;
	g_sig = sig;
	g_delay_ms = delay_ms;
	g_value = value;
	g_sent = 0;
	int prio = sched_getscheduler(0) >= 0 ? 10 : 10;
	int r = ntest_thread(sender, NULL, SCHED_FIFO, prio);
	CHECK(r > 0);
}

static void on_sig(int sig)
{
	handled++;
	handled_sig = sig;
}

static void install(int sig, int flags)
{
	struct sigaction sa = {.sa_handler = on_sig, .sa_flags = flags};
	sigemptyset(&sa.sa_mask);
	CHECK_EQ(sigaction(sig, &sa, NULL), 0);
}

static void test_sigsuspend(void)
{
	sigset_t s, none, cur;
	install(SIGUSR1, 0);
	sigemptyset(&s);
	sigaddset(&s, SIGUSR1);
	sigprocmask(SIG_BLOCK, &s, NULL);
	handled = 0;
	send_later(SIGUSR1, 0, 20, 0);
	sigemptyset(&none);
	CHECK_ERR(sigsuspend(&none), EINTR);
	CHECK_EQ(handled, 1);
	CHECK_EQ(g_sent, 1);
	sigprocmask(SIG_BLOCK, NULL, &cur);
	CHECK_EQ(sigismember(&cur, SIGUSR1), 1);
	sigprocmask(SIG_UNBLOCK, &s, NULL);
	signal(SIGUSR1, SIG_DFL);
}

static void test_sigtimedwait(void)
{
	sigset_t s;
	siginfo_t si;
	sigemptyset(&s);
	sigaddset(&s, SIGUSR2);
	sigprocmask(SIG_BLOCK, &s, NULL);
	struct timespec ts = {.tv_sec = 0, .tv_nsec = 50 * 1000000l};
	uint64_t t0 = ntest_now();
	CHECK_ERR(sigtimedwait(&s, &si, &ts), EAGAIN);
	uint64_t dt = ntest_now() - t0;
	CHECK(dt >= 49 * NTEST_MS);
	CHECK(dt < 2000 * NTEST_MS);
	struct timespec zero = {0, 0};
	CHECK_ERR(sigtimedwait(&s, &si, &zero), EAGAIN);

	raise(SIGUSR2);
	memset(&si, 0, sizeof(si));
	CHECK_EQ(sigtimedwait(&s, &si, &ts), SIGUSR2);
	CHECK_EQ(si.si_signo, SIGUSR2);
	CHECK_EQ(si.si_code, SI_TKILL);

	send_later(SIGUSR2, 0, 20, 777);
	memset(&si, 0, sizeof(si));
	CHECK_EQ(sigwaitinfo(&s, &si), SIGUSR2);
	CHECK_EQ(si.si_code, SI_QUEUE);
	CHECK_EQ(si.si_value.sival_int, 777);
	CHECK_EQ(si.si_pid, getpid());
	/* thread-directed, to the main thread (tid 1) */
	send_later(SIGUSR2, 1, 10, 778);
	CHECK_EQ(sigwaitinfo(&s, &si), SIGUSR2);
	CHECK_EQ(si.si_value.sival_int, 778);
	sigprocmask(SIG_UNBLOCK, &s, NULL);
}

static void test_nanosleep(void)
{
	install(SIGUSR1, SA_RESTART);
	handled = 0;
	send_later(SIGUSR1, 0, 30, 0);
	struct timespec ts = {.tv_sec = 2, .tv_nsec = 0}, rem = {0, 0};
	uint64_t t0 = ntest_now();
	CHECK_ERR(nanosleep(&ts, &rem), EINTR);
	uint64_t dt = ntest_now() - t0;
	CHECK_EQ(handled, 1);
	CHECK(dt < 1500 * NTEST_MS);
	uint64_t rem_ns = (uint64_t)rem.tv_sec * 1000000000ull + (uint64_t)rem.tv_nsec;
	CHECK(rem_ns > 500 * NTEST_MS && rem_ns < 2000 * NTEST_MS);
	signal(SIGUSR1, SIG_DFL);
}

static int spawn(const char *name)
{
	char *argv[] = {(char *)name, NULL};
	char *envp[] = {NULL};
	struct _image_spawn_attr attr = {.priority = 0, .policy = -1};
	int pid = ImageSpawn_r(name, argv, envp, &attr);
	CHECK(pid > 0);
	return pid;
}

static void test_restart(void)
{
	int st = 0;
	/* SA_RESTART: waitpid carries on after the handler */
	install(SIGUSR1, SA_RESTART);
	handled = 0;
	int pid = spawn("sig_sleeper");
	send_later(SIGUSR1, 0, 30, 0);
	CHECK_EQ(waitpid(pid, &st, 0), pid);
	CHECK_EQ(handled, 1);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 7);

	/* without: EINTR */
	install(SIGUSR1, 0);
	handled = 0;
	pid = spawn("sig_sleeper");
	send_later(SIGUSR1, 0, 30, 0);
	CHECK_ERR(waitpid(pid, &st, 0), EINTR);
	CHECK_EQ(handled, 1);
	CHECK_EQ(waitpid(pid, &st, 0), pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 7);
	signal(SIGUSR1, SIG_DFL);
}

static void sleep_ms(int ms)
{
	struct timespec ts = {.tv_sec = 0, .tv_nsec = ms * 1000000l};
	nanosleep(&ts, NULL);
}

static void expect_killed(int pid, int sig)
{
	int st = 0;
	CHECK_EQ(ProcWait_r(pid, &st, 0), pid);
	if (!CHECK(WIFSIGNALED(st)))
		ntest_info("status %#x", st);
	else
		CHECK_EQ(WTERMSIG(st), sig);
}

static void test_default_actions(void)
{
	int st, pid = spawn("sig_victim");
	sleep_ms(20);
	CHECK_EQ(kill(pid, SIGTERM), 0);
	expect_killed(pid, SIGTERM);

	pid = spawn("sig_victim"); /* not started yet when killed */
	CHECK_EQ(kill(pid, SIGKILL), 0);
	expect_killed(pid, SIGKILL);

	pid = spawn("sig_victim");
	sleep_ms(20);
	CHECK_EQ(kill(pid, SIGSTOP), 0);
	sleep_ms(20);
	CHECK_EQ(kill(pid, SIGTERM), 0);
	sleep_ms(20);
	CHECK_EQ(ProcWait_r(pid, &st, _NTO_WAIT_NOHANG), 0); /* stopped: TERM waits */
	CHECK_EQ(kill(pid, SIGCONT), 0);
	expect_killed(pid, SIGTERM);

	pid = spawn("sig_victim");
	sleep_ms(20);
	CHECK_EQ(kill(pid, SIGSTOP), 0);
	sleep_ms(20);
	CHECK_EQ(kill(pid, SIGKILL), 0);
	expect_killed(pid, SIGKILL);

	pid = spawn("sig_victim"); /* SIGUSR1 by default terminates too */
	sleep_ms(20);
	CHECK_EQ(SignalKill(0, pid, 0, SIGUSR1, 0, 0), 0);
	expect_killed(pid, SIGUSR1);
}

int main(void)
{
	ntest_start("sigwait");
	test_sigsuspend();
	test_sigtimedwait();
	test_nanosleep();
	test_restart();
	test_default_actions();
	ntest_done();
}
