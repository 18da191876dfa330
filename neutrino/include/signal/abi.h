/*
 * The Linux x86_64 signal ABI that musl uses, and the native calls share:
 * flag and code values, the kernel's struct sigaction (rt_sigaction),
 * siginfo_t (128 bytes), the sigaltstack descriptor, and the rt_sigframe
 * that signal delivery builds on the user stack (return address, ucontext
 * with the sigcontext registers in Linux order, siginfo; the 512-byte
 * fxsave image sits below it, 64-byte aligned, pointed to by fpstate).
 * Layouts follow the Linux UAPI; the definitions are this kernel's own.
 */
#pragma once
#include <kernel/types.h>

#define SIG_DFL 0ull
#define SIG_IGN 1ull

#define SA_NOCLDSTOP 0x00000001ull
#define SA_NOCLDWAIT 0x00000002ull
#define SA_SIGINFO 0x00000004ull
#define SA_RESTORER 0x04000000ull
#define SA_ONSTACK 0x08000000ull
#define SA_RESTART 0x10000000ull
#define SA_NODEFER 0x40000000ull
#define SA_RESETHAND 0x80000000ull

#define SIG_BLOCK 0
#define SIG_UNBLOCK 1
#define SIG_SETMASK 2

#define SS_ONSTACK 1
#define SS_DISABLE 2
#define MINSIGSTKSZ 2048

/* si_code values */
#define SI_USER 0
#define SI_KERNEL 0x80
#define SI_QUEUE (-1)
#define SI_TIMER (-2)
#define SI_TKILL (-6)

#define UC_SIGCONTEXT_SS 0x2

/* rt_sigaction's struct (sigsetsize 8). */
struct linux_k_sigaction {
	uint64_t handler;
	uint64_t flags;
	uint64_t restorer;
	uint64_t mask;
};

/* musl's user struct sigaction, which the native SignalAction takes. */
struct nto_user_sigaction {
	uint64_t handler;
	uint64_t mask[16]; /* sigset_t: 1024 bits, only the first word is used */
	int32_t flags;
	int32_t pad;
	uint64_t restorer;
};

struct linux_siginfo {
	int32_t si_signo;
	int32_t si_errno;
	int32_t si_code;
	int32_t pad0;
	union {
		struct {               /* kill, sigqueue, tkill */
			int32_t pid;
			uint32_t uid;
			uint64_t value;
		} kill;
		struct {               /* POSIX timers */
			int32_t tid;
			int32_t overrun;
			uint64_t value;
		} timer;
		struct {               /* SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP */
			uint64_t addr;
		} fault;
		uint8_t pad[112];
	};
};

struct linux_stack {
	uint64_t ss_sp;
	int32_t ss_flags;
	int32_t pad;
	uint64_t ss_size;
};

struct linux_sigcontext {
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp;
	uint64_t rip, eflags;
	uint16_t cs, gs, fs, ss;
	uint64_t err, trapno, oldmask, cr2;
	uint64_t fpstate; /* user address of the fxsave image, 0 = none */
	uint64_t reserved1[8];
};

struct linux_ucontext {
	uint64_t uc_flags;
	uint64_t uc_link;
	struct linux_stack uc_stack;
	struct linux_sigcontext uc_mcontext;
	uint64_t uc_sigmask;
};

struct linux_rt_sigframe {
	uint64_t pretcode; /* the handler returns here: sa_restorer */
	struct linux_ucontext uc;
	struct linux_siginfo info;
};

#define SIG_FPSTATE_SIZE 512

_Static_assert(sizeof(struct linux_siginfo) == 128, "siginfo layout");
_Static_assert(sizeof(struct linux_sigcontext) == 256, "sigcontext layout");
_Static_assert(offsetof(struct linux_ucontext, uc_mcontext) == 40, "ucontext layout");
_Static_assert(offsetof(struct linux_ucontext, uc_sigmask) == 296, "ucontext layout");
_Static_assert(offsetof(struct linux_rt_sigframe, info) == 312, "rt_sigframe layout");
_Static_assert(offsetof(struct nto_user_sigaction, flags) == 136, "musl sigaction layout");
_Static_assert(sizeof(struct nto_user_sigaction) == 152, "musl sigaction layout");
