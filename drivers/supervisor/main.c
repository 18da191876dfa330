/*
 * restartd: the restart manager (docs/restart.md). Supervises the servers
 * and drivers named in its configuration: starts them, learns of their
 * deaths from procnto's death events, restarts them by policy (always,
 * after an abnormal death, never; at most max restarts in a window;
 * exponential back-off for crash loops), waits for each restarted server's
 * path to be served again (procnto's pathspace events), measures the
 * recovery time, kills servers whose heartbeats stop, notifies watchers by
 * pulse, and shows its state at RESTART_PATH (/proc/restart).
 *
 * It cannot be the single point of failure: it asks procnto to start it
 * again if it dies (_PROCMGR_GUARD), and at start it adopts the entities
 * that still run instead of starting them twice.
 *
 * Usage: restartd [-q|-v] [-I] [-p prio] [-P prio] [-f file]... [-e 'entry']...
 *   -f file   entry lines from file (e.g. /proc/boot/restart.conf)
 *   -e entry  one entry line
 *   -p prio   restartd's priority (default 40): above the servers it
 *             watches, so that a server spinning in a loop cannot starve it
 *   -P prio   the priority of the programs it starts (default: the one
 *             restartd was started with; passed on when procnto restarts
 *             restartd, so that restarted drivers keep their priority)
 *   -I        start programs with ImageSpawn (boot image only) rather than
 *             vfork + execve
 *   -q        say only what goes wrong (no line per death and recovery)
 *   -v        say more
 *   -S state  restartd's state when procnto restarts it (state.c; not for
 *             people)
 * One thread: every handler runs in the dispatch loop below. restartd
 * closes its standard descriptors first: it must never wait on a server it
 * may have to restart (the console driver above all); its messages go to
 * the kernel console instead.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/neutrino.h>
#include <sys/restart.h>
#include <unistd.h>

#include "restartd.h"

#define DEFAULT_PRIO 40

int verbose;
bool use_imagespawn;
int child_prio, child_policy = -1;
dispatch_t *dpp;
static int timer_id = -1;

uint64_t now_ns(void)
{
	uint64_t t = 0;
	ClockTime_r(_NTO_CLOCK_MONOTONIC, NULL, &t);
	return t;
}

void rd_log(const char *fmt, ...)
{
	char buf[256];
	int n = snprintf(buf, sizeof(buf), "restartd: ");
	va_list ap;
	va_start(ap, fmt);
	int m = vsnprintf(buf + n, sizeof(buf) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	size_t len = (size_t)n + (m < 0 ? 0 : (size_t)m);
	if (len > sizeof(buf) - 2)
		len = sizeof(buf) - 2;
	buf[len++] = '\n';
	write(1, buf, len);
}

static int on_death(message_context_t *ctp, int code, unsigned flags, void *handle)
{
	int32_t pid = ctp->msg->pulse.value.sival_int;
	struct entity *e = entity_by_pid(pid);
	if (!e)
		return 0;
	int status = 0;
	uint64_t when = 0;
	bool known = sysmgr_death_info(pid, &status, &when) == 0;
	entity_died(e, status, when, known);
	return 0;
}

static int on_path(message_context_t *ctp, int code, unsigned flags, void *handle)
{
	entity_path_changed(ctp->msg->pulse.value.sival_int);
	return 0;
}

static int on_beat(message_context_t *ctp, int code, unsigned flags, void *handle)
{
	entity_heartbeat(ctp->msg->pulse.value.sival_int);
	return 0;
}

static int on_timer(message_context_t *ctp, int code, unsigned flags, void *handle)
{
	entity_deadlines(now_ns());
	return 0;
}

/* Arms the timer for the nearest deadline (or disarms it). */
static void timer_arm(void)
{
	uint64_t next = entity_next_deadline(), now = now_ns();
	struct _itimer it = {0, 0};
	if (next)
		it.nsec = next > now ? next - now : 1;
	TimerSettime_r(timer_id, 0, &it, NULL);
}

static void usage(void)
{
	fprintf(stderr, "usage: restartd [-q|-v] [-I] [-p prio] [-P prio] [-f file]... [-e 'entry']...\n");
	exit(2);
}

static int set_prio(int prio)
{
	struct sched_param sp = {.sched_priority = prio};
	return SchedSet_r(0, 0, _NTO_SCHED_RR, &sp);
}

/* Adopts what already runs, starts the rest. */
static void start_all(const bool *keep)
{
	bool adopted[ENTITY_MAX] = {false};
	for (int i = 0; i < nentities; i++) {
		if (keep[i]) {
			adopted[i] = true; /* settled before: leave it so */
			continue;
		}
		int pid = adopt_by_path(&entities[i]);
		if (pid) {
			entity_adopt(&entities[i], pid);
			adopted[i] = true;
		}
	}
	for (int i = 0; i < nentities; i++) {
		if (adopted[i])
			continue;
		int pid = adopt_by_name(&entities[i]);
		if (pid)
			entity_adopt(&entities[i], pid);
		else
			entity_start(&entities[i]);
	}
}

static int main_argc;
static char **main_argv;
static bool have_P;

