/*
 * t_pathmgr: procnto's path manager and its own names, through hand-built
 * messages (pmclient.h) and pm_server (pm.h):
 *  (a) procnto's names: /proc/boot, "/" and /proc as directories, listings;
 *  (b) prefixes from a server process: longest prefix first, a non-DIR
 *      name matches only itself, OPAQUE hides shorter prefixes, a client
 *      falling through on ENOENT, the directory made by names below it;
 *  (c) order on one prefix: BEFORE, newest normal first, AFTER; detach;
 *  (d) a dead server's names vanish (disconnect on channel 1);
 *  (e) procnto symlinks: substitution, readlink, lstat, relative targets,
 *      loops, removal;
 *  (f) /proc/boot: a file compared byte for byte with the image, stat,
 *      lseek, read-only refusals, listing, the image's link entries (also
 *      registered at /pmlink/...);
 *  (g) ProcInfo and /proc: self, status, zombies, iteration, mounts.
 */
#include "ntest.h"
#include "pm.h"
#include "pmclient.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/imagefs.h>
#include <sys/stat.h>

#define PRIO 10
#define MYNAME "t_pathmgr"

static int mypid;

static void sleep_ms(unsigned ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) != 0)
		;
}

/* Starts pm_server with specs; fills *rep; returns its pid or -1. */
static int spawn_server(const char *tag, const char *const *specs, int n, struct pm_report *rep)
{
	int chid = ChannelCreate(0);
	if (!CHECK(chid >= 0))
		return -1;
	char a1[16], a2[16];
	snprintf(a1, sizeof(a1), "%d", mypid);
	snprintf(a2, sizeof(a2), "%d", chid);
	char *argv[4 + PM_MAX + 1] = {"pm_server", a1, a2, (char *)tag};
	for (int i = 0; i < n; i++)
		argv[4 + i] = (char *)specs[i];
	argv[4 + n] = NULL;
	char *envp[] = {NULL};
	struct _image_spawn_attr attr = {.priority = PRIO, .policy = SCHED_FIFO};
	int pid = ImageSpawn("pm_server", argv, envp, &attr);
	if (!CHECK(pid > 0)) {
		ChannelDestroy(chid);
		return -1;
	}
	struct _msg_info info;
	int rcvid = MsgReceive(chid, rep, sizeof(*rep), &info);
	if (!CHECK(rcvid > 0)) {
		ChannelDestroy(chid);
		return -1;
	}
	MsgReply(rcvid, 0, NULL, 0);
	ChannelDestroy(chid);
	for (int i = 0; i < n; i++)
		if (!CHECK_EQ(rep->errs[i], 0) || !CHECK_EQ(rep->ids[i], i))
			ntest_info("server %s spec %s: id %d errno %d", tag, specs[i], rep->ids[i],
				   rep->errs[i]);
	return pid;
}

static void server_ctl(int pid, int chid, uint16_t type, int id)
{
	int coid = ConnectAttach(0, pid, chid, _NTO_SIDE_CHANNEL, 0);
	if (!CHECK(coid >= 0))
		return;
	struct pm_ctl c = {.type = type, .id = id};
	CHECK_EQ(MsgSend(coid, &c, sizeof(c), NULL, 0), 0);
	ConnectDetach(coid);
}

static struct pmc_reply rep;

static long resolve(const char *path)
{
	struct pmc_req q = {.subtype = _IO_CONNECT_OPEN, .ioflag = _IO_OFLAG_TO_IOFLAG(O_RDONLY)};
	memset(&rep, 0, sizeof(rep));
	return pmc_resolve(&q, path, &rep);
}

/* Opens path and reads it whole into buf (NUL-terminated); bytes or -errno. */
static long read_path(const char *path, char *buf, size_t cap)
{
	int coid = pmc_open(path, O_RDONLY);
	if (coid < 0)
		return coid;
	size_t len = 0;
	long n;
	while (len + 1 < cap && (n = pmc_read(coid, buf + len, cap - 1 - len)) > 0)
		len += (size_t)n;
	buf[len] = '\0';
	pmc_close(coid);
	return (long)len;
}

