/*
 * restartd's state across its own restarts. procnto restarts restartd with
 * the argv restartd gave it in its guard (sysmgr.c); restartd keeps that
 * argv current with one extra argument, -S, listing each entity's counts
 * and settled state:
 *   -S name:restarts:failed:state:recovery_us:store:reason,name:...
 * so that a restarted restartd keeps the restart counts, the last death
 * reason and recovery time, and what the entity stored (store.c: hex, "-"
 * for nothing; "-" too when the argv has no room left for it), and leaves
 * alone the entities that were done, dead or given up (everything else is
 * adopted or started: adopt.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "restartd.h"

_Static_assert(RESTART_STORE_MAX == 128, "state_restore reads the store with %256[^:]");

static const char *const settled[] = {"done", "dead", "failed"};
static const enum estate settled_state[] = {ST_DONE, ST_DEAD, ST_FAILED};

int state_encode(char *buf, size_t cap)
{
	size_t n = 0;
	buf[0] = '\0';
	for (int i = 0; i < nentities; i++) {
		const struct entity *e = &entities[i];
		static char store[2 * RESTART_STORE_MAX + 1];
		/* the counts come first: room for the store only after them */
		size_t left = cap - n > 200 ? cap - n - 200 : 0;
		if (store_encode(e, store, left < sizeof(store) ? left : sizeof(store)) < 0)
			strcpy(store, "-");
		int m = snprintf(buf + n, cap - n, "%s%s:%u:%u:%s:%lld:%s:%s", i ? "," : "", e->name,
				 e->restarts, e->failed, state_name(e->state),
				 (long long)e->recovery_us, store, e->reason[0] ? e->reason : "-");
		if (m < 0 || (size_t)m >= cap - n)
			return -1;
		n += (size_t)m;
	}
	return 0;
}

void state_restore(const char *text, bool *keep)
{
	char *copy = strdup(text), *save = NULL;
	if (!copy)
		return;
	for (char *item = strtok_r(copy, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
		char name[ENTITY_NAME_MAX], st[16], reason[32], store[2 * RESTART_STORE_MAX + 1];
		unsigned restarts, failed;
		long long rec;
		if (sscanf(item, "%31[^:]:%u:%u:%15[^:]:%lld:%256[^:]:%31s", name, &restarts, &failed,
			   st, &rec, store, reason) != 7)
			continue;
		for (int i = 0; i < nentities; i++) {
			struct entity *e = &entities[i];
			if (strcmp(e->name, name))
				continue;
			e->restarts = restarts;
			e->failed = failed;
			e->recovery_us = rec;
			store_decode(e, store);
			snprintf(e->reason, sizeof(e->reason), "%s", strcmp(reason, "-") ? reason : "");
			for (size_t k = 0; k < sizeof(settled) / sizeof(settled[0]); k++) {
				if (!strcmp(st, settled[k])) {
					e->state = settled_state[k];
					keep[i] = true;
				}
			}
		}
	}
	free(copy);
}
