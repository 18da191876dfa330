/*
 * The message devc-ser8250 sends, when started with -r <pid>:<chid>, to
 * that channel once it serves requests: its channel and the resmgr_attach
 * ids of its names, so a client can connect without the path manager
 * (ConnectAttach to pid/chid, _IO_CONNECT with handle = id and path "").
 * Used by tests (tests/kernel/serial) and harnesses; the reply is empty.
 */
#pragma once
#include <stdint.h>

#define SER_READY_TAG "devc-ser"

enum { SER_NAME_SER, SER_NAME_CONSOLE, SER_NAME_TTY, SER_NAMES };

struct ser_ready {
	char tag[8];             /* SER_READY_TAG, NUL-padded */
	int32_t chid;            /* the driver's channel */
	int32_t ids[SER_NAMES];  /* attach ids of /dev/serN, /dev/console, /dev/tty (-1: none) */
	int32_t path_errno;      /* 0: the names are in the path space; else why not */
};