/* Whether directory path lists name (with type, unless type is -1). */
static int dir_has(const char *path, const char *name, int type)
{
	int coid = pmc_open(path, O_RDONLY | O_DIRECTORY);
	if (coid < 0) {
		ntest_info("open %s: %d", path, coid);
		return 0;
	}
	static char buf[4096];
	int found = 0;
	long n;
	while (!found && (n = pmc_read(coid, buf, sizeof(buf))) > 0) {
		for (long off = 0; off < n;) {
			uint16_t reclen;
			uint8_t t;
			memcpy(&reclen, buf + off + 16, 2);
			memcpy(&t, buf + off + 18, 1);
			if (reclen < 24 || off + reclen > n)
				break;
			if (strcmp(buf + off + 19, name) == 0 && (type < 0 || t == type))
				found = 1;
			off += reclen;
		}
	}
	pmc_close(coid);
	return found;
}

static void test_procnto_names(void)
{
	CHECK_EQ(resolve("/proc/boot"), (long)PMC_RET_LINK);
	if (CHECK(rep.nentries >= 1)) {
		CHECK_EQ(rep.e[0].pid, 1);
		CHECK_EQ(rep.e[0].chid, 1);
		CHECK_EQ(rep.e[0].prefix_len, 10);
		CHECK_EQ(strcmp(rep.path, "/proc/boot"), 0);
	}
	CHECK_EQ(resolve("/no/such/name"), -ENOENT);
	CHECK_EQ(resolve("/"), (long)PMC_RET_LINK);
	if (CHECK_EQ(rep.nentries, 1)) { /* the root exists only because of names below it */
		CHECK_EQ(rep.e[0].pid, 1);
		CHECK_EQ(rep.e[0].prefix_len, 1);
	}
	CHECK_EQ(resolve("//proc/./x/../boot/"), (long)PMC_RET_LINK);
	CHECK_EQ(strcmp(rep.path, "/proc/boot"), 0);
	struct _io_stat st;
	if (CHECK_EQ(pmc_stat("/", 0, &st), 0))
		CHECK(S_ISDIR(st.st_mode));
	if (CHECK_EQ(pmc_stat("/proc", 0, &st), 0))
		CHECK(S_ISDIR(st.st_mode));
	CHECK(dir_has("/", "proc", DT_DIR));
	CHECK(dir_has("/", ".", DT_DIR));
	CHECK(dir_has("/", "..", DT_DIR));
	CHECK(dir_has("/proc", "boot", DT_DIR));
	CHECK(dir_has("/proc", "1", DT_DIR));
	char me[16];
	snprintf(me, sizeof(me), "%d", mypid);
	CHECK(dir_has("/proc", me, DT_DIR));
	CHECK(dir_has("/proc", "self", DT_LNK));
	CHECK_EQ(pmc_open("/", O_WRONLY), -EISDIR);
}

static int srv_a;
static struct pm_report rep_a;

