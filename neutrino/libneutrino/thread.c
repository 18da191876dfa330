/*
 * gettid() for native programs: QNX's, the calling thread's id as the
 * native calls use it (1, 2, ... in each process). It takes the place of
 * musl's gettid(), which returns the Linux thread id of the POSIX
 * personality (the pid for a process's first thread), in every program
 * linked with libneutrino. -1 with errno if the kernel refuses (it does
 * not).
 */
#define _GNU_SOURCE
#include <sys/neutrino.h>
#include <unistd.h>

pid_t gettid(void)
{
	int tid = -1;
	return ThreadCtl(_NTO_TCTL_TID, &tid) == -1 ? -1 : tid;
}
