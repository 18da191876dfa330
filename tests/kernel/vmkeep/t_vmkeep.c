/*
 * mprotect(PROT_NONE) must keep the pages: their contents come back when
 * access is allowed again, in the process and in a child forked while the
 * range was PROT_NONE (which gets its own copy). An access while PROT_NONE,
 * or a write to PROT_READ, is SIGSEGV with SEGV_ACCERR; munmap of a
 * PROT_NONE range and exit free the kept pages (no crash, no leak check).
 */
#include <setjmp.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ntest.h"

#define NPAGES 4
static sigjmp_buf jb;
static volatile int fault_code;
static volatile uintptr_t unmapped = 8;

static void on_segv(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	fault_code = si->si_code;
	siglongjmp(jb, 1);
}

static int pattern_ok(const unsigned char *m, size_t len, unsigned char salt)
{
	for (size_t i = 0; i < len; i++)
		if (m[i] != (unsigned char)(i * 7 + salt))
			return 0;
	return 1;
}

int main(void)
{
	ntest_start("vmkeep");
	size_t page = (size_t)sysconf(_SC_PAGESIZE), len = NPAGES * page;
	unsigned char *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!CHECK(m != MAP_FAILED))
		ntest_done();
	for (size_t i = 0; i < len; i++)
		m[i] = (unsigned char)(i * 7 + 1);

	struct sigaction sa = { 0 };
	sa.sa_sigaction = on_segv;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGSEGV, &sa, NULL);

	CHECK_EQ(mprotect(m, len, PROT_NONE), 0);
	fault_code = 0;
	if (!sigsetjmp(jb, 1))
		(void)*(volatile unsigned char *)(m + page);
	CHECK_EQ(fault_code, SEGV_ACCERR);
	CHECK_EQ(mprotect(m, len, PROT_READ), 0);
	CHECK(pattern_ok(m, len, 1));
	fault_code = 0;
	if (!sigsetjmp(jb, 1))
		*(volatile unsigned char *)(m + 2 * page) = 0;
	CHECK_EQ(fault_code, SEGV_ACCERR);
	CHECK_EQ(mprotect(m, len, PROT_READ | PROT_WRITE), 0);
	CHECK(pattern_ok(m, len, 1));

	/* fork while PROT_NONE: both sides keep the contents, copies are private */
	CHECK_EQ(mprotect(m, len, PROT_NONE), 0);
	pid_t pid = fork();
	if (pid == 0) {
		int ok = mprotect(m, len, PROT_READ | PROT_WRITE) == 0 && pattern_ok(m, len, 1);
		for (size_t i = 0; i < len; i++)
			m[i] = 0xee;
		_exit(ok ? 0 : 1);
	}
	int st = -1;
	CHECK_EQ(waitpid(pid, &st, 0), pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	CHECK_EQ(mprotect(m, len, PROT_READ | PROT_WRITE), 0);
	CHECK(pattern_ok(m, len, 1));

	/* a partial PROT_NONE in the middle, then munmap while PROT_NONE */
	CHECK_EQ(mprotect(m + page, page, PROT_NONE), 0);
	CHECK_EQ(mprotect(m + page, page, PROT_READ), 0);
	CHECK(pattern_ok(m, len, 1));
	CHECK_EQ(mprotect(m, len, PROT_NONE), 0);
	CHECK_EQ(munmap(m, len), 0);
	/* the range is gone: a fresh mapping there reads zero */
	unsigned char *n = mmap(m, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
				-1, 0);
	CHECK(n == m);
	if (n == m)
		CHECK(n[0] == 0 && n[len - 1] == 0);
	/* madvise with an unknown advice: EINVAL */
	CHECK_ERR(madvise(n, page, 12345), EINVAL);
	/* write to PROT_READ never touched: SEGV_ACCERR too (page not yet present) */
	unsigned char *r = mmap(NULL, page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	fault_code = 0;
	if (!sigsetjmp(jb, 1))
		*(volatile unsigned char *)r = 1;
	CHECK_EQ(fault_code, SEGV_ACCERR);
	/* no mapping at all: SEGV_MAPERR */
	fault_code = 0;
	if (!sigsetjmp(jb, 1))
		(void)*(volatile unsigned char *)unmapped;
	CHECK_EQ(fault_code, SEGV_MAPERR);
	ntest_done();
}