static void test_prefixes(void)
{
	static const char *const specs[] = {"/pmtest/a:d", "/pmtest/a/b:d", "/pmtest/dev",
					    "/pmtest/q:d", "/pmtest/q/r:do"};
	srv_a = spawn_server("A", specs, 5, &rep_a);
	if (srv_a < 0)
		return;
	CHECK_EQ(resolve("/pmtest/a/b/c"), (long)PMC_RET_LINK);
	if (CHECK_EQ(rep.nentries, 2)) {
		CHECK_EQ(rep.e[0].pid, srv_a);
		CHECK_EQ(rep.e[0].chid, rep_a.chid);
		CHECK_EQ(rep.e[0].handle, 1);
		CHECK_EQ(rep.e[0].prefix_len, 11);
		CHECK_EQ(rep.e[1].handle, 0);
		CHECK_EQ(rep.e[1].prefix_len, 9);
	}
	char buf[256];
	CHECK_EQ(read_path("/pmtest/a/b/c", buf, sizeof(buf)), 5);
	CHECK_EQ(strcmp(buf, "A:1:c"), 0);
	CHECK(read_path("/pmtest/a/x/y", buf, sizeof(buf)) > 0 && strcmp(buf, "A:0:x/y") == 0);
	CHECK(read_path("/pmtest/a", buf, sizeof(buf)) > 0 && strcmp(buf, "A:0:") == 0);
	/* the client falls through to the shorter prefix on ENOENT */
	CHECK(read_path("/pmtest/a/b/missing", buf, sizeof(buf)) > 0 &&
	      strcmp(buf, "A:0:b/missing") == 0);
	CHECK_EQ(pmc_open("/pmtest/a/missing", O_RDONLY), -ENOENT);
	/* not a directory: the name only */
	CHECK_EQ(resolve("/pmtest/dev"), (long)PMC_RET_LINK);
	CHECK(rep.nentries == 1 && rep.e[0].handle == 2 && rep.e[0].prefix_len == 11);
	CHECK_EQ(resolve("/pmtest/dev/x"), -ENOENT);
	CHECK(read_path("/pmtest/dev", buf, sizeof(buf)) > 0 && strcmp(buf, "A:2:") == 0);
	/* opaque */
	CHECK_EQ(resolve("/pmtest/q/r/s"), (long)PMC_RET_LINK);
	CHECK(rep.nentries == 1 && rep.e[0].handle == 4);
	CHECK_EQ(resolve("/pmtest/q/s"), (long)PMC_RET_LINK);
	CHECK(rep.nentries == 1 && rep.e[0].handle == 3);
	/* /pmtest exists because names are attached below it */
	CHECK_EQ(resolve("/pmtest"), (long)PMC_RET_LINK);
	CHECK(rep.nentries == 1 && rep.e[0].pid == 1 && rep.e[0].prefix_len == 1);
	struct _io_stat st;
	if (CHECK_EQ(pmc_stat("/pmtest", 0, &st), 0))
		CHECK(S_ISDIR(st.st_mode));
	CHECK(dir_has("/pmtest", "a", DT_DIR));
	CHECK(dir_has("/pmtest", "q", DT_DIR));
	CHECK(dir_has("/pmtest", "dev", DT_UNKNOWN));
	static char mounts[4096];
	if (CHECK(read_path("/proc/mounts", mounts, sizeof(mounts)) > 0))
		CHECK(strstr(mounts, "pm_server /pmtest/a/b resmgr rw,") != NULL);
}

static int srv_b, srv_c;
static struct pm_report rep_b, rep_c;

static void expect_order(const int *pids, const int *handles, unsigned n)
{
	if (!CHECK_EQ(resolve("/pmtest/u"), (long)PMC_RET_LINK) || !CHECK_EQ(rep.nentries, n))
		return;
	for (unsigned i = 0; i < n; i++) {
		if (!CHECK_EQ(rep.e[i].pid, pids[i]) || !CHECK_EQ(rep.e[i].handle, handles[i]))
			ntest_info("entry %u", i);
		CHECK_EQ(rep.e[i].prefix_len, 9);
	}
}

static void test_order(void)
{
	static const char *const specs_b[] = {"/pmtest/u:a", "/pmtest/u:", "/pmtest/u:b",
					      "/pmtest/u:"};
	static const char *const specs_c[] = {"/pmtest/u:d"};
	srv_b = spawn_server("B", specs_b, 4, &rep_b);
	srv_c = spawn_server("C", specs_c, 1, &rep_c);
	if (srv_b < 0 || srv_c < 0)
		return;
	int pids[] = {srv_b, srv_c, srv_b, srv_b, srv_b};
	int handles[] = {2, 0, 3, 1, 0};
	expect_order(pids, handles, 5);
	char buf[64];
	CHECK(read_path("/pmtest/u", buf, sizeof(buf)) > 0 && strcmp(buf, "B:2:") == 0);
	/* resmgr_detach removes the name */
	server_ctl(srv_b, rep_b.chid, PM_DETACH, 2);
	expect_order(pids + 1, handles + 1, 4);
	CHECK(read_path("/pmtest/u/v", buf, sizeof(buf)) > 0 && strcmp(buf, "C:0:v") == 0);
	/* somebody else's link id cannot be removed */
	struct _pathmgr_unlink ul = {.type = _PATHMGR_UNLINK, .id = 1};
	CHECK_ERR(MsgSend(SYSMGR_COID, &ul, sizeof(ul), NULL, 0), ENOENT);
}

