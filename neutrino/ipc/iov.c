/*
 * Moving message data: user iov lists are copied into the kernel once, and
 * bytes travel directly between the two address spaces. The side in the
 * current address space (the server's, for every copy msg.c makes) is
 * accessed at its user addresses with the fault-handled uaccess_copy(), the
 * other through its page tables and the direct map, a page at a time. A
 * page that is not present is faulted in like a user access would; a bad
 * buffer gives -EFAULT and says which side was at fault.
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

/* The page-table entry of user address va (4 KiB pages), 0 if a level is
 * missing: mmu_pte() without table creation, unrolled for the copy loop. */
static inline uint64_t pte_find(paddr_t pml4, uaddr_t va)
{
	uint64_t e = ((const uint64_t *)phys_to_virt(pml4))[(va >> 39) & 511];
	if (!(e & PTE_P))
		return 0;
	e = ((const uint64_t *)phys_to_virt(e & PTE_ADDR))[(va >> 30) & 511];
	if (!(e & PTE_P))
		return 0;
	e = ((const uint64_t *)phys_to_virt(e & PTE_ADDR))[(va >> 21) & 511];
	if (!(e & PTE_P))
		return 0;
	return ((const uint64_t *)phys_to_virt(e & PTE_ADDR))[(va >> 12) & 511];
}

static inline bool pte_allows(uint64_t pte, bool write)
{
	return (pte & (PTE_P | PTE_U)) == (PTE_P | PTE_U) && (!write || (pte & PTE_W));
}

/* user_ptr() when the page is not mapped as needed: fault it in like a user
 * access would, then look again. */
static __attribute__((noinline)) void *user_ptr_fault(struct aspace *as, uaddr_t va, bool write)
{
	for (int tries = 0; tries < 2; tries++) {
		if (vm_fault(as, va, write, false))
			return NULL;
		uint64_t pte = pte_find(as->pml4, va);
		if (pte_allows(pte, write))
			return (char *)phys_to_virt(pte & PTE_ADDR) + (va & ~PAGE_MASK);
	}
	return NULL;
}

/* Kernel address of user address va in p, faulting it in; NULL if not
 * allowed. Sets *faulted when it resolved a fault (mappings changed).
 * A kernel-half address is a kernel buffer of a kmsg_sendv() caller
 * (ipc/kmsg.c): users cannot name one, every user iov is range-checked. */
static inline void *user_ptr(struct process *p, uaddr_t va, bool write, bool *faulted)
{
	if (va >= USER_TOP)
		return (void *)va;
	struct aspace *as = p->as;
	if (!as)
		return NULL;
	uint64_t pte = pte_find(as->pml4, va);
	if (likely(pte_allows(pte, write)))
		return (char *)phys_to_virt(pte & PTE_ADDR) + (va & ~PAGE_MASK);
	*faulted = true;
	return user_ptr_fault(as, va, write);
}

/* Copies len bytes between a user buffer of the current address space (ua,
 * accessed like copy_to_user() does) and one of process tp (ta, translated
 * page by page); to_t tells the direction. Returns 0 or -EFAULT, with
 * *dst_fault telling the side at fault. */
static __attribute__((always_inline)) inline int copy_direct(struct process *tp, uaddr_t ta,
							     uaddr_t ua, uint64_t len, bool to_t,
							     bool preemptible, bool *dst_fault)
{
	for (unsigned chunks = 1; len; chunks++) {
		if ((chunks & 15) == 0 && preemptible)
			preempt_point(); /* the length is the user's: callers pin the client */
		uint64_t n = MIN(len, PAGE_SIZE - (ta & ~PAGE_MASK));
		bool faulted = false;
		char *k = user_ptr(tp, ta, to_t, &faulted);
		if (!k) {
			*dst_fault = to_t;
			return -EFAULT;
		}
		/* a fault on the user side is resolved in the current address space
		 * only: k stays valid */
		if (to_t ? uaccess_copy(k, (void *)ua, n) : uaccess_copy((void *)ua, k, n)) {
			*dst_fault = !to_t;
			return -EFAULT;
		}
		ta += n;
		ua += n;
		len -= n;
	}
	return 0;
}

