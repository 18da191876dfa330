/*
 * The startup script's line grammar: a pure parser with no side effects,
 * used by boot/script_run.c (which executes the lines) and by host tests.
 *
 * Grammar of one line (QNX buildfile script subset):
 *   line      := blank | '#' comment | [modifiers...] [words] ['&'] ['#' comment]
 *   modifiers := '[' mod (blank mod)* ']'
 *   mod       := 'pri=' N ['f'|'r'|'o'] | '+session' | '-session'
 *   words     := split on spaces and tabs; "double quotes" group blanks into
 *                one word and are removed; '#' at the start of an unquoted
 *                word starts a comment.
 * A line holding only modifiers sets them for every later line (the runner
 * keeps them); modifiers on a command line apply to that command only and
 * take precedence. `+session` runs the command as a session leader with
 * the console (see reopen) as its controlling terminal. Built-in commands:
 * `display_msg text...` prints text; `waitfor path [seconds]` waits until
 * path exists (default 5 s); `reopen [device]` makes device (default
 * /dev/console) the standard input, output and error of every later
 * command.
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
	SCRIPT_WAITFOR,     /* argv[1] path, argv[2] seconds (optional) */
	SCRIPT_REOPEN,      /* argv[1] the device (optional) */
	SCRIPT_COMMAND,     /* argv[0]: a path, or the name of a program in the boot image */
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
	bool session;                    /* +session */
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
 * report how it ended (background commands when they are found ended, at
 * the latest after the last line); background commands still running at
 * the end are left running. Errors in a line are reported with its number
 * and the script goes on. Returns the number of lines that failed.
 */
int script_run(const char *text, size_t size);

/*
 * waitfor's wait (boot/waitfor.c): polls every 10 ms until path resolves
 * to a name some server accepts (a stat through the path manager), at
 * most timeout_ms. Returns 0, or -ETIMEDOUT.
 */
int script_waitfor(const char *path, unsigned timeout_ms);
/* The path an existing path names once symlinks are followed, into out.
 * 0, -ENOENT or -ENAMETOOLONG. */
int script_resolve(const char *path, char *out, size_t cap);
/* Starts cmd as a new process with fork and execve (boot/spawn.c): argv[0]
 * is a path, or a name under /proc/boot; stdio is the device console (if
 * not NULL); policy/priority (-1/0: inherit) set before the exec; with
 * session, the child calls setsid() first so that opening the console makes
 * it the controlling terminal. Returns the pid or -errno. */
int script_spawn(const struct script_cmd *cmd, const char *console, int policy, int priority);
/* Sleeps ms milliseconds (no errno, no signals needed). */
void script_sleep_ms(unsigned ms);
