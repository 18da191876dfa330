/*
 * The ChaCha20 block function, written from RFC 8439 section 2.3, and its
 * known-answer test (section 2.3.2). Called by rng.c; the self-test by
 * dev-misc's start-up.
 */
#include <string.h>

#include "chacha.h"

static inline uint32_t rotl(uint32_t v, int n)
{
	return (v << n) | (v >> (32 - n));
}

#define QUARTER(x, a, b, c, d)                                                            \
	do {                                                                              \
		x[a] += x[b], x[d] = rotl(x[d] ^ x[a], 16);                               \
		x[c] += x[d], x[b] = rotl(x[b] ^ x[c], 12);                               \
		x[a] += x[b], x[d] = rotl(x[d] ^ x[a], 8);                                \
		x[c] += x[d], x[b] = rotl(x[b] ^ x[c], 7);                                \
	} while (0)

void chacha20_block(const uint32_t key[CHACHA_KEY_WORDS], const uint32_t in[4],
		    uint8_t out[CHACHA_BLOCK])
{
	/* "expand 32-byte k" */
	uint32_t s[16] = {0x61707865, 0x3320646e, 0x79622d32, 0x6b206574};
	for (int i = 0; i < 8; i++)
		s[4 + i] = key[i];
	for (int i = 0; i < 4; i++)
		s[12 + i] = in[i];
	uint32_t x[16];
	memcpy(x, s, sizeof(x));
	for (int round = 0; round < 10; round++) {
		QUARTER(x, 0, 4, 8, 12);
		QUARTER(x, 1, 5, 9, 13);
		QUARTER(x, 2, 6, 10, 14);
		QUARTER(x, 3, 7, 11, 15);
		QUARTER(x, 0, 5, 10, 15);
		QUARTER(x, 1, 6, 11, 12);
		QUARTER(x, 2, 7, 8, 13);
		QUARTER(x, 3, 4, 9, 14);
	}
	for (int i = 0; i < 16; i++) {
		uint32_t v = x[i] + s[i];
		out[4 * i + 0] = (uint8_t)v;
		out[4 * i + 1] = (uint8_t)(v >> 8);
		out[4 * i + 2] = (uint8_t)(v >> 16);
		out[4 * i + 3] = (uint8_t)(v >> 24);
	}
	memset(x, 0, sizeof(x));
	memset(s, 0, sizeof(s));
}

int chacha20_selftest(void)
{
	static const uint8_t want[CHACHA_BLOCK] = {
		0x10, 0xf1, 0xe7, 0xe4, 0xd1, 0x3b, 0x59, 0x15, 0x50, 0x0f, 0xdd, 0x1f, 0xa3,
		0x20, 0x71, 0xc4, 0xc7, 0xd1, 0xf4, 0xc7, 0x33, 0xc0, 0x68, 0x03, 0x04, 0x22,
		0xaa, 0x9a, 0xc3, 0xd4, 0x6c, 0x4e, 0xd2, 0x82, 0x64, 0x46, 0x07, 0x9f, 0xaa,
		0x09, 0x14, 0xc2, 0xd7, 0x05, 0xd9, 0x8b, 0x02, 0xa2, 0xb5, 0x12, 0x9c, 0xd1,
		0xde, 0x16, 0x4e, 0xb9, 0xcb, 0xd0, 0x83, 0xe8, 0xa2, 0x50, 0x3c, 0x4e,
	};
	uint32_t key[CHACHA_KEY_WORDS];
	for (int i = 0; i < 8; i++) {
		uint32_t b = (uint32_t)(4 * i);
		key[i] = b | (b + 1) << 8 | (b + 2) << 16 | (b + 3) << 24; /* bytes 00..1f */
	}
	/* counter 1, nonce 00:00:00:09:00:00:00:4a:00:00:00:00 */
	const uint32_t in[4] = {1, 0x09000000, 0x4a000000, 0};
	uint8_t out[CHACHA_BLOCK];
	chacha20_block(key, in, out);
	return memcmp(out, want, sizeof(out)) == 0 ? 0 : -1;
}
