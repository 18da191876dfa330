/*
 * Memory syscalls: brk, mmap, munmap, mremap, mprotect, madvise. Anonymous memory
 * is the kernel's (mm/vm.c). mmap of an fd sends _IO_MMAP to the fd's
 * server, which answers with a memory object it owns (procnto's
 * /dev/shmem); the kernel maps it, shared or copy-on-write, after checking
 * that the server really owns it. A server that cannot map (ENODEV) still
 * gets MAP_PRIVATE of a regular file: an anonymous private copy read from
 * the file at mmap time (unlike Linux, later changes to the file are not
 * seen, and pages beyond the end of the file read as zero instead of
 * raising SIGBUS); MAP_SHARED of it stays ENODEV. Sizes no address space
 * can hold are -ENOMEM.
 */
#include <kernel/errno.h>
#include <kernel/percpu.h>
#include <kernel/process.h>
#include <ipc/ipc.h>
#include <mm/kmem.h>
#include <mm/memobj.h>
#include <mm/uaccess.h>
#include <mm/vm.h>
#include <sched/thread.h>

#include "linux.h"
#include "fd/fdpriv.h"

#define PROT_READ 1
#define PROT_WRITE 2
#define PROT_EXEC 4
#define MAP_SHARED 0x01
#define MAP_PRIVATE 0x02
#define MAP_FIXED 0x10
#define MAP_ANONYMOUS 0x20
#define MAP_FIXED_NOREPLACE 0x100000
#define MADV_DONTNEED 4
#define MADV_FREE 8
#define MADV_LAST 25 /* MADV_COLLAPSE: 5..7 are unused */
#define BRK_MAX (1ull << 36)
#define COPY_CHUNK 16384 /* bytes read per message when copying a file */

static struct aspace *cur_as(void) { return cur_thread()->proc->as; }

static uint32_t vm_prot(uint64_t prot)
{
	return (prot & PROT_READ ? VM_READ : 0) | (prot & PROT_WRITE ? VM_WRITE : 0) |
	       (prot & PROT_EXEC ? VM_EXEC : 0);
}

long sys_brk(const uint64_t *a, struct trapframe *tf)
{
	struct process *p = cur_thread()->proc;
	uaddr_t want = a[0];
	if (want < p->brk_start || want > p->brk_start + BRK_MAX)
		return (long)p->brk_cur;
	uaddr_t old_end = PAGE_ALIGN_UP(p->brk_cur), new_end = PAGE_ALIGN_UP(want);
	if (new_end > old_end) {
		if (vm_map_fixed(p->as, old_end, new_end - old_end, VM_READ | VM_WRITE))
			return (long)p->brk_cur;
	} else if (new_end < old_end) {
		vm_unmap(p->as, new_end, old_end - new_end);
	}
	p->brk_cur = want;
	return (long)want;
}

/* MAP_PRIVATE from a server that cannot map: a private anonymous copy of
 * the regular file's bytes from off (the rest reads as zero). */
static long mmap_copy(int fd, const struct vm_map_req *base, uint32_t vprot, uint64_t off)
{
	struct _io_stat st;
	long e = fd_fstat_k(fd, &st);
	if (e < 0)
		return e;
	if ((st.st_mode & L_S_IFMT) != L_S_IFREG)
		return -ENODEV;
	long fl = fd_getfl(fd);
	if (fl < 0)
		return fl;
	if ((fl & L_O_ACCMODE) == L_O_WRONLY)
		return -EACCES;
	char *buf = kmalloc(COPY_CHUNK);
	if (!buf)
		return -ENOMEM;
	struct aspace *as = cur_as();
	struct vm_map_req rq = *base;
	rq.prot = VM_READ | VM_WRITE; /* filled first, protected last */
	long at = vm_map(as, &rq);
	uint64_t size = st.st_size > 0 ? (uint64_t)st.st_size : 0;
	uint64_t want = size > off ? MIN(size - off, rq.len) : 0, done = 0;
	while (at >= 0 && done < want) {
		size_t ask = MIN(COPY_CHUNK, want - done);
		long n = fd_pread_k(fd, buf, ask, off + done);
		if (n == 0)
			break; /* the file shrank: the rest stays zero */
		if (n > (long)ask)
			n = -EIO; /* a server's count beyond what it could send */
		if (n > 0 && (e = vm_write_remote(as, (uaddr_t)at + done, buf, (size_t)n)) < 0)
			n = e;
		if (n < 0) {
			vm_unmap(as, (uaddr_t)at, rq.len);
			at = n;
			break;
		}
		done += (uint64_t)n;
	}
	kfree(buf);
	if (at >= 0 && vprot != rq.prot)
		(void)vm_protect(as, (uaddr_t)at, rq.len, vprot); /* cannot fail: just mapped */
	return at;
}

