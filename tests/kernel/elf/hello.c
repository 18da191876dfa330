/*
 * hello: an ordinary musl program, nothing Neutrino-specific. The elf test
 * starts it as a static executable (hello) and as a static PIE (hello_pie)
 * to check that program loading and the Linux syscalls musl's start-up, stdio
 * and malloc need all work. Exits 0, or 1 if an allocation fails or its
 * contents are wrong, 2 if argv is missing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	/* Small sizes come from the heap (brk); the large ones force mmap. */
	static const size_t sizes[] = {16, 100, 4000, 65536, 1 << 20, 8 << 20};
	enum { N = sizeof(sizes) / sizeof(sizes[0]) };
	unsigned char *blocks[N];

	if (argc < 1 || !argv[0])
		return 2;
	for (int i = 0; i < N; i++) {
		blocks[i] = malloc(sizes[i]);
		if (!blocks[i]) {
			printf("hello: malloc(%zu) failed\n", sizes[i]);
			return 1;
		}
		memset(blocks[i], 0x40 + i, sizes[i]);
	}
	for (int i = 0; i < N; i++) {
		for (size_t off = 0; off < sizes[i]; off += 997) {
			if (blocks[i][off] != 0x40 + i) {
				printf("hello: block %d corrupted at %zu\n", i, off);
				return 1;
			}
		}
		free(blocks[i]);
	}
	printf("hello, world\n");
	exit(0);
}
