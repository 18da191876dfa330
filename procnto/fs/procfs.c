/*
 * /proc (fs/procfs.h), from the kernel's ProcInfo and the pathname space:
 *   /proc            pids, "self", "mounts", the system files, and names
 *                    attached below /proc
 *   /proc/<pid>      a directory owned by the process: "status", "stat",
 *                    "cmdline" (Linux's formats, fs/proctext.c), "fd" (fs/procfd.c)
 *   /proc/self       a symlink to the client's own /proc/<pid>
 *   /proc/mounts     one line per attached server name, Linux's format:
 *                    "<server> <path> resmgr <options> 0 0"
 *   /proc/meminfo, uptime, loadavg, stat, cpuinfo   (fs/proctext.c)
 * Files are text made at open (a snapshot); everything is read-only.
 */
#include "fs/procfs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pathmgr.h>
#include <sys/stat.h>

#include "fs/node.h"
#include "fs/procfd.h"
#include "fs/proctext.h"
#include "pathmgr/names.h"
#include "pathmgr/pathmgr.h"

#define INO_ROOT 1
#define INO_MOUNTS 2
#define INO_SELF 3
#define INO_SYSTEM(i) (4 + (uint64_t)(i)) /* proctext_system_names[i] */
#define INO_PID(pid, k) (((uint64_t)(pid) << 4) | (k)) /* k: 1 dir, 2.. pid_files */

static resmgr_connect_funcs_t proc_funcs;
static int64_t start_time;

static int root_list(struct pn_ocb *o, struct pn_dirlist *l)
{
	int r = pathmgr_list_below("proc", l);
	if (!r)
		r = pn_dirlist_add(l, "self", 4, DT_LNK, INO_SELF);
	if (!r)
		r = pn_dirlist_add(l, "mounts", 6, DT_REG, INO_MOUNTS);
	for (int i = 0; !r && proctext_system_names[i]; i++)
		r = pn_dirlist_add(l, proctext_system_names[i], strlen(proctext_system_names[i]),
				   DT_REG, INO_SYSTEM(i));
	struct _proc_info pi;
	for (int pid = 1; !r && (pid = ProcInfo_r(pid | _NTO_PROCINFO_NEXT, &pi)) > 0; pid++) {
		char name[16];
		int n = snprintf(name, sizeof(name), "%d", pid);
		r = pn_dirlist_add(l, name, (size_t)n, DT_DIR, INO_PID(pid, 1));
	}
	return r;
}

/* The text files of /proc/<pid>; file i has inode INO_PID(pid, 2 + i). */
static const struct {
	const char *name;
	void (*fill)(struct text *t, const struct _proc_info *pi);
} pid_files[] = {
	{"status", proctext_status},
	{"stat", proctext_stat},
	{"cmdline", proctext_cmdline},
};
#define NPID_FILES (sizeof(pid_files) / sizeof(pid_files[0]))

static int pid_list(struct pn_ocb *o, struct pn_dirlist *l)
{
	int r = pn_dirlist_add(l, "fd", 2, DT_DIR, PROCFD_DIR_INO(o->pid));
	for (size_t i = 0; !r && i < NPID_FILES; i++)
		r = pn_dirlist_add(l, pid_files[i].name, strlen(pid_files[i].name), DT_REG,
				   INO_PID(o->pid, 2 + i));
	return r;
}

static void mounts_text(struct text *t)
{
	for (const struct pn_name *n = pn_first(); n; n = pn_next(n)) {
		if (n->kind != PN_SERVER)
			continue;
		struct _proc_info pi;
		const char *who = ProcInfo_r(n->pid, &pi) > 0 ? pi.name : "?";
		text_add(t, "%s /", who);
		for (const char *p = n->path; *p; p++) {
			if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\\')
				text_add(t, "\\%03o", (unsigned char)*p);
			else
				text_add(t, "%c", *p);
		}
		text_add(t, " resmgr %s,pid=%d,chid=%d,handle=%u,ftype=%u%s%s%s%s 0 0\n",
			 n->scoid ? "rw" : "ro", (int)n->pid, (int)n->chid, n->handle, n->file_type,
			 (n->flags & PATHMGR_FLAG_DIR) ? ",dir" : "",
			 (n->flags & PATHMGR_FLAG_BEFORE) ? ",before" : "",
			 (n->flags & PATHMGR_FLAG_AFTER) ? ",after" : "",
			 (n->flags & PATHMGR_FLAG_OPAQUE) ? ",opaque" : "");
	}
}

static int open_text(resmgr_context_t *ctp, io_open_t *msg, struct text *t, uint32_t uid,
		     uint32_t gid, uint64_t ino)
{
	if (t->err) {
		free(t->buf);
		return t->err;
	}
	struct pn_ocb *o = pn_ocb_new(PN_NODE_DATA, S_IFREG | 0444, uid, gid, PN_DEV_PROC, ino,
				      (int64_t)t->len, pn_now());
	if (!o) {
		free(t->buf);
		return ENOMEM;
	}
	o->owned = t->buf;
	o->data = t->buf ? t->buf : "";
	o->size = t->len;
	return pn_ocb_open(ctp, msg, o);
}

