/*
 * An entity's life: start, up (its path is served again), death, the
 * policy's decision, back-off, restart; hang detection by heartbeats and
 * the path-wait timeout. Driven by main.c's loop from procnto's events
 * (death, pathspace), heartbeat pulses and one deadline timer: nothing here
 * polls.
 *
 * Back-off: a death of an incarnation that never came up (or, without a
 * path, lived less than a second) extends a streak; the restart after the
 * n-th death of a streak waits backoff << (n - 1) ms (capped at
 * backoff_max); the first death after being up restarts at once.
 * max restarts in window seconds (max > 0): one more death and the entity
 * is given up (state failed). Recovery time: from the moment the kernel
 * recorded the death to the moment procnto shows the new incarnation
 * serving the path (for entities without a path: to the new start).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/pathfind.h>
#include <sys/restart.h>
#include <sys/wait.h>

#include "restartd.h"

#define MS 1000000ull
#define STABLE_NS (1000 * MS) /* "up" for an entity without a path */
#define START_RETRY_MS 100      /* least delay after a failed start */

static const char *signame(int sig)
{
	static const char *const n[] = {
		[SIGHUP] = "SIGHUP",   [SIGINT] = "SIGINT",   [SIGQUIT] = "SIGQUIT",
		[SIGILL] = "SIGILL",   [SIGTRAP] = "SIGTRAP", [SIGABRT] = "SIGABRT",
		[SIGBUS] = "SIGBUS",   [SIGFPE] = "SIGFPE",   [SIGKILL] = "SIGKILL",
		[SIGUSR1] = "SIGUSR1", [SIGSEGV] = "SIGSEGV", [SIGUSR2] = "SIGUSR2",
		[SIGPIPE] = "SIGPIPE", [SIGALRM] = "SIGALRM", [SIGTERM] = "SIGTERM",
		[SIGSYS] = "SIGSYS",
	};
	if (sig > 0 && sig < (int)(sizeof(n) / sizeof(n[0])) && n[sig])
		return n[sig];
	return NULL;
}

static void reason_set(struct entity *e, int status, bool known)
{
	const char *s;
	if (e->kill_reason)
		snprintf(e->reason, sizeof(e->reason), "%s", e->kill_reason);
	else if (!known)
		snprintf(e->reason, sizeof(e->reason), "unknown");
	else if (WIFSIGNALED(status) && (s = signame(WTERMSIG(status))))
		snprintf(e->reason, sizeof(e->reason), "%s", s);
	else if (WIFSIGNALED(status))
		snprintf(e->reason, sizeof(e->reason), "signal%d", WTERMSIG(status));
	else
		snprintf(e->reason, sizeof(e->reason), "exit%d", WEXITSTATUS(status));
}

struct entity *entity_by_pid(int32_t pid)
{
	if (pid <= 0)
		return NULL;
	for (int i = 0; i < nentities; i++)
		if (entities[i].pid == pid)
			return &entities[i];
	return NULL;
}

static void become_up(struct entity *e, uint64_t now)
{
	e->state = ST_UP;
	e->up_ns = now;
	e->came_up = true;
	e->beat_ns = now; /* a hang is counted from here at the earliest */
	if (e->recovering) {
		e->recovery_us = (int64_t)((now - e->death_ns) / 1000);
		e->recovering = false;
		if (verbose >= 0)
			rd_log("%s: back, pid %d, recovered in %lld us", e->name, e->pid,
		       (long long)e->recovery_us);
		status_notify(RESTART_EV_RECOVERED, e);
		guard_update();
	} else if (verbose > 0) {
		rd_log("%s: up, pid %d", e->name, e->pid);
	}
}

void entity_check_path(struct entity *e)
{
	if (e->state != ST_STARTING || !e->pid)
		return;
	struct _io_connect_entry ent[16];
	int n = resmgr_path_servers(e->path, ent, 16);
	for (int i = 0; i < n; i++) {
		if (ent[i].pid == e->pid) {
			become_up(e, now_ns());
			return;
		}
	}
}

void entity_adopt(struct entity *e, int32_t pid)
{
	uint64_t now = now_ns();
	e->pid = pid;
	e->own_child = false;
	e->start_ns = now;
	e->beat_ns = now;
	e->came_up = false;
	e->beating = false;
	if (verbose >= 0)
		rd_log("%s: adopted running pid %d", e->name, pid);
	if (e->path[0]) {
		e->state = ST_STARTING;
		e->deadline_ns = now + (uint64_t)e->timeout_ms * MS;
		entity_check_path(e);
	} else {
		become_up(e, now);
	}
}

/* Restart times within the window. */
static unsigned restarts_in_window(const struct entity *e, uint64_t now)
{
	unsigned count = 0;
	uint64_t window = (uint64_t)e->window_s * 1000 * MS;
	for (int i = 0; i < ENTITY_HIST; i++)
		if (e->hist[i] && now - e->hist[i] < window)
			count++;
	return count;
}

void entity_start(struct entity *e)
{
	uint64_t now = now_ns();
	e->kill_reason = NULL;
	e->came_up = false;
	e->beating = false;
	int pid = spawn_entity(e);
	if (pid < 0) {
		rd_log("%s: cannot start %s: %s", e->name, e->argv[0], strerror(-pid));
		e->failed++;
		snprintf(e->reason, sizeof(e->reason), "start:%s", strerror(-pid));
		status_notify(RESTART_EV_FAILED, e);
		/* as a death that never came up: retried after a back-off */
		e->pid = 0;
		e->state = ST_STARTING;
		entity_died(e, 0, now, false);
		return;
	}
	e->pid = pid;
	e->own_child = true;
	e->start_ns = now;
	e->beat_ns = now;
	if (e->path[0]) {
		e->state = ST_STARTING;
		e->deadline_ns = now + (uint64_t)e->timeout_ms * MS;
		entity_check_path(e); /* maybe it is quick */
	} else {
		become_up(e, now);
	}
}

