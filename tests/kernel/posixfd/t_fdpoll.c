/*
 * t_fdpoll: poll, ppoll, select and pselect of posix/fd/ (notification by
 * _IO_NOTIFY and a pulse) against a pfd_server file, which is readable
 * while the reader's offset is below its size:
 *  (a) immediate polls, POLLNVAL, select's EBADF;
 *  (b) a poll woken by a write from another thread, timeouts;
 *  (c) EINTR from a signal; ppoll/pselect's temporary signal mask;
 *  (d) a stream of signals does not interrupt the calls Linux never
 *      interrupts (open, stat, close, dup, fstat, lseek, pipe);
 *  (e) pipes (when the image has the pipe server): data, EOF and POLLHUP,
 *      O_NONBLOCK, O_CLOEXEC, EPIPE with SIGPIPE ignored, SIGPIPE's
 *      default action, a pipe to a forked child (EOF when it exits).
 */
#define _GNU_SOURCE
#include "pfdtest.h"

#include <poll.h>
#include <string.h>
#include <sys/select.h>
#include <sys/syscall.h>

#define Q PFD_DIR "/q"

static volatile int writer_fd = -1;
static volatile unsigned writer_delay_ms;
static volatile int sig_tid, sig_count;

static void *writer(void *arg)
{
	(void)arg;
	sleep_ms(writer_delay_ms);
	syscall(SYS_write, writer_fd, "w", 1);
	ntest_thread_exit();
}

static void *signaller(void *arg)
{
	(void)arg;
	sleep_ms(writer_delay_ms);
	SignalKill_r(0, getpid(), sig_tid, SIGUSR1, 0, 0);
	ntest_thread_exit();
}

static volatile int burst_done;

static void *burst(void *arg)
{
	(void)arg;
	for (int i = 0; i < 100; i++) {
		SignalKill_r(0, getpid(), sig_tid, SIGUSR1, 0, 0);
		sleep_ms(1);
	}
	burst_done = 1;
	ntest_thread_exit();
}

static void on_usr1(int sig)
{
	(void)sig;
	sig_count++;
}

static uint64_t ms_since(uint64_t t0) { return (ntest_now() - t0) / 1000000ull; }

static void later(void *(*fn)(void *), unsigned ms)
{
	writer_delay_ms = ms;
	CHECK(ntest_thread(fn, NULL, SCHED_RR, 10) > 0);
}

static void test_immediate(int r, int w)
{
	struct pollfd p[3] = {{r, POLLIN, 0}, {w, POLLOUT, 0}, {-1, POLLIN, 77}};
	CHECK_EQ(poll(p, 3, 0), 1);
	CHECK_EQ(p[0].revents, 0);
	CHECK_EQ(p[1].revents, POLLOUT);
	CHECK_EQ(p[2].revents, 0);
	CHECK_EQ(write(w, "x", 1), 1);
	CHECK_EQ(poll(p, 2, 0), 2);
	CHECK_EQ(p[0].revents, POLLIN);
	char c;
	CHECK_EQ(read(r, &c, 1), 1);
	CHECK_EQ(poll(p, 1, 0), 0);
	struct pollfd bad = {999, POLLIN, 0};
	CHECK_EQ(poll(&bad, 1, 0), 1);
	CHECK_EQ(bad.revents, POLLNVAL);
	fd_set rs;
	FD_ZERO(&rs);
	FD_SET(999, &rs);
	struct timeval tv = {0, 0};
	CHECK_ERR(select(1000, &rs, NULL, NULL, &tv), EBADF);
	CHECK_ERR(poll((struct pollfd *)16, 1, 0), EFAULT);
}

