/*
 * t_serial: devc-ser8250 (drivers/serial), started with ImageSpawn and
 * reached through its ready report (-r), or the one already serving
 * /dev/ser1, with hand-built messages (../resmgr/rsmio.h). The console is
 * the COM1 the harness logs, so the test cannot type: it uses the driver's
 * UART loopback (DCMD_SER_LOOPBACK), where bytes written come back as
 * input and echoes are captured apart.
 *  (a) the device: fstat, ESPIPE, ENOTTY, the three names open;
 *  (b) termios defaults and TCGETS/TCSETS round trip, window size 80x24,
 *      controlling tty (setsid, TIOCSCTTY: the kernel's session records
 *      it, see t_ttyjob for job control), process group, FIONREAD,
 *      F_GETFL;
 *  (c) output: a known line written (the full count returned) and drained;
 *      ctest's qemu.serial.output finds it in the console log; a break
 *      lasts its quarter second;
 *  (d) loopback: canonical editing (ERASE DEL and ^H, KILL, WERASE, EOF,
 *      LNEXT, partial reads), echo (ECHOE, ECHOCTL, ECHOK, ECHOKE,
 *      ECHONL, tab erase), VMIN/VTIME raw reads, O_NONBLOCK, ^C ^\ ^Z
 *      signalling the foreground group and a blocked read failing with
 *      EINTR, ^S / TCION flow control with a write that returns only once
 *      its bytes left for the UART, TCOOFF with O_NONBLOCK writes running
 *      into EAGAIN, TCSETSF discarding input, poll notification; the
 *      kernel console's own output, looped back, is received by interrupt
 *      (TIOCGICOUNT counts it);
 *  (e) with the names in the path space: the same device through open(),
 *      isatty, tcgetattr/tcsetattr, ioctl, read, write, poll; a second
 *      driver for the port refuses to start.
 * Nothing may be printed while the loopback is on (the kernel's console
 * output would come back as input): checks there are recorded (QCHECK)
 * and reported after it is off.
 */
#include "sertest.h"

#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <termios.h>

#include "ser_ready.h"

#define OUT_LINE "serial: t_serial wrote this line through devc-ser8250"

static int drv_pid, drv_chid, ids[SER_NAMES];
static int path_errno; /* 0: the driver's names are in the path space */

/* Driver */
static int start_driver(void)
{
	int chid = ChannelCreate(0);
	if (!CHECK(chid >= 0))
		return -1;
	char arg[32];
	snprintf(arg, sizeof(arg), "%d:%d", getpid(), chid);
	char *argv[] = {"devc-ser8250", "-r", arg, NULL};
	char *envp[] = {NULL};
	struct _image_spawn_attr attr = {.priority = 0, .policy = -1};
	drv_pid = ImageSpawn("devc-ser8250", argv, envp, &attr);
	if (!CHECK(drv_pid > 0))
		return -1;
	struct ser_ready rep;
	struct _msg_info info;
	uint64_t ns = 5000 * NTEST_MS;
	struct sigevent to;
	memset(&to, 0, sizeof(to));
	SIGEV_UNBLOCK_INIT(&to);
	TimerTimeout(_NTO_CLOCK_MONOTONIC, _NTO_TIMEOUT_RECEIVE, &to, &ns, NULL);
	int rcvid = MsgReceive(chid, &rep, sizeof(rep), &info);
	if (!CHECK(rcvid > 0) || !CHECK_EQ(memcmp(rep.tag, SER_READY_TAG, 8), 0))
		return -1;
	MsgReply(rcvid, 0, NULL, 0);
	ChannelDestroy(chid);
	CHECK_EQ(info.pid, drv_pid);
	drv_chid = rep.chid;
	memcpy(ids, rep.ids, sizeof(ids));
	path_errno = rep.path_errno;
	ntest_info("driver pid %d chid %d; names %s", drv_pid, drv_chid,
		   rep.path_errno ? strerror(rep.path_errno) : "in the path space");
	return 0;
}

