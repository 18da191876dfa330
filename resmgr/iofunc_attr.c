/*
 * Attribute handlers with POSIX semantics: stat, chmod, chown, utime(s),
 * pathconf, sync, and devctl's generic commands (F_GETFL / F_SETFL, and
 * statfs for a server that is not a file system).
 * Called through the handler tables and by servers' own handlers.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sys/dcmd_fsys.h>
#include <sys/iofunc.h>

int iofunc_stat(resmgr_context_t *ctp, iofunc_attr_t *attr, struct _io_stat *st)
{
	memset(st, 0, sizeof(*st));
	iofunc_mount_t *mnt = attr->mount;
	st->st_dev = mnt ? mnt->dev : 0;
	st->st_ino = attr->inode;
	st->st_nlink = attr->nlink;
	st->st_mode = attr->mode;
	st->st_uid = attr->uid;
	st->st_gid = attr->gid;
	st->st_rdev = attr->rdev;
	st->st_size = attr->nbytes;
	st->st_blksize = mnt && mnt->blocksize > 0 ? mnt->blocksize : 512;
	st->st_blocks = (attr->nbytes + 511) / 512;
	st->st_atime_sec = attr->atime;
	st->st_atime_nsec = attr->atime_nsec;
	st->st_mtime_sec = attr->mtime;
	st->st_mtime_nsec = attr->mtime_nsec;
	st->st_ctime_sec = attr->ctime;
	st->st_ctime_nsec = attr->ctime_nsec;
	return EOK;
}

int iofunc_stat_default(resmgr_context_t *ctp, io_stat_t *msg, iofunc_ocb_t *ocb)
{
	iofunc_time_update(ocb->attr);
	iofunc_stat(ctp, ocb->attr, &msg->o);
	return _RESMGR_PTR(ctp, &msg->o, sizeof(msg->o));
}

int iofunc_chmod_default(resmgr_context_t *ctp, io_chmod_t *msg, iofunc_ocb_t *ocb)
{
	iofunc_attr_t *attr = ocb->attr;
	int r = iofunc_check_access(ctp, attr, S_ISUID, NULL);
	if (r)
		return r;
	attr->mode = (attr->mode & S_IFMT) | (msg->i.mode & 07777);
	attr->flags |= IOFUNC_ATTR_CTIME;
	return EOK;
}

int iofunc_chown_default(resmgr_context_t *ctp, io_chown_t *msg, iofunc_ocb_t *ocb)
{
	iofunc_attr_t *attr = ocb->attr;
	struct _client_info info;
	int r = iofunc_client_info(ctp, 0, &info);
	if (r)
		return r;
	uint32_t uid = msg->i.uid == -1 ? attr->uid : (uint32_t)msg->i.uid;
	uint32_t gid = msg->i.gid == -1 ? attr->gid : (uint32_t)msg->i.gid;
	if (info.cred.euid != 0) {
		/* _POSIX_CHOWN_RESTRICTED: the owner may only change the group, to one of its own */
		if (info.cred.euid != attr->uid || uid != attr->uid)
			return EPERM;
		if (gid != attr->gid && gid != info.cred.egid) {
			int found = 0;
			for (uint32_t i = 0; i < info.cred.ngroups && i < 8; i++)
				found |= info.cred.grouplist[i] == gid;
			if (!found)
				return EPERM;
		}
		attr->mode &= ~(uint32_t)(S_ISUID | S_ISGID);
	}
	attr->uid = uid;
	attr->gid = gid;
	attr->flags |= IOFUNC_ATTR_CTIME;
	return EOK;
}

static void set_time(iofunc_attr_t *attr, int64_t sec, int64_t nsec, int64_t *ts, int64_t *tns,
		     uint32_t dirty)
{
	if (nsec == _IO_UTIME_OMIT)
		return;
	if (nsec == _IO_UTIME_NOW) {
		attr->flags |= dirty;
		return;
	}
	*ts = sec;
	*tns = nsec;
	attr->flags &= ~dirty;
}

int iofunc_utime_default(resmgr_context_t *ctp, io_utime_t *msg, iofunc_ocb_t *ocb)
{
	iofunc_attr_t *attr = ocb->attr;
	const struct _io_utime *u = &msg->i;
	int to_now = u->cur_flag || (u->atime_nsec == _IO_UTIME_NOW && u->mtime_nsec == _IO_UTIME_NOW);
	/* setting "now" needs write permission or ownership; explicit times ownership */
	int r = iofunc_check_access(ctp, attr, S_ISUID, NULL);
	if (r && to_now)
		r = iofunc_check_access(ctp, attr, S_IWUSR, NULL);
	if (r)
		return r;
	if (u->cur_flag) {
		attr->flags |= IOFUNC_ATTR_ATIME | IOFUNC_ATTR_MTIME;
	} else {
		int64_t ok = 999999999;
		if ((u->atime_nsec < 0 || u->atime_nsec > ok) && u->atime_nsec != _IO_UTIME_NOW &&
		    u->atime_nsec != _IO_UTIME_OMIT)
			return EINVAL;
		if ((u->mtime_nsec < 0 || u->mtime_nsec > ok) && u->mtime_nsec != _IO_UTIME_NOW &&
		    u->mtime_nsec != _IO_UTIME_OMIT)
			return EINVAL;
		set_time(attr, u->atime_sec, u->atime_nsec, &attr->atime, &attr->atime_nsec,
			 IOFUNC_ATTR_ATIME);
		set_time(attr, u->mtime_sec, u->mtime_nsec, &attr->mtime, &attr->mtime_nsec,
			 IOFUNC_ATTR_MTIME);
	}
	attr->flags |= IOFUNC_ATTR_CTIME;
	iofunc_time_update(attr);
	return EOK;
}

