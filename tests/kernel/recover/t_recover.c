/*
 * t_recover: client recovery (issue 5, posix/fd/recover.c). restartd
 * supervises recover_srv at /test/rcv (restarted), another at /test/gone
 * (policy never) and the pipe server; then, on fds opened by path:
 * SIGKILL of the server between calls (stale fd: EBADF inside, the read
 * and the write go on transparently at the same fd number, offset and
 * close-on-exec); a server dying with a read or a write in flight (ESRCH
 * inside); a client blocked in a slow read when the server is killed (the
 * read is sent again to the new server); dup'ed fds (each recovers on its
 * own at the offset their shared OCB had); a child forked meanwhile (its
 * copy of the fd is reopened at fork); a pipe (no recovery: EPIPE for
 * a write, EBADF for reads, also for a blocked reader); a path that does
 * not come back (EBADF after the bounded wait of about 2 s; EINTR sooner
 * if a signal comes). poll() waiting on an fd whose server dies wakes up:
 * the fd recovers and poll reports what the new server says; a pipe, or a
 * path that does not come back, reports POLLHUP|POLLERR (and select()
 * the fd ready). restartd's store (restart_store.h): recover_srv counts
 * its incarnations there; the count goes on across its restarts and
 * across a restart of restartd (which passes the store on to its next
 * incarnation).
 */
#include "ntest.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/select.h>
#include <sys/faultpoint.h>
#include <sys/pathfind.h>
#include <sys/restart.h>

#include "client.h"
#include "recover.h"

static char *const rd_argv[] = {
	"restartd",
	"-q",
	"-e", "rcv /test/rcv/data policy=always max=0 backoff=5 recover_srv /test/rcv",
	"-e", "gone /test/gone/data policy=never recover_srv /test/gone",
	"-e", "pipe /dev/pipe policy=always max=0 backoff=5 pipe",
	NULL,
};

#define DATA "/test/rcv/data"

