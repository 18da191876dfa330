/*
 * t_pgrp: process groups and sessions. getpgrp/getpgid/getsid agree and
 * are inherited; setpgid's rules (EINVAL, ESRCH for a stranger, EPERM for
 * an unknown group, a child in another session or a session leader,
 * EACCES once the child exec'd); setsid (EPERM for a group leader, a new
 * session and group otherwise); kill(0) and kill(-pgid) reach every
 * member and only them; wait for any child of a group; the controlling
 * terminal records of SessionCtl (the test plays the terminal driver) and
 * the hang-up of the foreground group when the session leader ends.
 */
#include "ntest.h"

#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>

#define HELPER "/proc/boot/proc_helper"

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000};
	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static int reap(pid_t pid)
{
	int st = -1;
	pid_t r;
	while ((r = waitpid(pid, &st, 0)) < 0 && errno == EINTR)
		;
	return r == pid ? st : -1;
}

static pid_t pauser(void)
{
	pid_t pid = fork();
	if (pid == 0) {
		for (;;)
			pause();
	}
	return pid;
}

static void test_ids(void)
{
	CHECK_EQ(getpgrp(), getpgid(0));
	CHECK_EQ(getpgid(getpid()), getpgrp());
	CHECK_EQ(getsid(0), getsid(getpid()));
	CHECK_ERR(getpgid(30000), ESRCH);
	CHECK_ERR(getsid(30000), ESRCH);
	CHECK_ERR(setpgid(0, -1), EINVAL);
	CHECK_ERR(setpgid(1, 1), ESRCH); /* not a child */
}

/* Runs in a process that is not a group leader (a fresh child). */
static int session_rules(void)
{
	int bad = 0;
	pid_t me = getpid();
	if (getpgrp() == me)
		return 1;
	pid_t sid = setsid();
	bad |= sid != me || getsid(0) != me || getpgrp() != me;
	bad |= setsid() != -1 || errno != EPERM;         /* leads a group now */
	bad |= setpgid(0, 0) != -1 || errno != EPERM;    /* a session leader stays */

	pid_t c = pauser();
	bad |= getsid(c) != me || getpgid(c) != me;      /* inherited */
	bad |= setpgid(c, 12345) != -1 || errno != EPERM; /* no such group here */
	bad |= setpgid(c, c) != 0 || getpgid(c) != c;
	bad |= setpgid(c, me) != 0 || getpgid(c) != me;  /* back to an existing group */
	kill(c, SIGKILL);
	reap(c);

	/* a child that made its own session cannot be moved */
	volatile int *flag = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	*flag = 0;
	c = fork();
	if (c == 0) {
		setsid();
		*flag = 1;
		for (;;)
			pause();
	}
	while (!*flag)
		sleep_ms(2);
	bad |= setpgid(c, c) != -1 || errno != EPERM;
	kill(c, SIGKILL);
	reap(c);

	/* after exec: EACCES */
	c = fork();
	if (c == 0) {
		char *argv[] = {"proc_helper", "pause", NULL};
		execve(HELPER, argv, NULL);
		_exit(1);
	}
	for (int i = 0; i < 100; i++) { /* until the exec happened */
		int r = setpgid(c, c);
		if (r == -1 && errno == EACCES)
			break;
		sleep_ms(5);
		if (i == 99)
			bad |= 1;
	}
	kill(c, SIGKILL);
	reap(c);
	return bad;
}

static void test_sessions(void)
{
	pid_t pid = fork();
	if (pid == 0)
		_exit(session_rules());
	int st = reap(pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

static void test_kill_group(void)
{
	pid_t a = pauser(), b = pauser(), outsider = pauser();
	if (!CHECK(a > 0 && b > 0 && outsider > 0))
		return;
	CHECK_EQ(setpgid(a, a), 0);
	CHECK_EQ(setpgid(b, a), 0);
	CHECK_EQ(kill(-a, 0), 0);
	CHECK_EQ(kill(-a, SIGTERM), 0);
	int st = reap(a);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM);
	st = reap(b);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM);
	CHECK_EQ(waitpid(outsider, &st, WNOHANG), 0); /* not in the group: alive */
	CHECK_ERR(kill(-a, SIGTERM), ESRCH);

	/* waitpid(-pgid) and waitpid(0) */
	pid_t c = fork();
	if (c == 0) {
		setpgid(0, 0);
		_exit(4);
	}
	setpgid(c, c);
	CHECK_EQ(waitpid(-c, &st, 0), c);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 4);
	c = fork();
	if (c == 0)
		_exit(6);
	CHECK_EQ(waitpid(0, &st, 0), c);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 6);

	/* kill(0): a child in its own group signals that group only */
	c = fork();
	if (c == 0) {
		setpgid(0, 0);
		pid_t g = pauser();
		setpgid(g, getpid());
		kill(0, SIGUSR1); /* kills g and itself (default action) */
		_exit(1);
	}
	st = reap(c);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGUSR1);
	CHECK_EQ(waitpid(outsider, &st, WNOHANG), 0);
	kill(outsider, SIGKILL);
	reap(outsider);
}

