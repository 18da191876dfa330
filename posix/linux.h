/*
 * The Linux x86_64 ABI as posix/ implements it: syscall numbers, and the
 * handler signature (a[0..5] = rdi, rsi, rdx, r10, r8, r9). Only posix/
 * knows Linux numbers and structure layouts.
 */
#pragma once
#include <arch/trap.h>
#include <kernel/types.h>

typedef long (*linux_syscall_fn)(const uint64_t *a, struct trapframe *tf);

/* CPU time of the calling thread (thread = true) or of its whole process,
 * including the slice running now, in ns (posix/time.c). */
uint64_t posix_cpu_time_ns(bool thread);

#define LINUX_NR_MAX 512

#define NR_read 0
#define NR_write 1
#define NR_mmap 9
#define NR_mprotect 10
#define NR_munmap 11
#define NR_mremap 25
#define NR_brk 12
#define NR_ioctl 16
#define NR_writev 20
#define NR_sched_yield 24
#define NR_madvise 28
#define NR_nanosleep 35
#define NR_getpid 39
#define NR_exit 60
#define NR_wait4 61
#define NR_gettimeofday 96
#define NR_getuid 102
#define NR_getgid 104
#define NR_geteuid 107
#define NR_getegid 108
#define NR_getppid 110
#define NR_arch_prctl 158
#define NR_gettid 186
#define NR_set_tid_address 218
#define NR_clock_gettime 228
#define NR_clock_getres 229
#define NR_clock_nanosleep 230
#define NR_exit_group 231
#define NR_rt_sigaction 13
#define NR_rt_sigprocmask 14
#define NR_rt_sigreturn 15
#define NR_kill 62
#define NR_rt_sigpending 127
#define NR_rt_sigtimedwait 128
#define NR_rt_sigqueueinfo 129
#define NR_rt_sigsuspend 130
#define NR_sigaltstack 131
#define NR_tkill 200
#define NR_tgkill 234
#define NR_rt_tgsigqueueinfo 297
#define NR_pause 34
#define NR_sched_setparam 142
#define NR_sched_getparam 143
#define NR_sched_setscheduler 144
#define NR_sched_getscheduler 145
#define NR_sched_get_priority_max 146
#define NR_sched_get_priority_min 147
#define NR_sched_rr_get_interval 148
#define NR_getitimer 36
#define NR_alarm 37
#define NR_setitimer 38
#define NR_timer_create 222
#define NR_timer_settime 223
#define NR_timer_gettime 224
#define NR_timer_getoverrun 225
#define NR_timer_delete 226
#define NR_sched_setaffinity 203
#define NR_sched_getaffinity 204
#define NR_set_robust_list 273
#define NR_get_robust_list 274

struct linux_timespec {
	int64_t tv_sec;
	int64_t tv_nsec;
};

struct linux_iovec {
	uint64_t base;
	uint64_t len;
};

/* handlers, one family per file */
long sys_write(const uint64_t *a, struct trapframe *tf);
long sys_writev(const uint64_t *a, struct trapframe *tf);
long sys_ioctl(const uint64_t *a, struct trapframe *tf);
long sys_brk(const uint64_t *a, struct trapframe *tf);
long sys_mmap(const uint64_t *a, struct trapframe *tf);
long sys_munmap(const uint64_t *a, struct trapframe *tf);
long sys_mremap(const uint64_t *a, struct trapframe *tf);
long sys_mprotect(const uint64_t *a, struct trapframe *tf);
long sys_madvise(const uint64_t *a, struct trapframe *tf);
long sys_exit(const uint64_t *a, struct trapframe *tf);
long sys_exit_group(const uint64_t *a, struct trapframe *tf);
long sys_wait4(const uint64_t *a, struct trapframe *tf);
long sys_getpid(const uint64_t *a, struct trapframe *tf);
long sys_getppid(const uint64_t *a, struct trapframe *tf);
long sys_gettid(const uint64_t *a, struct trapframe *tf);
long sys_getuid(const uint64_t *a, struct trapframe *tf);
long sys_getgid(const uint64_t *a, struct trapframe *tf);
long sys_set_tid_address(const uint64_t *a, struct trapframe *tf);
long sys_set_robust_list(const uint64_t *a, struct trapframe *tf); /* robust.c */
long sys_get_robust_list(const uint64_t *a, struct trapframe *tf);
long sys_arch_prctl(const uint64_t *a, struct trapframe *tf);
long sys_clock_gettime(const uint64_t *a, struct trapframe *tf);
long sys_clock_getres(const uint64_t *a, struct trapframe *tf);
long sys_gettimeofday(const uint64_t *a, struct trapframe *tf);
long sys_nanosleep(const uint64_t *a, struct trapframe *tf);
long sys_clock_nanosleep(const uint64_t *a, struct trapframe *tf);
long sys_sched_yield(const uint64_t *a, struct trapframe *tf);
/* signals (signal.c, signal_wait.c, kill.c) */
long sys_rt_sigaction(const uint64_t *a, struct trapframe *tf);
long sys_rt_sigprocmask(const uint64_t *a, struct trapframe *tf);
long sys_rt_sigreturn(const uint64_t *a, struct trapframe *tf);
long sys_rt_sigpending(const uint64_t *a, struct trapframe *tf);
long sys_rt_sigsuspend(const uint64_t *a, struct trapframe *tf);
long sys_rt_sigtimedwait(const uint64_t *a, struct trapframe *tf);
long sys_sigaltstack(const uint64_t *a, struct trapframe *tf);
long sys_kill(const uint64_t *a, struct trapframe *tf);
long sys_tkill(const uint64_t *a, struct trapframe *tf);
long sys_tgkill(const uint64_t *a, struct trapframe *tf);
long sys_rt_sigqueueinfo(const uint64_t *a, struct trapframe *tf);
long sys_rt_tgsigqueueinfo(const uint64_t *a, struct trapframe *tf);
long sys_pause(const uint64_t *a, struct trapframe *tf);
/* POSIX timers, interval timers, alarm (timer.c) */
long sys_timer_create(const uint64_t *a, struct trapframe *tf);
long sys_timer_settime(const uint64_t *a, struct trapframe *tf);
long sys_timer_gettime(const uint64_t *a, struct trapframe *tf);
long sys_timer_getoverrun(const uint64_t *a, struct trapframe *tf);
long sys_timer_delete(const uint64_t *a, struct trapframe *tf);
long sys_setitimer(const uint64_t *a, struct trapframe *tf);
long sys_getitimer(const uint64_t *a, struct trapframe *tf);
long sys_alarm(const uint64_t *a, struct trapframe *tf);
/* scheduling policy, priority and affinity (sched.c) */
long sys_sched_setscheduler(const uint64_t *a, struct trapframe *tf);
long sys_sched_getscheduler(const uint64_t *a, struct trapframe *tf);
long sys_sched_setparam(const uint64_t *a, struct trapframe *tf);
long sys_sched_getparam(const uint64_t *a, struct trapframe *tf);
long sys_sched_get_priority_max(const uint64_t *a, struct trapframe *tf);
long sys_sched_get_priority_min(const uint64_t *a, struct trapframe *tf);
long sys_sched_rr_get_interval(const uint64_t *a, struct trapframe *tf);
long sys_sched_setaffinity(const uint64_t *a, struct trapframe *tf);
long sys_sched_getaffinity(const uint64_t *a, struct trapframe *tf);
