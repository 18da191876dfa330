/*
 * pm_server: the resource manager of the path manager tests (protocol in
 * pm.h). Started by t_pathmgr with ImageSpawn; attaches the paths on its
 * command line with resmgr_attach (registration with procnto), reports,
 * and serves opens whose data names which attachment answered and what
 * path it was given.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sys/iofunc.h>
#include <sys/dispatch.h>

#include "pm.h"

struct srv_ocb {
	iofunc_ocb_t io; /* first: freed with free() by the default close */
	char text[256];
	size_t len;
};

static const char *tag;
static iofunc_attr_t attrs[PM_MAX];
static resmgr_connect_funcs_t connect_funcs;
static resmgr_io_funcs_t io_funcs;
static dispatch_t *dpp;
static int quit;

static int srv_open(resmgr_context_t *ctp, io_open_t *msg, iofunc_attr_t *attr, void *extra)
{
	const char *path = msg->connect.path;
	if (strncmp(path, "missing", 7) == 0)
		return ENOENT;
	int r = iofunc_open(ctp, msg, attr, NULL, NULL);
	if (r)
		return r;
	struct srv_ocb *o = calloc(1, sizeof(*o));
	if (!o)
		return ENOMEM;
	int n = snprintf(o->text, sizeof(o->text), "%s:%d:%s", tag, (int)(attr - attrs), path);
	o->len = n < (int)sizeof(o->text) ? (size_t)n : sizeof(o->text) - 1;
	r = iofunc_ocb_attach(ctp, msg, &o->io, attr, NULL);
	if (r)
		free(o);
	return r;
}

static int srv_read(resmgr_context_t *ctp, io_read_t *msg, iofunc_ocb_t *ocb)
{
	struct srv_ocb *o = (struct srv_ocb *)ocb;
	int r = iofunc_read_verify(ctp, msg, ocb, NULL);
	if (r)
		return r;
	size_t off = ocb->offset < 0 ? 0 : (size_t)ocb->offset;
	size_t n = off < o->len ? o->len - off : 0;
	if (n > (size_t)msg->i.nbytes)
		n = (size_t)msg->i.nbytes;
	ocb->offset += (int64_t)n;
	_IO_SET_READ_NBYTES(ctp, n);
	return _RESMGR_PTR(ctp, o->text + off, n);
}

static int control(message_context_t *ctp, int type, unsigned flags, void *handle)
{
	struct pm_ctl *c = (struct pm_ctl *)ctp->msg;
	if (type == PM_QUIT) {
		quit = 1;
		return EOK;
	}
	if (ctp->size < sizeof(*c))
		return EBADMSG;
	return resmgr_detach(dpp, c->id, 0) == -1 ? errno : EOK;
}

static unsigned spec_flags(const char *f, mode_t *mode)
{
	unsigned flags = 0;
	*mode = S_IFCHR | 0666;
	for (; *f; f++) {
		switch (*f) {
		case 'd': flags |= _RESMGR_FLAG_DIR; *mode = S_IFDIR | 0777; break;
		case 'b': flags |= _RESMGR_FLAG_BEFORE; break;
		case 'a': flags |= _RESMGR_FLAG_AFTER; break;
		case 'o': flags |= _RESMGR_FLAG_OPAQUE; break;
		}
	}
	return flags;
}

int main(int argc, char **argv)
{
	if (argc < 4 || argc - 4 > PM_MAX)
		return 2;
	tag = argv[3];
	int chid = ChannelCreate(_NTO_CHF_UNBLOCK | _NTO_CHF_DISCONNECT);
	dpp = chid < 0 ? NULL : dispatch_create_channel(chid, 0);
	if (!dpp)
		return 3;
	iofunc_func_init(_RESMGR_CONNECT_NFUNCS, &connect_funcs, _RESMGR_IO_NFUNCS, &io_funcs);
	connect_funcs.open = srv_open;
	io_funcs.read = srv_read;
	struct pm_report rep = {.n = argc - 4, .chid = chid};
	snprintf(rep.tag, sizeof(rep.tag), "%s", tag);
	for (int i = 0; i < rep.n; i++) {
		char spec[256];
		snprintf(spec, sizeof(spec), "%s", argv[4 + i]);
		char *colon = strrchr(spec, ':');
		const char *fl = "";
		if (colon) {
			*colon = '\0';
			fl = colon + 1;
		}
		mode_t mode;
		unsigned flags = spec_flags(fl, &mode);
		iofunc_attr_init(&attrs[i], mode, NULL, NULL);
		errno = 0;
		rep.ids[i] = resmgr_attach(dpp, NULL, spec, _FTYPE_ANY, flags, &connect_funcs,
					   &io_funcs, &attrs[i]);
		rep.errs[i] = rep.ids[i] < 0 ? errno : 0;
	}
	if (message_attach(dpp, NULL, PM_DETACH, PM_QUIT, control, NULL) == -1)
		return 4;
	dispatch_context_t *ctp = dispatch_context_alloc(dpp);
	if (!ctp)
		return 5;
	int coid = ConnectAttach(0, atoi(argv[1]), atoi(argv[2]), _NTO_SIDE_CHANNEL, 0);
	if (coid < 0 || MsgSend(coid, &rep, sizeof(rep), NULL, 0) != 0)
		return 6;
	ConnectDetach(coid);
	while (!quit) {
		if (!dispatch_block(ctp))
			continue;
		dispatch_handler(ctp);
	}
	return 0;
}
