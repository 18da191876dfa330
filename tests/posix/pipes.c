/*
 * posix_pipes: pipe/pipe2 (flags, data order, O_NONBLOCK and EAGAIN,
 * capacity, EOF, blocking reads and writes against another process, EPIPE
 * and SIGPIPE, ESPIPE) and poll/select/ppoll/pselect (readiness, POLLHUP,
 * POLLNVAL, timeouts that do not end early, the atomic signal mask of
 * ppoll and pselect). Built once, run on the Linux host and in QEMU
 * (ptest.h).
 */
#include "ptest.h"

#include <poll.h>
#include <signal.h>
#include <sys/select.h>

#define MS 1000000ull

/* Fork a child that sleeps ms, writes len bytes of c to fd, then exits. */
static pid_t write_later(int fd, unsigned ms, char c, size_t len, int close_fd)
{
	pid_t pid = fork();
	if (pid == 0) {
		char buf[256];
		memset(buf, c, sizeof(buf));
		if (close_fd >= 0)
			close(close_fd);
		ptest_sleep_ms(ms);
		while (len) {
			size_t n = len < sizeof(buf) ? len : sizeof(buf);
			if (write(fd, buf, n) != (ssize_t)n)
				_exit(1);
			len -= n;
		}
		_exit(0);
	}
	return pid;
}

static int reap(pid_t pid)
{
	int status = -1;
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return status;
}

static void test_basic(void)
{
	int p[2];
	char buf[64];
	struct stat st;
	if (!CHECK_EQ(pipe(p), 0))
		return;
	CHECK(p[0] >= 0 && p[1] >= 0 && p[0] != p[1]);
	CHECK_EQ(fcntl(p[0], F_GETFD), 0);
	CHECK_EQ(fcntl(p[0], F_GETFL) & (O_ACCMODE | O_NONBLOCK), O_RDONLY);
	CHECK_EQ(fcntl(p[1], F_GETFL) & (O_ACCMODE | O_NONBLOCK), O_WRONLY);
	CHECK(fstat(p[0], &st) == 0 && S_ISFIFO(st.st_mode));
	CHECK_ERR(lseek(p[0], 0, SEEK_SET), ESPIPE);
	CHECK_ERR(pread(p[0], buf, 1, 0), ESPIPE);
	CHECK_ERR(write(p[0], "x", 1), EBADF);
	CHECK_ERR(read(p[1], buf, 1), EBADF);
	/* Data comes out in order; a read returns what is there. */
	CHECK_EQ(write(p[1], "abc", 3), 3);
	CHECK_EQ(write(p[1], "defg", 4), 4);
	CHECK_EQ(read(p[0], buf, 2), 2);
	CHECK(!memcmp(buf, "ab", 2));
	CHECK_EQ(read(p[0], buf, sizeof(buf)), 5);
	CHECK(!memcmp(buf, "cdefg", 5));
	CHECK_EQ(write(p[1], "", 0), 0);
	/* EOF once every write end is closed and the data is drained. */
	CHECK_EQ(write(p[1], "xy", 2), 2);
	close(p[1]);
	CHECK_EQ(read(p[0], buf, sizeof(buf)), 2);
	CHECK_EQ(read(p[0], buf, sizeof(buf)), 0);
	CHECK_EQ(read(p[0], buf, sizeof(buf)), 0);
	close(p[0]);

	/* pipe2 flags. */
	CHECK_EQ(pipe2(p, O_CLOEXEC | O_NONBLOCK), 0);
	CHECK_EQ(fcntl(p[0], F_GETFD), FD_CLOEXEC);
	CHECK_EQ(fcntl(p[1], F_GETFD), FD_CLOEXEC);
	CHECK(fcntl(p[0], F_GETFL) & O_NONBLOCK);
	CHECK(fcntl(p[1], F_GETFL) & O_NONBLOCK);
	close(p[0]);
	close(p[1]);
	CHECK_ERR(pipe2(p, O_APPEND), EINVAL);
}

