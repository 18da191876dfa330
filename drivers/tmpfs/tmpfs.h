/*
 * fs-tmp, the RAM file system: the node and directory-entry structures and
 * the interfaces between its files.
 *   pages.c   page pool: 4 KiB zero-filled pages from mmap'ed arenas,
 *             returned to the system when freed; the size limit
 *   fdata.c   a regular file's data: a sparse radix tree of pages
 *   node.c    nodes (inodes), directory entries, link counts, lifetime
 *   path.c    path resolution, permission checks, symlink redirects
 *   open.c    _IO_CONNECT open (and the combine subtypes)
 *   namei.c   _IO_CONNECT unlink, rename, mknod, readlink, link
 *   io.c      I/O messages on files, directories and symlinks
 *   fifo.c    FIFOs: the pipe object of drivers/pipe/pipe.c behind a name
 *   main.c    arguments, mount, the server loop
 * Single-threaded: everything runs in the server loop.
 */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include <sys/iofunc.h>

#define TMPFS_PAGE 4096u
#define TMPFS_MAXFILE (1ull << 43) /* 8 TiB: writes and truncates past it fail EFBIG */
#define TMPFS_LINK_MAX 65000u
#define TMPFS_NAME_MAX 255u
#define TMPFS_PATH_MAX 4096u
#define TMPFS_SYMLOOP_MAX 16
#define TMPFS_DIRENT_BOGO 20 /* st_size of a directory: 20 bytes per entry, as Linux's tmpfs */

struct dentry;
struct tnode;
struct tfifo;

struct tdir {
	struct tnode *parent;        /* "..": the root's is itself; NULL once removed */
	struct dentry *first, *last; /* in cookie order (creation order) */
	struct dentry **hash;
	unsigned nbuckets;
	unsigned count;              /* entries, "." and ".." not included */
	int64_t next_cookie;         /* readdir positions: 0 ".", 1 "..", then cookies */
};

struct tfile {
	void *root;       /* radix tree: a page (height 0) or a node of 512 pointers */
	unsigned height;  /* root covers 512^height pages */
	uint64_t pages;   /* data pages held (st_blocks) */
};

struct tnode {
	iofunc_attr_t attr; /* first: OCBs point here. nlink: directory entries naming it
			     * (+1 for "." and one per subdirectory for directories) */
	union {
		struct tdir dir;   /* S_IFDIR */
		struct tfile file; /* S_IFREG */
		char *target;      /* S_IFLNK: NUL-terminated; attr.nbytes its length */
		struct tfifo *fifo; /* S_IFIFO (fifo.c) */
	};
};

struct dentry {
	struct dentry *prev, *next; /* directory order */
	struct dentry *hnext;       /* hash chain */
	struct tnode *node;
	int64_t cookie;
	uint32_t hash;
	uint16_t namelen;
	char name[];                /* NUL-terminated */
};

/* main.c: the mount */
extern iofunc_mount_t tmpfs_mount;
extern struct tnode *tmpfs_root;
extern const char *tmpfs_mountpoint; /* as attached, no trailing '/' ("" for "/") */
extern resmgr_io_funcs_t tmpfs_io_file, tmpfs_io_dir, tmpfs_io_other, tmpfs_io_fifo;
extern int tmpfs_verbose;

/* pages.c */
/* Sets the limit in pages (0: half of the machine's memory). */
void pages_init(uint64_t limit_pages);
/* A zero-filled page, or NULL: the limit is reached or memory is short. */
void *page_alloc(void);
void page_free(void *page);
uint64_t pages_used(void);
uint64_t pages_limit(void);

/* fdata.c; sizes live in attr.nbytes, maintained by the callers */
/* Fills iov (max parts) with the data of [off, off + n) (holes read as
 * zeros); returns the parts used; *covered gets the bytes they hold. */
int fdata_iov_read(struct tfile *f, uint64_t off, size_t n, iov_t *iov, int max, size_t *covered);
/* The same for writing: allocates the pages. *covered may be less than n
 * (and 0) when pages run out. */
int fdata_iov_write(struct tfile *f, uint64_t off, size_t n, iov_t *iov, int max, size_t *covered);
/* Frees the pages wholly inside [off, end) and zeroes the partial ones
 * (end UINT64_MAX: to the end of the file). */
void fdata_punch(struct tfile *f, uint64_t off, uint64_t end);
/* Allocates every page of [off, end). 0 or ENOSPC (what was allocated stays). */
int fdata_reserve(struct tfile *f, uint64_t off, uint64_t end);
void fdata_free(struct tfile *f);

/* node.c */
/* A new node of mode (type and permissions) owned by uid/gid, nlink 0
 * (1 + 1 for a directory once linked); NULL when out of memory. */
struct tnode *node_new(mode_t mode, uint32_t uid, uint32_t gid);
/* Frees node when neither a name nor an open OCB keeps it. */
void node_release(struct tnode *n);
/*
 * Directory entries. dentry_new allocates an entry for name (NULL: out of
 * memory, or the name is empty or too long). dir_reserve makes room in
 * dir's hash for one more (false: out of memory); after it, dir_insert
 * links the entry to n and cannot fail. dir_remove unlinks and frees an
 * entry and drops the link counts it held; the caller then calls
 * node_release() on the node, unless it links it again (rename).
 */
