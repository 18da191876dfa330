/*
 * /dev/shmem names (memmgr/shmem.h): the connect handlers of every subtype
 * (open and create, unlink, rename, link, mknod, readlink), the directory
 * listing and the lifetime of objects. The directory is flat and, like
 * Linux's /dev/shm, world-writable with the sticky bit (01777): anyone may
 * create a name; only the name's owner (or root) may remove or replace
 * it. Objects may have several names (link(): musl's sem_open creates a
 * temporary name, fills and maps it, then links the final name to it).
 *
 * Message conventions are fs-tmp's (drivers/tmpfs/namei.c): paths arrive
 * relative to /dev/shmem ("" is the directory itself); RENAME and LINK
 * carry the old name the same way in their extra data (LINK also accepts
 * a struct _msg_info naming an open fd on the object).
 */
#include "memmgr/shmem.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/memobj.h>
#include <sys/neutrino.h>
#include <sys/stat.h>

#include <sys/resmgr_ext.h>

#include "fs/node.h"
#include "pathmgr/names.h"
#include "pathmgr/pathmgr.h"

#ifndef O_PATH
#define O_PATH 010000000
#endif

struct shm_dent {
	struct shm_dent *next;
	struct shm_node *node;
	char name[];
};

iofunc_mount_t shm_mount = {
	.dev = SHM_DEV,
	.blocksize = 4096,
	.conf = IOFUNC_PC_CHOWN_RESTRICTED | IOFUNC_PC_NO_TRUNC,
};

static struct shm_dent *dents; /* in creation order */
static iofunc_attr_t dir_attr;
static resmgr_connect_funcs_t shm_connect_funcs;
static int shm_id;
static uint64_t next_ino = 2;

/* ---- names and nodes ---- */

static struct shm_dent **lookup_n(const char *name, size_t len)
{
	for (struct shm_dent **pd = &dents; *pd; pd = &(*pd)->next)
		if (strlen((*pd)->name) == len && memcmp((*pd)->name, name, len) == 0)
			return pd;
	return NULL;
}

static struct shm_dent **lookup(const char *name) { return lookup_n(name, strlen(name)); }

/* A name in the flat directory: EOK; ENOTDIR / ENOENT for a path below a
 * name / below nothing; ENAMETOOLONG. */
static int check_name(const char *name)
{
	const char *slash = strchr(name, '/');
	if (slash)
		return lookup_n(name, (size_t)(slash - name)) ? ENOTDIR : ENOENT;
	return strlen(name) > SHM_NAME_MAX ? ENAMETOOLONG : EOK;
}

/* A name link() or mknod() may create: EOK; EEXIST for "" (the directory
 * itself) or a name in use; check_name()'s errors. */
static int check_new_name(const char *name)
{
	if (!*name)
		return EEXIST;
	int r = check_name(name);
	return r ? r : lookup(name) ? EEXIST : EOK;
}

static void dir_touch(void)
{
	dir_attr.flags |= IOFUNC_ATTR_MTIME | IOFUNC_ATTR_CTIME;
	iofunc_time_update(&dir_attr);
}

static int dent_add(const char *name, struct shm_node *n)
{
	size_t len = strlen(name);
	struct shm_dent *d = malloc(sizeof(*d) + len + 1);
	if (!d)
		return ENOSPC;
	memcpy(d->name, name, len + 1);
	d->node = n;
	d->next = NULL;
	struct shm_dent **pd = &dents;
	while (*pd)
		pd = &(*pd)->next;
	*pd = d;
	n->attr.nlink++;
	n->attr.flags |= IOFUNC_ATTR_CTIME;
	dir_touch();
	return EOK;
}

/* Removes the name *pd; its node goes too if nothing else holds it. */
static void dent_del(struct shm_dent **pd)
{
	struct shm_dent *d = *pd;
	struct shm_node *n = d->node;
	*pd = d->next;
	free(d);
	n->attr.nlink--;
	n->attr.flags |= IOFUNC_ATTR_CTIME;
	dir_touch();
	shm_node_release(n);
}

void shm_node_release(struct shm_node *n)
{
	if (n->attr.nlink || n->attr.count)
		return;
	MemobjCtl_r(n->memobj, MEMOBJ_CTL_DESTROY, 0); /* mappings keep the pages */
	free(n);
}

