/*
 * posix_tty: the terminal calls that need no terminal: isatty, tcgetattr,
 * tcgetpgrp, ttyname_r and the TIOCGWINSZ ioctl on a pipe, a regular file
 * and /dev/null (0 or -1 with ENOTTY), on a closed descriptor (EBADF), and
 * /dev/tty in a new session without a controlling terminal (ENXIO; skipped
 * where no driver serves /dev/tty, as in the QEMU test image). The
 * terminal behaviour itself is covered by the system scenarios. Built
 * once, run on the Linux host and in QEMU (ptest.h).
 */
#include "ptest.h"

#include <sys/ioctl.h>
#include <termios.h>

static void not_a_tty(int fd, const char *what)
{
	struct termios t;
	struct winsize ws;
	char name[64];
	errno = 0;
	if (!CHECK_EQ(isatty(fd), 0) || !CHECK_EQ(errno, ENOTTY))
		ptest_info("isatty on %s", what);
	CHECK_ERR(tcgetattr(fd, &t), ENOTTY);
	CHECK_ERR(tcgetpgrp(fd), ENOTTY);
	CHECK_ERR(ioctl(fd, TIOCGWINSZ, &ws), ENOTTY);
	CHECK_EQ(ttyname_r(fd, name, sizeof(name)), ENOTTY);
	t.c_lflag = 0;
	CHECK_ERR(tcsetattr(fd, TCSANOW, &t), ENOTTY);
}

static void new_session(void *arg)
{
	(void)arg;
	struct stat st;
	CHECK(setsid() > 0);
	if (stat("/dev/tty", &st) != 0) { /* the test image has no terminal driver */
		ptest_info("no /dev/tty here: its check is skipped");
		return;
	}
	CHECK_ERR(open("/dev/tty", O_RDWR), ENXIO);
}

int main(void)
{
	ptest_start("tty");
	int p[2];
	if (CHECK_EQ(pipe(p), 0)) {
		not_a_tty(p[0], "a pipe's read end");
		not_a_tty(p[1], "a pipe's write end");
		close(p[0]);
		close(p[1]);
	}
	int fd = open("file", O_CREAT | O_RDWR, 0644);
	if (CHECK(fd >= 0)) {
		not_a_tty(fd, "a regular file");
		close(fd);
	}
	fd = open("/dev/null", O_RDWR);
	if (CHECK(fd >= 0)) {
		not_a_tty(fd, "/dev/null");
		close(fd);
	}
	errno = 0;
	CHECK(isatty(fd) == 0 && errno == EBADF);
	CHECK_ERR(tcgetattr(fd, &(struct termios){0}), EBADF);
	ptest_in_child(new_session, NULL, "/dev/tty without a controlling terminal");
	ptest_done();
}
