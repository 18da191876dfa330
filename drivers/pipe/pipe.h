/*
 * The pipe object: a 64 KiB ring buffer with POSIX pipe semantics, its
 * blocked readers and writers (deferred replies) and its poll lists. Used
 * by the pipe server (main.c: anonymous pipes under /dev/pipe) and meant
 * for FIFOs in file systems. The caller owns the attribute structure the
 * pipe counts its readers and writers in (rcount / wcount: one per OCB
 * open for reading / writing, dups included) and calls the handlers below
 * from its own I/O handlers. Single-threaded: the server loop only.
 *
 * Semantics:
 *  - read: returns what is buffered (up to the request) at once; with
 *    nothing buffered, 0 (end of file) when no writer is left, EAGAIN when
 *    non-blocking, else the reply is deferred until data or the last
 *    writer's close. A signal (unblock pulse) ends a blocked read: EINTR.
 *  - write: no reader left: EPIPE (the client's POSIX layer raises
 *    SIGPIPE). Up to PIPE_BUF bytes are atomic: all at once or, blocking,
 *    later all at once; non-blocking EAGAIN. Longer writes take what fits
 *    and, blocking, wait for the rest; non-blocking they return the part
 *    that fit (EAGAIN if none). A blocked writer interrupted by a signal
 *    gets the count written so far, or EINTR if none. Writers are served
 *    in arrival order.
 *  - poll: input when data is buffered or no writer is left; output when
 *    PIPE_BUF bytes are free or no reader is left; the reply also carries
 *    PIPE_COND_HUP (read end) or PIPE_COND_ERR (write end) when the other
 *    end has gone.
 */
#pragma once
#include <stdbool.h>
#include <stddef.h>

#include <sys/iofunc.h>

#define PIPE_CAPACITY (64 * 1024)
#define PIPE_ATOMIC 4096 /* PIPE_BUF */
#define PIPE_FIONREAD 0x541B /* Linux FIONREAD as a devctl command: reply data is an int */

/*
 * Added to an _IO_NOTIFY reply's flags when the other end is gone: a read
 * end with no writer left reports hang-up (POLLHUP), a write end with no
 * reader left an error (POLLERR), as Linux does. The QNX extended
 * condition bits that posix's poll decodes (posix/fd/poll.c).
 */
#ifndef _NOTIFY_CONDE_ERR
#define _NOTIFY_CONDE_ERR 0x00000020u
#endif
#ifndef _NOTIFY_CONDE_HUP
#define _NOTIFY_CONDE_HUP 0x00000040u
#endif
#define PIPE_COND_ERR (_NOTIFY_COND_EXTEN | _NOTIFY_CONDE_ERR)
#define PIPE_COND_HUP (_NOTIFY_COND_EXTEN | _NOTIFY_CONDE_HUP)

struct pipe_req;

struct pipe {
	iofunc_attr_t *attr;      /* rcount / wcount: the ends open */
	unsigned char *buf;       /* PIPE_CAPACITY bytes */
	size_t head, len;         /* ring: first byte, bytes buffered */
	struct pipe_req *readers; /* blocked reads, oldest first */
	struct pipe_req *writers; /* blocked writes, oldest first */
	iofunc_notify_t notify[3];
};

/* Sets up p for attr (counts read there). 0 or ENOMEM. */
int pipe_init(struct pipe *p, iofunc_attr_t *attr);
/* Frees the buffer and anything still armed; no request may be pending
 * (call after the last OCB's pipe_close_ocb). */
void pipe_fini(struct pipe *p);

/* The handlers, called with the OCB's pipe. */
int pipe_read(resmgr_context_t *ctp, io_read_t *msg, iofunc_ocb_t *ocb, struct pipe *p);
int pipe_write(resmgr_context_t *ctp, io_write_t *msg, iofunc_ocb_t *ocb, struct pipe *p);
int pipe_unblock(resmgr_context_t *ctp, io_pulse_t *msg, iofunc_ocb_t *ocb, struct pipe *p);
int pipe_notify(resmgr_context_t *ctp, io_notify_t *msg, iofunc_ocb_t *ocb, struct pipe *p);
/* FIONREAD; the generic commands (F_GETFL / F_SETFL) otherwise. */
int pipe_devctl(resmgr_context_t *ctp, io_devctl_t *msg, iofunc_ocb_t *ocb, struct pipe *p);
/* Drops the closing connection's poll armings. */
int pipe_close_dup(resmgr_context_t *ctp, io_close_t *msg, iofunc_ocb_t *ocb, struct pipe *p);
/*
 * The OCB's last binding went: fails its pending requests (EBADF),
 * uncounts it (iofunc_ocb_detach), wakes the other end when this was its
 * last reader or writer, and frees the OCB. Returns the attribute's
 * remaining open count (0: nobody has the pipe open any more).
 */
unsigned pipe_close_ocb(resmgr_context_t *ctp, iofunc_ocb_t *ocb, struct pipe *p);