/* Waits (up to 2 s) for path to stop resolving. */
static int gone(const char *path)
{
	uint64_t end = ntest_now() + 2000 * NTEST_MS;
	while (resolve(path) != -ENOENT && ntest_now() < end)
		sleep_ms(2);
	return resolve(path) == -ENOENT;
}

static void test_death(void)
{
	int status;
	if (srv_c > 0) {
		CHECK_EQ(kill(srv_c, SIGKILL), 0);
		CHECK_EQ(ProcWait(srv_c, &status, 0), srv_c);
		int pids[] = {srv_b, srv_b, srv_b};
		int handles[] = {3, 1, 0};
		uint64_t end = ntest_now() + 2000 * NTEST_MS;
		while (resolve("/pmtest/u") == (long)PMC_RET_LINK && rep.nentries != 3 &&
		       ntest_now() < end)
			sleep_ms(2);
		expect_order(pids, handles, 3);
	}
	if (srv_b > 0) {
		server_ctl(srv_b, rep_b.chid, PM_QUIT, 0);
		CHECK_EQ(ProcWait(srv_b, &status, 0), srv_b);
		CHECK_EQ(status, 0);
		CHECK(gone("/pmtest/u"));
	}
	if (srv_a > 0) {
		CHECK_EQ(kill(srv_a, SIGKILL), 0);
		CHECK_EQ(ProcWait(srv_a, &status, 0), srv_a);
		CHECK(gone("/pmtest/a/b/c"));
		CHECK(gone("/pmtest/dev"));
		CHECK(gone("/pmtest")); /* no name below it any more */
	}
}

static int symlink_pm(const char *path, const char *target)
{
	struct {
		struct _pathmgr_symlink h;
		char data[256];
	} m = {.h = {.type = _PATHMGR_SYMLINK}};
	size_t pl = strlen(path) + 1, tl = strlen(target) + 1;
	m.h.path_len = (uint16_t)pl;
	m.h.target_len = (uint16_t)tl;
	memcpy(m.data, path, pl);
	memcpy(m.data + pl, target, tl);
	return (int)MsgSend(SYSMGR_COID, &m, sizeof(m.h) + pl + tl, NULL, 0);
}

