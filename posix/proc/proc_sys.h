/*
 * The process syscalls of posix/proc/ (and posix/futex.c): Linux x86_64
 * numbers and handlers, for the syscall table (posix/syscall.c). The
 * numbers of exit, wait4, getpid and the other older ones are in
 * posix/linux.h.
 */
#pragma once
#include "../linux.h"

#define NR_clone 56
#define NR_fork 57
#define NR_vfork 58
#define NR_execve 59
#define NR_uname 63
#define NR_getrlimit 97
#define NR_getrusage 98
#define NR_sysinfo 99
#define NR_times 100
#define NR_setuid 105
#define NR_setgid 106
#define NR_setpgid 109
#define NR_getpgrp 111
#define NR_setsid 112
#define NR_setreuid 113
#define NR_setregid 114
#define NR_getgroups 115
#define NR_setgroups 116
#define NR_setresuid 117
#define NR_getresuid 118
#define NR_setresgid 119
#define NR_getresgid 120
#define NR_getpgid 121
#define NR_setfsuid 122
#define NR_setfsgid 123
#define NR_getsid 124
#define NR_setrlimit 160
#define NR_futex 202
#define NR_waitid 247
#define NR_prlimit64 302
#define NR_getrandom 318
#define NR_execveat 322

#define PROC_SYSCALL(name) long sys_##name(const uint64_t *a, struct trapframe *tf)

/* clone.c */
PROC_SYSCALL(clone);
PROC_SYSCALL(fork);
PROC_SYSCALL(vfork);
/* execve.c */
PROC_SYSCALL(execve);
PROC_SYSCALL(execveat);
/* wait.c */
PROC_SYSCALL(waitid);
/* pgrp.c */
PROC_SYSCALL(setpgid);
PROC_SYSCALL(getpgid);
PROC_SYSCALL(getpgrp);
PROC_SYSCALL(setsid);
PROC_SYSCALL(getsid);
/* cred.c */
PROC_SYSCALL(setuid);
PROC_SYSCALL(setgid);
PROC_SYSCALL(setreuid);
PROC_SYSCALL(setregid);
PROC_SYSCALL(setresuid);
PROC_SYSCALL(setresgid);
PROC_SYSCALL(getresuid);
PROC_SYSCALL(getresgid);
PROC_SYSCALL(getgroups);
PROC_SYSCALL(setgroups);
PROC_SYSCALL(setfsuid);
PROC_SYSCALL(setfsgid);
/* sysinfo.c */
PROC_SYSCALL(uname);
PROC_SYSCALL(getrandom);
PROC_SYSCALL(sysinfo);
/* usage.c */
PROC_SYSCALL(times);
PROC_SYSCALL(getrusage);
/* Writes a struct rusage with cpu_ns as its user time to u (if not 0). */
int put_rusage(uaddr_t u, uint64_t cpu_ns);
/* rlimit.c */
PROC_SYSCALL(getrlimit);
PROC_SYSCALL(setrlimit);
PROC_SYSCALL(prlimit64);
/* futex.c */
PROC_SYSCALL(futex);

/* futex.c, for thread exit (CLONE_CHILD_CLEARTID): wakes up to n waiters
 * on the private futex at uaddr of the current address space. */
int futex_wake_private(uaddr_t uaddr, int n);
/* proc.c: the calling thread's CLONE_CHILD_CLEARTID duty before it ends. */
void proc_clear_child_tid(void);
