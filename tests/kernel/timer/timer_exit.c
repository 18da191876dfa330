/*
 * timer_exit: helper of t_timer. Leaves 200 armed periodic timers (half with
 * an undeliverable event) and an exited, unjoined thread behind and exits,
 * so that the test can check the kernel frees all of it with the process.
 */
#include "ntest.h"

static void *quit(void *arg)
{
	ThreadDestroy_r(0, -1, arg);
	__builtin_trap();
}

int main(void)
{
	struct sigevent ev;
	memset(&ev, 0, sizeof(ev));
	for (int i = 0; i < 200; i++) {
		if (i & 1)
			SIGEV_PULSE_INIT(&ev, 0x3fff, 10, 1, 0);
		else
			SIGEV_NONE_INIT(&ev);
		int id = TimerCreate_r(_NTO_CLOCK_MONOTONIC, &ev);
		if (id < 0)
			return 2;
		struct _itimer it = {.nsec = NTEST_MS, .interval_nsec = NTEST_MS};
		if (TimerSettime_r(id, 0, &it, NULL) < 0)
			return 3;
	}
	if (ntest_thread(quit, (void *)1, -1, 0) < 0)
		return 4;
	struct timespec ts = {.tv_sec = 0, .tv_nsec = 20 * NTEST_MS};
	nanosleep(&ts, NULL);
	return 0;
}
