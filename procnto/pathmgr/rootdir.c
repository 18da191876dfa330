/*
 * procnto's root: serves, by full path, the directories that exist only
 * because names are attached below them ("/", "/dev" ...; listed from the
 * pathname space) and procnto's symlinks (followed with a link reply, or
 * opened, read or removed as links). Clients reach it through resolution
 * entries with procnto's root attach id and prefix "/". Connect handler
 * for every subtype; I/O through fs/node.c.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

#include "fs/node.h"
#include "pathmgr/names.h"
#include "pathmgr/pathmgr.h"

static int64_t boot_time;

struct below_ctx {
	struct pn_dirlist *l;
	const char *dir;
	int err;
};

static int add_below(void *arg, const char *name, size_t len, unsigned type)
{
	struct below_ctx *b = arg;
	char full[PN_PATH_MAX];
	size_t dl = strlen(b->dir);
	if (dl + 1 + len + 1 > sizeof(full))
		return 0;
	memcpy(full, b->dir, dl);
	size_t o = dl;
	if (dl)
		full[o++] = '/';
	memcpy(full + o, name, len);
	full[o + len] = '\0';
	b->err = pn_dirlist_add(b->l, name, len, type, pn_ino_hash(full));
	return b->err;
}

int pathmgr_list_below(const char *path, struct pn_dirlist *l)
{
	struct below_ctx b = {l, path, EOK};
	pn_children(path, add_below, &b);
	return b.err;
}

static int vdir_list(struct pn_ocb *o, struct pn_dirlist *l)
{
	return pathmgr_list_below(o->dir, l);
}

static int open_vdir(resmgr_context_t *ctp, io_open_t *msg, const char *path)
{
	if (!boot_time)
		boot_time = pn_now();
	struct pn_ocb *o = pn_ocb_new(PN_NODE_DIR, S_IFDIR | 0555, 0, 0, PN_DEV_ROOT,
				      *path ? pn_ino_hash(path) : 2, 0, boot_time);
	if (!o || !(o->dir = strdup(path))) {
		if (o)
			pn_ocb_free(o);
		return ENOMEM;
	}
	o->list = vdir_list;
	return pn_ocb_open(ctp, msg, o);
}

static int open_link(resmgr_context_t *ctp, io_open_t *msg, const struct pn_name *s)
{
	const struct _io_connect *c = &msg->connect;
	if ((c->mode & S_IFMT) != S_IFLNK && (c->ioflag & O_NOFOLLOW))
		return ELOOP; /* open(O_NOFOLLOW) of a symlink */
	if ((c->ioflag & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL))
		return EEXIST;
	if (!boot_time)
		boot_time = pn_now();
	struct pn_ocb *o = pn_ocb_new(PN_NODE_LINK, S_IFLNK | 0777, 0, 0, PN_DEV_ROOT,
				      pn_ino_hash(s->path), (int64_t)strlen(s->target), boot_time);
	if (!o)
		return ENOMEM;
	return pn_ocb_open(ctp, msg, o);
}

static int client_is_root(resmgr_context_t *ctp)
{
	struct _client_info ci;
	return iofunc_client_info(ctp, 0, &ci) == EOK && ci.cred.euid == 0;
}

/* The request ends exactly on procnto symlink s and is about the link. */
static int link_itself(resmgr_context_t *ctp, io_open_t *msg, const struct pn_name *s)
{
	switch (msg->connect.subtype) {
	case _IO_CONNECT_READLINK:
		return pn_reply_link(ctp, s->target, 0);
	case _IO_CONNECT_UNLINK:
		if (!client_is_root(ctp))
			return EPERM;
		pn_remove(s->id);
		return EOK;
	case _IO_CONNECT_MKNOD:
	case _IO_CONNECT_LINK:
		return EEXIST;
	case _IO_CONNECT_RENAME:
	case _IO_CONNECT_MOUNT:
		return EROFS;
	}
	return open_link(ctp, msg, s);
}

int pathmgr_root_connect(resmgr_context_t *ctp, io_open_t *msg, RESMGR_HANDLE_T *handle,
			 void *extra)
{
	const struct _io_connect *c = &msg->connect;
	char path[PN_PATH_MAX];
	if (pn_normalise(c->path, path, sizeof(path)) < 0)
		return ENAMETOOLONG;
	const struct pn_name *s = pn_symlink_at(path);
	if (s) {
		const char *rest = path + s->len;
		if (*rest == '/')
			rest++;
		if (!*rest && pn_connect_nofollow(c))
			return link_itself(ctp, msg, s);
		char to[PN_PATH_MAX];
		if (pn_substitute(s->path, s->target, rest, to, sizeof(to)) < 0)
			return ENAMETOOLONG;
		return pn_reply_link(ctp, to, c->eflag);
	}
	if (*path && !pn_has_below(path))
		return ENOENT;
	switch (c->subtype) {
	case _IO_CONNECT_OPEN:
	case _IO_CONNECT_COMBINE:
	case _IO_CONNECT_COMBINE_CLOSE:
		return open_vdir(ctp, msg, path);
	case _IO_CONNECT_READLINK:
		return EINVAL;
	case _IO_CONNECT_MKNOD:
		return EEXIST;
	case _IO_CONNECT_UNLINK:
		return EBUSY; /* names are attached below it */
	}
	return EROFS;
}
