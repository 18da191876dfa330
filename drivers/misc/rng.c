/*
 * The ChaCha20 random number generator of dev-misc (rng.h).
 *
 * State: one 256-bit key. Absorbing data: XOR it into the key 32 bytes at
 * a time, each time replacing the key by the first half of the ChaCha20
 * block under the XORed key with the "absorb" nonce (a one-way step: the
 * old key cannot be recovered from the new). Generating: block 0 under
 * the "rekey" nonce gives the next key, blocks 0.. under the "output"
 * nonce give the bytes asked for, then the key is replaced (fast key
 * erasure: a later compromise of the state reveals nothing already
 * handed out). Seeding: 64 RDRAND words when CPUID.1:ECX[30] says the
 * instruction exists, plus 1024 TSC deltas around kernel calls (their low
 * bits vary with caches, interrupts and the scheduler), plus the clocks
 * and pid. Each request also absorbs a TSC reading and one RDRAND word.
 */
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <sys/neutrino.h>

#include "chacha.h"
#include "rng.h"

/* Nonce words (state word 15) separating the three uses of the key. */
#define NONCE_ABSORB 0x62736261u /* "absb" */
#define NONCE_REKEY 0x79656b72u  /* "rkey" */
#define NONCE_OUTPUT 0x7074756fu /* "outp" */

static uint32_t key[CHACHA_KEY_WORDS];
static int have_rdrand;

static void cpuid(uint32_t leaf, uint32_t *a, uint32_t *b, uint32_t *c, uint32_t *d)
{
	__asm__ volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d) : "a"(leaf), "c"(0));
}

/* One RDRAND word; 0 when the instruction keeps failing (retried 10 times,
 * as Intel's guidance says). */
static int rdrand64(uint64_t *v)
{
	for (int i = 0; i < 10; i++) {
		unsigned char ok;
		__asm__ volatile("rdrand %0; setc %1" : "=r"(*v), "=qm"(ok) : : "cc");
		if (ok)
			return 1;
	}
	return 0;
}

static void absorb_block(const uint8_t chunk[32])
{
	for (int i = 0; i < CHACHA_KEY_WORDS; i++) {
		uint32_t w;
		memcpy(&w, chunk + 4 * i, 4);
		key[i] ^= w;
	}
	const uint32_t in[4] = {0, 0, 0, NONCE_ABSORB};
	uint8_t out[CHACHA_BLOCK];
	chacha20_block(key, in, out);
	memcpy(key, out, sizeof(key));
	memset(out, 0, sizeof(out));
}

void rng_absorb(const void *data, size_t n)
{
	const uint8_t *p = data;
	while (n) {
		uint8_t chunk[32] = {0};
		size_t k = n < sizeof(chunk) ? n : sizeof(chunk);
		memcpy(chunk, p, k);
		absorb_block(chunk);
		p += k;
		n -= k;
	}
}

void rng_stir(void)
{
	uint64_t s[2] = {ClockCycles(), 0};
	if (have_rdrand)
		rdrand64(&s[1]);
	rng_absorb(s, sizeof(s));
}

void rng_generate(void *out, size_t n)
{
	uint8_t blk[CHACHA_BLOCK];
	uint32_t next[CHACHA_KEY_WORDS];
	const uint32_t rekey[4] = {0, 0, 0, NONCE_REKEY};
	chacha20_block(key, rekey, blk);
	memcpy(next, blk, sizeof(next));
	uint8_t *p = out;
	for (uint32_t ctr = 0; n; ctr++) {
		const uint32_t in[4] = {ctr, 0, 0, NONCE_OUTPUT};
		size_t k = n < CHACHA_BLOCK ? n : CHACHA_BLOCK;
		if (k == CHACHA_BLOCK) {
			chacha20_block(key, in, p);
		} else {
			chacha20_block(key, in, blk);
			memcpy(p, blk, k);
		}
		p += k;
		n -= k;
	}
	memcpy(key, next, sizeof(key));
	memset(next, 0, sizeof(next));
	memset(blk, 0, sizeof(blk));
}

/* 1024 TSC deltas around cheap kernel calls, 4 to a 32-bit word. */
static void seed_jitter(void)
{
	uint32_t words[256];
	uint64_t prev = ClockCycles();
	for (int i = 0; i < 256; i++) {
		uint32_t w = 0;
		for (int j = 0; j < 4; j++) {
			uint64_t ns;
			ClockTime(_NTO_CLOCK_MONOTONIC, NULL, &ns);
			uint64_t now = ClockCycles();
			w = (w << 8) ^ (uint32_t)(now - prev) ^ (uint32_t)(ns >> 3);
			prev = now;
		}
		words[i] = w;
	}
	rng_absorb(words, sizeof(words));
	memset(words, 0, sizeof(words));
}

int rng_init(void)
{
	uint32_t a, b, c, d;
	cpuid(0, &a, &b, &c, &d);
	if (a >= 1) {
		cpuid(1, &a, &b, &c, &d);
		have_rdrand = (c >> 30) & 1;
	}
	int rdrand_used = 0;
	if (have_rdrand) {
		uint64_t w[64];
		int got = 0;
		for (int i = 0; i < 64; i++)
			got += rdrand64(&w[i]);
		if (got == 64) {
			rng_absorb(w, sizeof(w));
			rdrand_used = 1;
		} else {
			have_rdrand = 0; /* broken: rely on the timer alone */
		}
		memset(w, 0, sizeof(w));
	}
	uint64_t misc[4] = {ClockCycles(), (uint64_t)getpid(), 0, 0};
	ClockTime(_NTO_CLOCK_REALTIME, NULL, &misc[2]);
	ClockTime(_NTO_CLOCK_MONOTONIC, NULL, &misc[3]);
	rng_absorb(misc, sizeof(misc));
	seed_jitter();
	return rdrand_used;
}
