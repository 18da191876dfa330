/*
 * The I/O message protocol between clients (the POSIX personality, test
 * programs) and resource managers (resmgr/): message types 0x100..0x1FF,
 * their request and reply layouts, the _IO_CONNECT subtypes and reply flags.
 * Numbering and layouts follow QNX Neutrino 6 (reference section 5.2),
 * with every field of fixed width so that the layouts are the same for the
 * kernel's posix/ layer (__KERNEL__) and for musl programs.
 *
 * Conventions:
 *  - Every I/O message starts with {u16 type; u16 combine_len}. combine_len
 *    is the length of this message when another one follows it in the same
 *    send, with _IO_COMBINE_FLAG set; 0 for a lone message.
 *  - The reply status (MsgReply's status, what MsgSend returns) carries the
 *    result: a byte count for read/write, 0 (EOK) otherwise; errors come
 *    back through MsgError (MsgSend fails with errno).
 *  - ioflag in _IO_CONNECT is Linux's O_* flags with the access mode
 *    encoded as _IO_FLAG_RD / _IO_FLAG_WR: O_RDONLY -> 1, O_WRONLY -> 2,
 *    O_RDWR -> 3 (i.e. (oflag & ~O_ACCMODE) | ((oflag & O_ACCMODE) + 1)).
 *  - struct stat in replies is Linux x86_64's (struct _io_stat below), the
 *    layout musl's struct stat has.
 */
#pragma once
#include <sys/neutrino.h>

#ifndef EOK
#define EOK 0 /* QNX's name for "no error": a handler's success result */
#endif

#define _IO_BASE 0x100
#define _IO_MAX 0x1FF

/* Message types (QNX 6 numbering). */
#define _IO_CONNECT 0x100
#define _IO_READ 0x101
#define _IO_WRITE 0x102
#define _IO_RSVD_CLOSE_OCB 0x103 /* never sent: close_ocb is called by the library */
#define _IO_STAT 0x104
#define _IO_NOTIFY 0x105
#define _IO_DEVCTL 0x106
#define _IO_RSVD_UNBLOCK 0x107 /* never sent: unblock comes as _PULSE_CODE_UNBLOCK */
#define _IO_PATHCONF 0x108
#define _IO_LSEEK 0x109
#define _IO_CHMOD 0x10A
#define _IO_CHOWN 0x10B
#define _IO_UTIME 0x10C
#define _IO_OPENFD 0x10D
#define _IO_FDINFO 0x10E
#define _IO_LOCK 0x10F
#define _IO_SPACE 0x110
#define _IO_SHUTDOWN 0x111
#define _IO_MMAP 0x112
#define _IO_MSG 0x113
#define _IO_RSVD 0x114
#define _IO_DUP 0x115
#define _IO_CLOSE 0x116
#define _IO_RSVD_LOCK_OCB 0x117
#define _IO_RSVD_UNLOCK_OCB 0x118
#define _IO_SYNC 0x119
#define _IO_POWER 0x11A

#define _IO_COMBINE_FLAG 0x8000

/* Access mode bits of ioflag (and of iofunc_ocb_t.ioflag). */
#define _IO_FLAG_RD 0x0001
#define _IO_FLAG_WR 0x0002
#define _IO_FLAG_MASK 0x0003

/* Converts open()'s oflag (Linux O_*) to ioflag and back. */
#define _IO_OFLAG_TO_IOFLAG(o) (((o) & ~3u) | (((o) & 3u) + 1))
#define _IO_IOFLAG_TO_OFLAG(i) (((i) & ~3u) | ((((i) & 3u) - 1) & 3u)) /* 0 -> 3 */

/*
 * _IO_CONNECT: path operations. The path (path_len bytes including its NUL)
 * follows the header at offset 40; extra_len bytes of extra data follow at
 * 40 + _IO_CONNECT_ALIGN(path_len); for the COMBINE subtypes the I/O
 * message follows at 40 + _IO_CONNECT_ALIGN(path_len) +
 * _IO_CONNECT_ALIGN(extra_len). handle selects the server's attachment
 * (resmgr_attach's id; procnto's path manager fills it in from its entry).
 */
