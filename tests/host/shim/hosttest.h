/*
 * A tiny test runner for host unit tests. A test program lists its cases in
 * a table and calls ht_main(); `prog <case> [args...]` runs one case (ctest
 * registers each as host.<module>.<case>); `prog` or `prog all [args...]`
 * runs them all. It prints "N passed, N failed" (counting checks) and exits
 * nonzero on any failure or on an unknown case name. Host-only: include it before the
 * kernel headers under test.
 */
#pragma once
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned long ht_passed, ht_failed;
static int ht_argc;     /* arguments after the case name */
static char **ht_argv;

#define CHECK(c)                                                               \
	do {                                                                   \
		if (c) {                                                       \
			ht_passed++;                                           \
		} else {                                                       \
			ht_failed++;                                           \
			fprintf(stderr, "%s:%d: CHECK(%s) failed\n", __FILE__, \
				__LINE__, #c);                                 \
		}                                                              \
	} while (0)

#define CHECK_EQ(a, b)                                                         \
	do {                                                                   \
		long long ht_a = (long long)(a), ht_b = (long long)(b);        \
		if (ht_a == ht_b) {                                            \
			ht_passed++;                                           \
		} else {                                                       \
			ht_failed++;                                           \
			fprintf(stderr, "%s:%d: %s == %s failed: %lld != %lld\n", \
				__FILE__, __LINE__, #a, #b, ht_a, ht_b);       \
		}                                                              \
	} while (0)

/* Stop the case at the first failure inside a long loop. */
#define HT_BAIL_IF_FAILED()                                                    \
	do {                                                                   \
		if (ht_failed)                                                 \
			return;                                                \
	} while (0)

struct ht_case {
	const char *name;
	void (*fn)(void);
};

/* Deterministic PRNG (xorshift64*) so that failures reproduce. */
static uint64_t ht_rng_state = 0x9e3779b97f4a7c15ull;
static inline uint64_t ht_rand(void)
{
	uint64_t x = ht_rng_state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	ht_rng_state = x;
	return x * 0x2545f4914f6cdd1dull;
}
static inline uint64_t ht_below(uint64_t n)
{
	return ht_rand() % n;
}

static inline int ht_main(const struct ht_case *cases, size_t n, int argc,
			  char **argv)
{
	size_t i;
	int ran = 0;

	ht_argc = argc > 2 ? argc - 2 : 0;
	ht_argv = argc > 2 ? argv + 2 : NULL;
	for (i = 0; i < n; i++) {
		if (argc > 1 && strcmp(argv[1], "all") != 0 &&
		    strcmp(argv[1], cases[i].name) != 0)
			continue;
		printf("case %s\n", cases[i].name);
		cases[i].fn();
		ran++;
	}
	if (!ran) {
		fprintf(stderr, "unknown case '%s'\n", argc > 1 ? argv[1] : "");
		return 2;
	}
	printf("%lu passed, %lu failed\n", ht_passed, ht_failed);
	return ht_failed ? 1 : 0;
}
