/*
 * Internals of posix/fd/: the per-process POSIX state, fd lookup, path
 * building, and the _IO_CONNECT resolution every path syscall goes through.
 */
#pragma once
#include <ipc/ipc.h>
#include <ipc/kmsg.h>
#include <kernel/errno.h>
#include <kernel/percpu.h>
#include <kernel/process.h>
#include <kernel/types.h>
#include <mm/uaccess.h>
#include <sched/thread.h>
#include <sys/iomsg.h>

#include "fd.h"
#include "fd_sys.h"
#include "linux_fd.h"

/* ---- per-process state (state.c) ---- */

#define FDI_DIR 0x01     /* known to be a directory */
#define FDI_NOTDIR 0x02  /* known not to be one */
#define FDI_RECOVER 0x04 /* opened by path: reopened when its server dies (recover.c) */
#define FDI_PIPE 0x08    /* a pipe end: never reopened; its server's death is EPIPE/EBADF */

#define OCB_POS_END 0x01  /* the offset is the end of the file (after an O_APPEND write) */
#define OCB_POS_LOST 0x02 /* the offset is not known (a directory's is the server's) */

/*
 * posix's view of the server's OCB behind an fd (fdocb.c), shared like the
 * OCB by the fds of every process that share it (dup, fork, spawn): what a
 * reopen needs to put back after a server restart (recover.c).
 */
struct fd_ocb {
	uint32_t refs;   /* atomic */
	uint32_t oflags; /* Linux open flags to reopen with (F_SETFL applied) */
	uint64_t pos;    /* the offset as reads, writes and lseeks moved it */
	uint8_t flags;   /* OCB_* */
};

/* What posix remembers about one fd, valid while conn is still the fd's
 * connection (a native ConnectDetach/ConnectAttach may have replaced it). */
struct fd_info {
	char *path;                     /* absolute path it was opened by; NULL: unknown */
	const struct connection *conn;
	uint8_t flags;                  /* FDI_* */
	struct fd_ocb *ocb;             /* NULL: unknown (no recovery) */
};

#define POLL_CHANS 4

/* A channel of the process that poll() waits on for notification pulses. */
struct poll_chan {
	int32_t chid;  /* 0: none */
	int32_t coid;  /* side-channel connection to it */
	bool busy;
};

struct posix_proc {
	char *cwd;                         /* [k] absolute, normalised; NULL means "/" */
	uint32_t umask;                    /* [k] */
	struct fd_info *fdi;               /* [k] indexed by fd */
	uint32_t nfdi;                     /* [k] */
	struct poll_chan poll[POLL_CHANS]; /* [k] */
	uint32_t poll_serial;              /* [k] */
	int32_t recovering;                /* [k] tid of the thread reopening an fd; 0 none */
};

/* The current process's state, allocated on first use; NULL when out of memory. */
struct posix_proc *posix_get(void);
const char *posix_cwd(void);
/* Records path for fd (a copy); failure only loses the path. */
void fdi_set(int fd, const char *path);
void fdi_clear(int fd);
/* The record of fd if it still describes fd's connection, else NULL. */
struct fd_info *fdi_get(int fd);
void fdi_copy(int newfd, int oldfd);
/* fdocb.c: a new view for fd opened with Linux oflags (its path known:
 * FDI_RECOVER), shared and dropped with the fd's record. */
void fdi_opened(int fd, uint32_t oflags);
struct fd_ocb *fd_ocb_new(uint32_t oflags, uint64_t pos, uint8_t flags);
void fd_ocb_get(struct fd_ocb *o);
void fd_ocb_put(struct fd_ocb *o);
/* Offset tracking: fd's own offset moved by n bytes of a read or write
 * (type _IO_READ/_IO_WRITE), or was set to pos (lseek). */
void fdi_moved(int fd, uint16_t type, long n);
void fdi_seeked(int fd, uint64_t pos);
/* fork/spawn: copies parent's cwd, umask and fd records. 0 or -ENOMEM. */
int posix_proc_inherit(struct process *parent);

/* ---- fds (fdutil.c) ---- */

static inline bool fd_in_range(int64_t fd) { return fd >= 0 && fd < COID_FD_MAX; }
/* New fds must lie below this: RLIMIT_NOFILE's soft limit (p->rlim[7],
 * posix/proc/rlimit.c), at most the fd space. */
