/*
 * POSIX shared memory: procnto's /dev/shmem objects (also reached as
 * /dev/shm) mapped with mmap, and the kernel memory objects under them
 * (sys/memobj.h).
 *  (a) shm_open + ftruncate + MAP_SHARED between a parent and its forked
 *      child, and with an unrelated process (posix_spawn of shm_helper);
 *  (b) MAP_PRIVATE of an object is copy-on-write;
 *  (c) write()/pread() and the mapping see the same bytes;
 *  (d) names: O_EXCL, fstat, readdir, rename, link; unlink while mapped
 *      keeps the data;
 *  (e) ftruncate smaller: SIGBUS (BUS_ADRERR) beyond the end, also in the
 *      child, and zeros after growing again; shrinking a large object
 *      again and again while another process faults its pages in;
 *  (f) MAP_SHARED + PROT_WRITE of an O_RDONLY fd and mprotect to write it
 *      are EACCES; bad fds EBADF;
 *  (g) an fs-tmp file (and a /proc/boot file): MAP_SHARED is ENODEV,
 *      MAP_PRIVATE is a copy of the file's bytes;
 *  (h) a PTHREAD_PROCESS_SHARED mutex and a sem_open semaphore used by two
 *      processes;
 *  (i) the native calls' checks (MemobjCreate/Ctl/Map);
 *  (j) no leak: free pages and kernel memory are back after cycles of
 *      create, map, fork, shrink, unlink.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <semaphore.h>
#include <setjmp.h>
#include <signal.h>
#include <spawn.h>
#include <sys/memobj.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>

#include "ntest.h"
#include "shm_test.h"

#define TMPFS "/tshm"

extern char **environ;
static size_t page;
static sigjmp_buf jb;
static volatile int bus_code;
static volatile void *bus_addr;

static void on_bus(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	bus_code = si->si_code;
	bus_addr = si->si_addr;
	siglongjmp(jb, 1);
}

/* Reads the byte at p; -1 if that raised SIGBUS (bus_code/bus_addr set). */
static int probe(volatile unsigned char *p)
{
	bus_code = 0;
	bus_addr = NULL;
	if (sigsetjmp(jb, 1))
		return -1;
	return *p;
}

static int wait_child(pid_t pid)
{
	int st = -1;
	if (waitpid(pid, &st, 0) != pid)
		return -1;
	return st;
}

/* Starts boot-image server prog (argument arg) unless path exists; waits
 * for path. Its pid, 0 if it was running, -1 on failure. */
static int start_server(const char *prog, const char *arg, const char *path)
{
	struct stat st;
	if (stat(path, &st) == 0)
		return 0;
	char *argv[] = {(char *)prog, (char *)arg, NULL}, *envp[] = {NULL};
	struct _image_spawn_attr attr = {.priority = 0, .policy = -1};
	int pid = ImageSpawn_r(prog, argv, envp, &attr);
	for (int i = 0; pid > 0 && i < 500; i++) {
		if (stat(path, &st) == 0)
			return pid;
		usleep(10000);
	}
	return -1;
}

static void stop_server(int pid)
{
	int status;
	if (pid > 0 && kill(pid, SIGKILL) == 0)
		ProcWait(pid, &status, 0);
}

/* shm_helper cmd name (posix_spawn: musl's needs pipe2, the pipe server);
 * its pid or -1. */
static int spawn_helper(const char *cmd, const char *name)
{
	char *argv[] = {"shm_helper", (char *)cmd, (char *)name, NULL};
	pid_t pid;
	if (posix_spawn(&pid, "/proc/boot/shm_helper", NULL, NULL, argv, environ) != 0)
		return -1;
	return pid;
}

