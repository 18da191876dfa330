/*
 * /proc/<pid>/fd: a directory (mode 0500, owned by the process) with one
 * symlink per connection in the process's fd space (each fd is one, see
 * HELPERS-BRIEF-4 point 3), found by walking ConnectServerInfo. procnto
 * does not know the path an fd was opened by (the client's posix layer
 * answers readlink of its own /proc/self/fd/<n> with it): the link text
 * names the server instead, "<server name>:[<pid>.<chid>]", as Linux names
 * pipes and sockets "pipe:[<ino>]". Read-only like the rest of /proc.
 * Called by fs/procfs.c from the dispatch thread.
 */
#include "fs/procfd.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fs/node.h"

#define FD_INO(pid, fd) ((1ull << 40) | ((uint64_t)(pid) << 17) | (uint64_t)(fd))

static int fd_list(struct pn_ocb *o, struct pn_dirlist *l)
{
	struct _server_info si;
	int r = EOK;
	for (int fd = 0; !r && (fd = ConnectServerInfo_r(o->pid, fd, &si)) >= 0; fd++) {
		if (fd & _NTO_SIDE_CHANNEL)
			break;
		char name[16];
		int n = snprintf(name, sizeof(name), "%d", fd);
		r = pn_dirlist_add(l, name, (size_t)n, DT_LNK, FD_INO(o->pid, fd));
	}
	return r;
}

static int fd_dir(resmgr_context_t *ctp, io_open_t *msg, const struct _proc_info *pi)
{
	int subtype = msg->connect.subtype;
	if (subtype != _IO_CONNECT_OPEN && subtype != _IO_CONNECT_COMBINE &&
	    subtype != _IO_CONNECT_COMBINE_CLOSE)
		return subtype == _IO_CONNECT_READLINK ? EINVAL : EROFS;
	struct pn_ocb *o = pn_ocb_new(PN_NODE_DIR, S_IFDIR | 0500, pi->uid, pi->gid, PN_DEV_PROC,
				      PROCFD_DIR_INO(pi->pid), 0, pn_now());
	if (!o)
		return ENOMEM;
	char dir[32];
	snprintf(dir, sizeof(dir), "%d/fd", (int)pi->pid);
	o->list = fd_list;
	o->pid = pi->pid;
	if (!(o->dir = strdup(dir))) {
		pn_ocb_free(o);
		return ENOMEM;
	}
	return pn_ocb_open(ctp, msg, o);
}

/* "fd/<n>": the link itself (readlink, lstat) or what it names (nothing). */
static int fd_link(resmgr_context_t *ctp, io_open_t *msg, const struct _proc_info *pi,
		   const char *num)
{
	const struct _io_connect *c = &msg->connect;
	char *end;
	long fd = strtol(num, &end, 10);
	struct _server_info si;
	if (*end || num[0] < '0' || num[0] > '9' || (num[0] == '0' && num[1]) ||
	    fd >= _NTO_SIDE_CHANNEL || ConnectServerInfo_r(pi->pid, (int)fd, &si) != fd)
		return ENOENT;
	struct _proc_info spi;
	char to[96];
	snprintf(to, sizeof(to), "%s:[%d.%d]", ProcInfo_r(si.pid, &spi) > 0 ? spi.name : "?",
		 (int)si.pid, (int)si.chid);
	if (!pn_connect_nofollow(c))
		return pn_reply_link(ctp, to, c->eflag); /* relative: ENOENT in /proc/<pid>/fd */
	if (c->subtype == _IO_CONNECT_READLINK)
		return pn_reply_link(ctp, to, 0);
	if (c->subtype != _IO_CONNECT_OPEN && c->subtype != _IO_CONNECT_COMBINE &&
	    c->subtype != _IO_CONNECT_COMBINE_CLOSE)
		return c->subtype == _IO_CONNECT_MKNOD ? EEXIST : EROFS;
	if ((c->mode & S_IFMT) != S_IFLNK && (c->ioflag & O_NOFOLLOW))
		return ELOOP;
	struct pn_ocb *o = pn_ocb_new(PN_NODE_LINK, S_IFLNK | 0700, pi->uid, pi->gid, PN_DEV_PROC,
				      FD_INO(pi->pid, fd), 0, pn_now());
	return o ? pn_ocb_open(ctp, msg, o) : ENOMEM;
}

int procfd_connect(resmgr_context_t *ctp, io_open_t *msg, const struct _proc_info *pi,
		   const char *rest)
{
	if (!*rest)
		return fd_dir(ctp, msg, pi);
	return rest[0] == '/' ? fd_link(ctp, msg, pi, rest + 1) : ENOENT;
}
