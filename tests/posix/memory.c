/*
 * posix_memory: malloc small and big (brk and mmap underneath), realloc,
 * anonymous mmap (zero-filled, private and shared across fork, MAP_FIXED,
 * errors), munmap then access (SIGSEGV, SEGV_MAPERR), mprotect (a write to
 * a read-only page is a SIGSEGV caught by a handler that siglongjmps out,
 * with si_addr and SEGV_ACCERR), mremap (in place, moved, MREMAP_FIXED), madvise,
 * a large stack frame, POSIX shared memory (shm_open, ftruncate, mmap
 * shared across fork and copy-on-write, SIGBUS beyond the end after a
 * shrink, EACCES for a writable shared mapping of a read-only fd). Built
 * once, run on the Linux host and in QEMU (ptest.h).
 */
#include "ptest.h"

#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>

static sigjmp_buf fault_jmp;
static volatile sig_atomic_t fault_code;
static void *volatile fault_addr;

static void on_segv(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	fault_code = si->si_code;
	fault_addr = si->si_addr;
	siglongjmp(fault_jmp, 1);
}

/* Write (or read) one byte at p; 1 when it faulted with SIGSEGV. */
static int faults(volatile char *p, int write_it)
{
	fault_code = 0;
	fault_addr = NULL;
	if (sigsetjmp(fault_jmp, 1) == 0) {
		if (write_it)
			*p = 1;
		else
			(void)*p;
		return 0;
	}
	return 1;
}

static void test_malloc(void)
{
	/* Many small blocks, each with its own pattern. */
	enum { N = 2000 };
	static unsigned char *blk[N];
	int ok = 1;
	for (int i = 0; i < N; i++) {
		size_t n = 16 + (size_t)(i % 200);
		blk[i] = malloc(n);
		if (!blk[i]) {
			ok = 0;
			break;
		}
		memset(blk[i], i & 0xff, n);
	}
	CHECK(ok);
	for (int i = 0; ok && i < N; i++) {
		size_t n = 16 + (size_t)(i % 200);
		for (size_t k = 0; k < n; k++)
			ok &= blk[i][k] == (i & 0xff);
	}
	CHECK(ok);
	for (int i = 0; i < N; i += 2)
		free(blk[i]);
	for (int i = 1; ok && i < N; i += 2)
		ok &= blk[i][0] == (i & 0xff);
	CHECK(ok);
	for (int i = 1; i < N; i += 2)
		free(blk[i]);

	/* Big blocks (mmap-backed in musl): zeroed by calloc, usable throughout. */
	size_t big = 16u << 20;
	unsigned char *b = calloc(1, big);
	if (CHECK(b != NULL)) {
		int zero = 1;
		for (size_t k = 0; k < big; k += 4096)
			zero &= b[k] == 0;
		CHECK(zero);
		for (size_t k = 0; k < big; k += 4096)
			b[k] = (unsigned char)(k >> 12);
		int same = 1;
		for (size_t k = 0; k < big; k += 4096)
			same &= b[k] == (unsigned char)(k >> 12);
		CHECK(same);
		free(b);
	}
	/* realloc keeps the contents as it grows across allocators. */
	char *r = malloc(100);
	CHECK(r != NULL);
	memset(r, 'r', 100);
	r = realloc(r, 4u << 20);
	CHECK(r != NULL && r[0] == 'r' && r[99] == 'r');
	r[(4u << 20) - 1] = 'e';
	r = realloc(r, 50);
	CHECK(r != NULL && r[49] == 'r');
	free(r);
	/* A huge request fails cleanly. BUG(neutrino): errno EINVAL (from mmap). */
	errno = 0;
	CHECK(malloc((size_t)1 << 62) == NULL && errno == ENOMEM);
	/* The program break moves (musl grows the heap with brk). */
	void *brk0 = sbrk(0);
	CHECK(brk0 != (void *)-1);
}

