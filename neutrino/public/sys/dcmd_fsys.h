/*
 * File-system device-control commands (_DCMD_FSYS), shared by the POSIX
 * personality (posix/fd/statfs.c), the resmgr library's default and the
 * file systems.
 *
 * DCMD_FSYS_STATFS: the file system an OCB is on, as Linux's statfs(2)
 * reports it: the reply data is struct _fsys_statfs, Linux x86_64's
 * struct statfs. A server that is not a file system (a device, a pipe
 * manager) answers with the resmgr library's default: f_type
 * _FSYS_MAGIC_RESMGR, no blocks, no inodes.
 */
#pragma once
#include <stdint.h>
#include <sys/iomsg.h>

struct _fsys_statfs {
	int64_t f_type;    /* a magic number: the kind of file system */
	int64_t f_bsize;   /* transfer block size */
	uint64_t f_blocks; /* size in f_frsize units */
	uint64_t f_bfree;
	uint64_t f_bavail; /* free for unprivileged users */
	uint64_t f_files;  /* inodes */
	uint64_t f_ffree;
	int32_t f_fsid[2];
	int64_t f_namelen; /* longest name */
	int64_t f_frsize;  /* fragment size */
	int64_t f_flags;   /* ST_* mount flags */
	int64_t f_spare[4];
};
_Static_assert(sizeof(struct _fsys_statfs) == 120, "Linux struct statfs");

#define DCMD_FSYS_STATFS __DIOF(_DCMD_FSYS, 13, struct _fsys_statfs)

#define _FSYS_MAGIC_RESMGR 0x4e544f52 /* "NTOR": a resource manager, not a file system */
#define _FSYS_ST_VALID 0x0020         /* Linux: f_flags is filled in */
