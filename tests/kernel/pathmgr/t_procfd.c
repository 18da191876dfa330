/*
 * t_procfd: procnto's /proc/<pid>/fd (procnto/fs/procfd.c) through libc,
 * as `ls /proc/$$/fd` reads it:
 *  - it lists exactly the open fds (the directory's own included), each an
 *    lstat-able symlink (mode 0700), gone once closed;
 *  - another process's links name the server ("procnto:[1.1]" for a
 *    /proc/boot file); a number that is not an fd is ENOENT;
 *  - the directory is 0500 and the process's: another user gets EACCES;
 *  - /proc/<pid> lists status and fd.
 */
#include "ntest.h"

#include <dirent.h>
#include <stdbool.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <signal.h>
#include <time.h>

#define MYNAME "t_procfd"
#define MAXFD 128

/* The fd numbers /proc/<pid>/fd lists (with the directory's own fd in *dir_fd). */
static int list_fds(pid_t pid, bool seen[MAXFD], int *dir_fd)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/fd", pid);
	DIR *d = opendir(path);
	if (!d)
		return -errno;
	*dir_fd = dirfd(d);
	memset(seen, 0, MAXFD);
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		int fd = atoi(e->d_name);
		if (fd >= 0 && fd < MAXFD && e->d_type == DT_LNK)
			seen[fd] = true;
		n++;
	}
	closedir(d);
	return n;
}

static void test_fd_self(void)
{
	int a = open("/proc/boot/" MYNAME, O_RDONLY);
	int b = dup2(a, 40);
	CHECK(a >= 0 && b == 40);
	bool seen[MAXFD];
	int dfd = -1;
	int n = list_fds(getpid(), seen, &dfd);
	int open_fds = 0, bad = 0;
	for (int fd = 0; fd < MAXFD; fd++) {
		bool is_open = fcntl(fd, F_GETFD) >= 0 || fd == dfd;
		open_fds += is_open;
		if (is_open != seen[fd] && !bad++)
			ntest_info("fd %d: open %d, listed %d", fd, is_open, seen[fd]);
	}
	CHECK_EQ(bad, 0);
	CHECK_EQ(n, open_fds);
	CHECK(seen[a] && seen[40] && dfd >= 0 && seen[dfd]);

	char path[64];
	struct stat st;
	snprintf(path, sizeof(path), "/proc/%d/fd/40", getpid());
	if (CHECK_EQ(lstat(path, &st), 0))
		CHECK_EQ(st.st_mode, S_IFLNK | 0700);
	close(b);
	CHECK_ERR(lstat(path, &st), ENOENT);
	close(a);

	DIR *d = opendir("/proc/self");
	int names = 0;
	struct dirent *e;
	while (d && (e = readdir(d)))
		names += !strcmp(e->d_name, "status") + (!strcmp(e->d_name, "fd") && e->d_type == DT_DIR);
	if (d)
		closedir(d);
	CHECK_EQ(names, 2);
}

/* Another process's fds: its links name the servers; other users are refused. */
static void test_fd_other(void)
{
	pid_t pid = fork();
	if (pid == 0) {
		int f = open("/proc/boot/" MYNAME, O_RDONLY);
		if (f < 0 || dup2(f, 77) != 77)
			_exit(1);
		for (;;)
			pause(); /* until the parent has looked and kills it */
	}
	CHECK(pid > 0);
	bool seen[MAXFD] = {false};
	int dfd;
	for (int i = 0; i < 2000 && !seen[77]; i++) {
		struct timespec ts = {0, 1000000};
		nanosleep(&ts, NULL);
		list_fds(pid, seen, &dfd);
	}
	CHECK(seen[77]);
	char path[64], buf[128];
	snprintf(path, sizeof(path), "/proc/%d/fd/77", pid);
	ssize_t n = readlink(path, buf, sizeof(buf) - 1);
	if (CHECK(n > 0)) {
		buf[n] = '\0';
		if (!CHECK(strncmp(buf, "procnto:[1.", 11) == 0))
			ntest_info("readlink %s: %s", path, buf);
	}
	snprintf(path, sizeof(path), "/proc/%d/fd/78", pid);
	CHECK_ERR(readlink(path, buf, sizeof(buf)), ENOENT);
	CHECK_EQ(kill(pid, SIGKILL), 0);
	int st;
	CHECK_EQ(waitpid(pid, &st, 0), pid);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);

	pid_t parent = getpid();
	pid = fork();
	if (pid == 0) {
		if (setuid(1000) != 0)
			_exit(1);
		snprintf(path, sizeof(path), "/proc/%d/fd", parent);
		DIR *d = opendir(path);
		_exit(d ? 2 : errno == EACCES ? 0 : 3);
	}
	CHECK_EQ(waitpid(pid, &st, 0), pid);
	if (!CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0))
		ntest_info("another user's opendir of /proc/<pid>/fd: status %#x", st);
}

int main(void)
{
	ntest_start("procfd");
	test_fd_self();
	test_fd_other();
	ntest_done();
}
