/*
 * Records of recent process deaths (kernel/proc_death.c), kept for
 * procnto's death events: procnto learns that a process ended from the
 * _PULSE_CODE_DISCONNECT of the process's connection to its channel 1,
 * which names only a scoid; ProcInfo(scoid | _NTO_PROCINFO_SCOID) then
 * turns that scoid into the dead process's pid, wait status and end time
 * (kcall/ker_proc_info.c), whether or not its parent has reaped it yet.
 */
#pragma once
#include <kernel/types.h>

struct process;
struct _proc_info;

/*
 * Records p's end: pid, parent, credentials, name, wait status, the time,
 * and the scoid of its connection to procnto's channel 1 (if it has one).
 * Called by process_last_thread_gone() first thing, before the ipc hook
 * detaches the connections and so queues procnto's disconnect pulse.
 * Never fails: the oldest record is overwritten when the table is full.
 */
void proc_death_note(struct process *p) __attribute__((weak));

/*
 * Fills *info (state _NTO_PROCINFO_DEAD) from the newest unconsumed record
 * whose procnto scoid is `scoid`, and marks it consumed, so that a scoid
 * slot procnto detached and the kernel gave to a later client is never
 * matched with an earlier death. 0, or -ESRCH when there is none.
 */
int proc_death_take(int scoid, struct _proc_info *info);
