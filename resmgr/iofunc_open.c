/*
 * Opening and closing with POSIX semantics: the open checks (existence
 * flags, directory, permissions against the client's credentials), OCB
 * allocation (through the mount's hooks when given), counting opens in the
 * attribute, binding the OCB to the client's connection, and the close
 * defaults. Called through the handler tables and by servers' own open
 * handlers.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <sys/iofunc.h>

#include "priv.h"

int iofunc_open(resmgr_context_t *ctp, io_open_t *msg, iofunc_attr_t *attr, iofunc_attr_t *dattr,
		struct _client_info *info)
{
	struct _client_info own;
	const struct _client_info *ci = info;
	int r = client_info_default(ctp, &ci, &own);
	if (r)
		return r;
	uint32_t ioflag = msg->connect.ioflag;
	if (!attr)
		return ENOENT; /* creating files is the file system's business */
	if ((ioflag & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL))
		return EEXIST;
	if (S_ISDIR(attr->mode) && (ioflag & _IO_FLAG_WR))
		return EISDIR;
	if ((ioflag & O_TRUNC) && !(ioflag & _IO_FLAG_WR))
		return EACCES;
	mode_t check = 0;
	if (ioflag & _IO_FLAG_RD)
		check |= S_IRUSR;
	if (ioflag & _IO_FLAG_WR)
		check |= S_IWUSR;
	return iofunc_check_access(ctp, attr, check, ci);
}

int iofunc_open_default(resmgr_context_t *ctp, io_open_t *msg, iofunc_attr_t *attr, void *extra)
{
	int r = iofunc_open(ctp, msg, attr, NULL, NULL);
	if (r)
		return r;
	return iofunc_ocb_attach(ctp, msg, NULL, attr, NULL);
}

iofunc_ocb_t *iofunc_ocb_calloc(resmgr_context_t *ctp, iofunc_attr_t *attr)
{
	iofunc_funcs_t *f = attr->mount ? attr->mount->funcs : NULL;
	if (f && f->nfuncs >= 1 && f->ocb_calloc)
		return f->ocb_calloc(ctp, attr);
	return calloc(1, sizeof(iofunc_ocb_t));
}

void iofunc_ocb_free(iofunc_ocb_t *ocb)
{
	iofunc_attr_t *attr = ocb->attr;
	iofunc_funcs_t *f = attr && attr->mount ? attr->mount->funcs : NULL;
	if (f && f->nfuncs >= 2 && f->ocb_free)
		f->ocb_free(ocb);
	else
		free(ocb);
}

int iofunc_ocb_attach(resmgr_context_t *ctp, io_open_t *msg, iofunc_ocb_t *ocb,
		      iofunc_attr_t *attr, const resmgr_io_funcs_t *io_funcs)
{
	int allocated = 0;
	if (!ocb) {
		ocb = iofunc_ocb_calloc(ctp, attr);
		if (!ocb)
			return ENOMEM;
		allocated = 1;
	}
	struct _client_info info;
	int r = iofunc_client_info(ctp, 0, &info);
	if (r) {
		if (allocated)
			iofunc_ocb_free(ocb);
		return r;
	}
	ocb->attr = attr;
	ocb->ioflag = (int32_t)msg->connect.ioflag;
	ocb->sflag = msg->connect.sflag;
	ocb->offset = 0;
	ocb->flags = info.cred.euid == 0 ? IOFUNC_OCB_PRIVILEGED : 0;
	if (resmgr_open_bind(ctp, ocb, io_funcs) == -1) {
		r = errno;
		if (allocated)
			iofunc_ocb_free(ocb);
		return r;
	}
	attr->count++;
	if (ocb->ioflag & _IO_FLAG_RD)
		attr->rcount++;
	if (ocb->ioflag & _IO_FLAG_WR)
		attr->wcount++;
	return EOK;
}

int iofunc_ocb_detach(resmgr_context_t *ctp, iofunc_ocb_t *ocb)
{
	iofunc_attr_t *attr = ocb->attr;
	int last = 0;
	if (ocb->ioflag & _IO_FLAG_RD && attr->rcount && --attr->rcount == 0)
		last |= IOFUNC_OCB_LAST_READER;
	if (ocb->ioflag & _IO_FLAG_WR && attr->wcount && --attr->wcount == 0)
		last |= IOFUNC_OCB_LAST_WRITER;
	if (attr->count && --attr->count == 0)
		last |= IOFUNC_OCB_LAST_INUSE;
	iofunc_time_update(attr);
	return last;
}

int iofunc_close_dup_default(resmgr_context_t *ctp, io_close_t *msg, iofunc_ocb_t *ocb)
{
	return EOK; /* no POSIX locks yet: nothing held per process */
}

int iofunc_close_ocb_default(resmgr_context_t *ctp, void *reserved, iofunc_ocb_t *ocb)
{
	iofunc_ocb_detach(ctp, ocb);
	iofunc_ocb_free(ocb);
	return EOK;
}

int iofunc_unblock_default(resmgr_context_t *ctp, io_pulse_t *msg, iofunc_ocb_t *ocb)
{
	return _RESMGR_DEFAULT;
}