int shm_set_size(struct shm_node *n, uint64_t size)
{
	long r = MemobjCtl_r(n->memobj, MEMOBJ_CTL_SETSIZE, size);
	if (r < 0)
		return r == -ENOMEM ? ENOSPC : (int)-r;
	n->attr.nbytes = (int64_t)size;
	n->attr.flags |= IOFUNC_ATTR_MTIME | IOFUNC_ATTR_CTIME;
	return EOK;
}

/* May ci remove or replace the name of n (write and search on the
 * directory, and the sticky bit's ownership rule)? */
static int may_remove(resmgr_context_t *ctp, const struct shm_node *n,
		      const struct _client_info *ci)
{
	int r = iofunc_check_access(ctp, &dir_attr, S_IWUSR | S_IXUSR, ci);
	if (r)
		return r;
	uint32_t uid = ci->cred.euid;
	return uid == 0 || uid == n->attr.uid || uid == dir_attr.uid ? EOK : EPERM;
}

/* A new empty object named name, owned by the client, mode's permissions. */
static int create(resmgr_context_t *ctp, const char *name, mode_t mode,
		  const struct _client_info *ci, struct shm_node **out)
{
	int r = iofunc_check_access(ctp, &dir_attr, S_IWUSR | S_IXUSR, ci);
	if (r)
		return r;
	struct shm_node *n = calloc(1, sizeof(*n));
	if (!n)
		return ENOSPC;
	int id = MemobjCreate_r(0);
	if (id < 0) {
		free(n);
		return ENOSPC;
	}
	iofunc_attr_init(&n->attr, S_IFREG | (mode & 07777), NULL, (struct _client_info *)ci);
	n->attr.mount = &shm_mount;
	n->attr.inode = next_ino++;
	n->attr.nlink = 0;
	n->memobj = id;
	if ((r = dent_add(name, n)) != EOK) {
		shm_node_release(n);
		return r;
	}
	*out = n;
	return EOK;
}

/* ---- connect handlers ---- */

static int shm_list(struct pn_ocb *o, struct pn_dirlist *l)
{
	for (struct shm_dent *d = dents; d; d = d->next) {
		int r = pn_dirlist_add(l, d->name, strlen(d->name), DT_REG, d->node->attr.inode);
		if (r)
			return r;
	}
	return EOK;
}

static int open_dir(resmgr_context_t *ctp, io_open_t *msg)
{
	iofunc_time_update(&dir_attr);
	struct pn_ocb *o = pn_ocb_new(PN_NODE_DIR, dir_attr.mode, dir_attr.uid, dir_attr.gid,
				      SHM_DEV, dir_attr.inode, 0, dir_attr.mtime);
	if (!o)
		return ENOMEM;
	o->list = shm_list;
	return pn_ocb_open(ctp, msg, o);
}

/* Opens the existing object n: the checks of open(2), then the OCB. */
static int open_node(resmgr_context_t *ctp, io_open_t *msg, struct shm_node *n,
		     const struct _client_info *ci)
{
	struct _io_connect *c = &msg->connect;
	uint32_t ioflag = c->ioflag;
	if ((ioflag & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL))
		return EEXIST;
	if ((ioflag & O_DIRECTORY) || (c->eflag & _IO_CONNECT_EFLAG_DIR))
		return ENOTDIR;
	if (ioflag & O_PATH) {
		c->ioflag &= ~(uint32_t)(_IO_FLAG_MASK | O_TRUNC);
	} else {
		mode_t want = 0;
		if (ioflag & _IO_FLAG_RD)
			want |= S_IRUSR;
		if (ioflag & (_IO_FLAG_WR | O_TRUNC))
			want |= S_IWUSR;
		int r = want ? iofunc_check_access(ctp, &n->attr, want, ci) : EOK;
		if (r)
			return r;
	}
	int r = iofunc_ocb_attach(ctp, msg, NULL, &n->attr, &shm_io_funcs);
	if (r == EOK && (c->ioflag & O_TRUNC) && c->subtype == _IO_CONNECT_OPEN && n->attr.nbytes)
		shm_set_size(n, 0); /* shrinking cannot fail */
	return r;
}