static int open_dir(resmgr_context_t *ctp, io_open_t *msg, const char *path, pn_list_fn list,
		    int32_t pid, uint32_t uid, uint32_t gid, uint64_t ino)
{
	struct pn_ocb *o = pn_ocb_new(PN_NODE_DIR, S_IFDIR | 0555, uid, gid, PN_DEV_PROC, ino, 0,
				      start_time);
	if (!o)
		return ENOMEM;
	o->list = list;
	o->pid = pid;
	if (!(o->dir = strdup(path))) {
		pn_ocb_free(o);
		return ENOMEM;
	}
	return pn_ocb_open(ctp, msg, o);
}

/* "self": the client's own directory. */
static int self_link(resmgr_context_t *ctp, io_open_t *msg, const char *rest)
{
	const struct _io_connect *c = &msg->connect;
	char to[64 + PN_PATH_MAX];
	if (!*rest && pn_connect_nofollow(c)) {
		if (c->subtype == _IO_CONNECT_READLINK) {
			snprintf(to, sizeof(to), "%d", ctp->info.pid);
			return pn_reply_link(ctp, to, 0);
		}
		if (c->subtype != _IO_CONNECT_OPEN && c->subtype != _IO_CONNECT_COMBINE &&
		    c->subtype != _IO_CONNECT_COMBINE_CLOSE)
			return c->subtype == _IO_CONNECT_MKNOD ? EEXIST : EROFS;
		if ((c->mode & S_IFMT) != S_IFLNK && (c->ioflag & O_NOFOLLOW))
			return ELOOP;
		struct pn_ocb *o = pn_ocb_new(PN_NODE_LINK, S_IFLNK | 0777, 0, 0, PN_DEV_PROC,
					      INO_SELF, 0, start_time);
		return o ? pn_ocb_open(ctp, msg, o) : ENOMEM;
	}
	snprintf(to, sizeof(to), "/proc/%d%s%s", ctp->info.pid, *rest ? "/" : "", rest);
	return pn_reply_link(ctp, to, c->eflag);
}

static int proc_connect(resmgr_context_t *ctp, io_open_t *msg, RESMGR_HANDLE_T *handle,
			void *extra)
{
	const struct _io_connect *c = &msg->connect;
	char path[PN_PATH_MAX];
	if (pn_normalise(c->path, path, sizeof(path)) < 0)
		return ENAMETOOLONG;
	char *slash = strchr(path, '/');
	const char *rest = slash ? slash + 1 : "";
	if (slash)
		*slash = '\0';
	if (strcmp(path, "self") == 0)
		return self_link(ctp, msg, rest);
	int subtype = c->subtype;
	bool opening = subtype == _IO_CONNECT_OPEN || subtype == _IO_CONNECT_COMBINE ||
		       subtype == _IO_CONNECT_COMBINE_CLOSE;
	if (!*path) {
		if (!opening)
			return subtype == _IO_CONNECT_READLINK ? EINVAL : EROFS;
		return open_dir(ctp, msg, "", root_list, 0, 0, 0, INO_ROOT);
	}
	if (strcmp(path, "mounts") == 0 && !*rest) {
		if (!opening)
			return subtype == _IO_CONNECT_READLINK ? EINVAL : EROFS;
		struct text t = {0};
		mounts_text(&t);
		return open_text(ctp, msg, &t, 0, 0, INO_MOUNTS);
	}
	for (int i = 0; proctext_system_names[i]; i++) {
		if (strcmp(path, proctext_system_names[i]) != 0 || *rest)
			continue;
		if (!opening)
			return subtype == _IO_CONNECT_READLINK ? EINVAL : EROFS;
		struct text t = {0};
		int r = proctext_system(&t, path);
		if (r) {
			free(t.buf);
			return r;
		}
		return open_text(ctp, msg, &t, 0, 0, INO_SYSTEM(i));
	}
	char *end;
	long pid = strtol(path, &end, 10);
	struct _proc_info pi;
	if (*end || path[0] < '1' || path[0] > '9' || pid >= 0x40000000 ||
	    ProcInfo_r((pid_t)pid, &pi) <= 0)
		return ENOENT;
	if (strncmp(rest, "fd", 2) == 0 && (!rest[2] || rest[2] == '/'))
		return procfd_connect(ctp, msg, &pi, rest + 2);
	if (!opening)
		return subtype == _IO_CONNECT_READLINK ? EINVAL : EROFS;
	if (!*rest)
		return open_dir(ctp, msg, path, pid_list, (int32_t)pid, pi.uid, pi.gid,
				INO_PID(pid, 1));
	for (size_t i = 0; i < NPID_FILES; i++) {
		if (strcmp(rest, pid_files[i].name) != 0)
			continue;
		struct text t = {0};
		pid_files[i].fill(&t, &pi);
		return open_text(ctp, msg, &t, pi.uid, pi.gid, INO_PID(pid, 2 + i));
	}
	return ENOENT;
}

int procfs_init(dispatch_t *dpp)
{
	start_time = pn_now();
	cpuinfo_init();
	iofunc_func_init(_RESMGR_CONNECT_NFUNCS, &proc_funcs, 0, NULL);
	proc_funcs.open = proc_connect;
	proc_funcs.unlink = proc_connect;
	proc_funcs.rename = proc_connect;
	proc_funcs.mknod = proc_connect;
	proc_funcs.readlink = proc_connect;
	proc_funcs.link = proc_connect;
	proc_funcs.mount = proc_connect;
	resmgr_attr_t attr = {.nparts_max = 2};
	int id = resmgr_attach(dpp, &attr, NULL, _FTYPE_ANY, 0, &proc_funcs, &pn_io_funcs, NULL);
	if (id < 0)
		return -errno;
	return pathmgr_add_own("/proc", id);
}
