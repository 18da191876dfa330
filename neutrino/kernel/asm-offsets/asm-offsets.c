/*
 * Structure offsets for assembly, computed by the compiler: this file is
 * compiled to assembly and tools/asm-offsets.py turns the markers into
 * asm-offsets.h. Never hand-write an offset in a .S file.
 */
#include <arch/trap.h>
#include <kernel/percpu.h>
#include <sched/thread.h>

#define DEFINE(sym, val) __asm__ volatile("\n.ascii \"->" #sym " %c0\"" ::"i"(val))
#define OFF(sym, type, member) DEFINE(sym, offsetof(type, member))

void asm_offsets(void);
void asm_offsets(void)
{
	OFF(CPU_SELF, struct cpu, self);
	OFF(CPU_KSTACK_TOP, struct cpu, kstack_top);
	OFF(CPU_USER_RSP, struct cpu, user_rsp);
	OFF(THREAD_KSP, struct thread, ksp);
	OFF(TF_RAX, struct trapframe, rax);
	OFF(TF_RCX, struct trapframe, rcx);
	OFF(TF_R11, struct trapframe, r11);
	OFF(TF_VECTOR, struct trapframe, vector);
	OFF(TF_RIP, struct trapframe, rip);
	OFF(TF_CS, struct trapframe, cs);
	OFF(TF_RFLAGS, struct trapframe, rflags);
	OFF(TF_RSP, struct trapframe, rsp);
	DEFINE(TF_SIZE, sizeof(struct trapframe));
	DEFINE(TF_REGS_SIZE, offsetof(struct trapframe, vector));
	DEFINE(ASM_USER_CS, USER_CS);
	DEFINE(ASM_USER_DS, USER_DS);
}
