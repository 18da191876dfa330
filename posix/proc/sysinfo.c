/*
 * System information: uname, getrandom (the kernel CSPRNG, kernel/random.c),
 * sysinfo.
 */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <kernel/hooks.h>
#include <kernel/percpu.h>
#include <kernel/process.h>
#include <kernel/random.h>
#include <mm/pmm.h>
#include <mm/uaccess.h>
#include <sched/clock.h>
#include <sched/sched.h>

#include "proc_sys.h"

#define UTS_LEN 65
#define GRND_NONBLOCK 1
#define GRND_RANDOM 2
#define GRND_INSECURE 4
#define GETRANDOM_MAX 33554431u /* Linux's cap per call */

struct linux_utsname {
	char sysname[UTS_LEN], nodename[UTS_LEN], release[UTS_LEN], version[UTS_LEN],
		machine[UTS_LEN], domainname[UTS_LEN];
};

struct linux_sysinfo {
	int64_t uptime;
	uint64_t loads[3];
	uint64_t totalram, freeram, sharedram, bufferram, totalswap, freeswap;
	uint16_t procs, pad;
	uint64_t totalhigh, freehigh;
	uint32_t mem_unit;
	char reserved[4];
};
_Static_assert(sizeof(struct linux_sysinfo) == 112, "struct sysinfo layout");

long sys_uname(const uint64_t *a, struct trapframe *tf)
{
	struct linux_utsname u;
	memset(&u, 0, sizeof(u));
	strlcpy_k(u.sysname, "Neutrino", UTS_LEN);
	strlcpy_k(u.nodename, "neutrino", UTS_LEN);
	strlcpy_k(u.release, "0.4", UTS_LEN);
	strlcpy_k(u.version, "#1 " __DATE__, UTS_LEN);
	strlcpy_k(u.machine, "x86_64", UTS_LEN);
	strlcpy_k(u.domainname, "(none)", UTS_LEN);
	return copy_to_user(a[0], &u, sizeof(u)) ? -EFAULT : 0;
}

/* Blocks of RANDOM_CHUNK bytes; a long request yields to signals and to
 * higher-priority threads between blocks. */
long sys_getrandom(const uint64_t *a, struct trapframe *tf)
{
	uaddr_t buf = a[0];
	size_t len = MIN(a[1], (uint64_t)GETRANDOM_MAX);
	uint32_t flags = (uint32_t)a[2];
	if ((flags & ~(uint32_t)(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE)) ||
	    (flags & (GRND_RANDOM | GRND_INSECURE)) == (GRND_RANDOM | GRND_INSECURE))
		return -EINVAL;
	if (!uaccess_range_ok(buf, len))
		return -EFAULT;
	struct thread *t = cur_thread();
	uint8_t chunk[RANDOM_CHUNK];
	size_t done = 0;
	while (done < len) {
		if (done && signal_interrupts && signal_interrupts(t))
			break;
		size_t n = MIN(len - done, sizeof(chunk));
		random_bytes(chunk, n);
		if (copy_to_user(buf + done, chunk, n)) {
			memset(chunk, 0, sizeof(chunk));
			return done ? (long)done : -EFAULT;
		}
		done += n;
		preempt_point();
	}
	memset(chunk, 0, sizeof(chunk));
	return (long)done;
}

long sys_sysinfo(const uint64_t *a, struct trapframe *tf)
{
	struct pmm_stats ps;
	pmm_get_stats(&ps);
	struct linux_sysinfo si;
	memset(&si, 0, sizeof(si));
	si.uptime = (int64_t)(clock_monotonic_ns() / 1000000000ull);
	si.totalram = ps.total_pages;
	si.freeram = ps.free_pages;
	si.procs = (uint16_t)MIN(nr_processes, 0xffffull);
	si.mem_unit = PAGE_SIZE;
	return copy_to_user(a[0], &si, sizeof(si)) ? -EFAULT : 0;
}
