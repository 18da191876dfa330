/*
 * t_ttyjob: devc-ser8250 as a controlling terminal over the kernel's
 * sessions (SessionCtl), and Linux's job control on it. The test starts
 * the driver, leads a new session and takes the tty (TIOCSCTTY), then:
 *  (a) the kernel's record: SessionCtl(GET) names the tty (the driver's
 *      device number, served by its pid) and the foreground group;
 *      TIOCGSID, TIOCGPGRP; TIOCSPGRP to a group of another session is
 *      refused; a process of another session gets ENOTTY;
 *  (b) a background group writing with TOSTOP is stopped by SIGTTOU
 *      (ProcInfo and /proc/<pid>/stat say stopped), and once made the
 *      foreground and continued its write completes;
 *  (c) a background read: stopped by SIGTTIN; EIO with SIGTTIN ignored or
 *      blocked; EIO from an orphaned group;
 *  (d) tcsetattr from the background: EINTR after a SIGTTOU handler ran;
 *      goes ahead with SIGTTOU ignored (as tcsetpgrp does for the test);
 *  (e) TIOCNOTTY; a new session leader opening the tty without O_NOCTTY
 *      gets it, and when it exits the kernel hangs up its foreground group
 *      (SIGHUP) and the session loses the tty.
 * Children report through their exit status or a shared page.
 */
#include "ntest.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

static int drv_pid, fd;
static struct shared {
	volatile int ready, result, hup, sid_ok;
} *sh;

static void sleep_ms(unsigned ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) != 0)
		;
}

static unsigned ms_since(uint64_t t0)
{
	return (unsigned)((ntest_now() - t0) / NTEST_MS);
}

static int start_driver(void)
{
	struct stat st;
	if (stat("/dev/ser1", &st) == 0) {
		ntest_info("/dev/ser1 is served already: nothing to test");
		return -1;
	}
	char *argv[] = {"devc-ser8250", NULL};
	char *envp[] = {NULL};
	struct _image_spawn_attr attr = {.priority = 0, .policy = -1};
	drv_pid = ImageSpawn("devc-ser8250", argv, envp, &attr);
	if (!CHECK(drv_pid > 0))
		return -1;
	uint64_t t0 = ntest_now();
	while (stat("/dev/ser1", &st) != 0 && ms_since(t0) < 5000)
		sleep_ms(10);
	return CHECK_EQ(stat("/dev/ser1", &st), 0) ? 0 : -1;
}

/* A child in a group of its own (a background job); body's result is its
 * exit status. */
static pid_t job(int (*body)(void))
{
	pid_t pid = fork();
	if (pid == 0) {
		setpgid(0, 0);
		_exit(body());
	}
	if (pid > 0)
		setpgid(pid, pid);
	return pid;
}

