/*
 * /proc/<pid>/fd (fs/procfd.c): the fds of a process as symlinks. procfs.c
 * lists "fd" in each /proc/<pid> and hands every connect below it here.
 */
#pragma once
#include <stdint.h>

#include <sys/dispatch.h>
#include <sys/iofunc.h>
#include <sys/neutrino.h>

/*
 * A connect for "fd" or "fd/<n>" of process pi (rest is "" for the
 * directory, else "/<n>"). Returns the handler result (EOK, errno, or a
 * reply size).
 */
int procfd_connect(resmgr_context_t *ctp, io_open_t *msg, const struct _proc_info *pi,
		   const char *rest);

/* Inode of /proc/<pid>/fd, listed in /proc/<pid>. */
#define PROCFD_DIR_INO(pid) (((uint64_t)(pid) << 4) | 0xf)
