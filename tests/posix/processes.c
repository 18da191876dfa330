/*
 * posix_processes: fork, vfork, posix_spawn and execve of this program
 * with arguments (argv, environment, close-on-exec, signal dispositions and
 * mask across exec, the pid kept), exit statuses through waitpid/wait4
 * (exit codes, signals, stop and continue), WNOHANG, ECHILD, SIGCHLD and
 * its siginfo, SIGCHLD ignored (no zombies), process groups and sessions
 * (setsid/setpgid/getpgid/getsid rules), getppid and reparenting, uname,
 * getrandom, /proc/<pid>/cmdline and start time, kill errors (robust
 * mutexes, thread ids, credentials after fork, usage and limits are
 * posix_resources). Built once, run on the Linux host and in QEMU
 * (ptest.h).
 *
 * Started with arguments, the program is one of its own children (see
 * child_main).
 */
#include "ptest.h"

#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <signal.h>
#include <spawn.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/times.h>
#include <sys/utsname.h>

extern char **environ;
static char self[PATH_MAX];

/* Find a path execve can run this program by. */
static void find_self(const char *argv0)
{
	const char *cands[3] = {argv0, (const char *)getauxval(AT_EXECFN), "/proc/self/exe"};
	for (int i = 0; i < 3; i++) {
		if (cands[i] && strchr(cands[i], '/') && access(cands[i], X_OK) == 0) {
			if (cands[i][0] == '/' || !getcwd(self, sizeof(self)))
				snprintf(self, sizeof(self), "%s", cands[i]);
			else
				snprintf(self + strlen(self), sizeof(self) - strlen(self), "/%s",
					 cands[i]);
			return;
		}
	}
	const char *base = strrchr(argv0, '/');
	snprintf(self, sizeof(self), "/proc/boot/%s", base ? base + 1 : argv0);
}

/* ---- the exec'd side ---- */

/*
 * argv: self "exec-check" <cloexec fd> <kept fd> <result fd>: checks what
 * exec must keep and drop, writes its pid to the result fd, exits 50 when
 * all is right (else 60 + the first failed check).
 */
static int exec_check(char **argv)
{
	int cloexec_fd = atoi(argv[2]), kept_fd = atoi(argv[3]), out = atoi(argv[4]);
	pid_t me = getpid();
	if (write(out, &me, sizeof(me)) != sizeof(me))
		return 61;
	const char *env = getenv("PTEST_ENV");
	if (!env || strcmp(env, "value with spaces"))
		return 62;
	if (fcntl(cloexec_fd, F_GETFD) != -1 || errno != EBADF)
		return 63;
	if (fcntl(kept_fd, F_GETFD) != 0)
		return 64;
	struct sigaction sa;
	sigaction(SIGUSR1, NULL, &sa);
	if (sa.sa_handler != SIG_IGN) /* ignored stays ignored */
		return 65;
	sigaction(SIGUSR2, NULL, &sa);
	if (sa.sa_handler != SIG_DFL) /* caught becomes default */
		return 66;
	sigset_t mask;
	sigprocmask(SIG_BLOCK, NULL, &mask);
	if (!sigismember(&mask, SIGTERM) || sigismember(&mask, SIGINT)) /* the mask is kept */
		return 67;
	sigset_t pend;
	if (sigpending(&pend) || !sigismember(&pend, SIGTERM)) /* and pending signals */
		return 68;
	if (strcmp(argv[5], "") || argv[6] == NULL || strcmp(argv[6], "last") || argv[7])
		return 69;
	return 50;
}

/* Reads a whole small file (at most cap bytes); its length, or -1. */
static ssize_t read_file(const char *path, char *buf, size_t cap)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	ssize_t len = 0, n;
	while (len < (ssize_t)cap && (n = read(fd, buf + len, cap - (size_t)len)) > 0)
		len += n;
	close(fd);
	return len;
}

