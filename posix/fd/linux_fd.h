/*
 * Linux x86_64 constants and structures of the file syscalls, as musl passes
 * them: open flags, *at() flags, file types, fcntl commands, poll events,
 * struct statx, fd_set. Only posix/fd/ uses these.
 */
#pragma once
#include <kernel/types.h>

/* errnos the kernel's errno.h does not name yet (Linux values) */
#ifndef EXDEV
#define EXDEV 18
#endif
#ifndef ENOLCK
#define ENOLCK 37
#endif
#ifndef EOPNOTSUPP
#define EOPNOTSUPP 95
#endif

#define L_PATH_MAX 4096

/* open() flags (octal, as in Linux's asm-generic/fcntl.h) */
#define L_O_ACCMODE 03
#define L_O_RDONLY 00
#define L_O_WRONLY 01
#define L_O_RDWR 02
#define L_O_CREAT 0100
#define L_O_EXCL 0200
#define L_O_NOCTTY 0400
#define L_O_TRUNC 01000
#define L_O_APPEND 02000
#define L_O_NONBLOCK 04000
#define L_O_DSYNC 010000
#define L_O_ASYNC 020000
#define L_O_DIRECT 040000
#define L_O_LARGEFILE 0100000
#define L_O_DIRECTORY 0200000
#define L_O_NOFOLLOW 0400000
#define L_O_NOATIME 01000000
#define L_O_CLOEXEC 02000000
#define L_O_SYNC 04010000
#define L_O_PATH 010000000
#define L_O_TMPFILE 020000000

/* *at() */
#define L_AT_FDCWD (-100)
#define L_AT_SYMLINK_NOFOLLOW 0x100
#define L_AT_REMOVEDIR 0x200
#define L_AT_EACCESS 0x200
#define L_AT_SYMLINK_FOLLOW 0x400
#define L_AT_NO_AUTOMOUNT 0x800
#define L_AT_EMPTY_PATH 0x1000
#define L_AT_STATX_SYNC_TYPE 0x6000

/* access() */
#define L_F_OK 0
#define L_X_OK 1
#define L_W_OK 2
#define L_R_OK 4

/* st_mode */
#define L_S_IFMT 0170000
#define L_S_IFSOCK 0140000
#define L_S_IFLNK 0120000
#define L_S_IFREG 0100000
#define L_S_IFBLK 0060000
#define L_S_IFDIR 0040000
#define L_S_IFCHR 0020000
#define L_S_IFIFO 0010000
#define L_S_ISDIR(m) (((m) & L_S_IFMT) == L_S_IFDIR)
#define L_S_ISREG(m) (((m) & L_S_IFMT) == L_S_IFREG)

/* fcntl() */
#define L_F_DUPFD 0
#define L_F_GETFD 1
#define L_F_SETFD 2
#define L_F_GETFL 3
#define L_F_SETFL 4
#define L_F_GETLK 5
#define L_F_SETLK 6
#define L_F_SETLKW 7
#define L_F_SETOWN 8
#define L_F_GETOWN 9
#define L_F_OFD_GETLK 36
#define L_F_OFD_SETLK 37
#define L_F_OFD_SETLKW 38
#define L_F_DUPFD_CLOEXEC 1030
#define L_FD_CLOEXEC 1

/* ioctl() requests handled here rather than by the server */
#define L_FIONBIO 0x5421
#define L_FIONCLEX 0x5450
#define L_FIOCLEX 0x5451
#define L_FIOASYNC 0x5452
/* _IOC encoding: dir in bits 30-31 (1 = write to the device, 2 = read) */
#define L_IOC_WRITE 1u
#define L_IOC_READ 2u
#define L_IOC_DIR(r) (((r) >> 30) & 3u)
#define L_IOC_SIZE(r) (((r) >> 16) & 0x3fffu)

/* poll() */
#define L_POLLIN 0x001
#define L_POLLPRI 0x002
#define L_POLLOUT 0x004
#define L_POLLERR 0x008
#define L_POLLHUP 0x010
#define L_POLLNVAL 0x020
#define L_POLLRDNORM 0x040
#define L_POLLRDBAND 0x080
#define L_POLLWRNORM 0x100
#define L_POLLWRBAND 0x200

struct linux_pollfd {
	int32_t fd;
	int16_t events;
	int16_t revents;
};

struct linux_timeval {
	int64_t tv_sec;
	int64_t tv_usec;
};

#define L_FD_SETSIZE 1024

/* utimensat() */
#define L_UTIME_NOW ((1l << 30) - 1l)
#define L_UTIME_OMIT ((1l << 30) - 2l)

/* statx() */
#define L_STATX_BASIC_STATS 0x7ffu

struct linux_statx_timestamp {
	int64_t tv_sec;
	uint32_t tv_nsec;
	int32_t reserved;
};

struct linux_statx {
	uint32_t stx_mask;
	uint32_t stx_blksize;
	uint64_t stx_attributes;
	uint32_t stx_nlink;
	uint32_t stx_uid;
	uint32_t stx_gid;
	uint16_t stx_mode;
	uint16_t spare0;
	uint64_t stx_ino;
	uint64_t stx_size;
	uint64_t stx_blocks;
	uint64_t stx_attributes_mask;
	struct linux_statx_timestamp stx_atime, stx_btime, stx_ctime, stx_mtime;
	uint32_t stx_rdev_major, stx_rdev_minor;
	uint32_t stx_dev_major, stx_dev_minor;
	uint64_t spare[14];
};
_Static_assert(sizeof(struct linux_statx) == 256, "struct statx");
_Static_assert(offsetof(struct linux_statx, stx_atime) == 64, "statx atime");
_Static_assert(offsetof(struct linux_statx, stx_rdev_major) == 128, "statx rdev");