/* A second driver for the same port refuses to start. */
static void test_second_instance(void)
{
	char *argv[] = {"devc-ser8250", NULL};
	char *envp[] = {NULL};
	struct _image_spawn_attr attr = {.priority = 0, .policy = -1};
	int pid = ImageSpawn("devc-ser8250", argv, envp, &attr);
	int status = -1;
	if (CHECK(pid > 0) && CHECK_EQ(ProcWait(pid, &status, 0), pid))
		CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 1);
}

static void stop_driver(void)
{
	CHECK_EQ(kill(drv_pid, SIGTERM), 0);
	int status = -1;
	CHECK_EQ(ProcWait(drv_pid, &status, 0), drv_pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/* The driver started here, or the one already serving /dev/ser1 (then
 * reached through open()). */
static bool own_driver;
static const char *const names[SER_NAMES] = {"/dev/ser1", "/dev/console", "/dev/tty"};

static int open_name(int which, unsigned oflag)
{
	if (!own_driver)
		return open(names[which], (int)oflag | O_NOCTTY);
	return io_open_direct(drv_pid, drv_chid, ids[which], oflag);
}

static int close_name(int fd)
{
	return own_driver ? io_close(fd) : close(fd);
}

/* (a), (b) */
static void test_device(int fd, struct _dcmd_termios *orig)
{
	struct _io_stat st;
	if (CHECK_EQ(io_fstat(fd, &st), 0))
		CHECK(S_ISCHR(st.st_mode));
	CHECK_ERR(io_lseek(fd, 0, SEEK_SET), ESPIPE);
	CHECK_ERR(dctl_val(fd, 0x5499, 0), ENOTTY);
	for (int i = SER_NAME_CONSOLE; i < SER_NAMES; i++) {
		int fd2 = open_name(i, O_WRONLY);
		if (CHECK(fd2 >= 0))
			CHECK_EQ(close_name(fd2), 0);
	}
	int fl = dctl_get(fd, DCMD_ALL_GETFLAGS);
	CHECK_EQ(fl & O_ACCMODE, O_RDWR);

	struct _dcmd_termios t;
	if (!CHECK_EQ(tc_get(fd, &t), 0))
		return;
	*orig = t;
	CHECK_EQ(t.c_lflag & (ICANON | ECHO | ISIG | ECHOE | ECHOK), ICANON | ECHO | ISIG | ECHOE | ECHOK);
	CHECK_EQ(t.c_oflag & (OPOST | ONLCR), OPOST | ONLCR);
	CHECK_EQ(t.c_iflag & ICRNL, ICRNL);
	CHECK_EQ(t.c_cflag & (CBAUD | CSIZE | CREAD), B115200 | CS8 | CREAD);
	CHECK_EQ(t.c_cc[VERASE], 0x7f);
	CHECK_EQ(t.c_cc[VINTR], 3);
	CHECK_EQ(t.c_cc[VEOF], 4);
	CHECK_EQ(t.c_cc[VMIN], 1);
	struct _dcmd_termios m = t, back;
	m.c_lflag &= ~(uint32_t)(ECHO | ICANON);
	m.c_cc[VMIN] = 5;
	m.c_cc[VTIME] = 7;
	CHECK_EQ(tc_set(fd, DCMD_CHR_TCSETS, &m), 0);
	if (CHECK_EQ(tc_get(fd, &back), 0))
		CHECK_EQ(memcmp(&back, &m, sizeof(m)), 0);
	CHECK_EQ(tc_set(fd, DCMD_CHR_TCSETSW, &t), 0);
	if (CHECK_EQ(tc_get(fd, &back), 0))
		CHECK_EQ(memcmp(&back, &t, sizeof(t)), 0);

	struct _dcmd_winsize ws = {0, 0, 1, 1};
	if (CHECK_EQ(dctl(fd, DCMD_CHR_TIOCGWINSZ, &ws, sizeof(ws)), 0)) {
		CHECK_EQ(ws.ws_col, 80);
		CHECK_EQ(ws.ws_row, 24);
	}
	struct _dcmd_winsize big = {40, 100, 0, 0};
	CHECK_EQ(dctl(fd, DCMD_CHR_TIOCSWINSZ, &big, sizeof(big)), 0);
	if (CHECK_EQ(dctl(fd, DCMD_CHR_TIOCGWINSZ, &ws, sizeof(ws)), 0))
		CHECK(ws.ws_col == 100 && ws.ws_row == 40);
	ws = (struct _dcmd_winsize){24, 80, 0, 0};
	CHECK_EQ(dctl(fd, DCMD_CHR_TIOCSWINSZ, &ws, sizeof(ws)), 0);

	/* a session leader takes the terminal; its group is the foreground */
	if (setsid() == getpid()) {
		CHECK_EQ(dctl_val(fd, DCMD_CHR_TIOCSCTTY, 1), 0); /* 1: root takes it */
		CHECK_EQ(dctl_get(fd, DCMD_CHR_TIOCGSID), getpid());
		CHECK_EQ(dctl_get(fd, DCMD_CHR_TIOCGPGRP), getpid());
		/* the kernel's session knows its terminal (the driver's device) */
		struct _session_info si;
		struct _io_stat st;
		if (CHECK_EQ(SessionCtl(_NTO_SESSION_GET, 0, 0, &si), 0) &&
		    CHECK_EQ(io_fstat(fd, &st), 0)) {
			CHECK_EQ(si.ctty, st.st_rdev);
			CHECK_EQ(si.fg_pgrp, getpid());
			if (own_driver)
				CHECK_EQ(si.ctty_server, drv_pid);
		}
	} else {
		ntest_info("setsid: %s (TIOCSCTTY not checked)", strerror(errno));
	}
	CHECK_EQ(dctl_val(fd, DCMD_CHR_TIOCSPGRP, getpid()), 0);
	CHECK_EQ(dctl_get(fd, DCMD_CHR_TIOCGPGRP), getpid());
	CHECK_ERR(dctl_val(fd, DCMD_CHR_TIOCSPGRP, 0), EINVAL);
	CHECK_EQ(dctl_get(fd, DCMD_CHR_FIONREAD), 0);
	CHECK_EQ(dctl_get(fd, DCMD_CHR_TIOCGETD), 0);
	CHECK_ERR(dctl_val(fd, DCMD_CHR_TCFLSH, 7), EINVAL);
}

/* (c) */
static void test_output(int fd)
{
	const char line[] = OUT_LINE "\n";
	CHECK_EQ(drain(fd), 0); /* nothing of ours is still going out */
	CHECK_EQ(wr_s(fd, line), (long)strlen(line));
	CHECK_EQ(drain(fd), 0);
	CHECK_EQ(dctl_get(fd, DCMD_CHR_TIOCOUTQ), 0);
	ntest_info("wrote the output line through the driver");
	uint64_t t0 = ntest_now();
	CHECK_EQ(dctl_val(fd, DCMD_CHR_TCSBRK, 0), 0);
	unsigned ms = ms_since(t0);
	CHECK(ms >= 200 && ms < 2000);
}

/* (e) through the POSIX calls, when the names are in the path space */
static void test_posix(void)
{
	int fd = open("/dev/ser1", O_RDWR | O_NOCTTY);
	if (!CHECK(fd >= 0)) {
		ntest_info("open /dev/ser1: %s", strerror(errno));
		return;
	}
	CHECK(isatty(fd));
	struct stat st;
	if (CHECK_EQ(fstat(fd, &st), 0))
		CHECK(S_ISCHR(st.st_mode));
	struct termios t, r, back;
	if (CHECK_EQ(tcgetattr(fd, &t), 0)) {
		CHECK_EQ(cfgetospeed(&t), B115200);
		CHECK(t.c_lflag & ICANON);
		r = t;
		cfmakeraw(&r);
		CHECK_EQ(tcsetattr(fd, TCSANOW, &r), 0);
		if (CHECK_EQ(tcgetattr(fd, &back), 0))
			CHECK_EQ(back.c_lflag & (ICANON | ECHO), 0);
		CHECK_EQ(tcsetattr(fd, TCSADRAIN, &t), 0);
	}
	struct winsize ws;
	if (CHECK_EQ(ioctl(fd, TIOCGWINSZ, &ws), 0))
		CHECK(ws.ws_col == 80 && ws.ws_row == 24);
	CHECK_EQ(tcdrain(fd), 0);
	CHECK_EQ(tcflush(fd, TCIFLUSH), 0);
	int n = -1;
	CHECK_EQ(ioctl(fd, FIONREAD, &n), 0);
	CHECK_EQ(n, 0);
	CHECK_ERR(lseek(fd, 0, SEEK_CUR), ESPIPE);
	const char *others[] = {"/dev/console", "/dev/tty"};
	for (int i = 0; i < 2; i++) {
		int fd2 = open(others[i], O_RDWR | O_NOCTTY);
		if (CHECK(fd2 >= 0))
			CHECK(isatty(fd2) && close(fd2) == 0);
	}
	CHECK_EQ(close(fd), 0);
}

/* (d) */
static struct _dcmd_termios base; /* canonical, no echo, ISIG */

static struct _dcmd_termios mode(uint32_t lflag_on, uint32_t lflag_off, int vmin, int vtime)
{
	struct _dcmd_termios t = base;
	t.c_lflag = (t.c_lflag | lflag_on) & ~lflag_off;
	t.c_cc[VMIN] = (uint8_t)vmin;
	t.c_cc[VTIME] = (uint8_t)vtime;
	return t;
}

static void set_tio(int fd, const struct _dcmd_termios *t)
{
	QCHECK_EQ(drain(fd), 0);
	QCHECK_EQ(tc_set(fd, DCMD_CHR_TCSETSF, t), 0);
}

static void set_mode(int fd, uint32_t lflag_on, uint32_t lflag_off, int vmin, int vtime)
{
	struct _dcmd_termios t = mode(lflag_on, lflag_off, vmin, vtime);
	set_tio(fd, &t);
}

/* Types s (written to the looped-back port) and reads what one read gives. */
static long type_read(int fd, const char *s, char *buf, size_t n)
{
	if (*s && wr_s(fd, s) != (long)strlen(s))
		return -2;
	return rd_x(fd, buf, n, 0);
}

#define QLINE(fd, typed, want)                                             \
	do {                                                               \
		char b_[128];                                              \
		long n_ = type_read(fd, typed, b_, sizeof(b_));            \
		QCHECK_BYTES(b_, n_, want);                                \
	} while (0)

static void test_canonical(int fd)
{
	set_mode(fd, ICANON, ECHO, 1, 0);
	QLINE(fd, "ab\x7f" "c\r", "ac\n");
	QLINE(fd, "ab\bc\r", "ac\n");
	QLINE(fd, "xyz\x15ok\r", "ok\n");
	QLINE(fd, "one two\x17three\r", "one three\n");
	QLINE(fd, "a\x16\x7f\r", "a\x7f\n");
	QLINE(fd, "abc\x04", "abc");
	QLINE(fd, "\x04", "");
	char b[16];
	QCHECK_EQ(wr_s(fd, "hello\r12\r"), 9);
	QCHECK_EQ(dctl_get(fd, DCMD_CHR_FIONREAD), 9);
	QCHECK_BYTES(b, rd_x(fd, b, 2, 0), "he");
	QCHECK_BYTES(b, rd_x(fd, b, 16, 0), "llo\n");
	QCHECK_BYTES(b, rd_x(fd, b, 16, 0), "12\n");
	QCHECK_EQ(rd_x(fd, b, 16, _IO_XFLAG_NONBLOCK), -EAGAIN);
	QCHECK_EQ(wr_s(fd, "partial"), 7);
	QCHECK_EQ(rd_x(fd, b, 16, _IO_XFLAG_NONBLOCK), -EAGAIN); /* no line yet */
	QLINE(fd, "\r", "partial\n");
	/* TCSETSF drops a pending line */
	QCHECK_EQ(wr_s(fd, "junk\r"), 5);
	set_mode(fd, ICANON, ECHO, 1, 0);
	QCHECK_EQ(dctl_get(fd, DCMD_CHR_FIONREAD), 0);
}

#define QECHO(fd, typed, line, echo)                                       \
	do {                                                               \
		char e_[256];                                              \
		echocap(fd, e_);                                           \
		QLINE(fd, typed, line);                                    \
		QCHECK_EQ(drain(fd), 0);                                   \
		QCHECK_BYTES(e_, echocap(fd, e_), echo);                   \
	} while (0)

static void test_echo(int fd)
{
	const uint32_t all = ECHO | ECHOE | ECHOK | ECHOKE | ECHOCTL;
	set_mode(fd, ICANON | all, ECHONL, 1, 0);
	QECHO(fd, "ab\x7f" "c\r", "ac\n", "ab\b \bc\r\n");
	QECHO(fd, "\x01\r", "\x01\n", "^A\r\n");
	QECHO(fd, "ab\x15x\r", "x\n", "ab\b \b\b \bx\r\n");
	QECHO(fd, "a\tb\x7f\x7f\r", "a\n", "a\tb\b \b\b\b\b\b\b\b\b\r\n");
	set_mode(fd, ICANON | (all & ~ECHOKE), 0, 1, 0);
	QECHO(fd, "ab\x15x\r", "x\n", "ab^U\r\nx\r\n");
	set_mode(fd, ICANON | ECHONL, all, 1, 0);
	QECHO(fd, "hi\r", "hi\n", "\r\n");
	set_mode(fd, 0, ICANON | ECHONL | all, 1, 0);
}

static void test_raw(int fd)
{
	char b[32];
	set_mode(fd, 0, ICANON | ECHO, 0, 0);
	QCHECK_EQ(rd_x(fd, b, sizeof(b), 0), 0);
	set_mode(fd, 0, ICANON | ECHO, 0, 2);
	uint64_t t0 = ntest_now();
	QCHECK_EQ(rd_x(fd, b, sizeof(b), 0), 0); /* VTIME 0.2 s runs out */
	unsigned ms = ms_since(t0);
	QCHECK(ms >= 180 && ms < 1000);
	t0 = ntest_now();
	QLINE(fd, "q", "q");
	QCHECK(ms_since(t0) < 150);
	set_mode(fd, 0, ICANON | ECHO, 3, 0);
	QLINE(fd, "abcd", "abcd");
	QCHECK_EQ(rd_x(fd, b, sizeof(b), _IO_XFLAG_NONBLOCK), -EAGAIN);
	QCHECK_EQ(wr_s(fd, "\r\x7f"), 2); /* raw: ICRNL still maps, no editing */
	QCHECK_EQ(dctl_get(fd, DCMD_CHR_FIONREAD), 2);
	QCHECK_BYTES(b, rd_x(fd, b, 1, 0), "\n"); /* MIN is capped by the request */
	QCHECK_BYTES(b, rd_x(fd, b, 1, 0), "\x7f");
	/* input mapping; OPOST off so that what is typed is what comes in */
	struct _dcmd_termios t = mode(0, ICANON | ECHO, 1, 0);
	t.c_oflag &= ~(uint32_t)OPOST;
	t.c_iflag = (t.c_iflag & ~(uint32_t)ICRNL) | INLCR | IGNCR;
	set_tio(fd, &t);
	QLINE(fd, "a\rb\nc", "ab\rc");
	t.c_iflag &= ~(uint32_t)(INLCR | IGNCR);
	set_tio(fd, &t);
	QLINE(fd, "a\rb\n", "a\rb\n");
	t.c_iflag |= ISTRIP;
	set_tio(fd, &t);
	QLINE(fd, "\xe1", "a");
	set_mode(fd, 0, ICANON | ECHO, 2, 1);
	t0 = ntest_now();
	QLINE(fd, "m", "m"); /* one byte, then 0.1 s of silence */
	ms = ms_since(t0);
	QCHECK(ms >= 80 && ms < 1000);
}

static volatile int sig_count[NSIG];
static volatile int writer_done;
static volatile long writer_rc;
static int thread_fd;
static const char *thread_text;
static unsigned thread_delay_ms;

static void on_sig(int signo)
{
	sig_count[signo]++;
}

/* Writes thread_text after thread_delay_ms with the job signals blocked. */
static void *writer_body(void *arg)
{
	(void)arg;
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGQUIT);
	sigaddset(&set, SIGTSTP);
	SignalProcmask_r(0, 0, SIG_BLOCK, &set, NULL);
	struct timespec ts = {0, (long)thread_delay_ms * 1000000L};
	nanosleep(&ts, NULL);
	writer_rc = wr_x(thread_fd, thread_text, strlen(thread_text), 0);
	writer_done = 1;
	ntest_thread_exit();
}

static int start_writer(int fd, const char *text, unsigned delay_ms)
{
	thread_fd = fd;
	thread_text = text;
	thread_delay_ms = delay_ms;
	writer_done = 0;
	writer_rc = 0;
	return ntest_thread(writer_body, NULL, -1, 0);
}

static int wait_done(unsigned ms)
{
	uint64_t t0 = ntest_now();
	while (!writer_done && ms_since(t0) < ms)
		sleep_ms(2);
	return writer_done;
}

static int wait_sig(int signo, int count)
{
	uint64_t t0 = ntest_now();
	while (sig_count[signo] < count && ms_since(t0) < 1000)
		sleep_ms(2);
	return sig_count[signo] >= count;
}

static void test_signals(int fd)
{
	struct sigaction sa = {.sa_handler = on_sig};
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGQUIT, &sa, NULL);
	sigaction(SIGTSTP, &sa, NULL);
	char e[256], b[16];
	set_mode(fd, ICANON | ISIG | ECHO | ECHOCTL, 0, 1, 0);
	/* our own group when the system has them, else our pid (the driver
	 * then signals the group's leader) */
	pid_t pg = setpgid(0, 0) == 0 ? getpgrp() : getpid();
	QCHECK_EQ(dctl_val(fd, DCMD_CHR_TIOCSPGRP, pg), 0);
	echocap(fd, e);
	QCHECK_EQ(wr_s(fd, "lost"), 4);
	QCHECK_EQ(drain(fd), 0);
	QCHECK_EQ(dctl_get(fd, DCMD_CHR_FIONREAD), 0); /* no line yet */
	QCHECK_EQ(wr_s(fd, "\x03"), 1);
	QCHECK(wait_sig(SIGINT, 1));
	QCHECK_EQ(wr_s(fd, "\r"), 1);
	QCHECK_EQ(dctl_get(fd, DCMD_CHR_FIONREAD), 1); /* "lost" was flushed */
	QCHECK_BYTES(b, rd_x(fd, b, sizeof(b), 0), "\n");
	QCHECK_EQ(wr_s(fd, "\x1c"), 1);
	QCHECK(wait_sig(SIGQUIT, 1));
	QCHECK_EQ(wr_s(fd, "\x1a"), 1);
	QCHECK(wait_sig(SIGTSTP, 1));
	QCHECK_EQ(drain(fd), 0);
	QCHECK_BYTES(e, echocap(fd, e), "lost^C\r\n^\\^Z");
	/* a read blocked when ^C comes fails with EINTR */
	if (QCHECK(start_writer(fd, "\x03", 100) > 0)) {
		uint64_t t0 = ntest_now();
		QCHECK_EQ(rd_x(fd, b, sizeof(b), 0), -EINTR);
		QCHECK(ms_since(t0) >= 50);
		QCHECK(wait_done(1000));
		QCHECK_EQ(sig_count[SIGINT], 2);
	}
	signal(SIGINT, SIG_DFL);
	signal(SIGQUIT, SIG_DFL);
	signal(SIGTSTP, SIG_DFL);
}

