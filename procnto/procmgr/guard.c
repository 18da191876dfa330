/*
 * Guarded processes (_PROCMGR_GUARD): a process asks procnto to start its
 * program again from the boot image when it dies. This is what keeps the
 * restart manager, which restarts everyone else, from being a single point
 * of failure. Restarts of one program are limited to PROCMGR_GUARD_BURST
 * per PROCMGR_GUARD_WINDOW_S seconds. Dispatch thread only.
 */
#include "procmgr/procmgr.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/neutrino.h>
#include <sys/wait.h>

#include "log.h"

#define HISTORY_MAX 8
#define SPAWNED_MAX 16
#define GUARD_ARGV_MAX 64

extern char **environ;

struct guard {
	struct guard *next;
	int32_t pid;
	uint16_t flags, argc;
	size_t data_len;
	char data[]; /* name NUL argv[0] NUL ... */
};

static struct guard *guards;

/* Restart times of each program, for the burst limit. */
static struct {
	char name[32];
	uint64_t times[PROCMGR_GUARD_BURST]; /* ring, CLOCK_MONOTONIC ns */
	unsigned next;
} history[HISTORY_MAX];

/* Processes this thread started: it reaps them itself when they end. */
static int32_t spawned[SPAWNED_MAX];

static struct guard **guard_find(int32_t pid)
{
	struct guard **pp = &guards;
	while (*pp && (*pp)->pid != pid)
		pp = &(*pp)->next;
	return pp;
}

/* Whether the program may be restarted now (and counts the restart). */
static int burst_allows(const char *name, uint64_t now)
{
	int slot = -1;
	for (int i = 0; i < HISTORY_MAX && slot < 0; i++)
		if (!strncmp(history[i].name, name, sizeof(history[i].name)))
			slot = i;
	for (int i = 0; i < HISTORY_MAX && slot < 0; i++)
		if (!history[i].name[0])
			slot = i;
	if (slot < 0)
		slot = 0;
	if (strncmp(history[slot].name, name, sizeof(history[slot].name))) {
		memset(&history[slot], 0, sizeof(history[slot]));
		strncpy(history[slot].name, name, sizeof(history[slot].name) - 1);
	}
	uint64_t oldest = history[slot].times[history[slot].next];
	uint64_t window = (uint64_t)PROCMGR_GUARD_WINDOW_S * 1000000000ull;
	if (oldest && now - oldest < window)
		return 0;
	history[slot].times[history[slot].next] = now ? now : 1;
	history[slot].next = (history[slot].next + 1) % PROCMGR_GUARD_BURST;
	return 1;
}

static void reap_own(int32_t pid)
{
	for (int i = 0; i < SPAWNED_MAX; i++) {
		if (spawned[i] == pid) {
			int st;
			ProcWait_r(pid, &st, _NTO_WAIT_NOHANG);
			spawned[i] = 0;
		}
	}
}

static void respawn(const struct guard *g)
{
	const char *argv[GUARD_ARGV_MAX + 1];
	const char *p = g->data;
	const char *name = p;
	p += strlen(p) + 1;
	for (unsigned i = 0; i < g->argc; i++) {
		argv[i] = p;
		p += strlen(p) + 1;
	}
	argv[g->argc] = NULL;
	uint64_t now = 0;
	ClockTime_r(_NTO_CLOCK_MONOTONIC, NULL, &now);
	if (!burst_allows(name, now)) {
		pn_log("%s died %d times in %d s: not restarted again", name, PROCMGR_GUARD_BURST,
		       PROCMGR_GUARD_WINDOW_S);
		return;
	}
	struct _image_spawn_attr attr = {.priority = 0, .policy = -1};
	int pid = ImageSpawn_r(name, (char *const *)argv, environ, &attr);
	if (pid < 0) {
		pn_log("cannot restart %s: %s", name, strerror(-pid));
		return;
	}
	pn_log("%s (pid %d) died: restarted as pid %d", name, (int)g->pid, pid);
	for (int i = 0; i < SPAWNED_MAX; i++) {
		if (!spawned[i]) {
			spawned[i] = pid;
			break;
		}
	}
}

void procmgr_guard_death(int32_t pid, int status)
{
	reap_own(pid);
	struct guard **pp = guard_find(pid);
	struct guard *g = *pp;
	if (!g)
		return;
	*pp = g->next;
	if (!(g->flags & PROCMGR_GUARD_ABNORMAL) || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		respawn(g);
	free(g);
}

/* Checks that data holds argc + 1 NUL-terminated strings exactly. */
static int data_valid(const char *data, size_t len, unsigned argc)
{
	size_t off = 0;
	for (unsigned i = 0; i <= argc; i++) {
		const char *nul = memchr(data + off, '\0', len - off);
		if (!nul)
			return 0;
		off = (size_t)(nul - data) + 1;
		if (off > len)
			return 0;
	}
	return off == len;
}

int procmgr_do_guard(resmgr_context_t *ctp)
{
	int e = resmgr_msg_load(ctp, sizeof(struct _procmgr_guard));
	if (e)
		return e;
	struct _procmgr_guard *m = (void *)ctp->msg;
	size_t len = m->data_len;
	unsigned argc = m->argc;
	uint16_t flags = m->flags;
	if (len > PROCMGR_GUARD_DATA_MAX || argc > GUARD_ARGV_MAX ||
	    (flags & ~PROCMGR_GUARD_ABNORMAL))
		return EINVAL;
	if ((e = resmgr_msg_load(ctp, sizeof(*m) + len)))
		return e;
	m = (void *)ctp->msg;
	if (!procmgr_sender_is_root(ctp))
		return EPERM;
	struct guard **pp = guard_find(ctp->info.pid);
	if (*pp) {
		struct guard *old = *pp;
		*pp = old->next;
		free(old);
	}
	if (argc == 0)
		return EOK;
	if (!data_valid(m->data, len, argc))
		return EINVAL;
	const char *name = m->data;
	size_t skip = strncmp(name, "/proc/boot/", 11) == 0 ? 11 : 0;
	if (strchr(name + skip, '/') || !name[skip])
		return EINVAL;
	struct guard *g = malloc(sizeof(*g) + len - skip);
	if (!g)
		return ENOMEM;
	g->pid = ctp->info.pid;
	g->flags = flags;
	g->argc = (uint16_t)argc;
	g->data_len = len - skip;
	memcpy(g->data, m->data + skip, len - skip);
	g->next = guards;
	guards = g;
	return EOK;
}
