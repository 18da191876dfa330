/*
 * The boot image: checks the module GRUB loaded (magic, size, checksum,
 * every directory entry within bounds) and answers look-ups by name.
 */
#include <kernel/bootimage.h>
#include <kernel/multiboot2.h>
#include <kernel/printk.h>
#include <mm/pmm.h>

static const uint8_t *img;
static const struct ifs_header *hdr;
static const struct ifs_dirent *dir;

static const char *str_at(uint32_t off) { return (const char *)img + hdr->strtab_off + off; }

void bootimage_init(void)
{
	size_t msize = boot_info.module_end - boot_info.module_start;
	if (!boot_info.module_start)
		panic("boot image: no multiboot2 module (the ISO's grub.cfg must load one with module2)");
	img = phys_to_virt(boot_info.module_start);
	hdr = (const void *)img;
	if (msize < sizeof(*hdr) || memcmp(hdr->magic, IFS_MAGIC, 8) != 0)
		panic("boot image: bad magic (not made by mkifs?)");
	if (hdr->version != 1)
		panic("boot image: version %u, expected 1", hdr->version);
	if (hdr->image_size > msize)
		panic("boot image: truncated (%lu of %lu bytes)", (uint64_t)msize, hdr->image_size);
	uint32_t sum = 0;
	for (uint64_t off = 64; off < hdr->image_size; off += 4) {
		uint32_t w = 0;
		memcpy(&w, img + off, MIN(4, hdr->image_size - off));
		sum += w;
	}
	if (sum != hdr->checksum)
		panic("boot image: checksum mismatch (corrupted)");
	uint64_t dir_end = sizeof(*hdr) + (uint64_t)hdr->n_entries * sizeof(struct ifs_dirent);
	if (dir_end > hdr->image_size || hdr->strtab_off + hdr->strtab_size > hdr->image_size ||
	    !hdr->strtab_size || img[hdr->strtab_off + hdr->strtab_size - 1] != 0)
		panic("boot image: directory or string table out of bounds");
	dir = (const void *)(img + sizeof(*hdr));
	for (uint32_t i = 0; i < hdr->n_entries; i++) {
		const struct ifs_dirent *d = &dir[i];
		if (d->name_off >= hdr->strtab_size || d->target_off >= hdr->strtab_size ||
		    (d->type == IFS_TYPE_FILE &&
		     (d->data_off > hdr->image_size || d->size > hdr->image_size - d->data_off)))
			panic("boot image: entry %u out of bounds", i);
	}
	printk("bootimage: %u entries, %lu KiB\n", hdr->n_entries, hdr->image_size >> 10);
}

static const struct ifs_dirent *find(const char *name)
{
	uint32_t lo = 0, hi = hdr->n_entries;
	while (lo < hi) {
		uint32_t mid = (lo + hi) / 2;
		int c = strcmp(name, str_at(dir[mid].name_off));
		if (!c)
			return &dir[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

const struct ifs_dirent *bootimage_lookup(const char *name)
{
	while (*name == '/')
		name++;
	for (int hops = 0; hops < 8; hops++) {
		const struct ifs_dirent *d = find(name);
		if (!d || d->type != IFS_TYPE_SYMLINK)
			return d;
		name = str_at(d->target_off);
		while (*name == '/')
			name++;
		if (!strncmp(name, "proc/boot/", 10))
			name += 10;
	}
	return NULL;
}

const struct ifs_dirent *bootimage_find_flag(uint16_t flag)
{
	for (uint32_t i = 0; i < hdr->n_entries; i++)
		if (dir[i].flags & flag)
			return &dir[i];
	return NULL;
}

const void *bootimage_data(const struct ifs_dirent *d) { return img + d->data_off; }
const char *bootimage_name(const struct ifs_dirent *d) { return str_at(d->name_off); }
paddr_t bootimage_phys(void) { return boot_info.module_start; }
size_t bootimage_size(void) { return hdr->image_size; }
