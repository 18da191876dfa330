/*
 * Buildfile parser tests on well-formed input: entry forms, attributes and
 * defaults, names, sorting and implied directories (group "parse"), variable
 * expansion ("expand") and inline files ("inline").
 */
#include <stdlib.h>
#include <sys/imagefs.h>

#include "buildfile.h"
#include "check.h"

/* Parse text that must be accepted; on failure report the message. */
static int parse_ok(const char *text, struct bf_list *l)
{
	struct bf_error err = { "" };
	int rc = bf_parse("t.build", text, test_lookup, NULL, l, &err);

	if (rc)
		fprintf(stderr, "unexpected parse error: %s\n", err.msg);
	CHECK_EQ(rc, 0);
	return rc;
}

static void forms(void)
{
	struct bf_list l;
	struct bf_entry *e;

	if (parse_ok("# a comment\n"
		     "\n"
		     "[+boot] procnto = ${BUILD}/procnto/procnto\n"
		     "   /usr/lib/libc.so   # trailing comment\n"
		     "/bin/x=/h/x\n"
		     "[type=link] bin/sh = /proc/boot/ksh\n"
		     "\"my file\" = \"/h/a b=#c\"\n"
		     "[type=dir perms=0700] secret\n",
		     &l))
		return;
	CHECK_EQ(l.n, 7);

	e = bf_find(&l, "procnto");
	CHECK(e != NULL);
	if (e) {
		CHECK_STR(e->host, "/b/procnto/procnto");
		CHECK_EQ(e->line, 3);
		CHECK_EQ(e->flags, IFS_F_BOOT);
		CHECK_EQ(e->type, IFS_TYPE_FILE);
		CHECK(!e->has_perms); /* host file: the loader takes the host bits */
	}
	e = bf_find(&l, "libc.so");
	CHECK(e != NULL);
	if (e) {
		CHECK_STR(e->host, "/usr/lib/libc.so");
		CHECK_EQ(e->line, 4);
		CHECK_EQ(e->flags, 0);
	}
	e = bf_find(&l, "bin/x");
	CHECK(e != NULL);
	if (e)
		CHECK_STR(e->host, "/h/x");
	e = bf_find(&l, "bin"); /* implied by line 5 */
	CHECK(e != NULL);
	if (e) {
		CHECK(e->implied);
		CHECK_EQ(e->type, IFS_TYPE_DIR);
		CHECK_EQ(e->perms, 0755);
		CHECK_EQ(e->line, 5);
	}
	e = bf_find(&l, "bin/sh");
	CHECK(e != NULL);
	if (e) {
		CHECK_EQ(e->type, IFS_TYPE_SYMLINK);
		CHECK_STR(e->link, "/proc/boot/ksh");
		CHECK_EQ(e->perms, 0777);
		CHECK(e->host == NULL);
	}
	e = bf_find(&l, "my file");
	CHECK(e != NULL);
	if (e)
		CHECK_STR(e->host, "/h/a b=#c");
	e = bf_find(&l, "secret");
	CHECK(e != NULL);
	if (e) {
		CHECK_EQ(e->type, IFS_TYPE_DIR);
		CHECK_EQ(e->perms, 0700);
		CHECK(!e->implied);
		CHECK_EQ(e->line, 8);
	}
	for (size_t i = 1; i < l.n; i++)
		CHECK(strcmp(l.v[i - 1].name, l.v[i].name) < 0);
	bf_list_free(&l);
}

static void defaults(void)
{
	struct bf_list l;
	struct bf_entry *a, *b, *c, *d, *s;

	if (parse_ok("[uid=5 gid=6]\n"
		     "a = /h/a\n"
		     "[uid=7 perms=0750] b = /h/b\n"
		     "[+boot]\n"
		     "c = /h/c\n"
		     "[-boot] [perms=0640]\n"
		     "[+script] d = /h/d\n"
		     "[type=dir] etc\n"
		     "etc/s = /h/s\n",
		     &l))
		return;
	a = bf_find(&l, "a");
	b = bf_find(&l, "b");
	c = bf_find(&l, "c");
	d = bf_find(&l, "d");
	s = bf_find(&l, "etc/s");
	CHECK(a && b && c && d && s);
	if (!(a && b && c && d && s))
		goto out;
	CHECK_EQ(a->uid, 5);
	CHECK_EQ(a->gid, 6);
	CHECK(!a->has_perms);
	CHECK_EQ(b->uid, 7); /* line attributes win for that line only */
	CHECK_EQ(b->gid, 6);
	CHECK(b->has_perms);
	CHECK_EQ(b->perms, 0750);
	CHECK_EQ(c->uid, 5);
	CHECK_EQ(c->flags, IFS_F_BOOT);
	CHECK_EQ(d->flags, IFS_F_SCRIPT); /* -boot cleared the default */
	CHECK_EQ(d->perms, 0640);
	CHECK(d->has_perms);
	CHECK_EQ(s->uid, 5);
	CHECK_EQ(bf_find(&l, "etc")->type, IFS_TYPE_DIR);
	CHECK(!bf_find(&l, "etc")->implied);
out:
	bf_list_free(&l);
}

