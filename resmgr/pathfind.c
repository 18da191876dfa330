/*
 * Path lookups by procnto alone (sys/pathfind.h): one _IO_CONNECT with
 * handle 0 on SYSMGR_COID per hop, answered with the redirect of
 * <sys/pathmgr.h>. Uses static buffers: one thread at a time.
 */
#include <errno.h>
#include <string.h>
#include <sys/neutrino.h>

#include <sys/pathfind.h>

#define PF_PATH_MAX 1024
#define PF_ENTRIES 16
#define PF_HOPS 16

static union {
	struct _io_connect c;
	char raw[sizeof(struct _io_connect) + PF_PATH_MAX];
} req;
static union {
	struct {
		struct _io_connect_link_reply r;
		struct _io_connect_entry e[PF_ENTRIES];
		char path[PF_PATH_MAX];
	} link;
	char raw[1];
} rep;
static char cur[PF_PATH_MAX];
static char resolved[PF_PATH_MAX]; /* the path the entries' prefix_len apply to */

int resmgr_path_servers(const char *path, struct _io_connect_entry *e, int max)
{
	size_t n = strlen(path);
	if (n + 1 > sizeof(cur))
		return -ENAMETOOLONG;
	memcpy(cur, path, n + 1);
	for (int hop = 0; hop < PF_HOPS; hop++) {
		size_t plen = strlen(cur) + 1;
		memset(&req.c, 0, sizeof(req.c));
		req.c.type = _IO_CONNECT;
		req.c.subtype = _IO_CONNECT_COMBINE_CLOSE;
		req.c.file_type = _FTYPE_ANY;
		req.c.entry_max = PF_ENTRIES;
		req.c.reply_max = sizeof(rep.link);
		req.c.path_len = (uint16_t)plen;
		memcpy(req.c.path, cur, plen);
		long st = MsgSend_r(SYSMGR_COID, &req, sizeof(req.c) + plen, &rep, sizeof(rep.link));
		if (st < 0)
			return (int)st;
		if (st != (long)(_IO_CONNECT_RET_FLAG | _IO_CONNECT_RET_LINK))
			return -EBADMSG;
		unsigned count = rep.link.r.nentries;
		size_t pl = rep.link.r.path_len;
		if (count > PF_ENTRIES || pl == 0 || pl > PF_PATH_MAX)
			return -EBADMSG;
		if (count) {
			size_t off = count * sizeof(struct _io_connect_entry);
			if (off + pl > sizeof(rep.link.e) + sizeof(rep.link.path))
				return -EBADMSG;
			memcpy(resolved, (const char *)rep.link.e + off, pl);
			resolved[pl - 1] = '\0';
			int k = (int)count < max ? (int)count : max;
			memcpy(e, rep.link.e, (size_t)k * sizeof(*e));
			return k;
		}
		/* a procnto symlink: go on with the substituted path */
		const char *np = (const char *)&rep.link.e[0];
		memmove(cur, np, pl);
		cur[pl - 1] = '\0';
	}
	return -ELOOP;
}

int resmgr_path_server(const char *path, struct _io_connect_entry *e)
{
	struct _io_connect_entry all[PF_ENTRIES];
	int n = resmgr_path_servers(path, all, PF_ENTRIES);
	if (n < 0)
		return n;
	size_t len = strlen(resolved);
	for (int i = 0; i < n; i++) {
		const char *rest = all[i].prefix_len <= len ? resolved + all[i].prefix_len : "";
		while (*rest == '/')
			rest++;
		if (all[i].pid != SYSMGR_PID && !*rest) {
			*e = all[i];
			return 0;
		}
	}
	return -ENOENT;
}
