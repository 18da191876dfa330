/*
 * Helpers shared by the sync tests (tests/kernel/sync/t_sync_*.c). Threads
 * made with ntest_thread share the main thread's TLS, so they use the Sync*
 * kernel calls, never the TLS-caching _nto_* fast paths.
 */
#pragma once
#include "ntest.h"

#include <sys/syscall.h>
#include <time.h>

static inline void sleep_ms(unsigned ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

/* Sleep until *flag reaches want, or about limit_ms; returns whether it did. Main only. */
static inline int wait_for(volatile int *flag, int want, unsigned limit_ms)
{
	for (unsigned i = 0; i < limit_ms && *flag < want; i += 2)
		sleep_ms(2);
	return *flag >= want;
}

static inline int my_prio(void)
{
	struct sched_param p = {0};
	SchedGet_r(0, 0, &p);
	return p.sched_priority;
}

static inline uint32_t thread_sync_id(int tid)
{
	return _NTO_SYNC_ID(getpid(), tid);
}

static inline int mutex_init(sync_t *m, int protocol, int flags, int ceiling)
{
	struct _sync_attr a = {.protocol = protocol, .flags = flags, .prioceiling = ceiling};
	return SyncTypeCreate_r(_NTO_SYNC_MUTEX_FREE, m, &a);
}

/* Like ntest_thread, but on a stack from a static pool (a malloc'ed stack
 * would add a kernel vm_region per thread) and detached, so that its exit
 * leaves no join record behind: the tests compare kmem_in_use. Returns the
 * tid or -errno. Main thread only. */
#define SPAWN_STACKS 16
#define SPAWN_STACK_SIZE (32 * 1024)
static char spawn_stacks[SPAWN_STACKS][SPAWN_STACK_SIZE] __attribute__((aligned(16)));
static int spawn_next;

static inline int spawn(void *(*func)(void *), void *arg, int policy, int priority)
{
	if (spawn_next == SPAWN_STACKS)
		return -ENOMEM;
	struct _thread_attr attr = {
		.policy = policy,
		.priority = priority,
		.stacksize = SPAWN_STACK_SIZE,
		.stackaddr = spawn_stacks[spawn_next++],
	};
	int tid = ThreadCreate_r(0, func, arg, &attr);
	if (tid > 0 && ThreadDetach_r(tid) < 0)
		return -EINVAL;
	return tid;
}
