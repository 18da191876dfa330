/*
 * The test protocol between t_pathmgr and pm_server (tests/kernel/pathmgr).
 * pm_server <test pid> <test chid> <tag> <spec>...  where spec is
 * "<path>:<flags>", flags any of d (DIR), b (BEFORE), a (AFTER),
 * o (OPAQUE). It attaches each path (attachment i for spec i), sends the
 * test a struct pm_report, then serves: an open of a name that starts with
 * "missing" fails with ENOENT; any other open succeeds and reads back
 * "<tag>:<i>:<path relative to the prefix>". Control messages on its
 * channel: PM_DETACH (resmgr_detach of attachment id), PM_QUIT.
 */
#pragma once
#include <stdint.h>

#define PM_MAX 8
#define PM_DETACH 0x4000
#define PM_QUIT 0x4001

struct pm_report {
	char tag[8];
	int32_t chid;
	int32_t n;
	int32_t ids[PM_MAX];  /* resmgr_attach results (-1: failed) */
	int32_t errs[PM_MAX]; /* errno of a failed attach */
};

struct pm_ctl {
	uint16_t type;
	uint16_t zero;
	int32_t id;
};