static void test_flow(int fd)
{
	char b[16];
	static char big[8192];
	set_mode(fd, 0, ICANON | ECHO | ISIG, 1, 0);
	/* ^S stops output: a write stays blocked until its bytes can go */
	QCHECK_EQ(wr_s(fd, "\x13"), 1);
	if (QCHECK(start_writer(fd, "zz", 0) > 0)) {
		sleep_ms(100);
		QCHECK(!writer_done);
		QCHECK_EQ(dctl_get(fd, DCMD_CHR_TIOCOUTQ), 2);
		QCHECK_EQ(dctl_val(fd, DCMD_CHR_TCXONC, TCION), 0); /* ^Q comes back */
		QCHECK(wait_done(1000));
		QCHECK_EQ(writer_rc, 2);
		QCHECK_BYTES(b, rd_x(fd, b, sizeof(b), 0), "zz");
	}
	/* TCOOFF: non-blocking writes fill the queue, then EAGAIN */
	memset(big, 'x', sizeof(big));
	QCHECK_EQ(dctl_val(fd, DCMD_CHR_TCXONC, TCOOFF), 0);
	long n1 = wr_x(fd, big, sizeof(big), _IO_XFLAG_NONBLOCK);
	QCHECK(n1 >= 4000 && n1 < (long)sizeof(big));
	QCHECK_EQ(wr_x(fd, big, 10, _IO_XFLAG_NONBLOCK), -EAGAIN);
	QCHECK_EQ(dctl_get(fd, DCMD_CHR_TIOCOUTQ), n1);
	QCHECK_EQ(dctl_val(fd, DCMD_CHR_TCFLSH, TCOFLUSH), 0);
	QCHECK_EQ(dctl_get(fd, DCMD_CHR_TIOCOUTQ), 0);
	QCHECK_EQ(dctl_val(fd, DCMD_CHR_TCXONC, TCOON), 0);
	QLINE(fd, "ok", "ok");
}