/* A new object name of size bytes, opened O_RDWR; the fd or -1. */
static int make(const char *name, size_t size)
{
	shm_unlink(name);
	int fd = shm_open(name, O_CREAT | O_EXCL | O_RDWR, 0600);
	if (fd >= 0 && ftruncate(fd, (off_t)size) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static void test_fork_spawn(void)
{
	int fd = make("/t_shm_a", 3 * page);
	if (!CHECK(fd >= 0))
		return;
	struct stat st;
	CHECK_EQ(fstat(fd, &st), 0);
	CHECK(S_ISREG(st.st_mode));
	CHECK_EQ(st.st_size, 3 * page);
	CHECK_EQ(st.st_mode & 0777, 0600);
	unsigned char *m = mmap(NULL, 3 * page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (!CHECK(m != MAP_FAILED))
		return;
	CHECK(m[0] == 0 && m[3 * page - 1] == 0); /* a new object reads as zero */
	for (size_t i = 0; i < 3 * page; i++)
		m[i] = (unsigned char)(i * 13);
	pid_t pid = fork();
	if (pid == 0) {
		int ok = 1;
		for (size_t i = 0; i < 3 * page; i++)
			ok &= m[i] == (unsigned char)(i * 13);
		m[5] = 0xa5;
		m[2 * page + 7] = 0x5a;
		_exit(ok ? 0 : 1);
	}
	CHECK_EQ(wait_child(pid), 0);
	CHECK_EQ(m[5], 0xa5);
	CHECK_EQ(m[2 * page + 7], 0x5a);

	/* an unrelated process finds it by name */
	struct shm_area *a = (struct shm_area *)m;
	memset(a, 0, sizeof(*a));
	a->counter = 41;
	pid = spawn_helper("touch", "/t_shm_a");
	CHECK(pid > 0);
	if (pid > 0)
		CHECK_EQ(wait_child(pid), 0);
	CHECK_EQ(a->counter, 42);
	char want[64];
	snprintf(want, sizeof(want), "spawned %d", (int)pid);
	CHECK_EQ(strcmp(a->text, want), 0);
	/* the same object through /dev/shmem and /dev/shm */
	int fd2 = open("/dev/shmem/t_shm_a", O_RDONLY);
	CHECK(fd2 >= 0);
	struct stat st2;
	CHECK_EQ(fstat(fd2, &st2), 0);
	CHECK_EQ(st2.st_ino, st.st_ino);
	CHECK_EQ(st2.st_dev, st.st_dev);
	close(fd2);
	CHECK_EQ(munmap(m, 3 * page), 0);
	close(fd);
	CHECK_EQ(shm_unlink("/t_shm_a"), 0);
}

static void test_private(void)
{
	int fd = make("/t_shm_b", 2 * page);
	if (!CHECK(fd >= 0))
		return;
	unsigned char *s = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	unsigned char *p = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	if (!CHECK(s != MAP_FAILED && p != MAP_FAILED))
		return;
	s[0] = 1;
	s[page] = 2;
	CHECK(p[0] == 1 && p[page] == 2);
	p[0] = 9; /* copies page 0 */
	CHECK_EQ(s[0], 1);
	unsigned char c = 0;
	CHECK_EQ(pread(fd, &c, 1, 0), 1);
	CHECK_EQ(c, 1);
	/* page 1 is still the object's: it follows; page 0 is private now */
	s[0] = 3;
	s[page] = 4;
	CHECK_EQ(p[0], 9);
	CHECK_EQ(p[page], 4);
	/* a fork of a private mapping: copies on both sides */
	pid_t pid = fork();
	if (pid == 0) {
		int ok = p[0] == 9 && p[page] == 4;
		p[0] = 77;
		p[page] = 78;
		_exit(ok && s[0] == 3 ? 0 : 1);
	}
	CHECK_EQ(wait_child(pid), 0);
	CHECK(p[0] == 9 && p[page] == 4 && s[page] == 4);
	/* a private mapping of an O_RDONLY fd may be written */
	int ro = shm_open("/t_shm_b", O_RDONLY, 0);
	unsigned char *q = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE, ro, 0);
	if (CHECK(q != MAP_FAILED)) {
		q[0] = 55;
		CHECK_EQ(s[0], 3);
		munmap(q, page);
	}
	close(ro);
	munmap(p, 2 * page);
	munmap(s, 2 * page);
	close(fd);
	shm_unlink("/t_shm_b");
}

static void test_rw(void)
{
	int fd = make("/t_shm_c", 0);
	if (!CHECK(fd >= 0))
		return;
	/* write() grows the object, the mapping shows it */
	CHECK_EQ(write(fd, "hello, shm", 10), 10);
	struct stat st;
	CHECK_EQ(fstat(fd, &st), 0);
	CHECK_EQ(st.st_size, 10);
	char *m = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (!CHECK(m != MAP_FAILED))
		return;
	CHECK_EQ(memcmp(m, "hello, shm", 10), 0);
	CHECK(m[10] == 0 && m[page - 1] == 0);
	/* ... and the mapping's stores are what read() returns */
	memcpy(m + 3, "XY", 2);
	char buf[16] = {0};
	CHECK_EQ(lseek(fd, 0, SEEK_SET), 0);
	CHECK_EQ(read(fd, buf, sizeof(buf)), 10);
	CHECK_EQ(memcmp(buf, "helXY, shm", 10), 0);
	CHECK_EQ(read(fd, buf, sizeof(buf)), 0); /* end of object */
	/* pwrite across a page boundary, beyond the end: the hole reads zero */
	char big[100];
	memset(big, 'z', sizeof(big));
	CHECK_EQ(pwrite(fd, big, sizeof(big), (off_t)(2 * page - 50)), 100);
	CHECK_EQ(fstat(fd, &st), 0);
	CHECK_EQ(st.st_size, 2 * page + 50);
	CHECK_EQ(pread(fd, buf, 4, (off_t)page), 4);
	CHECK(buf[0] == 0 && buf[3] == 0);
	char *m2 = mmap(NULL, 3 * page, PROT_READ, MAP_SHARED, fd, 0);
	if (CHECK(m2 != MAP_FAILED)) {
		CHECK(m2[2 * page - 50] == 'z' && m2[2 * page + 49] == 'z' && m2[2 * page + 50] == 0);
		munmap(m2, 3 * page);
	}
	/* O_APPEND writes at the end */
	int ap = shm_open("/t_shm_c", O_RDWR | O_APPEND, 0);
	CHECK_EQ(write(ap, "!", 1), 1);
	CHECK_EQ(lseek(ap, 0, SEEK_CUR), 2 * page + 51);
	close(ap);
	/* O_TRUNC empties it */
	int tr = shm_open("/t_shm_c", O_RDWR | O_TRUNC, 0);
	CHECK_EQ(fstat(tr, &st), 0);
	CHECK_EQ(st.st_size, 0);
	close(tr);
	munmap(m, page);
	close(fd);
	shm_unlink("/t_shm_c");
}


static void test_names(void)
{
	int fd = make("/t_shm_d", page);
	if (!CHECK(fd >= 0))
		return;
	CHECK_ERR(shm_open("/t_shm_d", O_CREAT | O_EXCL | O_RDWR, 0600), EEXIST);
	CHECK_ERR(shm_open("/t_shm_none", O_RDWR, 0), ENOENT);
	CHECK_EQ(ntest_dir_has("/dev/shm", "t_shm_d"), 1);
	CHECK_EQ(ntest_dir_has("/dev/shmem", "t_shm_d"), 1);
	struct stat st;
	CHECK_EQ(stat("/dev/shm", &st), 0);
	CHECK(S_ISDIR(st.st_mode) && (st.st_mode & 07777) == 01777);
	CHECK_EQ(lstat("/dev/shm", &st), 0);
	CHECK(S_ISLNK(st.st_mode));
	CHECK_ERR(mkdir("/dev/shm/sub", 0700), EPERM);
	CHECK_ERR(open("/dev/shm/t_shm_d/x", O_RDONLY), ENOTDIR);
	/* link and rename within the directory */
	CHECK_EQ(link("/dev/shm/t_shm_d", "/dev/shm/t_shm_e"), 0);
	CHECK_EQ(stat("/dev/shm/t_shm_e", &st), 0);
	CHECK_EQ(st.st_nlink, 2);
	CHECK_ERR(link("/dev/shm/t_shm_d", "/dev/shm/t_shm_e"), EEXIST);
	CHECK_EQ(rename("/dev/shm/t_shm_e", "/dev/shmem/t_shm_f"), 0);
	CHECK_ERR(stat("/dev/shm/t_shm_e", &st), ENOENT);
	CHECK_EQ(unlink("/dev/shm/t_shm_d"), 0);
	CHECK_EQ(stat("/dev/shm/t_shm_f", &st), 0);
	CHECK_EQ(st.st_nlink, 1);
	/* unlinked while mapped: the data stays, the name is gone */
	unsigned char *m = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (!CHECK(m != MAP_FAILED))
		return;
	m[100] = 0x42;
	close(fd);
	CHECK_EQ(shm_unlink("/t_shm_f"), 0);
	CHECK_ERR(shm_open("/t_shm_f", O_RDWR, 0), ENOENT);
	CHECK_EQ(ntest_dir_has("/dev/shm", "t_shm_f"), 0);
	CHECK_EQ(m[100], 0x42);
	m[101] = 0x43;
	pid_t pid = fork();
	if (pid == 0)
		_exit(m[100] == 0x42 && m[101] == 0x43 ? 0 : 1);
	CHECK_EQ(wait_child(pid), 0);
	CHECK_EQ(munmap(m, page), 0);
	CHECK_ERR(shm_unlink("/t_shm_f"), ENOENT);
}

static void test_sigbus(void)
{
	struct sigaction sa = {0};
	sa.sa_sigaction = on_bus;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGBUS, &sa, NULL);
	int fd = make("/t_shm_g", page + 100);
	if (!CHECK(fd >= 0))
		return;
	/* three pages mapped over an object of two (rounded up) */
	unsigned char *m = mmap(NULL, 3 * page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (!CHECK(m != MAP_FAILED))
		return;
	CHECK_EQ(probe(m + page + 200), 0); /* inside the last page: no signal */
	CHECK_EQ(probe(m + 2 * page), -1);
	CHECK_EQ(bus_code, BUS_ADRERR);
	CHECK(bus_addr == m + 2 * page);
	memset(m, 0x11, 2 * page);
	pid_t pid = fork();
	if (pid == 0) {
		/* wait for the parent's shrink, then the page is gone here too */
		while (m[0] != 0x22)
			sched_yield();
		_exit(probe(m + page) == -1 && bus_code == BUS_ADRERR ? 0 : 1);
	}
	CHECK_EQ(ftruncate(fd, (off_t)(page / 2)), 0);
	m[0] = 0x22;
	CHECK_EQ(probe(m + page), -1);
	CHECK_EQ(bus_code, BUS_ADRERR);
	CHECK_EQ(probe(m + page / 2 + 10), 0); /* cut within the page: zeroed */
	CHECK_EQ(probe(m + page / 2 - 1), 0x11);
	CHECK_EQ(wait_child(pid), 0);
	/* growing again: zeros where the old data was */
	CHECK_EQ(ftruncate(fd, (off_t)(2 * page)), 0);
	CHECK_EQ(probe(m + page), 0);
	CHECK_EQ(probe(m + page / 2 + 10), 0);
	/* a private mapping loses its copies beyond the end too (Linux) */
	unsigned char *p = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	if (CHECK(p != MAP_FAILED)) {
		p[page] = 7;
		CHECK_EQ(ftruncate(fd, (off_t)page), 0);
		CHECK_EQ(probe(p + page), -1);
		munmap(p, 2 * page);
	}
	/* an address in a kernel call beyond the end is EFAULT, not a signal */
	CHECK_ERR(write(fd, m + 2 * page, 10), EFAULT);
	CHECK_ERR(ftruncate(fd, (off_t)(MEMOBJ_SIZE_MAX + 1)), EFBIG);
	munmap(m, 3 * page);
	close(fd);
	shm_unlink("/t_shm_g");
	signal(SIGBUS, SIG_DFL);
}

/* A child reads every page of a large mapping in a loop (SIGBUS counted)
 * while the parent shrinks the object to nothing and grows it back: the
 * kernel's zap runs long enough to be preempted by the child. Returns the
 * child's SIGBUS count, or -1. */
static long shrink_race(volatile uint32_t *ctl)
{
	enum { SIZE = 8 << 20, ROUNDS = 6 };
	int fd = make("/t_shm_race", SIZE);
	if (!CHECK(fd >= 0))
		return -1;
	unsigned char *m = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (!CHECK(m != MAP_FAILED))
		return -1;
	for (size_t i = 0; i < SIZE; i += page)
		m[i] = 1;
	ctl[0] = 0;
	pid_t pid = fork();
	if (pid == 0) {
		unsigned long faults = 0, reads = 0;
		while (!ctl[0])
			for (size_t i = 0; i < SIZE && !ctl[0]; i += page, reads++)
				faults += probe(m + i) < 0;
		ctl[1] = (uint32_t)faults;
		_exit(reads ? 0 : 1);
	}
	for (int r = 0; r < ROUNDS; r++) {
		sched_yield();
		CHECK_EQ(ftruncate(fd, 0), 0);
		sched_yield();
		CHECK_EQ(ftruncate(fd, SIZE), 0);
		for (size_t i = 0; i < SIZE; i += 4 * page)
			m[i] = 2;
	}
	ctl[0] = 1;
	CHECK_EQ(wait_child(pid), 0);
	munmap(m, SIZE);
	close(fd);
	shm_unlink("/t_shm_race");
	return ctl[1];
}

static void test_shrink_race(void)
{
	struct sigaction sa = {0};
	sa.sa_sigaction = on_bus;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGBUS, &sa, NULL);
	volatile uint32_t *ctl = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
				      -1, 0);
	if (!CHECK(ctl != MAP_FAILED))
		return;
	ctl[0] = 0;
	long n = shrink_race(ctl);
	/* again, counting pages: the first round set up page tables and heaps */
	struct _sys_meminfo before, after;
	CHECK_EQ(SysMemInfo(&before), 0);
	long n2 = shrink_race(ctl);
	CHECK_EQ(SysMemInfo(&after), 0);
	CHECK_EQ(after.free_pages, before.free_pages);
	CHECK_EQ(after.kmem_in_use, before.kmem_in_use);
	ntest_info("shrink race: %ld and %ld SIGBUS in the child", n, n2);
	munmap((void *)ctl, page);
	signal(SIGBUS, SIG_DFL);
}

