/*
 * badargs_sys: the t_badargs probes of the non-message calls: threads,
 * scheduling, signals, interrupts, clocks and timers, synchronisation
 * objects and the bootstrap process calls. Called by t_badargs.c's main;
 * probes go through TRY/judge (badargs.h).
 */
#include "badargs.h"

#include <signal.h>
#include <sys/syscall.h>

static void *never_runs(void *arg)
{
	(void)arg;
	return NULL;
}

void probe_threads(void)
{
	struct _thread_attr attr = {.policy = SCHED_FIFO, .priority = 10};
	TRY("ThreadCreate", ThreadCreate(0x7fffffff, never_runs, NULL, NULL), ESRCH, EPERM);
	TRY("ThreadCreate", ThreadCreate(0, NULL, NULL, &attr), EINVAL, EFAULT);
	TRY("ThreadCreate", ThreadCreate(0, KADDR, NULL, &attr), EINVAL, EFAULT);
	TRY("ThreadCreate", ThreadCreate(0, NONCANON, NULL, &attr), EINVAL, EFAULT);
	for (int i = 1; i < NBAD + 0; i++)
		TRY("ThreadCreate", ThreadCreate(0, never_runs, NULL, bad_ptr(i)), EFAULT);
	struct _thread_attr a = attr;
	a.priority = 256;
	TRY("ThreadCreate", ThreadCreate(0, never_runs, NULL, &a), EINVAL);
	a = attr;
	a.priority = -3;
	TRY("ThreadCreate", ThreadCreate(0, never_runs, NULL, &a), EINVAL);
	a = attr;
	a.policy = 99;
	TRY("ThreadCreate", ThreadCreate(0, never_runs, NULL, &a), EINVAL);
	a = attr;
	a.flags = -1;
	TRY("ThreadCreate", ThreadCreate(0, never_runs, NULL, &a), EINVAL);
	a = attr;
	a.stackaddr = KADDR;
	a.stacksize = 65536;
	TRY("ThreadCreate", ThreadCreate(0, never_runs, NULL, &a), EINVAL, EFAULT);
	a.stackaddr = unmapped;
	a.stacksize = SIZE_MAX;
	TRY("ThreadCreate", ThreadCreate(0, never_runs, NULL, &a), EINVAL, EFAULT);
	a.stackaddr = NULL;
	a.stacksize = SIZE_MAX - 4095;
	TRY("ThreadCreate", ThreadCreate(0, never_runs, NULL, &a), EINVAL, ENOMEM, EAGAIN);

	int tids[] = {0x7fffffff, INT_MIN, -5, 0xffff};
	for (int i = 0; i < 4; i++) {
		TRY("ThreadDestroy", ThreadDestroy(tids[i], -1, NULL), ESRCH, EINVAL);
		TRY("ThreadDetach", ThreadDetach(tids[i]), ESRCH, EINVAL);
		TRY("ThreadJoin", ThreadJoin(tids[i], NULL), ESRCH, EINVAL);
		struct sched_param sp = {.sched_priority = 10};
		TRY("SchedGet", SchedGet(0, tids[i], &sp), ESRCH, EINVAL);
		TRY("SchedSet", SchedSet(0, tids[i], SCHED_FIFO, &sp), ESRCH, EINVAL);
		TRY("SignalProcmask", SignalProcmask(0, tids[i], SIG_BLOCK, NULL, NULL), ESRCH, EINVAL);
		TRY("SignalKill", SignalKill(0, getpid(), tids[i], 0, 0, 0), ESRCH, EINVAL);
	}
	TRY("ThreadJoin", ThreadJoin(gettid(), NULL), EDEADLK, EINVAL);
	TRY("ThreadCtl", ThreadCtl(0x7fffffff, NULL), EINVAL);
	TRY("ThreadCtl", ThreadCtl(-1, KADDR), EINVAL);
}

