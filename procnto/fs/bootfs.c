/*
 * /proc/boot (fs/bootfs.h): opens, directory listings and symlinks of the
 * boot image (procnto/boot/imagefs.h); data is read straight from the
 * mapped image. Everything is read-only: writes and changes give EROFS.
 * Connect handler for every subtype; I/O through fs/node.c.
 */
#include "fs/bootfs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "fs/node.h"
#include "pathmgr/names.h"
#include "pathmgr/pathmgr.h"

#define BOOT_PREFIX "proc/boot"

static const struct imagefs *img;
static resmgr_connect_funcs_t boot_funcs;
static int64_t root_time;

static uint32_t entry_mode(const struct ifs_dirent *d)
{
	uint32_t mode = d->mode;
	if (!(mode & S_IFMT)) {
		switch (d->type) {
		case IFS_TYPE_DIR: mode |= S_IFDIR; break;
		case IFS_TYPE_SYMLINK: mode |= S_IFLNK; break;
		default: mode |= S_IFREG; break;
		}
	}
	return mode;
}

static unsigned entry_dtype(const struct ifs_dirent *d)
{
	switch (d->type) {
	case IFS_TYPE_DIR: return DT_DIR;
	case IFS_TYPE_SYMLINK: return DT_LNK;
	case IFS_TYPE_FILE: return DT_REG;
	}
	return DT_UNKNOWN;
}

/* Lists directory o->dir ("" = the image root). */
static int boot_list(struct pn_ocb *o, struct pn_dirlist *l)
{
	size_t dl = strlen(o->dir);
	for (uint32_t i = 0; i < img->n; i++) {
		const struct ifs_dirent *d = &img->dir[i];
		const char *name = imagefs_name(img, d);
		if (!name)
			continue;
		if (dl) {
			if (strncmp(name, o->dir, dl) != 0 || name[dl] != '/')
				continue;
			name += dl + 1;
		}
		if (!*name || strchr(name, '/'))
			continue;
		int r = pn_dirlist_add(l, name, strlen(name), entry_dtype(d), (uint64_t)i + 2);
		if (r)
			return r;
	}
	return EOK;
}

static struct pn_ocb *node_for(const struct ifs_dirent *d, const char *path)
{
	if (!d) {
		struct pn_ocb *o = pn_ocb_new(PN_NODE_DIR, S_IFDIR | 0555, 0, 0, PN_DEV_BOOT, 1, 0,
					      root_time);
		return o;
	}
	uint32_t mode = entry_mode(d);
	int64_t size = d->type == IFS_TYPE_DIR ? 0 : (int64_t)d->size;
	enum pn_node_kind kind = S_ISDIR(mode) ? PN_NODE_DIR : S_ISLNK(mode) ? PN_NODE_LINK
									     : PN_NODE_DATA;
	struct pn_ocb *o = pn_ocb_new(kind, mode, d->uid, d->gid, PN_DEV_BOOT,
				      (uint64_t)imagefs_index(img, d) + 2, size, d->mtime);
	if (o && kind == PN_NODE_DATA) {
		size_t len = 0;
		o->data = imagefs_data(img, d, &len);
		o->size = o->data ? len : 0;
	}
	return o;
}

/* Opens the node d (NULL: the image root) at relative path. */
static int open_node(resmgr_context_t *ctp, io_open_t *msg, const struct ifs_dirent *d,
		     const char *path)
{
	struct pn_ocb *o = node_for(d, path);
	if (!o)
		return ENOMEM;
	if (o->kind == PN_NODE_DIR) {
		if (!(o->dir = strdup(path))) {
			pn_ocb_free(o);
			return ENOMEM;
		}
		o->list = boot_list;
	}
	return pn_ocb_open(ctp, msg, o);
}

/* The request ends on link entry d and is about the link itself. */
static int link_itself(resmgr_context_t *ctp, io_open_t *msg, const struct ifs_dirent *d,
		       const char *target, const char *path)
{
	const struct _io_connect *c = &msg->connect;
	switch (c->subtype) {
	case _IO_CONNECT_READLINK:
		return pn_reply_link(ctp, target, 0);
	case _IO_CONNECT_MKNOD:
	case _IO_CONNECT_LINK:
		return EEXIST;
	case _IO_CONNECT_OPEN:
	case _IO_CONNECT_COMBINE:
	case _IO_CONNECT_COMBINE_CLOSE:
		if ((c->mode & S_IFMT) != S_IFLNK && (c->ioflag & O_NOFOLLOW))
			return ELOOP;
		return open_node(ctp, msg, d, path);
	}
	return EROFS;
}

