/*
 * t_fork: fork and its companions. Copy-on-write isolation (heap, data,
 * stack and MAP_PRIVATE pages written on both sides after fork; MAP_SHARED
 * pages stay shared); 500 fork+wait cycles leave free pages, kernel memory
 * and the process count as they were; wait4 statuses (exit code, signal,
 * core flag), WNOHANG, ECHILD, stop and continue (WUNTRACED, WCONTINUED),
 * waitid with WNOWAIT; SIGCHLD with its siginfo; SIGCHLD ignored leaves no
 * zombie; vfork suspends the parent until the child ends; orphans go to
 * pid 1.
 */
#include "ntest.h"

#include <signal.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>

#define PAGE 4096
#define CYCLES 500

static volatile int data_word = 1;

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000};
	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* Waits for pid and returns its status (or -1). */
static int reap(pid_t pid)
{
	int st = -1;
	pid_t r;
	while ((r = waitpid(pid, &st, 0)) < 0 && errno == EINTR)
		;
	return r == pid ? st : -1;
}

static void test_cow(void)
{
	char *heap = malloc(4 * PAGE);
	char *priv = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	volatile int *shared = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (!CHECK(heap && priv != MAP_FAILED && shared != MAP_FAILED))
		return;
	volatile int stack_word = 10;
	memset(heap, 'p', 4 * PAGE);
	priv[0] = 'p';
	/* priv[PAGE] is left untouched: demand-zero on both sides */
	*shared = 0;
	data_word = 1;
	pid_t pid = fork();
	if (pid == 0) {
		int bad = 0;
		bad |= heap[0] != 'p' || priv[0] != 'p' || data_word != 1 || stack_word != 10;
		heap[0] = 'c';
		heap[3 * PAGE] = 'c';
		priv[0] = 'c';
		priv[PAGE] = 'c';
		data_word = 2;
		stack_word = 20;
		*shared = 77;
		sleep_ms(20); /* the parent writes meanwhile */
		bad |= heap[0] != 'c' || heap[3 * PAGE] != 'c' || priv[0] != 'c' ||
		       priv[PAGE] != 'c' || data_word != 2 || stack_word != 20;
		bad |= heap[PAGE] != 'p'; /* never written by the child: still the shared copy */
		_exit(bad ? 1 : 0);
	}
	if (!CHECK(pid > 0))
		return;
	heap[0] = 'P';
	priv[0] = 'P';
	data_word = 3;
	stack_word = 30;
	int st = reap(pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	CHECK_EQ(heap[0], 'P');
	CHECK_EQ(heap[3 * PAGE], 'p');
	CHECK_EQ(priv[0], 'P');
	CHECK_EQ(priv[PAGE], 0);
	CHECK_EQ(data_word, 3);
	CHECK_EQ(stack_word, 30);
	CHECK_EQ(*shared, 77);
	munmap(priv, 2 * PAGE);
	munmap((void *)shared, PAGE);
	free(heap);
}

static void test_cycles(void)
{
	struct _sys_meminfo before, after;
	for (int i = 0; i < 5; i++) { /* warm up lazily allocated state */
		pid_t pid = fork();
		if (pid == 0)
			_exit(0);
		reap(pid);
	}
	CHECK_EQ(SysMemInfo(&before), 0);
	int bad = 0;
	for (int i = 0; i < CYCLES && !bad; i++) {
		pid_t pid = fork();
		if (pid == 0)
			_exit(i & 0x7f);
		if (pid < 0) {
			ntest_info("fork %d: %s", i, strerror(errno));
			bad = 1;
			break;
		}
		int st = reap(pid);
		if (!WIFEXITED(st) || WEXITSTATUS(st) != (i & 0x7f)) {
			ntest_info("cycle %d: status %#x", i, st);
			bad = 1;
		}
	}
	CHECK(!bad);
	CHECK_EQ(SysMemInfo(&after), 0);
	CHECK_EQ(after.free_pages, before.free_pages);
	CHECK_EQ(after.kmem_in_use, before.kmem_in_use);
	CHECK_EQ(after.n_processes, before.n_processes);
	CHECK_EQ(after.n_threads, before.n_threads);
}

static void test_statuses(void)
{
	pid_t pid = fork();
	if (pid == 0)
		_exit(42);
	int st = reap(pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 42);

	pid = fork();
	if (pid == 0) {
		kill(getpid(), SIGKILL);
		_exit(1);
	}
	st = reap(pid);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL && !WCOREDUMP(st));

	pid = fork();
	if (pid == 0)
		abort();
	st = reap(pid);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT && WCOREDUMP(st));

	/* WNOHANG with a live child, then ECHILD once all are collected */
	pid = fork();
	if (pid == 0) {
		sleep_ms(50);
		_exit(5);
	}
	CHECK_EQ(waitpid(-1, &st, WNOHANG), 0);
	st = reap(pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 5);
	CHECK_ERR(waitpid(-1, &st, 0), ECHILD);
	CHECK_ERR(waitpid(-1, &st, 0x100), EINVAL); /* not a wait4 option */
}

