/*
 * The client side of restartd's protocol (<sys/restart.h>), shared by
 * restartctl, faultinj and the tests: reading RESTART_PATH into records,
 * connecting to restartd's channel, watching its events, stopping it.
 * Functions return >= 0 or -errno.
 */
#pragma once
#include <stdint.h>

struct rc_entry {
	char name[32];
	int pid;              /* 0: none */
	unsigned restarts;
	char reason[32];      /* "-": none yet */
	long long recovery_us; /* -1: none yet */
	char state[16];
	unsigned failed;
	char path[256];       /* "-": none */
};

/* Reads restartd's status file: up to max entries, returns how many. */
int rc_status(struct rc_entry *e, int max);
/* The entry named name (0), -ENOENT, or a read error. */
int rc_find(const char *name, struct rc_entry *out);
/* A side-channel connection to restartd's channel. */
int rc_connect(void);
/* Registers for restart events (flags: 1 << RESTART_EV_*) delivered as
 * pulses with code on connection pulse_coid (one of the caller's, to its
 * own channel); flags 0 unregisters. */
int rc_watch(int coid, int pulse_coid, int code, uint32_t flags);
/*
 * A program waiting for restartd's events: its own channel, and its
 * registration with the restartd serving RESTART_PATH now, made again by
 * rc_watcher_follow() when that is a new restartd (a restarted one has
 * forgotten it). Failing is fine: waits then just time out.
 */
struct rc_watcher {
	int chid, self_coid, watch_coid; /* -1 until set up */
	int restartd_pid;                /* the one registered with, -1: none */
};
#define RC_WATCHER_INIT {-1, -1, -1, -1}
void rc_watcher_follow(struct rc_watcher *w, int code, uint32_t flags);
/* Waits up to ns for an event pulse (or just ns without a channel). */
void rc_watcher_wait(struct rc_watcher *w, uint64_t ns);
/* Stops restartd (flags: RESTART_SHUTDOWN_*). */
int rc_shutdown(int coid, uint32_t flags);