/* /proc/self/cmdline holds our arguments, each NUL-terminated. */
static int cmdline_check(int argc, char **argv)
{
	char want[512], got[512];
	size_t len = 0;
	for (int i = 0; i < argc; i++) {
		size_t n = strlen(argv[i]) + 1;
		if (len + n > sizeof(want))
			return 2;
		memcpy(want + len, argv[i], n);
		len += n;
	}
	ssize_t n = read_file("/proc/self/cmdline", got, sizeof(got));
	return n == (ssize_t)len && !memcmp(got, want, len) ? 0 : 1;
}

static int child_main(int argc, char **argv)
{
	if (!strcmp(argv[1], "cmdline"))
		return cmdline_check(argc, argv);
	if (!strcmp(argv[1], "exit") && argc == 3)
		return atoi(argv[2]);
	if (!strcmp(argv[1], "exec-check") && argc == 7)
		return exec_check(argv);
	if (!strcmp(argv[1], "say") && argc == 3) {
		ssize_t n = write(1, argv[2], strlen(argv[2]));
		return n == (ssize_t)strlen(argv[2]) ? 0 : 1;
	}
	if (!strcmp(argv[1], "wait-stdin")) {
		char c;
		return read(0, &c, 1) == 1 ? 0 : 1;
	}
	return 99;
}

/* ---- the tests ---- */

static void test_fork_exit(void)
{
	static volatile int shared = 1;
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid == 0) {
		shared = 2; /* the child's copy only */
		_exit(getppid() == parent && getpid() != parent ? 42 : 1);
	}
	CHECK(pid > 0);
	CHECK(ptest_exited_with(ptest_status_of(pid), 42));
	CHECK_EQ(shared, 1);

	/* Exit codes keep 8 bits; exit() from a child flushes nothing of ours. */
	int codes[] = {0, 1, 255, 256, 300};
	for (int i = 0; i < 5; i++) {
		pid = fork();
		if (pid == 0)
			_exit(codes[i]);
		CHECK(ptest_exited_with(ptest_status_of(pid), codes[i] & 0xff));
	}
	/* Killed by a signal; a core-dumping one still reports the signal. */
	int sigs[] = {SIGKILL, SIGTERM, SIGUSR1, SIGQUIT};
	for (int i = 0; i < 4; i++) {
		pid = fork();
		if (pid == 0) {
			struct rlimit rl = {0, 0};
			setrlimit(RLIMIT_CORE, &rl);
			for (;;)
				pause();
		}
		CHECK_EQ(kill(pid, sigs[i]), 0);
		int st = ptest_status_of(pid);
		CHECK(WIFSIGNALED(st) && WTERMSIG(st) == sigs[i]);
	}
	/* Nothing left to wait for. */
	CHECK_ERR(waitpid(-1, NULL, 0), ECHILD);
	CHECK_ERR(waitpid(-1, NULL, WNOHANG), ECHILD);
	CHECK_ERR(waitpid(getpid(), NULL, 0), ECHILD);
	CHECK_ERR(waitpid(-1, NULL, 0x40000), EINVAL);
}

