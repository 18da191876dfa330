/*
 * The handler frame: signal_frame_build() saves the interrupted user
 * context (registers, blocked mask, FPU/SSE image, altstack settings) as a
 * Linux x86_64 rt_sigframe on the user stack (or the alternate stack) and
 * redirects the trap frame to the handler; signal_return() (rt_sigreturn)
 * reads it back. Called from signal_deliver and the rt_sigreturn syscall,
 * with interrupts on (the frame is user memory).
 *
 * The FPU registers of the running thread live in the CPU (fpu.c switches
 * them eagerly): they are saved into t->fpu and copied out; the handler
 * starts with the initial FPU state (x87 control 0x37f, MXCSR 0x1f80).
 *
 * A restored context is checked: rip and rsp must lie in user space, the
 * segment selectors are the user ones, and only the arithmetic flags, TF,
 * DF and AC come from the frame (IF and IOPL stay the kernel's).
 */
#include <arch/cpu.h>
#include <arch/fpu.h>
#include <kernel/errno.h>
#include <kernel/percpu.h>
#include <kernel/printk.h>
#include <kernel/process.h>
#include <mm/uaccess.h>
#include <sched/thread.h>
#include <signal/signal.h>

#define RED_ZONE 128
#define FL_USER 0x40dd5ull /* CF PF AF ZF SF TF DF OF AC */
#define FL_TF 0x100ull
#define FL_DF 0x400ull
#define MXCSR_OFF 24
#define MXCSR_MASK_OFF 28

bool signal_on_altstack(const struct thread *t, uint64_t sp)
{
	return t->sig_altstack_size && sp > t->sig_altstack &&
	       sp - t->sig_altstack <= t->sig_altstack_size;
}

static void fpu_reset(void *area)
{
	memset(area, 0, SIG_FPSTATE_SIZE);
	*(uint16_t *)area = 0x37f;
	*(uint32_t *)((char *)area + MXCSR_OFF) = 0x1f80;
}

static void save_regs(struct linux_sigcontext *mc, const struct trapframe *tf)
{
	mc->r8 = tf->r8, mc->r9 = tf->r9, mc->r10 = tf->r10, mc->r11 = tf->r11;
	mc->r12 = tf->r12, mc->r13 = tf->r13, mc->r14 = tf->r14, mc->r15 = tf->r15;
	mc->rdi = tf->rdi, mc->rsi = tf->rsi, mc->rbp = tf->rbp, mc->rbx = tf->rbx;
	mc->rdx = tf->rdx, mc->rax = tf->rax, mc->rcx = tf->rcx, mc->rsp = tf->rsp;
	mc->rip = tf->rip;
	mc->eflags = tf->rflags;
	mc->cs = (uint16_t)tf->cs;
	mc->ss = (uint16_t)tf->ss;
	if (tf->vector < 32) {
		mc->trapno = tf->vector;
		mc->err = tf->error;
	}
}

