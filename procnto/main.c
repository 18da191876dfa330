/*
 * procnto: the first user process (pid 1, uid 0), started by the kernel from
 * the boot-image entry flagged +boot. At this stage it maps the boot image,
 * runs the startup script (boot/script_run.c) and exits with status 0, after
 * which the kernel powers the machine off.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/neutrino.h>

#include "boot/imagefs.h"
#include "boot/script.h"

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("procnto: starting\n");

	void *base = NULL;
	uint64_t size = 0;
	int rc = ImageMap_r(&base, &size);
	if (rc < 0) {
		printf("procnto: cannot map the boot image: %s\n", strerror(-rc));
		return 1;
	}
	struct imagefs fs;
	if (imagefs_open(&fs, base, size) < 0) {
		printf("procnto: the boot image is damaged\n");
		return 1;
	}
	const struct ifs_dirent *d = imagefs_find_flag(&fs, IFS_F_SCRIPT);
	if (!d) {
		printf("procnto: no startup script in the boot image\n");
		return 0;
	}
	size_t len;
	const char *text = imagefs_data(&fs, d, &len);
	if (!text) {
		printf("procnto: the startup script entry is damaged\n");
		return 1;
	}
	script_run(text, len);
	return 0;
}
