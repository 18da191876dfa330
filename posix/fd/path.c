/*
 * Path building for the path syscalls: a user path at a directory fd (or
 * the cwd) becomes the absolute, lexically normalised path that procnto's
 * path manager resolves. ".." is folded here, before any symlink is seen
 * (as QNX does). Called by connect.c and cwd.c.
 */
#include <mm/kmem.h>

#include "fdpriv.h"

#define NAME_MAX 255

/* Appends the components of s to out (length *len, "" = the root).
 * *trail: s ended in '/', "." or "..". */
static int fold_in(char *out, size_t *len, const char *s, bool *trail)
{
	*trail = false;
	for (;;) {
		bool slash = false;
		while (*s == '/') {
			s++;
			slash = true;
		}
		if (!*s) {
			if (slash && *len)
				*trail = true;
			return 0;
		}
		const char *c = s;
		while (*s && *s != '/')
			s++;
		size_t n = (size_t)(s - c);
		if (n == 1 && c[0] == '.') {
			*trail = true;
			continue;
		}
		if (n == 2 && c[0] == '.' && c[1] == '.') {
			while (*len && out[*len - 1] != '/')
				(*len)--;
			if (*len)
				(*len)--; /* the '/' before the dropped component */
			out[*len] = '\0';
			*trail = true;
			continue;
		}
		if (n > NAME_MAX || *len + 1 + n >= L_PATH_MAX)
			return -ENAMETOOLONG;
		out[(*len)++] = '/';
		memcpy(out + *len, c, n);
		*len += n;
		out[*len] = '\0';
		*trail = false;
	}
}

long path_fold(char *out, const char *base, const char *rel, uint8_t *eflag)
{
	size_t len = 0;
	bool trail = false;
	out[0] = '\0';
	int r;
	if (rel[0] != '/' && base && (r = fold_in(out, &len, base, &trail)) < 0)
		return r;
	if ((r = fold_in(out, &len, rel, &trail)) < 0)
		return r;
	if (!len) {
		out[0] = '/';
		out[1] = '\0';
		len = 1;
	}
	if (eflag)
		*eflag = trail ? _IO_CONNECT_EFLAG_DIR : 0;
	return (long)len;
}

int path_dirfd_base(int dirfd, const char **base)
{
	if (dirfd == L_AT_FDCWD) {
		*base = posix_cwd();
		return 0;
	}
	if (!fd_conn(dirfd))
		return -EBADF;
	struct fd_info *fi = fdi_get(dirfd);
	if (!fi || !fi->path)
		return -ENOTDIR; /* not opened by path here (a native connection) */
	if (!(fi->flags & (FDI_DIR | FDI_NOTDIR))) {
		struct _io_stat st;
		int r = fd_fstat_k(dirfd, &st);
		if (r < 0)
			return r;
		fi = fdi_get(dirfd); /* the send may have let it change */
		if (!fi || !fi->path)
			return -EBADF;
		fi->flags |= L_S_ISDIR(st.st_mode) ? FDI_DIR : FDI_NOTDIR;
	}
	if (fi->flags & FDI_NOTDIR)
		return -ENOTDIR;
	*base = fi->path;
	return 0;
}

static int connect_path(struct fd_connect *rq, int dirfd)
{
	const char *base = NULL;
	if (rq->work[0] != '/') {
		int r = path_dirfd_base(dirfd, &base);
		if (r < 0)
			return r;
	}
	long n = path_fold(rq->path, base, rq->work, &rq->eflag);
	return n < 0 ? (int)n : 0;
}

int fd_connect_path_user(struct fd_connect *rq, int dirfd, uaddr_t upath, bool allow_empty)
{
	long n = strncpy_from_user(rq->work, upath, L_PATH_MAX);
	if (n < 0)
		return (int)n;
	if (n == 0) {
		rq->path[0] = '\0';
		return allow_empty ? 0 : -ENOENT;
	}
	return connect_path(rq, dirfd);
}

int fd_connect_path_k(struct fd_connect *rq, int dirfd, const char *kpath)
{
	size_t n = strnlen(kpath, L_PATH_MAX);
	if (n >= L_PATH_MAX)
		return -ENAMETOOLONG;
	if (n == 0)
		return -ENOENT;
	memcpy(rq->work, kpath, n + 1);
	return connect_path(rq, dirfd);
}