void probe_sched(int dead_pid)
{
	struct sched_param sp = {.sched_priority = 10};
	for (int i = 1; i < NBAD + 1; i++) {
		void *p = i < NBAD ? bad_ptr(i) : text;
		TRY("SchedGet", SchedGet(0, 0, p), EFAULT);
		TRY("SchedInfo", SchedInfo(0, SCHED_FIFO, p), EFAULT);
		if (p != text)
			TRY("SchedSet", SchedSet(0, 0, SCHED_FIFO, p), EFAULT);
	}
	int pids[] = {0x7fffffff, dead_pid, -5};
	for (int i = 0; i < 3; i++) {
		if (!pids[i])
			continue;
		TRY("SchedGet", SchedGet(pids[i], 0, &sp), ESRCH, EINVAL);
		TRY("SchedSet", SchedSet(pids[i], 0, SCHED_FIFO, &sp), ESRCH, EINVAL);
		TRY("SchedInfo", SchedInfo(pids[i], SCHED_FIFO, &(struct _sched_info){0}), ESRCH, EINVAL);
	}
	TRY("SchedSet", SchedSet(0, 0, 99, &sp), EINVAL);
	TRY("SchedSet", SchedSet(0, 0, -7, &sp), EINVAL);
	int prios[] = {0, 256, -1, INT_MAX, INT_MIN};
	for (int i = 0; i < 5; i++) {
		struct sched_param bad = {.sched_priority = prios[i]};
		TRY("SchedSet", SchedSet(0, 0, SCHED_FIFO, &bad), EINVAL);
	}
	TRY("SchedInfo", SchedInfo(0, 99, &(struct _sched_info){0}), EINVAL);
	ntest_sched_self(SCHED_FIFO, 10);
}

static void never_handler(int sig)
{
	(void)sig;
}

void probe_signals(int dead_pid)
{
	sigset_t set;
	sigemptyset(&set);
	int pids[] = {0x7fffffff, dead_pid};
	for (int i = 0; i < 2; i++) {
		if (!pids[i])
			continue;
		TRY("SignalKill", SignalKill(0, pids[i], 0, SIGUSR1, 0, 0), ESRCH);
		TRY("SignalAction", SignalAction(pids[i], NULL, SIGUSR1, NULL, NULL), ESRCH, EINVAL);
		TRY("SignalProcmask", SignalProcmask(pids[i], 0, SIG_BLOCK, NULL, NULL), ESRCH, EINVAL);
	}
	int signos[] = {999, -1, INT_MAX, INT_MIN, 65};
	for (int i = 0; i < 5; i++) {
		TRY("SignalKill", SignalKill(0, getpid(), 0, signos[i], 0, 0), EINVAL);
		TRY("SignalAction", SignalAction(0, NULL, signos[i], NULL, NULL), EINVAL);
	}
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = never_handler;
	TRY("SignalAction", SignalAction(0, NULL, SIGKILL, &sa, NULL), EINVAL);
	TRY("SignalAction", SignalAction(0, NULL, SIGSTOP, &sa, NULL), EINVAL);
	TRY("SignalProcmask", SignalProcmask(0, 0, 99, &set, NULL), EINVAL);
	TRY("SignalProcmask", SignalProcmask(0, 0, -1, &set, NULL), EINVAL);
	for (int i = 1; i < NBAD + 1; i++) {
		void *p = i < NBAD ? bad_ptr(i) : text;
		if (p != text) {
			TRY("SignalAction", SignalAction(0, NULL, SIGUSR1, p, NULL), EFAULT);
			TRY("SignalProcmask", SignalProcmask(0, 0, SIG_BLOCK, p, NULL), EFAULT);
			TRY("SignalSuspend", SignalSuspend(p), EFAULT);
			TRY("SignalWaitinfo", SignalWaitinfo(p, NULL), EFAULT);
		}
		TRY("SignalAction", SignalAction(0, NULL, SIGUSR1, NULL, p), EFAULT);
		TRY("SignalProcmask", SignalProcmask(0, 0, SIG_BLOCK, NULL, p), EFAULT);
	}
	TRY("SignalSuspend", SignalSuspend(NULL), EFAULT, EINVAL);
	TRY("SignalWaitinfo", SignalWaitinfo(NULL, NULL), EFAULT, EINVAL);
}

/*
 * Interrupt calls need I/O privilege (ThreadCtl(_NTO_TCTL_IO)): without it
 * they are EPERM whatever the arguments (the wrong-privilege probe); then the
 * same probes with the privilege. InterruptWait's timeout is reserved and
 * must be NULL (QNX), so a non-NULL one is EINVAL or EFAULT.
 */
