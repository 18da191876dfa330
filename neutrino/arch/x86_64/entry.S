/*
 * Kernel entry and exit: the 256 interrupt/exception stubs, the syscall
 * entry, the return paths to user mode (sysretq fast path, iretq otherwise),
 * the kernel context switch, the first run of a new thread, and the user
 * memory copy primitive whose faults are turned into -EFAULT.
 * Every user->kernel entry builds a struct trapframe (asm-offsets.h).
 */
#include <asm-offsets.h>

.macro PUSH_REGS
	push %rax
	push %rbx
	push %rcx
	push %rdx
	push %rsi
	push %rdi
	push %rbp
	push %r8
	push %r9
	push %r10
	push %r11
	push %r12
	push %r13
	push %r14
	push %r15
.endm

.macro POP_REGS
	pop %r15
	pop %r14
	pop %r13
	pop %r12
	pop %r11
	pop %r10
	pop %r9
	pop %r8
	pop %rbp
	pop %rdi
	pop %rsi
	pop %rdx
	pop %rcx
	pop %rbx
	pop %rax
.endm

	.text
/* Stubs: 16 bytes each so idt.c can compute their addresses. */
	.align 16
	.globl trap_stub_base
trap_stub_base:
	vec = 0
	.rept 256
	.align 16
	.if !(vec == 8 || (vec >= 10 && vec <= 14) || vec == 17 || vec == 21 || vec == 29 || vec == 30)
	pushq $0
	.endif
	pushq $vec
	jmp trap_common
	vec = vec + 1
	.endr

trap_common:
	testb $3, 24(%rsp)              /* CS of the interrupted context */
	jz 1f
	swapgs
1:	PUSH_REGS
	cld
	mov %rsp, %rdi
	call trap_dispatch
	.globl trap_return
trap_return:                            /* rsp = trap frame, interrupts off */
	POP_REGS
	testb $3, 24(%rsp)
	jz 2f
	swapgs
2:	add $16, %rsp
	iretq

/* syscall: rcx = user rip, r11 = user rflags, interrupts masked by FMASK. */
	.globl syscall_entry
syscall_entry:
	swapgs
	mov %rsp, %gs:CPU_USER_RSP
	mov %gs:CPU_KSTACK_TOP, %rsp
	pushq $ASM_USER_DS
	pushq %gs:CPU_USER_RSP
	pushq %r11
	pushq $ASM_USER_CS
	pushq %rcx
	pushq $0
	pushq $256                      /* vector 256 marks a syscall frame */
	PUSH_REGS                       /* no cld: FMASK cleared DF */
	mov %rsp, %rdi
	sti
	call syscall_dispatch           /* returns with interrupts off */
	/* sysretq only when it restores exactly the frame: rcx == rip,
	 * r11 == rflags, rip canonical in the user half. Otherwise iretq. */
	mov TF_RIP(%rsp), %rax
	cmp TF_RCX(%rsp), %rax
	jne trap_return
	movabs $0x00007ffffffff000, %rcx
	cmp %rcx, %rax
	jae trap_return
	mov TF_RFLAGS(%rsp), %rax
	cmp TF_R11(%rsp), %rax
	jne trap_return
	POP_REGS
	add $16, %rsp                   /* vector, error */
	mov 24(%rsp), %rsp              /* user rsp */
	swapgs
	sysretq

/* void arch_switch(uint64_t *prev_ksp, uint64_t next_ksp): interrupts off. */
	.globl arch_switch
arch_switch:
	push %rbp
	push %rbx
	push %r12
	push %r13
	push %r14
	push %r15
	mov %rsp, (%rdi)
	mov %rsi, %rsp
	pop %r15
	pop %r14
	pop %r13
	pop %r12
	pop %rbx
	pop %rbp
	ret

/* A new user thread's first switch lands here (see thread.c). */
	.globl thread_trampoline_user
thread_trampoline_user:
	call thread_first_run
	mov %rsp, %rdi
	call user_return_work
	jmp trap_return

/* A new kernel thread: r12 = function, r13 = argument. */
	.globl thread_trampoline_kernel
thread_trampoline_kernel:
	call thread_first_run
	mov %r13, %rdi
	call *%r12
	ud2

/* long uaccess_copy(void *dst, const void *src, size_t n): 0 or -EFAULT.
 * A fault between uaccess_begin and uaccess_end that cannot be resolved
 * resumes at uaccess_fault (trap.c). rep movsb is restartable. */
	.globl uaccess_copy, uaccess_begin, uaccess_end, uaccess_fault
uaccess_copy:
	mov %rdx, %rcx
	shr $3, %rcx
	and $7, %edx
uaccess_begin:
	rep movsq
	mov %rdx, %rcx
	rep movsb
uaccess_end:
	xor %eax, %eax
	ret
uaccess_fault:
	mov $-14, %rax
	ret