/* Asks procnto to restart restartd with the same arguments, plus -P with
 * the priority for started programs unless given, and -S with the state. */
void guard_update(void)
{
	static char *args[ENTITY_MAX * 2 + 16];
	static char prio[16], state[ENTITY_MAX * 96];
	int n = 0;
	for (int i = 0; i < main_argc && n < (int)(sizeof(args) / sizeof(args[0])) - 5; i++) {
		if (!strcmp(main_argv[i], "-S") && i + 1 < main_argc) {
			i++;
			continue;
		}
		args[n++] = main_argv[i];
	}
	if (!have_P && child_prio > 0) {
		snprintf(prio, sizeof(prio), "%d", child_prio);
		args[n++] = "-P";
		args[n++] = prio;
	}
	if (state_encode(state, sizeof(state)) == 0) {
		args[n++] = "-S";
		args[n++] = state;
	}
	args[n] = NULL;
	int r = sysmgr_guard(n, args);
	static bool said;
	if (r < 0 && !said) {
		said = true;
		rd_log("procnto will not restart restartd: %s", strerror(-r));
	}
}

int main(int argc, char **argv)
{
	int prio = DEFAULT_PRIO, fixed_child_prio = 0;
	const char *state = NULL;
	main_argc = argc;
	main_argv = argv;
	for (int fd = 0; fd < 3; fd++)
		close(fd);
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-v")) {
			verbose++;
		} else if (!strcmp(argv[i], "-q")) {
			verbose = -1;
		} else if (!strcmp(argv[i], "-I")) {
			use_imagespawn = true;
		} else if (!strcmp(argv[i], "-p") && i + 1 < argc) {
			prio = atoi(argv[++i]);
		} else if (!strcmp(argv[i], "-P") && i + 1 < argc) {
			fixed_child_prio = atoi(argv[++i]);
			have_P = true;
		} else if (!strcmp(argv[i], "-S") && i + 1 < argc) {
			state = argv[++i];
		} else if (!strcmp(argv[i], "-f") && i + 1 < argc) {
			if (conf_read_file(argv[++i]) < 0)
				return 1;
		} else if (!strcmp(argv[i], "-e") && i + 1 < argc) {
			if (conf_add_line(argv[++i], "-e") < 0)
				return 1;
		} else {
			usage();
		}
	}
	if (nentities == 0) {
		rd_log("nothing to supervise");
		usage();
	}
	struct sched_param own;
	int pol = SchedGet_r(0, 0, &own);
	if (pol >= 0) {
		child_policy = pol;
		child_prio = own.sched_priority;
	}
	if (fixed_child_prio > 0)
		child_prio = fixed_child_prio;
	if (prio > 0 && set_prio(prio) < 0)
		rd_log("cannot run at priority %d", prio);

	/* fixed priority: deaths, deadlines and requests are all handled at
	 * restartd's own priority, whoever sent them */
	int chid = ChannelCreate_r(_NTO_CHF_UNBLOCK | _NTO_CHF_DISCONNECT | _NTO_CHF_FIXED_PRIORITY);
	dpp = chid < 0 ? NULL : dispatch_create_channel(chid, 0);
	int self = chid < 0 ? -1 : ConnectAttach_r(0, 0, chid, _NTO_SIDE_CHANNEL, 0);
	if (!dpp || self < 0) {
		rd_log("cannot create a channel");
		return 1;
	}
	struct sigevent tev;
	memset(&tev, 0, sizeof(tev));
	SIGEV_PULSE_INIT(&tev, self, prio > 0 ? prio : SIGEV_PULSE_PRIO_INHERIT, PULSE_TIMER, 0);
	timer_id = TimerCreate_r(_NTO_CLOCK_MONOTONIC, &tev);
	if (timer_id < 0 || pulse_attach(dpp, 0, PULSE_DEATH, on_death, NULL) < 0 ||
	    pulse_attach(dpp, 0, PULSE_PATH, on_path, NULL) < 0 ||
	    pulse_attach(dpp, 0, RESTART_PULSE_HEARTBEAT, on_beat, NULL) < 0 ||
	    pulse_attach(dpp, 0, PULSE_TIMER, on_timer, NULL) < 0) {
		rd_log("cannot set up the timer and pulses");
		return 1;
	}
	if (status_init(dpp) < 0) {
		rd_log("cannot attach %s: %s", RESTART_PATH, strerror(errno));
		return 1;
	}
	int r = sysmgr_register(self, prio > 0 ? prio : SIGEV_PULSE_PRIO_INHERIT);
	if (r < 0) {
		rd_log("cannot register for death events: %s", strerror(-r));
		return 1;
	}
	bool keep[ENTITY_MAX] = {false};
	if (state)
		state_restore(state, keep);
	dispatch_context_t *ctp = dispatch_context_alloc(dpp);
	if (!ctp) {
		rd_log("out of memory");
		return 1;
	}
	guard_update();
	start_all(keep);
	guard_update();
	if (verbose > 0)
		rd_log("supervising %d entities", nentities);
	for (;;) {
		timer_arm();
		if (dispatch_block(ctp))
			dispatch_handler(ctp);
	}
}