static void probe_intr_once(int privileged)
{
	struct sigevent ev;
	memset(&ev, 0, sizeof(ev));
	SIGEV_INTR_INIT(&ev);
	if (!privileged) {
		TRY("InterruptAttachEvent", InterruptAttachEvent(5, &ev, 0), EPERM);
		TRY("InterruptAttachEvent", InterruptAttachEvent(-1, KADDR, 0), EPERM);
		TRY("InterruptMask", InterruptMask(-1, -1), EPERM);
		TRY("InterruptUnmask", InterruptUnmask(-1, -1), EPERM);
		return;
	}
	int intrs[] = {-1, 0x7fffffff, INT_MIN, 4096};
	for (int i = 0; i < 4; i++) {
		TRY("InterruptAttachEvent", InterruptAttachEvent(intrs[i], &ev, 0), EINVAL);
		TRY("InterruptDetach", InterruptDetach(intrs[i]), EINVAL, ESRCH);
		TRY("InterruptMask", InterruptMask(intrs[i], -1), EINVAL, ESRCH);
		TRY("InterruptUnmask", InterruptUnmask(intrs[i], -1), EINVAL, ESRCH);
	}
	for (int i = 1; i < NBAD; i++) {
		TRY("InterruptAttachEvent", InterruptAttachEvent(5, bad_ptr(i), 0), EFAULT);
		TRY("InterruptWait", InterruptWait(0, bad_ptr(i)), EFAULT, EINVAL);
	}
	TRY("InterruptAttachEvent", InterruptAttachEvent(5, NULL, 0), EFAULT, EINVAL);
	ev.sigev_notify = 0x7ff;
	TRY("InterruptAttachEvent", InterruptAttachEvent(5, &ev, 0), EINVAL);
	ipct_timeout(_NTO_TIMEOUT_INTR, 100 * NTEST_MS);
	TRY("InterruptWait", InterruptWait(0x7fff, NULL), EINVAL);
	(void)ClockTime_r(_NTO_CLOCK_MONOTONIC, NULL, NULL);
}

void probe_intr(void)
{
	probe_intr_once(0);
	int rc = ThreadCtl_r(_NTO_TCTL_IO, NULL);
	if (rc < 0) {
		badargs_info("ThreadCtl(_NTO_TCTL_IO): %s; privileged interrupt probes skipped",
			   strerror(-rc));
		return;
	}
	probe_intr_once(1);
}

void probe_time(void)
{
	int ids[] = {-1, 0x7fffffff, 99, INT_MIN};
	uint64_t ns = 0;
	struct sigevent ev;
	memset(&ev, 0, sizeof(ev));
	SIGEV_UNBLOCK_INIT(&ev);
	for (int i = 0; i < 4; i++) {
		TRY("ClockTime", ClockTime(ids[i], NULL, &ns), EINVAL);
		TRY("ClockGetres", ClockGetres(ids[i], &ns), EINVAL);
		TRY("TimerCreate", TimerCreate(ids[i], &ev), EINVAL);
		TRY("TimerDestroy", TimerDestroy(ids[i]), EINVAL);
		struct _itimer it = {0};
		TRY("TimerSettime", TimerSettime(ids[i], 0, &it, NULL), EINVAL);
		TRY("TimerInfo", TimerInfo(0, ids[i], 0, &(struct _timer_info){0}), EINVAL);
		uint64_t t = 1000000;
		TRY("TimerTimeout", TimerTimeout(ids[i], _NTO_TIMEOUT_SEND, &ev, &t, NULL), EINVAL);
	}
	TRY("TimerInfo", TimerInfo(0x7fffffff, 0, 0, &(struct _timer_info){0}), ESRCH, EINVAL);
	for (int i = 1; i < NBAD + 1; i++) {
		void *p = i < NBAD ? bad_ptr(i) : text;
		TRY("ClockTime", ClockTime(_NTO_CLOCK_MONOTONIC, NULL, p), EFAULT);
		TRY("ClockGetres", ClockGetres(_NTO_CLOCK_MONOTONIC, p), EFAULT);
		uint64_t t = 1000000;
		if (p != text) {
			TRY("ClockTime", ClockTime(_NTO_CLOCK_REALTIME, p, NULL), EFAULT);
			TRY("TimerCreate", TimerCreate(_NTO_CLOCK_MONOTONIC, p), EFAULT);
			TRY("TimerTimeout", TimerTimeout(_NTO_CLOCK_MONOTONIC, _NTO_TIMEOUT_SEND, p, &t, NULL),
			    EFAULT);
			TRY("TimerTimeout", TimerTimeout(_NTO_CLOCK_MONOTONIC, _NTO_TIMEOUT_SEND, &ev, p, NULL),
			    EFAULT);
		}
		TRY("TimerTimeout", TimerTimeout(_NTO_CLOCK_MONOTONIC, _NTO_TIMEOUT_SEND, &ev, &t, p),
		    EFAULT);
	}
	(void)ClockTime_r(_NTO_CLOCK_MONOTONIC, NULL, NULL); /* drop any armed timeout */
	ev.sigev_notify = 0x7ff;
	TRY("TimerCreate", TimerCreate(_NTO_CLOCK_MONOTONIC, &ev), EINVAL);

	/* a valid timer that would do nothing, for the pointer probes */
	struct sigevent none;
	memset(&none, 0, sizeof(none));
	SIGEV_NONE_INIT(&none);
	int tid = TimerCreate_r(_NTO_CLOCK_MONOTONIC, &none);
	if (tid >= 0) {
		for (int i = 1; i < NBAD + 1; i++) {
			void *p = i < NBAD ? bad_ptr(i) : text;
			if (p != text)
				TRY("TimerSettime", TimerSettime(tid, 0, p, NULL), EFAULT);
			struct _itimer it = {.nsec = 3600ull * 1000000000ull};
			TRY("TimerSettime", TimerSettime(tid, 0, &it, p), EFAULT);
			TRY("TimerInfo", TimerInfo(0, tid, 0, p), EFAULT);
		}
		TimerDestroy_r(tid);
		TRY("TimerDestroy", TimerDestroy(tid), EINVAL);
	}
}

