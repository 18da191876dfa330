/*
 * t_syscalls: the edges of the Linux syscall layer musl programs rely on.
 * ioctl on the console is ENOTTY; unknown Linux and native call numbers are
 * ENOSYS; bad descriptors are EBADF; bad user pointers are EFAULT (never a
 * crash, never kernel memory on the console); 64 MiB of anonymous mmap can be
 * touched and given back; brk grows and shrinks.
 */
#include "ntest.h"

#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>

#define PAGE 4096ul
#define BIG (64ul << 20)
#define KERNEL_ADDR ((void *)0xffffffff80100000ull)

static uint64_t free_pages(void)
{
	struct _sys_meminfo m;
	if (SysMemInfo(&m) != 0)
		return 0;
	return m.free_pages;
}

static void test_errors(void)
{
	struct winsize ws;
	CHECK_ERR(ioctl(1, TIOCGWINSZ, &ws), ENOTTY);
	CHECK_ERR(syscall(SYS_acct, 0), ENOSYS);
	CHECK_ERR(syscall(100000), ENOSYS);
	CHECK_ERR(syscall(_NTO_KCALL_BASE + 999), ENOSYS);
	CHECK_ERR(write(99, "x", 1), EBADF);
	CHECK_ERR(write(-1, "x", 1), EBADF);
	CHECK_ERR(write(1, (void *)8, 10), EFAULT);
	CHECK_ERR(write(1, KERNEL_ADDR, 10), EFAULT);
	struct iovec bad_base = {.iov_base = KERNEL_ADDR, .iov_len = 10};
	CHECK_ERR(writev(1, &bad_base, 1), EFAULT);
	CHECK_ERR(writev(1, (struct iovec *)8, 1), EFAULT);
	CHECK(getpid() > 0);
	CHECK_EQ(syscall(SYS_gettid), getpid()); /* Linux: the first thread's id is the pid */
}

static void test_mmap(void)
{
	uint64_t before = free_pages();
	unsigned char *p = mmap(NULL, BIG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!CHECK(p != MAP_FAILED))
		return;
	int nonzero = 0;
	for (size_t off = 0; off < BIG; off += PAGE) {
		if (p[off] != 0)
			nonzero++;
		p[off] = (unsigned char)(off / PAGE);
	}
	CHECK_EQ(nonzero, 0);
	int wrong = 0;
	for (size_t off = 0; off < BIG; off += PAGE)
		if (p[off] != (unsigned char)(off / PAGE))
			wrong++;
	CHECK_EQ(wrong, 0);
	uint64_t touched = free_pages();
	CHECK_EQ(munmap(p, BIG), 0);
	uint64_t after = free_pages();
	ntest_info("mmap 64 MiB: free pages %llu -> %llu touched -> %llu after munmap",
		   (unsigned long long)before, (unsigned long long)touched,
		   (unsigned long long)after);
	CHECK(before - touched >= BIG / PAGE);
	/* The data pages come back; a few page-table pages may stay. */
	CHECK(after + 64 >= before);
}

static void test_brk(void)
{
	uintptr_t cur = (uintptr_t)syscall(SYS_brk, 0);
	if (!CHECK(cur != 0))
		return;
	uintptr_t want = cur + (1ul << 20);
	uint64_t before = free_pages();
	CHECK_EQ(syscall(SYS_brk, want), want);
	uintptr_t first = (cur + PAGE - 1) & ~(PAGE - 1);
	int nonzero = 0;
	for (uintptr_t a = first; a < want; a += PAGE) {
		if (*(volatile unsigned char *)a != 0)
			nonzero++;
		*(volatile unsigned char *)a = 1;
	}
	CHECK_EQ(nonzero, 0);
	uint64_t grown = free_pages();
	CHECK_EQ(syscall(SYS_brk, cur), cur);
	CHECK_EQ(syscall(SYS_brk, 0), cur);
	uint64_t after = free_pages();
	ntest_info("brk +1 MiB: free pages %llu -> %llu grown -> %llu shrunk",
		   (unsigned long long)before, (unsigned long long)grown,
		   (unsigned long long)after);
	CHECK(before - grown >= (want - first) / PAGE);
	CHECK(after + 8 >= before);
}

int main(void)
{
	ntest_start("syscalls");
	test_errors();
	test_mmap();
	test_brk();
	ntest_done();
}
