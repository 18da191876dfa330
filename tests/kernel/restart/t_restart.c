/*
 * t_restart: driver restart (issue 5). Starts restartd supervising five
 * entities (restart_srv at /test/rs, ab, nv, mx; restart_bad crash-looping), then:
 * procnto's death events and death records; SIGKILL and every fault-point
 * kind (recovery: new pid serving the path again, restart count, reason);
 * a client blocked on a server that dies gets ESRCH; a hung server is
 * killed when its heartbeats stop; policies abnormal and never; max
 * restarts in a window; exponential back-off of a crash loop; adoption of
 * a server that ran before restartd; faultinj's
 * report; restartd killed, restarted by procnto, adopting the running
 * server and keeping its state; restartd stopped for good.
 */
#include "ntest.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/faultpoint.h>
#include <sys/pathfind.h>
#include <sys/procmgr.h>
#include <sys/restart.h>

#include "client.h"

#define DEATH_CODE 7
#define BAD_DEATHS_MAX 16

static char *const rd_argv[] = {
	"restartd",
	"-e", "srv /test/rs policy=always max=50 window=60 heartbeat=100 restart_srv /test/rs",
	"-e", "ab /test/ab policy=abnormal restart_srv /test/ab",
	"-e", "nv /test/nv policy=never restart_srv /test/nv",
	"-e", "mx /test/mx policy=always max=2 window=60 restart_srv /test/mx",
	"-e", "cr /test/cr policy=always max=4 window=60 backoff=50 restart_bad /test/cr",
	"-e", "ad /test/ad heartbeat=100 restart_srv /test/ad",
	NULL,
};

static int chid = -1;
/* Deaths of restart_bad seen through procnto's death events. */
static uint64_t bad_deaths[BAD_DEATHS_MAX];
static int nbad;
/* The last death event's pid for anyone else. */
static int last_dead_pid;

