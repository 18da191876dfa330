/*
 * The file syscalls of posix/fd/: Linux x86_64 numbers and handlers, for
 * the syscall table (posix/syscall.c). NR_read, NR_write, NR_writev and
 * NR_ioctl are in posix/linux.h.
 */
#pragma once
#include "../linux.h"

#define NR_open 2
#define NR_close 3
#define NR_stat 4
#define NR_fstat 5
#define NR_lstat 6
#define NR_poll 7
#define NR_lseek 8
#define NR_pread64 17
#define NR_pwrite64 18
#define NR_readv 19
#define NR_access 21
#define NR_pipe 22
#define NR_select 23
#define NR_dup 32
#define NR_dup2 33
#define NR_fcntl 72
#define NR_fsync 74
#define NR_fdatasync 75
#define NR_truncate 76
#define NR_ftruncate 77
#define NR_getcwd 79
#define NR_chdir 80
#define NR_fchdir 81
#define NR_rename 82
#define NR_mkdir 83
#define NR_rmdir 84
#define NR_creat 85
#define NR_link 86
#define NR_unlink 87
#define NR_symlink 88
#define NR_readlink 89
#define NR_chmod 90
#define NR_fchmod 91
#define NR_chown 92
#define NR_fchown 93
#define NR_lchown 94
#define NR_umask 95
#define NR_mknod 133
#define NR_sync 162
#define NR_getdents64 217
#define NR_openat 257
#define NR_mkdirat 258
#define NR_mknodat 259
#define NR_fchownat 260
#define NR_newfstatat 262
#define NR_unlinkat 263
#define NR_renameat 264
#define NR_linkat 265
#define NR_symlinkat 266
#define NR_readlinkat 267
#define NR_fchmodat 268
#define NR_faccessat 269
#define NR_pselect6 270
#define NR_ppoll 271
#define NR_utimensat 280
#define NR_dup3 292
#define NR_pipe2 293
#define NR_preadv 295
#define NR_pwritev 296
#define NR_syncfs 306
#define NR_renameat2 316
#define NR_statx 332
#define NR_statfs 137
#define NR_fstatfs 138
#define NR_faccessat2 439

#define FD_SYSCALL(name) long sys_##name(const uint64_t *a, struct trapframe *tf)

/* rw.c */
FD_SYSCALL(read);
FD_SYSCALL(readv);
FD_SYSCALL(pread64);
FD_SYSCALL(pwrite64);
FD_SYSCALL(preadv);
FD_SYSCALL(pwritev);
FD_SYSCALL(lseek);
/* open.c, dup.c */
FD_SYSCALL(open);
FD_SYSCALL(openat);
FD_SYSCALL(creat);
FD_SYSCALL(close);
FD_SYSCALL(dup);
FD_SYSCALL(dup2);
FD_SYSCALL(dup3);
/* fcntl.c, ioctl.c */
FD_SYSCALL(fcntl);
/* stat.c */
FD_SYSCALL(fstat);
FD_SYSCALL(stat);
FD_SYSCALL(lstat);
FD_SYSCALL(newfstatat);
FD_SYSCALL(statx);
/* statfs.c */
FD_SYSCALL(statfs);
FD_SYSCALL(fstatfs);
/* dir.c, names.c */
FD_SYSCALL(getdents64);
FD_SYSCALL(mkdir);
FD_SYSCALL(mkdirat);
FD_SYSCALL(mknod);
FD_SYSCALL(mknodat);
FD_SYSCALL(rmdir);
FD_SYSCALL(unlink);
FD_SYSCALL(unlinkat);
FD_SYSCALL(rename);
FD_SYSCALL(renameat);
FD_SYSCALL(renameat2);
FD_SYSCALL(link);
FD_SYSCALL(linkat);
FD_SYSCALL(symlink);
FD_SYSCALL(symlinkat);
FD_SYSCALL(readlink);
FD_SYSCALL(readlinkat);
/* attr.c */
FD_SYSCALL(access);
FD_SYSCALL(faccessat);
FD_SYSCALL(faccessat2);
FD_SYSCALL(chmod);
FD_SYSCALL(fchmod);
FD_SYSCALL(fchmodat);
FD_SYSCALL(chown);
FD_SYSCALL(fchown);
FD_SYSCALL(lchown);
FD_SYSCALL(fchownat);
FD_SYSCALL(utimensat);
FD_SYSCALL(truncate);
FD_SYSCALL(ftruncate);
FD_SYSCALL(fsync);
FD_SYSCALL(fdatasync);
FD_SYSCALL(sync);
FD_SYSCALL(syncfs);
/* cwd.c */
FD_SYSCALL(chdir);
FD_SYSCALL(fchdir);
FD_SYSCALL(getcwd);
FD_SYSCALL(umask);
/* pipe.c */
FD_SYSCALL(pipe);
FD_SYSCALL(pipe2);
/* poll.c, select.c */
FD_SYSCALL(poll);
FD_SYSCALL(ppoll);
FD_SYSCALL(select);
FD_SYSCALL(pselect6);