static void test_mmap(void)
{
	long page = sysconf(_SC_PAGESIZE);
	CHECK_EQ(page, 4096);
	size_t len = 1u << 20;
	unsigned char *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
				-1, 0);
	if (!CHECK(m != MAP_FAILED))
		return;
	CHECK_EQ((uintptr_t)m % (uintptr_t)page, 0);
	int zero = 1;
	for (size_t k = 0; k < len; k += 512)
		zero &= m[k] == 0;
	CHECK(zero);
	memset(m, 0x5a, len);
	CHECK(m[len - 1] == 0x5a);

	/* munmap of the middle: that part faults, the rest stays. */
	CHECK_EQ(munmap(m + 4 * page, 2 * page), 0);
	CHECK(faults((char *)m + 4 * page, 0));
	CHECK_EQ(fault_code, SEGV_MAPERR);
	CHECK(fault_addr == m + 4 * page);
	CHECK(faults((char *)m + 5 * page + 10, 1));
	CHECK(!faults((char *)m + 3 * page, 1));
	CHECK(!faults((char *)m + 6 * page, 1));
	CHECK(m[6 * page + 1] == 0x5a);
	/* MAP_FIXED over the hole gives fresh zero pages there. */
	void *f = mmap(m + 4 * page, 2 * page, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	CHECK(f == m + 4 * page);
	CHECK(m[4 * page] == 0 && m[6 * page - 1] == 0);
	CHECK_EQ(munmap(m, len), 0);
	CHECK(faults((char *)m, 0));

	/* Errors. BUG(neutrino): a file mapping of fd -1 gives ENODEV, not EBADF. */
	CHECK(mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED &&
	      errno == EINVAL);
	CHECK(mmap(NULL, page, PROT_READ, MAP_ANONYMOUS, -1, 0) == MAP_FAILED && errno == EINVAL);
	CHECK(mmap(NULL, page, PROT_READ, MAP_PRIVATE, -1, 0) == MAP_FAILED && errno == EBADF);
	CHECK_ERR(munmap((char *)m + 1, page), EINVAL);
	CHECK_EQ(munmap(m, len), 0); /* unmapping nothing is fine */

	/* PROT_NONE faults on read. BUG(neutrino): si_code is SEGV_MAPERR. */
	char *n = mmap(NULL, page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(n != MAP_FAILED);
	CHECK(faults(n, 0));
	CHECK_EQ(fault_code, SEGV_ACCERR);
	munmap(n, page);
}

static void test_mprotect(void)
{
	long page = sysconf(_SC_PAGESIZE);
	char *m = mmap(NULL, 3 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!CHECK(m != MAP_FAILED))
		return;
	memset(m, 'p', 3 * page);
	CHECK_EQ(mprotect(m + page, page, PROT_READ), 0);
	CHECK(!faults(m + page, 0));
	CHECK(m[page + 7] == 'p');
	CHECK(faults(m + page + 123, 1));
	CHECK_EQ(fault_code, SEGV_ACCERR);
	CHECK(fault_addr == m + page + 123);
	CHECK(m[page + 123] == 'p'); /* the write did not happen */
	CHECK(!faults(m, 1));
	CHECK(!faults(m + 2 * page, 1));
	/* The handler left by siglongjmp: SIGSEGV is not blocked any more. */
	sigset_t now;
	sigprocmask(SIG_BLOCK, NULL, &now);
	CHECK(!sigismember(&now, SIGSEGV));
	/* Back to writable. */
	CHECK_EQ(mprotect(m + page, page, PROT_READ | PROT_WRITE), 0);
	CHECK(!faults(m + page + 123, 1));
	CHECK_EQ(m[page + 123], 1);
	CHECK_EQ(mprotect(m, 3 * page, PROT_NONE), 0);
	CHECK(faults(m + 2 * page, 0));
	munmap(m, 3 * page);
}

static void test_fork_sharing(void)
{
	long page = sysconf(_SC_PAGESIZE);
	volatile int *shared = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
				    -1, 0);
	volatile int *priv = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
				  -1, 0);
	if (!CHECK(shared != MAP_FAILED && priv != MAP_FAILED))
		return;
	*shared = 1;
	*priv = 1;
	static volatile int data_var = 1;
	pid_t pid = fork();
	if (pid == 0) {
		int bad = *shared != 1 || *priv != 1 || data_var != 1;
		*shared = 2;
		*priv = 2;
		data_var = 2;
		_exit(bad);
	}
	int status = -1;
	CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);
	CHECK_EQ(*shared, 2); /* the child's write is seen */
	CHECK_EQ(*priv, 1);   /* copy-on-write */
	CHECK_EQ(data_var, 1);
	/* And the parent's later write is not seen by a child's copy. */
	pid = fork();
	if (pid == 0) {
		ptest_sleep_ms(30);
		_exit(*priv == 1 && *shared == 3 ? 0 : 1);
	}
	*priv = 5;
	*shared = 3;
	CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);
	munmap((void *)shared, page);
	munmap((void *)priv, page);
}

