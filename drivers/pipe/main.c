/*
 * pipe: the anonymous-pipe server, attached at /dev/pipe (with
 * _RESMGR_FLAG_DIR so that /dev/pipe/<n> reaches it). Usage: pipe [-v].
 *
 * Protocol (what posix's pipe2() does):
 *  1. open("/dev/pipe", O_RDONLY | flags), an _IO_CONNECT_OPEN of "" with
 *     access exactly read, creates a pipe and returns its read end; fstat
 *     gives its number n as st_ino (S_IFIFO 0600, owner = the creator).
 *  2. open("/dev/pipe/<n>", O_WRONLY | flags) by the same process returns
 *     the write end. It is refused with EACCES when the opener is not the
 *     creating process, the write end was opened before (the pipe is no
 *     longer anonymous), or the access is not exactly write; ENOENT when
 *     no pipe n exists.
 * Any other open of "/dev/pipe" (O_DIRECTORY, a trailing slash, write
 * access, the combine subtypes of stat()) opens the directory, whose
 * listing names the live pipes (DT_FIFO); a combine open of
 * "/dev/pipe/<n>" (stat) gives an OCB that can neither read nor write.
 * Both ends closed (dups, inherited fds and all): the pipe is freed.
 * Semantics of reads, writes, poll and FIONREAD: pipe.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include <dirent.h>

#include <sys/iofunc.h>
#include <sys/dispatch.h>
#include <sys/resmgr_ext.h>

#include "pipe.h"

#define HASH_BUCKETS 256u
#define DIR_INO 1
#define FIRST_PIPE 2

struct pnode {
	iofunc_attr_t attr; /* first: OCBs point here; inode = the pipe's number */
	struct pipe pipe;
	pid_t creator;
	bool anonymous;             /* the write end was never opened */
	struct pnode *prev, *next;  /* all pipes, by number */
	struct pnode *hnext;        /* hash chain */
};

static struct pnode *first, *last;
static struct pnode *buckets[HASH_BUCKETS];
static uint64_t next_id = FIRST_PIPE;
static iofunc_mount_t mount;
static iofunc_attr_t dir_attr;
static resmgr_io_funcs_t pipe_io, dir_io;
static int verbose;

static struct pnode *pnode_find(uint64_t id)
{
	for (struct pnode *p = buckets[id % HASH_BUCKETS]; p; p = p->hnext)
		if (p->attr.inode == id)
			return p;
	return NULL;
}

static void pnode_insert(struct pnode *p)
{
	p->prev = last;
	p->next = NULL;
	if (last)
		last->next = p;
	else
		first = p;
	last = p;
	struct pnode **b = &buckets[p->attr.inode % HASH_BUCKETS];
	p->hnext = *b;
	*b = p;
}

static void pnode_destroy(struct pnode *p)
{
	if (p->prev)
		p->prev->next = p->next;
	else
		first = p->next;
	if (p->next)
		p->next->prev = p->prev;
	else
		last = p->prev;
	for (struct pnode **b = &buckets[p->attr.inode % HASH_BUCKETS]; *b; b = &(*b)->hnext) {
		if (*b == p) {
			*b = p->hnext;
			break;
		}
	}
	if (verbose > 1)
		printf("pipe: pipe %llu freed\n", (unsigned long long)p->attr.inode);
	pipe_fini(&p->pipe);
	free(p);
}

/* The I/O handlers of a pipe end: the pipe object does the work. */
static struct pipe *pipe_of(iofunc_ocb_t *ocb)
{
	return &((struct pnode *)ocb->attr)->pipe;
}

static int io_read(resmgr_context_t *ctp, io_read_t *msg, iofunc_ocb_t *ocb)
{
	return pipe_read(ctp, msg, ocb, pipe_of(ocb));
}

static int io_write(resmgr_context_t *ctp, io_write_t *msg, iofunc_ocb_t *ocb)
{
	return pipe_write(ctp, msg, ocb, pipe_of(ocb));
}