/* Copies len bytes from sa in sp to da in dp, neither being the current
 * address space, a page at a time. Returns 0 or -EFAULT (*dst_fault set). */
static __attribute__((noinline)) int copy_translated(struct process *dp, uaddr_t da,
						     struct process *sp, uaddr_t sa, uint64_t len,
						     bool preemptible, bool *dst_fault)
{
	for (unsigned chunks = 1; len; chunks++) {
		if ((chunks & 15) == 0 && preemptible)
			preempt_point();
		uint64_t n = MIN(len, PAGE_SIZE - (da & ~PAGE_MASK));
		n = MIN(n, PAGE_SIZE - (sa & ~PAGE_MASK));
		bool faulted = false;
		void *src = user_ptr(sp, sa, false, &faulted);
		if (!src) {
			*dst_fault = false;
			return -EFAULT;
		}
		faulted = false;
		void *dst = user_ptr(dp, da, true, &faulted);
		if (!dst) {
			*dst_fault = true;
			return -EFAULT;
		}
		if (faulted && !(src = user_ptr(sp, sa, false, &faulted))) {
			*dst_fault = false; /* the fault on dst changed src's mappings */
			return -EFAULT;
		}
		memcpy(dst, src, n);
		da += n;
		sa += n;
		len -= n;
	}
	return 0;
}

/* Copies one contiguous span: directly on the side in the current address
 * space (the destination if both are), translated on the other. */
static __attribute__((always_inline)) inline int copy_span(struct process *dp, uaddr_t da,
							   struct process *sp, uaddr_t sa,
							   uint64_t len, bool preemptible,
							   bool *dst_fault)
{
	struct process *me = cur_thread()->proc;
	if (dp == me && dp->as)
		return copy_direct(sp, sa, da, len, false, preemptible, dst_fault);
	if (sp == me && sp->as)
		return copy_direct(dp, da, sa, len, true, preemptible, dst_fault);
	return copy_translated(dp, da, sp, sa, len, preemptible, dst_fault);
}

long ipc_copy(struct process *dp, const struct ipc_iovs *d, uint64_t doff, struct process *sp,
	      const struct ipc_iovs *s, uint64_t soff, bool *dst_fault, bool preemptible)
{
	if (d->n == 1 && s->n == 1) { /* the linear forms: one span */
		if (doff >= d->v[0].len || soff >= s->v[0].len)
			return 0;
		uint64_t n = MIN(d->v[0].len - doff, s->v[0].len - soff);
		int e = copy_span(dp, d->v[0].base + doff, sp, s->v[0].base + soff, n, preemptible,
				  dst_fault);
		return e ? e : (long)n;
	}
	struct cursor dc, sc;
	cursor_seek(&dc, d, doff);
	cursor_seek(&sc, s, soff);
	long done = 0;
	while (cursor_next(&dc) && cursor_next(&sc)) {
		uint64_t n = MIN(d->v[dc.i].len - dc.off, s->v[sc.i].len - sc.off);
		int e = copy_span(dp, d->v[dc.i].base + dc.off, sp, s->v[sc.i].base + sc.off, n,
				  preemptible, dst_fault);
		if (e)
			return e;
		dc.off += n;
		sc.off += n;
		done += (long)n;
	}
	return done;
}

long ipc_copy_out(struct process *dp, const struct ipc_iovs *d, const void *src, uint64_t n)
{
	bool direct = dp == cur_thread()->proc && dp->as;
	struct cursor dc;
	cursor_seek(&dc, d, 0);
	const char *s = src;
	long done = 0;
	while (n && cursor_next(&dc)) {
		uaddr_t da = d->v[dc.i].base + dc.off;
		uint64_t c = MIN(n, d->v[dc.i].len - dc.off);
		if (direct) {
			if (uaccess_copy((void *)da, s, c))
				return -EFAULT;
		} else {
			c = MIN(c, PAGE_SIZE - (da & ~PAGE_MASK));
			bool faulted = false;
			void *dst = user_ptr(dp, da, true, &faulted);
			if (!dst)
				return -EFAULT;
			memcpy(dst, s, c);
		}
		dc.off += c;
		s += c;
		n -= c;
		done += (long)c;
	}
	return done;
}