#define _IO_CONNECT_COMBINE 0
#define _IO_CONNECT_COMBINE_CLOSE 1
#define _IO_CONNECT_OPEN 2
#define _IO_CONNECT_UNLINK 3
#define _IO_CONNECT_RENAME 4
#define _IO_CONNECT_MKNOD 5
#define _IO_CONNECT_READLINK 6
#define _IO_CONNECT_LINK 7
#define _IO_CONNECT_RSVD_UNBLOCK 8
#define _IO_CONNECT_MOUNT 9

#define _IO_CONNECT_EXTRA_NONE 0
#define _IO_CONNECT_EXTRA_LINK 1
#define _IO_CONNECT_EXTRA_SYMLINK 2
#define _IO_CONNECT_EXTRA_MQUEUE 3
#define _IO_CONNECT_EXTRA_PHOTON 4
#define _IO_CONNECT_EXTRA_SOCKET 5
#define _IO_CONNECT_EXTRA_SEM 6
#define _IO_CONNECT_EXTRA_RESMGR_LINK 7
#define _IO_CONNECT_EXTRA_PROC_SYMLINK 8
#define _IO_CONNECT_EXTRA_RENAME 9
#define _IO_CONNECT_EXTRA_MOUNT 10
#define _IO_CONNECT_EXTRA_MOUNT_OCB 11
#define _IO_CONNECT_EXTRA_TYMEM 12

#define _IO_CONNECT_EFLAG_DIR 0x01
#define _IO_CONNECT_EFLAG_DOT 0x02
#define _IO_CONNECT_EFLAG_DOTDOT 0x04

#define _IO_CONNECT_ALIGN(n) (((n) + 7u) & ~7u)

struct _io_connect {
	uint16_t type;
	uint16_t subtype;
	uint32_t file_type; /* _FTYPE_* */
	uint16_t reply_max;
	uint16_t entry_max;
	uint32_t key;
	uint32_t handle;
	uint32_t ioflag;    /* see above */
	uint32_t mode;      /* S_IF* type and permission bits (creat, mknod) */
	uint16_t sflag;     /* sharing (SH_*) */
	uint16_t access;
	uint16_t zero;
	uint16_t path_len;  /* including the NUL */
	uint8_t eflag;      /* _IO_CONNECT_EFLAG_* */
	uint8_t extra_type; /* _IO_CONNECT_EXTRA_* */
	uint16_t extra_len;
	char path[];
};
_Static_assert(sizeof(struct _io_connect) == 40, "_io_connect layout");

/* Reply status flags of _IO_CONNECT (the status word; errors use MsgError). */
#define _IO_CONNECT_RET_FLAG 0x80000000u
#define _IO_CONNECT_RET_TYPE_MASK 0x001F8000u
#define _IO_CONNECT_RET_FTYPE 0x00008000u
#define _IO_CONNECT_RET_LINK 0x00010000u
#define _IO_CONNECT_RET_UMASK 0x00020000u
#define _IO_CONNECT_RET_NOCTTY 0x00040000u
#define _IO_CONNECT_RET_CHROOT 0x00080000u
#define _IO_CONNECT_RET_MSG 0x00100000u

/* Reply to a redirect (RET_LINK): header, nentries entries, then the path. */
struct _io_connect_link_reply {
	uint32_t reserved1;
	uint32_t file_type;
	uint8_t eflag;
	uint8_t reserved2[1];
	uint16_t chroot_len;
	uint32_t umask;
	uint16_t nentries;
	uint16_t path_len;
};
_Static_assert(sizeof(struct _io_connect_link_reply) == 20, "link reply layout");

struct _io_connect_entry {
	uint32_t nd;
	int32_t pid;
	int32_t chid;
	uint32_t handle;
	uint32_t key;
	uint32_t file_type;
	uint16_t prefix_len;
	uint16_t zero[3];
};
_Static_assert(sizeof(struct _io_connect_entry) == 32, "connect entry layout");

/* Reply for RET_FTYPE: "matched, but here is the errno / file type". */
struct _io_connect_ftype_reply {
	uint16_t status; /* errno */
	uint16_t reserved;
	uint32_t file_type;
};

