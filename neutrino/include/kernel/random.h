/*
 * The kernel's random number generator (kernel/random.c): a ChaCha20
 * stream keyed from RDRAND (where CPUID reports it) and TSC jitter, rekeyed
 * after every request (so earlier output cannot be recomputed from a later
 * state) and reseeded with fresh entropy every few requests. Callers:
 * getrandom (posix/), AT_RANDOM (exec). Thread context.
 */
#pragma once
#include <kernel/types.h>

/* Fills buf with n random bytes (at most RANDOM_CHUNK per call is cheap;
 * larger requests are fine but run without a preemption point). */
void random_bytes(void *buf, size_t n);
#define RANDOM_CHUNK 256
