/*
 * restartd's configuration: one entity per line (docs/restart.md),
 *   name path [key=value ...] command [args ...]
 * path "-" means the entity serves no path; keys: policy=always|abnormal|
 * never, max=N, window=S, backoff=MS, backoff_max=MS, heartbeat=MS,
 * timeout=MS. The first word that is not key=value starts the command;
 * everything after it belongs to the command. '#' starts a comment line.
 * Lines come from files (-f) and from the command line (-e).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "restartd.h"

#define LINE_MAX_LEN 1024

struct entity entities[ENTITY_MAX];
int nentities;

const char *policy_name(enum policy p)
{
	static const char *const n[] = {"always", "abnormal", "never"};
	return n[p];
}

const char *state_name(enum estate s)
{
	static const char *const n[] = {"starting", "up",   "backoff", "hung",
					"done",     "dead", "failed",  "stopped"};
	return n[s];
}

static int parse_uint(const char *s, unsigned *out)
{
	char *end;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (!*s || *end || errno || v > 100000000ul)
		return -1;
	*out = (unsigned)v;
	return 0;
}

/* key=value; 1 if it was one (applied), 0 if the word is not key=value,
 * -1 on a bad key or value. */
static int parse_option(const char *w, struct entity *e, char *err, size_t errlen)
{
	const char *eq = strchr(w, '=');
	if (!eq || eq == w)
		return 0;
	size_t klen = (size_t)(eq - w);
	const char *v = eq + 1;
	static const struct {
		const char *key;
		size_t off;
	} nums[] = {
		{"max", offsetof(struct entity, max)},
		{"window", offsetof(struct entity, window_s)},
		{"backoff", offsetof(struct entity, backoff_ms)},
		{"backoff_max", offsetof(struct entity, backoff_max_ms)},
		{"heartbeat", offsetof(struct entity, heartbeat_ms)},
		{"timeout", offsetof(struct entity, timeout_ms)},
	};
	if (klen == 6 && !strncmp(w, "policy", 6)) {
		if (!strcmp(v, "always"))
			e->policy = POLICY_ALWAYS;
		else if (!strcmp(v, "abnormal"))
			e->policy = POLICY_ABNORMAL;
		else if (!strcmp(v, "never"))
			e->policy = POLICY_NEVER;
		else {
			snprintf(err, errlen, "bad policy '%s'", v);
			return -1;
		}
		return 1;
	}
	for (size_t i = 0; i < sizeof(nums) / sizeof(nums[0]); i++) {
		if (strlen(nums[i].key) == klen && !strncmp(w, nums[i].key, klen)) {
			if (parse_uint(v, (unsigned *)((char *)e + nums[i].off)) < 0) {
				snprintf(err, errlen, "bad number in '%s'", w);
				return -1;
			}
			return 1;
		}
	}
	snprintf(err, errlen, "unknown option '%.*s'", (int)klen, w);
	return -1;
}

int conf_parse_line(const char *line, struct entity *e, char *err, size_t errlen)
{
	char *copy = strdup(line);
	if (!copy) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	memset(e, 0, sizeof(*e));
	e->policy = POLICY_ALWAYS;
	e->window_s = 10;
	e->max = 10;
	e->backoff_ms = 50;
	e->backoff_max_ms = 5000;
	e->timeout_ms = 5000;
	e->recovery_us = -1;
	int field = 0;
	char *save = NULL;
	for (char *w = strtok_r(copy, " \t\r\n", &save); w; w = strtok_r(NULL, " \t\r\n", &save)) {
		if (field == 0) {
			if (strlen(w) >= sizeof(e->name)) {
				snprintf(err, errlen, "name too long");
				goto bad;
			}
			strcpy(e->name, w);
			field++;
		} else if (field == 1) {
			if (strcmp(w, "-") && (w[0] != '/' || strlen(w) >= sizeof(e->path))) {
				snprintf(err, errlen, "the path must be absolute (or '-')");
				goto bad;
			}
			if (strcmp(w, "-"))
				strcpy(e->path, w);
			field++;
		} else if (e->argc == 0) {
			int r = parse_option(w, e, err, errlen);
			if (r < 0)
				goto bad;
			if (r == 0)
				e->argv[e->argc++] = w;
		} else if (e->argc < ENTITY_ARGV_MAX) {
			e->argv[e->argc++] = w;
		} else {
			snprintf(err, errlen, "too many arguments");
			goto bad;
		}
	}
	if (e->argc == 0) {
		snprintf(err, errlen, "expected: name path [options] command [args]");
		goto bad;
	}
	if (e->backoff_max_ms < e->backoff_ms)
		e->backoff_max_ms = e->backoff_ms;
	e->argv[e->argc] = NULL; /* the words point into copy, kept for good */
	return 0;
bad:
	free(copy);
	return -1;
}

int conf_add_line(const char *line, const char *where)
{
	const char *p = line;
	while (*p == ' ' || *p == '\t')
		p++;
	if (!*p || *p == '#' || *p == '\n')
		return 0;
	if (nentities == ENTITY_MAX) {
		rd_log("%s: more than %d entities", where, ENTITY_MAX);
		return -1;
	}
	char err[128];
	struct entity *e = &entities[nentities];
	if (conf_parse_line(p, e, err, sizeof(err)) < 0) {
		rd_log("%s: %s", where, err);
		return -1;
	}
	for (int i = 0; i < nentities; i++) {
		if (!strcmp(entities[i].name, e->name)) {
			rd_log("%s: entity '%s' named twice", where, e->name);
			return -1;
		}
	}
	nentities++;
	return 1;
}

int conf_read_file(const char *file)
{
	FILE *f = fopen(file, "r");
	if (!f) {
		rd_log("cannot read %s: %s", file, strerror(errno));
		return -1;
	}
	char line[LINE_MAX_LEN], where[300];
	int lineno = 0, count = 0;
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		snprintf(where, sizeof(where), "%s:%d", file, lineno);
		int r = conf_add_line(line, where);
		if (r < 0) {
			fclose(f);
			return -1;
		}
		count += r;
	}
	fclose(f);
	return count;
}