static void sleep_ms(unsigned ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

static int death_info(int pid, struct procmgr_death_info *d)
{
	struct _procmgr_death_info_req q = {.type = _PROCMGR_DEATH_INFO, .pid = pid};
	long r = MsgSend_r(SYSMGR_COID, &q, sizeof(q), d, sizeof(*d));
	return r < 0 ? (int)r : 0;
}

/* Takes the death events queued on our channel (no waiting). */
static void drain_deaths(void)
{
	for (;;) {
		uint64_t ns = 0;
		struct sigevent ev;
		memset(&ev, 0, sizeof(ev));
		SIGEV_UNBLOCK_INIT(&ev);
		struct _pulse p;
		TimerTimeout_r(_NTO_CLOCK_MONOTONIC, _NTO_TIMEOUT_RECEIVE, &ev, &ns, NULL);
		if (MsgReceivePulse_r(chid, &p, sizeof(p), NULL) < 0)
			return;
		if (p.code != DEATH_CODE)
			continue;
		int pid = p.value.sival_int;
		struct procmgr_death_info d;
		if (death_info(pid, &d) == 0 && !strcmp(d.name, "restart_bad")) {
			if (nbad < BAD_DEATHS_MAX)
				bad_deaths[nbad++] = d.time_ns;
		} else {
			last_dead_pid = pid;
		}
	}
}

/* Waits until entity name is in state (and, for "up", has a pid other than
 * not_pid). 1 when it did, 0 on timeout (with a message). */
static int wait_entity(const char *name, const char *state, int not_pid, unsigned ms,
		       struct rc_entry *e)
{
	uint64_t end = ntest_now() + (uint64_t)ms * NTEST_MS;
	int r = -1;
	while (ntest_now() < end) {
		drain_deaths();
		r = rc_find(name, e);
		if (r == 0 && !strcmp(e->state, state) &&
		    (strcmp(state, "up") || (e->pid && e->pid != not_pid)))
			return 1;
		sleep_ms(5);
	}
	if (r == 0)
		ntest_info("%s: state %s pid %d restarts %u reason %s, wanted %s", name, e->state,
			   e->pid, e->restarts, e->reason, state);
	else
		ntest_info("%s: status unreadable: %s", name, strerror(-r));
	return 0;
}

/* Sends a fault point to the server of path; the reply status or -errno. */
static long fault(const char *path, int kind, uint32_t flags, int arg)
{
	struct _io_connect_entry e;
	int r = resmgr_path_server(path, &e);
	if (r < 0)
		return r;
	int coid = ConnectAttach_r(0, e.pid, e.chid, _NTO_SIDE_CHANNEL, 0);
	if (coid < 0)
		return coid;
	struct _faultpoint m = {.type = _FAULTPOINT_MSG, .kind = (uint16_t)kind, .flags = flags,
				.arg = arg};
	long st = MsgSend_r(coid, &m, sizeof(m), NULL, 0);
	ConnectDetach_r(coid);
	return st;
}

/* The pid the server of path reports by read(), or -1. */
static int served_pid(const char *path) { return ntest_read_int(path); }

/* Kills or faults entity name and checks that it comes back with a new
 * pid serving its path, one more restart, and the death reason. */
static void restart_round(const char *name, const char *path, int kind, const char *reason)
{
	struct rc_entry before, after;
	if (!CHECK(wait_entity(name, "up", 0, 3000, &before)))
		return;
	if (kind == 0)
		CHECK_EQ(kill(before.pid, SIGKILL), 0);
	else
		CHECK_EQ(fault(path, kind, 0, 0), 0);
	if (!CHECK(wait_entity(name, "up", before.pid, 5000, &after)))
		return;
	CHECK_EQ(after.restarts, before.restarts + 1);
	if (!CHECK(!strcmp(after.reason, reason)))
		ntest_info("%s: reason %s, expected %s", name, after.reason, reason);
	CHECK(after.recovery_us > 0 && after.recovery_us < 5000000);
	struct _io_connect_entry e;
	CHECK(resmgr_path_server(path, &e) == 0 && e.pid == after.pid);
	CHECK_EQ(served_pid(path), after.pid);
	ntest_info("%s: %s: pid %d -> %d, recovered in %lld us", name, reason, before.pid, after.pid,
		   after.recovery_us);
}

/* ad was running before restartd (started here, without heartbeats):
 * adopted, not killed for missing beats, restarted when it dies. */
static void test_adopt(int pid)
{
	struct rc_entry e;
	if (!CHECK(wait_entity("ad", "up", 0, 3000, &e)))
		return;
	CHECK_EQ(e.pid, pid);
	sleep_ms(500);
	if (CHECK_EQ(rc_find("ad", &e), 0)) {
		CHECK_EQ(e.pid, pid);
		CHECK(!strcmp(e.state, "up"));
	}
	restart_round("ad", "/test/ad", 0, "SIGKILL");
	int st;
	CHECK_EQ(ProcWait_r(pid, &st, 0), pid);
	restart_round("ad", "/test/ad", FAULTPOINT_LOOP, "hang"); /* it beats now */
}

static void test_death_events(void)
{
	struct rc_entry e;
	if (!CHECK(wait_entity("srv", "up", 0, 3000, &e)))
		return;
	drain_deaths();
	last_dead_pid = 0;
	restart_round("srv", "/test/rs", 0, "SIGKILL");
	drain_deaths();
	CHECK_EQ(last_dead_pid, e.pid); /* restartd's child, reported to us all the same */
	struct procmgr_death_info d;
	if (CHECK_EQ(death_info(e.pid, &d), 0)) {
		CHECK(WIFSIGNALED(d.status) && WTERMSIG(d.status) == SIGKILL);
		CHECK(!strcmp(d.name, "restart_srv"));
		CHECK(d.time_ns > 0 && d.time_ns <= ntest_now());
	}
	CHECK_EQ(death_info(1, &d), -ENOENT);
}

static void test_faults(void)
{
	restart_round("srv", "/test/rs", FAULTPOINT_WILD, "SIGSEGV");
	restart_round("srv", "/test/rs", FAULTPOINT_NULL, "SIGSEGV");
	restart_round("srv", "/test/rs", FAULTPOINT_ILL, "SIGILL");
	restart_round("srv", "/test/rs", FAULTPOINT_ABORT, "SIGABRT");
	restart_round("srv", "/test/rs", FAULTPOINT_LOOP, "hang");
	CHECK_EQ(fault("/test/rs", 99, 0, 0), -EINVAL);
}

/* A client blocked in a request to a server that dies gets ESRCH. */
static void test_blocked_client(void)
{
	struct rc_entry before, after;
	if (!CHECK(wait_entity("srv", "up", 0, 3000, &before)))
		return;
	CHECK_EQ(fault("/test/rs", FAULTPOINT_NULL, FAULTPOINT_F_NEXT_IO, 0), 0);
	struct _io_connect_entry e;
	if (!CHECK_EQ(resmgr_path_server("/test/rs", &e), 0))
		return;
	int coid = ConnectAttach_r(0, e.pid, e.chid, _NTO_SIDE_CHANNEL, 0);
	struct _io_read rd = {.type = _IO_READ, .nbytes = 16};
	char buf[16];
	CHECK_EQ(MsgSend_r(coid, &rd, sizeof(rd), buf, sizeof(buf)), -ESRCH);
	CHECK_EQ(MsgSend_r(coid, &rd, sizeof(rd), buf, sizeof(buf)), -EBADF);
	ConnectDetach_r(coid);
	CHECK(wait_entity("srv", "up", before.pid, 5000, &after));
}

static void test_policies(void)
{
	struct rc_entry e, a;
	/* abnormal: restarted after SIGKILL, left alone after exit(0) */
	restart_round("ab", "/test/ab", 0, "SIGKILL");
	if (CHECK(wait_entity("ab", "up", 0, 3000, &e))) {
		CHECK_EQ(fault("/test/ab", FAULTPOINT_EXIT, 0, 0), 0);
		if (CHECK(wait_entity("ab", "done", 0, 3000, &a))) {
			CHECK_EQ(a.pid, 0);
			CHECK_EQ(a.restarts, e.restarts);
			CHECK(!strcmp(a.reason, "exit0"));
		}
	}
	/* never */
	if (CHECK(wait_entity("nv", "up", 0, 3000, &e))) {
		CHECK_EQ(kill(e.pid, SIGKILL), 0);
		if (CHECK(wait_entity("nv", "dead", 0, 3000, &a)))
			CHECK_EQ(a.restarts, 0);
	}
	/* max=2 in 60 s: the third death is one too many */
	restart_round("mx", "/test/mx", 0, "SIGKILL");
	restart_round("mx", "/test/mx", FAULTPOINT_ILL, "SIGILL");
	if (CHECK(wait_entity("mx", "up", 0, 3000, &e))) {
		CHECK_EQ(kill(e.pid, SIGKILL), 0);
		if (CHECK(wait_entity("mx", "failed", 0, 3000, &a)))
			CHECK_EQ(a.restarts, 2);
	}
}

/* restart_bad dies at every start: restarts after 50, 100, 200, 400 ms,
 * then (max=4) restartd gives up. */
static void test_backoff(void)
{
	struct rc_entry e;
	if (!CHECK(wait_entity("cr", "failed", 0, 8000, &e)))
		return;
	drain_deaths();
	CHECK_EQ(e.restarts, 4);
	if (!CHECK_EQ(nbad, 5))
		return;
	for (int i = 1; i < nbad; i++) {
		uint64_t gap_ms = (bad_deaths[i] - bad_deaths[i - 1]) / NTEST_MS;
		uint64_t want = 50u << (i - 1);
		ntest_info("cr: death %d after %llu ms (back-off %llu ms)", i,
			   (unsigned long long)gap_ms, (unsigned long long)want);
		CHECK(gap_ms >= want - want / 10);
		CHECK(gap_ms < want * 4 + 500);
	}
}

static void test_faultinj(void)
{
	char *argv[] = {"faultinj", "-n", "6", "-k", "random", "-i", "5-40", "-v", "srv", NULL};
	char *envp[] = {NULL};
	struct _image_spawn_attr attr = {.priority = 0, .policy = -1};
	int pid = ImageSpawn_r("faultinj", argv, envp, &attr);
	if (!CHECK(pid > 0))
		return;
	int st = 0;
	CHECK_EQ(ProcWait_r(pid, &st, 0), pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

/* restartd dies: procnto starts it again, and it adopts the running srv. */
static void test_restartd_restart(int *rd_pid)
{
	struct rc_entry e, a;
	struct _io_connect_entry old, now;
	if (!CHECK(wait_entity("srv", "up", 0, 3000, &e)) ||
	    !CHECK_EQ(resmgr_path_server(RESTART_PATH, &old), 0))
		return;
	CHECK_EQ(old.pid, *rd_pid);
	CHECK_EQ(kill(*rd_pid, SIGKILL), 0);
	int st;
	CHECK_EQ(ProcWait_r(*rd_pid, &st, 0), *rd_pid);
	uint64_t end = ntest_now() + 3000 * NTEST_MS;
	int back = 0;
	while (!back && ntest_now() < end) {
		back = resmgr_path_server(RESTART_PATH, &now) == 0 && now.pid != old.pid;
		if (!back)
			sleep_ms(5);
	}
	if (!CHECK(back))
		return;
	*rd_pid = now.pid;
	ntest_info("restartd: pid %d -> %d", old.pid, now.pid);
	if (CHECK(wait_entity("srv", "up", 0, 3000, &a))) {
		CHECK_EQ(a.pid, e.pid); /* adopted, not started twice */
		CHECK_EQ(a.restarts, e.restarts); /* its state came back (-S) */
		CHECK_EQ(a.recovery_us, e.recovery_us);
	}
	/* the settled ones stay as they were: not started again */
	static const char *const settled[][2] = {
		{"ab", "done"}, {"nv", "dead"}, {"mx", "failed"}, {"cr", "failed"}};
	for (int i = 0; i < 4; i++) {
		if (CHECK_EQ(rc_find(settled[i][0], &a), 0)) {
			CHECK(!strcmp(a.state, settled[i][1]));
			CHECK_EQ(a.pid, 0);
		}
	}
	restart_round("srv", "/test/rs", 0, "SIGKILL");
	restart_round("srv", "/test/rs", FAULTPOINT_LOOP, "hang"); /* beats reach the new one */
}

static void test_shutdown(void)
{
	struct rc_entry e;
	CHECK(wait_entity("srv", "up", 0, 3000, &e));
	int coid = rc_connect();
	if (!CHECK(coid >= 0))
		return;
	CHECK_EQ(rc_shutdown(coid, RESTART_SHUTDOWN_KILL), 0);
	ConnectDetach_r(coid);
	struct _io_connect_entry x;
	uint64_t end = ntest_now() + 2000 * NTEST_MS;
	while (resmgr_path_server(RESTART_PATH, &x) == 0 && ntest_now() < end)
		sleep_ms(5);
	CHECK(resmgr_path_server(RESTART_PATH, &x) < 0);
	sleep_ms(200); /* procnto must not start it again */
	CHECK(resmgr_path_server(RESTART_PATH, &x) < 0);
	struct _proc_info pi;
	CHECK(ProcInfo_r(e.pid, &pi) < 0 || pi.state != _NTO_PROCINFO_RUNNING);
}

int main(void)
{
	ntest_start("restart");
	chid = ChannelCreate_r(0);
	int self = ConnectAttach_r(0, 0, chid, _NTO_SIDE_CHANNEL, 0);
	struct _procmgr_event_notify n;
	memset(&n, 0, sizeof(n));
	n.type = _PROCMGR_EVENT_NOTIFY;
	n.flags = PROCMGR_EVENT_DEATH;
	SIGEV_PULSE_INIT(&n.event, self, SIGEV_PULSE_PRIO_INHERIT, DEATH_CODE, 0);
	CHECK_EQ(MsgSend_r(SYSMGR_COID, &n, sizeof(n), NULL, 0), 0);

	extern char **environ;
	struct _image_spawn_attr attr = {.priority = 0, .policy = -1};
	char *ad_argv[] = {"restart_srv", "/test/ad", NULL};
	int ad = ImageSpawn_r("restart_srv", ad_argv, environ, &attr);
	CHECK(ad > 0);
	struct _io_connect_entry x;
	for (int i = 0; i < 500 && resmgr_path_server("/test/ad", &x) < 0; i++)
		sleep_ms(5);
	int rd = ImageSpawn_r("restartd", rd_argv, environ, &attr);
	if (!CHECK(rd > 0))
		ntest_done();
	struct rc_entry e;
	CHECK(wait_entity("srv", "up", 0, 5000, &e));
	test_backoff();
	test_adopt(ad);
	test_death_events();
	test_faults();
	test_blocked_client();
	test_policies();
	test_faultinj();
	test_restartd_restart(&rd);
	test_shutdown();
	ntest_done();
}