static int shm_open_h(resmgr_context_t *ctp, io_open_t *msg, RESMGR_HANDLE_T *handle,
		      void *extra)
{
	struct _io_connect *c = &msg->connect;
	const char *name = c->path;
	if (!*name)
		return open_dir(ctp, msg);
	int r = check_name(name);
	if (r)
		return r;
	struct _client_info ci;
	if ((r = iofunc_client_info(ctp, 0, &ci)) != EOK)
		return r;
	struct shm_dent **pd = lookup(name);
	if (pd)
		return open_node(ctp, msg, (*pd)->node, &ci);
	if (!(c->ioflag & O_CREAT) || c->subtype != _IO_CONNECT_OPEN)
		return ENOENT;
	if (c->eflag & _IO_CONNECT_EFLAG_DIR)
		return EISDIR;
	struct shm_node *n;
	if ((r = create(ctp, name, c->mode, &ci, &n)) != EOK)
		return r;
	/* the creator may use the access it asked for, whatever the mode */
	r = iofunc_ocb_attach(ctp, msg, NULL, &n->attr, &shm_io_funcs);
	if (r != EOK && (pd = lookup(name)))
		dent_del(pd);
	return r;
}

static int shm_unlink_h(resmgr_context_t *ctp, io_unlink_t *msg, RESMGR_HANDLE_T *handle,
			void *reserved)
{
	struct _io_connect *c = &msg->connect;
	bool rmdir = (c->mode & S_IFMT) == S_IFDIR;
	if (!*c->path)
		return rmdir ? EBUSY : EISDIR;
	int r = check_name(c->path);
	if (r)
		return r;
	struct shm_dent **pd = lookup(c->path);
	if (!pd)
		return ENOENT;
	if (rmdir || (c->eflag & _IO_CONNECT_EFLAG_DIR))
		return ENOTDIR;
	struct _client_info ci;
	if ((r = iofunc_client_info(ctp, 0, &ci)) != EOK ||
	    (r = may_remove(ctp, (*pd)->node, &ci)) != EOK)
		return r;
	dent_del(pd);
	return EOK;
}

/* The old name of RENAME / LINK (extra data, relative to /dev/shmem):
 * *out gets it, or an errno. */
static int old_name(const void *extra, size_t len, const char **out)
{
	const char *old = extra;
	if (!old || !len || strnlen(old, len) != len - 1)
		return EINVAL;
	if (old[0] == '/')
		return EXDEV; /* a client name space path: never one of ours (posix sends relative) */
	if (!*old)
		return EBUSY; /* the directory itself */
	int r = check_name(old);
	if (r)
		return r;
	*out = old;
	return EOK;
}

static int shm_rename_h(resmgr_context_t *ctp, io_rename_t *msg, RESMGR_HANDLE_T *handle,
			void *extra)
{
	struct _io_connect *c = &msg->connect;
	const char *old, *new = c->path;
	if (c->extra_type != _IO_CONNECT_EXTRA_RENAME)
		return EINVAL;
	int r = old_name(extra, c->extra_len, &old);
	if (r)
		return r;
	if (!*new)
		return EBUSY;
	if ((r = check_name(new)) != EOK)
		return r;
	struct shm_dent **po = lookup(old);
	if (!po)
		return ENOENT;
	if (c->eflag & _IO_CONNECT_EFLAG_DIR)
		return ENOTDIR;
	struct shm_node *o = (*po)->node;
	struct shm_dent **pt = lookup(new);
	struct shm_node *t = pt ? (*pt)->node : NULL;
	if (t == o)
		return EOK; /* two names of one object: nothing to do */
	struct _client_info ci;
	if ((r = iofunc_client_info(ctp, 0, &ci)) != EOK || (r = may_remove(ctp, o, &ci)) != EOK ||
	    (t && (r = may_remove(ctp, t, &ci)) != EOK))
		return r;
	o->attr.nlink++; /* keep o while its old name goes */
	if (t)
		dent_del(pt);
	dent_del(lookup(old));
	r = dent_add(new, o);
	o->attr.nlink--;
	if (r != EOK)
		shm_node_release(o); /* out of memory: the object lost its name */
	return r;
}

