/*
 * The POSIX personality: Linux x86_64 syscalls made by stock musl, turned
 * into native kernel operations. posix_syscall() decodes tf->rax (< 1024)
 * and the argument registers and returns the Linux result (-errno on error).
 */
#pragma once
#include <arch/trap.h>

long posix_syscall(struct trapframe *tf);
