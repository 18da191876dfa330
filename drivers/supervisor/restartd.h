/*
 * restartd, the restart manager: shared state of its files. One thread,
 * one dispatch loop (main.c); entities are configured by conf.c, started
 * by spawn.c, followed through their lives by entity.c (death, back-off,
 * restart, path wait, heartbeats), adopted after a restart of restartd by
 * adopt.c, shown and controlled through RESTART_PATH by status.c; sysmgr.c
 * talks to procnto (death events, death records, the guard); store.c keeps
 * the bytes entities leave for their next incarnation.
 */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include <sys/dispatch.h>
#include <sys/iofunc.h>

#include "restart_store.h"

#define ENTITY_MAX 32
#define ENTITY_NAME_MAX 32
#define ENTITY_PATH_MAX 256
#define ENTITY_ARGV_MAX 32
#define ENTITY_HIST 64 /* restart times kept for max-in-window */

/* Pulse codes on restartd's channel (RESTART_PULSE_HEARTBEAT is 1). */
#define PULSE_DEATH 2 /* procnto: PROCMGR_EVENT_DEATH, value = pid */
#define PULSE_PATH 3  /* procnto: PROCMGR_EVENT_PATHSPACE, value = server pid */
#define PULSE_TIMER 4 /* restartd's own deadline timer */

enum policy { POLICY_ALWAYS, POLICY_ABNORMAL, POLICY_NEVER };

enum estate {
	ST_STARTING, /* started, its path not served yet */
	ST_UP,       /* serving its path (or running, without a path) */
	ST_BACKOFF,  /* dead, restart due at deadline */
	ST_HUNG,     /* killed by restartd (hang, no path), death not seen yet */
	ST_DONE,     /* ended normally under policy=abnormal: left alone */
	ST_DEAD,     /* died under policy=never: left alone */
	ST_FAILED,   /* max restarts in the window reached: given up */
	ST_STOPPED,  /* restartd is shutting down */
};

struct entity {
	/* configuration (conf.c) */
	char name[ENTITY_NAME_MAX];
	char path[ENTITY_PATH_MAX]; /* "" = none */
	enum policy policy;
	unsigned max;               /* restarts allowed in window_s; 0 = no limit */
	unsigned window_s;
	unsigned backoff_ms;        /* first delay of a crash loop, doubled each time */
	unsigned backoff_max_ms;
	unsigned heartbeat_ms;      /* 0 = none */
	unsigned timeout_ms;        /* for the path to appear after a start */
	int argc;
	char *argv[ENTITY_ARGV_MAX + 1];

	/* life */
	int pid;                    /* current incarnation, 0 = none */
	bool own_child;             /* restartd started it (it reaps it) */
	enum estate state;
	unsigned restarts;          /* restarts done */
	unsigned failed;            /* failed recoveries (no path in time, start failed) */
	unsigned streak;            /* deaths in a row before being up */
	uint64_t hist[ENTITY_HIST]; /* restart times (ring) */
	unsigned hist_next;
	char reason[32];            /* last death reason, "" = none yet */
	const char *kill_reason;    /* set when restartd killed it itself */
	bool recovering;            /* the current start follows a death */
	uint64_t death_ns;          /* when the last incarnation ended */
	uint64_t start_ns;          /* when the current one started */
	uint64_t up_ns;             /* when it became up */
	bool came_up;               /* the current incarnation became up */
	uint64_t deadline_ns;       /* BACKOFF: restart; STARTING: give up waiting */
	uint64_t beat_ns;           /* last heartbeat */
	bool beating;               /* the current incarnation has sent one */
	int64_t recovery_us;        /* last recovery time, -1 = none */
	uint8_t store[RESTART_STORE_MAX]; /* left by an incarnation for the next (store.c) */
	uint16_t store_len;
};

extern struct entity entities[ENTITY_MAX];
extern int nentities;
extern int verbose; /* -1 quiet (-q), 0, 1+ (-v) */
extern bool use_imagespawn;
extern int child_prio, child_policy; /* restartd's own before it raised it; -1/0: unknown */
extern dispatch_t *dpp;

uint64_t now_ns(void);
__attribute__((format(printf, 1, 2))) void rd_log(const char *fmt, ...);

/* conf.c: parses one entry line into *e (defaults applied). 0, or -1 with
 * a message in err. */
int conf_parse_line(const char *line, struct entity *e, char *err, size_t errlen);
/* Reads a file of entry lines ('#' comments, blank lines). Count or -1. */
int conf_read_file(const char *file);
int conf_add_line(const char *line, const char *where);
const char *policy_name(enum policy p);
const char *state_name(enum estate s);

/* spawn.c: starts e's command; the pid, or -errno. */
int spawn_entity(struct entity *e);

/* entity.c */
void entity_start(struct entity *e);               /* first start or restart */
void entity_died(struct entity *e, int status, uint64_t when_ns, bool known);
void entity_path_changed(int32_t pid);             /* PROCMGR_EVENT_PATHSPACE */
void entity_heartbeat(int32_t pid);
void entity_deadlines(uint64_t now);               /* timer expiry */
uint64_t entity_next_deadline(void);               /* 0 = none */
struct entity *entity_by_pid(int32_t pid);
/* Checks the path of e against procnto; e becomes up if it is served by e->pid. */
void entity_check_path(struct entity *e);

/* adopt.c: e's running incarnation (after a restart of restartd): the
 * live process serving e's path / a live process running e's program
 * that no entity has yet. The pid, or 0. */
int adopt_by_path(struct entity *e);
int adopt_by_name(struct entity *e);
/* entity.c: e supervises pid, found running (not restartd's child). */
void entity_adopt(struct entity *e, int32_t pid);

/* sysmgr.c */
int sysmgr_register(int self_coid, int prio); /* death + pathspace events */
/* How pid ended: 0 with *status and *when_ns, or -errno. */
int sysmgr_death_info(int32_t pid, int *status, uint64_t *when_ns);
int sysmgr_guard(int argc, char **argv);      /* argc 0: stop guarding */

/* state.c: the -S argument (restartd's state for its next incarnation) */
int state_encode(char *buf, size_t cap);
/* Restores counts and settled states; keep[i] set for entities that must
 * be neither adopted nor started. */
void state_restore(const char *text, bool *keep);
/* main.c: tells procnto the argv to restart restartd with (state included). */
void guard_update(void);

/* store.c: _RESTART_STORE_SET/GET from ctp's sender (an errno, EOK or
 * _RESMGR_NOREPLY); the store dropped (crash loop); as text for the -S
 * state (hex, "-" for none: length or -1) and back. */
int store_msg(resmgr_context_t *ctp);
void store_drop(struct entity *e);
int store_encode(const struct entity *e, char *buf, size_t cap);
void store_decode(struct entity *e, const char *text);

/* status.c */
int status_init(dispatch_t *dpp);
void status_notify(int kind, const struct entity *e);
