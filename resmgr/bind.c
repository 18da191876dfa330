/*
 * The connection -> OCB bindings: a hash table keyed by (scoid, coid) from
 * _msg_info, each binding pointing at a shared OCB record with a reference
 * count (dup'ed and inherited connections share the OCB). Opening binds
 * (resmgr_open_bind), _IO_DUP adds a binding, _IO_CLOSE and disconnects
 * drop them; the last binding of an OCB calls its close_ocb handler.
 * Called by io.c, connect.c and iofunc_ocb_attach().
 */
#include <errno.h>
#include <stdlib.h>

#include "priv.h"

static unsigned bucket_of(int scoid, int coid)
{
	uint32_t h = (uint32_t)scoid * 2654435761u ^ (uint32_t)coid * 40503u;
	return (h >> 8) % BIND_BUCKETS;
}

struct binding *bind_find(dispatch_t *dpp, int scoid, int coid)
{
	for (struct binding *b = dpp->buckets[bucket_of(scoid, coid)]; b; b = b->next)
		if (b->scoid == scoid && b->coid == coid)
			return b;
	return NULL;
}

int bind_add(dispatch_t *dpp, int scoid, int coid, struct ocb_ref *ref)
{
	struct binding *b = malloc(sizeof(*b));
	if (!b)
		return ENOMEM;
	unsigned k = bucket_of(scoid, coid);
	*b = (struct binding){dpp->buckets[k], scoid, coid, ref};
	dpp->buckets[k] = b;
	dpp->nbindings++;
	ref->refs++;
	return EOK;
}

int resmgr_open_bind(resmgr_context_t *ctp, RESMGR_OCB_T *ocb, const resmgr_io_funcs_t *io_funcs)
{
	dispatch_t *dpp = ctp->dpp;
	if (bind_find(dpp, ctp->info.scoid, ctp->info.coid)) {
		errno = EBUSY;
		return -1;
	}
	if (!io_funcs) {
		struct attachment *a = attach_lookup(dpp, ctp->id);
		if (!a) {
			errno = EINVAL;
			return -1;
		}
		io_funcs = a->io_funcs;
	}
	struct ocb_ref *ref = calloc(1, sizeof(*ref));
	if (!ref) {
		errno = ENOMEM;
		return -1;
	}
	*ref = (struct ocb_ref){.ocb = ocb, .funcs = io_funcs, .id = ctp->id};
	if (bind_add(dpp, ctp->info.scoid, ctp->info.coid, ref) != EOK) {
		free(ref);
		errno = ENOMEM;
		return -1;
	}
	dpp->nocbs++;
	return 0;
}

RESMGR_OCB_T *resmgr_ocb(resmgr_context_t *ctp)
{
	struct binding *b = bind_find(ctp->dpp, ctp->info.scoid, ctp->info.coid);
	return b ? b->ref->ocb : NULL;
}

static void unlink_binding(dispatch_t *dpp, struct binding *b)
{
	for (struct binding **bp = &dpp->buckets[bucket_of(b->scoid, b->coid)]; *bp;
	     bp = &(*bp)->next) {
		if (*bp == b) {
			*bp = b->next;
			dpp->nbindings--;
			return;
		}
	}
}

int bind_close(resmgr_context_t *ctp, struct binding *b)
{
	dispatch_t *dpp = ctp->dpp;
	struct ocb_ref *ref = b->ref;
	const resmgr_io_funcs_t *f = ref->funcs;
	ctp->info.scoid = b->scoid;
	ctp->info.coid = b->coid;
	ctp->id = ref->id;
	int r = EOK;
	if (IO_FUNC(f, close_dup)) {
		io_close_t msg = {.i = {.type = _IO_CLOSE}};
		r = f->close_dup(ctp, &msg, ref->ocb);
		if (r == _RESMGR_DEFAULT)
			r = EOK;
	}
	unlink_binding(dpp, b);
	free(b);
	if (--ref->refs == 0) {
		dpp->nocbs--;
		if (IO_FUNC(f, close_ocb))
			f->close_ocb(ctp, NULL, ref->ocb);
		free(ref);
	}
	return r;
}

void bind_close_all(resmgr_context_t *ctp, int scoid, int id)
{
	dispatch_t *dpp = ctp->dpp;
	for (unsigned k = 0; k < BIND_BUCKETS; k++) {
		struct binding *b = dpp->buckets[k];
		while (b) {
			struct binding *next = b->next;
			if (scoid ? b->scoid == scoid : b->ref->id == id)
				bind_close(ctp, b); /* next stays valid: only b is unlinked */
			b = next;
		}
	}
}

void bind_free_all(dispatch_t *dpp)
{
	for (unsigned k = 0; k < BIND_BUCKETS; k++) {
		while (dpp->buckets[k]) {
			struct binding *b = dpp->buckets[k];
			dpp->buckets[k] = b->next;
			if (--b->ref->refs == 0)
				free(b->ref);
			free(b);
		}
	}
	dpp->nbindings = 0;
	dpp->nocbs = 0;
}
