/*
 * Every buildfile error the parser reports (group "errors"): each case is a
 * buildfile and the exact "file:line: reason" message it must produce, with
 * an empty list left behind.
 */
#include <errno.h>

#include "buildfile.h"
#include "check.h"

#define BOOT "[+boot] p = /h/p\n"

static const struct {
	const char *text;
	const char *msg;
} cases[] = {
	{ BOOT "[bogus] a = /h/a\n", "t.build:2: unknown attribute 'bogus'" },
	{ BOOT "[+bogus] a = /h/a\n", "t.build:2: unknown attribute '+bogus'" },
	{ BOOT "[owner=3] a = /h/a\n", "t.build:2: unknown attribute 'owner=3'" },
	{ BOOT "[uid=x] a = /h/a\n", "t.build:2: bad value in attribute 'uid=x'" },
	{ BOOT "[gid=] a = /h/a\n", "t.build:2: bad value in attribute 'gid='" },
	{ BOOT "[uid=4294967296] a = /h/a\n",
	  "t.build:2: bad value in attribute 'uid=4294967296'" },
	{ BOOT "[perms=0855] a = /h/a\n", "t.build:2: bad value in attribute 'perms=0855'" },
	{ BOOT "[perms=17777] a = /h/a\n", "t.build:2: bad value in attribute 'perms=17777'" },
	{ BOOT "[type=fifo] a = /h/a\n", "t.build:2: bad value in attribute 'type=fifo'" },
	{ BOOT "[uid=1\n", "t.build:2: missing ']'" },
	{ BOOT "a = ${NOPE}/x\n", "t.build:2: undefined variable 'NOPE'" },
	{ BOOT "\n\na = ${BUILD\n", "t.build:4: unterminated '${'" },
	{ BOOT "a = ${X-Y}\n", "t.build:2: bad variable name 'X-Y'" },
	{ BOOT "a = ${}\n", "t.build:2: bad variable name ''" },
	{ BOOT "a = \"/h/a\n", "t.build:2: unterminated '\"'" },
	{ BOOT "= /h/a\n", "t.build:2: missing name before '='" },
	{ BOOT "a =\n", "t.build:2: missing source after '='" },
	{ BOOT "a b\n", "t.build:2: unexpected 'b'" },
	{ BOOT "a = b c\n", "t.build:2: unexpected 'c'" },
	{ BOOT "a = =\n", "t.build:2: unexpected '='" },
	{ BOOT "a = \"\"\n", "t.build:2: empty host path" },
	{ BOOT "[type=link] a\n", "t.build:2: a link needs 'name = target'" },
	{ BOOT "[type=link] a = {\n}\n", "t.build:2: a link cannot be inline" },
	{ BOOT "[type=dir] a = /h/a\n", "t.build:2: a directory takes no source" },
	{ BOOT "[type=link +script] a = b\n", "t.build:2: +script needs a file" },
	{ "[type=dir +boot] a\n", "t.build:1: +boot needs a file" },
	{ BOOT "/ = /h/a\n", "t.build:2: empty target name" },
	{ BOOT "a/ = /h/a\n", "t.build:2: bad target name 'a/'" },
	{ BOOT "a//b = /h/a\n", "t.build:2: bad target name 'a//b'" },
	{ BOOT "../a = /h/a\n", "t.build:2: bad target name '../a'" },
	{ BOOT "a/./b = /h/a\n", "t.build:2: bad target name 'a/./b'" },
	{ BOOT "/h/dir/\n", "t.build:2: no file name in '/h/dir/'" },
	{ BOOT "a = /h/a\n\n# x\n[+boot] b = /h/b\n",
	  "t.build:5: second +boot entry 'b' (first at line 1)" },
	{ "[+boot]\na = /h/a\nb = /h/b\n", "t.build:3: second +boot entry 'b' (first at line 2)" },
	{ BOOT "[+script] s = /h/s\n[+script] t = {\n}\n",
	  "t.build:3: second +script entry 't' (first at line 2)" },
	{ "a = /h/a\nb = /h/b\n\n", "t.build:3: no entry has +boot" },
	{ "", "t.build:0: no entry has +boot" },
	{ BOOT "a = /h/a\n# x\nb = /h/b\n/h/a\n",
	  "t.build:5: duplicate target 'a' (first at line 2)" },
	{ BOOT "[type=dir] p\n", "t.build:2: duplicate target 'p' (first at line 1)" },
	{ BOOT "bin = /h/bin\nbin/sh = /h/sh\n",
	  "t.build:3: 'bin' cannot hold 'bin/sh': line 2 makes it a file" },
	{ BOOT "[type=link] a = b\na/b/c = /h/c\n",
	  "t.build:3: 'a' cannot hold 'a/b/c': line 2 makes it a link" },
	{ BOOT "s = {\nline\n}x\n", "t.build:2: unterminated inline file 's' (no line holding only '}')" },
	{ BOOT "s = {\nline ${NOPE}\n}\n", "t.build:3: undefined variable 'NOPE'" },
	{ BOOT "s = { x\n}\n", "t.build:2: unexpected 'x'" },
	{ BOOT "a b c d e f g h i\n", "t.build:2: unexpected 'i'" },
};

void test_errors(const char *workdir)
{
	char longname[300];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct bf_list l;
		struct bf_error err = { "" };
		int rc = bf_parse("t.build", cases[i].text, test_lookup, NULL, &l, &err);

		if (rc != -EINVAL || strcmp(err.msg, cases[i].msg))
			fprintf(stderr, "case %zu: buildfile:\n%s", i, cases[i].text);
		CHECK_EQ(rc, -EINVAL);
		CHECK_STR(err.msg, cases[i].msg);
		CHECK_EQ(l.n, 0);
		CHECK(l.v == NULL);
	}

	/* A name of IFS_NAME_MAX bytes is fine, one more is not. */
	for (int len = 255; len <= 256; len++) {
		struct bf_list l;
		struct bf_error err = { "" };
		char text[400];
		int rc;

		memset(longname, 'n', len);
		longname[len] = '\0';
		snprintf(text, sizeof(text), "[+boot] %s = /h/x\n", longname);
		rc = bf_parse("t.build", text, test_lookup, NULL, &l, &err);
		if (len == 255) {
			CHECK_EQ(rc, 0);
			if (!rc)
				bf_list_free(&l);
		} else {
			CHECK_EQ(rc, -EINVAL);
			CHECK_STR(err.msg, "t.build:1: target name too long (256 bytes, at most 255)");
		}
	}
}
