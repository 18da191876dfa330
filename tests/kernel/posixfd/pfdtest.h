/*
 * Shared set-up of the posix fd tests (t_posixfd, t_fdpoll): starting and
 * stopping pfd_server (and the pipe server when the image has it), and
 * pointing fds 0-2 at the server's console relay so that the tests' own
 * opens never take the fds their output goes to. Included once per test.
 */
#pragma once
#include "ntest.h"
#include "pfd.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <time.h>

static void sleep_ms(unsigned ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) != 0)
		;
}

/* Waits up to 2 s for path to exist. */
static int wait_path(const char *path)
{
	struct stat st;
	for (int i = 0; i < 200; i++) {
		if (stat(path, &st) == 0)
			return 1;
		sleep_ms(10);
	}
	return 0;
}

/* Starts boot-image program name and waits for path; its pid or -1. */
static int start_server(const char *name, const char *path)
{
	char *argv[] = {(char *)name, NULL};
	char *envp[] = {NULL};
	struct _image_spawn_attr attr = {.priority = 0, .policy = -1};
	int pid = ImageSpawn(name, argv, envp, &attr);
	if (!CHECK(pid > 0))
		return -1;
	if (!CHECK(wait_path(path))) {
		kill(pid, SIGKILL);
		ProcWait(pid, NULL, 0);
		return -1;
	}
	return pid;
}

static void stop_server(int pid)
{
	if (pid <= 0)
		return;
	CHECK_EQ(kill(pid, SIGKILL), 0);
	int st = 0;
	CHECK_EQ(ProcWait(pid, &st, 0), pid);
}

/* fds 0, 1 and 2 on the console relay (1 and 2 print through it). */
static int console_on(void)
{
	int fd = open(PFD_CONS, O_RDWR);
	if (fd != 0)
		return 0; /* nothing printed: no CHECK possible before this works */
	return dup2(0, 1) == 1 && dup2(0, 2) == 2;
}

/* Back to the kernel console (before the relay's server goes). */
static void console_off(void)
{
	close(2);
	close(1);
	close(0);
}