static void test_notify(int fd)
{
	int chid = ChannelCreate(0);
	int self = ConnectAttach(0, 0, chid, _NTO_SIDE_CHANNEL, 0);
	if (!QCHECK(chid >= 0 && self >= 0))
		return;
	set_mode(fd, ICANON, ECHO, 1, 0);
	struct sigevent ev;
	memset(&ev, 0, sizeof(ev));
	SIGEV_PULSE_INIT(&ev, self, 10, 7, 0x5e7);
	struct _io_notify m;
	memset(&m, 0, sizeof(m));
	m.type = _IO_NOTIFY;
	m.action = _NOTIFY_ACTION_POLLARM;
	m.flags = _NOTIFY_COND_INPUT | _NOTIFY_COND_OUTPUT;
	m.event = ev;
	struct _io_notify_reply r = {0, 0xdead};
	QCHECK_EQ(MsgSend(fd, &m, sizeof(m), &r, sizeof(r)), 0);
	QCHECK_EQ(r.flags, _NOTIFY_COND_OUTPUT); /* writable, nothing to read: not armed */
	m.flags = _NOTIFY_COND_INPUT;
	QCHECK_EQ(MsgSend(fd, &m, sizeof(m), &r, sizeof(r)), 0);
	QCHECK_EQ(r.flags, 0);
	QCHECK_EQ(wr_s(fd, "half"), 4); /* no line yet: no event */
	QCHECK_EQ(wr_s(fd, "\r"), 1);
	struct _pulse p;
	memset(&p, 0, sizeof(p));
	uint64_t ns = 2000 * NTEST_MS;
	struct sigevent to;
	memset(&to, 0, sizeof(to));
	SIGEV_UNBLOCK_INIT(&to);
	TimerTimeout(_NTO_CLOCK_MONOTONIC, _NTO_TIMEOUT_RECEIVE, &to, &ns, NULL);
	if (QCHECK_EQ(MsgReceivePulse(chid, &p, sizeof(p), NULL), 0))
		QCHECK_EQ(p.code, 7);
	char b[16];
	QCHECK_BYTES(b, rd_x(fd, b, sizeof(b), 0), "half\n");
	ConnectDetach(self);
	ChannelDestroy(chid);
}