static void test_nonblock(void)
{
	int p[2];
	static char buf[4096], back[4096];
	if (!CHECK_EQ(pipe2(p, O_NONBLOCK), 0))
		return;
	CHECK_ERR(read(p[0], buf, 1), EAGAIN);
	/* Fill: at least PIPE_BUF (POSIX: >= 512; Linux: 4096) fits, then EAGAIN. */
	size_t total = 0;
	for (int i = 0; i < 1000; i++) {
		for (size_t j = 0; j < 512; j++)
			buf[j] = (char)(total + j);
		ssize_t n = write(p[1], buf, 512);
		if (n < 0) {
			CHECK_EQ(errno, EAGAIN);
			break;
		}
		total += (size_t)n;
		if (n != 512) /* partial writes are allowed only above PIPE_BUF */
			break;
	}
	CHECK(total >= 4096);
	CHECK(total < 1000 * 512);
	CHECK_ERR(write(p[1], buf, 1), EAGAIN);
	/* All of it comes back in order. */
	size_t got = 0;
	int same = 1;
	for (;;) {
		ssize_t n = read(p[0], back, sizeof(back));
		if (n <= 0)
			break;
		for (ssize_t k = 0; k < n; k++)
			same &= back[k] == (char)(got + (size_t)k);
		got += (size_t)n;
	}
	CHECK_EQ(got, total);
	CHECK(same);
	CHECK_ERR(read(p[0], buf, 1), EAGAIN);
	/* F_SETFL clears O_NONBLOCK: a read then blocks until a writer comes. */
	CHECK_EQ(fcntl(p[0], F_SETFL, 0), 0);
	pid_t pid = write_later(p[1], 50, 'w', 1, -1);
	uint64_t t0 = ptest_now();
	CHECK_EQ(read(p[0], buf, 1), 1);
	CHECK(ptest_now() - t0 >= 40 * MS);
	CHECK_EQ(reap(pid), 0);
	close(p[0]);
	close(p[1]);
}

/* Blocking transfers bigger than the pipe, between processes. */
static void test_blocking(void)
{
	enum { TOTAL = 300000 };
	int p[2];
	static char buf[8192];
	if (!CHECK_EQ(pipe(p), 0))
		return;
	pid_t pid = fork();
	if (pid == 0) {
		close(p[0]);
		unsigned v = 0;
		for (size_t done = 0; done < TOTAL;) {
			size_t n = TOTAL - done < 5000 ? TOTAL - done : 5000;
			for (size_t k = 0; k < n; k++)
				buf[k] = (char)(v++ * 31 % 251);
			if (write(p[1], buf, n) != (ssize_t)n)
				_exit(1);
			done += n;
		}
		_exit(0);
	}
	close(p[1]);
	size_t got = 0;
	unsigned v = 0;
	int same = 1;
	ssize_t n;
	while ((n = read(p[0], buf, sizeof(buf))) > 0) {
		for (ssize_t k = 0; k < n; k++)
			same &= buf[k] == (char)(v++ * 31 % 251);
		got += (size_t)n;
	}
	CHECK_EQ(n, 0);
	CHECK_EQ(got, TOTAL);
	CHECK(same);
	CHECK_EQ(reap(pid), 0);
	close(p[0]);

	/* EOF waits for every holder of the write end: a child keeps it open. */
	if (!CHECK_EQ(pipe(p), 0))
		return;
	pid = write_later(p[1], 100, 'z', 3, p[0]);
	close(p[1]);
	CHECK_EQ(read(p[0], buf, sizeof(buf)), 3);
	CHECK_EQ(read(p[0], buf, sizeof(buf)), 0);
	CHECK_EQ(reap(pid), 0);
	close(p[0]);
}

static volatile sig_atomic_t got_sigpipe;
static void on_sigpipe(int sig)
{
	got_sigpipe = sig;
}

static void test_epipe(void)
{
	int p[2];
	if (!CHECK_EQ(pipe(p), 0))
		return;
	close(p[0]);
	/* Default action: the writer dies of SIGPIPE. */
	pid_t pid = fork();
	if (pid == 0) {
		signal(SIGPIPE, SIG_DFL);
		ssize_t r = write(p[1], "x", 1);
		_exit(r < 0 ? 2 : 3);
	}
	int status = reap(pid);
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGPIPE);
	/* Ignored: write fails with EPIPE. */
	struct sigaction sa = {.sa_handler = SIG_IGN}, old;
	sigaction(SIGPIPE, &sa, &old);
	CHECK_ERR(write(p[1], "x", 1), EPIPE);
	/* Caught: the handler runs for the writing thread and write gives EPIPE. */
	sa.sa_handler = on_sigpipe;
	sigaction(SIGPIPE, &sa, NULL);
	got_sigpipe = 0;
	CHECK_ERR(write(p[1], "x", 1), EPIPE);
	CHECK_EQ(got_sigpipe, SIGPIPE);
	/* Blocked: EPIPE, and SIGPIPE stays pending. */
	sigset_t set, prev, pend;
	sigemptyset(&set);
	sigaddset(&set, SIGPIPE);
	sigprocmask(SIG_BLOCK, &set, &prev);
	got_sigpipe = 0;
	CHECK_ERR(write(p[1], "x", 1), EPIPE);
	CHECK(sigpending(&pend) == 0 && sigismember(&pend, SIGPIPE));
	CHECK_EQ(got_sigpipe, 0);
	sigprocmask(SIG_SETMASK, &prev, NULL);
	CHECK_EQ(got_sigpipe, SIGPIPE);
	sigaction(SIGPIPE, &old, NULL);
	close(p[1]);
}