static void test_wait_variants(void)
{
	int p[2];
	if (!CHECK_EQ(pipe(p), 0))
		return;
	/* WNOHANG: 0 while the child runs, its pid once it has exited. */
	pid_t pid = fork();
	if (pid == 0) {
		char c;
		close(p[1]);
		_exit(read(p[0], &c, 1) == 0 ? 7 : 8);
	}
	close(p[0]);
	int status = 0;
	CHECK_EQ(waitpid(pid, &status, WNOHANG), 0);
	close(p[1]);
	pid_t r;
	for (int i = 0; i < 500 && (r = waitpid(pid, &status, WNOHANG)) == 0; i++)
		ptest_sleep_ms(10);
	CHECK_EQ(r, pid);
	CHECK(ptest_exited_with(status, 7));

	/* waitpid(-1) and wait4 with rusage take any child. */
	pid_t a = fork();
	if (a == 0)
		_exit(3);
	pid_t b = fork();
	if (b == 0)
		_exit(4);
	struct rusage ru;
	int seen = 0;
	for (int i = 0; i < 2; i++) {
		r = wait4(-1, &status, 0, &ru);
		if (r == a && ptest_exited_with(status, 3))
			seen |= 1;
		else if (r == b && ptest_exited_with(status, 4))
			seen |= 2;
	}
	CHECK_EQ(seen, 3);

	/* Stop and continue: WUNTRACED and WCONTINUED. */
	pid = fork();
	if (pid == 0) {
		for (;;)
			pause();
	}
	CHECK_EQ(kill(pid, SIGSTOP), 0);
	CHECK_EQ(waitpid(pid, &status, WUNTRACED), pid);
	CHECK(WIFSTOPPED(status) && WSTOPSIG(status) == SIGSTOP);
	CHECK_EQ(kill(pid, SIGCONT), 0);
	CHECK_EQ(waitpid(pid, &status, WCONTINUED), pid);
	CHECK(WIFCONTINUED(status));
	CHECK_EQ(kill(pid, SIGKILL), 0);
	status = ptest_status_of(pid);
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);

	/* waitpid(-pgid): only children of that group. */
	pid = fork();
	if (pid == 0) {
		setpgid(0, 0);
		ptest_sleep_ms(50);
		_exit(5);
	}
	setpgid(pid, pid); /* either side may win the race; both set the same */
	CHECK_EQ(waitpid(-pid, &status, 0), pid);
	CHECK(ptest_exited_with(status, 5));
}

static volatile sig_atomic_t chld_count, chld_code, chld_status;
static volatile pid_t chld_pid;
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
	struct sigaction sa = {.sa_sigaction = on_chld, .sa_flags = SA_SIGINFO}, old;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGCHLD, &sa, &old);
	sigset_t block, prev;
	sigemptyset(&block);
	sigaddset(&block, SIGCHLD);
	sigprocmask(SIG_BLOCK, &block, &prev);
	chld_count = 0;
	pid_t pid = fork();
	if (pid == 0)
		_exit(9);
	/* Wait for the signal with it unblocked only inside sigsuspend. */
	for (int i = 0; i < 100 && !chld_count; i++) {
		sigset_t wait_mask = prev;
		sigdelset(&wait_mask, SIGCHLD);
		sigsuspend(&wait_mask);
	}
	CHECK_EQ(chld_count, 1);
	CHECK_EQ(chld_pid, pid);
	CHECK_EQ(chld_code, CLD_EXITED);
	CHECK_EQ(chld_status, 9);
	CHECK(ptest_exited_with(ptest_status_of(pid), 9));
	/* Killed: CLD_KILLED with the signal number. */
	chld_count = 0;
	pid = fork();
	if (pid == 0) {
		for (;;)
			pause();
	}
	kill(pid, SIGKILL);
	for (int i = 0; i < 100 && !chld_count; i++) {
		sigset_t wait_mask = prev;
		sigdelset(&wait_mask, SIGCHLD);
		sigsuspend(&wait_mask);
	}
	CHECK_EQ(chld_code, CLD_KILLED);
	CHECK_EQ(chld_status, SIGKILL);
	ptest_status_of(pid);
	sigprocmask(SIG_SETMASK, &prev, NULL);

	/* SIGCHLD ignored: children leave no zombies and wait fails with ECHILD. */
	sa.sa_handler = SIG_IGN;
	sa.sa_flags = 0;
	sigaction(SIGCHLD, &sa, NULL);
	pid = fork();
	if (pid == 0)
		_exit(1);
	CHECK_ERR(waitpid(pid, NULL, 0), ECHILD);
	sigaction(SIGCHLD, &old, NULL);
}

