/*
 * The per-process POSIX state of posix/fd/ (struct process.posix): cwd,
 * umask, what posix knows of each fd (the path it was opened by, its view
 * of the fd's OCB: fdocb.c), and the poll channels. Allocated
 * on first use, copied by fd_fork_child, freed by posix_process_exit (the
 * process teardown hook, called by kernel/process.c).
 */
#include <kernel/types.h>
#include <kernel/hooks.h>
#include <mm/kmem.h>

#include "fdpriv.h"

#define UMASK_DEFAULT 022

struct posix_proc *posix_get(void)
{
	struct process *p = cur_thread()->proc;
	if (!p->posix) {
		struct posix_proc *pp = kzalloc(sizeof(*pp));
		if (!pp)
			return NULL;
		pp->umask = UMASK_DEFAULT;
		p->posix = pp;
	}
	return p->posix;
}

const char *posix_cwd(void)
{
	struct posix_proc *pp = cur_thread()->proc->posix;
	return pp && pp->cwd ? pp->cwd : "/";
}

static char *str_dup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = kmalloc(n);
	if (d)
		memcpy(d, s, n);
	return d;
}

/* Makes room for fd in the table; false when out of memory. */
static bool fdi_grow(struct posix_proc *pp, uint32_t fd)
{
	if (fd < pp->nfdi)
		return true;
	uint32_t n = pp->nfdi ? pp->nfdi : 16;
	while (n <= fd)
		n *= 2;
	struct fd_info *t = kzalloc(n * sizeof(*t));
	if (!t)
		return false;
	if (pp->nfdi)
		memcpy(t, pp->fdi, pp->nfdi * sizeof(*t));
	kfree(pp->fdi);
	pp->fdi = t;
	pp->nfdi = n;
	return true;
}

void fdi_clear(int fd)
{
	struct posix_proc *pp = cur_thread()->proc->posix;
	if (!pp || fd < 0 || (uint32_t)fd >= pp->nfdi)
		return;
	kfree(pp->fdi[fd].path);
	if (pp->fdi[fd].ocb)
		fd_ocb_put(pp->fdi[fd].ocb);
	pp->fdi[fd] = (struct fd_info){ 0 };
}

void fdi_set(int fd, const char *path)
{
	struct posix_proc *pp = posix_get();
	if (!pp || fd < 0 || !fdi_grow(pp, (uint32_t)fd))
		return;
	fdi_clear(fd);
	pp->fdi[fd].path = path ? str_dup(path) : NULL;
	pp->fdi[fd].conn = fd_conn(fd);
}

struct fd_info *fdi_get(int fd)
{
	struct posix_proc *pp = cur_thread()->proc->posix;
	if (!pp || fd < 0 || (uint32_t)fd >= pp->nfdi)
		return NULL;
	struct fd_info *fi = &pp->fdi[fd];
	if (!fi->conn || fi->conn != fd_conn(fd))
		return NULL;
	return fi;
}

void fdi_copy(int newfd, int oldfd)
{
	struct fd_info *old = fdi_get(oldfd);
	if (!old) {
		fdi_clear(newfd);
		return;
	}
	uint8_t flags = old->flags;
	struct fd_ocb *ocb = old->ocb;
	char *path = old->path ? str_dup(old->path) : NULL;
	if (ocb)
		fd_ocb_get(ocb); /* the table may move in fdi_set */
	fdi_set(newfd, NULL);
	struct fd_info *fi = fdi_get(newfd);
	if (fi) {
		fi->path = path;
		fi->flags = flags;
		fi->ocb = ocb;
	} else {
		kfree(path);
		if (ocb)
			fd_ocb_put(ocb);
	}
}

/* Copies the state of parent into the current process (fork, spawn): cwd,
 * umask and the records of the fds the child has at the same numbers. */
int posix_proc_inherit(struct process *parent)
{
	struct posix_proc *src = parent ? parent->posix : NULL;
	if (!src)
		return 0;
	struct posix_proc *pp = posix_get();
	if (!pp)
		return -ENOMEM;
	pp->umask = src->umask;
	if (src->cwd) {
		char *c = str_dup(src->cwd);
		if (!c)
			return -ENOMEM;
		kfree(pp->cwd);
		pp->cwd = c;
	}
	for (uint32_t fd = 0; fd < src->nfdi; fd++) {
		const struct fd_info *fi = &src->fdi[fd];
		if (!fi->conn || fi->conn != connection_lookup(parent, (int)fd) || !fd_conn(fd))
			continue;
		fdi_set((int)fd, fi->path);
		struct fd_info *mine = fdi_get((int)fd);
		if (mine) {
			mine->flags = fi->flags;
			mine->ocb = fi->ocb; /* the child shares the parent's OCB */
			if (mine->ocb)
				fd_ocb_get(mine->ocb);
		}
	}
	return 0;
}

void posix_process_exit(struct process *p)
{
	struct posix_proc *pp = p->posix;
	if (!pp)
		return;
	for (uint32_t i = 0; i < pp->nfdi; i++) {
		kfree(pp->fdi[i].path);
		if (pp->fdi[i].ocb)
			fd_ocb_put(pp->fdi[i].ocb);
	}
	kfree(pp->fdi);
	kfree(pp->cwd);
	kfree(pp);
	p->posix = NULL;
}
