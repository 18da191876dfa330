/*
 * fs-tmp: a RAM file system (regular files, directories, hard and symbolic
 * links, FIFOs) attached at a mountpoint with _RESMGR_FLAG_DIR.
 *   usage: fs-tmp [-v] [-s size[k|m|g]] [-m mode] <mountpoint>
 *   -s  most memory the file data may take (default: half the machine's)
 *   -m  permissions of the root directory (octal, default 1777)
 * The boot script starts `fs-tmp /tmp &` (/dev/shm is procnto's /dev/shmem). The
 * parts are described in tmpfs.h; this file owns the mount, the root and
 * the server loop.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <sys/dispatch.h>

#include "tmpfs.h"

iofunc_mount_t tmpfs_mount;
struct tnode *tmpfs_root;
const char *tmpfs_mountpoint;
int tmpfs_verbose;

static void usage(void)
{
	fprintf(stderr, "usage: fs-tmp [-v] [-s size[k|m|g]] [-m mode] <mountpoint>\n");
	exit(2);
}

/* "64m" -> bytes; 0 when malformed. */
static uint64_t parse_size(const char *s)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 10);
	switch (*end) {
	case 'k': case 'K': v <<= 10; end++; break;
	case 'm': case 'M': v <<= 20; end++; break;
	case 'g': case 'G': v <<= 30; end++; break;
	}
	return *end ? 0 : v;
}

int main(int argc, char **argv)
{
	uint64_t limit = 0;
	mode_t root_mode = 01777;
	const char *mp = NULL;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-v")) {
			tmpfs_verbose++;
		} else if (!strcmp(argv[i], "-s") && i + 1 < argc) {
			if (!(limit = parse_size(argv[++i]) / TMPFS_PAGE))
				usage();
		} else if (!strcmp(argv[i], "-m") && i + 1 < argc) {
			char *end;
			root_mode = (mode_t)strtoul(argv[++i], &end, 8) & 07777;
			if (*end)
				usage();
		} else if (argv[i][0] != '-' && !mp) {
			mp = argv[i];
		} else {
			usage();
		}
	}
	if (!mp || mp[0] != '/')
		usage();
	/* the mountpoint as paths are built from it: no trailing '/' */
	char *mpcopy = strdup(mp);
	size_t mlen = strlen(mpcopy);
	while (mlen && mpcopy[mlen - 1] == '/')
		mpcopy[--mlen] = '\0';
	tmpfs_mountpoint = mpcopy;

	pages_init(limit);
	tmpfs_mount.dev = makedev(0, (unsigned)getpid());
	tmpfs_mount.blocksize = TMPFS_PAGE;
	tmpfs_mount.conf = IOFUNC_PC_CHOWN_RESTRICTED | IOFUNC_PC_NO_TRUNC;
	tmpfs_root = node_new(S_IFDIR | root_mode, 0, 0);
	if (!tmpfs_root || !dir_reserve(tmpfs_root)) {
		fprintf(stderr, "fs-tmp: out of memory\n");
		return 1;
	}
	tmpfs_root->attr.nlink = 2;
	tmpfs_root->dir.parent = tmpfs_root;

	dispatch_t *dpp = dispatch_create();
	if (!dpp) {
		perror("fs-tmp: dispatch_create");
		return 1;
	}
	static resmgr_connect_funcs_t connect_funcs;
	iofunc_func_init(_RESMGR_CONNECT_NFUNCS, &connect_funcs, 0, NULL);
	connect_funcs.open = tmpfs_open;
	connect_funcs.unlink = tmpfs_unlink;
	connect_funcs.rename = tmpfs_rename;
	connect_funcs.mknod = tmpfs_mknod;
	connect_funcs.readlink = tmpfs_readlink;
	connect_funcs.link = tmpfs_link;
	connect_funcs.unblock = fifo_open_unblock;
	tmpfs_io_init();
	fifo_io_init();
	/* a connect may carry two paths (rename): room for both */
	resmgr_attr_t rattr = {.nparts_max = 4, .msg_max_size = 2 * TMPFS_PATH_MAX + 1024};
	if (resmgr_attach(dpp, &rattr, mp, _FTYPE_ANY, _RESMGR_FLAG_DIR, &connect_funcs,
			  &tmpfs_io_dir, &tmpfs_root->attr) == -1) {
		fprintf(stderr, "fs-tmp: resmgr_attach %s: %s\n", mp, strerror(errno));
		return 1;
	}
	if (tmpfs_verbose)
		printf("fs-tmp: serving %s (up to %llu MiB)\n", mp,
		       (unsigned long long)(pages_limit() * TMPFS_PAGE >> 20));
	dispatch_context_t *ctp = dispatch_context_alloc(dpp);
	if (!ctp) {
		perror("fs-tmp: dispatch_context_alloc");
		return 1;
	}
	for (;;) {
		if (dispatch_block(ctp)) {
			dispatch_handler(ctp);
		} else if (errno != EINTR) {
			perror("fs-tmp: dispatch_block");
			return 1;
		}
	}
}
