/* Sleeping for a duration (nanosleep family): STATE_NANOSLEEP until the
 * deadline. Returns 0, or -EINTR if the thread is being killed. */
#pragma once
#include <kernel/types.h>

long thread_sleep_ns(uint64_t ns);
