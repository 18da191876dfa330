/*
 * Program loading: a static ELF (musl static or static-pie) into a new
 * process, with the System V initial stack (argc, argv, envp, auxv) musl
 * expects.
 */
#pragma once
#include <kernel/types.h>

struct process;

#define EXEC_ARGS_MAX (128u * 1024) /* bytes of argument and environment strings */
#define EXEC_ARGV_MAX 4096u         /* pointers in argv plus envp */

struct exec_args {
	char *buf;     /* argv strings, then envp strings, each NUL-terminated */
	size_t len;
	unsigned argc, envc;
};

/* Copies argv and envp (NULL-terminated user arrays; envp may be 0) in.
 * -E2BIG past the limits, -EFAULT on bad pointers. */
__must_check int exec_args_from_user(struct exec_args *a, uaddr_t argv, uaddr_t envp);
/* Arguments from a kernel string (the first program). */
__must_check int exec_args_single(struct exec_args *a, const char *argv0);
void exec_args_free(struct exec_args *a);

/* Creates a child of parent running the ELF image (elf, size), named name,
 * with one READY thread. Returns the pid or -errno (-ENOEXEC for a bad ELF;
 * the reason is printed). */
long exec_spawn(struct process *parent, const char *name, const void *elf, size_t size,
		const struct exec_args *args, uint8_t prio, uint8_t policy);