/* The object a LINK names in its extra data: a name, or an open fd. */
static int link_source(resmgr_context_t *ctp, const void *extra, size_t len, struct shm_node **out)
{
	const char *old;
	if (extra && len && strnlen(extra, len) == len - 1) {
		int r = old_name(extra, len, &old);
		if (r)
			return r;
		struct shm_dent **pd = lookup(old);
		if (!pd)
			return ENOENT;
		*out = (*pd)->node;
		return EOK;
	}
	struct _msg_info info;
	if (!extra || len < sizeof(info))
		return EINVAL;
	memcpy(&info, extra, sizeof(info));
	int id = -1;
	iofunc_ocb_t *ocb = resmgr_ocb_by_info(ctp, &info, &id);
	if (!ocb)
		return errno == EBADF || !errno ? EXDEV : errno;
	if (id != shm_id)
		return EXDEV;
	if (ocb->attr->mount != &shm_mount || !S_ISREG(ocb->attr->mode))
		return EPERM; /* the directory */
	*out = (struct shm_node *)ocb->attr;
	return EOK;
}

static int shm_link_h(resmgr_context_t *ctp, io_link_t *msg, RESMGR_HANDLE_T *handle, void *extra)
{
	struct _io_connect *c = &msg->connect;
	if (c->extra_type == _IO_CONNECT_EXTRA_SYMLINK)
		return EPERM; /* no symlinks here */
	if (c->extra_type != _IO_CONNECT_EXTRA_LINK)
		return EINVAL;
	int r = check_new_name(c->path);
	if (r)
		return r;
	if (c->eflag & _IO_CONNECT_EFLAG_DIR)
		return ENOENT;
	struct shm_node *n = NULL;
	if ((r = link_source(ctp, extra, c->extra_len, &n)) != EOK)
		return r;
	if (!n->attr.nlink)
		return ENOENT; /* unlinked while open */
	struct _client_info ci;
	if ((r = iofunc_client_info(ctp, 0, &ci)) != EOK ||
	    (r = iofunc_check_access(ctp, &dir_attr, S_IWUSR | S_IXUSR, &ci)) != EOK)
		return r;
	return dent_add(c->path, n);
}

static int shm_mknod_h(resmgr_context_t *ctp, io_mknod_t *msg, RESMGR_HANDLE_T *handle,
		       void *reserved)
{
	struct _io_connect *c = &msg->connect;
	int r = check_new_name(c->path);
	if (r)
		return r;
	mode_t type = c->mode & S_IFMT;
	if (type != 0 && type != S_IFREG)
		return EPERM; /* no directories, FIFOs or devices here */
	if (c->eflag & _IO_CONNECT_EFLAG_DIR)
		return ENOENT;
	struct _client_info ci;
	if ((r = iofunc_client_info(ctp, 0, &ci)) != EOK)
		return r;
	struct shm_node *n;
	return create(ctp, c->path, c->mode, &ci, &n);
}

static int shm_readlink_h(resmgr_context_t *ctp, io_readlink_t *msg, RESMGR_HANDLE_T *handle,
			  void *reserved)
{
	const char *name = msg->connect.path;
	if (!*name)
		return EINVAL;
	int r = check_name(name);
	if (r)
		return r;
	return lookup(name) ? EINVAL : ENOENT; /* no symlinks here */
}

int shmem_init(dispatch_t *dpp)
{
	iofunc_attr_init(&dir_attr, S_IFDIR | 01777, NULL, NULL);
	dir_attr.mount = &shm_mount;
	dir_attr.inode = 1;
	shm_io_init();
	iofunc_func_init(_RESMGR_CONNECT_NFUNCS, &shm_connect_funcs, 0, NULL);
	shm_connect_funcs.open = shm_open_h;
	shm_connect_funcs.unlink = shm_unlink_h;
	shm_connect_funcs.rename = shm_rename_h;
	shm_connect_funcs.mknod = shm_mknod_h;
	shm_connect_funcs.readlink = shm_readlink_h;
	shm_connect_funcs.link = shm_link_h;
	resmgr_attr_t attr = {.nparts_max = 2};
	int id = resmgr_attach(dpp, &attr, NULL, _FTYPE_ANY, 0, &shm_connect_funcs, &shm_io_funcs,
			       NULL);
	if (id < 0)
		return -errno;
	shm_id = id;
	int r = pathmgr_add_own("/dev/shmem", id);
	if (r < 0)
		return r;
	r = pn_add_symlink("dev/shm", "/dev/shmem");
	return r < 0 ? r : 0;
}