/* File types (_io_connect.file_type, resmgr_attach's ftype). */
#define _FTYPE_MATCHED (-1)
#define _FTYPE_ALL (-1)
#define _FTYPE_ANY 0
#define _FTYPE_FILE 1
#define _FTYPE_LINK 2
#define _FTYPE_SYMLINK 3
#define _FTYPE_PIPE 4
#define _FTYPE_SHMEM 5
#define _FTYPE_MQUEUE 6
#define _FTYPE_SOCKET 7
#define _FTYPE_SEM 8
#define _FTYPE_PHOTON 9
#define _FTYPE_DUMPER 10
#define _FTYPE_MOUNT 11
#define _FTYPE_NAME 12
#define _FTYPE_TYMEM 13

/*
 * _IO_READ / _IO_WRITE. Write data follows the header (after the
 * _xtype_offset for _IO_XTYPE_OFFSET). Read replies carry the data; the
 * status is the byte count.
 */
#define _IO_XTYPE_NONE 0x00
#define _IO_XTYPE_READCOND 0x01
#define _IO_XTYPE_MQUEUE 0x02
#define _IO_XTYPE_TCFLOW 0x03
#define _IO_XTYPE_TCFLUSH 0x04
#define _IO_XTYPE_REGISTRY 0x05
#define _IO_XTYPE_OFFSET 0x06 /* pread/pwrite: struct _xtype_offset follows */
#define _IO_XTYPE_MASK 0xFF
#define _IO_XFLAG_DIR_EXTRA_HINT 0x0100
#define _IO_XFLAG_NONBLOCK 0x4000 /* override O_NONBLOCK for this call */
#define _IO_XFLAG_BLOCK 0x8000

struct _io_read {
	uint16_t type;
	uint16_t combine_len;
	int32_t nbytes;
	uint32_t xtype;
	uint32_t zero;
};

struct _io_write {
	uint16_t type;
	uint16_t combine_len;
	int32_t nbytes;
	uint32_t xtype;
	uint32_t zero;
};

struct _xtype_offset {
	int64_t offset;
};

struct _xtype_readcond {
	int32_t min;
	int32_t time;
	int32_t timeout;
	int32_t zero;
};

/*
 * _IO_STAT. The request is struct _io_stat_req (QNX calls it _io_stat);
 * the reply is struct _io_stat, Linux x86_64's struct stat (144 bytes).
 * Time fields are named *_sec / *_nsec because musl defines st_atime etc.
 * as macros.
 */
struct _io_stat_req {
	uint16_t type;
	uint16_t combine_len;
	uint32_t zero;
};

struct _io_stat {
	uint64_t st_dev;
	uint64_t st_ino;
	uint64_t st_nlink;
	uint32_t st_mode;
	uint32_t st_uid;
	uint32_t st_gid;
	uint32_t st_pad0;
	uint64_t st_rdev;
	int64_t st_size;
	int64_t st_blksize;
	int64_t st_blocks;
	int64_t st_atime_sec;
	int64_t st_atime_nsec;
	int64_t st_mtime_sec;
	int64_t st_mtime_nsec;
	int64_t st_ctime_sec;
	int64_t st_ctime_nsec;
	int64_t st_reserved[3];
};
_Static_assert(sizeof(struct _io_stat) == 144, "Linux x86_64 struct stat");
_Static_assert(__builtin_offsetof(struct _io_stat, st_mode) == 24, "st_mode");
_Static_assert(__builtin_offsetof(struct _io_stat, st_size) == 48, "st_size");
_Static_assert(__builtin_offsetof(struct _io_stat, st_atime_sec) == 72, "st_atim");

/*
 * _IO_NOTIFY (select/poll/ionotify). action: poll only, or poll and arm the
 * event when none of the requested conditions holds, or arm for the next
 * transition. The reply's flags are the requested conditions that hold.
 */
#define _NOTIFY_ACTION_POLL 0x0
#define _NOTIFY_ACTION_POLLARM 0x1
#define _NOTIFY_ACTION_TRANARM 0x2
#define _NOTIFY_ACTION_CONDARM 0x3
#define _NOTIFY_ACTION_MASK 0x3