static void names_and_order(void)
{
	struct bf_list l;
	static const char *const want[] = { "a", "a/b", "a/b/c", "a/b/d", "a2", "z" };

	if (parse_ok("[+boot] z = /h/z\r\n"
		     "a2 = /h/a2\r\n"
		     "//a/b/c = /h/c\n"
		     "a/b/d = /h/d\n",
		     &l))
		return;
	CHECK_EQ(l.n, 6);
	for (size_t i = 0; i < l.n && i < 6; i++)
		CHECK_STR(l.v[i].name, want[i]);
	CHECK(bf_find(&l, "a")->implied);
	CHECK_EQ(bf_find(&l, "a")->line, 3);
	CHECK_STR(bf_find(&l, "a2")->host, "/h/a2"); /* CR stripped */
	bf_list_free(&l);
}

void test_parse(const char *workdir)
{
	forms();
	defaults();
	names_and_order();
}

static void expand_one(const char *in, const char *want)
{
	struct bf_error err = { "" };
	char *out = bf_expand("t.build", 1, in, test_lookup, NULL, &err);

	if (!out)
		fprintf(stderr, "expanding '%s': %s\n", in, err.msg);
	CHECK_STR(out, want);
	free(out);
}

void test_expand(const char *workdir)
{
	struct bf_list l;

	expand_one("plain", "plain");
	expand_one("${BUILD}", "/b");
	expand_one("${BUILD}/x/${X}${X}", "/b/x/11");
	expand_one("a${EMPTY}b", "ab");
	expand_one("cost $5 and $$ and $${X}", "cost $5 and $ and ${X}");
	expand_one("${LOOP}", "${X}"); /* values are not expanded again */
	expand_one("$", "$");

	/* Expansion happens before the line is split, in names too. */
	if (!parse_ok("[+boot] t${X} = ${BUILD}/t${X}\n"
		      "# ${UNDEFINED} in a whole-line comment is ignored\n",
		      &l)) {
		CHECK(bf_find(&l, "t1") != NULL);
		if (bf_find(&l, "t1"))
			CHECK_STR(bf_find(&l, "t1")->host, "/b/t1");
		bf_list_free(&l);
	}
}

void test_inline(const char *workdir)
{
	struct bf_list l;
	struct bf_entry *s, *e;

	if (parse_ok("[+boot] p = /h/p\n"
		     "[+script] startup = {\n"
		     "display_msg hello ${X}\n"
		     "  indented # not a comment\n"
		     "\n"
		     "}x is content\n"
		     "  }  \n"
		     "empty = {\n"
		     "}\n"
		     "[perms=0755] crlf = {\r\n"
		     "a\r\n"
		     "}\r\n"
		     "after = /h/after\n",
		     &l))
		return;
	s = bf_find(&l, "startup");
	CHECK(s != NULL);
	if (s) {
		static const char want[] = "display_msg hello 1\n"
					   "  indented # not a comment\n"
					   "\n"
					   "}x is content\n";
		CHECK_EQ(s->size, sizeof(want) - 1);
		CHECK(s->size == sizeof(want) - 1 && !memcmp(s->data, want, s->size));
		CHECK_EQ(s->flags, IFS_F_SCRIPT);
		CHECK_EQ(s->perms, 0644);
		CHECK(s->host == NULL);
		CHECK_EQ(s->line, 2);
	}
	e = bf_find(&l, "empty");
	CHECK(e != NULL);
	if (e)
		CHECK_EQ(e->size, 0);
	e = bf_find(&l, "crlf");
	CHECK(e != NULL);
	if (e) {
		CHECK_EQ(e->size, 2);
		CHECK(e->size == 2 && !memcmp(e->data, "a\n", 2));
		CHECK_EQ(e->perms, 0755);
	}
	e = bf_find(&l, "after");
	CHECK(e != NULL);
	if (e)
		CHECK_EQ(e->line, 13);
	bf_list_free(&l);
}
