/*
 * faultinj: the fault injector. Makes a server supervised by restartd die
 * N times in a row, by SIGKILL or by a fault inside the server (a fault
 * point of the resmgr library, <sys/faultpoint.h>: wild write, NULL
 * write, illegal instruction, abort, endless loop caught by heartbeats),
 * at random moments, waits each time for restartd to bring it back, and
 * reports: faults injected, whether the kernel survived, recoveries,
 * failed recoveries, recovery time min/median/max (restartd's figures:
 * from the death to the path being served again).
 *
 * Usage: faultinj -n N [-k kind] [-i MS[-MS]] [-w now|io|mix] [-t MS] [-s seed]
 *                 [-v] entity-name-or-pid
 *   -k kill|segv|null|ill|abort|loop|random|all   (default kill; random:
 *      any but loop; all: any, loop included, which needs heartbeats)
 *   -i interval before each fault, fixed or a random range (default 100)
 *   -w io  the fault fires while the server handles its next I/O request
 *          (its client is then blocked on a dying server); default: now;
 *          mix: now or io at random for each fault (a kill is always now)
 *   -t how long to wait for a recovery (default 10000 ms)
 * The target is an entity of restartd's table, or the pid of one. Exit
 * status 0 when every fault was injected and recovered from.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/faultpoint.h>
#include <sys/neutrino.h>
#include <sys/pathfind.h>
#include <sys/restart.h>
#include <time.h>
#include <unistd.h>

#include "client.h"

#define WATCH_CODE 6
enum { K_KILL, K_SEGV, K_NULL, K_ILL, K_ABORT, K_LOOP, NKINDS };
static const char *const kind_names[NKINDS] = {"kill", "segv", "null", "ill", "abort", "loop"};
static const int fault_of[NKINDS] = {0, FAULTPOINT_WILD, FAULTPOINT_NULL, FAULTPOINT_ILL,
				     FAULTPOINT_ABORT, FAULTPOINT_LOOP};

static int verbose;
static uint64_t rng;
static struct rc_watcher watcher = RC_WATCHER_INIT;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static uint64_t now_ns(void)
{
	uint64_t t = 0;
	ClockTime_r(_NTO_CLOCK_MONOTONIC, NULL, &t);
	return t;
}

/* The target's entry: by name, or the entity whose pid is the number. */
static int find_target(const char *t, struct rc_entry *out)
{
	char *end;
	long pid = strtol(t, &end, 10);
	if (*end || end == t)
		return rc_find(t, out);
	static struct rc_entry all[64];
	int n = rc_status(all, 64);
	for (int i = 0; i < n; i++) {
		if (all[i].pid == pid) {
			*out = all[i];
			return 0;
		}
	}
	return n < 0 ? n : -ENOENT;
}

/* Waits until the entity is up with a pid other than old (0: any) after
 * more than restarts restarts (-1: any). 0, or -ETIMEDOUT / -EPIPE (given
 * up on: failed, dead, done). */
static int wait_up(const char *name, int old, long restarts, unsigned timeout_ms,
		   struct rc_entry *e)
{
	uint64_t end = now_ns() + (uint64_t)timeout_ms * 1000000u;
	for (;;) {
		int r = rc_find(name, e);
		if (r == 0 && !strcmp(e->state, "up") && e->pid && e->pid != old &&
		    (restarts < 0 || (long)e->restarts > restarts))
			return 0;
		if (r == 0 && (!strcmp(e->state, "failed") || !strcmp(e->state, "dead") ||
			       !strcmp(e->state, "done")))
			return -EPIPE;
		if (now_ns() >= end)
			return -ETIMEDOUT;
		rc_watcher_follow(&watcher, WATCH_CODE, RESTART_WATCH_ALL);
		rc_watcher_wait(&watcher, 10000000u);
	}
}

static int inject(int kind, const struct rc_entry *e, uint32_t flags)
{
	if (kind == K_KILL)
		return kill(e->pid, SIGKILL) < 0 ? -errno : 0;
	struct _io_connect_entry ent[16];
	int n = strcmp(e->path, "-") ? resmgr_path_servers(e->path, ent, 16) : -ENOENT;
	int coid = -ESRCH;
	for (int i = 0; i < n; i++)
		if (ent[i].pid == e->pid)
			coid = ConnectAttach_r(0, ent[i].pid, ent[i].chid, _NTO_SIDE_CHANNEL, 0);
	if (coid < 0)
		return coid;
	struct _faultpoint m = {.type = _FAULTPOINT_MSG, .kind = (uint16_t)fault_of[kind],
				.flags = flags};
	long r = MsgSend_r(coid, &m, sizeof(m), NULL, 0);
	ConnectDetach_r(coid);
	if (r == -ESRCH)
		r = 0; /* it died before the reply got out: injected all the same */
	return r < 0 ? (int)r : 0;
}

static int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;
	return x < y ? -1 : x > y;
}

static void usage(void)
{
	fprintf(stderr, "usage: faultinj -n N [-k kill|segv|null|ill|abort|loop|random|all] "
			"[-i MS[-MS]] [-w now|io|mix] [-t MS] [-s seed] [-v] entity-or-pid\n");
	exit(2);
}