static void test_symlinks(void)
{
	int ln = symlink_pm("/pmtest/ln", "/proc/boot");
	CHECK(ln > 0);
	CHECK_ERR(symlink_pm("/pmtest/ln", "/x"), EEXIST);
	CHECK_ERR(symlink_pm("pmtest/rel", "/x"), EINVAL);
	CHECK_EQ(resolve("/pmtest/ln/" MYNAME), (long)PMC_RET_LINK);
	CHECK_EQ(rep.nentries, 0);
	CHECK_EQ(strcmp(rep.path, "/proc/boot/" MYNAME), 0);
	CHECK_EQ(resolve("/pmtest/ln"), (long)PMC_RET_LINK);
	CHECK(rep.nentries == 0 && strcmp(rep.path, "/proc/boot") == 0);
	char buf[256];
	CHECK_EQ(pmc_readlink("/pmtest/ln", buf, sizeof(buf)), 10);
	CHECK_EQ(strcmp(buf, "/proc/boot"), 0);
	struct _io_stat st;
	if (CHECK_EQ(pmc_stat("/pmtest/ln", 1, &st), 0)) {
		CHECK(S_ISLNK(st.st_mode));
		CHECK_EQ(st.st_size, 10);
	}
	if (CHECK_EQ(pmc_stat("/pmtest/ln", 0, &st), 0))
		CHECK(S_ISDIR(st.st_mode));
	CHECK(dir_has("/pmtest", "ln", DT_LNK));
	/* a relative target is taken from the link's directory */
	int rl = symlink_pm("/pmtest/rl", "ln/" MYNAME);
	CHECK(rl > 0);
	struct pmc_req q = {.subtype = _IO_CONNECT_OPEN, .ioflag = _IO_OFLAG_TO_IOFLAG(O_RDONLY)};
	char final[PMC_PATH_MAX];
	int coid = pmc_open_ex("/pmtest/rl", &q, final, NULL, NULL, NULL, 0);
	if (CHECK(coid >= 0)) {
		CHECK_EQ(strcmp(final, "/proc/boot/" MYNAME), 0);
		pmc_close(coid);
	}
	/* O_NOFOLLOW on a link */
	CHECK_EQ(pmc_open("/pmtest/ln", O_RDONLY | O_NOFOLLOW), -ELOOP);
	/* loops end with ELOOP at the client */
	int lp = symlink_pm("/pmtest/loop", "/pmtest/loop");
	CHECK(lp > 0);
	CHECK_EQ(pmc_open("/pmtest/loop", O_RDONLY), -ELOOP);
	/* removal: by id, and by an unlink of the path */
	struct _pathmgr_unlink ul = {.type = _PATHMGR_UNLINK, .id = ln};
	CHECK_EQ(MsgSend(SYSMGR_COID, &ul, sizeof(ul), NULL, 0), 0);
	CHECK_EQ(resolve("/pmtest/ln/x"), -ENOENT);
	struct pmc_req uq = {.subtype = _IO_CONNECT_UNLINK};
	coid = pmc_open_ex("/pmtest/rl", &uq, NULL, NULL, NULL, NULL, 0);
	if (CHECK(coid >= 0))
		ConnectDetach(coid);
	CHECK_EQ(resolve("/pmtest/rl"), -ENOENT);
	ul.id = lp;
	CHECK_EQ(MsgSend(SYSMGR_COID, &ul, sizeof(ul), NULL, 0), 0);
	CHECK(gone("/pmtest"));
}

/* The boot image's own entry for name. */
static const struct ifs_dirent *image_entry(const uint8_t *img, const char *name)
{
	const struct ifs_header *h = (const void *)img;
	const struct ifs_dirent *d = (const void *)(img + sizeof(*h));
	const char *strtab = (const char *)img + h->strtab_off;
	for (uint32_t i = 0; i < h->n_entries; i++)
		if (strcmp(strtab + d[i].name_off, name) == 0)
			return &d[i];
	return NULL;
}