static void test_mremap(void)
{
	long page = sysconf(_SC_PAGESIZE);
	char *m = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!CHECK(m != MAP_FAILED))
		return;
	memset(m, 'm', 2 * page);
	char *r = mremap(m, 2 * page, 64 * page, MREMAP_MAYMOVE);
	if (!CHECK(r != MAP_FAILED)) {
		munmap(m, 2 * page);
		return;
	}
	CHECK(r[0] == 'm' && r[2 * page - 1] == 'm');
	CHECK(r[2 * page] == 0 && r[64 * page - 1] == 0);
	r[64 * page - 1] = 'e';
	/* Shrinking in place. */
	char *s = mremap(r, 64 * page, page, 0);
	CHECK(s == r);
	CHECK(s[0] == 'm');
	CHECK(faults(s + 2 * page, 0));
	CHECK(mremap(s, page, 2 * page, 0x1000) == MAP_FAILED && errno == EINVAL);

	/* Growing in place against a neighbour: ENOMEM unless it may move. */
	char *g = mmap(NULL, 3 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (CHECK(g != MAP_FAILED)) {
		CHECK_EQ(mprotect(g + 2 * page, page, PROT_NONE), 0);
		g[0] = 'g';
		CHECK(mremap(g, 2 * page, 3 * page, 0) == MAP_FAILED && errno == ENOMEM);
		char *h = mremap(g, 2 * page, 3 * page, MREMAP_MAYMOVE);
		CHECK(h != MAP_FAILED && h != g && h[0] == 'g');
		CHECK(faults(g, 0)); /* the old place is gone */
		munmap(g + 2 * page, page);
		if (h != MAP_FAILED)
			munmap(h, 3 * page);
	}
	/* MREMAP_FIXED: to a chosen place, replacing what was there. */
	char *dst = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (CHECK(dst != MAP_FAILED)) {
		dst[0] = 'd';
		char *f = mremap(s, page, 2 * page, MREMAP_MAYMOVE | MREMAP_FIXED, dst);
		CHECK(f == dst && f[0] == 'm' && f[page] == 0);
		CHECK(faults(s, 0));
		s = f;
	}
	/* A moved shared mapping still shares its pages with a forked child
	 * (a PROT_NONE neighbour keeps it from growing in place). */
	char *res = mmap(NULL, 2 * page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	volatile char *sh = res == MAP_FAILED ? MAP_FAILED
			    : mmap(res, page, PROT_READ | PROT_WRITE,
				   MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	int p[2];
	if (CHECK(sh != MAP_FAILED) && CHECK_EQ(pipe(p), 0)) {
		pid_t pid = fork();
		if (pid == 0) {
			char c;
			_exit(read(p[0], &c, 1) == 1 && sh[0] == 'x' ? 0 : 1);
		}
		char *moved = mremap((void *)sh, page, 4 * page, MREMAP_MAYMOVE);
		if (CHECK(moved != MAP_FAILED && moved != sh))
			moved[0] = 'x';
		CHECK_EQ(write(p[1], "go", 1), 1);
		int st = -1;
		CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0);
		close(p[0]);
		close(p[1]);
		if (moved != MAP_FAILED)
			munmap(moved, 4 * page);
	}
	if (res != MAP_FAILED)
		munmap(res, 2 * page);
	/* Not a mapping (g moved away); no length. */
	CHECK(mremap(g, page, page, 0) == MAP_FAILED && errno == EFAULT);
	CHECK(mremap(s, 0, page, MREMAP_MAYMOVE) == MAP_FAILED && errno == EINVAL); /* private */
	CHECK(mremap(s, page, page, MREMAP_FIXED) == MAP_FAILED && errno == EINVAL);
	munmap(s, 2 * page);
}

static void test_madvise(void)
{
	long page = sysconf(_SC_PAGESIZE);
	char *m = mmap(NULL, 4 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!CHECK(m != MAP_FAILED))
		return;
	memset(m, 'a', 4 * page);
	CHECK_EQ(madvise(m, 4 * page, MADV_NORMAL), 0);
	CHECK_EQ(madvise(m, 4 * page, MADV_WILLNEED), 0);
	CHECK_EQ(madvise(m, 4 * page, MADV_SEQUENTIAL), 0);
	CHECK_EQ(posix_madvise(m, 4 * page, POSIX_MADV_RANDOM), 0);
	CHECK(m[0] == 'a');
	/* MADV_DONTNEED on private anonymous memory: reads back as zeros (Linux). */
	CHECK_EQ(madvise(m + page, page, MADV_DONTNEED), 0);
	CHECK(m[page] == 0 && m[2 * page - 1] == 0);
	CHECK(m[0] == 'a' && m[2 * page] == 'a');
	CHECK_ERR(madvise(m + 1, page, MADV_NORMAL), EINVAL);
	CHECK_ERR(madvise(m, page, 12345), EINVAL); /* BUG(neutrino): returns 0 */
	munmap(m, 4 * page);
}

/* A big stack frame: the main stack has room for it. */
static __attribute__((noinline)) int big_frame(int seed)
{
	volatile char buf[512 * 1024];
	for (size_t i = 0; i < sizeof(buf); i += 4096)
		buf[i] = (char)(seed + (int)i);
	int sum = 0;
	for (size_t i = 0; i < sizeof(buf); i += 4096)
		sum += buf[i] == (char)(seed + (int)i);
	return sum;
}

static void on_bus(int sig, siginfo_t *si, void *uc)
{
	on_segv(sig, si, uc);
}

static void test_shm(void)
{
	char name[64];
	snprintf(name, sizeof(name), "/ptest-mem-%d", (int)getpid());
	int fd = shm_open(name, O_CREAT | O_EXCL | O_RDWR, 0600);
	if (!CHECK_OK(fd))
		return;
	long pg = sysconf(_SC_PAGESIZE);
	CHECK_OK(ftruncate(fd, 2 * pg));
	struct stat st;
	CHECK(fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 2 * pg);
	char *m = mmap(NULL, (size_t)(2 * pg), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	char *p = mmap(NULL, (size_t)(2 * pg), PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	if (!CHECK(m != MAP_FAILED && p != MAP_FAILED)) {
		close(fd);
		shm_unlink(name);
		return;
	}
	strcpy(m, "parent");
	pid_t pid = fork();
	if (pid == 0) {
		int ok = strcmp(m, "parent") == 0;
		strcpy(m + pg, "child");
		_exit(ok ? 0 : 1);
	}
	int status = -1;
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	CHECK_EQ(strcmp(m + pg, "child"), 0);
	/* the private mapping copies on write; the object does not change */
	CHECK_EQ(strcmp(p, "parent"), 0);
	strcpy(p, "private");
	CHECK_EQ(strcmp(m, "parent"), 0);
	char buf[8] = {0};
	CHECK_EQ(pread(fd, buf, 6, 0), 6);
	CHECK_EQ(strcmp(buf, "parent"), 0);
	/* a writable shared mapping needs a read-write fd */
	int ro = shm_open(name, O_RDONLY, 0);
	CHECK_OK(ro);
	errno = 0;
	CHECK(mmap(NULL, (size_t)pg, PROT_READ | PROT_WRITE, MAP_SHARED, ro, 0) == MAP_FAILED &&
	      errno == EACCES);
	close(ro);
	/* unlinked while mapped: the data stays */
	CHECK_OK(shm_unlink(name));
	CHECK_EQ(strcmp(m + pg, "child"), 0);
	/* shrunk: the page beyond the end raises SIGBUS */
	struct sigaction sa = {.sa_sigaction = on_bus, .sa_flags = SA_SIGINFO}, old;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGBUS, &sa, &old);
	CHECK_OK(ftruncate(fd, pg));
	CHECK(faults(m + pg, 0) && fault_code == BUS_ADRERR && fault_addr == m + pg);
	CHECK(!faults(m, 1));
	sigaction(SIGBUS, &old, NULL);
	munmap(p, (size_t)(2 * pg));
	munmap(m, (size_t)(2 * pg));
	close(fd);
}

int main(void)
{
	ptest_start("memory");
	struct sigaction sa = {.sa_sigaction = on_segv, .sa_flags = SA_SIGINFO};
	sigemptyset(&sa.sa_mask);
	sigaction(SIGSEGV, &sa, NULL);
	test_malloc();
	test_mmap();
	test_mprotect();
	test_fork_sharing();
	test_mremap();
	test_madvise();
	test_shm();
	CHECK_EQ(big_frame(3), 512 * 1024 / 4096);
	ptest_done();
}
