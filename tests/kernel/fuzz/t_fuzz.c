/*
 * t_fuzz: the Linux syscall layer against random input. Children make
 * FUZZ_CALLS calls each, with syscall numbers 0..LINUX_NR_MAX-1 and
 * arguments drawn from values that find edges: 0, -1, small and huge
 * numbers, kernel and non-canonical addresses, unmapped and read-only
 * pages, valid buffers holding garbage or plausible paths, fds that exist.
 * Numbers come mostly from the calls posix/syscall.c implements (the
 * others all end in the same ENOSYS path, logged once per process). A
 * child may crash, hang (the parent SIGKILLs it after FUZZ_CHILD_MS) or
 * end itself: only the kernel must survive, and after every child is gone
 * (after a warm-up round) the kernel heap and the process and thread counts
 * must be back where they were, and free memory too but for FUZZ_SLACK
 * pages: the servers' own heaps may grow with what the children did. The
 * seed is printed: FUZZ_SEED=<seed> in the environment replays a run.
 *
 * Calls that reach beyond the child are never made: the kill family (a
 * random pid could be the test runner or a server), the process creators
 * (clone, fork, vfork, execve: a fork bomb or a replaced child), sched_*
 * and prlimit64 on another pid, reboot; writes to fds 1 and 2 (garbage on
 * the console the test runner reads). Everything else is fair game,
 * including the calls not implemented (ENOSYS).
 */
#define _GNU_SOURCE
#include "ntest.h"

#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#define FUZZ_CHILDREN 120
#define FUZZ_WARMUP 10
#define FUZZ_CALLS 60
#define FUZZ_CHILD_MS 3000
#define FUZZ_SLACK 32 /* pages */
#define NR_MAX 512

static const unsigned short implemented[] = {
#include "fuzz_nrs.h"
};

static uint64_t rng;

static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static void *page_rw, *page_ro, *page_none;

static bool forbidden(long nr, const uint64_t *a)
{
	switch (nr) {
	case SYS_kill: case SYS_tkill: case SYS_tgkill: case SYS_rt_sigqueueinfo:
	case SYS_rt_tgsigqueueinfo: case SYS_clone: case SYS_clone3: case SYS_fork:
	case SYS_vfork: case SYS_execve: case SYS_execveat: case SYS_reboot:
	case SYS_kexec_load: case SYS_kexec_file_load: case SYS_pidfd_send_signal:
		return true;
	case SYS_write: case SYS_writev: case SYS_pwrite64: case SYS_pwritev: case SYS_pwritev2:
		return a[0] == 1 || a[0] == 2; /* unconnected, they reach the kernel console */
	case SYS_sched_setscheduler: case SYS_sched_setparam: case SYS_sched_setaffinity:
	case SYS_sched_setattr: case SYS_prlimit64: case SYS_setpriority:
		return a[0] != 0 && a[0] != (uint64_t)getpid();
	default:
		return false;
	}
}

static const char *const paths[] = {
	"/tmp/fuzz", "/tmp", "/dev/null", "/dev/pipe", "/proc/self/stat", "/proc", "/",
	"/proc/boot/t_fuzz", "..", "", "/tmp/fuzz/a/b", "/dev/zero",
};

static uint64_t arg(void)
{
	static const uint64_t fixed[] = {
		0, 1, 2, 3, 4, 8, 0x40, 0x1000, 0xffff, 0x7fffffff, 0x80000000ull,
		0xffffffffull, ~0ull, ~0ull - 1, 1ull << 32, 1ull << 47, 1ull << 63,
		0xffffffff80000000ull, 0xffff800000000000ull, 0x0000800000000000ull,
		0x00007ffffffff000ull, 0x400000,
	};
	switch (next() % 8) {
	case 0: case 1: return fixed[next() % (sizeof(fixed) / sizeof(fixed[0]))];
	case 2: return next() % 64; /* fds, small counts, flags */
	case 3: return (uint64_t)page_rw + (next() % 4096);
	case 4: return (uint64_t)(next() % 3 == 0 ? page_ro : next() % 2 ? page_none : page_rw);
	case 5: {
		/* a plausible path in the read-write page */
		const char *p = paths[next() % (sizeof(paths) / sizeof(paths[0]))];
		strcpy((char *)page_rw + 2048, p);
		return (uint64_t)page_rw + 2048;
	}
	case 6: return next() & 0xffff;
	default: return next();
	}
}

