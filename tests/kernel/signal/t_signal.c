/*
 * t_signal: handlers and the signal frame, in one thread.
 *  - raise() runs the handler with the right signo; sigaction(SA_SIGINFO)
 *    gets si_code/si_pid/si_uid from kill(), si_value from sigqueue() and
 *    from the native SignalKill; the ucontext holds the pre-handler mask and
 *    a mask changed in it is what sigreturn restores;
 *  - the handler runs with sa_mask and its own signal blocked; SA_NODEFER
 *    lets it nest; SA_RESETHAND resets to SIG_DFL; SA_ONSTACK runs on the
 *    sigaltstack (SS_ONSTACK reported, changing it there is EPERM);
 *  - blocked signals stay pending (sigpending) and arrive on unblocking;
 *    standard signals merge, real-time ones queue in order with values;
 *    SIG_IGN discards; SIGKILL/SIGSTOP cannot be caught, ignored or blocked;
 *  - x87, SSE registers and MXCSR survive a handler that clobbers them,
 *    and the handler starts with the default MXCSR;
 *  - kill() errors: EINVAL for a bad signal, ESRCH for no such process;
 *  - native SignalAction (with a sigstub), SignalProcmask, SignalKill.
 */
#include "ntest.h"

#include <signal.h>
#include <sys/syscall.h>
#include <ucontext.h>

#pragma GCC diagnostic ignored "-Wunused-parameter"

static volatile int count1, count2, last_sig, depth, max_depth;
static volatile int si_code_seen, si_pid_seen, si_uid_seen, si_value_seen;
static volatile int mask_has1, mask_has2, uc_mask_has1;
static volatile int rt_values[8], rt_count;

static void reset(void)
{
	count1 = count2 = last_sig = depth = max_depth = 0;
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

static void on_sig(int sig)
{
	last_sig = sig;
	if (sig == SIGUSR1)
		count1++;
	else
		count2++;
}

static void test_basic(void)
{
	reset();
	CHECK(signal(SIGUSR1, on_sig) != SIG_ERR);
	CHECK_EQ(raise(SIGUSR1), 0);
	CHECK_EQ(count1, 1);
	CHECK_EQ(last_sig, SIGUSR1);
	CHECK_EQ(kill(getpid(), SIGUSR1), 0);
	CHECK_EQ(count1, 2);
	signal(SIGUSR1, SIG_DFL);
}

static void on_info(int sig, siginfo_t *si, void *ctx)
{
	ucontext_t *uc = ctx;
	last_sig = sig;
	count2++;
	si_code_seen = si->si_code;
	si_pid_seen = si->si_pid;
	si_uid_seen = si->si_uid;
	si_value_seen = si->si_value.sival_int;
	uc_mask_has1 = sigismember(&uc->uc_sigmask, SIGUSR1);
}

static void test_siginfo(void)
{
	reset();
	struct sigaction sa = {.sa_sigaction = on_info, .sa_flags = SA_SIGINFO};
	CHECK_EQ(sigaction(SIGUSR2, &sa, NULL), 0);
	CHECK_EQ(kill(getpid(), SIGUSR2), 0);
	CHECK_EQ(count2, 1);
	CHECK_EQ(last_sig, SIGUSR2);
	CHECK_EQ(si_code_seen, SI_USER);
	CHECK_EQ(si_pid_seen, getpid());
	CHECK_EQ(si_uid_seen, getuid());
	CHECK_EQ(sigqueue(getpid(), SIGUSR2, (union sigval){.sival_int = 1234}), 0);
	CHECK_EQ(count2, 2);
	CHECK_EQ(si_code_seen, SI_QUEUE);
	CHECK_EQ(si_value_seen, 1234);
	CHECK_EQ(SignalKill(0, getpid(), 0, SIGUSR2, -9, 4321), 0);
	CHECK_EQ(count2, 3);
	CHECK_EQ(si_code_seen, -9);
	CHECK_EQ(si_value_seen, 4321);
	/* the saved mask is the one before the handler */
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, SIGUSR1);
	sigprocmask(SIG_BLOCK, &s, NULL);
	raise(SIGUSR2);
	CHECK_EQ(uc_mask_has1, 1);
	sigprocmask(SIG_UNBLOCK, &s, NULL);
	raise(SIGUSR2);
	CHECK_EQ(uc_mask_has1, 0);
	signal(SIGUSR2, SIG_DFL);
}

