/*
 * Moving message data: user iov lists are copied into the kernel once, and
 * bytes travel directly between the two address spaces through the direct
 * map (the kernel never dereferences a user address here), so either side
 * may be the current address space or not. A page that is not present is
 * faulted in like a user access would; a bad buffer gives -EFAULT and says
 * which side was at fault.
 */
#include <kernel/errno.h>
#include <kernel/process.h>
#include <ipc/ipc.h>
#include <mm/kmem.h>
#include <mm/pmm.h>
#include <mm/uaccess.h>
#include <mm/vm.h>
#include <sched/sched.h>

int ipc_iovs_load_vector(struct ipc_iovs *io, uaddr_t addr, int parts)
{
	io->v = io->inl;
	io->n = 0;
	io->total = 0;
	if (parts > IPC_IOV_MAX)
		return -EINVAL;
	if (parts > IPC_IOV_INLINE) {
		io->v = kmalloc(sizeof(struct ipc_iov) * (size_t)parts);
		if (!io->v) {
			io->v = io->inl;
			return -ENOMEM;
		}
	}
	if (copy_from_user(io->v, addr, sizeof(struct ipc_iov) * (size_t)parts)) {
		ipc_iovs_free(io);
		return -EFAULT;
	}
	io->n = (uint32_t)parts;
	for (int i = 0; i < parts; i++) {
		if (!uaccess_range_ok(io->v[i].base, io->v[i].len) || io->v[i].len > (1ull << 40)) {
			ipc_iovs_free(io);
			return -EFAULT;
		}
		io->total += io->v[i].len;
	}
	return 0;
}

void ipc_iovs_free_vector(struct ipc_iovs *io)
{
	kfree(io->v);
	io->v = io->inl;
	io->n = 0;
	io->total = 0;
}

/* A cursor over an iov list. */
struct cursor {
	const struct ipc_iovs *io;
	uint32_t i;
	uint64_t off; /* within v[i] */
};

static void cursor_seek(struct cursor *c, const struct ipc_iovs *io, uint64_t skip)
{
	c->io = io;
	c->i = 0;
	c->off = 0;
	while (c->i < io->n && skip >= io->v[c->i].len) {
		skip -= io->v[c->i].len;
		c->i++;
	}
	c->off = skip;
}

static bool cursor_next(struct cursor *c)
{
	while (c->i < c->io->n && c->off >= c->io->v[c->i].len) {
		c->i++;
		c->off = 0;
	}
	return c->i < c->io->n;
}

/* Kernel address of user address va in p, faulting it in; NULL if not
 * allowed. A kernel-half address is a kernel buffer of a kmsg_sendv() caller
 * (ipc/kmsg.c): users cannot name one, every user iov is range-checked. */
static void *user_ptr(struct process *p, uaddr_t va, bool write)
{
	if (va >= USER_TOP)
		return (void *)va;
	struct aspace *as = p->as;
	if (!as)
		return NULL;
	for (int tries = 0; tries < 2; tries++) {
		uint64_t *pte = mmu_pte(as->pml4, va, false);
		if (pte && (*pte & PTE_P) && (*pte & PTE_U) && (!write || (*pte & PTE_W)))
			return (char *)phys_to_virt(*pte & PTE_ADDR) + (va & ~PAGE_MASK);
		if (vm_fault(as, va, write, false))
			return NULL;
	}
	return NULL;
}

long ipc_copy(struct process *dp, const struct ipc_iovs *d, uint64_t doff, struct process *sp,
	      const struct ipc_iovs *s, uint64_t soff, bool *dst_fault, bool preemptible)
{
	struct cursor dc, sc;
	cursor_seek(&dc, d, doff);
	cursor_seek(&sc, s, soff);
	long done = 0;
	unsigned chunks = 0;
	while (cursor_next(&dc) && cursor_next(&sc)) {
		if ((++chunks & 15) == 0 && preemptible)
			preempt_point(); /* the length is the user's: callers pin the client */
		uaddr_t da = d->v[dc.i].base + dc.off, sa = s->v[sc.i].base + sc.off;
		uint64_t n = MIN(d->v[dc.i].len - dc.off, s->v[sc.i].len - sc.off);
		n = MIN(n, PAGE_SIZE - (da & ~PAGE_MASK));
		n = MIN(n, PAGE_SIZE - (sa & ~PAGE_MASK));
		void *src = user_ptr(sp, sa, false);
		if (!src) {
			*dst_fault = false;
			return -EFAULT;
		}
		void *dst = user_ptr(dp, da, true);
		if (!dst) {
			*dst_fault = true;
			return -EFAULT;
		}
		memcpy(dst, src, n);
		dc.off += n;
		sc.off += n;
		done += (long)n;
	}
	return done;
}

long ipc_copy_out(struct process *dp, const struct ipc_iovs *d, const void *src, uint64_t n)
{
	struct cursor dc;
	cursor_seek(&dc, d, 0);
	const char *s = src;
	long done = 0;
	while (n && cursor_next(&dc)) {
		uaddr_t da = d->v[dc.i].base + dc.off;
		uint64_t c = MIN(n, d->v[dc.i].len - dc.off);
		c = MIN(c, PAGE_SIZE - (da & ~PAGE_MASK));
		void *dst = user_ptr(dp, da, true);
		if (!dst)
			return -EFAULT;
		memcpy(dst, s, c);
		dc.off += c;
		s += c;
		n -= c;
		done += (long)c;
	}
	return done;
}