static inline int64_t fd_limit(void)
{
	uint64_t l = cur_thread()->proc->rlim[7].cur;
	return l < COID_FD_MAX ? (int64_t)l : COID_FD_MAX;
}
/* The live-or-stale connection of fd in the current process, or NULL. */
struct connection *fd_conn(int64_t fd);
/*
 * Sends on fd (-EBADF unless fd is an fd-space connection). fd_sendv is
 * interruptible by signals (read, write, ioctl: the "slow" calls, which a
 * server may hold). fd_send and fd_kmsg_quiet are for the operations that
 * Linux never interrupts: signals other than SIGKILL and SIGSTOP stay
 * pending until the send is over. fd_sendv and fd_send recover an fd whose
 * server died (recover.c: reopen, then the same message again); fd_send_raw
 * does not (close, dup).
 */
long fd_sendv(int64_t fd, const struct ipc_iov *s, unsigned sn, const struct ipc_iov *r, unsigned rn);
long fd_kmsg_quiet(int coid, const struct ipc_iov *s, unsigned sn, const struct ipc_iov *r,
		   unsigned rn);
/* fd_sendv's and fd_send's common body (recover.c); quiet: as fd_send. */
long fd_send_recover(int64_t fd, bool quiet, const struct ipc_iov *s, unsigned sn,
		     const struct ipc_iov *r, unsigned rn);
static inline long fd_send(int64_t fd, const void *s, size_t sl, void *r, size_t rl)
{
	struct ipc_iov sv = { (uaddr_t)s, sl }, rv = { (uaddr_t)r, rl };
	return fd_send_recover(fd, true, &sv, 1, &rv, r ? 1 : 0);
}
static inline long fd_send_raw(int64_t fd, const void *s, size_t sl, void *r, size_t rl)
{
	struct ipc_iov sv = { (uaddr_t)s, sl }, rv = { (uaddr_t)r, rl };
	if (!fd_in_range(fd))
		return -EBADF;
	return fd_kmsg_quiet((int)fd, &sv, 1, &rv, r ? 1 : 0);
}
/*
 * The server of fd's connection c died (a send on it failed with err,
 * -ESRCH or -EBADF): if fd was opened by path and can recover, waits (at
 * most until *deadline, set on first use, 2 s on; interruptible by signals
 * unless quiet) for the path to be served again and reopens it at the same
 * fd number with the same flags, offset and close-on-exec. 0: send again;
 * else the error to report (err, or -EINTR). See recover.c.
 */
long fd_recover(int fd, struct connection *c, long err, bool quiet, uint64_t *deadline);
/*
 * In a forked child: the parent's fd is stale (the kernel does not copy
 * such connections) and recoverable: reopens its path once, without
 * waiting, at the same fd number (a new OCB, the parent's offset), so
 * that the number is not taken by the child's next open. 0 or -errno.
 */
int fd_recover_inherited(struct process *parent, int fd);
/* Whether fd is a pipe end whose server died (a write reports EPIPE). */
bool fd_pipe_gone(int fd);
/* _IO_CLOSE on fd, then the connection goes (the close of close(2)). */
int fd_close_conn(int fd);
/* _IO_DUP on newfd naming (pid, coid, scoid) of the original connection. */
long fd_send_dup(int newfd, pid_t pid, int coid, int scoid);
/* The open flags of fd (F_GETFL), or -errno. */
long fd_getfl(int fd);
long fd_setfl(int fd, int flags);

/* ---- paths (path.c) ---- */

/*
 * Builds into out (L_PATH_MAX bytes) the absolute normalised form of rel,
 * relative to base when rel is not absolute: repeated '/', "." and ".."
 * folded ("/.." stays "/"). *eflag gets _IO_CONNECT_EFLAG_DIR when rel ends
 * in '/', "." or "..". Returns the length or -ENAMETOOLONG.
 */
long path_fold(char *out, const char *base, const char *rel, uint8_t *eflag);
/* The base directory of a relative path at dirfd: the cwd for AT_FDCWD, or
 * the path fd was opened by. -EBADF, or -ENOTDIR when fd is not (known to
 * be) a directory opened by path. */
int path_dirfd_base(int dirfd, const char **base);

/* ---- resolution (connect.c) ---- */

