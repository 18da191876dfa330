/*
 * Starting an entity's command: the one place that knows how processes are
 * made. By default vfork + execve of the program (any file system: a bare
 * name means /proc/boot/<name>); with -I, or when vfork is not available,
 * ImageSpawn from the boot image. The child gets no file descriptors (its
 * output goes to the kernel console, as for programs the startup script
 * starts: a console driver must never write to itself), restartd's
 * environment plus RESTART_NAME and, for heartbeat entities,
 * RESTART_HEARTBEAT_MS, and the priority restartd had before it raised
 * its own.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/neutrino.h>
#include <sys/restart.h>
#include <sys/wait.h>
#include <unistd.h>

#include "restartd.h"

#define ENV_MAX 64
#define FD_CLOSE_MAX 64

extern char **environ;

/* restartd's environment without RESTART_*, then e's own variables. */
static char **child_env(const struct entity *e)
{
	static char *env[ENV_MAX + 3];
	static char name_var[64], beat_var[48];
	int n = 0;
	for (char **p = environ; *p && n < ENV_MAX; p++)
		if (strncmp(*p, "RESTART_", 8))
			env[n++] = *p;
	snprintf(name_var, sizeof(name_var), "%s=%s", RESTART_ENV_NAME, e->name);
	env[n++] = name_var;
	if (e->heartbeat_ms) {
		snprintf(beat_var, sizeof(beat_var), "%s=%u", RESTART_ENV_HEARTBEAT, e->heartbeat_ms);
		env[n++] = beat_var;
	}
	env[n] = NULL;
	return env;
}

/* "/proc/boot/x" or "x" -> "x" (a boot-image name), else NULL. */
static const char *image_name(const char *prog)
{
	if (!strncmp(prog, "/proc/boot/", 11))
		return prog + 11;
	return strchr(prog, '/') ? NULL : prog;
}

static int spawn_image(const struct entity *e, char **env)
{
	const char *name = image_name(e->argv[0]);
	if (!name)
		return -EXDEV;
	struct _image_spawn_attr attr = {.priority = child_prio, .policy = child_policy};
	return ImageSpawn_r(name, e->argv, env, &attr);
}

static volatile int child_errno; /* written by the vfork child */

int spawn_entity(struct entity *e)
{
	char **env = child_env(e);
	if (use_imagespawn)
		return spawn_image(e, env);
	char path[ENTITY_PATH_MAX + 16];
	if (strchr(e->argv[0], '/'))
		snprintf(path, sizeof(path), "%s", e->argv[0]);
	else
		snprintf(path, sizeof(path), "/proc/boot/%s", e->argv[0]);
	child_errno = 0;
	pid_t pid = vfork();
	if (pid == 0) {
		/* restartd's memory until execve: only plain stores and syscalls */
		for (int fd = 0; fd < FD_CLOSE_MAX; fd++)
			close(fd);
		if (child_policy >= 0) {
			struct sched_param sp = {.sched_priority = child_prio};
			SchedSet_r(0, 0, child_policy, &sp);
		}
		execve(path, e->argv, env);
		child_errno = errno ? errno : ENOEXEC;
		_exit(127);
	}
	if (pid < 0) {
		if (errno == ENOSYS) {
			use_imagespawn = true;
			rd_log("vfork is not available: starting programs with ImageSpawn");
			return spawn_image(e, env);
		}
		return -errno;
	}
	if (child_errno) {
		int e2 = child_errno, st;
		waitpid(pid, &st, 0);
		return -e2;
	}
	return pid;
}