int iofunc_pathconf_default(resmgr_context_t *ctp, io_pathconf_t *msg, iofunc_ocb_t *ocb)
{
	iofunc_mount_t *mnt = ocb->attr->mount;
	uint32_t conf = mnt ? mnt->conf : IOFUNC_PC_CHOWN_RESTRICTED | IOFUNC_PC_NO_TRUNC;
	long v;
	switch (msg->i.name) {
	case _PC_LINK_MAX: v = 1; break;
	case _PC_NAME_MAX: v = NAME_MAX; break;
	case _PC_PATH_MAX: v = PATH_MAX; break;
	case _PC_PIPE_BUF: v = PIPE_BUF; break;
	case _PC_CHOWN_RESTRICTED: v = (conf & IOFUNC_PC_CHOWN_RESTRICTED) ? 1 : -1; break;
	case _PC_NO_TRUNC: v = (conf & IOFUNC_PC_NO_TRUNC) ? 1 : -1; break;
	case _PC_SYNC_IO: v = (conf & IOFUNC_PC_SYNC_IO) ? 1 : -1; break;
	default: return EINVAL;
	}
	ctp->status = v;
	return EOK;
}

int iofunc_sync_default(resmgr_context_t *ctp, io_sync_t *msg, iofunc_ocb_t *ocb)
{
	return EOK; /* nothing is cached by the defaults */
}

/* The open flags as fcntl(F_GETFL) reports them. */
static int ocb_oflag(const iofunc_ocb_t *ocb)
{
	return (int)_IO_IOFLAG_TO_OFLAG((uint32_t)ocb->ioflag);
}

int iofunc_devctl(resmgr_context_t *ctp, io_devctl_t *msg, iofunc_ocb_t *ocb, iofunc_attr_t *attr)
{
	switch (msg->i.dcmd) {
	case DCMD_ALL_GETFLAGS: {
		/* the reply header, then the data, in place (the buffer holds both) */
		int flags = ocb_oflag(ocb);
		memset(&msg->o, 0, sizeof(msg->o));
		msg->o.nbytes = sizeof(int);
		memcpy(&msg->o + 1, &flags, sizeof(flags));
		return _RESMGR_PTR(ctp, &msg->o, sizeof(msg->o) + sizeof(int));
	}
	case DCMD_ALL_SETFLAGS: {
		int nf;
		if (msg->i.nbytes < (int)sizeof(int) ||
		    resmgr_msgread(ctp, &nf, sizeof(nf), sizeof(msg->i)) != (long)sizeof(nf))
			return EINVAL;
		const uint32_t settable = O_APPEND | O_NONBLOCK | O_DSYNC | O_SYNC | O_RSYNC;
		ocb->ioflag = (int32_t)(((uint32_t)ocb->ioflag & ~settable) | ((uint32_t)nf & settable));
		memset(&msg->o, 0, sizeof(msg->o));
		return _RESMGR_PTR(ctp, &msg->o, sizeof(msg->o));
	}
	case DCMD_FSYS_STATFS: {
		/* a server that is not a file system: no blocks, no inodes */
		struct _fsys_statfs st = {
			.f_type = _FSYS_MAGIC_RESMGR,
			.f_bsize = 4096,
			.f_frsize = 4096,
			.f_namelen = NAME_MAX,
			.f_flags = _FSYS_ST_VALID,
		};
		uint64_t dev = attr->mount ? attr->mount->dev : 0;
		memcpy(st.f_fsid, &dev, sizeof(st.f_fsid));
		memset(&msg->o, 0, sizeof(msg->o));
		msg->o.nbytes = sizeof(st);
		memcpy(&msg->o + 1, &st, sizeof(st));
		return _RESMGR_PTR(ctp, &msg->o, sizeof(msg->o) + sizeof(st));
	}
	}
	return _RESMGR_DEFAULT;
}

int iofunc_devctl_default(resmgr_context_t *ctp, io_devctl_t *msg, iofunc_ocb_t *ocb)
{
	return iofunc_devctl(ctp, msg, ocb, ocb->attr);
}
