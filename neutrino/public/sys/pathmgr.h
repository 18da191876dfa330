/*
 * The path manager's private protocol: messages a process sends procnto on
 * SYSMGR_COID to add names to the pathname space and remove them. Sent by
 * resmgr_attach() / resmgr_detach() (resmgr/attach.c) and handled by
 * procnto (procnto/pathmgr/). Name resolution itself is the ordinary
 * _IO_CONNECT protocol of <sys/iomsg.h>, answered by procnto with a
 * redirect (see "Resolution" below).
 *
 * Types 0x300..0x33F: outside the I/O range (0x100..0x1FF), so a resmgr
 * dispatch loop hands them to message_attach() handlers.
 *
 * _PATHMGR_LINK    registers path -> (sender's pid, chid, handle, file_type,
 *                  flags). Root only (EPERM). The reply status is the link
 *                  id (> 0). The name lasts until _PATHMGR_UNLINK or until
 *                  the registering process's connection to procnto goes
 *                  away (its death). Errors: EINVAL (path not absolute, bad
 *                  flags or lengths), ENOMEM.
 * _PATHMGR_UNLINK  removes link id. Only the process that registered it may
 *                  (ENOENT otherwise, or for an unknown id); a symlink may be
 *                  removed by any root process. Status 0.
 * _PATHMGR_SYMLINK makes path a symlink to target owned by procnto itself
 *                  (it outlives the sender). Root only. Status: the link id.
 *                  EEXIST when path is already a procnto symlink.
 *
 * Resolution (reply to an _IO_CONNECT with handle 0 on SYSMGR_COID; every
 * subtype): MsgError ENOENT when nothing matches. Otherwise the status is
 * _IO_CONNECT_RET_FLAG | _IO_CONNECT_RET_LINK and the data is
 *   struct _io_connect_link_reply  (nentries, path_len, eflag echoed)
 *   struct _io_connect_entry[nentries]
 *   char path[path_len]            (NUL-terminated)
 * With nentries > 0, path is the request's path as procnto normalised it,
 * which each entry's prefix_len applies to: the server of entry i gets
 * path + prefix_len without leading '/' ("" for the prefix itself). Entries
 * come longest prefix first; equal prefixes BEFORE, normal, AFTER, newest
 * first within each; procnto's own entries (pid SYSMGR_PID, chid
 * SYSMGR_CHID) name /proc/boot, /proc, and, last among equals, directories
 * that exist only because names are attached below them and procnto
 * symlinks that are not followed. An OPAQUE entry hides shorter prefixes.
 * With nentries == 0 the path is a symlink's substitution: resolution
 * restarts with it (the client counts hops: ELOOP after 16).
 *
 * procnto follows a symlink that is the last component unless the request
 * is _IO_CONNECT_READLINK or _IO_CONNECT_UNLINK, or has O_NOFOLLOW in
 * ioflag, or S_IFLNK as the type bits of mode (lstat), or O_CREAT|O_EXCL,
 * or the eflag _IO_CONNECT_EFLAG_DIR forces it (trailing '/'). A server
 * (procnto's /proc/boot included) answers _IO_CONNECT_READLINK on a link
 * with the same RET_LINK reply, nentries 0, path = the link's text.
 */
#pragma once
#include <stdint.h>

#define _PATHMGR_BASE 0x0300
#define _PATHMGR_LINK (_PATHMGR_BASE + 0)
#define _PATHMGR_UNLINK (_PATHMGR_BASE + 1)
#define _PATHMGR_SYMLINK (_PATHMGR_BASE + 2)
#define _PATHMGR_MAX (_PATHMGR_BASE + 0x3F)

/* Registration flags: the same values as resmgr_attach()'s _RESMGR_FLAG_*. */
#define PATHMGR_FLAG_BEFORE 0x0001 /* in front of other servers on the same prefix */
#define PATHMGR_FLAG_AFTER 0x0002  /* behind them */
#define PATHMGR_FLAG_OPAQUE 0x0004 /* shorter matching prefixes are not offered */
#define PATHMGR_FLAG_FTYPEONLY 0x0008
#define PATHMGR_FLAG_FTYPEALL 0x0010
#define PATHMGR_FLAG_DIR 0x0100    /* names below the prefix match too */
#define PATHMGR_FLAG_SELF 0x0200
#define PATHMGR_FLAG_MASK 0x031F

#define PATHMGR_PATH_MAX 1024 /* bytes of a registered path or target, NUL included */

struct _pathmgr_link {
	uint16_t type;      /* _PATHMGR_LINK */
	uint16_t path_len;  /* bytes of path[], NUL included */
	uint32_t flags;     /* PATHMGR_FLAG_* */
	int32_t chid;       /* the server's channel, in the sending process */
	uint32_t handle;    /* given back to clients as _io_connect.handle */
	uint32_t file_type; /* _FTYPE_* the server serves (_FTYPE_ANY: everything) */
	uint32_t zero;
	char path[];        /* absolute */
};
_Static_assert(sizeof(struct _pathmgr_link) == 24, "_pathmgr_link layout");

struct _pathmgr_unlink {
	uint16_t type; /* _PATHMGR_UNLINK */
	uint16_t zero;
	int32_t id;    /* what _PATHMGR_LINK / _PATHMGR_SYMLINK returned */
};

struct _pathmgr_symlink {
	uint16_t type;       /* _PATHMGR_SYMLINK */
	uint16_t path_len;   /* bytes of the path, NUL included */
	uint16_t target_len; /* bytes of the target, NUL included */
	uint16_t zero;
	char data[];         /* path (absolute) NUL, then target NUL */
};
_Static_assert(sizeof(struct _pathmgr_symlink) == 8, "_pathmgr_symlink layout");
