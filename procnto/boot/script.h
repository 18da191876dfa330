/*
 * The startup script's line grammar: a pure parser with no side effects,
 * used by boot/script_run.c (which executes the lines) and by host tests.
 *
 * Grammar of one line (QNX buildfile script subset):
 *   line      := blank | '#' comment | [modifiers...] [words] ['&'] ['#' comment]
 *   modifiers := '[' mod (blank mod)* ']'   mod := 'pri=' N ['f'|'r'|'o']
 *   words     := split on spaces and tabs; "double quotes" group blanks into
 *                one word and are removed; '#' at the start of an unquoted
 *                word starts a comment.
 * A line holding only modifiers sets them for every later line (the runner
 * keeps them); modifiers on a command line apply to that command only and
 * take precedence. `display_msg text...` is the built-in print command.
 */
#pragma once
#include <stdbool.h>
#include <stddef.h>

#define SCRIPT_ARGS_MAX 32
#define SCRIPT_LINE_MAX 1024

enum script_kind {
	SCRIPT_NONE,        /* blank line or comment */
	SCRIPT_MODIFIERS,   /* modifiers alone: defaults for later lines */
	SCRIPT_DISPLAY_MSG, /* argv[1..argc-1] is the text */
	SCRIPT_COMMAND,     /* argv[0] names a program in the boot image */
};

/* Scheduling requested by modifiers. */
struct script_sched {
	int priority; /* 1..255; 0 = not given */
	int policy;   /* SCHED_FIFO, SCHED_RR or SCHED_OTHER; -1 = not given */
};

struct script_cmd {
	enum script_kind kind;
	struct script_sched sched;
	bool background;                 /* trailing unquoted '&' */
	int argc;
	char *argv[SCRIPT_ARGS_MAX + 1]; /* point into the parsed line; NULL-terminated */
};

struct script_error {
	char msg[128];
};

/*
 * Parse one line (without its newline) in place: words are NUL-terminated
 * inside line and cmd->argv points at them. Returns 0, or -EINVAL / -E2BIG
 * with err->msg set (no line number: the caller adds it).
 */
int script_parse_line(char *line, struct script_cmd *cmd, struct script_error *err);

/*
 * Copy the next line of text[0..size) starting at *pos into buf (NUL-
 * terminated, newline and a trailing '\r' dropped) and advance *pos past it.
 * Returns 1 when a line was read, 0 at the end of the text, -E2BIG when the
 * line does not fit in buflen (the line is skipped; *pos still advances).
 */
int script_next_line(const char *text, size_t size, size_t *pos, char *buf, size_t buflen);

/*
 * Run the startup script text[0..size) line by line (boot/script_run.c):
 * spawn each command from the boot image, wait for it unless it ends in '&',
 * report how it ended, and wait for background commands after the last line.
 * Errors in a line are reported with its number and the script goes on.
 * Returns the number of lines that failed to parse or start.
 */
int script_run(const char *text, size_t size);
