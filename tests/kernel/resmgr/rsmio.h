/*
 * rsmio: a tiny client side of the I/O message protocol for the resmgr
 * tests, built by hand on the native message calls (what the posix/ fd
 * layer will do for real). Connections are made in the fd space from 3 up.
 * Functions return -1 with errno on failure like the POSIX calls; the _r
 * forms return -errno and are thread-safe. Header only.
 */
#pragma once
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/iomsg.h>
#include <sys/neutrino.h>
#include <unistd.h>

/* Connects to (pid, chid) and opens attachment handle with oflag (O_*). */
static inline int io_open_direct(int pid, int chid, int handle, unsigned oflag)
{
	int fd = ConnectAttach(0, pid, chid, 3, 0);
	if (fd < 0)
		return -1;
	struct {
		struct _io_connect c;
		char path[8];
	} m;
	memset(&m, 0, sizeof(m));
	m.c.type = _IO_CONNECT;
	m.c.subtype = _IO_CONNECT_OPEN;
	m.c.file_type = _FTYPE_ANY;
	m.c.entry_max = 16;
	m.c.handle = (uint32_t)handle;
	m.c.ioflag = _IO_OFLAG_TO_IOFLAG(oflag);
	m.c.path_len = 1; /* "": the attachment itself */
	if (MsgSend(fd, &m, sizeof(m.c) + 1, NULL, 0) == -1) {
		int e = errno;
		ConnectDetach(fd);
		errno = e;
		return -1;
	}
	return fd;
}

static inline long io_read_r(int fd, void *buf, size_t n)
{
	struct _io_read h = {.type = _IO_READ, .nbytes = (int32_t)n, .xtype = _IO_XTYPE_NONE};
	return MsgSend_r(fd, &h, sizeof(h), buf, n);
}

static inline long io_read(int fd, void *buf, size_t n)
{
	long r = io_read_r(fd, buf, n);
	return r < 0 ? (errno = (int)-r, -1) : r;
}

static inline long io_write(int fd, const void *buf, size_t n)
{
	struct _io_write h = {.type = _IO_WRITE, .nbytes = (int32_t)n, .xtype = _IO_XTYPE_NONE};
	iov_t iov[2];
	SETIOV(&iov[0], &h, sizeof(h));
	SETIOV(&iov[1], buf, n);
	return MsgSendv(fd, iov, 2, NULL, 0);
}

static inline int io_fstat(int fd, struct _io_stat *st)
{
	struct _io_stat_req r = {.type = _IO_STAT};
	return MsgSend(fd, &r, sizeof(r), st, sizeof(*st)) == -1 ? -1 : 0;
}

static inline int64_t io_lseek(int fd, int64_t off, int whence)
{
	struct _io_lseek m = {.type = _IO_LSEEK, .whence = (int16_t)whence, .offset = off};
	uint64_t pos;
	if (MsgSend(fd, &m, sizeof(m), &pos, sizeof(pos)) == -1)
		return -1;
	return (int64_t)pos;
}

/* dup(): a new connection to the same channel bound to fd's OCB. */
static inline int io_dup(int fd)
{
	struct _server_info si;
	if (ConnectServerInfo(0, fd, &si) != fd) {
		errno = EBADF;
		return -1;
	}
	int nfd = ConnectAttach(0, si.pid, si.chid, 3, 0);
	if (nfd < 0)
		return -1;
	struct _io_dup m;
	memset(&m, 0, sizeof(m));
	m.type = _IO_DUP;
	m.info.pid = getpid();
	m.info.coid = fd;
	m.info.scoid = si.scoid;
	if (MsgSend(nfd, &m, sizeof(m), NULL, 0) == -1) {
		int e = errno;
		ConnectDetach(nfd);
		errno = e;
		return -1;
	}
	return nfd;
}

/* _IO_CLOSE without detaching the connection. */
static inline int io_close_msg(int fd)
{
	struct _io_close m = {.type = _IO_CLOSE};
	return MsgSend(fd, &m, sizeof(m), NULL, 0) == -1 ? -1 : 0;
}

static inline int io_close(int fd)
{
	int r = io_close_msg(fd);
	int e = errno;
	ConnectDetach(fd);
	errno = e;
	return r;
}

/* devctl: data of n bytes goes out and comes back; *ret_val the server's. */
static inline int io_devctl(int fd, int dcmd, void *data, size_t n, int *ret_val)
{
	struct _io_devctl h = {.type = _IO_DEVCTL, .dcmd = dcmd, .nbytes = (int32_t)n};
	struct _io_devctl_reply rh;
	iov_t s[2], r[2];
	SETIOV(&s[0], &h, sizeof(h));
	SETIOV(&s[1], data, n);
	SETIOV(&r[0], &rh, sizeof(rh));
	SETIOV(&r[1], data, n);
	if (MsgSendv(fd, s, 2, r, 2) == -1)
		return -1;
	if (ret_val)
		*ret_val = rh.ret_val;
	return 0;
}
