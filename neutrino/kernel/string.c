/*
 * The few C library string functions the kernel uses. The compiler may also
 * emit calls to memcpy/memset/memmove/memcmp for structure copies.
 */
#include <kernel/types.h>

/* Eight bytes at a time, then the tail: string instructions cost one step
 * per element on some engines (QEMU TCG counts each as an instruction). */
void *memset(void *d, int c, size_t n)
{
	void *ret = d;
	uint64_t v = (uint8_t)c * 0x0101010101010101ull;
	size_t q = n >> 3, r = n & 7;
	__asm__ volatile("rep stosq\n\tmov %[r], %%rcx\n\trep stosb"
			 : "+D"(d), "+c"(q)
			 : "a"(v), [r] "r"(r)
			 : "memory");
	return ret;
}

void *memcpy(void *d, const void *s, size_t n)
{
	void *ret = d;
	size_t q = n >> 3, r = n & 7;
	__asm__ volatile("rep movsq\n\tmov %[r], %%rcx\n\trep movsb"
			 : "+D"(d), "+S"(s), "+c"(q)
			 : [r] "r"(r)
			 : "memory");
	return ret;
}

void *memmove(void *d, const void *s, size_t n)
{
	unsigned char *dp = d;
	const unsigned char *sp = s;
	if (dp <= sp || dp >= sp + n)
		return memcpy(d, s, n);
	while (n--)
		dp[n] = sp[n];
	return d;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;
	for (size_t i = 0; i < n; i++)
		if (x[i] != y[i])
			return x[i] - y[i];
	return 0;
}

size_t strlen(const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	return n;
}

size_t strnlen(const char *s, size_t max)
{
	size_t n = 0;
	while (n < max && s[n])
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		if (*a != *b)
			return (unsigned char)*a - (unsigned char)*b;
		if (!*a)
			return 0;
	}
	return 0;
}

/* Copies at most n-1 bytes and always terminates (n > 0). */
char *strlcpy_k(char *d, const char *s, size_t n)
{
	size_t i = 0;
	if (!n)
		return d;
	for (; i + 1 < n && s[i]; i++)
		d[i] = s[i];
	d[i] = 0;
	return d;
}
