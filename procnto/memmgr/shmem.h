/*
 * /dev/shmem: procnto's POSIX shared memory objects (shm_open, sem_open),
 * a flat directory of names for kernel memory objects (sys/memobj.h) that
 * procnto owns. /dev/shm is a procnto symlink to it (musl's shm_open and
 * sem_open use /dev/shm). Names: memmgr/shmem.c; I/O on an open object
 * (read, write, ftruncate, fstat, mmap): memmgr/shmem_io.c. Runs in the
 * dispatch thread only.
 *
 * An object (struct shm_node) lives while it has a name or an open OCB;
 * then procnto destroys its kernel object, which itself lives on while
 * clients still map it (the kernel's references).
 */
#pragma once
#include <stdint.h>

#include <sys/iofunc.h>
#include <sys/dispatch.h>

#define SHM_DEV 0x104 /* st_dev of /dev/shmem (see PN_DEV_* in fs/node.h) */
#define SHM_NAME_MAX 255

struct shm_node {
	iofunc_attr_t attr; /* first: the OCBs' attribute; nbytes = the object's size */
	int memobj;         /* the kernel object's id (procnto's) */
};

extern resmgr_io_funcs_t shm_io_funcs;
extern iofunc_mount_t shm_mount;

/* Attaches /dev/shmem and the /dev/shm symlink. 0 or -errno. */
int shmem_init(dispatch_t *dpp);

/* Frees n (and its kernel object) if it has neither a name nor an OCB. */
void shm_node_release(struct shm_node *n);
/* Resizes n's object and attribute. EOK, EFBIG, ENOSPC. */
int shm_set_size(struct shm_node *n, uint64_t size);
/* shmem_io.c: the I/O handler table, set up once. */
void shm_io_init(void);
