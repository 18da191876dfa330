/*
 * The portable core of the in-QEMU test programs' checks: verdict output and
 * the CHECK macros, plain libc only. Used by ntest.h (native tests,
 * tests/kernel) and by tests/posix/ptest.h (programs that also run on
 * Linux). Output contract: see ntest.h.
 */
#pragma once
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef __FILE_NAME__
#define __FILE_NAME__ __FILE__
#endif

static const char *ntest_name = "?";
static volatile int ntest_failures;

static inline void ntest_start(const char *name)
{
	ntest_name = name;
}

static inline void ntest_vprint(const char *prefix, const char *fmt, va_list ap)
{
	char buf[512];
	int n = snprintf(buf, sizeof(buf), "%s", prefix);
	if (n < 0 || (size_t)n >= sizeof(buf))
		n = 0;
	int m = vsnprintf(buf + n, sizeof(buf) - n, fmt, ap);
	if (m < 0)
		m = 0;
	size_t len = (size_t)n + (size_t)m;
	if (len > sizeof(buf) - 2)
		len = sizeof(buf) - 2;
	buf[len++] = '\n';
	ssize_t w = write(1, buf, len);
	(void)w;
}

/* A line "ntest: <test>: <message>" (figures, progress). Main thread only. */
__attribute__((format(printf, 1, 2))) static inline void ntest_info(const char *fmt, ...)
{
	char prefix[64];
	snprintf(prefix, sizeof(prefix), "ntest: %s: ", ntest_name);
	va_list ap;
	va_start(ap, fmt);
	ntest_vprint(prefix, fmt, ap);
	va_end(ap);
}

/* Record a failure: "check failed: <expr> (<file>:<line>)" and, if fmt, ": <values>". */
__attribute__((format(printf, 4, 5))) static inline void
ntest_fail(const char *expr, const char *file, int line, const char *fmt, ...)
{
	char prefix[256];
	ntest_failures++;
	snprintf(prefix, sizeof(prefix), "ntest: %s: check failed: %s (%s:%d)%s", ntest_name, expr,
		 file, line, fmt ? ": " : "");
	va_list ap;
	va_start(ap, fmt);
	ntest_vprint(prefix, fmt ? fmt : "", ap);
	va_end(ap);
}

static inline int ntest_check(int ok, const char *expr, const char *file, int line)
{
	if (!ok)
		ntest_fail(expr, file, line, NULL);
	return ok;
}

static inline int ntest_check_eq(long long a, long long b, const char *expr, const char *file,
				 int line)
{
	if (a == b)
		return 1;
	ntest_fail(expr, file, line, "%lld != %lld", a, b);
	return 0;
}

static inline int ntest_check_ge(long long a, long long b, const char *expr, const char *file,
				 int line)
{
	if (a >= b)
		return 1;
	ntest_fail(expr, file, line, "%lld < %lld", a, b);
	return 0;
}

/* Each CHECK evaluates its arguments once and yields 1 when it passed. */
#define CHECK(cond) ntest_check(!!(cond), #cond, __FILE_NAME__, __LINE__)
#define CHECK_EQ(a, b) \
	ntest_check_eq((long long)(a), (long long)(b), #a " == " #b, __FILE_NAME__, __LINE__)
#define CHECK_GE(a, b) \
	ntest_check_ge((long long)(a), (long long)(b), #a " >= " #b, __FILE_NAME__, __LINE__)

/* call must fail with -1 and errno err. */
#define CHECK_ERR(call, err)                                                               \
	({                                                                                  \
		errno = 0;                                                                  \
		long ntest_rc_ = (long)(call);                                              \
		int ntest_errno_ = errno;                                                   \
		int ntest_ok_ = ntest_rc_ == -1 && ntest_errno_ == (err);                   \
		if (!ntest_ok_)                                                             \
			ntest_fail(#call " fails with " #err, __FILE_NAME__, __LINE__,      \
				   "returned %ld, errno %d (%s)", ntest_rc_, ntest_errno_,  \
				   strerror(ntest_errno_));                                 \
		ntest_ok_;                                                                  \
	})

