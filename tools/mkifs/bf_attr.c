/*
 * Buildfile attributes: the words between '[' and ']'. Called by bf_parse()
 * for every attribute group, both on entry lines and on default-setting lines.
 *
 *   uid=N gid=N       decimal ids
 *   perms=0755        octal permission bits (at most 07777)
 *   type=file|link|dir
 *   +boot  -boot      the program the kernel starts first
 *   +script -script   the startup script procnto runs
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/imagefs.h>

#include "buildfile.h"

/* Parse digits of base 8 or 10 into *out; 0 or -EINVAL. */
static int parse_num(const char *s, size_t len, unsigned base, uint32_t max, uint32_t *out)
{
	uint64_t v = 0;

	if (len == 0)
		return -EINVAL;
	for (size_t i = 0; i < len; i++) {
		unsigned d = (unsigned)(s[i] - '0');

		if (s[i] < '0' || d >= base)
			return -EINVAL;
		v = v * base + d;
		if (v > max)
			return -EINVAL;
	}
	*out = (uint32_t)v;
	return 0;
}

static int word_is(const char *w, size_t len, const char *lit)
{
	return strlen(lit) == len && memcmp(w, lit, len) == 0;
}

static int apply_word(const char *file, int line, const char *w, size_t len,
		      struct bf_attr *a, struct bf_error *err)
{
	const char *eq = memchr(w, '=', len);

	if (w[0] == '+' || w[0] == '-') {
		uint16_t flag;

		if (word_is(w + 1, len - 1, "boot"))
			flag = IFS_F_BOOT;
		else if (word_is(w + 1, len - 1, "script"))
			flag = IFS_F_SCRIPT;
		else
			return bf_fail(err, file, line, "unknown attribute '%.*s'", (int)len, w);
		if (w[0] == '+')
			a->flags |= flag;
		else
			a->flags &= (uint16_t)~flag;
		return 0;
	}
	if (eq) {
		size_t klen = eq - w;
		const char *v = eq + 1;
		size_t vlen = len - klen - 1;

		if (word_is(w, klen, "uid") || word_is(w, klen, "gid")) {
			uint32_t *dst = w[0] == 'u' ? &a->uid : &a->gid;

			if (parse_num(v, vlen, 10, UINT32_MAX, dst))
				goto bad;
			return 0;
		}
		if (word_is(w, klen, "perms")) {
			if (parse_num(v, vlen, 8, 07777, &a->perms))
				goto bad;
			a->has_perms = true;
			return 0;
		}
		if (word_is(w, klen, "type")) {
			if (word_is(v, vlen, "file"))
				a->type = IFS_TYPE_FILE;
			else if (word_is(v, vlen, "link"))
				a->type = IFS_TYPE_SYMLINK;
			else if (word_is(v, vlen, "dir"))
				a->type = IFS_TYPE_DIR;
			else
				goto bad;
			return 0;
		}
	}
	return bf_fail(err, file, line, "unknown attribute '%.*s'", (int)len, w);
bad:
	return bf_fail(err, file, line, "bad value in attribute '%.*s'", (int)len, w);
}

int bf_attr_apply(const char *file, int line, const char *body, size_t body_len,
		  struct bf_attr *a, struct bf_error *err)
{
	size_t i = 0;

	while (i < body_len) {
		size_t start;
		int rc;

		while (i < body_len && (body[i] == ' ' || body[i] == '\t'))
			i++;
		if (i == body_len)
			break;
		start = i;
		while (i < body_len && body[i] != ' ' && body[i] != '\t')
			i++;
		rc = apply_word(file, line, body + start, i - start, a, err);
		if (rc)
			return rc;
	}
	return 0;
}
