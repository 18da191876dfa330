/*
 * The wait shared by poll, ppoll (poll.c), select and pselect6 (select.c).
 */
#pragma once
#include "linux_fd.h"

/* Polls pfd[0..n) (fd < 0 entries are skipped), waiting for readiness until
 * deadline_tsc (0: forever) unless immediate. Fills revents; returns how
 * many entries have revents, 0 at the deadline, -EINTR, -ENOMEM. */
long poll_wait_fds(struct linux_pollfd *pfd, unsigned n, bool immediate, uint64_t deadline_tsc);
/* The absolute TSC deadline ns from now (never 0). */
uint64_t poll_deadline(uint64_t ns);
/* ppoll/pselect6: the signal mask set for the call, and its end (after
 * -EINTR the old mask comes back at the handler's sigreturn). */
void poll_mask_set(uint64_t set);
void poll_mask_done(long result);
/* Destroys the process's poll channels (exec, exit). */
void poll_chans_drop(void);