static void test_vfork_spawn(void)
{
	/* vfork: the parent waits until the child exits or execs. */
	pid_t pid = vfork();
	if (pid == 0)
		_exit(17);
	CHECK(pid > 0);
	CHECK(ptest_exited_with(ptest_status_of(pid), 17));
	pid = vfork();
	if (pid == 0) {
		char *argv[] = {self, "exit", "23", NULL};
		execve(self, argv, environ);
		_exit(127);
	}
	CHECK(ptest_exited_with(ptest_status_of(pid), 23));

	/* posix_spawn of ourselves with an argument. */
	char *argv[] = {self, "exit", "33", NULL};
	CHECK_EQ(posix_spawn(&pid, self, NULL, NULL, argv, environ), 0);
	CHECK(ptest_exited_with(ptest_status_of(pid), 33));
	/* With file actions: stdout to a pipe. */
	int p[2];
	CHECK_EQ(pipe(p), 0);
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, p[1], 1);
	posix_spawn_file_actions_addclose(&fa, p[0]);
	char *sargv[] = {self, "say", "spawned!", NULL};
	CHECK_EQ(posix_spawn(&pid, self, &fa, NULL, sargv, environ), 0);
	posix_spawn_file_actions_destroy(&fa);
	close(p[1]);
	char buf[32] = {0};
	size_t got = 0;
	ssize_t n;
	while ((n = read(p[0], buf + got, sizeof(buf) - 1 - got)) > 0)
		got += (size_t)n;
	close(p[0]);
	CHECK(!strcmp(buf, "spawned!"));
	CHECK(ptest_exited_with(ptest_status_of(pid), 0));
	/* A missing program: posix_spawn reports the error itself. */
	char *margv[] = {"none", NULL};
	CHECK_EQ(posix_spawn(&pid, "/nonexistent/prog", NULL, NULL, margv, environ), ENOENT);
	/* Spawn attributes: a new process group. */
	posix_spawnattr_t at;
	posix_spawnattr_init(&at);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP);
	posix_spawnattr_setpgroup(&at, 0);
	int q[2];
	CHECK_EQ(pipe(q), 0);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, q[0], 0);
	char *wargv[] = {self, "wait-stdin", NULL};
	CHECK_EQ(posix_spawn(&pid, self, &fa, &at, wargv, environ), 0);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	CHECK_EQ(getpgid(pid), pid);
	CHECK(write(q[1], "g", 1) == 1);
	close(q[0]);
	close(q[1]);
	CHECK(ptest_exited_with(ptest_status_of(pid), 0));
}

static void on_usr2(int sig)
{
	(void)sig;
}

/* execveat: a path relative to a directory fd, fexecve's empty path, and
 * AT_SYMLINK_NOFOLLOW refusing a symlink. */
static void test_execveat(void)
{
	char dir[PATH_MAX];
	strcpy(dir, self);
	char *slash = strrchr(dir, '/');
	if (!CHECK(slash != NULL))
		return;
	*slash = 0;
	const char *base = slash + 1;
	int dfd = open(*dir ? dir : "/", O_RDONLY | O_DIRECTORY);
	int sfd = open(self, O_RDONLY);
	CHECK(dfd >= 0 && sfd >= 0);
	CHECK_EQ(symlink(self, "selflink"), 0);
	char *argv[] = {self, "exit", "7", NULL};
	for (int how = 0; how < 3; how++) {
		pid_t pid = fork();
		if (pid == 0) {
			if (how == 0)
				syscall(SYS_execveat, dfd, base, argv, environ, 0);
			else if (how == 1)
				syscall(SYS_execveat, sfd, "", argv, environ, AT_EMPTY_PATH);
			else
				syscall(SYS_execveat, AT_FDCWD, "selflink", argv, environ, 0);
			_exit(100 + errno % 100);
		}
		int st = ptest_status_of(pid);
		if (!ptest_exited_with(st, 7))
			ptest_fail("execveat runs the program", __FILE_NAME__, __LINE__,
				   "way %d: status %#x", how, (unsigned)st);
	}
	CHECK_ERR(syscall(SYS_execveat, AT_FDCWD, "selflink", argv, environ, AT_SYMLINK_NOFOLLOW),
		  ELOOP);
	CHECK_ERR(syscall(SYS_execveat, dfd, base, argv, environ, 0x8000), EINVAL);
	unlink("selflink");
	close(dfd);
	close(sfd);
}

