/*
 * Parses the multiboot2 boot information block handed over by GRUB.
 * Called once, first thing in kernel_main, while the boot page tables
 * (first 1 GiB direct-mapped) are active.
 */
#include <kernel/multiboot2.h>
#include <kernel/printk.h>
#include <mm/pmm.h>

struct boot_info boot_info;

struct mb2_tag {
	uint32_t type, size;
};

enum {
	TAG_END = 0,
	TAG_CMDLINE = 1,
	TAG_MODULE = 3,
	TAG_MMAP = 6,
	TAG_ACPI_OLD = 14,
	TAG_ACPI_NEW = 15,
};

void multiboot2_parse(uint32_t magic, paddr_t info_phys)
{
	if (magic != MB2_BOOT_MAGIC)
		panic("not booted by a multiboot2 loader (magic %x); boot the ISO through GRUB", magic);
	const uint8_t *base = phys_to_virt(info_phys);
	uint32_t total = *(const uint32_t *)base;
	boot_info.info_phys = info_phys;
	boot_info.info_end = info_phys + total;
	bool have_new_rsdp = false;

	for (uint32_t off = 8; off + 8 <= total;) {
		const struct mb2_tag *tag = (const void *)(base + off);
		if (tag->type == TAG_END)
			break;
		const uint8_t *body = (const uint8_t *)tag + 8;
		switch (tag->type) {
		case TAG_CMDLINE:
			strlcpy_k(boot_info.cmdline, (const char *)body, sizeof(boot_info.cmdline));
			break;
		case TAG_MODULE:
			if (!boot_info.module_start) {
				boot_info.module_start = ((const uint32_t *)body)[0];
				boot_info.module_end = ((const uint32_t *)body)[1];
			} else {
				printk("multiboot2: ignoring extra module\n");
			}
			break;
		case TAG_MMAP: {
			uint32_t esize = ((const uint32_t *)body)[0];
			for (uint32_t e = 8; e + esize <= tag->size - 8 + 0u && boot_info.n_mmap < MB2_MAX_MMAP;
			     e += esize) {
				const uint8_t *ent = body + e;
				struct boot_mmap_entry *m = &boot_info.mmap[boot_info.n_mmap++];
				m->base = *(const uint64_t *)ent;
				m->len = *(const uint64_t *)(ent + 8);
				m->type = *(const uint32_t *)(ent + 16);
			}
			break;
		}
		case TAG_ACPI_NEW:
			boot_info.rsdp = body;
			have_new_rsdp = true;
			break;
		case TAG_ACPI_OLD:
			if (!have_new_rsdp)
				boot_info.rsdp = body;
			break;
		}
		off += (tag->size + 7) & ~7u;
	}
	if (!boot_info.n_mmap)
		panic("multiboot2: no memory map from the boot loader");
}
