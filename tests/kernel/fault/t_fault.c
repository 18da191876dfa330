/*
 * t_fault: user faults kill only the faulting process. Each fault_* child
 * must die by the expected signal; the test itself must still be alive
 * afterwards, and a second round must not cost memory (the kill path frees
 * everything the first round did).
 */
#include "ntest.h"

#include <signal.h>

static void run_all(void)
{
	CHECK_SIGNAL("fault_null", SIGSEGV);
	CHECK_SIGNAL("fault_priv", SIGSEGV);
	CHECK_SIGNAL("fault_cli", SIGSEGV);
	CHECK_SIGNAL("fault_kernel", SIGSEGV);
	CHECK_SIGNAL("fault_jump", SIGSEGV);
	CHECK_SIGNAL("fault_ud", SIGILL);
}

int main(void)
{
	struct _sys_meminfo m1, m2;

	ntest_start("fault");
	run_all();
	CHECK_EQ(SysMemInfo(&m1), 0);
	run_all();
	CHECK_EQ(SysMemInfo(&m2), 0);
	ntest_info("free pages after round 1: %llu, after round 2: %llu",
		   (unsigned long long)m1.free_pages, (unsigned long long)m2.free_pages);
	CHECK_EQ(m2.free_pages, m1.free_pages);
	CHECK_EQ(m2.kmem_in_use, m1.kmem_in_use);

	/* Still alive, and the kernel still answers. */
	CHECK(ntest_now() != 0);
	CHECK(getpid() > 0);
	ntest_done();
}