static void test_execve(void)
{
	int cfd = open("/dev/null", O_RDONLY | O_CLOEXEC), kfd = open("/dev/null", O_RDONLY);
	int res[2];
	CHECK(cfd >= 0 && kfd >= 0);
	CHECK_EQ(pipe(res), 0);
	pid_t pid = fork();
	if (pid == 0) {
		char a1[16], a2[16], a3[16];
		snprintf(a1, sizeof(a1), "%d", cfd);
		snprintf(a2, sizeof(a2), "%d", kfd);
		snprintf(a3, sizeof(a3), "%d", res[1]);
		char *argv[] = {self, "exec-check", a1, a2, a3, "", "last", NULL};
		char *envp[] = {"PTEST_ENV=value with spaces", "OTHER=1", NULL};
		signal(SIGUSR1, SIG_IGN);
		struct sigaction sa = {.sa_handler = on_usr2};
		sigaction(SIGUSR2, &sa, NULL);
		sigset_t m;
		sigemptyset(&m);
		sigaddset(&m, SIGTERM);
		sigprocmask(SIG_SETMASK, &m, NULL);
		raise(SIGTERM); /* pending across exec */
		execve(self, argv, envp);
		_exit(127);
	}
	close(res[1]);
	pid_t reported = 0;
	CHECK_EQ(read(res[0], &reported, sizeof(reported)), (long)sizeof(reported));
	CHECK_EQ(reported, pid);
	int status = ptest_status_of(pid);
	if (!ptest_exited_with(status, 50))
		ptest_fail("exec'd child checks pass", __FILE_NAME__, __LINE__,
			   "status %#x (exit 6x: check x of exec_check failed)", (unsigned)status);
	close(res[0]);
	close(cfd);
	close(kfd);

	/* Errors come back to the caller. */
	char *argv[] = {"x", NULL};
	CHECK_ERR(execve("/nonexistent/prog", argv, environ), ENOENT);
	int fd = open("plain", O_CREAT | O_WRONLY, 0644);
	CHECK(fd >= 0 && write(fd, "not a program\n", 14) == 14);
	close(fd);
	CHECK_ERR(execve("plain", argv, environ), EACCES);
	CHECK_EQ(chmod("plain", 0755), 0);
	CHECK_ERR(execve("plain", argv, environ), ENOEXEC);
	CHECK_ERR(execve(".", argv, environ), EACCES);
}

/* Runs in a child that made its own session first: Linux reports 0 for a
 * group or session whose leader lives outside the caller's pid namespace
 * (as in CI's container), so the inherited ids cannot be relied on. */