void probe_sync(void)
{
	for (int i = 0; i < NBAD + 1; i++) {
		void *p = i < NBAD ? bad_ptr(i) : text;
		TRY("SyncTypeCreate", SyncTypeCreate(_NTO_SYNC_MUTEX_FREE, p, NULL), EFAULT, EINVAL);
		TRY("SyncDestroy", SyncDestroy(p), EFAULT, EINVAL);
		if (p != text) /* code bytes as a mutex could look owned: no blocking probes */
			TRY("SyncMutexLock", SyncMutexLock(p), EFAULT, EINVAL);
		TRY("SyncMutexUnlock", SyncMutexUnlock(p), EFAULT, EINVAL);
		TRY("SyncMutexRevive", SyncMutexRevive(p), EFAULT, EINVAL);
		TRY("SyncCondvarSignal", SyncCondvarSignal(p, 1), EFAULT, EINVAL);
		if (p != text)
			TRY("SyncCondvarWait", SyncCondvarWait(p, p), EFAULT, EINVAL);
		TRY("SyncSemPost", SyncSemPost(p), EFAULT, EINVAL);
		TRY("SyncSemWait", SyncSemWait(p, 1), EFAULT, EINVAL, EAGAIN);
		TRY("SyncCtl", SyncCtl(_NTO_SCTL_GETPRIOCEILING, p, &(int){0}), EFAULT, EINVAL);
		if (p && p != text) { /* (a NULL attr means the defaults) */
			sync_t m;
			memset(&m, 0, sizeof(m));
			TRY("SyncTypeCreate", SyncTypeCreate(_NTO_SYNC_MUTEX_FREE, &m, p), EFAULT);
		}
	}
	sync_t m;
	memset(&m, 0, sizeof(m));
	TRY("SyncTypeCreate", SyncTypeCreate(99, &m, NULL), EINVAL);
	TRY("SyncTypeCreate", SyncTypeCreate(-1, &m, NULL), EINVAL);
	struct _sync_attr bad = {.protocol = 99};
	TRY("SyncTypeCreate", SyncTypeCreate(_NTO_SYNC_MUTEX_FREE, &m, &bad), EINVAL);
	bad = (struct _sync_attr){.protocol = PTHREAD_PRIO_PROTECT_NTO, .prioceiling = 999};
	TRY("SyncTypeCreate", SyncTypeCreate(_NTO_SYNC_MUTEX_FREE, &m, &bad), EINVAL);
	if (SyncTypeCreate_r(_NTO_SYNC_MUTEX_FREE, &m, NULL) == 0) {
		/* not the owner */
		TRY("SyncMutexUnlock", SyncMutexUnlock(&m), EPERM, EINVAL);
		TRY("SyncCtl", SyncCtl(0x7fffffff, &m, &(int){0}), EINVAL);
		for (int i = 1; i < NBAD + 1; i++)
			TRY("SyncCtl", SyncCtl(_NTO_SCTL_GETPRIOCEILING, &m, i < NBAD ? bad_ptr(i) : text),
			    EFAULT, EINVAL);
		/* a condvar wait on a mutex we do not hold */
		sync_t cv;
		memset(&cv, 0, sizeof(cv));
		if (SyncTypeCreate_r(_NTO_SYNC_COND, &cv, NULL) == 0) {
			ipct_timeout(_NTO_TIMEOUT_CONDVAR, 100 * NTEST_MS);
			TRY("SyncCondvarWait", SyncCondvarWait(&cv, &m), EPERM, EINVAL);
			(void)ClockTime_r(_NTO_CLOCK_MONOTONIC, NULL, NULL);
			SyncDestroy_r(&cv);
		}
		SyncDestroy_r(&m);
		TRY("SyncMutexLock", SyncMutexLock(&m), EINVAL);
	}
	sync_t sem = {.count = 0};
	if (SyncTypeCreate_r(_NTO_SYNC_SEM, &sem, NULL) == 0) {
		TRY("SyncSemWait", SyncSemWait(&sem, 1), EAGAIN);
		SyncDestroy_r(&sem);
	}
}

