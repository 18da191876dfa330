/*
 * rsm_client: a client of rsm_server that dies holding resources, started
 * by t_resmgr as
 *   rsm_client <server pid> <server chid> <null id> <pipe id>
 * It opens null twice, dups one of them, opens the pipe and leaves a
 * second thread blocked reading it (the server holds its rcvid), then
 * exits without closing anything: the server must clean up on the
 * disconnect pulse. Exit status 0 when every step worked, else the step.
 */
#include "ntest.h"
#include "rsmio.h"

static int pipe_fd;

static void *reader(void *arg)
{
	(void)arg;
	char buf[8];
	io_read_r(pipe_fd, buf, sizeof(buf));
	ntest_thread_exit();
}

int main(int argc, char **argv)
{
	if (argc != 5)
		return 2;
	int pid = atoi(argv[1]), chid = atoi(argv[2]);
	int null_id = atoi(argv[3]), pipe_id = atoi(argv[4]);
	int a = io_open_direct(pid, chid, null_id, O_RDWR);
	if (a < 0)
		return 3;
	if (io_dup(a) < 0)
		return 4;
	if (io_open_direct(pid, chid, null_id, O_RDONLY) < 0)
		return 5;
	pipe_fd = io_open_direct(pid, chid, pipe_id, O_RDWR);
	if (pipe_fd < 0)
		return 6;
	if (ntest_thread(reader, NULL, SCHED_FIFO, 20) < 0)
		return 7;
	struct timespec ts = {0, 100 * 1000000L};
	nanosleep(&ts, NULL);
	return 0; /* dies with 4 bindings, 3 OCBs and a blocked reader */
}
