/*
 * Message passing: channel and connection flags, pulse codes, and the
 * structures the Msg* and Connect* calls fill (QNX Neutrino 6 layouts,
 * 64-bit). Part of sys/neutrino.h.
 */
#pragma once
#ifndef __KERNEL__
#include <signal.h>
#include <sys/uio.h>
typedef struct iovec iov_t;
/* A function, not QNX's macro, so that SETIOV(&iov[n++], ...) evaluates
 * its argument once. */
static inline void SETIOV(iov_t *iov, const void *addr, size_t len)
{
	iov->iov_base = (void *)addr;
	iov->iov_len = len;
}
#define GETIOVBASE(_iov) ((_iov)->iov_base)
#define GETIOVLEN(_iov) ((_iov)->iov_len)
#else
typedef struct {
	uint64_t iov_base;
	uint64_t iov_len;
} iov_t;
#endif

#define ND_LOCAL_NODE 0
#define _NTO_SIDE_CHANNEL 0x40000000
#define _NTO_GLOBAL_CHANNEL _NTO_SIDE_CHANNEL

/* Every process is born with this side-channel connection to procnto's
 * first channel (pid 1, chid 1): the path and process manager. */
#define SYSMGR_PID 1
#define SYSMGR_CHID 1
#define SYSMGR_COID _NTO_SIDE_CHANNEL

/* ChannelCreate() flags */
#define _NTO_CHF_FIXED_PRIORITY 0x0001
#define _NTO_CHF_UNBLOCK 0x0002
#define _NTO_CHF_THREAD_DEATH 0x0004
#define _NTO_CHF_DISCONNECT 0x0008
#define _NTO_CHF_NET_MSG 0x0010
#define _NTO_CHF_SENDER_LEN 0x0020
#define _NTO_CHF_COID_DISCONNECT 0x0040
#define _NTO_CHF_REPLY_LEN 0x0080

/* ConnectAttach() / ConnectFlags() flags */
#define _NTO_COF_CLOEXEC 0x0001
#define _NTO_COF_DEAD 0x0002

/* _msg_info.flags */
#define _NTO_MI_ENDIAN_BIG 0x0001
#define _NTO_MI_ENDIAN_DIFF 0x0002
#define _NTO_MI_UNBLOCK_REQ 0x0100

/* Pulse codes: 0.._PULSE_CODE_MAXAVAIL are the user's; negative ones the kernel's. */
#define _PULSE_TYPE 0
#define _PULSE_SUBTYPE 0
#define _PULSE_CODE_MINAVAIL 0
#define _PULSE_CODE_MAXAVAIL 127
#define _PULSE_CODE_UNBLOCK (-32)
#define _PULSE_CODE_DISCONNECT (-33)
#define _PULSE_CODE_THREADDEATH (-34)
#define _PULSE_CODE_COIDDEATH (-35)

/* The fields MsgReceive/MsgInfo fill for a message, and ConnectServerInfo
 * for a connection (QNX uses one layout for both). */
#define _NTO_MSG_INFO_FIELDS                                                               \
	uint32_t nd;                                                                       \
	uint32_t srcnd;                                                                    \
	int32_t pid;                                                                       \
	int32_t tid;                                                                       \
	int32_t chid;                                                                      \
	int32_t scoid;                                                                     \
	int32_t coid;                                                                      \
	int32_t msglen;                                                                    \
	int32_t srcmsglen;                                                                 \
	int32_t dstmsglen;                                                                 \
	int16_t priority;                                                                  \
	int16_t flags;                                                                     \
	uint32_t reserved

struct _msg_info {
	_NTO_MSG_INFO_FIELDS;
};

struct _server_info {
	_NTO_MSG_INFO_FIELDS;
};

struct _cred_info {
	uint32_t ruid, euid, suid;
	uint32_t rgid, egid, sgid;
	uint32_t ngroups;
	uint32_t grouplist[8];
};

