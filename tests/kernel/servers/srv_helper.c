/*
 * srv_helper: a second process for the server tests, started with
 * ImageSpawn:
 *   srv_helper pipe-wend <n>   opens /dev/pipe/<n> for writing; exits 0 if
 *                              that worked, else with the errno
 *   srv_helper pipe-hold       makes two pipes, writes into the first, dups
 *                              its ends, then blocks reading the empty
 *                              second one until killed
 *   srv_helper tmp-hold <path> opens <path> (a file), prints nothing and
 *                              blocks until killed
 *   srv_helper fifo-read <path> opens the FIFO <path> for reading (waiting
 *                              for a writer), reads to end of file and
 *                              exits with the byte count (mod 256)
 */
#include "srvio.h"

#include <stdlib.h>
#include <sys/stat.h>

static int make_pipe(int *r, int *w)
{
	*r = sio_open("/dev/pipe", O_RDONLY, 0);
	if (*r < 0)
		return *r;
	struct _io_stat st;
	int e = sio_fstat(*r, &st);
	if (e < 0)
		return e;
	char path[40];
	snprintf(path, sizeof(path), "/dev/pipe/%llu", (unsigned long long)st.st_ino);
	*w = sio_open(path, O_WRONLY, 0);
	return *w < 0 ? *w : 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "pipe-wend")) {
		char path[64];
		snprintf(path, sizeof(path), "/dev/pipe/%s", argv[2]);
		int fd = sio_open(path, O_WRONLY, 0);
		return fd < 0 ? -fd : 0;
	}
	if (argc == 2 && !strcmp(argv[1], "pipe-hold")) {
		int r1, w1, r2, w2;
		if (make_pipe(&r1, &w1) || make_pipe(&r2, &w2))
			return 1;
		if (sio_write(w1, "held", 4) != 4 || sio_dup(r1) < 0 || sio_dup(w1) < 0)
			return 2;
		char c;
		sio_read(r2, &c, 1); /* blocks: w2 is open and nothing comes */
		return 3;
	}
	if (argc == 3 && !strcmp(argv[1], "tmp-hold")) {
		int fd = sio_open(argv[2], O_RDONLY, 0);
		if (fd < 0)
			return 1;
		for (;;)
			pause();
	}
	if (argc == 3 && !strcmp(argv[1], "fifo-read")) {
		int fd = sio_open(argv[2], O_RDONLY, 0);
		if (fd < 0)
			return 255;
		char buf[256];
		long n, total = 0;
		while ((n = sio_read(fd, buf, sizeof(buf))) > 0)
			total += n;
		return n < 0 ? 254 : (int)(total & 0xff);
	}
	return 100;
}
