/*
 * Image tests: a buildfile written to an image file and read back, checked
 * entry by entry and against corruption (group "roundtrip"), and the errors
 * of the host-file loader (group "load_errors").
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "check.h"
#include "image.h"

static char *path_in(const char *dir, const char *name)
{
	size_t len = strlen(dir) + strlen(name) + 2;
	char *p = malloc(len);

	snprintf(p, len, "%s/%s", dir, name);
	return p;
}

static uint8_t *file_get(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc(n ? n : 1);
	*len = fread(buf, 1, n, f);
	fclose(f);
	return buf;
}

/* Parse and load text; returns 0 or the error (message in err). */
static int load(const char *text, struct bf_list *l, struct bf_error *err)
{
	int rc = bf_parse("t.build", text, test_lookup, NULL, l, err);

	if (rc)
		return rc;
	rc = image_load(l, 12345, err);
	if (rc)
		bf_list_free(l);
	return rc;
}

static void check_file(const uint8_t *img, const char *name, const void *data, size_t size)
{
	const struct ifs_dirent *d = ifs_lookup(img, name);

	CHECK(d != NULL);
	if (!d)
		return;
	CHECK_EQ(d->type, IFS_TYPE_FILE);
	CHECK_EQ(d->size, size);
	CHECK_EQ(d->data_off % IFS_DATA_ALIGN, 0);
	CHECK(d->size == size && !memcmp(img + d->data_off, data, size));
}

void test_roundtrip(const char *workdir)
{
	char *hostfile = path_in(workdir, "data.txt"), *out = path_in(workdir, "rt.ifs");
	char text[2048];
	struct bf_list l;
	struct bf_error err = { "" };
	struct image img = { 0 };
	const struct ifs_header *h;
	const struct ifs_dirent *d;
	struct stat st;
	uint8_t *buf, *self;
	size_t len, self_len;
	DIR *dir;
	struct dirent *de;

	mkdir(workdir, 0755);
	CHECK_EQ(test_write_file(hostfile, "0123456789", 10), 0);
	chmod(hostfile, 0640);
	snprintf(text, sizeof(text),
		 "[+boot uid=1 gid=2] procnto = ${SELF}\n"
		 "[type=link] bin/sh = /proc/boot/ksh\n"
		 "[perms=0444] etc/data = %s\n"
		 "[+script] startup = {\n"
		 "display_msg hi\n"
		 "hello\n"
		 "}\n",
		 hostfile);
	if (load(text, &l, &err)) {
		fprintf(stderr, "%s\n", err.msg);
		CHECK(0);
		return;
	}
	CHECK_EQ(image_build(&l, &img, &err), 0);
	CHECK_EQ(image_save(out, &img, &err), 0);
	free(img.buf);
	bf_list_free(&l);

	/* No temporary file is left next to the image. */
	dir = opendir(workdir);
	while (dir && (de = readdir(dir)))
		CHECK(!strstr(de->d_name, ".tmp"));
	if (dir)
		closedir(dir);

	buf = file_get(out, &len);
	CHECK(buf != NULL);
	if (!buf)
		return;
	CHECK_EQ(ifs_verify(buf, len, "rt.ifs", &err), 0);
	h = (const void *)buf;
	CHECK(!memcmp(h->magic, IFS_MAGIC, 8));
	CHECK_EQ(h->version, 1);
	CHECK_EQ(h->n_entries, 6); /* bin, bin/sh, etc, etc/data, procnto, startup */
	CHECK_EQ(h->image_size, len);
	CHECK_EQ(len % IFS_DATA_ALIGN, 0);
	CHECK_EQ(h->checksum, ifs_checksum(buf, len));
	CHECK_EQ(h->strtab_off, 64 + 6 * 48);
	for (uint32_t i = 0; i < h->n_entries; i++) {
		static const char *const names[] = { "bin", "bin/sh", "etc", "etc/data",
						     "procnto", "startup" };
		d = (const struct ifs_dirent *)(buf + 64) + i;
		CHECK_STR(ifs_str(buf, d->name_off), names[i]);
	}

	self = file_get(test_self, &self_len);
	check_file(buf, "procnto", self, self_len);
	d = ifs_lookup(buf, "procnto");
	stat(test_self, &st);
	if (d) {
		CHECK_EQ(d->flags, IFS_F_BOOT);
		CHECK_EQ(d->uid, 1);
		CHECK_EQ(d->gid, 2);
		CHECK_EQ(d->mtime, (uint32_t)st.st_mtime);
		CHECK_EQ(d->mode, S_IFREG | (st.st_mode & 07777));
	}
	free(self);
	check_file(buf, "etc/data", "0123456789", 10);
	d = ifs_lookup(buf, "etc/data");
	if (d)
		CHECK_EQ(d->mode, S_IFREG | 0444);
	check_file(buf, "startup", "display_msg hi\nhello\n", 21);
	d = ifs_lookup(buf, "startup");
	if (d) {
		CHECK_EQ(d->flags, IFS_F_SCRIPT);
		CHECK_EQ(d->mtime, 12345);
		CHECK_EQ(d->mode, S_IFREG | 0644);
	}
	d = ifs_lookup(buf, "bin/sh");
	CHECK(d != NULL);
	if (d) {
		CHECK_EQ(d->type, IFS_TYPE_SYMLINK);
		CHECK_EQ(d->mode, S_IFLNK | 0777);
		CHECK_STR(ifs_str(buf, d->target_off), "/proc/boot/ksh");
		CHECK_EQ(d->size, 14);
		CHECK_EQ(d->data_off, 0);
	}
	d = ifs_lookup(buf, "etc");
	CHECK(d != NULL);
	if (d) {
		CHECK_EQ(d->type, IFS_TYPE_DIR);
		CHECK_EQ(d->mode, S_IFDIR | 0755);
	}
	CHECK(ifs_lookup(buf, "missing") == NULL);

	/* Corruption anywhere after the header is caught by the checksum. */
	d = ifs_lookup(buf, "etc/data");
	if (d) {
		buf[d->data_off + 3] ^= 0x40;
		CHECK_EQ(ifs_verify(buf, len, "rt.ifs", &err), -EINVAL);
		CHECK(!strncmp(err.msg, "rt.ifs: bad checksum: stored 0x", 31));
		buf[d->data_off + 3] ^= 0x40;
		CHECK_EQ(ifs_verify(buf, len, "rt.ifs", &err), 0);
	}
	CHECK_EQ(ifs_verify(buf, len - 1, "rt.ifs", &err), -EINVAL);
	snprintf(text, sizeof(text), "rt.ifs: truncated: header says %zu bytes, have %zu", len,
		 len - 1);
	CHECK_STR(err.msg, text);
	buf[0] = 'X';
	CHECK_EQ(ifs_verify(buf, len, "rt.ifs", &err), -EINVAL);
	CHECK_STR(err.msg, "rt.ifs: not an image (bad magic)");
	buf[0] = 'N';
	/* A header field the checksum does not cover is still bounds-checked. */
	((struct ifs_header *)buf)->strtab_size = len;
	CHECK_EQ(ifs_verify(buf, len, "rt.ifs", &err), -EINVAL);
	CHECK_STR(err.msg, "rt.ifs: bad directory or string table bounds");
	free(buf);
	free(hostfile);
	free(out);
}