static void test_bootfs(void)
{
	void *base = NULL;
	uint64_t size = 0;
	if (!CHECK_EQ(ImageMap(&base, &size), 0))
		return;
	const uint8_t *img = base;
	const struct ifs_dirent *d = image_entry(img, MYNAME);
	if (!CHECK(d != NULL))
		return;
	const uint8_t *data = img + d->data_off;
	int coid = pmc_open("/proc/boot/" MYNAME, O_RDONLY);
	if (!CHECK(coid >= 0))
		return;
	static uint8_t buf[8192];
	uint64_t off = 0;
	int same = 1;
	long n;
	while ((n = pmc_read(coid, buf, sizeof(buf))) > 0) {
		if (off + (uint64_t)n > d->size || memcmp(buf, data + off, (size_t)n) != 0)
			same = 0;
		off += (uint64_t)n;
	}
	CHECK_EQ(n, 0);
	CHECK_EQ(off, d->size);
	CHECK(same);
	struct _io_lseek ls = {.type = _IO_LSEEK, .whence = SEEK_SET, .offset = 100};
	uint64_t pos = 0;
	CHECK_EQ(MsgSend(coid, &ls, sizeof(ls), &pos, sizeof(pos)), 0);
	CHECK_EQ(pos, 100);
	CHECK_EQ(pmc_read(coid, buf, 10), 10);
	CHECK_EQ(memcmp(buf, data + 100, 10), 0);
	struct _io_stat_req sr = {.type = _IO_STAT};
	struct _io_stat st;
	CHECK_EQ(MsgSend(coid, &sr, sizeof(sr), &st, sizeof(st)), 0);
	CHECK(S_ISREG(st.st_mode));
	CHECK_EQ(st.st_mode & 07777, d->mode & 07777);
	CHECK_EQ(st.st_size, (long long)d->size);
	CHECK_EQ(st.st_mtime_sec, d->mtime);
	CHECK_EQ(st.st_uid, d->uid);
	CHECK(st.st_ino > 1);
	struct _io_write w = {.type = _IO_WRITE, .nbytes = 1};
	char wm[sizeof(w) + 1];
	memcpy(wm, &w, sizeof(w));
	CHECK_ERR(MsgSend(coid, wm, sizeof(wm), NULL, 0), EBADF); /* opened read-only */
	pmc_close(coid);

	CHECK_EQ(pmc_open("/proc/boot/" MYNAME, O_WRONLY), -EROFS);
	CHECK_EQ(pmc_open("/proc/boot/" MYNAME, O_RDONLY | O_TRUNC), -EROFS);
	CHECK_EQ(pmc_open("/proc/boot/" MYNAME, O_RDONLY | O_CREAT | O_EXCL), -EEXIST);
	CHECK_EQ(pmc_open("/proc/boot/" MYNAME "/", O_RDONLY | O_DIRECTORY), -ENOTDIR);
	CHECK_EQ(pmc_open("/proc/boot/nonexistent", O_RDONLY), -ENOENT);
	struct pmc_req uq = {.subtype = _IO_CONNECT_UNLINK};
	CHECK_EQ(pmc_open_ex("/proc/boot/" MYNAME, &uq, NULL, NULL, NULL, NULL, 0), -EROFS);
	if (CHECK_EQ(pmc_stat("/proc/boot", 0, &st), 0)) {
		CHECK(S_ISDIR(st.st_mode));
		CHECK_EQ(st.st_mode & 0777, 0555);
	}
	CHECK(dir_has("/proc/boot", MYNAME, DT_REG));
	CHECK(dir_has("/proc/boot", "procnto", DT_REG));
	CHECK(dir_has("/proc/boot", "pmlink", DT_DIR));
	CHECK(dir_has("/proc/boot/pmlink", "abs", DT_LNK));

	/* the image's links, in /proc/boot and at /<name> */
	char lb[256];
	CHECK_EQ(pmc_readlink("/proc/boot/pmlink/rel", lb, sizeof(lb)), 12);
	CHECK_EQ(strcmp(lb, "../" MYNAME), 0);
	if (CHECK_EQ(pmc_stat("/proc/boot/pmlink/abs", 1, &st), 0))
		CHECK(S_ISLNK(st.st_mode));
	if (CHECK_EQ(pmc_stat("/proc/boot/pmlink/rel", 0, &st), 0))
		CHECK_EQ(st.st_size, (long long)d->size);
	CHECK_EQ(resolve("/pmlink/abs"), (long)PMC_RET_LINK);
	CHECK(rep.nentries == 0 && strcmp(rep.path, "/proc/boot/" MYNAME) == 0);
	CHECK_EQ(resolve("/pmlink/rel"), (long)PMC_RET_LINK);
	CHECK(rep.nentries == 0 && strcmp(rep.path, "/proc/boot/" MYNAME) == 0);
	CHECK_EQ(pmc_readlink("/pmlink/rel", lb, sizeof(lb)), 20);
	if (CHECK_EQ(pmc_stat("/pmlink/rel", 0, &st), 0))
		CHECK_EQ(st.st_size, (long long)d->size);
	CHECK(dir_has("/", "pmlink", DT_DIR));
	CHECK(dir_has("/pmlink", "rel", DT_LNK));
}

