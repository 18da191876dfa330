/*
 * Entry point of the mkifs host tests: `mkifs_tests <group> <workdir>` runs
 * one group (registered with ctest as host.mkifs.<group>) and exits 1 if any
 * check failed. Also holds the helpers the groups share.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "check.h"

int check_failures;
const char *test_self;

const char *test_lookup(void *ctx, const char *name)
{
	if (!strcmp(name, "BUILD"))
		return "/b";
	if (!strcmp(name, "X"))
		return "1";
	if (!strcmp(name, "EMPTY"))
		return "";
	if (!strcmp(name, "SELF"))
		return test_self;
	if (!strcmp(name, "LOOP"))
		return "${X}";
	return NULL;
}

int test_write_file(const char *path, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	int ok;

	if (fd < 0)
		return -1;
	ok = write(fd, data, len) == (ssize_t)len;
	return close(fd) == 0 && ok ? 0 : -1;
}

static const struct {
	const char *name;
	void (*fn)(const char *workdir);
} groups[] = {
	{ "parse", test_parse },
	{ "errors", test_errors },
	{ "expand", test_expand },
	{ "inline", test_inline },
	{ "roundtrip", test_roundtrip },
	{ "load_errors", test_load_errors },
};

int main(int argc, char **argv)
{
	static char self[4096];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	if (argc != 3) {
		fprintf(stderr, "usage: mkifs_tests <group> <workdir>\n");
		return 2;
	}
	if (n <= 0) {
		perror("readlink /proc/self/exe");
		return 2;
	}
	self[n] = '\0';
	test_self = self;
	for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++) {
		if (strcmp(argv[1], groups[i].name))
			continue;
		groups[i].fn(argv[2]);
		if (check_failures)
			fprintf(stderr, "%s: %d check(s) failed\n", argv[1], check_failures);
		return check_failures ? 1 : 0;
	}
	fprintf(stderr, "unknown group '%s'\n", argv[1]);
	return 2;
}