static void test_access(void)
{
	int fd = make("/t_shm_h", page);
	if (!CHECK(fd >= 0))
		return;
	int ro = shm_open("/t_shm_h", O_RDONLY, 0);
	CHECK(ro >= 0);
	CHECK(mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, ro, 0) == MAP_FAILED &&
	      errno == EACCES);
	void *m = mmap(NULL, page, PROT_READ, MAP_SHARED, ro, 0);
	if (CHECK(m != MAP_FAILED)) {
		CHECK_ERR(mprotect(m, page, PROT_READ | PROT_WRITE), EACCES);
		CHECK_EQ(mprotect(m, page, PROT_NONE), 0);
		CHECK_EQ(mprotect(m, page, PROT_READ), 0);
		munmap(m, page);
	}
	/* the read-write fd may upgrade its read-only mapping */
	m = mmap(NULL, page, PROT_READ, MAP_SHARED, fd, 0);
	if (CHECK(m != MAP_FAILED)) {
		CHECK_EQ(mprotect(m, page, PROT_READ | PROT_WRITE), 0);
		((volatile char *)m)[1] = 1;
		munmap(m, page);
	}
	int wo = open("/dev/shm/t_shm_h", O_WRONLY);
	CHECK(wo >= 0);
	CHECK(mmap(NULL, page, PROT_READ, MAP_SHARED, wo, 0) == MAP_FAILED && errno == EACCES);
	close(wo);
	close(ro);
	/* permissions of the name */
	CHECK_EQ(fchmod(fd, 0400), 0);
	pid_t pid = fork();
	if (pid == 0) {
		int ok = setuid(1000) == 0;
		ok &= shm_open("/t_shm_h", O_RDONLY, 0) == -1 && errno == EACCES;
		ok &= shm_unlink("/t_shm_h") == -1 && errno == EPERM; /* sticky directory */
		int own = shm_open("/t_shm_h2", O_CREAT | O_EXCL | O_RDWR, 0600);
		ok &= own >= 0 && shm_unlink("/t_shm_h2") == 0;
		_exit(ok ? 0 : 1);
	}
	CHECK_EQ(wait_child(pid), 0);
	close(fd);
	shm_unlink("/t_shm_h");
	/* bad fds */
	CHECK(mmap(NULL, page, PROT_READ, MAP_SHARED, -1, 0) == MAP_FAILED && errno == EBADF);
	CHECK(mmap(NULL, page, PROT_READ, MAP_PRIVATE, 999, 0) == MAP_FAILED && errno == EBADF);
}

