/*
 * A minimal assertion kit for the mkifs host tests: each CHECK prints
 * file:line and what differed, counts the failure and lets the test go on;
 * main.c returns non-zero when anything failed.
 */
#pragma once
#include <stdio.h>
#include <string.h>

extern int check_failures;

#define CHECK(cond)                                                                 \
	do {                                                                        \
		if (!(cond)) {                                                      \
			fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__,     \
				__LINE__, #cond);                                   \
			check_failures++;                                           \
		}                                                                   \
	} while (0)

#define CHECK_EQ(a, b)                                                              \
	do {                                                                        \
		long long a_ = (long long)(a), b_ = (long long)(b);                 \
		if (a_ != b_) {                                                     \
			fprintf(stderr, "%s:%d: %s == %lld, expected %s == %lld\n", \
				__FILE__, __LINE__, #a, a_, #b, b_);                \
			check_failures++;                                           \
		}                                                                   \
	} while (0)

#define CHECK_STR(a, b)                                                             \
	do {                                                                        \
		const char *a_ = (a), *b_ = (b);                                    \
		if (!a_ || !b_ || strcmp(a_, b_) != 0) {                            \
			fprintf(stderr, "%s:%d: %s is \"%s\", expected \"%s\"\n",   \
				__FILE__, __LINE__, #a, a_ ? a_ : "(null)",         \
				b_ ? b_ : "(null)");                                \
			check_failures++;                                           \
		}                                                                   \
	} while (0)

/* Test groups (one ctest each), defined in the test_*.c files. */
void test_parse(const char *workdir);
void test_errors(const char *workdir);
void test_expand(const char *workdir);
void test_inline(const char *workdir);
void test_roundtrip(const char *workdir);
void test_load_errors(const char *workdir);

/* Shared helpers (main.c). */
const char *test_lookup(void *ctx, const char *name); /* BUILD=/b, X=1, EMPTY= */
int test_write_file(const char *path, const void *data, size_t len);
extern const char *test_self; /* path of this test program, an x86_64 ELF */
