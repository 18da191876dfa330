/*
 * Program loading: a static ELF (musl static or static-pie) into a new
 * process, with the System V initial stack (argc, argv, envp, auxv) musl
 * expects.
 */
#pragma once
#include <kernel/process.h>
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

/* A program file to load: wholly in kernel memory (mem, the boot image) or
 * read on demand (read: exactly len bytes at off into the kernel buffer
 * buf, 0 or -errno; may block). */
struct exec_image {
	uint64_t size;
	const void *mem;
	int (*read)(void *ctx, uint64_t off, void *buf, size_t len);
	void *ctx;
};

/* A program loaded into an address space that is not running yet. */
struct exec_loaded {
	struct aspace *as;
	uaddr_t entry, sp, brk;
	uint16_t cmdline_len; /* the arguments for process->cmdline */
	char cmdline[PROC_CMDLINE_MAX];
};
/* Makes l the process's program record (arguments for /proc/<pid>/cmdline). */
void exec_set_cmdline(struct process *p, const struct exec_loaded *l);

/* Loads img into a fresh address space with the initial stack for args,
 * auxv from p's credentials and limits, AT_EXECFN execfn. 0; -ENOEXEC for
 * anything wrong with the ELF (*why says what), -ENOMEM, -E2BIG, or the
 * reader's error. On failure nothing is left allocated. */
__must_check int exec_load(struct process *p, const struct exec_image *img,
			   const struct exec_args *args, const char *execfn,
			   struct exec_loaded *out, const char **why);

/* exec in the calling thread's process (kernel/exec_replace.c): the other
 * threads are ended, the address space becomes l->as, the calling thread
 * restarts at the new entry point with a fresh register and FPU state,
 * caught signals go back to SIG_DFL, the sigaltstack, timers and the
 * vfork parent are released, the name becomes name's basename. Returns 0;
 * -EINTR (nothing changed, l->as freed) if the process is ending or the
 * caller is killed while the other threads end. */
__must_check int exec_replace(struct exec_loaded *l, const char *name);