static void on_sig_mask(int sig, siginfo_t *si, void *ctx)
{
	sigset_t cur;
	sigprocmask(SIG_BLOCK, NULL, &cur);
	mask_has1 = sigismember(&cur, SIGUSR1);
	mask_has2 = sigismember(&cur, SIGUSR2);
	count1++;
	raise(SIGUSR2); /* blocked by sa_mask: must wait for the handler's end */
	max_depth = count2;
	/* add SIGUSR2 to the mask sigreturn restores */
	sigaddset(&((ucontext_t *)ctx)->uc_sigmask, SIGTERM);
}

static void test_mask(void)
{
	reset();
	struct sigaction sa = {.sa_sigaction = on_sig_mask, .sa_flags = SA_SIGINFO};
	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, SIGUSR2);
	CHECK_EQ(sigaction(SIGUSR1, &sa, NULL), 0);
	CHECK(signal(SIGUSR2, on_sig) != SIG_ERR);
	raise(SIGUSR1);
	CHECK_EQ(count1, 1);
	CHECK_EQ(mask_has1, 1);
	CHECK_EQ(mask_has2, 1);
	CHECK_EQ(max_depth, 0); /* SIGUSR2 not delivered inside */
	CHECK_EQ(count2, 1);    /* but right after */
	sigset_t cur;
	sigprocmask(SIG_BLOCK, NULL, &cur);
	CHECK_EQ(sigismember(&cur, SIGUSR1), 0);
	CHECK_EQ(sigismember(&cur, SIGUSR2), 0);
	CHECK_EQ(sigismember(&cur, SIGTERM), 1); /* from the edited ucontext */
	signal(SIGUSR1, SIG_DFL);
	signal(SIGUSR2, SIG_DFL);
}

static void on_nest(int sig)
{
	count1++;
	depth++;
	if (depth > max_depth)
		max_depth = depth;
	if (count1 == 1)
		raise(sig);
	depth--;
}

static void test_nodefer_resethand(void)
{
	reset();
	struct sigaction sa = {.sa_handler = on_nest, .sa_flags = SA_NODEFER};
	CHECK_EQ(sigaction(SIGUSR1, &sa, NULL), 0);
	raise(SIGUSR1);
	CHECK_EQ(count1, 2);
	CHECK_EQ(max_depth, 2);

	reset();
	sa.sa_flags = 0;
	CHECK_EQ(sigaction(SIGUSR1, &sa, NULL), 0);
	raise(SIGUSR1);
	CHECK_EQ(count1, 2);
	CHECK_EQ(max_depth, 1); /* deferred to after the first handler */

	reset();
	sa.sa_handler = on_sig;
	sa.sa_flags = SA_RESETHAND;
	CHECK_EQ(sigaction(SIGUSR1, &sa, NULL), 0);
	raise(SIGUSR1);
	CHECK_EQ(count1, 1);
	struct sigaction old;
	CHECK_EQ(sigaction(SIGUSR1, NULL, &old), 0);
	CHECK(old.sa_handler == SIG_DFL);
}

static char *alt_base;
static volatile uintptr_t handler_sp;
static volatile int alt_flags, alt_set_err;

static void on_alt(int sig)
{
	char local;
	handler_sp = (uintptr_t)&local;
	stack_t cur, again;
	sigaltstack(NULL, &cur);
	alt_flags = cur.ss_flags;
	again = cur;
	again.ss_flags = 0;
	alt_set_err = sigaltstack(&again, NULL) == 0 ? 0 : errno;
	count1++;
}