static volatile int *hup_flag;

static void on_hup(int sig)
{
	(void)sig;
	*hup_flag = 1;
}

/* A session leader (a child) with the test's "terminal" 0x1234. */
static void test_ctty(void)
{
	struct _session_info info;
	CHECK_EQ(SessionCtl(_NTO_SESSION_GET, 0, 0, &info), 0);
	CHECK_EQ(info.sid, getsid(0));
	CHECK_EQ(info.pgid, getpgrp());
	hup_flag = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (!CHECK(hup_flag != MAP_FAILED))
		return;
	hup_flag[0] = hup_flag[1] = 0;
	pid_t leader = fork();
	if (leader == 0) {
		setsid();
		pid_t g = fork();
		if (g == 0) { /* in the leader's (foreground) group */
			signal(SIGHUP, on_hup);
			hup_flag[1] = 1;
			for (;;)
				pause();
		}
		while (!hup_flag[1])
			sleep_ms(2);
		hup_flag[1] = 2;
		for (;;)
			pause();
	}
	while (hup_flag[1] != 2)
		sleep_ms(2);
	CHECK_ERR(SessionCtl(_NTO_SESSION_SET_CTTY, getpid(), 0x1234, NULL), EPERM); /* test leads none */
	CHECK_EQ(SessionCtl(_NTO_SESSION_SET_CTTY, leader, 0x1234, NULL), 0);
	CHECK_ERR(SessionCtl(_NTO_SESSION_SET_CTTY, leader, 0x5678, NULL), EPERM);
	CHECK_EQ(SessionCtl(_NTO_SESSION_GET, leader, 0, &info), 0);
	CHECK_EQ(info.sid, leader);
	CHECK_EQ(info.ctty, 0x1234);
	CHECK_EQ(info.ctty_server, getpid());
	CHECK_EQ(info.fg_pgrp, leader);
	CHECK_ERR(SessionCtl(_NTO_SESSION_SET_FG, leader, getpgrp(), NULL), EPERM); /* other session */
	CHECK_EQ(SessionCtl(_NTO_SESSION_SET_FG, leader, leader, NULL), 0);
	CHECK_ERR(SessionCtl(_NTO_SESSION_SET_FG, getpid(), getpgrp(), NULL), ENOTTY);
	CHECK_ERR(SessionCtl(_NTO_SESSION_CLEAR_CTTY, leader, 0x9999, NULL), ENOTTY);
	CHECK_ERR(SessionCtl(99, leader, 0, NULL), EINVAL);
	/* a second session may not take the same terminal */
	hup_flag[2] = 0;
	pid_t other = fork();
	if (other == 0) {
		setsid();
		hup_flag[2] = 1;
		for (;;)
			pause();
	}
	while (!hup_flag[2])
		sleep_ms(2);
	CHECK_ERR(SessionCtl(_NTO_SESSION_SET_CTTY, other, 0x1234, NULL), EBUSY);
	kill(other, SIGKILL);
	reap(other);
	/* the leader ends: its foreground group is hung up */
	kill(leader, SIGKILL);
	reap(leader);
	for (int i = 0; i < 200 && !hup_flag[0]; i++)
		sleep_ms(5);
	CHECK_EQ(hup_flag[0], 1);
	munmap((void *)hup_flag, 4096);
}

int main(void)
{
	ntest_start("pgrp");
	test_ids();
	test_sessions();
	test_kill_group();
	test_ctty();
	ntest_done();
}
