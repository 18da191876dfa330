/*
 * Name resolution: procnto's answer to an _IO_CONNECT with handle 0 (any
 * subtype) on its channel. It never opens anything itself: it replies
 * with the servers to try (a redirect) or with a symlink substitution,
 * in the format of <sys/pathmgr.h>. Called by the resmgr library through
 * the resolver attachment (id 0) set up by pathmgr/pathmgr.c.
 */
#include <errno.h>
#include <string.h>
#include <sys/pathmgr.h>

#include "fs/node.h"
#include "pathmgr/names.h"
#include "pathmgr/pathmgr.h"

static char path_buf[PN_PATH_MAX + 1]; /* "/" + the normalised path */
static struct {
	struct _io_connect_link_reply r;
	struct _io_connect_entry e[PN_MATCH_MAX];
} reply;

int pathmgr_resolve(resmgr_context_t *ctp, io_open_t *msg, RESMGR_HANDLE_T *handle, void *extra)
{
	struct _io_connect *c = &msg->connect;
	path_buf[0] = '/';
	int len = pn_normalise(c->path, path_buf + 1, sizeof(path_buf) - 1);
	if (len < 0)
		return ENAMETOOLONG;
	const char *path = path_buf + 1;
	int max = c->entry_max && c->entry_max < PN_MATCH_MAX ? c->entry_max : PN_MATCH_MAX;
	struct pn_match m[PN_MATCH_MAX];
	int n = pn_match(path, c->file_type, m, max);
	if (n == 0)
		return ENOENT;

	const struct pn_name *first = m[0].name;
	if (first && first->kind == PN_SYMLINK) {
		const char *rest = path + first->len;
		if (*rest == '/')
			rest++;
		if (*rest || !pn_connect_nofollow(c)) {
			char to[PN_PATH_MAX];
			int r = pn_substitute(first->path, first->target, rest, to, sizeof(to));
			if (r < 0)
				return ENAMETOOLONG;
			return pn_reply_link(ctp, to, c->eflag);
		}
	}

	memset(&reply, 0, sizeof(reply));
	for (int i = 0; i < n; i++) {
		const struct pn_name *nm = m[i].name;
		struct _io_connect_entry *e = &reply.e[i];
		if (nm && nm->kind == PN_SERVER) {
			e->pid = nm->pid;
			e->chid = nm->chid;
			e->handle = nm->handle;
			e->file_type = nm->file_type;
			e->prefix_len = (uint16_t)(nm->len ? nm->len + 1 : 1);
		} else {
			/* procnto's root serves virtual directories and symlinks by full path */
			e->pid = SYSMGR_PID;
			e->chid = pathmgr_chid;
			e->handle = (uint32_t)pathmgr_root_id;
			e->file_type = _FTYPE_ANY;
			e->prefix_len = 1;
		}
	}
	reply.r.file_type = c->file_type;
	reply.r.eflag = c->eflag;
	reply.r.nentries = (uint16_t)n;
	reply.r.path_len = (uint16_t)(len + 2);
	ctp->status = (long)(_IO_CONNECT_RET_FLAG | _IO_CONNECT_RET_LINK);
	SETIOV(&ctp->iov[0], &reply, sizeof(reply.r) + (size_t)n * sizeof(reply.e[0]));
	SETIOV(&ctp->iov[1], path_buf, (size_t)len + 2);
	return _RESMGR_NPARTS(2);
}
