/* ProcWait: collect a child's exit status (Linux wait-status encoding). */
#include <kcall/kcall_gen.h>
#include <kernel/errno.h>
#include <kernel/percpu.h>
#include <kernel/process.h>
#include <mm/uaccess.h>
#include <sched/thread.h>

long ker_proc_wait(pid_t pid, uaddr_t status_u, int flags)
{
	if (flags & ~_NTO_WAIT_NOHANG)
		return -EINVAL;
	if (pid == 0 || pid < -1)
		return -EINVAL; /* process groups come with procnto */
	if (status_u && !uaccess_range_ok(status_u, sizeof(int)))
		return -EFAULT;
	int status = 0;
	long r = process_wait(cur_thread()->proc, pid, &status, flags & _NTO_WAIT_NOHANG);
	if (r > 0 && status_u && copy_to_user(status_u, &status, sizeof(status)))
		return -EFAULT;
	return r;
}
