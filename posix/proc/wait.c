/*
 * wait4 and waitid over process_wait_ex (kernel/process_wait.c). Linux
 * option bits; __WALL, __WCLONE and __WNOTHREAD are accepted and mean
 * nothing here (children are processes). The rusage a caller asks for is
 * the reaped child's (posix/proc/usage.c).
 */
#include <arch/platform.h>
#include <kernel/errno.h>
#include <kernel/percpu.h>
#include <kernel/process.h>
#include <kernel/signal.h>
#include <mm/uaccess.h>
#include <sched/thread.h>
#include <signal/abi.h>

#include "proc_sys.h"

#define WNOHANG 0x1
#define WUNTRACED 0x2 /* WSTOPPED for waitid */
#define WEXITED 0x4
#define WCONTINUED 0x8
#define WNOWAIT 0x01000000
#define WIGNORED (0x20000000 | 0x40000000 | 0x80000000u) /* __WNOTHREAD __WALL __WCLONE */

enum { P_ALL = 0, P_PID = 1, P_PGID = 2 };
enum { CLD_EXITED = 1, CLD_STOPPED = 5, CLD_CONTINUED = 6 };

long sys_wait4(const uint64_t *a, struct trapframe *tf)
{
	pid_t pid = (pid_t)a[0];
	uint32_t opt = (uint32_t)a[2];
	if (opt & ~(uint32_t)(WNOHANG | WUNTRACED | WCONTINUED | WIGNORED))
		return -EINVAL;
	if (pid == INT32_MIN)
		return -ESRCH;
	if (a[1] && !uaccess_range_ok(a[1], sizeof(int)))
		return -EFAULT;
	struct process *self = cur_thread()->proc;
	unsigned flags = PW_EXITED | ((opt & WNOHANG) ? PW_NOHANG : 0) |
			 ((opt & WUNTRACED) ? PW_STOPPED : 0) |
			 ((opt & WCONTINUED) ? PW_CONTINUED : 0);
	if (pid == 0 || pid < -1) {
		flags |= PW_PGID;
		pid = pid ? -pid : self->pgid;
	}
	struct proc_wait_result res;
	long r = process_wait_ex(self, pid, flags, &res);
	if (r <= 0)
		return r;
	if (a[1] && copy_to_user(a[1], &res.status, sizeof(int)))
		return -EFAULT;
	return put_rusage(a[3], tsc_to_ns(res.cpu_tsc)) ? -EFAULT : r;
}

long sys_waitid(const uint64_t *a, struct trapframe *tf)
{
	int idtype = (int)a[0];
	pid_t id = (pid_t)a[1];
	uaddr_t info_u = a[2];
	uint32_t opt = (uint32_t)a[3];
	if (opt & ~(uint32_t)(WNOHANG | WUNTRACED | WEXITED | WCONTINUED | WNOWAIT | WIGNORED))
		return -EINVAL;
	if (!(opt & (WUNTRACED | WEXITED | WCONTINUED)))
		return -EINVAL;
	pid_t sel;
	switch (idtype) {
	case P_ALL: sel = -1; break;
	case P_PID:
		if (id <= 0)
			return -EINVAL;
		sel = id;
		break;
	case P_PGID:
		if (id < 0)
			return -EINVAL;
		sel = id ? id : cur_thread()->proc->pgid;
		break;
	default:
		return -EINVAL;
	}
	if (info_u && !uaccess_range_ok(info_u, sizeof(struct linux_siginfo)))
		return -EFAULT;
	unsigned flags = ((opt & WNOHANG) ? PW_NOHANG : 0) | ((opt & WUNTRACED) ? PW_STOPPED : 0) |
			 ((opt & WEXITED) ? PW_EXITED : 0) | ((opt & WCONTINUED) ? PW_CONTINUED : 0) |
			 ((opt & WNOWAIT) ? PW_NOWAIT : 0) | (idtype == P_PGID ? PW_PGID : 0);
	struct proc_wait_result res;
	long r = process_wait_ex(cur_thread()->proc, sel, flags, &res);
	if (r < 0)
		return r;
	struct linux_siginfo si;
	memset(&si, 0, sizeof(si));
	if (r > 0) {
		si.si_signo = SIGCHLD;
		si.si_code = res.code;
		si.kill.pid = res.pid;
		si.kill.uid = res.uid;
		/* si_status: the exit code, or the signal that ended, stopped or continued it */
		int st = res.status;
		si.kill.value = (uint32_t)(res.code == CLD_EXITED || res.code == CLD_STOPPED
						   ? (st >> 8) & 0xff
					   : res.code == CLD_CONTINUED ? SIGCONT : st & 0x7f);
	}
	if (info_u && copy_to_user(info_u, &si, sizeof(si)))
		return -EFAULT;
	return put_rusage(a[4], r > 0 ? tsc_to_ns(res.cpu_tsc) : 0) ? -EFAULT : 0;
}