#define _NOTIFY_COND_MASK 0xF0000000u
#define _NOTIFY_COND_EXTEN 0x80000000u
#define _NOTIFY_COND_OUTPUT 0x40000000u
#define _NOTIFY_COND_INPUT 0x20000000u
#define _NOTIFY_COND_OBAND 0x10000000u
#define _NOTIFY_DATA_MASK (~_NOTIFY_COND_MASK)

struct _io_notify {
	uint16_t type;
	uint16_t combine_len;
	int32_t action;
	uint32_t flags; /* _NOTIFY_COND_* wanted */
	uint32_t zero;
#ifdef __KERNEL__
	struct _sigevent_nto event;
#else
	struct sigevent event;
#endif
};
_Static_assert(sizeof(struct _io_notify) == 80, "_io_notify layout");

struct _io_notify_reply {
	uint32_t zero;
	uint32_t flags; /* _NOTIFY_COND_* that hold */
};

/*
 * _IO_DEVCTL (devctl, ioctl, fcntl F_GETFL/F_SETFL). nbytes of data follow
 * the header; the reply is _io_devctl_reply followed by data.
 * dcmd encoding: direction in bits 30-31, size in bits 16-29, class in
 * 8-15, command in 0-7.
 */
#define _POSIX_DEVDIR_NONE 0
#define _POSIX_DEVDIR_TO 0x80000000u
#define _POSIX_DEVDIR_FROM 0x40000000u
#define _POSIX_DEVDIR_TOFROM (_POSIX_DEVDIR_TO | _POSIX_DEVDIR_FROM)
#define _POSIX_DEVDIR_CMD_MASK 0x0000FFFFu
#define __DIOF(class, cmd, data) \
	((int)(((sizeof(data)) << 16) + ((class) << 8) + (cmd) + _POSIX_DEVDIR_FROM))
#define __DIOT(class, cmd, data) \
	((int)(((sizeof(data)) << 16) + ((class) << 8) + (cmd) + _POSIX_DEVDIR_TO))
#define __DIOTF(class, cmd, data) \
	((int)(((sizeof(data)) << 16) + ((class) << 8) + (cmd) + _POSIX_DEVDIR_TOFROM))
#define __DION(class, cmd) ((int)(((class) << 8) + (cmd) + _POSIX_DEVDIR_NONE))
#define get_device_direction(dcmd) ((unsigned)(dcmd) & 0xC0000000u)
#define _DEVCTL_DATA_SIZE(dcmd) (((unsigned)(dcmd) >> 16) & 0x3FFFu)

#define _DCMD_ALL 0x01
#define _DCMD_FSYS 0x02
#define _DCMD_BLK _DCMD_FSYS
#define _DCMD_CHR 0x03
#define _DCMD_NET 0x04
#define _DCMD_MISC 0x05

/* F_GETFL / F_SETFL: the open flags (Linux O_* values, access mode as in
 * open(), not as ioflag). SETFLAGS changes only O_APPEND, O_NONBLOCK and the
 * sync flags. */
#define DCMD_ALL_GETFLAGS __DIOF(_DCMD_ALL, 0x01, int)
#define DCMD_ALL_SETFLAGS __DIOT(_DCMD_ALL, 0x02, int)
#define DCMD_ALL_GETMOUNTFLAGS __DIOF(_DCMD_ALL, 0x03, int)
#define DCMD_ALL_GETOWN __DIOF(_DCMD_ALL, 0x04, int32_t)
#define DCMD_ALL_SETOWN __DIOT(_DCMD_ALL, 0x05, int32_t)

struct _io_devctl {
	uint16_t type;
	uint16_t combine_len;
	int32_t dcmd;
	int32_t nbytes;
	int32_t zero;
};

struct _io_devctl_reply {
	uint32_t zero;
	int32_t ret_val;
	int32_t nbytes;
	int32_t zero2;
};

/* _IO_PATHCONF: the status is the value. */
struct _io_pathconf {
	uint16_t type;
	uint16_t combine_len;
	int16_t name;
	uint16_t zero;
};

/* _IO_LSEEK: whence is SEEK_SET/CUR/END (0/1/2); the reply is the new offset. */
struct _io_lseek {
	uint16_t type;
	uint16_t combine_len;
	int16_t whence;
	uint16_t zero;
	int64_t offset;
};

