/*
 * The Linux syscall table of the POSIX personality, and its dispatch.
 * A number without a handler returns -ENOSYS and is reported once per
 * process, with its number and name.
 */
#include <kernel/errno.h>
#include <kernel/percpu.h>
#include <kernel/printk.h>
#include <kernel/process.h>
#include <posix/posix.h>
#include <sched/thread.h>

#include "linux.h"
#include "linux_names.h"

static const linux_syscall_fn table[LINUX_NR_MAX] = {
	[NR_write] = sys_write,
	[NR_writev] = sys_writev,
	[NR_ioctl] = sys_ioctl,
	[NR_brk] = sys_brk,
	[NR_mmap] = sys_mmap,
	[NR_munmap] = sys_munmap,
	[NR_mprotect] = sys_mprotect,
	[NR_madvise] = sys_madvise,
	[NR_exit] = sys_exit,
	[NR_exit_group] = sys_exit_group,
	[NR_wait4] = sys_wait4,
	[NR_getpid] = sys_getpid,
	[NR_getppid] = sys_getppid,
	[NR_gettid] = sys_gettid,
	[NR_getuid] = sys_getuid,
	[NR_geteuid] = sys_getuid,
	[NR_getgid] = sys_getgid,
	[NR_getegid] = sys_getgid,
	[NR_set_tid_address] = sys_set_tid_address,
	[NR_arch_prctl] = sys_arch_prctl,
	[NR_clock_gettime] = sys_clock_gettime,
	[NR_clock_getres] = sys_clock_getres,
	[NR_gettimeofday] = sys_gettimeofday,
	[NR_nanosleep] = sys_nanosleep,
	[NR_clock_nanosleep] = sys_clock_nanosleep,
	[NR_sched_yield] = sys_sched_yield,
	[NR_rt_sigaction] = sys_rt_sigaction,
	[NR_rt_sigprocmask] = sys_rt_sigprocmask,
	[NR_rt_sigreturn] = sys_rt_sigreturn,
	[NR_rt_sigpending] = sys_rt_sigpending,
	[NR_rt_sigsuspend] = sys_rt_sigsuspend,
	[NR_rt_sigtimedwait] = sys_rt_sigtimedwait,
	[NR_sigaltstack] = sys_sigaltstack,
	[NR_kill] = sys_kill,
	[NR_tkill] = sys_tkill,
	[NR_tgkill] = sys_tgkill,
	[NR_rt_sigqueueinfo] = sys_rt_sigqueueinfo,
	[NR_rt_tgsigqueueinfo] = sys_rt_tgsigqueueinfo,
	[NR_pause] = sys_pause,
	/* files, directories, pipes, poll (posix/fd/): */

	/* processes: fork, exec, wait, groups, sessions (posix/proc/): */

};

static long not_implemented(uint64_t nr)
{
	struct process *p = cur_thread()->proc;
	if (nr < LINUX_NR_MAX) {
		uint64_t bit = 1ull << (nr % 64);
		if (p->enosys_logged[nr / 64] & bit)
			return -ENOSYS;
		p->enosys_logged[nr / 64] |= bit;
	}
	printk("neutrino: pid %d (%s): Linux syscall %lu (%s) not implemented (ENOSYS)\n", p->pid,
	       p->name, nr, linux_syscall_name(nr));
	return -ENOSYS;
}

long posix_syscall(struct trapframe *tf)
{
	uint64_t nr = tf->rax;
	if (nr >= LINUX_NR_MAX || !table[nr])
		return not_implemented(nr);
	const uint64_t a[6] = { tf->rdi, tf->rsi, tf->rdx, tf->r10, tf->r8, tf->r9 };
	return table[nr](a, tf);
}
