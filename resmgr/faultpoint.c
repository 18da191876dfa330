/*
 * Fault points (sys/faultpoint.h): the library's answer to _FAULTPOINT_MSG
 * and the faults themselves. dispatch_handler() calls faultpoint_check()
 * for every message before anything else; it costs one comparison unless a
 * fault point message came or a fault is armed.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "priv.h"

#include <sys/faultpoint.h>

_Static_assert(_FAULTPOINT_MSG_TYPE == _FAULTPOINT_MSG, "priv.h and sys/faultpoint.h agree");

int faultpoint_armed; /* kind to fire at the next I/O message, 0 = none */
static int armed_arg;

static volatile uintptr_t null_address; /* 0, opaque to the compiler */

static __attribute__((noreturn, noinline)) void fault_do(int kind, int arg)
{
	switch (kind) {
	case FAULTPOINT_WILD: {
		/* A random address in the user half: practically never mapped. */
		uint64_t r = ClockCycles() * 0x9e3779b97f4a7c15ull;
		uintptr_t a = (uintptr_t)((r >> 17) & 0x00007ffffffff000ull) | 0x100000000ull;
		*(volatile uint64_t *)a = r;
		/* It was mapped after all: a non-canonical address always faults. */
		*(volatile uint64_t *)(uintptr_t)0xdead000000000000ull = r;
		break;
	}
	case FAULTPOINT_NULL:
		*(volatile int *)null_address = 1;
		break;
	case FAULTPOINT_ILL:
		__asm__ volatile("ud2");
		break;
	case FAULTPOINT_LOOP:
		for (;;)
			__asm__ volatile("" ::: "memory");
	case FAULTPOINT_EXIT:
		_exit(arg);
	case FAULTPOINT_ABORT:
		abort();
	}
	abort(); /* a fault that did not fault */
}

static int sender_is_root(resmgr_context_t *ctp)
{
	struct _client_info ci;
	if (ConnectClientInfo(ctp->info.scoid, &ci, 0) == -1)
		return 0;
	return ci.cred.euid == 0;
}

static void faultpoint_msg(resmgr_context_t *ctp)
{
	struct _faultpoint m = {0};
	if (ctp->size < sizeof(m)) {
		resmgr_reply_result(ctp, EBADMSG);
		return;
	}
	memcpy(&m, ctp->msg, sizeof(m));
	if (m.kind < 1 || m.kind > FAULTPOINT_KIND_MAX || (m.flags & ~(uint32_t)FAULTPOINT_F_NEXT_IO)) {
		resmgr_reply_result(ctp, EINVAL);
		return;
	}
	if (!sender_is_root(ctp) || getpid() == SYSMGR_PID) {
		resmgr_reply_result(ctp, EPERM);
		return;
	}
	resmgr_reply_result(ctp, EOK);
	if (m.flags & FAULTPOINT_F_NEXT_IO) {
		faultpoint_armed = m.kind;
		armed_arg = m.arg;
		return;
	}
	fault_do(m.kind, m.arg);
}

int faultpoint_check_slow(resmgr_context_t *ctp, int type)
{
	if (type == _FAULTPOINT_MSG) {
		faultpoint_msg(ctp);
		return 1;
	}
	if (faultpoint_armed && type >= _IO_BASE && type <= _IO_MAX)
		fault_do(faultpoint_armed, armed_arg);
	return 0;
}