/* The policy's decision after a death of e. */
static void after_death(struct entity *e, bool abnormal, bool was_up, bool spawned,
			uint64_t now)
{
	if (e->state == ST_STOPPED)
		return;
	if (e->policy == POLICY_NEVER) {
		e->state = ST_DEAD;
		return;
	}
	if (e->policy == POLICY_ABNORMAL && !abnormal) {
		e->state = ST_DONE;
		return;
	}
	if (e->max && restarts_in_window(e, now) >= e->max) {
		rd_log("%s: %u restarts in %u s: giving up", e->name, e->max, e->window_s);
		e->state = ST_FAILED;
		status_notify(RESTART_EV_FAILED, e);
		return;
	}
	e->streak = was_up ? 0 : e->streak + 1;
	if (e->streak >= 2)
		store_drop(e); /* what it stored may be what kills it */
	uint64_t delay = 0;
	if (e->streak) {
		unsigned shift = e->streak - 1 < 20 ? e->streak - 1 : 20;
		delay = (uint64_t)e->backoff_ms << shift;
		if (delay > e->backoff_max_ms)
			delay = e->backoff_max_ms;
	}
	if (!spawned && delay < START_RETRY_MS)
		delay = START_RETRY_MS; /* a command that cannot start: no busy loop */
	e->hist[e->hist_next] = now;
	e->hist_next = (e->hist_next + 1) % ENTITY_HIST;
	e->restarts++;
	e->recovering = true;
	if (delay == 0) {
		entity_start(e);
	} else {
		e->state = ST_BACKOFF;
		e->deadline_ns = now + delay * MS;
		if (verbose > 0)
			rd_log("%s: restart in %llu ms", e->name, (unsigned long long)delay);
	}
}

void entity_died(struct entity *e, int status, uint64_t when_ns, bool known)
{
	uint64_t now = now_ns();
	bool spawned = e->pid != 0;
	uint64_t end = known && when_ns ? when_ns : now;
	bool was_up = e->came_up && (e->path[0] || end - e->start_ns >= STABLE_NS);
	if (spawned) {
		reason_set(e, status, known);
		if (e->own_child) {
			int st;
			waitpid(e->pid, &st, WNOHANG);
		}
		e->death_ns = end;
	} else {
		e->death_ns = e->death_ns ? e->death_ns : now;
	}
	int dead = e->pid;
	e->pid = 0;
	bool abnormal = e->kill_reason || !spawned || !known || !WIFEXITED(status) ||
			WEXITSTATUS(status) != 0;
	/* restart first: the console line and the watchers can wait */
	after_death(e, abnormal, was_up, spawned, now);
	if (spawned) {
		if (e->state != ST_STOPPED && verbose >= 0)
			rd_log("%s: pid %d died (%s)%s", e->name, dead, e->reason,
			       e->pid ? ", restarted" : "");
		status_notify(RESTART_EV_DEATH, e);
	}
	guard_update();
}

void entity_path_changed(int32_t pid)
{
	struct entity *e = entity_by_pid(pid);
	if (e && e->state == ST_STARTING)
		entity_check_path(e);
}

void entity_heartbeat(int32_t pid)
{
	struct entity *e = entity_by_pid(pid);
	if (e) {
		e->beat_ns = now_ns();
		e->beating = true;
	}
}

static void kill_as(struct entity *e, const char *why, enum estate st)
{
	e->kill_reason = why;
	e->state = st;
	if (kill(e->pid, SIGKILL) < 0 && errno == ESRCH)
		rd_log("%s: pid %d is gone already", e->name, e->pid);
}

/* When e's heartbeat is overdue (3 periods), or 0. Only once the
 * incarnation has sent its first beat: a process restartd adopted may have
 * been started without RESTART_ENV_HEARTBEAT and never beat at all. */
static uint64_t beat_deadline(const struct entity *e)
{
	if (!e->heartbeat_ms || e->state != ST_UP || !e->pid || !e->beating)
		return 0;
	return e->beat_ns + 3ull * e->heartbeat_ms * MS + MS;
}

void entity_deadlines(uint64_t now)
{
	for (int i = 0; i < nentities; i++) {
		struct entity *e = &entities[i];
		uint64_t hb = beat_deadline(e);
		if (e->state == ST_BACKOFF && now >= e->deadline_ns) {
			entity_start(e);
		} else if (e->state == ST_STARTING && e->pid && now >= e->deadline_ns) {
			rd_log("%s: pid %d does not serve %s after %u ms: killed", e->name, e->pid,
			       e->path, e->timeout_ms);
			e->failed++;
			status_notify(RESTART_EV_FAILED, e);
			kill_as(e, "no-path", ST_HUNG);
		} else if (hb && now >= hb) {
			rd_log("%s: pid %d missed 3 heartbeats: killed as hung", e->name, e->pid);
			kill_as(e, "hang", ST_HUNG);
		}
	}
}

uint64_t entity_next_deadline(void)
{
	uint64_t next = 0;
	for (int i = 0; i < nentities; i++) {
		const struct entity *e = &entities[i];
		uint64_t d = 0;
		if (e->state == ST_BACKOFF || (e->state == ST_STARTING && e->pid))
			d = e->deadline_ns;
		else
			d = beat_deadline(e);
		if (d && (!next || d < next))
			next = d;
	}
	return next;
}