/* What the kernel's console writes (polling COM1, fd 1 has no
 * connection here) comes back through the loopback without the driver
 * transmitting anything: only the receive interrupt can deliver it. */
static void test_interrupt_input(int fd)
{
	struct _dcmd_icounter c0, c1;
	set_mode(fd, ICANON, ECHO, 1, 0);
	QCHECK_EQ(dctl(fd, DCMD_CHR_TIOCGICOUNT, &c0, sizeof(c0)), 0);
	write(1, "kq\n", 3); /* the console sends "kq\r\n" */
	sleep_ms(20); /* let the interrupt come before the read makes the driver look */
	QCHECK_EQ(dctl_get(fd, DCMD_CHR_FIONREAD), 4);
	char b[16];
	uint64_t ns = 2000 * NTEST_MS;
	struct sigevent to;
	memset(&to, 0, sizeof(to));
	SIGEV_UNBLOCK_INIT(&to);
	TimerTimeout(_NTO_CLOCK_MONOTONIC, _NTO_TIMEOUT_REPLY | _NTO_TIMEOUT_SEND, &to, &ns, NULL);
	QCHECK_BYTES(b, rd_x(fd, b, sizeof(b), 0), "kq\n");
	QCHECK_BYTES(b, rd_x(fd, b, sizeof(b), 0), "\n");
	QCHECK_EQ(dctl(fd, DCMD_CHR_TIOCGICOUNT, &c1, sizeof(c1)), 0);
	QCHECK(c1.reserved[0] > c0.reserved[0]);
	QCHECK_EQ(c1.rx - c0.rx, 4);
	QCHECK_EQ(c1.tx, c0.tx);
}

