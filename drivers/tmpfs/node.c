/*
 * fs-tmp's nodes and directory entries: creation, the per-directory name
 * hash and creation-ordered entry list (readdir walks the list by cookie,
 * so entries added or removed meanwhile never make it skip or repeat
 * others), link counts, and freeing a node once no name and no open OCB
 * keeps it. Called by open.c, namei.c, io.c and main.c.
 */
#include <stdlib.h>
#include <string.h>

#include "tmpfs.h"

static uint64_t next_ino = 1;

struct tnode *node_new(mode_t mode, uint32_t uid, uint32_t gid)
{
	struct tnode *n = calloc(1, sizeof(*n));
	if (!n)
		return NULL;
	iofunc_attr_init(&n->attr, mode, NULL, NULL);
	n->attr.nlink = 0;
	n->attr.uid = uid;
	n->attr.gid = gid;
	n->attr.mount = &tmpfs_mount;
	n->attr.inode = next_ino++;
	if (S_ISDIR(mode)) {
		n->dir.next_cookie = 2;
		n->attr.nbytes = 2 * TMPFS_DIRENT_BOGO;
	}
	if (S_ISFIFO(mode) && fifo_new(n)) {
		free(n);
		return NULL;
	}
	return n;
}

void node_release(struct tnode *n)
{
	if (n->attr.nlink || n->attr.count || n == tmpfs_root)
		return;
	switch (n->attr.mode & S_IFMT) {
	case S_IFREG:
		fdata_free(&n->file);
		break;
	case S_IFDIR:
		free(n->dir.hash); /* empty: rmdir checked */
		break;
	case S_IFLNK:
		free(n->target);
		break;
	case S_IFIFO:
		fifo_free(n);
		break;
	}
	free(n);
}

void node_touch(struct tnode *n, uint32_t which)
{
	n->attr.flags |= which;
	iofunc_time_update(&n->attr);
}

/* FNV-1a */
static uint32_t name_hash(const char *name, size_t len)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)name[i]) * 16777619u;
	return h;
}

struct dentry *dentry_new(const char *name, size_t namelen)
{
	if (namelen == 0 || namelen > TMPFS_NAME_MAX)
		return NULL;
	struct dentry *de = malloc(sizeof(*de) + namelen + 1);
	if (!de)
		return NULL;
	memset(de, 0, sizeof(*de));
	memcpy(de->name, name, namelen);
	de->name[namelen] = '\0';
	de->namelen = (uint16_t)namelen;
	de->hash = name_hash(name, namelen);
	return de;
}

struct dentry *dir_lookup(struct tnode *dir, const char *name, size_t namelen)
{
	struct tdir *d = &dir->dir;
	if (!d->nbuckets)
		return NULL;
	uint32_t h = name_hash(name, namelen);
	for (struct dentry *de = d->hash[h % d->nbuckets]; de; de = de->hnext)
		if (de->hash == h && de->namelen == namelen && !memcmp(de->name, name, namelen))
			return de;
	return NULL;
}

/* Keeps chains short: doubles the table past two entries per bucket. A
 * failed allocation keeps the old table (longer chains, still correct),
 * except that a directory must have one. */
static bool dir_grow(struct tdir *d)
{
	if (d->nbuckets && d->count + 1 <= 2 * d->nbuckets)
		return true;
	unsigned nb = d->nbuckets ? 2 * d->nbuckets : 8;
	struct dentry **t = calloc(nb, sizeof(*t));
	if (!t)
		return d->nbuckets != 0;
	for (struct dentry *de = d->first; de; de = de->next) {
		de->hnext = t[de->hash % nb];
		t[de->hash % nb] = de;
	}
	free(d->hash);
	d->hash = t;
	d->nbuckets = nb;
	return true;
}

bool dir_reserve(struct tnode *dir)
{
	return dir_grow(&dir->dir);
}

void dir_insert(struct tnode *dir, struct dentry *de, struct tnode *n)
{
	struct tdir *d = &dir->dir;
	de->node = n;
	de->cookie = d->next_cookie++;
	de->prev = d->last;
	de->next = NULL;
	if (d->last)
		d->last->next = de;
	else
		d->first = de;
	d->last = de;
	de->hnext = d->hash[de->hash % d->nbuckets];
	d->hash[de->hash % d->nbuckets] = de;
	d->count++;
	dir->attr.nbytes = (int64_t)(d->count + 2) * TMPFS_DIRENT_BOGO;
	n->attr.nlink++;
	if (S_ISDIR(n->attr.mode)) {
		n->attr.nlink++; /* its "." */
		n->dir.parent = dir;
		dir->attr.nlink++; /* its ".." */
	}
}

void dir_remove(struct tnode *dir, struct dentry *de)
{
	struct tdir *d = &dir->dir;
	struct tnode *n = de->node;
	if (de->prev)
		de->prev->next = de->next;
	else
		d->first = de->next;
	if (de->next)
		de->next->prev = de->prev;
	else
		d->last = de->prev;
	for (struct dentry **pp = &d->hash[de->hash % d->nbuckets]; *pp; pp = &(*pp)->hnext) {
		if (*pp == de) {
			*pp = de->hnext;
			break;
		}
	}
	d->count--;
	dir->attr.nbytes = (int64_t)(d->count + 2) * TMPFS_DIRENT_BOGO;
	n->attr.nlink--;
	if (S_ISDIR(n->attr.mode)) {
		n->attr.nlink--;
		dir->attr.nlink--;
		n->dir.parent = NULL; /* an open, removed directory must not keep it */
	}
	free(de);
}