static void groups_sessions_child(void *unused)
{
	(void)unused;
	CHECK_EQ(setsid(), getpid());
	pid_t me = getpid();
	pid_t pg = getpgrp(), sid = getsid(0);
	CHECK_EQ(getpgid(0), pg);
	CHECK_EQ(getpgid(me), pg);
	CHECK_EQ(getsid(me), sid);
	CHECK(pg == me && sid == me);
	CHECK_ERR(getpgid(999999), ESRCH);
	CHECK_ERR(getsid(999999), ESRCH);
	CHECK_ERR(setpgid(-1, 0), EINVAL);
	CHECK_ERR(setpgid(999999, 0), ESRCH);

	int p[2], q[2];
	CHECK_EQ(pipe(p), 0);
	CHECK_EQ(pipe(q), 0);
	pid_t pid = fork();
	if (pid == 0) {
		/* In the parent's group and session until setsid. */
		int bad = 0;
		char c;
		bad |= (getpgrp() != pg) << 0;
		bad |= (getsid(0) != sid) << 1;
		if (write(q[1], "1", 1) != 1 || read(p[0], &c, 1) != 1) /* the parent moves us */
			_exit(100);
		bad |= (getpgrp() != getpid()) << 2;
		/* A group leader cannot make a session: move back, then setsid. */
		bad |= !(setsid() == -1 && errno == EPERM) << 3;
		bad |= (setpgid(0, pg) != 0) << 4;
		pid_t s = setsid();
		bad |= (s != getpid()) << 5;
		bad |= (getsid(0) != getpid() || getpgrp() != getpid()) << 6;
		bad |= !(setsid() == -1 && errno == EPERM) << 7;
		/* A session leader cannot change its group. */
		bad |= !(setpgid(0, 0) == -1 && errno == EPERM) << 8;
		/* Groups of another session are out of reach. */
		bad |= !(setpgid(0, pg) == -1 && errno == EPERM) << 9;
		if (write(q[1], "s", 1) != 1)
			_exit(101);
		if (read(p[0], &c, 1) != 1)
			_exit(102);
		_exit(bad ? bad & 0x7f : 0);
	}
	char c;
	CHECK_EQ(read(q[0], &c, 1), 1);
	CHECK_EQ(setpgid(pid, pid), 0);
	CHECK_EQ(getpgid(pid), pid);
	CHECK_ERR(setpgid(pid, 999999), EPERM); /* no such group in the session */
	CHECK_EQ(write(p[1], "g", 1), 1);
	CHECK_EQ(read(q[0], &c, 1), 1);
	CHECK_EQ(getsid(pid), pid);
	CHECK_ERR(setpgid(pid, pid), EPERM); /* the child is in another session now */
	CHECK_EQ(write(p[1], "e", 1), 1);
	int status = ptest_status_of(pid);
	if (!ptest_exited_with(status, 0))
		ptest_fail("session rules in the child", __FILE_NAME__, __LINE__,
			   "status %#x (exit code: bit mask of failed steps)", (unsigned)status);

	/* setpgid on a child that has exec'd: EACCES. */
	char *wargv[] = {self, "wait-stdin", NULL};
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, p[0], 0);
	CHECK_EQ(posix_spawn(&pid, self, &fa, NULL, wargv, environ), 0);
	posix_spawn_file_actions_destroy(&fa);
	CHECK_ERR(setpgid(pid, pid), EACCES);
	CHECK_EQ(write(p[1], "x", 1), 1);
	CHECK(ptest_exited_with(ptest_status_of(pid), 0));
	close(p[0]);
	close(p[1]);
	close(q[0]);
	close(q[1]);
}

static void test_reparent(void)
{
	int p[2];
	CHECK_EQ(pipe(p), 0);
	pid_t me = getpid();
	pid_t mid = fork();
	if (mid == 0) {
		pid_t midpid = getpid();
		pid_t gc = fork();
		if (gc == 0) {
			/* Wait for the middle process to die, then report the new parent. */
			for (int i = 0; i < 500 && getppid() == midpid; i++)
				ptest_sleep_ms(10);
			pid_t np = getppid();
			ssize_t w = write(p[1], &np, sizeof(np));
			_exit(w == sizeof(np) ? 0 : 1);
		}
		_exit(getppid() == me ? 0 : 1);
	}
	close(p[1]);
	CHECK(ptest_exited_with(ptest_status_of(mid), 0));
	pid_t np = 0;
	CHECK_EQ(read(p[0], &np, sizeof(np)), (long)sizeof(np));
	CHECK(np != mid && np > 0);
	close(p[0]);
}

/* Field n (1-based, n >= 3) of /proc/<pid>/stat, or -1. */
static long long stat_field(pid_t pid, int n)
{
	char path[64], buf[1024];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	ssize_t len = read_file(path, buf, sizeof(buf) - 1);
	if (len <= 0)
		return -1;
	buf[len] = 0;
	char *p = strrchr(buf, ')');
	for (int f = 2; p && f < n; f++)
		p = strchr(p + 1, ' ');
	return p ? strtoll(p + 1, NULL, 10) : -1;
}

