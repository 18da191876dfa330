/*
 * The path manager's set-up and its private messages (<sys/pathmgr.h>):
 * _PATHMGR_LINK / _PATHMGR_UNLINK from resmgr_attach / resmgr_detach,
 * _PATHMGR_SYMLINK, and the removal of a dead client's names. Called by
 * main.c; the handlers run in the dispatch thread. Every change of a
 * server's names is a PROCMGR_EVENT_PATHSPACE (procmgr/).
 */
#include "pathmgr/pathmgr.h"

#include <errno.h>
#include <string.h>
#include <sys/pathmgr.h>
#include <sys/resmgr_ext.h>

#include "fs/node.h"
#include "pathmgr/names.h"
#include "procmgr/procmgr.h"

int pathmgr_root_id = -1;
int pathmgr_chid = -1;

static resmgr_connect_funcs_t resolver_funcs, root_funcs;

static void all_connect(resmgr_connect_funcs_t *f,
			int (*fn)(resmgr_context_t *, io_open_t *, RESMGR_HANDLE_T *, void *))
{
	iofunc_func_init(_RESMGR_CONNECT_NFUNCS, f, 0, NULL);
	f->open = fn;
	f->unlink = fn;
	f->rename = fn;
	f->mknod = fn;
	f->readlink = fn;
	f->link = fn;
	f->mount = fn;
}

static int sender_is_root(resmgr_context_t *ctp)
{
	struct _client_info ci;
	if (ConnectClientInfo(ctp->info.scoid, &ci, 0) == -1)
		return 0;
	return ci.cred.euid == 0;
}

/* Checks a NUL-terminated absolute path of len bytes and normalises it. */
static int take_path(const char *p, size_t len, char *out, size_t cap)
{
	if (len < 2 || len > PATHMGR_PATH_MAX || p[len - 1] != '\0' || strlen(p) != len - 1 ||
	    p[0] != '/')
		return EINVAL;
	return pn_normalise(p, out, cap) < 0 ? ENAMETOOLONG : EOK;
}

static int do_link(resmgr_context_t *ctp)
{
	int r = resmgr_msg_load(ctp, sizeof(struct _pathmgr_link));
	if (r)
		return r;
	struct _pathmgr_link *m = (struct _pathmgr_link *)ctp->msg;
	size_t plen = m->path_len;
	if ((r = resmgr_msg_load(ctp, sizeof(*m) + plen)))
		return r;
	m = (struct _pathmgr_link *)ctp->msg;
	if (!sender_is_root(ctp))
		return EPERM;
	if ((m->flags & ~(uint32_t)PATHMGR_FLAG_MASK) || m->chid <= 0)
		return EINVAL;
	char path[PN_PATH_MAX];
	if ((r = take_path(m->path, plen, path, sizeof(path))))
		return r;
	int id = pn_add_server(path, ctp->info.pid, m->chid, m->handle, m->file_type, m->flags,
			       ctp->info.scoid);
	if (id < 0)
		return -id;
	ctp->status = id;
	procmgr_pathspace(ctp->info.pid);
	return EOK;
}

static int do_unlink(resmgr_context_t *ctp)
{
	int r = resmgr_msg_load(ctp, sizeof(struct _pathmgr_unlink));
	if (r)
		return r;
	struct _pathmgr_unlink *m = (struct _pathmgr_unlink *)ctp->msg;
	const struct pn_name *n = pn_find(m->id);
	if (!n)
		return ENOENT;
	if (n->kind == PN_SERVER && (n->scoid == 0 || n->pid != ctp->info.pid))
		return ENOENT; /* not the sender's */
	if (n->kind == PN_SYMLINK && !sender_is_root(ctp))
		return EPERM;
	int32_t pid = n->kind == PN_SERVER ? n->pid : SYSMGR_PID;
	pn_remove(m->id);
	procmgr_pathspace(pid);
	return EOK;
}

static int do_symlink(resmgr_context_t *ctp)
{
	int r = resmgr_msg_load(ctp, sizeof(struct _pathmgr_symlink));
	if (r)
		return r;
	struct _pathmgr_symlink *m = (struct _pathmgr_symlink *)ctp->msg;
	size_t plen = m->path_len, tlen = m->target_len;
	if ((r = resmgr_msg_load(ctp, sizeof(*m) + plen + tlen)))
		return r;
	m = (struct _pathmgr_symlink *)ctp->msg;
	if (!sender_is_root(ctp))
		return EPERM;
	char path[PN_PATH_MAX];
	if ((r = take_path(m->data, plen, path, sizeof(path))))
		return r;
	const char *target = m->data + plen;
	if (tlen < 2 || tlen > PATHMGR_PATH_MAX || target[tlen - 1] != '\0' ||
	    strlen(target) != tlen - 1)
		return EINVAL;
	int id = pn_add_symlink(path, target);
	if (id < 0)
		return -id;
	ctp->status = id;
	return EOK;
}

static int pathmgr_msg(message_context_t *ctp, int type, unsigned flags, void *handle)
{
	switch (type) {
	case _PATHMGR_LINK: return do_link(ctp);
	case _PATHMGR_UNLINK: return do_unlink(ctp);
	case _PATHMGR_SYMLINK: return do_symlink(ctp);
	}
	return ENOSYS;
}

int pathmgr_init(dispatch_t *dpp, int chid)
{
	pathmgr_chid = chid;
	all_connect(&resolver_funcs, pathmgr_resolve);
	all_connect(&root_funcs, pathmgr_root_connect);
	resmgr_attr_t attr = {.nparts_max = 2};
	int id = resmgr_attach(dpp, &attr, NULL, _FTYPE_ANY, 0, &resolver_funcs, &pn_io_funcs, NULL);
	if (id != 0) {
		if (id > 0)
			errno = EBUSY; /* the resolver must be attachment 0 */
		return -1;
	}
	pathmgr_root_id = resmgr_attach(dpp, &attr, NULL, _FTYPE_ANY, 0, &root_funcs, &pn_io_funcs,
					NULL);
	if (pathmgr_root_id < 0)
		return -1;
	return message_attach(dpp, NULL, _PATHMGR_BASE, _PATHMGR_MAX, pathmgr_msg, NULL);
}

int pathmgr_add_own(const char *path, int id)
{
	char norm[PN_PATH_MAX];
	if (pn_normalise(path, norm, sizeof(norm)) < 0)
		return -ENAMETOOLONG;
	int r = pn_add_server(norm, SYSMGR_PID, pathmgr_chid, (uint32_t)id, _FTYPE_ANY,
			      PATHMGR_FLAG_DIR, 0);
	return r < 0 ? r : 0;
}

void pathmgr_disconnect(int scoid)
{
	int32_t pid = 0;
	for (const struct pn_name *n = pn_first(); n && !pid; n = pn_next(n))
		if (n->kind == PN_SERVER && n->scoid == scoid && scoid != 0)
			pid = n->pid;
	if (pn_remove_scoid(scoid) > 0)
		procmgr_pathspace(pid);
}