static void load_error(const char *text, const char *want)
{
	struct bf_list l;
	struct bf_error err = { "" };

	CHECK(load(text, &l, &err) != 0);
	CHECK_STR(err.msg, want);
}

void test_load_errors(const char *workdir)
{
	char *txt = path_in(workdir, "text"), *arm = path_in(workdir, "arm.elf");
	char text[1024], want[1024];
	unsigned char elf[64] = { 0x7f, 'E', 'L', 'F', 2, 1, 1 };

	mkdir(workdir, 0755);
	CHECK_EQ(test_write_file(txt, "#!/bin/sh\necho hi\n", 18), 0);
	elf[16] = 2;  /* ET_EXEC */
	elf[18] = 40; /* EM_ARM */
	CHECK_EQ(test_write_file(arm, elf, sizeof(elf)), 0);

	load_error("[+boot] p = ${SELF}\n\nx = /nonexistent/x\n",
		   "t.build:3: cannot open '/nonexistent/x': No such file or directory");
	snprintf(text, sizeof(text), "a = %s\n[+boot] p = %s\n", txt, txt);
	snprintf(want, sizeof(want), "t.build:2: +boot file '%s' is not an ELF file", txt);
	load_error(text, want);
	snprintf(text, sizeof(text), "[+boot] p = %s\n", arm);
	snprintf(want, sizeof(want), "t.build:1: +boot file '%s' is not an x86_64 ELF executable",
		 arm);
	load_error(text, want);
	snprintf(text, sizeof(text), "[+boot] p = ${SELF}\nd = %s\n", workdir);
	snprintf(want, sizeof(want), "t.build:2: '%s' is not a regular file", workdir);
	load_error(text, want);
	load_error("[+boot] p = {\nnot a program\n}\n",
		   "t.build:1: +boot file 'p' is not an ELF file");
	free(txt);
	free(arm);
}