static void test_files(void)
{
	int srv = start_server("fs-tmp", TMPFS, TMPFS);
	if (!CHECK(srv > 0))
		return;
	int fd = open(TMPFS "/f", O_CREAT | O_RDWR, 0644);
	char data[6000];
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (char)('a' + i % 26);
	CHECK_EQ(write(fd, data, sizeof(data)), (long)sizeof(data));
	CHECK(mmap(NULL, page, PROT_READ, MAP_SHARED, fd, 0) == MAP_FAILED && errno == ENODEV);
	char *p = mmap(NULL, 3 * page, PROT_READ, MAP_PRIVATE, fd, 0);
	if (CHECK(p != MAP_FAILED)) {
		CHECK_EQ(memcmp(p, data, sizeof(data)), 0);
		CHECK(p[sizeof(data)] == 0 && p[3 * page - 1] == 0);
		CHECK_EQ(mprotect(p, page, PROT_READ | PROT_WRITE), 0); /* a private copy */
		p[0] = 'X';
		munmap(p, 3 * page);
	}
	/* at an offset, writable */
	p = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, (off_t)page);
	if (CHECK(p != MAP_FAILED)) {
		CHECK_EQ(memcmp(p, data + page, sizeof(data) - page), 0);
		p[0] = '#';
		char c;
		CHECK_EQ(pread(fd, &c, 1, (off_t)page), 1);
		CHECK_EQ(c, data[page]);
		munmap(p, page);
	}
	int wo = open(TMPFS "/f", O_WRONLY);
	CHECK(mmap(NULL, page, PROT_READ, MAP_PRIVATE, wo, 0) == MAP_FAILED && errno == EACCES);
	close(wo);
	close(fd);
	unlink(TMPFS "/f");
	stop_server(srv);

	/* a boot image file: the same fallback */
	fd = open("/proc/boot/shm_helper", O_RDONLY);
	if (CHECK(fd >= 0)) {
		unsigned char head[64];
		CHECK_EQ(read(fd, head, sizeof(head)), (long)sizeof(head));
		CHECK(mmap(NULL, page, PROT_READ, MAP_SHARED, fd, 0) == MAP_FAILED && errno == ENODEV);
		unsigned char *b = mmap(NULL, page, PROT_READ, MAP_PRIVATE, fd, 0);
		if (CHECK(b != MAP_FAILED)) {
			CHECK_EQ(memcmp(b, head, sizeof(head)), 0);
			CHECK(b[1] == 'E' && b[2] == 'L' && b[3] == 'F');
			munmap(b, page);
		}
		close(fd);
	}
}