static void test_procfs(void)
{
	struct _proc_info pi;
	CHECK_EQ(ProcInfo(0, &pi), mypid);
	CHECK_EQ(pi.pid, mypid);
	CHECK_EQ(pi.ppid, 1);
	CHECK_EQ(strcmp(pi.name, MYNAME), 0);
	CHECK_EQ(pi.state, _NTO_PROCINFO_RUNNING);
	CHECK_EQ(pi.nthreads, 1);
	CHECK(pi.user_pages > 0);
	CHECK_EQ(ProcInfo(1, &pi), 1);
	CHECK_EQ(strcmp(pi.name, "procnto"), 0);
	CHECK_ERR(ProcInfo(32767, &pi), ESRCH);
	CHECK_ERR(ProcInfo(-1, &pi), EINVAL);
	CHECK_ERR(ProcInfo(mypid, NULL), EFAULT);
	int seen_me = 0, seen_1 = 0, count = 0;
	for (int p = 1; (p = ProcInfo_r(p | _NTO_PROCINFO_NEXT, &pi)) > 0; p++) {
		CHECK_EQ(pi.pid, p);
		seen_me |= p == mypid;
		seen_1 |= p == 1;
		count++;
	}
	CHECK(seen_me && seen_1);
	struct _sys_meminfo mi;
	if (CHECK_EQ(SysMemInfo(&mi), 0))
		CHECK_EQ((uint64_t)count, mi.n_processes);

	/* a zombie until collected */
	char *argv[] = {"exit42", NULL};
	char *envp[] = {NULL};
	int z = ImageSpawn("exit42", argv, envp, NULL);
	if (CHECK(z > 0)) {
		uint64_t end = ntest_now() + 2000 * NTEST_MS;
		while (ProcInfo(z, &pi) == z && pi.state != _NTO_PROCINFO_ZOMBIE && ntest_now() < end)
			sleep_ms(2);
		CHECK_EQ(pi.state, _NTO_PROCINFO_ZOMBIE);
		CHECK_EQ(pi.exit_status, 42 << 8);
		CHECK_EQ(pi.nthreads, 0);
		int status;
		CHECK_EQ(ProcWait(z, &status, 0), z);
		CHECK_ERR(ProcInfo(z, &pi), ESRCH);
	}

	char buf[512], want[64];
	snprintf(want, sizeof(want), "%d", mypid);
	CHECK_EQ(pmc_readlink("/proc/self", buf, sizeof(buf)), (int)strlen(want));
	CHECK_EQ(strcmp(buf, want), 0);
	if (CHECK(read_path("/proc/self/status", buf, sizeof(buf)) > 0)) {
		CHECK(strstr(buf, "Name:\t" MYNAME "\n") != NULL);
		snprintf(want, sizeof(want), "\nPid:\t%d\nPPid:\t1\n", mypid);
		CHECK(strstr(buf, want) != NULL);
		CHECK(strstr(buf, "\nThreads:\t1\n") != NULL);
	}
	snprintf(want, sizeof(want), "/proc/%d", mypid);
	struct _io_stat st;
	if (CHECK_EQ(pmc_stat(want, 0, &st), 0))
		CHECK(S_ISDIR(st.st_mode));
	CHECK(dir_has(want, "status", DT_REG));
	CHECK_EQ(pmc_stat("/proc/32767", 0, &st), -ENOENT);
	static char mounts[4096];
	if (CHECK(read_path("/proc/mounts", mounts, sizeof(mounts)) > 0))
		CHECK(strstr(mounts, "procnto /proc/boot resmgr ro,pid=1,chid=1,") != NULL);
}

int main(void)
{
	ntest_start("pathmgr");
	ntest_sched_self(SCHED_FIFO, PRIO);
	mypid = getpid();
	test_procnto_names();
	test_prefixes();
	test_order();
	test_death();
	test_symlinks();
	test_bootfs();
	test_procfs();
	ntest_done();
}