/* _IO_CHMOD / _IO_CHOWN: status only. */
struct _io_chmod {
	uint16_t type;
	uint16_t combine_len;
	uint32_t mode;
};

struct _io_chown {
	uint16_t type;
	uint16_t combine_len;
	int32_t uid;
	int32_t gid;
};

/*
 * _IO_UTIME: cur_flag != 0 sets both times to now; otherwise each time is
 * taken from the message, where nsec == _IO_UTIME_NOW means now and
 * _IO_UTIME_OMIT leaves it unchanged (Linux's UTIME_NOW / UTIME_OMIT).
 */
#define _IO_UTIME_NOW ((1l << 30) - 1l)
#define _IO_UTIME_OMIT ((1l << 30) - 2l)

struct _io_utime {
	uint16_t type;
	uint16_t combine_len;
	int32_t cur_flag;
	int64_t atime_sec;
	int64_t atime_nsec;
	int64_t mtime_sec;
	int64_t mtime_nsec;
};

/*
 * _IO_SPACE (ftruncate, F_ALLOCSP, F_FREESP): subtype says allocate or
 * free; the range is [start, start + len) relative to whence, len 0 meaning
 * "to the end of file". The reply is the new size (uint64).
 */
#define _IO_SPACE_ALLOCSP 10 /* QNX F_ALLOCSP */
#define _IO_SPACE_FREESP 11  /* QNX F_FREESP */

struct _io_space {
	uint16_t type;
	uint16_t combine_len;
	uint16_t subtype;
	int16_t whence;
	int64_t start;
	int64_t len;
};

/* _IO_SYNC: flag is O_SYNC, O_DSYNC or O_RSYNC (Linux values). */
struct _io_sync {
	uint16_t type;
	uint16_t combine_len;
	uint32_t flag;
};

/* _IO_MSG: manager-specific messages; data follows. */
struct _io_msg {
	uint16_t type;
	uint16_t combine_len;
	uint16_t mgrid;
	uint16_t subtype;
};

/*
 * _IO_MMAP: mmap() of the fd it is sent on (the kernel sends it for the
 * client, posix/mem.c). prot is the access the mapping needs to the file's
 * data: PROT_READ | PROT_EXEC as asked, and PROT_WRITE only for a writable
 * MAP_SHARED mapping (a private mapping never writes the file); offset is
 * the page-aligned file offset. A server that can map its files answers
 * with the id of a memory object it owns (sys/memobj.h) holding the file's
 * data from offset 0, and in allowed the PROT_* bits that mappings of this
 * OCB may ever get (mprotect's limit); it refuses with EACCES when the open
 * mode does not allow prot (reading is always needed). The kernel maps the
 * object only if the replying server owns it. The resmgr library's default
 * is ENODEV: the server cannot map files (MAP_PRIVATE then falls back to a
 * copy read from the file, MAP_SHARED fails).
 */
struct _io_mmap {
	uint16_t type;
	uint16_t combine_len;
	uint32_t prot;
	uint64_t offset;
	struct _msg_info info; /* zero from the kernel */
	uint32_t zero[6];
};

struct _io_mmap_reply {
	uint32_t zero;
	uint32_t allowed; /* PROT_* mappings of this OCB may have (QNX: flags) */
	uint64_t offset;  /* 0 */
	int32_t coid;     /* -1 */
	int32_t memobj;   /* the object id in the server (QNX: fd) */
};
_Static_assert(sizeof(struct _io_mmap_reply) == 24, "_io_mmap_reply layout");

/*
 * _IO_DUP: binds the connection it is sent on to the OCB of another
 * connection (dup, fork and spawn inheritance). info names the original:
 * its pid, coid and scoid (ConnectServerInfo gives the scoid).
 */
struct _io_dup {
	uint16_t type;
	uint16_t combine_len;
	uint32_t reserved;
	struct _msg_info info;
	uint32_t key;
	uint32_t zero;
};

/* _IO_CLOSE: drops the binding of the connection it is sent on. */
struct _io_close {
	uint16_t type;
	uint16_t combine_len;
};
