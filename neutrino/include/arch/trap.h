/*
 * Trap frames and interrupt vectors.
 *
 * Every entry into the kernel from user mode (exception, interrupt, syscall)
 * builds one struct trapframe at the top of the thread's kernel stack; the
 * layout is shared with entry.S through generated offsets (asm-offsets.c).
 *
 * Vector map: 0-31 exceptions, 32 LAPIC timer, 33-47 reserved,
 * 48-239 device interrupts (IOAPIC GSIs routed by platform code),
 * 254 spurious.
 */
#pragma once
#include <kernel/types.h>

struct trapframe {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error;
	/* pushed by the CPU (or built identically by the syscall entry) */
	uint64_t rip, cs, rflags, rsp, ss;
};

#define VEC_LAPIC_TIMER 32
#define VEC_DEVICE_BASE 48
#define VEC_DEVICE_LAST 239
#define VEC_SPURIOUS 254

#define KERNEL_CS 0x08
#define KERNEL_DS 0x10
#define USER_DS 0x1b /* 0x18 | 3 */
#define USER_CS 0x23 /* 0x20 | 3 */
#define TSS_SEL 0x28

static inline bool trap_from_user(const struct trapframe *tf) { return (tf->cs & 3) == 3; }

/*
 * A handler for one interrupt vector. It runs with interrupts disabled on the
 * interrupted thread's kernel stack; the generic code sends the LAPIC EOI
 * after it returns. It may ready threads (which sets the reschedule flag).
 */
typedef void (*vector_handler_t)(struct trapframe *tf, unsigned vector);
void trap_set_handler(unsigned vector, vector_handler_t h);

void gdt_init(void);
void idt_init(void);
void tss_set_rsp0(uint64_t rsp0);
