/* procnto's console lines (log.h). */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

static void emit(const char *prefix, const char *fmt, va_list ap)
{
	char buf[1024];
	int n = snprintf(buf, sizeof(buf), "%s", prefix);
	int m = vsnprintf(buf + n, sizeof(buf) - (size_t)n, fmt, ap);
	size_t len = (size_t)n + (m > 0 ? (size_t)m : 0);
	if (len > sizeof(buf) - 2)
		len = sizeof(buf) - 2;
	buf[len++] = '\n';
	write(1, buf, len);
}

void pn_log(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	emit("procnto: ", fmt, ap);
	va_end(ap);
}

void pn_print(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	emit("", fmt, ap);
	va_end(ap);
}