/* /proc/<pid>/cmdline and the start time in /proc/<pid>/stat. */
static void test_proc_files(void)
{
	char *args[] = {self, "cmdline", "two words", "", "last", NULL};
	pid_t pid;
	CHECK_EQ(posix_spawn(&pid, self, NULL, NULL, args, environ), 0);
	CHECK(ptest_exited_with(ptest_status_of(pid), 0));

	/* A zombie's cmdline is empty; a child started after us did not start before. */
	long long mine = stat_field(getpid(), 22);
	CHECK(mine >= 0);
	int p[2];
	CHECK_EQ(pipe(p), 0);
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		_exit(0); /* closing the write end tells the parent */
	}
	close(p[1]);
	char c;
	CHECK_EQ(read(p[0], &c, 1), 0);
	close(p[0]);
	char path[64], buf[256];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	int zombie = 0;
	for (int i = 0; i < 500 && !zombie; i++) { /* the last thread may still be ending */
		ssize_t n = read_file(path, buf, sizeof(buf) - 1);
		buf[n > 0 ? n : 0] = 0;
		char *r = strrchr(buf, ')');
		zombie = r && r[1] == ' ' && r[2] == 'Z';
		if (!zombie)
			ptest_sleep_ms(2);
	}
	CHECK(zombie);
	CHECK_GE(stat_field(pid, 22), mine);
	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	CHECK_EQ(read_file(path, buf, sizeof(buf)), 0);
	CHECK(ptest_exited_with(ptest_status_of(pid), 0));
}

static void test_system_info(void)
{
	struct utsname u;
	if (CHECK_EQ(uname(&u), 0)) {
		CHECK(u.sysname[0] && u.nodename[0] && u.release[0] && u.version[0]);
		CHECK(!strcmp(u.machine, "x86_64"));
		ptest_info("uname: %s %s %s %s", u.sysname, u.nodename, u.release, u.machine);
	}
	/* getrandom: full reads, different each time. */
	unsigned char a[64], b[64], zero[64] = {0};
	CHECK_EQ(getrandom(a, sizeof(a), 0), 64);
	CHECK_EQ(getrandom(b, sizeof(b), GRND_NONBLOCK), 64);
	CHECK(memcmp(a, b, 64) && memcmp(a, zero, 64));
	CHECK_EQ(getrandom(a, 0, 0), 0);
	CHECK_ERR(getrandom(a, 8, 0x100), EINVAL);
	CHECK(getentropy(a, 32) == 0);
	/* ids */
	CHECK_EQ(gettid(), getpid());
	uid_t r, e, s;
	CHECK(getresuid(&r, &e, &s) == 0 && r == getuid() && e == geteuid());
	gid_t gr, ge, gs;
	CHECK(getresgid(&gr, &ge, &gs) == 0 && gr == getgid() && ge == getegid());
	CHECK(getgroups(0, NULL) >= 0);
	/* kill errors. */
	CHECK_EQ(kill(getpid(), 0), 0);
	CHECK_ERR(kill(999999, 0), ESRCH);
	CHECK_ERR(kill(getpid(), 1000), EINVAL);
	CHECK(sysconf(_SC_CLK_TCK) > 0);
}

int main(int argc, char **argv)
{
	if (argc > 1)
		return child_main(argc, argv);
	find_self(argv[0]);
	ptest_start("processes");
	ptest_info("running as %s", self);
	test_fork_exit();
	test_wait_variants();
	test_sigchld();
	test_vfork_spawn();
	test_execve();
	test_execveat();
	ptest_in_child(groups_sessions_child, NULL, "groups and sessions");
	test_proc_files();
	test_reparent();
	test_system_info();
	ptest_done();
}
