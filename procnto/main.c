/*
 * procnto: the first user process (pid 1, uid 0), started by the kernel
 * from the boot-image entry flagged +boot. It is the path manager and
 * serves its own names (pathmgr/, fs/, the shared memory objects of
 * memmgr/ at /dev/shmem) as a resource manager on channel 1
 * (SYSMGR_CHID), which every process is connected to (SYSMGR_COID).
 *
 * Process deaths: every process's connection to channel 1 ends with a
 * disconnect pulse; procmgr/ turns it into death events (<sys/procmgr.h>).
 *
 * Threads: the main thread sets everything up, starts the script thread
 * and then runs the dispatch loop forever; the script thread runs the
 * boot image's startup script (boot/script_run.c) and, when the script
 * ends, ends procnto, after which the kernel powers the machine off. The
 * two threads share one TLS (ThreadCreate): the script thread uses no
 * malloc, stdio streams or errno (see log.h, boot/script_run.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/neutrino.h>

#include "boot/imagefs.h"
#include "boot/script.h"
#include "fs/bootfs.h"
#include "fs/node.h"
#include "fs/procfs.h"
#include "log.h"
#include "memmgr/shmem.h"
#include "pathmgr/pathmgr.h"
#include "procmgr/procmgr.h"

static struct imagefs image;
static const char *script_text;
static size_t script_len;

static void *script_thread(void *arg)
{
	script_run(script_text, script_len);
	_exit(0);
}

/* The dispatch loop: one message at a time, forever. */
static void __attribute__((noreturn)) serve(dispatch_t *dpp)
{
	dispatch_context_t *ctp = dispatch_context_alloc(dpp);
	if (!ctp) {
		pn_log("cannot allocate a dispatch context");
		_exit(1);
	}
	for (;;) {
		if (!dispatch_block(ctp))
			continue; /* EINTR */
		if (ctp->rcvid == 0 && ctp->msg->pulse.code == _PULSE_CODE_DISCONNECT) {
			procmgr_disconnect(ctp->msg->pulse.scoid);
			pathmgr_disconnect(ctp->msg->pulse.scoid);
		}
		dispatch_handler(ctp);
	}
}

int main(void)
{
	/* First of all: every process's SYSMGR_COID connects to this channel. */
	int chid = ChannelCreate_r(_NTO_CHF_DISCONNECT | _NTO_CHF_UNBLOCK);
	if (chid != SYSMGR_CHID) {
		pn_log("cannot create channel %d (got %d)", SYSMGR_CHID, chid);
		return 1;
	}
	pn_log("starting");

	void *base = NULL;
	uint64_t size = 0;
	int rc = ImageMap_r(&base, &size);
	if (rc < 0) {
		pn_log("cannot map the boot image: %s", strerror(-rc));
		return 1;
	}
	if (imagefs_open(&image, base, size) < 0) {
		pn_log("the boot image is damaged");
		return 1;
	}

	dispatch_t *dpp = dispatch_create_channel(chid, 0);
	if (!dpp) {
		pn_log("cannot set up the dispatch: %s", strerror(errno));
		return 1;
	}
	pn_node_init();
	if (pathmgr_init(dpp, chid) < 0) {
		pn_log("cannot set up the path manager: %s", strerror(errno));
		return 1;
	}
	if (procmgr_init(dpp) < 0) {
		pn_log("cannot set up the process manager: %s", strerror(errno));
		return 1;
	}
	if ((rc = procfs_init(dpp)) < 0 || (rc = bootfs_init(dpp, &image)) < 0) {
		pn_log("cannot set up /proc: %s", strerror(-rc));
		return 1;
	}
	if ((rc = shmem_init(dpp)) < 0) {
		pn_log("cannot set up /dev/shmem: %s", strerror(-rc));
		return 1;
	}

	const struct ifs_dirent *d = imagefs_find_flag(&image, IFS_F_SCRIPT);
	if (!d) {
		pn_log("no startup script in the boot image");
		return 0;
	}
	script_text = imagefs_data(&image, d, &script_len);
	if (!script_text) {
		pn_log("the startup script entry is damaged");
		return 1;
	}
	struct _thread_attr attr = {.policy = -1, .priority = 0};
	rc = ThreadCreate_r(0, script_thread, NULL, &attr);
	if (rc < 0) {
		pn_log("cannot start the script thread: %s", strerror(-rc));
		return 1;
	}
	serve(dpp);
}