struct dentry *dentry_new(const char *name, size_t namelen);
struct dentry *dir_lookup(struct tnode *dir, const char *name, size_t namelen);
bool dir_reserve(struct tnode *dir);
void dir_insert(struct tnode *dir, struct dentry *de, struct tnode *n);
void dir_remove(struct tnode *dir, struct dentry *de);
/* Marks times to now: which = IOFUNC_ATTR_{A,M,C}TIME bits. */
void node_touch(struct tnode *n, uint32_t which);

/* path.c */
#define WALK_LINK (-1) /* path_walk: a symlink must be followed (see struct walk) */

struct walk {
	struct tnode *dir;   /* directory holding the last component (NULL for the root) */
	struct tnode *node;  /* the node named, NULL when it does not exist */
	struct dentry *de;   /* its entry in dir */
	const char *name;    /* the last component (not NUL-terminated) */
	size_t namelen;
	bool slash;          /* the path ended in '/' (or eflag DIR) */
	/* WALK_LINK: the symlink, where its component starts in the path,
	 * and where the rest of the path after it starts (NULL: nothing) */
	struct tnode *link;
	size_t link_at;
	const char *rest;
};

/*
 * Resolves path (relative to the mountpoint) for the client whose
 * credentials are ci: every directory passed needs search permission.
 * follow: a symlink as last component is followed (WALK_LINK) too.
 * Returns EOK (w filled; w->node NULL when the last component does not
 * exist but its directory does), an errno, or WALK_LINK.
 */
int path_walk(const char *path, bool slash, const struct _client_info *ci, bool follow,
	      struct walk *w);
/*
 * The path to restart with after the symlink of a WALK_LINK result, as an
 * absolute path in the client's name space (the mountpoint put back in
 * front of a relative target's directory). ENAMETOOLONG or EOK.
 */
int path_link_target(const char *path, const struct walk *w, char *out, size_t size);
/* Replies to a WALK_LINK result: the client restarts resolution with the
 * new path (_IO_CONNECT_RET_LINK, link_reply with no entries, path). */
int path_link_reply(resmgr_context_t *ctp, io_open_t *msg, const char *path, const struct walk *w);
/* Like path_walk for an absolute path in the client's name space (the
 * source of a rename), following intermediate symlinks here: EXDEV when
 * it leaves this file system. Never follows the last component. */
int path_walk_abs(const char *abspath, const struct _client_info *ci, struct walk *w,
		  char *buf, size_t size);
/* The same for a path that is either relative to the mountpoint or
 * absolute in the client's name space (rename's and link's source). */
int path_walk_here(const char *path, const struct _client_info *ci, struct walk *w, char *buf,
		   size_t size);
/* POSIX permission check of ci on n (S_IREAD / S_IWRITE / S_IEXEC bits). */
int node_access(const struct tnode *n, mode_t want, const struct _client_info *ci);
/* The sticky-directory rule for removing or replacing n from dir: EPERM or EOK. */
int node_sticky(const struct tnode *dir, const struct tnode *n, const struct _client_info *ci);

/* open.c, namei.c: the connect handlers */
int tmpfs_open(resmgr_context_t *ctp, io_open_t *msg, iofunc_attr_t *handle, void *extra);
int tmpfs_unlink(resmgr_context_t *ctp, io_unlink_t *msg, iofunc_attr_t *handle, void *reserved);
int tmpfs_rename(resmgr_context_t *ctp, io_rename_t *msg, iofunc_attr_t *handle, void *extra);
int tmpfs_mknod(resmgr_context_t *ctp, io_mknod_t *msg, iofunc_attr_t *handle, void *reserved);
int tmpfs_readlink(resmgr_context_t *ctp, io_readlink_t *msg, iofunc_attr_t *handle,
		   void *reserved);
int tmpfs_link(resmgr_context_t *ctp, io_link_t *msg, iofunc_attr_t *handle, void *extra);
/* Creates a node in w->dir under w->name (namei.c); *out gets it. */
int tmpfs_create(const struct walk *w, mode_t mode, const struct _client_info *ci,
		 struct tnode **out);

/* io.c */
void tmpfs_io_init(void);
/* Truncates or extends a file to size (times updated). 0, EFBIG. */
int tmpfs_set_size(struct tnode *n, uint64_t size);

/* fifo.c */
/* The FIFO state of a new S_IFIFO node. 0 or ENOSPC. */
int fifo_new(struct tnode *n);
void fifo_free(struct tnode *n);
/* An OPEN with read and/or write access of FIFO n (permissions checked):
 * binds an OCB, or defers the reply until the other end opens (EOK,
 * an errno, or _RESMGR_NOREPLY). */
int fifo_open(resmgr_context_t *ctp, io_open_t *msg, struct tnode *n);
/* The connect unblock handler: a signal ends a waiting open (EINTR). */
int fifo_open_unblock(resmgr_context_t *ctp, io_pulse_t *msg, iofunc_attr_t *handle,
		      void *reserved);
/* Sets up tmpfs_io_fifo (after tmpfs_io_init). */
void fifo_io_init(void);
