/*
 * Memory objects: the kernel side of POSIX shared memory (procnto serves
 * them by name at /dev/shmem; see docs/kernel.md "Memory objects"). Not
 * QNX's interface (QNX hides this inside its memory manager): native calls
 * declared in kcalls.tab, prototypes in sys/kercalls.h (through
 * sys/neutrino.h).
 *
 * An object is a size in bytes and pages that are zero until written. It is
 * owned by the process that created it, which names it by a small integer
 * id (ids are per process, like channel ids; they survive exec and are not
 * inherited by fork). Every mapping of the object holds a reference of its
 * own, so the object lives until its owner destroyed it (or ended) AND the
 * last mapping is gone.
 *
 *   MemobjCreate(size)
 *       a new object of size bytes (0 allowed); returns its id. Root only
 *       (EPERM): objects are a server's tool (procnto), clients reach them
 *       through mmap() of the server's fds. EFBIG above MEMOBJ_SIZE_MAX,
 *       ENOMEM, EMFILE when the caller holds MEMOBJ_PER_PROC objects.
 *   MemobjCtl(id, MEMOBJ_CTL_GETSIZE, 0)
 *       the size in bytes.
 *   MemobjCtl(id, MEMOBJ_CTL_SETSIZE, size)
 *       resizes (ftruncate). Shrinking frees the pages beyond the new end
 *       and removes them from every mapping: a later access there is
 *       SIGBUS; the bytes of the last page beyond the end read as zero.
 *       EFBIG, ENOMEM, EBUSY (another resize of the object is running).
 *   MemobjCtl(id, MEMOBJ_CTL_DESTROY, 0)
 *       drops the owner's reference and frees the id.
 *   MemobjMap(id, addr, len, prot, flags, offset)
 *       maps [offset, offset + len) of one of the caller's own objects into
 *       the caller, like mmap(): prot PROT_*, flags MEMOBJ_MAP_SHARED or
 *       MEMOBJ_MAP_PRIVATE (copy-on-write), optionally MEMOBJ_MAP_FIXED
 *       (addr exactly, replacing what is there); addr is otherwise a hint.
 *       offset must be page aligned. The range may extend beyond the
 *       object's end: accesses there are SIGBUS (BUS_ADRERR) until the
 *       object grows. Returns the address; unmap with munmap().
 * Common errors: EINVAL (no such id, bad command, flags or alignment),
 * EFAULT.
 */
#pragma once

#define MEMOBJ_SIZE_MAX (1ull << 40) /* bytes */
#define MEMOBJ_PER_PROC 65536        /* objects one process may hold */

/* MemobjCtl commands */
#define MEMOBJ_CTL_GETSIZE 0
#define MEMOBJ_CTL_SETSIZE 1
#define MEMOBJ_CTL_DESTROY 2

/* MemobjMap flags (the values of Linux's MAP_SHARED, MAP_PRIVATE, MAP_FIXED) */
#define MEMOBJ_MAP_SHARED 0x01
#define MEMOBJ_MAP_PRIVATE 0x02
#define MEMOBJ_MAP_FIXED 0x10
