/*
 * Adoption: when restartd starts (first boot, or restarted by procnto
 * after it died), each entity may already run: its old incarnation,
 * orphaned by the previous restartd, or a copy the startup script started
 * itself. restartd then supervises that process instead of starting a
 * duplicate. main.c asks by path first for every entity (the process that
 * serves the entity's path), then by program name for the rest (a running
 * process of that name nobody has adopted).
 */
#include <string.h>
#include <sys/neutrino.h>
#include <sys/pathfind.h>
#include <unistd.h>

#include "restartd.h"

static int alive(int32_t pid)
{
	struct _proc_info pi;
	return pid > 0 && ProcInfo_r(pid, &pi) == pid && pi.state == _NTO_PROCINFO_RUNNING;
}

int adopt_by_path(struct entity *e)
{
	struct _io_connect_entry ent;
	if (!e->path[0] || resmgr_path_server(e->path, &ent) < 0)
		return 0;
	if (!alive(ent.pid) || entity_by_pid(ent.pid) || ent.pid == getpid())
		return 0;
	return ent.pid;
}

int adopt_by_name(struct entity *e)
{
	const char *base = e->argv[0];
	for (const char *p = base; *p; p++)
		if (*p == '/')
			base = p + 1;
	struct _proc_info pi;
	for (int pid = 1; (pid = ProcInfo_r(pid | _NTO_PROCINFO_NEXT, &pi)) > 0; pid++) {
		if (pi.state != _NTO_PROCINFO_RUNNING || pid == getpid() || entity_by_pid(pid))
			continue;
		if (!strncmp(pi.name, base, sizeof(pi.name) - 1))
			return pid;
	}
	return 0;
}