static void test_wait(int r, int w)
{
	writer_fd = w;
	struct pollfd p = {r, POLLIN, 0};
	uint64_t t0 = ntest_now();
	later(writer, 100);
	CHECK_EQ(poll(&p, 1, 5000), 1);
	CHECK_EQ(p.revents, POLLIN);
	uint64_t ms = ms_since(t0);
	CHECK(ms >= 90 && ms < 3000);
	char c;
	CHECK_EQ(read(r, &c, 1), 1);

	t0 = ntest_now();
	CHECK_EQ(poll(&p, 1, 60), 0);
	ms = ms_since(t0);
	CHECK(ms >= 59 && ms < 3000);

	fd_set rs;
	FD_ZERO(&rs);
	FD_SET(r, &rs);
	struct timeval tv = {0, 50000};
	t0 = ntest_now();
	CHECK_EQ(select(r + 1, &rs, NULL, NULL, &tv), 0);
	CHECK(ms_since(t0) >= 49);
	CHECK(!FD_ISSET(r, &rs));

	FD_SET(r, &rs);
	fd_set ws;
	FD_ZERO(&ws);
	tv = (struct timeval){5, 0};
	later(writer, 50);
	CHECK_EQ(select(r + 1, &rs, &ws, NULL, &tv), 1);
	CHECK(FD_ISSET(r, &rs));
	CHECK_EQ(read(r, &c, 1), 1);

	/* several fds: the second one becomes ready */
	int r2 = open(Q, O_RDONLY);
	CHECK(r2 >= 3);
	CHECK(lseek(r2, 0, SEEK_END) > 0);
	struct pollfd pp[2] = {{r2, POLLIN, 0}, {r, POLLIN, 0}};
	later(writer, 30);
	CHECK_EQ(poll(pp, 2, 5000), 2); /* both see the new byte */
	close(r2);
	CHECK_EQ(read(r, &c, 1), 1);
	sleep_ms(20); /* let the writer threads finish */
}

static void test_signals(int r)
{
	struct sigaction sa = {.sa_handler = on_usr1};
	sigemptyset(&sa.sa_mask);
	CHECK_EQ(sigaction(SIGUSR1, &sa, NULL), 0);
	sig_tid = gettid(); /* native: SignalKill */
	struct pollfd p = {r, POLLIN, 0};
	sig_count = 0;
	later(signaller, 50);
	CHECK_ERR(poll(&p, 1, 5000), EINTR);
	CHECK_EQ(sig_count, 1);

	/* ppoll: USR1 blocked outside, open during the call */
	sigset_t block, none, now;
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigemptyset(&none);
	CHECK_EQ(sigprocmask(SIG_BLOCK, &block, NULL), 0);
	sig_count = 0;
	later(signaller, 50);
	struct timespec ts = {5, 0};
	CHECK_ERR(ppoll(&p, 1, &ts, &none), EINTR);
	CHECK_EQ(sig_count, 1);
	CHECK_EQ(sigprocmask(SIG_BLOCK, NULL, &now), 0);
	CHECK(sigismember(&now, SIGUSR1));

	/* ... and with it blocked during the call too, the signal waits */
	sig_count = 0;
	later(signaller, 30);
	ts = (struct timespec){0, 120000000};
	CHECK_EQ(ppoll(&p, 1, &ts, &block), 0);
	CHECK_EQ(sig_count, 0);
	fd_set rs;
	FD_ZERO(&rs);
	FD_SET(r, &rs);
	ts = (struct timespec){0, 20000000};
	CHECK_ERR(pselect(r + 1, &rs, NULL, NULL, &ts, &none), EINTR); /* the pending one */
	CHECK_EQ(sig_count, 1);
	CHECK_EQ(sigprocmask(SIG_UNBLOCK, &block, NULL), 0);
}

static void test_no_eintr(int pipes)
{
	struct sigaction sa = {.sa_handler = on_usr1}; /* no SA_RESTART */
	sigemptyset(&sa.sa_mask);
	CHECK_EQ(sigaction(SIGUSR1, &sa, NULL), 0);
	sig_tid = gettid(); /* native: SignalKill */
	sig_count = 0;
	burst_done = 0;
	int eintr = 0, calls = 0;
	CHECK(ntest_thread(burst, NULL, SCHED_RR, 10) > 0);
	while (!burst_done) {
		struct stat st;
		int fd = open(Q, O_RDONLY);
		eintr += fd < 0 && errno == EINTR;
		eintr += stat(Q, &st) < 0 && errno == EINTR;
		if (fd >= 0) {
			int d = dup(fd);
			eintr += d < 0 && errno == EINTR;
			eintr += fstat(fd, &st) < 0 && errno == EINTR;
			eintr += lseek(fd, 1, SEEK_SET) < 0 && errno == EINTR;
			eintr += close(fd) < 0 && errno == EINTR;
			if (d >= 0)
				eintr += close(d) < 0 && errno == EINTR;
		}
		int p[2];
		if (pipes) {
			if (pipe(p) == 0) {
				close(p[0]);
				close(p[1]);
			} else {
				eintr += errno == EINTR;
			}
		}
		calls++;
	}
	sleep_ms(5);
	CHECK_EQ(eintr, 0);
	CHECK(sig_count > 10);
	ntest_info("%d rounds of calls, %d signals handled, %d calls interrupted", calls, sig_count,
		   eintr);
}

