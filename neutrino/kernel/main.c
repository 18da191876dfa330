/*
 * kernel_main: the boot order. Entered from boot.S on the boot stack with
 * interrupts off, the multiboot2 magic and the boot information address.
 * Ends by starting the image's +boot program (procnto) and becoming the
 * idle thread.
 */
#include <arch/cpu.h>
#include <arch/fpu.h>
#include <arch/platform.h>
#include <arch/trap.h>
#include <kernel/bootimage.h>
#include <kernel/exec.h>
#include <kernel/multiboot2.h>
#include <kernel/percpu.h>
#include <kernel/printk.h>
#include <kernel/process.h>
#include <mm/pmm.h>
#include <mm/vm.h>
#include <sched/clock.h>
#include <sched/sched.h>
#include <sched/timer.h>

void serial_init(void);
void syscall_init(void);

#define FIRST_PROGRAM_PRIO 10

static void start_first_program(void)
{
	const struct ifs_dirent *d = bootimage_find_flag(IFS_F_BOOT);
	if (!d)
		panic("boot image has no +boot program (mark procnto with [+boot] in the buildfile)");
	const char *name = bootimage_name(d);
	struct exec_args args;
	if (exec_args_single(&args, name))
		panic("out of memory starting %s", name);
	long pid = exec_spawn(NULL, name, bootimage_data(d), d->size, &args, FIRST_PROGRAM_PRIO,
			      SCHED_RR);
	exec_args_free(&args);
	if (pid < 0)
		panic("cannot start the boot program %s (error %ld)", name, -pid);
	if (pid != 1)
		panic("boot program got pid %ld, expected 1", pid);
}

static uint64_t top_of_ram(void)
{
	uint64_t top = 0;
	for (unsigned i = 0; i < boot_info.n_mmap; i++)
		if (boot_info.mmap[i].type == 1)
			top = MAX(top, boot_info.mmap[i].base + boot_info.mmap[i].len);
	return top;
}

void kernel_main(uint32_t magic, uint64_t info)
{
	serial_init();
	printk("\nneutrino: x86_64 microkernel booting\n");
	multiboot2_parse(magic, info);
	gdt_init();
	idt_init();
	percpu_init_boot();
	mmu_init(top_of_ram());
	pmm_init(0);
	fpu_init();
	syscall_init();

	acpi_init(boot_info.rsdp);
	pic_disable();
	lapic_init();
	ioapic_init();
	tsc_calibrate();
	clock_init();
	timer_hw_init();
	timer_init();

	bootimage_init();
	sched_init();
	start_first_program();
	sched_start();
}
