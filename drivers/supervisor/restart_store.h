/*
 * restartd's store: a few bytes an entity leaves with restartd so that its
 * next incarnation can take them back after a crash (docs/restart.md,
 * "State that survives a restart"). devc-ser8250 keeps its terminal
 * settings there. The messages go to restartd's channel (the one serving
 * RESTART_PATH, <sys/restart.h>) and are answered by store.c; the client
 * side is store_client.c, linked into the servers that use it.
 *
 * _RESTART_STORE_SET  struct _restart_store + len bytes: replaces what the
 *     sender's entity has stored (len 0: clears it). Status 0; ENOENT when
 *     the sender is not the current incarnation of one of restartd's
 *     entities; EMSGSIZE above RESTART_STORE_MAX.
 * _RESTART_STORE_GET  struct _restart_store (len: the room the caller has):
 *     the reply is the stored bytes and the status their number (0:
 *     nothing stored); ENOENT as above.
 *
 * The bytes live in restartd's memory and in the state it hands to its own
 * next incarnation (state.c): they survive the entity's deaths and
 * restartd's. restartd drops them when two incarnations in a row die before
 * serving their path (the stored bytes may be what kills them).
 */
#pragma once
#include <stddef.h>
#include <stdint.h>
#include <sys/restart.h>

#define RESTART_STORE_MAX 128

struct _restart_store {
	uint16_t type; /* _RESTART_STORE_SET / _RESTART_STORE_GET */
	uint16_t zero;
	uint32_t len;  /* SET: bytes that follow; GET: the caller's room */
};

/* store_client.c. Both wait at most about 200 ms for restartd (a hung
 * restartd must not hang the caller) and look restartd up again after it
 * was restarted. */
/* Saves len bytes for the caller's entity: 0 or -errno (-ENOENT: no
 * restartd, or the caller is none of its entities). */
int restart_store_put(const void *data, size_t len);
/* What the caller's entity stored (an earlier incarnation): the number of
 * bytes copied to buf (0: nothing), or -errno. */
int restart_store_get(void *buf, size_t cap);