/* pid's status once it stops or ends (within 3 s; else it is killed: -1). */
static int job_wait(pid_t pid)
{
	uint64_t t0 = ntest_now();
	int st;
	while (ms_since(t0) < 3000) {
		pid_t r = waitpid(pid, &st, WNOHANG | WUNTRACED);
		if (r == pid)
			return st;
		if (r < 0)
			return -1;
		sleep_ms(5);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	return -1;
}

static void kill_reap(pid_t pid)
{
	int st;
	kill(pid, SIGKILL);
	kill(pid, SIGCONT);
	waitpid(pid, &st, 0);
}

/* The test takes the foreground back (it is in the background then:
 * SIGTTOU ignored, so tcsetpgrp goes ahead). */
static void fg_back(void)
{
	signal(SIGTTOU, SIG_IGN);
	CHECK_EQ(tcsetpgrp(fd, getpgrp()), 0);
	signal(SIGTTOU, SIG_DFL);
	CHECK_EQ(tcgetpgrp(fd), getpgrp());
}

/* (a) */
static int other_session(void)
{
	if (setsid() < 0)
		return 1;
	int32_t v;
	if (ioctl(fd, TIOCGPGRP, &v) != -1 || errno != ENOTTY)
		return 2;
	if (ioctl(fd, TIOCGSID, &v) != -1 || errno != ENOTTY)
		return 3;
	if (ioctl(fd, TIOCSCTTY, 0) != -1 || errno != EPERM)
		return 4; /* the tty is another session's */
	return 0;
}

static void test_session(void)
{
	struct _session_info si;
	if (CHECK_EQ(SessionCtl(_NTO_SESSION_GET, 0, 0, &si), 0)) {
		CHECK_EQ(si.sid, getpid());
		CHECK_EQ(si.ctty_server, drv_pid);
		CHECK_EQ(si.fg_pgrp, getpid());
		struct stat st;
		if (CHECK_EQ(fstat(fd, &st), 0))
			CHECK_EQ(si.ctty, st.st_rdev);
	}
	int32_t v = -1;
	CHECK_EQ(ioctl(fd, TIOCGSID, &v), 0);
	CHECK_EQ(v, getpid());
	CHECK_EQ(tcgetpgrp(fd), getpid());
	CHECK_EQ(ioctl(fd, TIOCSCTTY, 0), 0); /* ours already */
	CHECK_ERR(tcsetpgrp(fd, 1), EPERM);   /* procnto's group: another session */
	pid_t pid = fork();
	if (pid == 0)
		_exit(other_session());
	int st = job_wait(pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

/* (b) */
static int bg_write(void)
{
	return write(fd, "ttyjob: background write\n", 25) == 25 ? 0 : 1;
}

static void test_tostop(void)
{
	struct termios t, tostop;
	if (!CHECK_EQ(tcgetattr(fd, &t), 0))
		return;
	tostop = t;
	tostop.c_lflag |= TOSTOP;
	CHECK_EQ(tcsetattr(fd, TCSANOW, &tostop), 0);
	pid_t pid = job(bg_write);
	int st = job_wait(pid);
	if (CHECK(WIFSTOPPED(st)) && CHECK_EQ(WSTOPSIG(st), SIGTTOU)) {
		struct _proc_info pi;
		if (CHECK_EQ(ProcInfo(pid, &pi), pid)) {
			CHECK(pi.flags & _NTO_PROCINFO_FL_STOPPED);
			CHECK(pi.pgid == pid && pi.sid == getpid() && pi.tpgid == getpid());
		}
		char path[32], buf[256];
		snprintf(path, sizeof(path), "/proc/%d/stat", pid);
		int sfd = open(path, O_RDONLY);
		long n = sfd >= 0 ? read(sfd, buf, sizeof(buf) - 1) : -1;
		if (CHECK(n > 0)) {
			buf[n] = '\0';
			char want[64];
			snprintf(want, sizeof(want), ") T %d %d %d ", getpid(), pid, getpid());
			if (!CHECK(strstr(buf, want) != NULL))
				ntest_info("%s: %s", path, buf);
		}
		close(sfd);
		CHECK_EQ(tcsetpgrp(fd, pid), 0);
		CHECK_EQ(kill(-pid, SIGCONT), 0);
		st = job_wait(pid);
		CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	} else {
		kill_reap(pid);
	}
	fg_back();
	CHECK_EQ(tcsetattr(fd, TCSANOW, &t), 0);
	/* without TOSTOP a background write just goes out */
	pid = job(bg_write);
	st = job_wait(pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

/* (c) */
static int bg_read(void)
{
	char c;
	read(fd, &c, 1);
	return 9; /* never: stopped, then killed */
}

static int bg_read_ignored(void)
{
	signal(SIGTTIN, SIG_IGN);
	char c;
	return read(fd, &c, 1) == -1 && errno == EIO ? 0 : 1;
}

static int bg_read_blocked(void)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTTIN);
	sigprocmask(SIG_BLOCK, &set, NULL);
	char c;
	return read(fd, &c, 1) == -1 && errno == EIO ? 0 : 1;
}

/* The child leaves a grandchild in a group of its own, orphaned once the
 * child is gone (its new parent, procnto, is in another session). */
static int orphan_maker(void)
{
	pid_t parent = getpid();
	pid_t g = fork();
	if (g == 0) {
		setpgid(0, 0);
		uint64_t t0 = ntest_now();
		while (getppid() == parent && ms_since(t0) < 2000)
			sleep_ms(5);
		char c;
		sh->result = read(fd, &c, 1) == -1 && errno == EIO ? 1 : 2;
		_exit(0);
	}
	return g > 0 ? 0 : 1;
}

static void test_read(void)
{
	pid_t pid = job(bg_read);
	int st = job_wait(pid);
	if (CHECK(WIFSTOPPED(st)))
		CHECK_EQ(WSTOPSIG(st), SIGTTIN);
	kill_reap(pid);
	int (*eio[])(void) = {bg_read_ignored, bg_read_blocked};
	for (int i = 0; i < 2; i++) {
		pid = job(eio[i]);
		st = job_wait(pid);
		if (!CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0))
			ntest_info("case %d: status %#x", i, st);
	}
	sh->result = 0;
	pid = job(orphan_maker);
	st = job_wait(pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	uint64_t t0 = ntest_now();
	while (!sh->result && ms_since(t0) < 3000)
		sleep_ms(5);
	CHECK_EQ(sh->result, 1);
}

/* (d) */
static volatile int ttou_count;

static void on_ttou(int signo)
{
	(void)signo;
	ttou_count++;
}

static int bg_tcsetattr(void)
{
	struct sigaction sa = {.sa_handler = on_ttou}; /* no SA_RESTART */
	sigaction(SIGTTOU, &sa, NULL);
	struct termios t;
	if (tcgetattr(fd, &t) != 0)
		return 1; /* reading the settings is no change */
	if (tcsetattr(fd, TCSANOW, &t) != -1 || errno != EINTR)
		return 2;
	if (ttou_count != 1)
		return 3;
	signal(SIGTTOU, SIG_IGN);
	return tcsetattr(fd, TCSANOW, &t) == 0 ? 0 : 4;
}

static void test_change(void)
{
	pid_t pid = job(bg_tcsetattr);
	int st = job_wait(pid);
	if (!CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0))
		ntest_info("bg_tcsetattr: status %#x", st);
}

/* (e) */
static void on_hup(int signo)
{
	(void)signo;
	sh->hup = 1;
	_exit(0);
}

static int new_leader(void)
{
	if (setsid() < 0)
		return 1;
	int t = open("/dev/ser1", O_RDWR); /* no O_NOCTTY: it becomes ours */
	int32_t sid = 0;
	sh->sid_ok = t >= 0 && ioctl(t, TIOCGSID, &sid) == 0 && sid == getpid();
	pid_t g = fork();
	if (g == 0) {
		signal(SIGHUP, on_hup);
		sh->ready = 1;
		for (;;)
			pause();
	}
	uint64_t t0 = ntest_now();
	while (!sh->ready && ms_since(t0) < 2000)
		sleep_ms(5);
	return g > 0 ? 0 : 2; /* the leader's exit hangs g up */
}

static void test_hangup(void)
{
	signal(SIGHUP, SIG_IGN); /* TIOCNOTTY hangs up the test's own group */
	CHECK_EQ(ioctl(fd, TIOCNOTTY), 0);
	signal(SIGHUP, SIG_DFL);
	CHECK_ERR(tcgetpgrp(fd), ENOTTY);
	struct _session_info si;
	if (CHECK_EQ(SessionCtl(_NTO_SESSION_GET, 0, 0, &si), 0))
		CHECK_EQ(si.ctty, 0);
	pid_t pid = fork();
	if (pid == 0)
		_exit(new_leader());
	int st = job_wait(pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	CHECK(sh->sid_ok);
	uint64_t t0 = ntest_now();
	while (!sh->hup && ms_since(t0) < 3000)
		sleep_ms(5);
	CHECK(sh->hup);
}

int main(void)
{
	ntest_start("ttyjob");
	sh = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (!CHECK(sh != MAP_FAILED) || start_driver() != 0)
		ntest_done();
	fd = open("/dev/ser1", O_RDWR | O_NOCTTY);
	if (CHECK(fd >= 0) && CHECK_EQ(setsid(), getpid()) &&
	    CHECK_EQ(ioctl(fd, TIOCSCTTY, 0), 0)) {
		test_session();
		test_tostop();
		test_read();
		test_change();
		test_hangup();
	}
	close(fd);
	CHECK_EQ(kill(drv_pid, SIGTERM), 0);
	int status = -1;
	CHECK_EQ(ProcWait(drv_pid, &status, 0), drv_pid);
	ntest_done();
}