static void test_sync(void)
{
	int fd = make("/t_shm_i", page);
	if (!CHECK(fd >= 0))
		return;
	struct shm_area *a = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (!CHECK(a != MAP_FAILED))
		return;
	pthread_mutexattr_t ma;
	pthread_mutexattr_init(&ma);
	CHECK_EQ(pthread_mutexattr_setpshared(&ma, PTHREAD_PROCESS_SHARED), 0);
	CHECK_EQ(pthread_mutex_init(&a->mutex, &ma), 0);
	/* the helper waits for the mutex we hold, then gets it */
	CHECK_EQ(pthread_mutex_lock(&a->mutex), 0);
	a->flag = 0;
	pid_t pid = spawn_helper("mutex", "/t_shm_i");
	CHECK(pid > 0);
	usleep(50000);
	CHECK_EQ(a->flag, 0);
	CHECK_EQ(pthread_mutex_unlock(&a->mutex), 0);
	if (pid > 0)
		CHECK_EQ(wait_child(pid), 0);
	CHECK_EQ(a->flag, 1);
	/* counting under the lock from two processes */
	a->counter = 0;
	pid = fork();
	for (int i = 0; i < 2000; i++) {
		pthread_mutex_lock(&a->mutex);
		uint32_t v = a->counter;
		if (i % 100 == 0)
			sched_yield();
		a->counter = v + 1;
		pthread_mutex_unlock(&a->mutex);
	}
	if (pid == 0)
		_exit(0);
	CHECK_EQ(wait_child(pid), 0);
	CHECK_EQ(a->counter, 4000);
	munmap(a, page);
	shm_unlink("/t_shm_i");

	/* a named semaphore: created here, posted by another program */
	sem_unlink("/t_shm_sem");
	sem_t *s = sem_open("/t_shm_sem", O_CREAT | O_EXCL, 0600, 0);
	if (!CHECK(s != SEM_FAILED))
		return;
	CHECK(sem_open("/t_shm_sem", O_CREAT | O_EXCL, 0600, 0) == SEM_FAILED && errno == EEXIST);
	CHECK_EQ(sem_trywait(s), -1);
	pid = spawn_helper("sem", "/t_shm_sem");
	struct timespec dl;
	clock_gettime(CLOCK_REALTIME, &dl);
	dl.tv_sec += 5;
	CHECK_EQ(sem_timedwait(s, &dl), 0);
	if (pid > 0)
		CHECK_EQ(wait_child(pid), 0);
	CHECK_EQ(ntest_dir_has("/dev/shm", "t_shm_sem"), 1); /* musl's name for it */
	CHECK_EQ(sem_close(s), 0);
	CHECK_EQ(sem_unlink("/t_shm_sem"), 0);
	CHECK(sem_open("/t_shm_sem", 0) == SEM_FAILED && errno == ENOENT);
}