/* read, write and poll through the POSIX calls, looped back */
static void test_posix_loop(int dfd)
{
	set_mode(dfd, ICANON, ECHO, 1, 0);
	int fd = open("/dev/ser1", O_RDWR | O_NOCTTY);
	if (!QCHECK(fd >= 0))
		return;
	struct pollfd p = {.fd = fd, .events = POLLIN};
	QCHECK_EQ(poll(&p, 1, 0), 0);
	QCHECK_EQ(write(fd, "posix\r", 6), 6);
	p.revents = 0;
	QCHECK_EQ(poll(&p, 1, 1000), 1);
	QCHECK_EQ(p.revents, POLLIN);
	char b[16];
	QCHECK_BYTES(b, read(fd, b, sizeof(b)), "posix\n");
	QCHECK_EQ(close(fd), 0);
}

static void test_loopback(int fd, const struct _dcmd_termios *orig)
{
	base = *orig;
	base.c_lflag &= ~(uint32_t)(ECHO | ECHOE | ECHOK | ECHOKE | ECHOCTL | ECHONL);
	CHECK_EQ(drain(fd), 0);
	CHECK_EQ(tc_set(fd, DCMD_CHR_TCSETSF, &base), 0);
	if (!CHECK_EQ(dctl_val(fd, DCMD_SER_LOOPBACK, 1), 0))
		return;
	/* quiet from here until the loopback is off */
	test_canonical(fd);
	test_echo(fd);
	test_raw(fd);
	test_signals(fd);
	test_flow(fd);
	test_notify(fd);
	test_interrupt_input(fd);
	if (!path_errno)
		test_posix_loop(fd);
	QCHECK_EQ(drain(fd), 0);
	int off = dctl_val(fd, DCMD_SER_LOOPBACK, 0);
	CHECK_EQ(off, 0);
	qreport();
	CHECK_EQ(tc_set(fd, DCMD_CHR_TCSETSF, orig), 0);
	ntest_info("loopback: %d recorded check(s) failed", nqfail);
}

int main(void)
{
	ntest_start("serial");
	struct stat st;
	int ok = 0;
	if (stat(names[SER_NAME_SER], &st) == 0) {
		ntest_info("using the devc-ser8250 that serves %s", names[SER_NAME_SER]);
	} else {
		own_driver = true;
		ok = start_driver();
	}
	if (ok == 0) {
		int fd = open_name(SER_NAME_SER, O_RDWR);
		if (CHECK(fd >= 0)) {
			struct _dcmd_termios orig;
			memset(&orig, 0, sizeof(orig));
			test_device(fd, &orig);
			test_output(fd);
			if (!path_errno) {
				test_posix();
				test_second_instance();
			}
			test_loopback(fd, &orig);
			CHECK_EQ(close_name(fd), 0);
		}
		if (own_driver)
			stop_driver();
	}
	ntest_done();
}
