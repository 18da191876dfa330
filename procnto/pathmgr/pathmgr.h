/*
 * procnto's path manager: the pathname space served on channel 1. Called
 * by main.c at start-up (before the dispatch loop runs) and for each
 * disconnect pulse; the rest happens in handlers on the dispatch.
 */
#pragma once
#include <sys/iofunc.h>
#include <sys/dispatch.h>

/*
 * Attaches, in this order, the resolver (attach id 0: _IO_CONNECT with
 * handle 0 is a resolution request, see <sys/pathmgr.h>) and procnto's
 * root (virtual directories and procnto symlinks), and the _PATHMGR_*
 * message handlers. 0, or -1 with errno.
 */
int pathmgr_init(dispatch_t *dpp, int chid);

/* Registers one of procnto's own file systems at path (absolute), served
 * on procnto's channel with attach id `id`, as a directory. 0 or -errno. */
int pathmgr_add_own(const char *path, int id);

/* The client behind scoid is gone: its names go with it. Call before the
 * library's own disconnect handling (which detaches the scoid). */
void pathmgr_disconnect(int scoid);

/* Attach id of procnto's root (pathmgr/rootdir.c). */
extern int pathmgr_root_id;
extern int pathmgr_chid;

/* pathmgr/resolve.c, pathmgr/rootdir.c */
int pathmgr_resolve(resmgr_context_t *ctp, io_open_t *msg, RESMGR_HANDLE_T *handle, void *extra);
int pathmgr_root_connect(resmgr_context_t *ctp, io_open_t *msg, RESMGR_HANDLE_T *handle,
			 void *extra);

struct pn_dirlist;
/* Adds to l the names attached directly below directory path (normalised). */
int pathmgr_list_below(const char *path, struct pn_dirlist *l);