static int boot_connect(resmgr_context_t *ctp, io_open_t *msg, RESMGR_HANDLE_T *handle,
			void *extra)
{
	const struct _io_connect *c = &msg->connect;
	char path[PN_PATH_MAX];
	int plen = pn_normalise(c->path, path, sizeof(path));
	if (plen < 0)
		return ENAMETOOLONG;
	int subtype = c->subtype;
	bool opening = subtype == _IO_CONNECT_OPEN || subtype == _IO_CONNECT_COMBINE ||
		       subtype == _IO_CONNECT_COMBINE_CLOSE;
	const struct ifs_dirent *d = NULL;
	/* walk the components: a link part way is substituted */
	for (int k = 0; k < plen;) {
		int e = k;
		while (e < plen && path[e] != '/')
			e++;
		char saved = path[e];
		path[e] = '\0';
		d = imagefs_lookup(img, path);
		const char *target = d ? imagefs_target(img, d) : NULL;
		path[e] = saved;
		bool last = e == plen;
		if (!d) {
			if (!last)
				return ENOENT;
			if (subtype == _IO_CONNECT_MKNOD || (opening && (c->ioflag & O_CREAT)))
				return EROFS; /* cannot create in the image */
			return ENOENT;
		}
		if (d->type == IFS_TYPE_SYMLINK) {
			if (!target)
				return EIO;
			if (last && pn_connect_nofollow(c))
				return link_itself(ctp, msg, d, target, path);
			char link[PN_PATH_MAX], to[PN_PATH_MAX];
			if (snprintf(link, sizeof(link), BOOT_PREFIX "/%.*s", e, path) >= (int)sizeof(link))
				return ENAMETOOLONG;
			const char *rest = last ? "" : path + e + 1;
			if (pn_substitute(link, target, rest, to, sizeof(to)) < 0)
				return ENAMETOOLONG;
			return pn_reply_link(ctp, to, c->eflag);
		}
		if (!last && d->type != IFS_TYPE_DIR)
			return ENOTDIR;
		k = last ? e : e + 1;
	}
	switch (subtype) {
	case _IO_CONNECT_READLINK:
		return EINVAL; /* not a link */
	case _IO_CONNECT_MKNOD:
		return EEXIST;
	case _IO_CONNECT_UNLINK:
	case _IO_CONNECT_RENAME:
	case _IO_CONNECT_LINK:
	case _IO_CONNECT_MOUNT:
		return EROFS;
	}
	return open_node(ctp, msg, d, path);
}

int bootfs_init(dispatch_t *dpp, const struct imagefs *fs)
{
	img = fs;
	root_time = pn_now();
	iofunc_func_init(_RESMGR_CONNECT_NFUNCS, &boot_funcs, 0, NULL);
	boot_funcs.open = boot_connect;
	boot_funcs.unlink = boot_connect;
	boot_funcs.rename = boot_connect;
	boot_funcs.mknod = boot_connect;
	boot_funcs.readlink = boot_connect;
	boot_funcs.link = boot_connect;
	boot_funcs.mount = boot_connect;
	resmgr_attr_t attr = {.nparts_max = 2};
	int id = resmgr_attach(dpp, &attr, NULL, _FTYPE_ANY, 0, &boot_funcs, &pn_io_funcs, NULL);
	if (id < 0)
		return -errno;
	int r = pathmgr_add_own("/" BOOT_PREFIX, id);
	if (r < 0)
		return r;
	for (uint32_t i = 0; i < fs->n; i++) {
		const struct ifs_dirent *d = &fs->dir[i];
		const char *name = imagefs_name(fs, d), *target = imagefs_target(fs, d);
		if (d->type != IFS_TYPE_SYMLINK || !name || !target)
			continue;
		char link[PN_PATH_MAX], abs[PN_PATH_MAX], norm[PN_PATH_MAX];
		snprintf(link, sizeof(link), BOOT_PREFIX "/%s", name);
		if (target[0] == '/')
			snprintf(abs, sizeof(abs), "%s", target);
		else if (pn_substitute(link, target, "", abs, sizeof(abs)) < 0)
			continue;
		if (pn_normalise(name, norm, sizeof(norm)) <= 0)
			continue;
		r = pn_add_symlink(norm, abs);
		if (r < 0 && r != -EEXIST)
			return r;
	}
	return 0;
}