static void test_altstack(void)
{
	reset();
	size_t size = 64 * 1024;
	alt_base = malloc(size);
	stack_t ss = {.ss_sp = alt_base, .ss_size = size, .ss_flags = 0}, old;
	CHECK_EQ(sigaltstack(&ss, &old), 0);
	CHECK_EQ(old.ss_flags, SS_DISABLE);
	stack_t small = {.ss_sp = alt_base, .ss_size = 100};
	CHECK_ERR(sigaltstack(&small, NULL), ENOMEM);
	struct sigaction sa = {.sa_handler = on_alt, .sa_flags = SA_ONSTACK};
	CHECK_EQ(sigaction(SIGUSR1, &sa, NULL), 0);
	raise(SIGUSR1);
	CHECK_EQ(count1, 1);
	CHECK(handler_sp > (uintptr_t)alt_base && handler_sp < (uintptr_t)alt_base + size);
	CHECK_EQ(alt_flags, SS_ONSTACK);
	CHECK_EQ(alt_set_err, EPERM);
	sa.sa_flags = 0;
	CHECK_EQ(sigaction(SIGUSR1, &sa, NULL), 0);
	raise(SIGUSR1);
	CHECK(handler_sp < (uintptr_t)alt_base || handler_sp >= (uintptr_t)alt_base + size);
	CHECK_EQ(alt_flags, 0);
	ss.ss_flags = SS_DISABLE;
	CHECK_EQ(sigaltstack(&ss, NULL), 0);
	CHECK_EQ(sigaltstack(NULL, &old), 0);
	CHECK_EQ(old.ss_flags, SS_DISABLE);
	signal(SIGUSR1, SIG_DFL);
}

static void on_rt(int sig, siginfo_t *si, void *ctx)
{
	if (rt_count < 8)
		rt_values[rt_count] = si->si_value.sival_int;
	rt_count++;
}

static void test_pending(void)
{
	reset();
	sigset_t s, p;
	CHECK(signal(SIGUSR1, on_sig) != SIG_ERR);
	sigemptyset(&s);
	sigaddset(&s, SIGUSR1);
	sigprocmask(SIG_BLOCK, &s, NULL);
	raise(SIGUSR1);
	raise(SIGUSR1);
	raise(SIGUSR1);
	CHECK_EQ(count1, 0);
	CHECK_EQ(sigpending(&p), 0);
	CHECK_EQ(sigismember(&p, SIGUSR1), 1);
	sigprocmask(SIG_UNBLOCK, &s, NULL);
	CHECK_EQ(count1, 1); /* standard signals do not queue */
	sigpending(&p);
	CHECK_EQ(sigismember(&p, SIGUSR1), 0);

	/* real-time signals queue, in order, with their values */
	int rt = SIGRTMIN + 1;
	struct sigaction sa = {.sa_sigaction = on_rt, .sa_flags = SA_SIGINFO};
	CHECK_EQ(sigaction(rt, &sa, NULL), 0);
	sigemptyset(&s);
	sigaddset(&s, rt);
	sigprocmask(SIG_BLOCK, &s, NULL);
	for (int i = 0; i < 3; i++)
		CHECK_EQ(sigqueue(getpid(), rt, (union sigval){.sival_int = 100 + i}), 0);
	CHECK_EQ(rt_count, 0);
	sigprocmask(SIG_UNBLOCK, &s, NULL);
	CHECK_EQ(rt_count, 3);
	CHECK_EQ(rt_values[0], 100);
	CHECK_EQ(rt_values[1], 101);
	CHECK_EQ(rt_values[2], 102);

	/* ignoring a pending signal discards it */
	sigemptyset(&s);
	sigaddset(&s, SIGUSR1);
	sigprocmask(SIG_BLOCK, &s, NULL);
	raise(SIGUSR1);
	signal(SIGUSR1, SIG_IGN);
	sigpending(&p);
	CHECK_EQ(sigismember(&p, SIGUSR1), 0);
	sigprocmask(SIG_UNBLOCK, &s, NULL);
	raise(SIGUSR1); /* ignored: the process survives */
	CHECK_EQ(count1, 1);
	signal(SIGUSR1, SIG_DFL);
}

