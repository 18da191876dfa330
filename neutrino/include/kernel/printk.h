/*
 * Kernel console output and fatal errors.
 * printk() formats into the console (COM1, polled); it is safe with
 * interrupts on or off and from interrupt handlers. Supported conversions:
 * %d %i %u %x %X %p %s %c %% with the l, ll, z and 0/width modifiers.
 */
#pragma once
#include <kernel/types.h>

void printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void vprintk(const char *fmt, va_list ap);
int ksnprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

/* Write raw bytes to the console (used for user writes to fds 1 and 2). */
void console_write(const char *s, size_t n);

/* Stops the machine with a message, the registers of the current trap frame if
 * any, and a stack trace. Never called for anything a user program can cause. */
__attribute__((noreturn, format(printf, 1, 2))) void panic(const char *fmt, ...);

#define assert(c)                                                                \
	do {                                                                     \
		if (unlikely(!(c)))                                              \
			panic("assertion failed: %s at %s:%d", #c, __FILE__,    \
			      __LINE__);                                         \
	} while (0)