int main(int argc, char **argv)
{
	long count = 1;
	int kind = K_KILL, mode = 0; /* mode 1: random (no loop), 2: all */
	unsigned imin = 100, imax = 100, timeout = 10000;
	uint32_t flags = 0;
	int mix = 0; /* -w mix: FAULTPOINT_F_NEXT_IO or not, at random */
	rng = ClockCycles() | 1;
	setvbuf(stdout, NULL, _IOLBF, 0);
	int opt;
	while ((opt = getopt(argc, argv, "n:k:i:w:t:s:v")) != -1) {
		switch (opt) {
		case 'n': count = atol(optarg); break;
		case 'k':
			if (!strcmp(optarg, "random")) {
				mode = 1;
			} else if (!strcmp(optarg, "all")) {
				mode = 2;
			} else {
				kind = -1;
				for (int k = 0; k < NKINDS; k++)
					if (!strcmp(optarg, kind_names[k]))
						kind = k;
				if (kind < 0)
					usage();
			}
			break;
		case 'i':
			if (sscanf(optarg, "%u-%u", &imin, &imax) == 1)
				imax = imin;
			if (imax < imin)
				usage();
			break;
		case 'w':
			if (!strcmp(optarg, "io"))
				flags |= FAULTPOINT_F_NEXT_IO;
			else if (!strcmp(optarg, "mix"))
				mix = 1;
			else if (strcmp(optarg, "now"))
				usage();
			break;
		case 't': timeout = (unsigned)atol(optarg); break;
		case 's': rng = strtoull(optarg, NULL, 0) | 1; break;
		case 'v': verbose++; break;
		default: usage();
		}
	}
	if (optind != argc - 1 || count < 1)
		usage();
	const char *target = argv[optind];
	struct rc_entry e;
	int r = find_target(target, &e);
	if (r < 0) {
		fprintf(stderr, "faultinj: %s is not an entity of restartd: %s\n", target,
			strerror(-r));
		return 2;
	}
	char name[32];
	snprintf(name, sizeof(name), "%s", e.name);
	long long *times = calloc((size_t)count, sizeof(*times));
	if (!times)
		return 2;
	long injected = 0, recovered = 0, failed = 0, per_kind[NKINDS] = {0}, per_when[2] = {0};
	int kernel_ok = 1;
	for (long round = 0; round < count; round++) {
		if (wait_up(name, 0, -1, timeout, &e) < 0) {
			fprintf(stderr, "faultinj: %s is not up: stopping\n", name);
			break;
		}
		unsigned ms = imin + (imax > imin ? (unsigned)(rnd() % (imax - imin + 1)) : 0);
		struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
		nanosleep(&ts, NULL);
		if (rc_find(name, &e) < 0 || strcmp(e.state, "up") || !e.pid) {
			round--; /* it went down by itself meanwhile: try again */
			continue;
		}
		int k = mode == 0 ? kind : (int)(rnd() % (mode == 1 ? NKINDS - 1 : NKINDS));
		int old = e.pid;
		long restarts = (long)e.restarts;
		uint32_t f = flags;
		if (mix && (rnd() & 1))
			f |= FAULTPOINT_F_NEXT_IO;
		if (mix || (f & FAULTPOINT_F_NEXT_IO))
			per_when[k == K_KILL || !(f & FAULTPOINT_F_NEXT_IO) ? 0 : 1]++;
		r = inject(k, &e, f);
		if (r < 0) {
			fprintf(stderr, "faultinj: cannot inject %s into %s (pid %d): %s\n",
				kind_names[k], name, old, strerror(-r));
			break;
		}
		injected++;
		per_kind[k]++;
		r = wait_up(name, old, restarts, timeout, &e);
		struct _sys_meminfo mi;
		if (SysMemInfo_r(&mi) < 0)
			kernel_ok = 0;
		if (r == 0 && e.recovery_us >= 0) {
			times[recovered++] = e.recovery_us;
			if (verbose)
				printf("faultinj: %ld/%ld %s: pid %d -> %d, recovered in %lld us\n",
				       round + 1, count, kind_names[k], old, e.pid, e.recovery_us);
		} else {
			failed++;
			printf("faultinj: %ld/%ld %s: pid %d: no recovery (%s)\n", round + 1, count,
			       kind_names[k], old, r == -EPIPE ? e.state : "timed out");
		}
	}
	printf("faultinj: target %s: faults injected %ld (", name, injected);
	for (int k = 0, first = 1; k < NKINDS; k++) {
		if (per_kind[k]) {
			printf("%s%s %ld", first ? "" : ", ", kind_names[k], per_kind[k]);
			first = 0;
		}
	}
	if (per_when[0] + per_when[1])
		printf("; at once %ld, in a request %ld", per_when[0], per_when[1]);
	printf(")\nfaultinj: kernel survived: %s\n", kernel_ok ? "yes" : "no");
	printf("faultinj: recoveries %ld, failed recoveries %ld\n", recovered, failed);
	if (recovered) {
		qsort(times, (size_t)recovered, sizeof(*times), cmp_ll);
		printf("faultinj: recovery time us: min %lld median %lld max %lld\n", times[0],
		       times[recovered / 2], times[recovered - 1]);
	}
	fflush(stdout);
	return injected == count && failed == 0 && kernel_ok ? 0 : 1;
}
