/*
 * Not QNX: asking the path manager who serves a path, without talking to
 * the servers (resmgr/pathfind.c). Used by the heartbeat code to find the
 * restart manager, by restartd to see that a restarted server is back, and
 * by tools that need a server's pid and channel (faultinj).
 */
#pragma once
#include <sys/iomsg.h>

/*
 * Resolves path (absolute) with procnto: the servers whose prefixes match,
 * in the order a client tries them (<sys/pathmgr.h>), procnto's own
 * entries included; procnto symlinks are followed (16 hops at most).
 * Fills up to max entries and returns how many, or -errno (ENOENT: nothing
 * serves it; ELOOP; ENAMETOOLONG).
 */
int resmgr_path_servers(const char *path, struct _io_connect_entry *e, int max);

/*
 * The first server of path other than procnto (pid SYSMGR_PID) whose
 * prefix is the whole path: *e filled, 0; or -ENOENT.
 */
int resmgr_path_server(const char *path, struct _io_connect_entry *e);