static int io_unblock(resmgr_context_t *ctp, io_pulse_t *msg, iofunc_ocb_t *ocb)
{
	return pipe_unblock(ctp, msg, ocb, pipe_of(ocb));
}

static int io_notify(resmgr_context_t *ctp, io_notify_t *msg, iofunc_ocb_t *ocb)
{
	return pipe_notify(ctp, msg, ocb, pipe_of(ocb));
}

static int io_devctl(resmgr_context_t *ctp, io_devctl_t *msg, iofunc_ocb_t *ocb)
{
	return pipe_devctl(ctp, msg, ocb, pipe_of(ocb));
}

static int io_close_dup(resmgr_context_t *ctp, io_close_t *msg, iofunc_ocb_t *ocb)
{
	return pipe_close_dup(ctp, msg, ocb, pipe_of(ocb));
}

static int io_close_ocb(resmgr_context_t *ctp, void *reserved, iofunc_ocb_t *ocb)
{
	struct pnode *p = (struct pnode *)ocb->attr;
	if (pipe_close_ocb(ctp, ocb, &p->pipe) == 0)
		pnode_destroy(p);
	return EOK;
}

static int io_lseek(resmgr_context_t *ctp, io_lseek_t *msg, iofunc_ocb_t *ocb)
{
	return ESPIPE;
}

/* The directory: ".", "..", then one DT_FIFO entry per live pipe. The
 * position is 0 (".") , 1 (".."), or n: the first pipe numbered n or more. */
static int dir_read(resmgr_context_t *ctp, io_read_t *msg, iofunc_ocb_t *ocb)
{
	static char buf[4096];
	int r = iofunc_read_verify(ctp, msg, ocb, NULL);
	if (r)
		return r;
	if ((msg->i.xtype & _IO_XTYPE_MASK) != _IO_XTYPE_NONE)
		return EINVAL;
	size_t room = (size_t)msg->i.nbytes < sizeof(buf) ? (size_t)msg->i.nbytes : sizeof(buf);
	size_t used = 0, k;
	int64_t pos = ocb->offset;
	bool more = false; /* a record did not fit */
	while (pos < FIRST_PIPE && !more) {
		const char *name = pos == 0 ? "." : "..";
		k = resmgr_dirent_put(buf + used, room - used, DIR_INO, pos + 1, DT_DIR, name,
				      strlen(name));
		more = !k;
		used += k;
		pos += !more;
	}
	for (struct pnode *p = first; p && !more; p = p->next) {
		if ((int64_t)p->attr.inode < pos)
			continue;
		char name[24];
		int len = snprintf(name, sizeof(name), "%llu", (unsigned long long)p->attr.inode);
		k = resmgr_dirent_put(buf + used, room - used, p->attr.inode,
				      (int64_t)p->attr.inode + 1, DT_FIFO, name, (size_t)len);
		more = !k;
		used += k;
		if (!more)
			pos = (int64_t)p->attr.inode + 1;
	}
	if (!used && more)
		return EINVAL; /* not even one record fits */
	ocb->offset = pos;
	_IO_SET_READ_NBYTES(ctp, used);
	return _RESMGR_PTR(ctp, buf, used);
}

/* "123" -> 123; 0 for anything that is not a pipe name. */
static uint64_t parse_id(const char *s)
{
	uint64_t v = 0;
	if (*s < '1' || *s > '9')
		return 0;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > UINT64_MAX / 20)
			return 0;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	return v;
}

static int pipe_create(resmgr_context_t *ctp, io_open_t *msg)
{
	struct _client_info info;
	int r = iofunc_client_info(ctp, 0, &info);
	if (r)
		return r;
	struct pnode *p = calloc(1, sizeof(*p));
	if (!p)
		return ENOMEM;
	iofunc_attr_init(&p->attr, S_IFIFO | 0600, NULL, &info);
	p->attr.mount = &mount;
	p->attr.inode = next_id;
	p->creator = ctp->info.pid;
	p->anonymous = true;
	if ((r = pipe_init(&p->pipe, &p->attr)) ||
	    (r = iofunc_ocb_attach(ctp, msg, NULL, &p->attr, &pipe_io))) {
		pipe_fini(&p->pipe);
		free(p);
		return r;
	}
	next_id++;
	pnode_insert(p);
	if (verbose > 1)
		printf("pipe: pipe %llu created by pid %d\n", (unsigned long long)p->attr.inode,
		       ctp->info.pid);
	return EOK;
}

