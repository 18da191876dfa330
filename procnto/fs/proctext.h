/*
 * The text of /proc's files, made at open (fs/procfs.c opens, these
 * write): per process (fs/proctext.c: status, stat in Linux's formats as
 * ps and top read them) and for the system (meminfo, uptime, loadavg,
 * stat; fs/cpuinfo.c: cpuinfo).
 */
#pragma once
#include <stddef.h>
#include <stdint.h>

#include <sys/neutrino.h>

/* A growing text buffer; err is set (ENOMEM) if it could not grow. */
struct text {
	char *buf;
	size_t len, cap;
	int err;
};

void text_add(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

void proctext_status(struct text *t, const struct _proc_info *pi);
void proctext_stat(struct text *t, const struct _proc_info *pi);
/* The arguments, each followed by a NUL (empty for a zombie, as Linux). */
void proctext_cmdline(struct text *t, const struct _proc_info *pi);

/* A system file of /proc by name ("meminfo", "uptime", "loadavg", "stat",
 * "cpuinfo"): EOK, or ENOENT for another name. */
int proctext_system(struct text *t, const char *name);
/* The names proctext_system() knows, NULL-terminated. */
extern const char *const proctext_system_names[];

/* fs/cpuinfo.c */
void proctext_cpuinfo(struct text *t);
/* Called once at start-up: the CPU clock rate is measured from here. */
void cpuinfo_init(void);
