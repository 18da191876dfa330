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
#include "fd/fd_sys.h"
#include "proc/proc_sys.h"

static const linux_syscall_fn table[LINUX_NR_MAX] = {
	[NR_write] = sys_write,
	[NR_writev] = sys_writev,
	[NR_ioctl] = sys_ioctl,
	[NR_brk] = sys_brk,
	[NR_mmap] = sys_mmap,
	[NR_munmap] = sys_munmap,
	[NR_mremap] = sys_mremap,
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
	[NR_timer_create] = sys_timer_create,
	[NR_timer_settime] = sys_timer_settime,
	[NR_timer_gettime] = sys_timer_gettime,
	[NR_timer_getoverrun] = sys_timer_getoverrun,
	[NR_timer_delete] = sys_timer_delete,
	[NR_setitimer] = sys_setitimer,
	[NR_getitimer] = sys_getitimer,
	[NR_alarm] = sys_alarm,
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
	[NR_read] = sys_read,
	[NR_readv] = sys_readv,
	[NR_pread64] = sys_pread64,
	[NR_pwrite64] = sys_pwrite64,
	[NR_preadv] = sys_preadv,
	[NR_pwritev] = sys_pwritev,
	[NR_lseek] = sys_lseek,
	[NR_open] = sys_open,
	[NR_openat] = sys_openat,
	[NR_creat] = sys_creat,
	[NR_close] = sys_close,
	[NR_dup] = sys_dup,
	[NR_dup2] = sys_dup2,
	[NR_dup3] = sys_dup3,
	[NR_fcntl] = sys_fcntl,
	[NR_fstat] = sys_fstat,
	[NR_stat] = sys_stat,
	[NR_lstat] = sys_lstat,
	[NR_newfstatat] = sys_newfstatat,
	[NR_statx] = sys_statx,
	[NR_statfs] = sys_statfs,
	[NR_fstatfs] = sys_fstatfs,
	[NR_getdents64] = sys_getdents64,
	[NR_mkdir] = sys_mkdir,
	[NR_mkdirat] = sys_mkdirat,
	[NR_mknod] = sys_mknod,
	[NR_mknodat] = sys_mknodat,
	[NR_rmdir] = sys_rmdir,
	[NR_unlink] = sys_unlink,
	[NR_unlinkat] = sys_unlinkat,
	[NR_rename] = sys_rename,
	[NR_renameat] = sys_renameat,
	[NR_renameat2] = sys_renameat2,
	[NR_link] = sys_link,
	[NR_linkat] = sys_linkat,
	[NR_symlink] = sys_symlink,
	[NR_symlinkat] = sys_symlinkat,
	[NR_readlink] = sys_readlink,
	[NR_readlinkat] = sys_readlinkat,
	[NR_access] = sys_access,
	[NR_faccessat] = sys_faccessat,
	[NR_faccessat2] = sys_faccessat2,
	[NR_chmod] = sys_chmod,
	[NR_fchmod] = sys_fchmod,
	[NR_fchmodat] = sys_fchmodat,
	[NR_chown] = sys_chown,
	[NR_fchown] = sys_fchown,
	[NR_lchown] = sys_lchown,
	[NR_fchownat] = sys_fchownat,
	[NR_utimensat] = sys_utimensat,
	[NR_truncate] = sys_truncate,
	[NR_ftruncate] = sys_ftruncate,
	[NR_fsync] = sys_fsync,
	[NR_fdatasync] = sys_fdatasync,
	[NR_sync] = sys_sync,
	[NR_syncfs] = sys_syncfs,
	[NR_chdir] = sys_chdir,
	[NR_fchdir] = sys_fchdir,
	[NR_getcwd] = sys_getcwd,
	[NR_umask] = sys_umask,
	[NR_pipe] = sys_pipe,
	[NR_pipe2] = sys_pipe2,
	[NR_poll] = sys_poll,
	[NR_ppoll] = sys_ppoll,
	[NR_select] = sys_select,
	[NR_pselect6] = sys_pselect6,

	/* processes: fork, exec, wait, groups, sessions (posix/proc/): */
	[NR_clone] = sys_clone,
	[NR_fork] = sys_fork,
	[NR_vfork] = sys_vfork,
	[NR_execve] = sys_execve,
	[NR_execveat] = sys_execveat,
	[NR_waitid] = sys_waitid,
	[NR_setpgid] = sys_setpgid,
	[NR_getpgid] = sys_getpgid,
	[NR_getpgrp] = sys_getpgrp,
	[NR_setsid] = sys_setsid,
	[NR_getsid] = sys_getsid,
	[NR_setuid] = sys_setuid,
	[NR_setgid] = sys_setgid,
	[NR_setreuid] = sys_setreuid,
	[NR_setregid] = sys_setregid,
	[NR_setresuid] = sys_setresuid,
	[NR_setresgid] = sys_setresgid,
	[NR_getresuid] = sys_getresuid,
	[NR_getresgid] = sys_getresgid,
	[NR_getgroups] = sys_getgroups,
	[NR_setgroups] = sys_setgroups,
	[NR_setfsuid] = sys_setfsuid,
	[NR_setfsgid] = sys_setfsgid,
	[NR_uname] = sys_uname,
	[NR_getrandom] = sys_getrandom,
	[NR_sysinfo] = sys_sysinfo,
	[NR_times] = sys_times,
	[NR_getrusage] = sys_getrusage,
	[NR_getrlimit] = sys_getrlimit,
	[NR_setrlimit] = sys_setrlimit,
	[NR_prlimit64] = sys_prlimit64,
	[NR_futex] = sys_futex,
	[NR_set_robust_list] = sys_set_robust_list,
	[NR_get_robust_list] = sys_get_robust_list,

	/* scheduling policy, priority and affinity (posix/sched.c): */
	[NR_sched_setscheduler] = sys_sched_setscheduler,
	[NR_sched_getscheduler] = sys_sched_getscheduler,
	[NR_sched_setparam] = sys_sched_setparam,
	[NR_sched_getparam] = sys_sched_getparam,
	[NR_sched_get_priority_max] = sys_sched_get_priority_max,
	[NR_sched_get_priority_min] = sys_sched_get_priority_min,
	[NR_sched_rr_get_interval] = sys_sched_rr_get_interval,
	[NR_sched_setaffinity] = sys_sched_setaffinity,
	[NR_sched_getaffinity] = sys_sched_getaffinity,

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