static void test_stop_continue(void)
{
	pid_t pid = fork();
	if (pid == 0) {
		for (;;)
			pause();
	}
	int st;
	CHECK_EQ(kill(pid, SIGSTOP), 0);
	CHECK_EQ(waitpid(pid, &st, WUNTRACED), pid);
	CHECK(WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP);
	CHECK_EQ(waitpid(pid, &st, WUNTRACED | WNOHANG), 0); /* reported once */
	CHECK_EQ(kill(pid, SIGCONT), 0);
	CHECK_EQ(waitpid(pid, &st, WCONTINUED), pid);
	CHECK(WIFCONTINUED(st));
	/* waitid with WNOWAIT leaves the event */
	CHECK_EQ(kill(pid, SIGTERM), 0);
	siginfo_t si;
	memset(&si, 0, sizeof(si));
	CHECK_EQ(waitid(P_PID, pid, &si, WEXITED | WNOWAIT), 0);
	CHECK_EQ(si.si_pid, pid);
	CHECK_EQ(si.si_code, CLD_KILLED);
	CHECK_EQ(si.si_status, SIGTERM);
	st = reap(pid);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM);
}

static volatile int chld_count, chld_pid, chld_code, chld_status;

static void on_chld(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	chld_count++;
	chld_pid = si->si_pid;
	chld_code = si->si_code;
	chld_status = si->si_status;
}

static void test_sigchld(void)
{
	struct sigaction sa = {.sa_sigaction = on_chld, .sa_flags = SA_SIGINFO | SA_RESTART};
	sigemptyset(&sa.sa_mask);
	CHECK_EQ(sigaction(SIGCHLD, &sa, NULL), 0);
	sigset_t block, old;
	sigemptyset(&block);
	sigaddset(&block, SIGCHLD);
	sigprocmask(SIG_BLOCK, &block, &old);
	chld_count = 0;
	pid_t pid = fork();
	if (pid == 0)
		_exit(3);
	sigset_t wait_mask = old;
	sigdelset(&wait_mask, SIGCHLD);
	while (!chld_count)
		sigsuspend(&wait_mask);
	sigprocmask(SIG_SETMASK, &old, NULL);
	CHECK_EQ(chld_count, 1);
	CHECK_EQ(chld_pid, pid);
	CHECK_EQ(chld_code, CLD_EXITED);
	CHECK_EQ(chld_status, 3);
	int st = reap(pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 3);

	/* stop and continue are reported too, unless SA_NOCLDSTOP */
	sigprocmask(SIG_BLOCK, &block, &old);
	pid = fork();
	if (pid == 0) {
		for (;;)
			pause();
	}
	chld_count = 0;
	kill(pid, SIGSTOP);
	while (!chld_count)
		sigsuspend(&wait_mask);
	CHECK_EQ(chld_code, CLD_STOPPED);
	CHECK_EQ(chld_status, SIGSTOP);
	chld_count = 0;
	kill(pid, SIGCONT);
	while (!chld_count)
		sigsuspend(&wait_mask);
	CHECK_EQ(chld_code, CLD_CONTINUED);
	CHECK_EQ(chld_status, SIGCONT);
	sa.sa_flags |= SA_NOCLDSTOP;
	CHECK_EQ(sigaction(SIGCHLD, &sa, NULL), 0);
	chld_count = 0;
	kill(pid, SIGSTOP);
	CHECK_EQ(waitpid(pid, &st, WUNTRACED), pid); /* still waitable */
	CHECK(WIFSTOPPED(st));
	kill(pid, SIGKILL);
	while (!chld_count)
		sigsuspend(&wait_mask);
	CHECK_EQ(chld_code, CLD_KILLED); /* the only SIGCHLD: no stop report */
	CHECK_EQ(chld_status, SIGKILL);
	sigprocmask(SIG_SETMASK, &old, NULL);
	st = reap(pid);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);

	/* SIGCHLD ignored: no zombie, wait reports ECHILD once the child ended */
	sa.sa_handler = SIG_IGN;
	sa.sa_flags = 0;
	CHECK_EQ(sigaction(SIGCHLD, &sa, NULL), 0);
	pid = fork();
	if (pid == 0)
		_exit(0);
	CHECK_ERR(waitpid(pid, &st, 0), ECHILD);
	sa.sa_handler = SIG_DFL;
	CHECK_EQ(sigaction(SIGCHLD, &sa, NULL), 0);
}

static void test_vfork(void)
{
	volatile int marker = 0;
	struct _sys_meminfo mi;
	pid_t pid = vfork();
	if (pid == 0) {
		marker = 1; /* same memory as the parent, which is suspended */
		sleep_ms(20);
		marker = 2;
		_exit(11);
	}
	CHECK(pid > 0);
	CHECK_EQ(marker, 2); /* the parent resumed only when the child ended */
	int st = reap(pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 11);
	CHECK_EQ(SysMemInfo(&mi), 0);
}

static void test_orphan(void)
{
	volatile pid_t *box = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (!CHECK(box != MAP_FAILED))
		return;
	box[0] = 0;
	box[1] = 0;
	pid_t pid = fork();
	if (pid == 0) {
		pid_t g = fork();
		if (g == 0) {
			while (getppid() != 1)
				sleep_ms(5);
			box[1] = getppid();
			box[0] = 1;
			_exit(0);
		}
		_exit(0);
	}
	int st = reap(pid);
	CHECK(WIFEXITED(st));
	for (int i = 0; i < 200 && !box[0]; i++)
		sleep_ms(5);
	CHECK_EQ(box[0], 1);
	CHECK_EQ(box[1], 1);
	munmap((void *)box, PAGE);
}

int main(void)
{
	ntest_start("fork");
	test_cow();
	test_statuses();
	test_stop_continue();
	test_sigchld();
	test_vfork();
	test_orphan();
	test_cycles();
	ntest_done();
}
