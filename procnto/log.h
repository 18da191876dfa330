/*
 * procnto's console messages: one whole line per call, "procnto: " first,
 * written with one write(2). Safe from any of procnto's threads: they
 * share one TLS (ThreadCreate), so nothing here uses stdio streams, malloc
 * or errno on success.
 */
#pragma once

__attribute__((format(printf, 1, 2))) void pn_log(const char *fmt, ...);
/* The same without the "procnto: " prefix (display_msg). */
__attribute__((format(printf, 1, 2))) void pn_print(const char *fmt, ...);
