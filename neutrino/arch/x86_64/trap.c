/*
 * Exception and interrupt dispatch (called from entry.S with a trap frame).
 * - Device and timer vectors go to the handler registered for them, then EOI.
 * - A user-mode exception that is not a resolvable page fault ends the
 *   process with one report line and the matching signal (SIGBUS for a
 *   page fault beyond the end of a mapped memory object).
 * - A kernel-mode page fault inside the user-copy primitive becomes -EFAULT;
 *   any other kernel-mode exception panics with registers and a backtrace.
 */
#include <arch/cpu.h>
#include <arch/platform.h>
#include <arch/trap.h>
#include <kernel/errno.h>
#include <kernel/percpu.h>
#include <kernel/printk.h>
#include <kernel/process.h>
#include <kernel/signal.h>
#include <mm/uaccess.h>
#include <mm/vm.h>
#include <sched/sched.h>

static vector_handler_t handlers[256];

void trap_set_handler(unsigned vector, vector_handler_t h) { handlers[vector] = h; }

/* Delivers a synchronous fault to a handler if the process has one (signal/). */
bool signal_fault(struct thread *t, int signo, int code, uint64_t addr) __attribute__((weak));

/* Linux si_code for a fault: SEGV_MAPERR 1 / SEGV_ACCERR 2 (the page is
 * present, or vm_fault said -EACCES: mapped but not for this access),
 * ILL_ILLOPN 2, FPE_INTDIV 1, TRAP_BRKPT 1, BUS_ADRALN 1 (alignment check),
 * BUS_ADRERR 2 (a page fault beyond the end of a mapped object). */
static int exc_si_code(unsigned v, uint64_t error, int sig, int vm_err)
{
	if (sig == SIGSEGV)
		return (v == 14 && ((error & 1) || vm_err == -EACCES)) ? 2 : 1;
	if (sig == SIGILL || (sig == SIGBUS && v == 14))
		return 2;
	return 1;
}

static const char *const exc_names[32] = {
	"divide error", "debug", "NMI", "breakpoint", "overflow", "bound range",
	"invalid opcode", "device not available", "double fault", "coprocessor overrun",
	"invalid TSS", "segment not present", "stack fault", "general protection",
	"page fault", "reserved", "x87 FP error", "alignment check", "machine check",
	"SIMD FP error", "virtualization", "control protection",
};

static int exc_signal(unsigned v)
{
	switch (v) {
	case 0: case 16: case 19: return SIGFPE;
	case 1: case 3: return SIGTRAP;
	case 6: return SIGILL;
	case 17: return SIGBUS;
	default: return SIGSEGV;
	}
}

void trap_dump(const struct trapframe *tf)
{
	printk("  rip %016lx cs %lx rflags %lx rsp %016lx ss %lx\n", tf->rip, tf->cs, tf->rflags,
	       tf->rsp, tf->ss);
	printk("  rax %016lx rbx %016lx rcx %016lx rdx %016lx\n", tf->rax, tf->rbx, tf->rcx, tf->rdx);
	printk("  rsi %016lx rdi %016lx rbp %016lx r8  %016lx\n", tf->rsi, tf->rdi, tf->rbp, tf->r8);
	printk("  r9  %016lx r10 %016lx r11 %016lx r12 %016lx\n", tf->r9, tf->r10, tf->r11, tf->r12);
	printk("  r13 %016lx r14 %016lx r15 %016lx cr2 %016lx\n", tf->r13, tf->r14, tf->r15,
	       read_cr2());
	printk("  vector %lu error %lx\n", tf->vector, tf->error);
}

extern struct trapframe *panic_tf;

static void kernel_exception(struct trapframe *tf, unsigned v)
{
	panic_tf = tf;
	panic("%s (#%u) in kernel mode at %lx, address %lx", v < 32 ? exc_names[v] : "?", v,
	      tf->rip, v == 14 ? read_cr2() : 0ul);
}

static void user_exception(struct trapframe *tf, unsigned v)
{
	struct thread *t = cur_thread();
	uint64_t addr = v == 14 ? read_cr2() : tf->rip;
	int vm_err = 0;
	if (v == 14) {
		irq_enable();
		bool write = tf->error & 2, exec = tf->error & 16;
		if (!(tf->error & 1) || write) {
			if ((vm_err = vm_fault(t->proc->as, addr, write, exec)) == 0)
				return;
		}
	}
	int sig = vm_err == -ENXIO ? SIGBUS : exc_signal(v);
	if (signal_fault && signal_fault(t, sig, exc_si_code(v, tf->error, sig, vm_err), addr))
		return; /* a handler will run */
	printk("neutrino: pid %d (%s) tid %d: %s (#%u) at address %lx, ip %lx: killed by %s\n",
	       t->proc->pid, t->proc->name, t->tid, exc_names[v], v, addr, tf->rip,
	       signal_name(sig));
	process_exit(t->proc, W_SIGNALED(sig));
}

static bool kernel_uaccess_fault(struct trapframe *tf)
{
	if (tf->rip < (uint64_t)uaccess_begin || tf->rip >= (uint64_t)uaccess_end)
		return false;
	uint64_t addr = read_cr2();
	struct thread *t = cur_thread();
	if (addr < USER_TOP && t->proc && t->proc->as) {
		irq_enable();
		int r = vm_fault(t->proc->as, addr, tf->error & 2, false);
		irq_disable();
		if (r == 0)
			return true;
	}
	tf->rip = (uint64_t)uaccess_fault;
	return true;
}

void user_return_work(struct trapframe *tf);

void trap_dispatch(struct trapframe *tf)
{
	unsigned v = (unsigned)tf->vector;
	if (v >= 32) {
		this_cpu()->nr_irqs++;
		if (handlers[v])
			handlers[v](tf, v);
		if (v != VEC_SPURIOUS)
			lapic_eoi();
	} else if (!trap_from_user(tf)) {
		if (!(v == 14 && kernel_uaccess_fault(tf)))
			kernel_exception(tf, v);
		return;
	} else {
		user_exception(tf, v);
	}
	if (trap_from_user(tf)) {
		irq_disable();
		user_return_work(tf);
	}
}
