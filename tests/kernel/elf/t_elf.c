/*
 * t_elf: program loading by ImageSpawn. A static and a static-PIE musl
 * program both run to exit 0; exit statuses come back through ProcWait;
 * names that are missing or not ELF executables are refused with ENOENT and
 * ENOEXEC.
 */
#include "ntest.h"

#include <sys/imagefs.h>

/* A regular file of the boot image that is not an ELF file (the startup
 * script first), or NULL. */
static const char *find_non_elf(void)
{
	void *base = NULL;
	uint64_t size = 0;
	if (!CHECK_EQ(ImageMap(&base, &size), 0))
		return NULL;
	const uint8_t *img = base;
	const struct ifs_header *h = base;
	if (!CHECK(size >= sizeof(*h) && memcmp(h->magic, IFS_MAGIC, 8) == 0))
		return NULL;
	const struct ifs_dirent *d = (const struct ifs_dirent *)(h + 1);
	const char *found = NULL;
	for (uint32_t i = 0; i < h->n_entries; i++) {
		if (d[i].type != IFS_TYPE_FILE || d[i].size < 4)
			continue;
		if (memcmp(img + d[i].data_off, "\177ELF", 4) == 0)
			continue;
		found = (const char *)img + h->strtab_off + d[i].name_off;
		if (d[i].flags & IFS_F_SCRIPT)
			break;
	}
	return found;
}

int main(void)
{
	ntest_start("elf");

	CHECK_EXIT("hello", 0);
	CHECK_EXIT("hello_pie", 0);
	CHECK_EXIT("exit42", 42);

	char *argv[] = {"no_such_program", NULL};
	char *envp[] = {NULL};
	struct _image_spawn_attr attr = {.priority = 0, .policy = -1};
	CHECK_ERR(ImageSpawn("no_such_program", argv, envp, &attr), ENOENT);

	const char *non_elf = find_non_elf();
	if (CHECK(non_elf != NULL)) {
		ntest_info("non-ELF image file: %s", non_elf);
		argv[0] = (char *)non_elf;
		CHECK_ERR(ImageSpawn(non_elf, argv, envp, &attr), ENOEXEC);
	}
	ntest_done();
}
