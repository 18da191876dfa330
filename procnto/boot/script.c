/*
 * Startup-script parsing: turns one line of the script into a script_cmd.
 * Pure (no I/O, no kernel calls) so that it can be tested on the host. The
 * grammar is described in script.h; boot/script_run.c is the only caller.
 */
#include "boot/script.h"

#include <errno.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static char *skip_blanks(char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

__attribute__((format(printf, 3, 4)))
static int fail(struct script_error *err, int rc, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return rc;
}

/* One modifier word, e.g. "pri=20f" or "+session". */
static int parse_modifier(const char *w, struct script_cmd *cmd, struct script_error *err)
{
	struct script_sched *s = &cmd->sched;
	if (strcmp(w, "+session") == 0 || strcmp(w, "-session") == 0) {
		cmd->session = w[0] == '+';
		return 0;
	}
	if (strncmp(w, "pri=", 4) != 0)
		return fail(err, -EINVAL, "unsupported modifier '%s'", w);
	const char *p = w + 4;
	int prio = 0;
	if (*p < '0' || *p > '9')
		return fail(err, -EINVAL, "bad priority in '%s'", w);
	for (; *p >= '0' && *p <= '9'; p++)
		if (prio <= 255)
			prio = prio * 10 + (*p - '0');
	if (prio < 1 || prio > 255)
		return fail(err, -EINVAL, "priority out of range 1..255 in '%s'", w);
	int policy = -1;
	switch (*p) {
	case 'f': policy = SCHED_FIFO; p++; break;
	case 'r': policy = SCHED_RR; p++; break;
	case 'o': policy = SCHED_OTHER; p++; break;
	}
	if (*p != '\0')
		return fail(err, -EINVAL, "bad scheduling policy in '%s'", w);
	s->priority = prio;
	if (policy != -1)
		s->policy = policy;
	return 0;
}

/* The text between '[' and ']', already NUL-terminated. */
static int parse_modifiers(char *body, struct script_cmd *cmd, struct script_error *err)
{
	char *p = skip_blanks(body);
	while (*p) {
		char *w = p;
		while (*p && *p != ' ' && *p != '\t')
			p++;
		if (*p)
			*p++ = '\0';
		int rc = parse_modifier(w, cmd, err);
		if (rc < 0)
			return rc;
		p = skip_blanks(p);
	}
	return 0;
}

/*
 * Split p into words in place, removing quotes. Sets *argc and *last_quoted
 * (whether the last word had quotes, so that "&" can be an argument).
 */
static int split_words(char *p, char **argv, int *argc, bool *last_quoted,
		       struct script_error *err)
{
	char *r = p, *w = p; /* read and write cursors, w <= r */
	int n = 0;
	*last_quoted = false;
	for (;;) {
		r = skip_blanks(r);
		if (*r == '\0' || *r == '#')
			break;
		if (n == SCRIPT_ARGS_MAX)
			return fail(err, -E2BIG, "more than %d arguments", SCRIPT_ARGS_MAX);
		argv[n++] = w;
		*last_quoted = false;
		while (*r && *r != ' ' && *r != '\t') {
			if (*r != '"') {
				*w++ = *r++;
				continue;
			}
			*last_quoted = true;
			r++;
			while (*r && *r != '"')
				*w++ = *r++;
			if (*r == '\0')
				return fail(err, -EINVAL, "unterminated quote");
			r++;
		}
		bool end = *r == '\0';
		*w++ = '\0';
		if (end)
			break;
		r++;
	}
	argv[n] = NULL;
	*argc = n;
	return 0;
}

/* waitfor path [seconds]: seconds a decimal number, at most 3600. */
static int parse_waitfor(struct script_cmd *cmd, struct script_error *err)
{
	cmd->kind = SCRIPT_WAITFOR;
	if (cmd->argc < 2 || cmd->argc > 3)
		return fail(err, -EINVAL, "usage: waitfor path [seconds]");
	if (cmd->background)
		return fail(err, -EINVAL, "waitfor cannot run in the background");
	if (cmd->argv[1][0] != '/')
		return fail(err, -EINVAL, "waitfor needs an absolute path");
	if (cmd->argc == 3) {
		const char *p = cmd->argv[2];
		unsigned v = 0;
		if (!*p)
			return fail(err, -EINVAL, "bad waitfor time ''");
		for (; *p; p++) {
			if (*p < '0' || *p > '9' || (v = v * 10 + (unsigned)(*p - '0')) > 3600)
				return fail(err, -EINVAL, "bad waitfor time '%s' (0..3600 seconds)",
					    cmd->argv[2]);
		}
	}
	return 0;
}

int script_parse_line(char *line, struct script_cmd *cmd, struct script_error *err)
{
	memset(cmd, 0, sizeof(*cmd));
	cmd->sched.policy = -1;
	err->msg[0] = '\0';

	char *p = skip_blanks(line);
	bool modifiers = false;
	while (*p == '[') {
		char *end = strchr(p, ']');
		if (!end)
			return fail(err, -EINVAL, "missing ']'");
		*end = '\0';
		int rc = parse_modifiers(p + 1, cmd, err);
		if (rc < 0)
			return rc;
		modifiers = true;
		p = skip_blanks(end + 1);
	}

	bool last_quoted;
	int rc = split_words(p, cmd->argv, &cmd->argc, &last_quoted, err);
	if (rc < 0)
		return rc;
	if (cmd->argc > 0 && !last_quoted && strcmp(cmd->argv[cmd->argc - 1], "&") == 0) {
		cmd->background = true;
		cmd->argv[--cmd->argc] = NULL;
		if (cmd->argc == 0)
			return fail(err, -EINVAL, "'&' without a command");
	}
	if (cmd->argc == 0)
		cmd->kind = modifiers ? SCRIPT_MODIFIERS : SCRIPT_NONE;
	else if (strcmp(cmd->argv[0], "display_msg") == 0)
		cmd->kind = SCRIPT_DISPLAY_MSG;
	else if (strcmp(cmd->argv[0], "waitfor") == 0)
		return parse_waitfor(cmd, err);
	else if (strcmp(cmd->argv[0], "reopen") == 0) {
		cmd->kind = SCRIPT_REOPEN;
		if (cmd->argc > 2 || cmd->background)
			return fail(err, -EINVAL, "usage: reopen [device]");
		if (cmd->argc == 2 && cmd->argv[1][0] != '/')
			return fail(err, -EINVAL, "reopen needs an absolute path");
	}
	else
		cmd->kind = SCRIPT_COMMAND;
	return 0;
}

int script_next_line(const char *text, size_t size, size_t *pos, char *buf, size_t buflen)
{
	size_t start = *pos;
	if (start >= size)
		return 0;
	const char *nl = memchr(text + start, '\n', size - start);
	size_t end = nl ? (size_t)(nl - text) : size;
	*pos = nl ? end + 1 : size;
	size_t len = end - start;
	if (len > 0 && text[end - 1] == '\r')
		len--;
	if (len >= buflen)
		return -E2BIG;
	memcpy(buf, text + start, len);
	buf[len] = '\0';
	return 1;
}
