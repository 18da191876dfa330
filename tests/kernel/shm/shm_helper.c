/*
 * shm_helper: the unrelated process of t_shm (started with posix_spawn).
 *   shm_helper touch NAME   maps shared memory object NAME, adds 1 to the
 *                           counter and writes "spawned <pid>"
 *   shm_helper mutex NAME   locks the process-shared mutex in NAME (waiting
 *                           while t_shm holds it), sets flag, unlocks
 *   shm_helper sem NAME     posts the named semaphore NAME
 * Exits 0 on success, 1 on any failure (with a line saying what failed).
 */
#include <fcntl.h>
#include <semaphore.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "shm_test.h"

static int fail(const char *what)
{
	printf("shm_helper: %s failed\n", what);
	fflush(stdout);
	return 1;
}

int main(int argc, char **argv)
{
	if (argc != 3)
		return fail("arguments");
	if (!strcmp(argv[1], "sem")) {
		sem_t *s = sem_open(argv[2], 0);
		if (s == SEM_FAILED)
			return fail("sem_open");
		return sem_post(s) == 0 && sem_close(s) == 0 ? 0 : fail("sem_post");
	}
	int fd = shm_open(argv[2], O_RDWR, 0);
	if (fd < 0)
		return fail("shm_open");
	struct shm_area *a = mmap(NULL, sizeof(*a), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (a == MAP_FAILED)
		return fail("mmap");
	if (!strcmp(argv[1], "touch")) {
		a->counter++;
		snprintf(a->text, sizeof(a->text), "spawned %d", (int)getpid());
		return 0;
	}
	if (!strcmp(argv[1], "mutex")) {
		if (pthread_mutex_lock(&a->mutex) != 0)
			return fail("pthread_mutex_lock");
		a->flag = 1;
		return pthread_mutex_unlock(&a->mutex) == 0 ? 0 : fail("pthread_mutex_unlock");
	}
	return fail("command");
}