static void test_poll(void)
{
	int p[2];
	char buf[16];
	if (!CHECK_EQ(pipe(p), 0))
		return;
	struct pollfd fds[2] = {{p[0], POLLIN, 0}, {p[1], POLLOUT, 0}};
	/* Nothing to read: the write end alone is ready. */
	CHECK_EQ(poll(fds, 2, 0), 1);
	CHECK_EQ(fds[0].revents, 0);
	CHECK_EQ(fds[1].revents, POLLOUT);
	/* A timeout is not early. */
	uint64_t t0 = ptest_now();
	CHECK_EQ(poll(fds, 1, 100), 0);
	uint64_t dt = ptest_now() - t0;
	CHECK(dt >= 99 * MS);
	if (dt < 99 * MS)
		ptest_info("poll(100 ms) returned after %llu us", (unsigned long long)(dt / 1000));
	/* Data makes the read end ready. */
	CHECK_EQ(write(p[1], "a", 1), 1);
	CHECK_EQ(poll(fds, 2, 1000), 2);
	CHECK_EQ(fds[0].revents, POLLIN);
	CHECK_EQ(read(p[0], buf, 1), 1);
	/* A writer in another process wakes an infinite poll. */
	pid_t pid = write_later(p[1], 50, 'b', 1, -1);
	fds[0].revents = 0;
	t0 = ptest_now();
	CHECK_EQ(poll(fds, 1, -1), 1);
	CHECK(fds[0].revents & POLLIN);
	CHECK(ptest_now() - t0 >= 40 * MS);
	CHECK_EQ(read(p[0], buf, 1), 1);
	CHECK_EQ(reap(pid), 0);
	/* An invalid descriptor: POLLNVAL, counted; negative fds are skipped. */
	struct pollfd bad[2] = {{9999, POLLIN, 0}, {-1, POLLIN, 0x7}};
	CHECK_EQ(poll(bad, 2, 0), 1);
	CHECK_EQ(bad[0].revents, POLLNVAL);
	CHECK_EQ(bad[1].revents, 0);
	/* No descriptors: a plain sleep. */
	t0 = ptest_now();
	CHECK_EQ(poll(NULL, 0, 50), 0);
	CHECK(ptest_now() - t0 >= 49 * MS);
	/* Writer gone: POLLHUP on the read end (with POLLIN while data remains). */
	CHECK_EQ(write(p[1], "c", 1), 1);
	close(p[1]);
	fds[0].revents = 0;
	CHECK_EQ(poll(fds, 1, 0), 1);
	CHECK(fds[0].revents & POLLIN);
	CHECK_EQ(read(p[0], buf, sizeof(buf)), 1);
	fds[0].revents = 0;
	CHECK_EQ(poll(fds, 1, 1000), 1);
	CHECK(fds[0].revents & POLLHUP);
	close(p[0]);
	/* Reader gone: the write end reports an error (POLLERR on Linux). */
	CHECK_EQ(pipe(p), 0);
	close(p[0]);
	struct pollfd w = {p[1], POLLOUT, 0};
	CHECK_EQ(poll(&w, 1, 0), 1);
	CHECK(w.revents & (POLLERR | POLLHUP));
	close(p[1]);
}

