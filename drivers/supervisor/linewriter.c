/*
 * linewriter: writes numbered lines to its standard output, each line with
 * one write(), for the console-restart scenario (tests/system/
 * restart_lines.scn): the host then checks that every line arrived whole
 * and in order while the console driver was crashed again and again.
 *
 * Usage: linewriter [-n N] [-d MS] [-p entity:K] [-w MS] [format]
 *   format  printf format of one line with one integer conversion (default
 *           "line %05d end"); a newline is added
 *   -n N    lines 1 to N (default 5000)
 *   -d MS   pause after each line (default 0)
 *   -p entity:K  keep pace with the faults: K restarts of restartd's entity
 *           must fall inside the writing. Before line i it waits for the
 *           entity's restart count to reach (K * (i - 1)) / (N * 9 / 10)
 *           more than at the start (K by line 90 % of N), but never more
 *           than -w MS per line: a fault injector that arms its fault for
 *           the next request (faultinj -w io) needs the next line to come
 *   -w MS   the most it waits per line for the restarts (default 20)
 * At the end it prints "linewriter: N lines written, <entity> restarts
 * meanwhile: R" (with -p) and exits 0, or 1 after a write that failed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/neutrino.h>
#include <sys/pathfind.h>
#include <sys/restart.h>
#include <unistd.h>

#include "client.h"

#define WATCH_CODE 7

static struct rc_watcher watcher = RC_WATCHER_INIT;

static uint64_t now_ns(void)
{
	uint64_t t = 0;
	ClockTime_r(_NTO_CLOCK_MONOTONIC, NULL, &t);
	return t;
}

/* Registers with restartd for its events (again when restartd changed):
 * a recovery then ends a wait at once. Without it waits just time out. */
static void watch_setup(void)
{
	rc_watcher_follow(&watcher, WATCH_CODE, 1u << RESTART_EV_RECOVERED);
}

/* The entity's restart count, or -1. */
static long restarts_of(const char *entity)
{
	struct rc_entry e;
	return rc_find(entity, &e) == 0 ? (long)e.restarts : -1;
}

static void usage(void)
{
	fprintf(stderr, "usage: linewriter [-n N] [-d MS] [-p entity:K] [-w MS] [format]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	long count = 5000, pace = 0;
	unsigned delay_ms = 0, wait_ms = 20;
	char entity[32] = "";
	int opt;
	while ((opt = getopt(argc, argv, "n:d:p:w:")) != -1) {
		switch (opt) {
		case 'n': count = atol(optarg); break;
		case 'd': delay_ms = (unsigned)atol(optarg); break;
		case 'w': wait_ms = (unsigned)atol(optarg); break;
		case 'p':
			if (sscanf(optarg, "%31[^:]:%ld", entity, &pace) != 2 || pace < 1)
				usage();
			break;
		default: usage();
		}
	}
	if (optind < argc - 1 || count < 1)
		usage();
	const char *fmt = optind < argc ? argv[optind] : "line %05d end";
	long base = 0, done = 0, span = count * 9 / 10 > 0 ? count * 9 / 10 : 1;
	if (pace) {
		watch_setup();
		base = restarts_of(entity);
		if (base < 0) {
			fprintf(stderr, "linewriter: %s is not an entity of restartd\n", entity);
			return 2;
		}
	}
	char line[256];
	for (long i = 1; i <= count; i++) {
		long want = pace * (i - 1) / span;
		if (want > pace)
			want = pace;
		uint64_t end = now_ns() + (uint64_t)wait_ms * 1000000u;
		while (pace && done < want) {
			long r = restarts_of(entity);
			if (r >= 0)
				done = r - base;
			uint64_t now = now_ns();
			if (done >= want || now >= end)
				break;
			watch_setup(); /* restartd may have been restarted */
			rc_watcher_wait(&watcher, end - now);
		}
		int n = snprintf(line, sizeof(line) - 1, fmt, (int)i);
		if (n < 0 || n >= (int)sizeof(line) - 1)
			n = (int)sizeof(line) - 2;
		line[n++] = '\n';
		ssize_t w = write(1, line, (size_t)n);
		if (w != n) {
			if (w < 0)
				fprintf(stderr, "linewriter: line %ld: write: %s\n", i, strerror(errno));
			else
				fprintf(stderr, "linewriter: line %ld: %zd of %d bytes written\n", i, w, n);
			return 1;
		}
		if (delay_ms) {
			struct timespec ts = {delay_ms / 1000, (long)(delay_ms % 1000) * 1000000L};
			nanosleep(&ts, NULL);
		}
	}
	if (pace) {
		long r = restarts_of(entity);
		printf("linewriter: %ld lines written, %s restarts meanwhile: %ld\n", count, entity,
		       r < 0 ? -1 : r - base);
	} else {
		printf("linewriter: %ld lines written\n", count);
	}
	return 0;
}
