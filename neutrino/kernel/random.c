/*
 * The kernel CSPRNG (see kernel/random.h). ChaCha20 as specified in
 * RFC 8439 (20 rounds, 32-bit block counter, 96-bit nonce), used as a
 * stream generator with fast key erasure: each request produces blocks
 * from the current key, hands out the tail and keeps the first 32 bytes as
 * the next key. Entropy: 64 bytes of RDRAND when the CPU has it, and TSC
 * timings of short memory walks and port reads (their jitter comes from
 * caches, interrupts and the emulator); both are folded into the key by
 * XOR followed by a rekey, so a weak source cannot weaken a strong one.
 */
#include <arch/cpu.h>
#include <kernel/random.h>

#define RESEED_EVERY 64 /* requests between fresh entropy */

static uint32_t key[8];
static uint64_t nonce;        /* counts generator uses: never repeats under a key */
static unsigned since_reseed;
static bool seeded, have_rdrand;

static inline uint32_t rotl(uint32_t v, int n) { return (v << n) | (v >> (32 - n)); }

#define QR(a, b, c, d)                                                                     \
	do {                                                                               \
		a += b; d ^= a; d = rotl(d, 16);                                           \
		c += d; b ^= c; b = rotl(b, 12);                                           \
		a += b; d ^= a; d = rotl(d, 8);                                            \
		c += d; b ^= c; b = rotl(b, 7);                                            \
	} while (0)

/* One 64-byte ChaCha20 block for (key, counter, nonce). */
static void chacha20_block(const uint32_t k[8], uint32_t counter, uint64_t n, uint32_t out[16])
{
	uint32_t s[16] = {
		0x61707865, 0x3320646e, 0x79622d32, 0x6b206574,
		k[0], k[1], k[2], k[3], k[4], k[5], k[6], k[7],
		counter, 0, (uint32_t)n, (uint32_t)(n >> 32),
	};
	uint32_t x[16];
	memcpy(x, s, sizeof(x));
	for (int i = 0; i < 10; i++) {
		QR(x[0], x[4], x[8], x[12]);
		QR(x[1], x[5], x[9], x[13]);
		QR(x[2], x[6], x[10], x[14]);
		QR(x[3], x[7], x[11], x[15]);
		QR(x[0], x[5], x[10], x[15]);
		QR(x[1], x[6], x[11], x[12]);
		QR(x[2], x[7], x[8], x[13]);
		QR(x[3], x[4], x[9], x[14]);
	}
	for (int i = 0; i < 16; i++)
		out[i] = x[i] + s[i];
}

static bool rdrand64(uint64_t *v)
{
	for (int tries = 0; tries < 10; tries++) {
		uint8_t ok;
		__asm__ volatile("rdrand %0; setc %1" : "=r"(*v), "=qm"(ok));
		if (ok)
			return true;
	}
	return false;
}

/* TSC deltas around work whose duration varies: memory walks and a port
 * read (an emulated device access under QEMU). */
static uint64_t jitter_sample(unsigned i)
{
	static volatile uint8_t walk[4096];
	uint64_t t0 = rdtsc();
	for (unsigned j = 0; j < 64; j++)
		walk[(j * 67 + i * 131) & 4095] += (uint8_t)j;
	if (i % 8 == 0)
		(void)inb(0x81); /* a DMA page register: reading it has no effect */
	return rdtsc() - t0;
}

/* The next key: the first block of the current key's stream. */
static void rekey(void)
{
	uint32_t blk[16];
	chacha20_block(key, 0, nonce++, blk);
	memcpy(key, blk, sizeof(key));
	memset(blk, 0, sizeof(blk));
}

static void reseed(void)
{
	uint32_t mix[8] = { 0 };
	if (have_rdrand) {
		for (unsigned i = 0; i < 4; i++) {
			uint64_t v;
			if (rdrand64(&v)) {
				mix[2 * i] ^= (uint32_t)v;
				mix[2 * i + 1] ^= (uint32_t)(v >> 32);
			}
		}
	}
	for (unsigned i = 0; i < 256; i++) {
		uint64_t d = jitter_sample(i);
		mix[i & 7] = rotl(mix[i & 7], 5) ^ (uint32_t)d ^ (uint32_t)(d >> 32);
	}
	uint64_t tsc = rdtsc();
	mix[0] ^= (uint32_t)tsc;
	mix[1] ^= (uint32_t)(tsc >> 32);
	for (int i = 0; i < 8; i++)
		key[i] ^= mix[i];
	rekey();
	since_reseed = 0;
}

void random_bytes(void *buf, size_t n)
{
	if (!seeded) {
		uint32_t a, b, c, d;
		cpuid(1, 0, &a, &b, &c, &d);
		have_rdrand = (c >> 30) & 1;
		seeded = true;
		reseed();
	} else if (++since_reseed >= RESEED_EVERY) {
		reseed();
	} else {
		uint64_t tsc = rdtsc(); /* cheap extra unpredictability per request */
		key[7] ^= (uint32_t)tsc;
	}
	uint64_t n_this = nonce++;
	uint8_t *out = buf;
	uint32_t blk[16];
	for (uint32_t ctr = 1; n; ctr++) {
		chacha20_block(key, ctr, n_this, blk);
		size_t k = MIN(n, sizeof(blk));
		memcpy(out, blk, k);
		out += k;
		n -= k;
	}
	memset(blk, 0, sizeof(blk));
	rekey();
}