void probe_proc(void)
{
	char name[] = "exit42";
	char *argv[] = {name, NULL};
	char *envp[] = {NULL};
	for (int i = 0; i < NBAD; i++) {
		void *p = bad_ptr(i);
		TRY("ImageSpawn", ImageSpawn(p, argv, envp, NULL), EFAULT);
		if (p) {
			TRY("ImageSpawn", ImageSpawn(name, p, envp, NULL), EFAULT);
			TRY("ImageSpawn", ImageSpawn(name, argv, p, NULL), EFAULT);
			TRY("ImageSpawn", ImageSpawn(name, argv, envp, p), EFAULT);
			char *bad_argv[] = {name, p, NULL};
			TRY("ImageSpawn", ImageSpawn(name, bad_argv, envp, NULL), EFAULT);
		}
		TRY("SysMemInfo", SysMemInfo(p), EFAULT);
		TRY("ImageMap", ImageMap(p, NULL), EFAULT);
	}
	TRY("SysMemInfo", SysMemInfo(text), EFAULT);
	TRY("ImageSpawn", ImageSpawn("no-such-program", argv, envp, NULL), ENOENT);
	char longname[600];
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = 0;
	TRY("ImageSpawn", ImageSpawn(longname, argv, envp, NULL), ENAMETOOLONG, ENOENT);
	/* a name running into an unmapped page without a NUL */
	memset((char *)edge - 3, 'b', 4);
	TRY("ImageSpawn", ImageSpawn((char *)edge - 3, argv, envp, NULL), EFAULT);
	struct _image_spawn_attr attr = {.priority = 256, .policy = SCHED_FIFO};
	TRY("ImageSpawn", ImageSpawn(name, argv, envp, &attr), EINVAL);
	attr = (struct _image_spawn_attr){.priority = 10, .policy = 99};
	TRY("ImageSpawn", ImageSpawn(name, argv, envp, &attr), EINVAL);

	TRY("ProcWait", ProcWait(0x7fffffff, NULL, 0), ECHILD);
	TRY("ProcWait", ProcWait(1, NULL, 0), ECHILD);
	TRY("ProcWait", ProcWait(-1, NULL, 0xff), EINVAL);
	TRY("ProcWait", ProcWait(INT_MIN, NULL, 0), EINVAL, ECHILD);
	/* a child each time: a status store that faults may still reap it */
	for (int i = 1; i < NBAD + 1; i++) {
		int pid = ImageSpawn_r(name, argv, envp, NULL);
		if (pid <= 0)
			break;
		TRY("ProcWait", ProcWait(pid, i < NBAD ? bad_ptr(i) : text, 0), EFAULT);
		int st;
		ProcWait_r(pid, &st, 0);
	}
}
void probe_threads_last(void)
{
	/* Last of all: a stack size that wraps to 0 when rounded up to pages.
	 * If it is wrongly accepted, the thread (priority 1) does not run
	 * before exit. */
	struct _thread_attr wrap = {.policy = SCHED_FIFO, .priority = 1, .stacksize = SIZE_MAX};
	TRY("ThreadCreate", ThreadCreate(0, never_runs, NULL, &wrap), EINVAL, ENOMEM, EAGAIN);
}