static void test_pipes(void)
{
	int p[2];
	if (!CHECK_EQ(pipe(p), 0))
		return;
	CHECK(p[0] >= 3 && p[1] >= 3);
	CHECK_EQ(write(p[1], "abc", 3), 3);
	char b[8] = "";
	CHECK_EQ(read(p[0], b, sizeof(b)), 3);
	CHECK(!memcmp(b, "abc", 3));
	struct pollfd pf = {p[0], POLLIN, 0};
	CHECK_EQ(poll(&pf, 1, 0), 0);
	writer_fd = p[1];
	later(writer, 40);
	CHECK_EQ(poll(&pf, 1, 5000), 1);
	CHECK_EQ(read(p[0], b, 1), 1);
	sleep_ms(10);
	CHECK_EQ(close(p[1]), 0);
	CHECK_EQ(poll(&pf, 1, 0), 1);
	CHECK(pf.revents & (POLLIN | POLLHUP));
	CHECK_EQ(read(p[0], b, 1), 0);
	CHECK_EQ(close(p[0]), 0);

	CHECK_EQ(pipe2(p, O_CLOEXEC | O_NONBLOCK), 0);
	CHECK_EQ(fcntl(p[0], F_GETFD), FD_CLOEXEC);
	CHECK_EQ(fcntl(p[1], F_GETFD), FD_CLOEXEC);
	CHECK(fcntl(p[0], F_GETFL) & O_NONBLOCK);
	CHECK_ERR(read(p[0], b, 1), EAGAIN);
	signal(SIGPIPE, SIG_IGN);
	close(p[0]);
	CHECK_ERR(write(p[1], "x", 1), EPIPE);
	close(p[1]);
	signal(SIGPIPE, SIG_DFL);

	/* a child writing into a pipe dies of SIGPIPE with no reader */
	CHECK_EQ(pipe(p), 0);
	close(p[0]);
	pid_t pid = fork();
	if (pid == 0) {
		write(p[1], "x", 1);
		_exit(0);
	}
	int status = 0;
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGPIPE);
	close(p[1]);

	/* a pipe to a child: its exit closes the write end (EOF) */
	CHECK_EQ(pipe(p), 0);
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		sleep_ms(30);
		write(p[1], "hi", 2);
		_exit(0); /* p[1] is closed by the exit */
	}
	CHECK(pid > 0);
	close(p[1]);
	pf = (struct pollfd){p[0], POLLIN, 0};
	CHECK_EQ(poll(&pf, 1, 5000), 1);
	CHECK_EQ(read(p[0], b, sizeof(b)), 2);
	CHECK(!memcmp(b, "hi", 2));
	CHECK_EQ(read(p[0], b, sizeof(b)), 0);
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK_EQ(status, 0);
	close(p[0]);
}

int main(void)
{
	ntest_start("fdpoll");
	struct stat st;
	int pipesrv = -1, srv = start_server("pfd_server", PFD_DIR);
	if (srv < 0)
		ntest_done();
	if (stat("/proc/boot/pipe", &st) == 0)
		pipesrv = start_server("pipe", "/dev/pipe");
	if (!console_on()) {
		console_off();
		ntest_fail("console_on()", __FILE_NAME__, __LINE__, NULL);
		stop_server(srv);
		ntest_done();
	}
	int r = open(Q, O_RDWR | O_CREAT, 0600), w = open(Q, O_WRONLY);
	CHECK(r >= 3 && w >= 3);
	test_immediate(r, w);
	test_wait(r, w);
	test_signals(r);
	test_no_eintr(pipesrv > 0);
	close(w);
	close(r);
	if (pipesrv > 0)
		test_pipes();
	else
		ntest_info("no pipe server in the image: pipe tests skipped");
	console_off();
	stop_server(pipesrv);
	stop_server(srv);
	ntest_done();
}