int signal_frame_build(struct trapframe *tf, const struct sigq *info,
		       const struct sig_action *act, uint64_t old_mask)
{
	struct thread *t = cur_thread();
	if (!(act->flags & SA_RESTORER) || !act->restorer)
		return -EFAULT; /* x86_64 has no kernel-provided return trampoline */
	uint64_t sp = tf->rsp;
	bool on_alt = signal_on_altstack(t, sp);
	if ((act->flags & SA_ONSTACK) && t->sig_altstack_size && !on_alt)
		sp = t->sig_altstack + t->sig_altstack_size;
	else
		sp -= RED_ZONE;
	uint64_t fp = (sp - SIG_FPSTATE_SIZE) & ~63ull;
	uint64_t frame = ((fp - sizeof(struct linux_rt_sigframe)) & ~15ull) - 8;
	if (frame > sp || !uaccess_range_ok(frame, sp - frame))
		return -EFAULT;

	struct linux_rt_sigframe f;
	memset(&f, 0, sizeof(f));
	f.pretcode = act->restorer;
	f.uc.uc_flags = UC_SIGCONTEXT_SS;
	f.uc.uc_stack.ss_sp = t->sig_altstack;
	f.uc.uc_stack.ss_size = t->sig_altstack_size;
	f.uc.uc_stack.ss_flags = !t->sig_altstack_size ? SS_DISABLE : on_alt ? SS_ONSTACK : 0;
	save_regs(&f.uc.uc_mcontext, tf);
	f.uc.uc_mcontext.oldmask = old_mask;
	f.uc.uc_mcontext.fpstate = fp;
	f.uc.uc_sigmask = old_mask;
	signal_info_fill(&f.info, info);
	if (info->code > 0 && info->code != SI_KERNEL)
		f.uc.uc_mcontext.cr2 = info->value; /* faults: the address */

	fpu_save(t->fpu);
	if (copy_to_user(fp, t->fpu, SIG_FPSTATE_SIZE) || copy_to_user(frame, &f, sizeof(f)))
		return -EFAULT;

	irqflags_t fl = irq_save();
	fpu_reset(t->fpu);
	fpu_restore(t->fpu);
	tf->rip = act->handler;
	tf->rsp = frame;
	tf->rdi = (uint64_t)info->signo;
	tf->rsi = frame + offsetof(struct linux_rt_sigframe, info);
	tf->rdx = frame + offsetof(struct linux_rt_sigframe, uc);
	tf->rax = 0;
	tf->rflags &= ~(FL_TF | FL_DF);
	tf->cs = USER_CS;
	tf->ss = USER_DS;
	irq_restore(fl);
	return 0;
}

static __noreturn void bad_frame(struct thread *t, uint64_t frame)
{
	printk("neutrino: pid %d (%s) tid %d: bad signal frame at %lx: killed by SIGSEGV\n",
	       t->proc->pid, t->proc->name, t->tid, frame);
	process_exit(t->proc, W_SIGNALED(SIGSEGV));
	panic("signal: process_exit returned");
}

long signal_return(struct trapframe *tf)
{
	struct thread *t = cur_thread();
	uint64_t frame = tf->rsp - 8;
	struct linux_ucontext uc;
	uint8_t fx[SIG_FPSTATE_SIZE] __aligned(16);
	if (copy_from_user(&uc, frame + offsetof(struct linux_rt_sigframe, uc), sizeof(uc)))
		bad_frame(t, frame);
	const struct linux_sigcontext *mc = &uc.uc_mcontext;
	if (mc->rip >= USER_TOP || mc->rsp >= USER_TOP)
		bad_frame(t, frame);
	if (mc->fpstate) {
		if (copy_from_user(fx, mc->fpstate, sizeof(fx)))
			bad_frame(t, frame);
		/* reserved MXCSR bits would fault in fxrstor: keep the CPU's mask */
		fpu_save(t->fpu);
		uint32_t mask = *(uint32_t *)((char *)t->fpu + MXCSR_MASK_OFF);
		*(uint32_t *)(fx + MXCSR_OFF) &= mask ? mask : 0xffbf;
	} else {
		fpu_reset(fx);
	}

	irqflags_t fl = irq_save();
	memcpy(t->fpu, fx, sizeof(fx));
	fpu_restore(t->fpu);
	tf->r8 = mc->r8, tf->r9 = mc->r9, tf->r10 = mc->r10, tf->r11 = mc->r11;
	tf->r12 = mc->r12, tf->r13 = mc->r13, tf->r14 = mc->r14, tf->r15 = mc->r15;
	tf->rdi = mc->rdi, tf->rsi = mc->rsi, tf->rbp = mc->rbp, tf->rbx = mc->rbx;
	tf->rdx = mc->rdx, tf->rax = mc->rax, tf->rcx = mc->rcx, tf->rsp = mc->rsp;
	tf->rip = mc->rip;
	tf->rflags = (tf->rflags & ~FL_USER) | (mc->eflags & FL_USER);
	tf->cs = USER_CS;
	tf->ss = USER_DS;
	t->sig_blocked = uc.uc_sigmask & ~SIG_UNBLOCKABLE;
	irq_restore(fl);
	return (long)mc->rax;
}