static void child(void)
{
	page_rw = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	page_ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	page_none = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (page_rw == MAP_FAILED || page_ro == MAP_FAILED || page_none == MAP_FAILED)
		_exit(2);
	int fd;
	do /* 0, 1 and 2 first: unconnected, 1 and 2 would print on the console */
		fd = open("/dev/null", O_RDWR);
	while (fd >= 0 && fd < 2);
	open("/tmp", O_RDONLY);
	int p[2];
	pipe(p);
	for (int i = 0; i < FUZZ_CALLS; i++) {
		for (int j = 0; j < 4096; j += 8) /* garbage, with a NUL somewhere */
			*(uint64_t *)((char *)page_rw + j) = next() & 0xffffffffffffff7full;
		long nr = next() % 32 ? implemented[next() % (sizeof(implemented) / sizeof(implemented[0]))]
				      : (long)(next() % NR_MAX);
		uint64_t a[6];
		for (int k = 0; k < 6; k++)
			a[k] = arg();
		if (forbidden(nr, a))
			continue;
		syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
	}
	_exit(0);
}

/* Runs one child to its end (or kills it); its wait status. */
static int run_child(void)
{
	uint64_t seed = next();
	pid_t pid = fork();
	if (pid == 0) {
		rng = seed | 1;
		child();
	}
	if (pid < 0)
		return -1;
	int status = 0;
	for (int ms = 0; ms < FUZZ_CHILD_MS; ms++) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return status;
		struct timespec ts = {0, 1000000};
		nanosleep(&ts, NULL);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	return status;
}

static void start(const char *prog, const char *arg1, const char *path)
{
	struct stat st;
	if (stat(path, &st) == 0)
		return;
	char *argv[] = {(char *)prog, (char *)arg1, NULL};
	char *envp[] = {NULL};
	struct _image_spawn_attr attr = {.priority = 0, .policy = -1};
	if (ImageSpawn_r(prog, argv, envp, &attr) < 0)
		return;
	for (int i = 0; i < 500 && stat(path, &st) != 0; i++) {
		struct timespec ts = {0, 10000000};
		nanosleep(&ts, NULL);
	}
}

int main(void)
{
	ntest_start("fuzz");
	/* servers, so that fds and paths reach real resource managers */
	start("dev-misc", NULL, "/dev/null");
	start("pipe", NULL, "/dev/pipe");
	start("fs-tmp", "/tmp", "/tmp");
	mkdir("/tmp/fuzz", 0777);
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	uint64_t seed = (uint64_t)now.tv_nsec * 2654435761u + 1;
	if (getenv("FUZZ_SEED"))
		seed = strtoull(getenv("FUZZ_SEED"), NULL, 0);
	rng = seed;
	ntest_info("seed %#llx (FUZZ_SEED replays it)", (unsigned long long)seed);

	for (int i = 0; i < FUZZ_WARMUP; i++)
		run_child();
	struct _sys_meminfo m0, m1;
	CHECK_EQ(SysMemInfo(&m0), 0);
	int crashed = 0, killed = 0;
	for (int i = 0; i < FUZZ_CHILDREN; i++) {
		int st = run_child();
		crashed += WIFSIGNALED(st) && WTERMSIG(st) != SIGKILL;
		killed += WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL;
	}
	CHECK_EQ(SysMemInfo(&m1), 0);
	ntest_info("%d children x %d calls: %d ended by a signal, %d killed by the watchdog",
		   FUZZ_CHILDREN, FUZZ_CALLS, crashed, killed);
	ntest_info("free pages %llu -> %llu, kernel heap %llu -> %llu",
		   (unsigned long long)m0.free_pages, (unsigned long long)m1.free_pages,
		   (unsigned long long)m0.kmem_in_use, (unsigned long long)m1.kmem_in_use);
	CHECK_EQ(m1.kmem_in_use, m0.kmem_in_use);
	CHECK_EQ(m1.n_processes, m0.n_processes);
	CHECK_EQ(m1.n_threads, m0.n_threads);
	CHECK_GE(m1.free_pages + FUZZ_SLACK, m0.free_pages);
	ntest_done();
}