#define FD_ENTRY_MAX 16  /* entries in a redirect, and symlink hops */
#define FD_REPLY_MAX (sizeof(struct _io_connect_link_reply) + \
		      FD_ENTRY_MAX * sizeof(struct _io_connect_entry) + L_PATH_MAX + 8)

#define CR_KEEP 0x1     /* keep the final connection (open): return its coid */
#define CR_FD 0x2       /* ... in the fd space (else a side channel) */
#define CR_CLOEXEC 0x4  /* ... with close-on-exec */

struct fd_connect;
/* Per-entry hook (rename, link): fills rq->extra for the server of e, or
 * returns -errno to skip that server. */
typedef int (*fd_entry_hook)(struct fd_connect *rq, const struct _io_connect_entry *e);

/* One path operation. Allocated with fd_connect_alloc (it is large). */
struct fd_connect {
	/* request */
	uint16_t subtype;        /* _IO_CONNECT_* */
	uint8_t extra_type;
	uint8_t eflag;           /* _IO_CONNECT_EFLAG_DIR from the path */
	uint32_t ioflag;
	uint32_t mode;
	uint32_t file_type;
	const void *extra;
	uint32_t extra_len;
	const void *io;          /* COMBINE: the I/O message after the connect */
	uint32_t io_len;
	unsigned flags;          /* CR_* */
	int fd_base;             /* CR_FD: lowest fd */
	fd_entry_hook hook;
	void *hook_arg;
	/* result */
	uint32_t status;         /* the final server's reply status */
	/* in: the absolute normalised path; out: the path after symlinks */
	char path[L_PATH_MAX];
	char work[L_PATH_MAX];   /* scratch for callers and symlink splicing */
	struct _io_connect_entry ents[FD_ENTRY_MAX];
	uint32_t nents;
	uint32_t ents_off;       /* path + ents_off is what the entries' prefix_len apply to */
	uint8_t reply[FD_REPLY_MAX] __aligned(8); /* the final server's reply data */
};

/* A zeroed request (NULL when out of memory), freed with kfree. */
struct fd_connect *fd_connect_alloc(void);
/* Fills rq->path from a user path at dirfd. Empty paths are -ENOENT unless
 * allow_empty (then rq->path is empty and 0 is returned). */
int fd_connect_path_user(struct fd_connect *rq, int dirfd, uaddr_t upath, bool allow_empty);
int fd_connect_path_k(struct fd_connect *rq, int dirfd, const char *kpath);
/*
 * Resolves rq->path through procnto and sends the request to each server
 * in turn (see connect.c). Returns, on success, the coid (CR_KEEP) or the
 * reply status (>= 0, also in rq->status; reply data in rq->reply); or -errno.
 */
long fd_connect_run(struct fd_connect *rq);
/* The redirect entries of rq->path (no server contacted; procnto symlinks
 * followed): fills rq->ents/nents/ents_off. 0 or -errno. */
int fd_connect_lookup(struct fd_connect *rq);

/* Path operation with an I/O message combined (stat, chmod...): the
 * connect (COMBINE_CLOSE, no access needed) + io, reply into rq->reply.
 * nofollow: act on a final symlink itself. Returns status or -errno. */
long fd_path_combine(struct fd_connect *rq, const void *io, size_t io_len, bool nofollow);

/* ---- conversions ---- */

/* Linux open flags -> ioflag (_IO_FLAG_RD/WR access bits). */
static inline uint32_t fd_oflag_to_ioflag(uint32_t o)
{
	uint32_t acc = o & L_O_ACCMODE;
	uint32_t rest = o & ~(uint32_t)(L_O_ACCMODE | L_O_CLOEXEC | L_O_LARGEFILE);
	if (o & L_O_PATH)
		return rest & (L_O_PATH | L_O_DIRECTORY | L_O_NOFOLLOW);
	if (acc == 3)
		return rest | _IO_FLAG_RD | _IO_FLAG_WR;
	return rest | (acc + 1);
}

/* ---- stat, poll, console helpers ---- */

/* Whether the process's effective ids may access a file with st for mode
 * (L_R_OK...): 0 or -EACCES. */
int fd_access_check(const struct _io_stat *st, int mode);
/* The kernel console: writes of fds 1 and 2 while they are not open
 * (io_console.c). */
bool console_fallback(int64_t fd);
long console_write_user(uaddr_t buf, size_t n);
long console_writev_user(uaddr_t iov, int64_t cnt);