static void test_native(void)
{
	CHECK_ERR(MemobjCreate(MEMOBJ_SIZE_MAX + 1), EFBIG);
	int id = MemobjCreate(3 * page);
	if (!CHECK(id > 0))
		return;
	CHECK_EQ(MemobjCtl(id, MEMOBJ_CTL_GETSIZE, 0), 3 * page);
	CHECK_ERR(MemobjCtl(id, 99, 0), EINVAL);
	CHECK_ERR(MemobjCtl(id + 1000, MEMOBJ_CTL_GETSIZE, 0), EINVAL);
	CHECK_ERR(MemobjCtl(-1, MEMOBJ_CTL_DESTROY, 0), EINVAL);
	CHECK_ERR(MemobjMap(id, NULL, page, PROT_READ, 0, 0), EINVAL);
	CHECK_ERR(MemobjMap(id, NULL, page, PROT_READ, MEMOBJ_MAP_SHARED, 100), EINVAL);
	CHECK_ERR(MemobjMap(id, NULL, 0, PROT_READ, MEMOBJ_MAP_SHARED, 0), EINVAL);
	CHECK_ERR(MemobjMap(id, NULL, page, 8, MEMOBJ_MAP_SHARED, 0), EINVAL);
	long a = MemobjMap(id, NULL, 2 * page, PROT_READ | PROT_WRITE, MEMOBJ_MAP_SHARED, page);
	long b = MemobjMap(id, NULL, 3 * page, PROT_READ, MEMOBJ_MAP_SHARED, 0);
	if (CHECK(a > 0 && b > 0)) {
		((volatile char *)a)[0] = 'q';
		CHECK_EQ(((volatile char *)b)[page], 'q');
		/* destroyed by its owner: the mappings keep it */
		CHECK_EQ(MemobjCtl(id, MEMOBJ_CTL_DESTROY, 0), 0);
		CHECK_ERR(MemobjCtl(id, MEMOBJ_CTL_GETSIZE, 0), EINVAL);
		CHECK_EQ(((volatile char *)b)[page], 'q');
		munmap((void *)a, 2 * page);
		munmap((void *)b, 3 * page);
	}
	/* not root: EPERM */
	pid_t pid = fork();
	if (pid == 0)
		_exit(setuid(1000) == 0 && MemobjCreate(0) == -1 && errno == EPERM ? 0 : 1);
	CHECK_EQ(wait_child(pid), 0);
}