static void test_uncatchable(void)
{
	reset();
	struct sigaction sa = {.sa_handler = on_sig};
	CHECK_ERR(sigaction(SIGKILL, &sa, NULL), EINVAL);
	CHECK_ERR(sigaction(SIGSTOP, &sa, NULL), EINVAL);
	sa.sa_handler = SIG_IGN;
	CHECK_ERR(sigaction(SIGKILL, &sa, NULL), EINVAL);
	sigset_t all, cur;
	sigfillset(&all);
	CHECK_EQ(sigprocmask(SIG_BLOCK, &all, NULL), 0);
	sigprocmask(SIG_BLOCK, NULL, &cur);
	CHECK_EQ(sigismember(&cur, SIGKILL), 0);
	CHECK_EQ(sigismember(&cur, SIGSTOP), 0);
	CHECK_EQ(sigismember(&cur, SIGTERM), 1);
	reset();
	CHECK_ERR(sigprocmask(7, &all, NULL), EINVAL);
}

static void test_kill_errors(void)
{
	CHECK_ERR(kill(getpid(), 65), EINVAL);
	CHECK_ERR(kill(getpid(), -1), EINVAL);
	CHECK_ERR(kill(30000, SIGTERM), ESRCH);
	CHECK_ERR(kill(30000, 0), ESRCH);
	CHECK_EQ(kill(getpid(), 0), 0);
	CHECK_ERR(SignalKill(0, getpid(), 0, 99, 0, 0), EINVAL);
	CHECK_ERR(SignalKill(0, getpid(), 999, SIGUSR1, 0, 0), ESRCH);
	CHECK_ERR(SignalKill(0, 30000, 0, SIGUSR1, 0, 0), ESRCH);
	CHECK_ERR(syscall(SYS_tkill, 999, SIGUSR1), ESRCH);
}

/* FPU: the handler clobbers every SSE register, x87 and MXCSR. */
static volatile unsigned handler_mxcsr;
static void on_fpu(int sig)
{
	unsigned m = 0x6f80; /* round toward zero */
	__asm__ volatile("stmxcsr %0" : "=m"(handler_mxcsr));
	__asm__ volatile("ldmxcsr %0" ::"m"(m));
	volatile double x = 1.5;
	for (int i = 0; i < 10; i++)
		x = x * 3.25 + 0.5;
	__asm__ volatile("pcmpeqd %%xmm0,%%xmm0; pcmpeqd %%xmm1,%%xmm1; pcmpeqd %%xmm2,%%xmm2;"
			 "pcmpeqd %%xmm3,%%xmm3; pcmpeqd %%xmm4,%%xmm4; pcmpeqd %%xmm5,%%xmm5;"
			 "pcmpeqd %%xmm6,%%xmm6; pcmpeqd %%xmm7,%%xmm7; pcmpeqd %%xmm8,%%xmm8;"
			 "pcmpeqd %%xmm9,%%xmm9; pcmpeqd %%xmm10,%%xmm10; pcmpeqd %%xmm11,%%xmm11;"
			 "pcmpeqd %%xmm12,%%xmm12; pcmpeqd %%xmm13,%%xmm13;"
			 "pcmpeqd %%xmm14,%%xmm14; pcmpeqd %%xmm15,%%xmm15;"
			 "fninit; fldz; fldz; fldz"
			 ::: "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8",
			 "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15", "st");
	count1++;
}

#define LD(n) "movsd " #n "*8(%[in]), %%xmm" #n "\n"
#define ST(n) "movsd %%xmm" #n ", " #n "*8(%[out])\n"

