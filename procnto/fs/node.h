/*
 * procnto's own files as a resource manager: one OCB type and one table of
 * I/O handlers for everything procnto serves (/proc/boot, /proc, the
 * directories that exist because names are attached below them, procnto
 * symlinks). Every such name is read-only: each open gets a private copy
 * of its attributes, data is served from memory (the boot image, or text
 * made at open), directories are listed at read time through a callback.
 * Used by fs/bootfs.c, fs/procfs.c and pathmgr/rootdir.c; runs in the
 * dispatch thread only.
 */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sys/iofunc.h>
#include <sys/dispatch.h>

/* st_dev of procnto's file systems */
#define PN_DEV_ROOT 0x101 /* "/" and other virtual directories, procnto symlinks */
#define PN_DEV_BOOT 0x102 /* /proc/boot */
#define PN_DEV_PROC 0x103 /* /proc */

enum pn_node_kind {
	PN_NODE_DATA, /* bytes in memory */
	PN_NODE_DIR,  /* a directory listed by ocb->list */
	PN_NODE_LINK, /* a symlink opened without following it (lstat) */
};

/* A directory listing being built. */
struct pn_dirlist {
	struct pn_dent {
		uint64_t ino;
		size_t name_off; /* in pool */
		uint16_t len;
		uint8_t type;    /* DT_* */
	} *v;
	size_t n, cap;
	char *pool;
	size_t pool_len, pool_cap;
};

struct pn_ocb;
typedef int (*pn_list_fn)(struct pn_ocb *ocb, struct pn_dirlist *l);

/* Handlers get it as iofunc_ocb_t * (its first member) and convert back. */
struct pn_ocb {
	iofunc_ocb_t io;        /* first: what the iofunc defaults see */
	iofunc_attr_t attr;     /* this open's copy */
	iofunc_mount_t mount;   /* st_dev */
	enum pn_node_kind kind;
	const char *data;       /* PN_NODE_DATA */
	size_t size;
	char *owned;            /* freed with the OCB */
	char *dir;              /* PN_NODE_DIR: normalised path (owned) */
	pn_list_fn list;        /* PN_NODE_DIR */
	int32_t pid;            /* /proc/<pid> nodes */
};

extern resmgr_io_funcs_t pn_io_funcs;

/* Handler tables set up, once, before the first open. */
void pn_node_init(void);

/* A new OCB for a node with mode (S_IF* | perms), owner, size, times. */
struct pn_ocb *pn_ocb_new(enum pn_node_kind kind, uint32_t mode, uint32_t uid, uint32_t gid,
			  uint64_t dev, uint64_t ino, int64_t size, int64_t mtime);
/*
 * Checks an open request against the node (procnto's names are read-only:
 * EROFS for writing, EISDIR for writing a directory, EEXIST for O_EXCL
 * creation, ENOTDIR for O_DIRECTORY or a trailing '/' on a non-directory,
 * EACCES from the permissions) and binds ocb to the client's connection.
 * On failure ocb is freed. EOK or errno.
 */
int pn_ocb_open(resmgr_context_t *ctp, io_open_t *msg, struct pn_ocb *ocb);
void pn_ocb_free(struct pn_ocb *ocb);

int pn_dirlist_add(struct pn_dirlist *l, const char *name, size_t len, unsigned type,
		   uint64_t ino);
void pn_dirlist_free(struct pn_dirlist *l);

/* A stable inode number for a path under a file system (never 0 or 1). */
uint64_t pn_ino_hash(const char *path);

/*
 * Replies "symlink" to the current _IO_CONNECT: status RET_FLAG|RET_LINK,
 * a link reply with no entries and eflag, then path. Returns the handler
 * result to return (_RESMGR_NPARTS(1)), or ENAMETOOLONG.
 */
int pn_reply_link(resmgr_context_t *ctp, const char *path, uint8_t eflag);

/* Whether a connect that ends exactly on a symlink is about the link
 * itself rather than what it points to (see <sys/pathmgr.h>). */
bool pn_connect_nofollow(const struct _io_connect *c);

/* The current time (CLOCK_REALTIME), seconds. */
int64_t pn_now(void);
