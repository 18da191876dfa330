/*
 * The ChaCha20 block function (RFC 8439 section 2.3), used by the random
 * number generator of dev-misc (rng.c).
 */
#pragma once
#include <stdint.h>

#define CHACHA_KEY_WORDS 8
#define CHACHA_BLOCK 64

/*
 * One 64-byte block of keystream for key (8 words) and the last four state
 * words in (words 12..15: RFC 8439 puts the block counter in word 12 and
 * the nonce in 13..15). Output is the serialised state, little endian.
 */
void chacha20_block(const uint32_t key[CHACHA_KEY_WORDS], const uint32_t in[4],
		    uint8_t out[CHACHA_BLOCK]);

/* Known-answer test against RFC 8439's block-function vector: 0 when the
 * block function is right, -1 otherwise. */
int chacha20_selftest(void);