static void sleep_ms(unsigned ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

static uint64_t ms_since(uint64_t t0)
{
	return (ntest_now() - t0) / NTEST_MS;
}

/* Waits until entity name is in state (for "up": with a pid other than
 * not_pid). 1 when it did, 0 on timeout. */
static int wait_entity(const char *name, const char *state, int not_pid, unsigned ms)
{
	struct rc_entry e;
	uint64_t end = ntest_now() + (uint64_t)ms * NTEST_MS;
	while (ntest_now() < end) {
		if (rc_find(name, &e) == 0 && !strcmp(e.state, state) &&
		    (strcmp(state, "up") || (e.pid && e.pid != not_pid)))
			return 1;
		sleep_ms(5);
	}
	ntest_info("%s: not %s after %u ms", name, state, ms);
	return 0;
}

/* The pid serving path, or -1. */
static int server_of(const char *path)
{
	struct _io_connect_entry e;
	return resmgr_path_server(path, &e) == 0 ? e.pid : -1;
}

/* SIGKILLs the server of path and waits until it is gone; its pid. */
static int kill_server(const char *path)
{
	int pid = server_of(path);
	if (!CHECK(pid > 0) || !CHECK_EQ(kill(pid, SIGKILL), 0))
		return -1;
	for (int i = 0; i < 200 && server_of(path) == pid; i++)
		sleep_ms(1);
	CHECK(server_of(path) != pid);
	return pid;
}

/* Arms a fault point in the server of path that fires at its next I/O
 * message; its pid. */
static int fault_next_io(const char *path)
{
	struct _io_connect_entry e;
	if (!CHECK_EQ(resmgr_path_server(path, &e), 0))
		return -1;
	int coid = ConnectAttach_r(0, e.pid, e.chid, _NTO_SIDE_CHANNEL, 0);
	struct _faultpoint m = {.type = _FAULTPOINT_MSG, .kind = FAULTPOINT_NULL,
				.flags = FAULTPOINT_F_NEXT_IO};
	CHECK_EQ(MsgSend_r(coid, &m, sizeof(m), NULL, 0), 0);
	ConnectDetach_r(coid);
	return e.pid;
}

/* The pid recover_srv under prefix reports, or -1. */
static int served_pid(const char *prefix)
{
	char path[64];
	snprintf(path, sizeof(path), "%s/pid", prefix);
	return ntest_read_int(path);
}

/* Whether b holds n bytes of the data pattern from offset off. */
static int pattern_at(const char *b, long off, long n)
{
	for (long i = 0; i < n; i++)
		if (b[i] != RECOVER_BYTE(off + i))
			return 0;
	return 1;
}

#define CHECK_READ(fd, off, n)                                                    \
	do {                                                                      \
		char b_[64];                                                      \
		ssize_t r_ = read(fd, b_, n);                                     \
		if (!CHECK_EQ(r_, n))                                             \
			ntest_info("read: %s", strerror(errno));                  \
		else                                                              \
			CHECK(pattern_at(b_, off, n));                            \
	} while (0)

/* Forks a child that sends pid signal sig after ms; the child's pid. */
static int signal_later(int pid, int sig, unsigned ms)
{
	int child = fork();
	if (child == 0) {
		sleep_ms(ms);
		kill(pid, sig);
		_exit(0);
	}
	CHECK(child > 0);
	return child;
}

/* open() at an fd above 9 (a dup: it shares the OCB and recovers like the
 * original): fds 0 to 2 stay free, so that this program's output (fd 1,
 * not open) still goes to the kernel console. */
static int open_high(const char *path, int flags)
{
	int t = open(path, flags);
	if (t < 0)
		return t;
	int fd = fcntl(t, (flags & O_CLOEXEC) ? F_DUPFD_CLOEXEC : F_DUPFD, 10);
	close(t);
	return fd;
}

/* A pipe whose ends are above 9, for the same reason. */
static int pipe_high(int p[2])
{
	int t[2];
	if (pipe(t) != 0)
		return -1;
	p[0] = fcntl(t[0], F_DUPFD, 10);
	p[1] = fcntl(t[1], F_DUPFD, 10);
	close(t[0]);
	close(t[1]);
	return p[0] >= 0 && p[1] >= 0 ? 0 : -1;
}

static void reap(int child)
{
	int st;
	if (child > 0)
		CHECK_EQ(waitpid(child, &st, 0), child);
}

/* The server dies between calls: the next read and write go on. */
static void test_between_calls(void)
{
	int fd = open_high(DATA, O_RDWR | O_CLOEXEC);
	if (!CHECK(fd >= 0))
		return;
	CHECK_READ(fd, 0, 10);
	CHECK_EQ(lseek(fd, 100, SEEK_SET), 100);
	CHECK_READ(fd, 100, 5);
	int old = kill_server(DATA);
	uint64_t t0 = ntest_now();
	CHECK_READ(fd, 105, 5); /* same fd, same offset, new server */
	ntest_info("read on a stale fd: recovered in %llu ms", (unsigned long long)ms_since(t0));
	int now = served_pid("/test/rcv");
	CHECK(now > 0 && now != old);
	CHECK_EQ(fcntl(fd, F_GETFD), FD_CLOEXEC);
	CHECK_EQ(fcntl(fd, F_GETFL) & O_ACCMODE, O_RDWR);
	CHECK_EQ(lseek(fd, 0, SEEK_CUR), 110);

	kill_server(DATA);
	CHECK_EQ(write(fd, "HELLO", 5), 5);
	char b[8] = {0};
	CHECK_EQ(pread(fd, b, 5, 110), 5); /* the new server has the bytes */
	CHECK(!memcmp(b, "HELLO", 5));
	CHECK_EQ(lseek(fd, 0, SEEK_CUR), 115);
	CHECK_READ(fd, 115, 5);
	CHECK_EQ(close(fd), 0);
}

/* The server dies with the request in flight (ESRCH inside). */
static void test_in_flight(void)
{
	int fd = open_high(DATA, O_RDWR);
	if (!CHECK(fd >= 0))
		return;
	CHECK_EQ(lseek(fd, 200, SEEK_SET), 200);
	int old = fault_next_io(DATA);
	CHECK_READ(fd, 200, 8);
	CHECK(served_pid("/test/rcv") != old);
	old = fault_next_io(DATA);
	CHECK_EQ(write(fd, "WORLD", 5), 5);
	CHECK(served_pid("/test/rcv") != old);
	char b[8] = {0};
	CHECK_EQ(pread(fd, b, 5, 208), 5);
	CHECK(!memcmp(b, "WORLD", 5));
	CHECK_EQ(close(fd), 0);
}

/* A client blocked in a read when the server is killed: the read is sent
 * again to the new server, which answers it. */
static void test_blocked(void)
{
	int fd = open_high("/test/rcv/slow", O_RDONLY);
	if (!CHECK(fd >= 0))
		return;
	int old = server_of("/test/rcv/slow");
	uint64_t t0 = ntest_now();
	int child = signal_later(old, SIGKILL, 50);
	CHECK_READ(fd, 0, 8);
	uint64_t ms = ms_since(t0);
	ntest_info("blocked read: answered by the new server after %llu ms",
		   (unsigned long long)ms);
	CHECK(ms >= 50 + RECOVER_SLOW_MS); /* the old server never answered */
	reap(child);
	CHECK(served_pid("/test/rcv") != old);
	CHECK_EQ(close(fd), 0);
}

/* dup'ed fds share an OCB; each recovers on its own, at the offset the
 * shared OCB had, and they no longer share one afterwards. */
static void test_dup(void)
{
	int fd = open_high(DATA, O_RDONLY);
	if (!CHECK(fd >= 0))
		return;
	CHECK_READ(fd, 0, 10);
	int fd2 = fcntl(fd, F_DUPFD, 10);
	CHECK(fd2 >= 0);
	CHECK_READ(fd2, 10, 10);
	kill_server(DATA);
	CHECK_READ(fd, 20, 5);
	CHECK_READ(fd, 25, 5);
	CHECK_READ(fd2, 20, 5); /* its own OCB now, from the shared offset */
	CHECK_EQ(lseek(fd, 0, SEEK_CUR), 30);
	CHECK_EQ(lseek(fd2, 0, SEEK_CUR), 25);
	CHECK_EQ(close(fd2), 0);
	CHECK_EQ(close(fd), 0);
}

/* A child forked while an fd's server is dead and back: the kernel does
 * not copy the stale connection, posix reopens the fd in the child. */
static void test_fork(void)
{
	int fd = open_high(DATA, O_RDONLY);
	if (!CHECK(fd >= 0))
		return;
	CHECK_READ(fd, 0, 10);
	int old = kill_server(DATA);
	CHECK(wait_entity("rcv", "up", old, 3000));
	int child = fork();
	if (child == 0) {
		char b[8];
		int other = open(DATA, O_RDONLY); /* must not take fd's number */
		int ok = other >= 0 && other != fd && read(fd, b, 5) == 5 && pattern_at(b, 10, 5) &&
			 fcntl(fd, F_GETFD) == 0;
		_exit(ok ? 0 : 1);
	}
	int st = -1;
	CHECK(child > 0 && waitpid(child, &st, 0) == child);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	CHECK_READ(fd, 10, 5); /* the parent recovers its own */
	CHECK_EQ(close(fd), 0);
}

/* poll() waiting on an fd whose server dies wakes up, the fd recovers,
 * and poll waits on the new server: it reports the fd readable once the
 * new incarnation makes it so (without the wake-up, the poll armed on the
 * dead server would sleep to its timeout). */
static void test_poll(void)
{
	int fd = open_high("/test/rcv/wait", O_RDWR);
	if (!CHECK(fd >= 0))
		return;
	struct pollfd pf = {.fd = fd, .events = POLLIN};
	CHECK_EQ(poll(&pf, 1, 0), 0); /* not readable yet */
	int old = server_of("/test/rcv/wait");
	uint64_t t0 = ntest_now();
	int child = fork();
	if (child == 0) {
		sleep_ms(50);
		kill(old, SIGKILL);
		if (!wait_entity("rcv", "up", old, 3000))
			_exit(1);
		sleep_ms(100); /* the poller has recovered and waits on the new one */
		int w = open("/test/rcv/wait", O_WRONLY);
		_exit(w >= 0 && write(w, "1", 1) == 1 ? 0 : 1);
	}
	CHECK(child > 0);
	pf.revents = 0;
	CHECK_EQ(poll(&pf, 1, 5000), 1);
	uint64_t ms = ms_since(t0);
	ntest_info("poll on an fd whose server died: revents %#x after %llu ms", pf.revents,
		   (unsigned long long)ms);
	CHECK_EQ(pf.revents, POLLIN);
	CHECK(ms >= 150 && ms < 3000);
	int st = -1;
	CHECK(child > 0 && waitpid(child, &st, 0) == child);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	CHECK(server_of("/test/rcv/wait") != old);
	CHECK_EQ(close(fd), 0);
}

/* A pipe does not recover: its data died with the server. */
static void test_pipe(void)
{
	int p[2], q[2];
	char b[4];
	signal(SIGPIPE, SIG_IGN);
	if (!CHECK_EQ(pipe_high(p), 0))
		return;
	CHECK_EQ(write(p[1], "x", 1), 1);
	int old = kill_server("/dev/pipe");
	CHECK_ERR(write(p[1], "y", 1), EPIPE);
	CHECK_ERR(read(p[0], b, 1), EBADF);
	close(p[0]);
	close(p[1]);
	/* a reader blocked on an empty pipe when the server dies */
	if (!CHECK(wait_entity("pipe", "up", old, 3000)) || !CHECK_EQ(pipe_high(q), 0))
		return;
	int child = signal_later(server_of("/dev/pipe"), SIGKILL, 50);
	CHECK_ERR(read(q[0], b, 1), EBADF);
	reap(child);
	close(q[0]);
	close(q[1]);
	/* a poll waiting on an empty pipe when the server dies: hung up */
	if (!CHECK(wait_entity("pipe", "up", 0, 3000)) || !CHECK_EQ(pipe_high(q), 0))
		return;
	uint64_t t0 = ntest_now();
	child = signal_later(server_of("/dev/pipe"), SIGKILL, 50);
	struct pollfd pf = {.fd = q[0], .events = POLLIN};
	CHECK_EQ(poll(&pf, 1, 5000), 1);
	uint64_t ms = ms_since(t0);
	ntest_info("poll on a pipe whose server died: revents %#x after %llu ms", pf.revents,
		   (unsigned long long)ms);
	CHECK_EQ(pf.revents, POLLIN | POLLHUP | POLLERR);
	CHECK(ms >= 50 && ms < 1000);
	reap(child);
	fd_set rs;
	FD_ZERO(&rs);
	FD_SET(q[0], &rs);
	struct timeval tv = {1, 0};
	CHECK_EQ(select(q[0] + 1, &rs, NULL, NULL, &tv), 1); /* select: readable */
	CHECK(FD_ISSET(q[0], &rs));
	close(q[0]);
	close(q[1]);
	/* new pipes work once the server is back */
	CHECK(wait_entity("pipe", "up", 0, 3000));
	if (CHECK_EQ(pipe_high(p), 0)) {
		CHECK_EQ(write(p[1], "z", 1), 1);
		CHECK_EQ(read(p[0], b, 1), 1);
		close(p[0]);
		close(p[1]);
	}
	signal(SIGPIPE, SIG_DFL);
}

static void on_signal(int sig)
{
	(void)sig;
}

/* A path that does not come back: EBADF after about 2 s, EINTR sooner
 * when a signal comes. */
static void test_gone(void)
{
	int fd = open_high("/test/gone/data", O_RDONLY);
	int fd2 = open_high("/test/gone/pid", O_RDONLY);
	int fd3 = open_high("/test/gone/wait", O_RDONLY);
	if (!CHECK(fd >= 0) || !CHECK(fd2 >= 0) || !CHECK(fd3 >= 0))
		return;
	CHECK_READ(fd, 0, 5);
	/* a poll waiting when the server dies for good: hung up, once the
	 * recovery has waited its 2 s in vain */
	uint64_t t0 = ntest_now();
	int child = signal_later(server_of("/test/gone/data"), SIGKILL, 50);
	struct pollfd pf = {.fd = fd3, .events = POLLIN};
	CHECK_EQ(poll(&pf, 1, 8000), 1);
	uint64_t ms = ms_since(t0);
	ntest_info("poll on an fd whose server is gone: revents %#x after %llu ms", pf.revents,
		   (unsigned long long)ms);
	CHECK_EQ(pf.revents, POLLIN | POLLHUP | POLLERR);
	CHECK(ms >= 1900 && ms < 3500);
	reap(child);
	CHECK(wait_entity("gone", "dead", 0, 3000));
	CHECK_EQ(close(fd3), 0);
	t0 = ntest_now();
	char b[8];
	CHECK_ERR(read(fd, b, 5), EBADF);
	ms = ms_since(t0);
	ntest_info("path not back: EBADF after %llu ms", (unsigned long long)ms);
	CHECK(ms >= 1900 && ms < 3000);
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal; /* no SA_RESTART */
	sigaction(SIGUSR1, &sa, NULL);
	t0 = ntest_now();
	child = signal_later(getpid(), SIGUSR1, 500);
	CHECK_ERR(read(fd2, b, 5), EINTR);
	ms = ms_since(t0);
	CHECK(ms >= 400 && ms < 1900);
	reap(child);
	signal(SIGUSR1, SIG_DFL);
	CHECK_EQ(close(fd), 0);
	CHECK_EQ(close(fd2), 0);
}

/* The incarnation number recover_srv under prefix keeps in the store. */
static int served_gen(const char *prefix)
{
	char path[64];
	snprintf(path, sizeof(path), "%s/gen", prefix);
	return ntest_read_int(path);
}

/* What recover_srv stores survives its deaths and restartd's restart. *rd
 * becomes the new restartd's pid (procnto starts it: not our child). */
static void test_store(int *rd)
{
	int g = served_gen("/test/rcv");
	CHECK(g >= 2); /* restarted by the tests above */
	int old = kill_server(DATA);
	if (!CHECK(wait_entity("rcv", "up", old, 3000)))
		return;
	CHECK_EQ(served_gen("/test/rcv"), g + 1);
	struct _io_connect_entry now;
	CHECK_EQ(kill(*rd, SIGKILL), 0);
	int st;
	CHECK_EQ(waitpid(*rd, &st, 0), *rd);
	uint64_t end = ntest_now() + 3000 * NTEST_MS;
	int back = 0;
	while (!back && ntest_now() < end) {
		back = resmgr_path_server(RESTART_PATH, &now) == 0 && now.pid != *rd;
		if (!back)
			sleep_ms(5);
	}
	if (!CHECK(back))
		return;
	ntest_info("restartd: pid %d -> %d", *rd, now.pid);
	*rd = now.pid;
	CHECK(wait_entity("rcv", "up", 0, 3000)); /* adopted */
	old = kill_server(DATA);
	if (!CHECK(wait_entity("rcv", "up", old, 3000)))
		return;
	CHECK_EQ(served_gen("/test/rcv"), g + 2);
}

int main(void)
{
	ntest_start("recover");
	extern char **environ;
	struct _image_spawn_attr attr = {.priority = 0, .policy = -1};
	int rd = ImageSpawn_r("restartd", rd_argv, environ, &attr);
	if (!CHECK(rd > 0))
		ntest_done();
	int up = CHECK(wait_entity("rcv", "up", 0, 5000)) & CHECK(wait_entity("gone", "up", 0, 5000)) &
		 CHECK(wait_entity("pipe", "up", 0, 5000));
	if (up) {
		test_between_calls();
		test_in_flight();
		test_blocked();
		test_dup();
		test_fork();
		test_poll();
		test_pipe();
		test_gone();
	}
	int first_rd = rd;
	if (up)
		test_store(&rd);
	int coid = rc_connect();
	if (CHECK(coid >= 0)) {
		CHECK_EQ(rc_shutdown(coid, RESTART_SHUTDOWN_KILL), 0);
		ConnectDetach_r(coid);
	}
	int st;
	if (rd == first_rd) {
		CHECK_EQ(waitpid(rd, &st, 0), rd);
	} else {
		/* procnto's child: wait until it is gone */
		struct _io_connect_entry e;
		for (int i = 0; i < 300 && resmgr_path_server(RESTART_PATH, &e) == 0; i++)
			sleep_ms(10);
	}
	ntest_done();
}
