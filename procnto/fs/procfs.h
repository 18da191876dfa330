/*
 * /proc (fs/procfs.c): one directory per process (/proc/<pid>/status and
 * stat), /proc/self, /proc/mounts, the system files (meminfo, uptime,
 * loadavg, stat, cpuinfo), and the names attached below /proc (boot).
 * main.c calls procfs_init() once at start-up.
 */
#pragma once
#include <sys/dispatch.h>

/* Attaches /proc to dpp and registers it in the pathname space. 0 or -errno. */
int procfs_init(dispatch_t *dpp);
