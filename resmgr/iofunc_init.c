/*
 * iofunc set-up and credentials: the default handler tables, attribute
 * initialisation, time stamps, the client's credentials and the POSIX
 * permission check. Called by servers and the other iofunc_* defaults.
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include <sys/iofunc.h>

#include "priv.h"

void iofunc_func_init(unsigned nconnect, resmgr_connect_funcs_t *connect, unsigned nio,
		      resmgr_io_funcs_t *io)
{
	if (connect) {
		memset(connect, 0, sizeof(*connect));
		connect->nfuncs = nconnect < _RESMGR_CONNECT_NFUNCS ? nconnect : _RESMGR_CONNECT_NFUNCS;
		connect->open = iofunc_open_default;
	}
	if (io) {
		memset(io, 0, sizeof(*io));
		io->nfuncs = nio < _RESMGR_IO_NFUNCS ? nio : _RESMGR_IO_NFUNCS;
		io->read = iofunc_read_default;
		io->write = iofunc_write_default;
		io->close_ocb = iofunc_close_ocb_default;
		io->stat = iofunc_stat_default;
		io->devctl = iofunc_devctl_default;
		io->unblock = iofunc_unblock_default;
		io->pathconf = iofunc_pathconf_default;
		io->lseek = iofunc_lseek_default;
		io->chmod = iofunc_chmod_default;
		io->chown = iofunc_chown_default;
		io->utime = iofunc_utime_default;
		io->close_dup = iofunc_close_dup_default;
		io->sync = iofunc_sync_default;
	}
}

static void now(int64_t *sec, int64_t *nsec)
{
	uint64_t ns = 0;
	ClockTime(_NTO_CLOCK_REALTIME, NULL, &ns);
	*sec = (int64_t)(ns / 1000000000u);
	*nsec = (int64_t)(ns % 1000000000u);
}

void iofunc_time_update(iofunc_attr_t *attr)
{
	if (!(attr->flags & IOFUNC_ATTR_DIRTY_TIME))
		return;
	int64_t s, ns;
	now(&s, &ns);
	if (attr->flags & IOFUNC_ATTR_ATIME)
		attr->atime = s, attr->atime_nsec = ns;
	if (attr->flags & IOFUNC_ATTR_MTIME)
		attr->mtime = s, attr->mtime_nsec = ns;
	if (attr->flags & IOFUNC_ATTR_CTIME)
		attr->ctime = s, attr->ctime_nsec = ns;
	attr->flags &= ~IOFUNC_ATTR_DIRTY_TIME;
}

void iofunc_attr_init(iofunc_attr_t *attr, mode_t mode, iofunc_attr_t *dattr,
		      struct _client_info *info)
{
	memset(attr, 0, sizeof(*attr));
	if (!(mode & S_IFMT))
		mode |= S_IFREG;
	attr->mode = mode;
	attr->nlink = S_ISDIR(mode) ? 2 : 1;
	if (info) {
		attr->uid = info->cred.euid;
		attr->gid = info->cred.egid;
	}
	if (dattr) {
		attr->mount = dattr->mount;
		if (dattr->mode & S_ISGID)
			attr->gid = dattr->gid;
	}
	attr->flags = IOFUNC_ATTR_DIRTY_TIME;
	iofunc_time_update(attr);
}

int iofunc_client_info(resmgr_context_t *ctp, int ioflag, struct _client_info *info)
{
	if (ConnectClientInfo(ctp->info.scoid, info, 0) == -1)
		return errno;
	return EOK;
}

static int in_group(const struct _client_info *info, uint32_t gid)
{
	if (info->cred.egid == gid)
		return 1;
	uint32_t n = info->cred.ngroups;
	if (n > 8)
		n = 8;
	for (uint32_t i = 0; i < n; i++)
		if (info->cred.grouplist[i] == gid)
			return 1;
	return 0;
}

int client_info_default(resmgr_context_t *ctp, const struct _client_info **info,
			struct _client_info *own)
{
	if (*info)
		return 0;
	int r = iofunc_client_info(ctp, 0, own);
	if (!r)
		*info = own;
	return r;
}

int iofunc_check_access(resmgr_context_t *ctp, const iofunc_attr_t *attr, mode_t checkmode,
			const struct _client_info *info)
{
	struct _client_info own;
	int r = client_info_default(ctp, &info, &own);
	if (r)
		return r;
	uint32_t euid = info->cred.euid;
	if (checkmode & S_ISUID) {
		if (euid != 0 && euid != attr->uid)
			return EPERM;
	}
	if (checkmode & S_ISGID) {
		if (euid != 0 && euid != attr->uid && !in_group(info, attr->gid))
			return EPERM;
	}
	mode_t want = checkmode & (S_IRUSR | S_IWUSR | S_IXUSR);
	if (!want)
		return EOK;
	if (euid == 0) {
		/* root: read and write always; execute if anyone may */
		if ((want & S_IXUSR) && !S_ISDIR(attr->mode) &&
		    !(attr->mode & (S_IXUSR | S_IXGRP | S_IXOTH)))
			return EACCES;
		return EOK;
	}
	mode_t have;
	if (euid == attr->uid)
		have = attr->mode & S_IRWXU;
	else if (in_group(info, attr->gid))
		have = (attr->mode & S_IRWXG) << 3;
	else
		have = (attr->mode & S_IRWXO) << 6;
	return (have & want) == want ? EOK : EACCES;
}