static void test_fpu(void)
{
	reset();
	CHECK(signal(SIGUSR1, on_fpu) != SIG_ERR);
	double in[16], out[16], x87 = 0;
	for (int i = 0; i < 16; i++)
		in[i] = 1.25 + i * 1000.5;
	unsigned mx = 0x3f80, mx_after = 0; /* round down */
	long tid = syscall(SYS_gettid);
	__asm__ volatile("ldmxcsr %[mx]\n"
			 "fldl 8(%[in])\n"
			 LD(0) LD(1) LD(2) LD(3) LD(4) LD(5) LD(6) LD(7)
			 LD(8) LD(9) LD(10) LD(11) LD(12) LD(13) LD(14) LD(15)
			 "mov $200, %%eax\n"
			 "mov %[tid], %%rdi\n"
			 "mov $10, %%esi\n"
			 "syscall\n"
			 ST(0) ST(1) ST(2) ST(3) ST(4) ST(5) ST(6) ST(7)
			 ST(8) ST(9) ST(10) ST(11) ST(12) ST(13) ST(14) ST(15)
			 "fstpl %[x87]\n"
			 "stmxcsr %[mxa]\n"
			 : [x87] "=m"(x87), [mxa] "=m"(mx_after)
			 : [in] "r"(in), [out] "r"(out), [tid] "r"(tid), [mx] "m"(mx)
			 : "rax", "rcx", "r11", "rdi", "rsi", "memory", "xmm0", "xmm1", "xmm2",
			   "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10", "xmm11",
			   "xmm12", "xmm13", "xmm14", "xmm15");
	unsigned def = 0x1f80;
	__asm__ volatile("ldmxcsr %0" ::"m"(def));
	CHECK_EQ(count1, 1);
	int bad = 0;
	for (int i = 0; i < 16; i++)
		bad += out[i] != in[i];
	CHECK_EQ(bad, 0);
	CHECK(x87 == in[1]);
	CHECK_EQ(mx_after & 0xffc0, 0x3f80);
	CHECK_EQ(handler_mxcsr & 0xffc0, 0x1f80);
	signal(SIGUSR1, SIG_DFL);
}

/* Native calls; the sigstub is our own rt_sigreturn trampoline. */
void test_restorer(void);
__asm__(".text\n.globl test_restorer\ntest_restorer:\n\tmov $15, %eax\n\tsyscall\n\thlt\n");

static void test_native(void)
{
	reset();
	struct sigaction sa = {.sa_sigaction = on_info, .sa_flags = SA_SIGINFO}, old;
	sigemptyset(&sa.sa_mask);
	CHECK_EQ(SignalAction(0, test_restorer, SIGUSR2, &sa, NULL), 0);
	CHECK_EQ(SignalAction(0, test_restorer, SIGUSR2, NULL, &old), 0);
	CHECK(old.sa_sigaction == on_info);
	CHECK(old.sa_flags & SA_SIGINFO);
	sigset_t s, o;
	sigemptyset(&s);
	sigaddset(&s, SIGUSR2);
	CHECK_EQ(SignalProcmask(0, 0, SIG_BLOCK, &s, NULL), 0);
	CHECK_EQ(SignalKill(0, getpid(), 1, SIGUSR2, SI_QUEUE, 55), 0);
	CHECK_EQ(count2, 0);
	sigemptyset(&o);
	CHECK_EQ(SignalProcmask(0, 0, SIG_UNBLOCK, &s, &o), 0);
	CHECK_EQ(sigismember(&o, SIGUSR2), 1);
	CHECK_EQ(count2, 1);
	CHECK_EQ(si_value_seen, 55);
	CHECK_ERR(SignalProcmask(0, 0, 9, &s, NULL), EINVAL);
	CHECK_ERR(SignalAction(0, test_restorer, SIGKILL, &sa, NULL), EINVAL);
	CHECK_ERR(SignalAction(0, test_restorer, 0, NULL, &old), EINVAL);
	signal(SIGUSR2, SIG_DFL);
}

int main(void)
{
	ntest_start("signal");
	test_basic();
	test_siginfo();
	test_mask();
	test_nodefer_resethand();
	test_altstack();
	test_pending();
	test_uncatchable();
	test_kill_errors();
	test_fpu();
	test_native();
	ntest_done();
}