static void test_select(void)
{
	int p[2];
	char c;
	if (!CHECK_EQ(pipe(p), 0))
		return;
	fd_set r, wr;
	FD_ZERO(&r);
	FD_SET(p[0], &r);
	FD_ZERO(&wr);
	FD_SET(p[1], &wr);
	int nfds = (p[0] > p[1] ? p[0] : p[1]) + 1;
	/* Timeout, not early; the read set comes back empty. */
	struct timeval tv = {0, 100000};
	uint64_t t0 = ptest_now();
	CHECK_EQ(select(nfds, &r, NULL, NULL, &tv), 0);
	CHECK(ptest_now() - t0 >= 99 * MS);
	CHECK(!FD_ISSET(p[0], &r));
	/* Ready sets. */
	FD_SET(p[0], &r);
	tv.tv_sec = 1;
	tv.tv_usec = 0;
	CHECK_EQ(select(nfds, &r, &wr, NULL, &tv), 1);
	CHECK(!FD_ISSET(p[0], &r) && FD_ISSET(p[1], &wr));
	CHECK_EQ(write(p[1], "s", 1), 1);
	FD_SET(p[0], &r);
	FD_SET(p[1], &wr);
	CHECK_EQ(select(nfds, &r, &wr, NULL, NULL), 2);
	CHECK(FD_ISSET(p[0], &r) && FD_ISSET(p[1], &wr));
	CHECK_EQ(read(p[0], &c, 1), 1);
	/* A bad descriptor in a set: EBADF. */
	int spare = dup(p[0]);
	close(spare);
	FD_ZERO(&r);
	FD_SET(spare, &r);
	tv.tv_sec = 0;
	CHECK_ERR(select(spare + 1, &r, NULL, NULL, &tv), EBADF);
	/* pselect: a timespec timeout, not early. */
	FD_ZERO(&r);
	FD_SET(p[0], &r);
	struct timespec ts = {0, 80 * 1000000};
	t0 = ptest_now();
	CHECK_EQ(pselect(nfds, &r, NULL, NULL, &ts, NULL), 0);
	CHECK(ptest_now() - t0 >= 79 * MS);
	/* ppoll, likewise. */
	struct pollfd fd = {p[0], POLLIN, 0};
	t0 = ptest_now();
	CHECK_EQ(ppoll(&fd, 1, &ts, NULL), 0);
	CHECK(ptest_now() - t0 >= 79 * MS);
	close(p[0]);
	close(p[1]);
}

static volatile sig_atomic_t got_usr1;
static void on_usr1(int sig)
{
	(void)sig;
	got_usr1++;
}

/*
 * ppoll and pselect install their mask for the wait only: SIGUSR1 blocked
 * by the program and already pending is delivered during the call (EINTR)
 * and is blocked again afterwards.
 */
static void test_sigmask(void)
{
	int p[2];
	if (!CHECK_EQ(pipe(p), 0))
		return;
	struct sigaction sa = {.sa_handler = on_usr1}, old;
	sigaction(SIGUSR1, &sa, &old);
	sigset_t block, prev, none, now;
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigemptyset(&none);
	sigprocmask(SIG_BLOCK, &block, &prev);
	struct pollfd fd = {p[0], POLLIN, 0};
	struct timespec ts = {5, 0};

	got_usr1 = 0;
	raise(SIGUSR1);
	CHECK_EQ(got_usr1, 0);
	uint64_t t0 = ptest_now();
	CHECK_ERR(ppoll(&fd, 1, &ts, &none), EINTR);
	CHECK_EQ(got_usr1, 1);
	CHECK(ptest_now() - t0 < 4000 * MS);
	CHECK(sigprocmask(SIG_BLOCK, NULL, &now) == 0 && sigismember(&now, SIGUSR1));

	fd_set r;
	FD_ZERO(&r);
	FD_SET(p[0], &r);
	got_usr1 = 0;
	raise(SIGUSR1);
	CHECK_ERR(pselect(p[0] + 1, &r, NULL, NULL, &ts, &none), EINTR);
	CHECK_EQ(got_usr1, 1);
	CHECK(sigprocmask(SIG_BLOCK, NULL, &now) == 0 && sigismember(&now, SIGUSR1));

	/* Without the mask the pending signal stays pending through the wait. */
	got_usr1 = 0;
	raise(SIGUSR1);
	struct timespec shortts = {0, 20 * 1000000};
	CHECK_EQ(ppoll(&fd, 1, &shortts, NULL), 0);
	CHECK_EQ(got_usr1, 0);
	sigprocmask(SIG_SETMASK, &prev, NULL);
	CHECK_EQ(got_usr1, 1);

	/* A signal arriving during poll interrupts it even with SA_RESTART. */
	sa.sa_flags = SA_RESTART;
	sigaction(SIGUSR1, &sa, NULL);
	got_usr1 = 0;
	pid_t parent = getpid(), pid = fork();
	if (pid == 0) {
		ptest_sleep_ms(50);
		kill(parent, SIGUSR1);
		_exit(0);
	}
	CHECK_ERR(poll(&fd, 1, 5000), EINTR);
	CHECK_EQ(got_usr1, 1);
	CHECK_EQ(reap(pid), 0);
	sigaction(SIGUSR1, &old, NULL);
	close(p[0]);
	close(p[1]);
}

int main(void)
{
	ptest_start("pipes");
	test_basic();
	test_nonblock();
	test_blocking();
	test_epipe();
	test_poll();
	test_select();
	test_sigmask();
	ptest_done();
}
