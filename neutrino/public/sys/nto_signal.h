/*
 * Native signal calls (SignalKill, SignalAction, SignalProcmask,
 * SignalSuspend, SignalWaitinfo). Signal numbers, sigset_t, siginfo_t and
 * struct sigaction are musl's (Linux x86_64 layouts): the kernel has one
 * signal implementation serving both these calls and the POSIX syscalls.
 * Part of sys/neutrino.h.
 */
#pragma once
#ifndef __KERNEL__
#include <signal.h>
#endif