struct _client_info {
	uint32_t nd;
	int32_t pid;
	int32_t sid;
	uint32_t flags;
	struct _cred_info cred;
};

/* What MsgReceive() stores for a pulse (returns 0). */
struct _pulse {
	uint16_t type;
	uint16_t subtype;
	int8_t code;
	uint8_t zero[3];
	union {
		int sival_int;
		void *sival_ptr;
		uint64_t sival_u64;
	} value;
	int32_t scoid;
	int32_t reserved;
};

/*
 * Events (struct sigevent). The user ABI is musl's 64-byte struct sigevent;
 * the QNX event types without a Linux equivalent get values Linux does not
 * use, and their extra fields live in its padding:
 *   offset 0  sigev_value      offset 8  sigev_signo (= coid for pulses, id for interrupts)
 *   offset 12 sigev_notify     offset 16 thread id (SIGEV_THREAD_ID)
 *   offset 20 code (short)     offset 22 priority (short)
 */
#define SIGEV_SIGNAL_NTO 0 /* = Linux SIGEV_SIGNAL (the kernel sees no <signal.h>) */
#define SIGEV_NONE_NTO 1   /* = Linux SIGEV_NONE */
#define SIGEV_PULSE 0x10
#define SIGEV_UNBLOCK 0x11
#define SIGEV_INTR 0x12
#define SIGEV_SIGNAL_CODE 0x13
#define SIGEV_SIGNAL_THREAD 4 /* = Linux SIGEV_THREAD_ID */
#define SIGEV_PULSE_PRIO_INHERIT (-1)

struct __attribute__((may_alias)) _sigevent_nto {
	uint64_t value;
	int32_t signo; /* signo, coid or id */
	int32_t notify;
	int32_t thread_id;
	int16_t code;
	int16_t priority;
	uint8_t pad[40];
};
_Static_assert(sizeof(struct _sigevent_nto) == 64, "sigevent layout");

#ifndef __KERNEL__
#define _SIGEV_NTO(e) ((struct _sigevent_nto *)(e))
#define sigev_coid sigev_signo
#define sigev_id sigev_signo
#define SIGEV_CODE(e) (_SIGEV_NTO(e)->code)
#define SIGEV_PRIORITY(e) (_SIGEV_NTO(e)->priority)
#define SIGEV_NONE_INIT(e) ((e)->sigev_notify = SIGEV_NONE)
#define SIGEV_UNBLOCK_INIT(e) ((e)->sigev_notify = SIGEV_UNBLOCK)
#define SIGEV_INTR_INIT(e) ((e)->sigev_notify = SIGEV_INTR)
#define SIGEV_SIGNAL_INIT(e, s) ((e)->sigev_notify = SIGEV_SIGNAL, (e)->sigev_signo = (s))
#define SIGEV_SIGNAL_CODE_INIT(e, s, v, c)                                                \
	((e)->sigev_notify = SIGEV_SIGNAL_CODE, (e)->sigev_signo = (s),                     \
	 (e)->sigev_value.sival_ptr = (void *)(uintptr_t)(v), SIGEV_CODE(e) = (short)(c))
#define SIGEV_SIGNAL_THREAD_INIT(e, s, v, c)                                              \
	((e)->sigev_notify = SIGEV_SIGNAL_THREAD, (e)->sigev_signo = (s),                   \
	 (e)->sigev_value.sival_ptr = (void *)(uintptr_t)(v), SIGEV_CODE(e) = (short)(c))
#define SIGEV_PULSE_INIT(e, c, p, cd, v)                                                  \
	((e)->sigev_notify = SIGEV_PULSE, (e)->sigev_coid = (c), SIGEV_PRIORITY(e) = (short)(p), \
	 SIGEV_CODE(e) = (short)(cd), (e)->sigev_value.sival_ptr = (void *)(uintptr_t)(v))
#endif
