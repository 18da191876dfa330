/*
 * Bootstrap calls on the boot image, for privileged processes: ImageSpawn
 * starts a program from the image, ImageMap maps the whole image read-only
 * into the caller (procnto serves /proc/boot from it).
 */
#include <kcall/kcall_gen.h>
#include <kernel/bootimage.h>
#include <kernel/errno.h>
#include <kernel/exec.h>
#include <kernel/percpu.h>
#include <kernel/process.h>
#include <mm/uaccess.h>
#include <mm/vm.h>
#include <posix/sched_param.h>
#include <sched/thread.h>

long ker_image_spawn(uaddr_t name_u, uaddr_t argv, uaddr_t envp, uaddr_t attr_u)
{
	struct thread *self = cur_thread();
	struct process *p = self->proc;
	if (!process_is_privileged(p))
		return -EPERM;
	char name[IFS_NAME_MAX + 1];
	long n = strncpy_from_user(name, name_u, sizeof(name));
	if (n < 0)
		return n;
	struct _image_spawn_attr attr = { .priority = 0, .policy = -1 };
	if (attr_u && copy_from_user(&attr, attr_u, sizeof(attr)))
		return -EFAULT;
	int policy = attr.policy < 0 ? self->policy : sched_policy_from_user(attr.policy);
	int prio = attr.priority ? attr.priority : self->real_prio;
	int e = sched_check_param(p, policy, prio);
	if (e)
		return e;
	const struct ifs_dirent *d = bootimage_lookup(name);
	if (!d)
		return -ENOENT;
	if (d->type != IFS_TYPE_FILE)
		return -EACCES;
	struct exec_args args;
	e = exec_args_from_user(&args, argv, envp);
	if (e)
		return e;
	if (!args.argc) {
		exec_args_free(&args);
		if ((e = exec_args_single(&args, name)))
			return e;
	}
	long pid = exec_spawn(p, bootimage_name(d), bootimage_data(d), d->size, &args,
			      (uint8_t)prio, (uint8_t)policy);
	exec_args_free(&args);
	return pid;
}

long ker_image_map(uaddr_t addr_u, uaddr_t size_u)
{
	struct process *p = cur_thread()->proc;
	if (!process_is_privileged(p))
		return -EPERM;
	uint64_t size = bootimage_size();
	if (!p->image_map) {
		long at = vm_map_phys_ro(p->as, bootimage_phys(), size);
		if (at < 0)
			return at;
		p->image_map = (uint64_t)at;
	}
	if (copy_to_user(addr_u, &p->image_map, sizeof(uint64_t)) ||
	    (size_u && copy_to_user(size_u, &size, sizeof(size))))
		return -EFAULT;
	return 0;
}