static int connect_open(resmgr_context_t *ctp, io_open_t *msg, iofunc_attr_t *attr, void *extra)
{
	struct _io_connect *c = &msg->connect;
	uint32_t access = c->ioflag & _IO_FLAG_MASK;
	bool dir = (c->ioflag & O_DIRECTORY) || (c->eflag & _IO_CONNECT_EFLAG_DIR);
	if (!c->path[0]) {
		if (c->subtype == _IO_CONNECT_OPEN && access == _IO_FLAG_RD && !dir)
			return pipe_create(ctp, msg);
		if (access & _IO_FLAG_WR)
			return EISDIR;
		return iofunc_ocb_attach(ctp, msg, NULL, &dir_attr, &dir_io);
	}
	struct pnode *p = pnode_find(parse_id(c->path));
	if (!p)
		return ENOENT;
	if (dir)
		return ENOTDIR;
	if (c->subtype != _IO_CONNECT_OPEN) {
		c->ioflag &= ~(uint32_t)_IO_FLAG_MASK; /* stat() and the like: no data access */
		return iofunc_ocb_attach(ctp, msg, NULL, &p->attr, &pipe_io);
	}
	if (access != _IO_FLAG_WR || !p->anonymous || ctp->info.pid != p->creator)
		return EACCES;
	int r = iofunc_ocb_attach(ctp, msg, NULL, &p->attr, &pipe_io);
	if (r == EOK)
		p->anonymous = false;
	return r;
}

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-v")) {
			verbose++;
		} else {
			fprintf(stderr, "usage: pipe [-v]\n");
			return 2;
		}
	}
	dispatch_t *dpp = dispatch_create();
	if (!dpp) {
		perror("pipe: dispatch_create");
		return 1;
	}
	static resmgr_connect_funcs_t connect_funcs;
	iofunc_func_init(_RESMGR_CONNECT_NFUNCS, &connect_funcs, _RESMGR_IO_NFUNCS, &pipe_io);
	connect_funcs.open = connect_open;
	dir_io = pipe_io;
	dir_io.read = dir_read;
	pipe_io.read = io_read;
	pipe_io.write = io_write;
	pipe_io.unblock = io_unblock;
	pipe_io.notify = io_notify;
	pipe_io.devctl = io_devctl;
	pipe_io.close_dup = io_close_dup;
	pipe_io.close_ocb = io_close_ocb;
	pipe_io.lseek = io_lseek;

	mount.dev = makedev(0, (unsigned)getpid());
	mount.blocksize = PIPE_ATOMIC;
	iofunc_attr_init(&dir_attr, S_IFDIR | 0555, NULL, NULL);
	dir_attr.mount = &mount;
	dir_attr.inode = DIR_INO;
	resmgr_attr_t rattr = {.nparts_max = 2};
	if (resmgr_attach(dpp, &rattr, "/dev/pipe", _FTYPE_ANY, _RESMGR_FLAG_DIR, &connect_funcs,
			  &dir_io, &dir_attr) == -1) {
		fprintf(stderr, "pipe: resmgr_attach /dev/pipe: %s\n", strerror(errno));
		return 1;
	}
	if (verbose)
		printf("pipe: serving /dev/pipe\n");
	dispatch_context_t *ctp = dispatch_context_alloc(dpp);
	if (!ctp) {
		perror("pipe: dispatch_context_alloc");
		return 1;
	}
	for (;;) {
		if (dispatch_block(ctp)) {
			dispatch_handler(ctp);
		} else if (errno != EINTR) {
			perror("pipe: dispatch_block");
			return 1;
		}
	}
}
