/*
 * The random number generator behind /dev/random and /dev/urandom
 * (dev-misc): a ChaCha20 generator with fast key erasure, seeded at start
 * from RDRAND (when CPUID reports it) and TSC jitter, stirred on every
 * request and by writes. It never blocks. Single-threaded: called from the
 * server loop only.
 */
#pragma once
#include <stddef.h>

/* Largest request rng_generate() takes. */
#define RNG_CHUNK 16384u

/* Seeds the generator; call once before anything else. Returns 1 when
 * RDRAND contributed, 0 when only timing jitter did. */
int rng_init(void);
/* Mixes n bytes of data (any quality: it cannot make the state worse). */
void rng_absorb(const void *data, size_t n);
/* Mixes fresh timer (and RDRAND) samples: once per request. */
void rng_stir(void);
/* Fills out with n <= RNG_CHUNK bytes, then replaces the key, so that the
 * state left behind cannot reproduce them. */
void rng_generate(void *out, size_t n);