/* One round of everything that allocates: for the leak check. */
static void cycle(void)
{
	int fd = make("/t_shm_j", 4 * page);
	if (fd < 0)
		return;
	unsigned char *m = mmap(NULL, 4 * page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	unsigned char *p = mmap(NULL, 4 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	if (m != MAP_FAILED && p != MAP_FAILED) {
		memset(m, 1, 4 * page);
		p[page] = 2;
		pid_t pid = fork();
		if (pid == 0) {
			m[0] = 3;
			p[2 * page] = 4;
			_exit(0);
		}
		wait_child(pid);
		CHECK(ftruncate(fd, (off_t)page) == 0 && write(fd, "x", 1) == 1);
		munmap(p, 4 * page);
	}
	shm_unlink("/t_shm_j");
	if (m != MAP_FAILED)
		munmap(m, 4 * page);
	close(fd);
	int id = MemobjCreate(page);
	if (id > 0)
		MemobjCtl(id, MEMOBJ_CTL_DESTROY, 0);
}

static void test_leak(void)
{
	cycle();
	cycle();
	struct _sys_meminfo before, after;
	CHECK_EQ(SysMemInfo(&before), 0);
	for (int i = 0; i < 5; i++)
		cycle();
	CHECK_EQ(SysMemInfo(&after), 0);
	CHECK_EQ(after.free_pages, before.free_pages);
	CHECK_EQ(after.kmem_in_use, before.kmem_in_use);
}

int main(void)
{
	ntest_start("shm");
	page = (size_t)sysconf(_SC_PAGESIZE);
	int pipesrv = start_server("pipe", NULL, "/dev/pipe");
	CHECK(pipesrv >= 0);
	test_fork_spawn();
	test_private();
	test_rw();
	test_names();
	test_sigbus();
	test_shrink_race();
	test_access();
	test_files();
	test_sync();
	test_native();
	test_leak();
	stop_server(pipesrv);
	ntest_done();
}