/* mmap of fd (not MAP_ANONYMOUS) as base says; prot is mmap's. */
static long mmap_fd(int fd, const struct vm_map_req *base, uint64_t prot, bool shared,
		    uint64_t off)
{
	if (fd < 0 || !fd_conn(fd))
		return -EBADF;
	uint32_t need = (uint32_t)(prot & (PROT_READ | PROT_EXEC));
	if (shared)
		need |= (uint32_t)(prot & PROT_WRITE);
	struct _io_mmap m = { .type = _IO_MMAP, .prot = need, .offset = off };
	struct _io_mmap_reply rep = { 0 };
	long r = fd_send(fd, &m, sizeof(m), &rep, sizeof(rep));
	if (r == -ENODEV || r == -ENOSYS)
		return shared ? -ENODEV : mmap_copy(fd, base, vm_prot(prot), off);
	if (r < 0)
		return r;
	/* the object must be the server's own: the one behind the fd's channel */
	struct connection *c = fd_conn(fd);
	struct memobj *o = memobj_get(c && c->chan ? c->chan->owner : NULL, rep.memobj);
	if (!o)
		return -ENODEV;
	struct vm_map_req rq = *base;
	rq.maxprot = vm_prot(rep.allowed) | (shared ? 0 : VM_WRITE);
	rq.obj = o;
	rq.pgoff = off >> PAGE_SHIFT;
	r = (rq.prot & VM_PROT_ALL & ~rq.maxprot) ? -EACCES : vm_map(cur_as(), &rq);
	memobj_put(o);
	return r;
}

long sys_mmap(const uint64_t *a, struct trapframe *tf)
{
	uint64_t len = a[1], prot = a[2], flags = a[3], off = a[5];
	if (!len || (off & ~PAGE_MASK))
		return -EINVAL;
	if (!(flags & (MAP_SHARED | MAP_PRIVATE)))
		return -EINVAL;
	if (off + len < off)
		return -EOVERFLOW;
	bool shared = flags & MAP_SHARED; /* MAP_SHARED_VALIDATE (3) is shared too */
	struct vm_map_req rq = {
		.addr = a[0],
		.len = len,
		.prot = vm_prot(prot) | (shared ? VM_SHARED : 0), /* fork shares it */
		.maxprot = VM_PROT_ALL,
		.place = (flags & MAP_FIXED_NOREPLACE) ? VM_PLACE_NOREPLACE
			 : (flags & MAP_FIXED)         ? VM_PLACE_FIXED
						       : VM_PLACE_HINT,
	};
	if (!(flags & MAP_ANONYMOUS))
		return mmap_fd((int)a[4], &rq, prot, shared, off);
	return vm_map(cur_as(), &rq);
}

#define MREMAP_MAYMOVE 1
#define MREMAP_FIXED 2

/* MREMAP_DONTUNMAP, and old_len 0 (a second mapping of shared pages), are
 * EINVAL: not supported. */
long sys_mremap(const uint64_t *a, struct trapframe *tf)
{
	uint64_t flags = a[3];
	if ((flags & ~(uint64_t)(MREMAP_MAYMOVE | MREMAP_FIXED)) ||
	    ((flags & MREMAP_FIXED) && !(flags & MREMAP_MAYMOVE)) || !a[1])
		return -EINVAL;
	if (a[2] > MMAP_TOP - MMAP_BOTTOM)
		return -ENOMEM;
	uaddr_t fixed = (flags & MREMAP_FIXED) ? a[4] : 0;
	if ((flags & MREMAP_FIXED) && !fixed)
		return -EINVAL;
	return vm_remap(cur_as(), a[0], a[1], a[2], fixed, flags & MREMAP_MAYMOVE);
}

long sys_munmap(const uint64_t *a, struct trapframe *tf)
{
	if ((a[0] & ~PAGE_MASK) || !a[1])
		return -EINVAL;
	return vm_unmap(cur_as(), a[0], a[1]);
}

long sys_mprotect(const uint64_t *a, struct trapframe *tf)
{
	if (a[0] & ~PAGE_MASK)
		return -EINVAL;
	if (!a[1])
		return 0;
	return vm_protect(cur_as(), a[0], a[1], vm_prot(a[2]));
}

long sys_madvise(const uint64_t *a, struct trapframe *tf)
{
	if ((a[0] & ~PAGE_MASK) || !uaccess_range_ok(a[0], a[1]))
		return -EINVAL;
	if (a[2] > MADV_LAST || (a[2] > MADV_DONTNEED && a[2] < MADV_FREE))
		return -EINVAL; /* unknown advice */
	if (a[2] == MADV_DONTNEED)
		return vm_discard(cur_as(), a[0], a[1]);
	return 0; /* the other advice is advisory: ignoring it is correct */
}
