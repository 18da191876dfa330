/*
 * File descriptors of the POSIX personality, for the rest of posix/ (exec,
 * fork, exit in posix/proc/). An fd is a connection in the process's fd id
 * space (DESIGN.md section 6); these operate on the current process with
 * kernel buffers and kernel path strings, and return -errno on failure.
 * Every function may block in a message send: call them with no lock held,
 * from the thread of the process concerned.
 */
#pragma once
#include <kernel/types.h>
#include <sys/iomsg.h>

struct process;

/* open(2) of a kernel path (relative to the cwd when not absolute); oflags
 * and mode as Linux's open(). Returns the fd or -errno. */
int fd_open_k(const char *kpath, int oflags, int mode);
/* The same relative to directory fd dirfd (AT_FDCWD: the cwd). */
int fd_openat_k(int dirfd, const char *kpath, int oflags, int mode);
/* pread(2) into a kernel buffer. Bytes read or -errno. */
long fd_pread_k(int fd, void *kbuf, size_t n, uint64_t off);
int fd_fstat_k(int fd, struct _io_stat *st);
/* close(2): _IO_CLOSE to the server, then the connection goes. 0 or -EBADF. */
int fd_close(int fd);

/*
 * In a freshly forked or spawned child whose fd connections the kernel
 * duplicated from its parent (same numbers, same channels): sends _IO_DUP
 * on each so that its server binds the child's connection to the parent's
 * OCB, and copies the parent's cwd, umask and per-fd paths. The parent's
 * connections must still be open (the parent must not run between the
 * duplication and this call). An fd whose server refuses the dup is closed
 * in the child. Returns 0 or -ENOMEM.
 */
int fd_fork_child(void);
/* At exec: closes the close-on-exec fds (with _IO_CLOSE) and drops the
 * poll channels posix/fd made in the process. */
void fd_exec_cloexec(void);
/* At process exit, from the last thread still running: closes every fd
 * with _IO_CLOSE (each send bounded by a timeout), then detaches it. */
void fd_exit_all(void);
