/*
 * intr_driver <mode>: a driver process started by t_intr.
 *   hold   attach IRQ 8 (SIGEV_INTR), wait up to 500 ms for nothing, exit
 *          with the attachment id (so the test can try that id from outside).
 *   exit   attach IRQ 8 twice (main thread with TRK_MSK, plus a second
 *          thread left blocked in InterruptWait), start the RTC, take one
 *          interrupt, mask twice more, then exit(0) with the line masked
 *          and everything attached.
 *   fault  the same, ending with a NULL store (killed by SIGSEGV).
 * Exit codes 2-9 report an unexpected result of a step.
 */
#include "ntest.h"
#include "rtc.h"

#include <time.h>

static volatile int second_ready;
static volatile int *volatile null_ptr;

static void *second_body(void *arg)
{
	(void)arg;
	struct sigevent ev;
	SIGEV_INTR_INIT(&ev);
	if (ThreadCtl_r(_NTO_TCTL_IO, 0) != 0 || InterruptAttachEvent_r(RTC_IRQ, &ev, 0) <= 0) {
		second_ready = -1;
		ntest_thread_exit();
	}
	second_ready = 1;
	for (;;)
		InterruptWait_r(0, NULL); /* never unmasks: the process dies with the line masked */
}

static int wait_intr(uint64_t ns)
{
	TimerTimeout_r(CLOCK_MONOTONIC, _NTO_TIMEOUT_INTR, NULL, &ns, NULL);
	return InterruptWait_r(0, NULL);
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return 2;
	if (ThreadCtl(_NTO_TCTL_IO, 0) != 0)
		return 3;
	struct sigevent ev;
	SIGEV_INTR_INIT(&ev);
	int id = InterruptAttachEvent(RTC_IRQ, &ev, _NTO_INTR_FLAGS_TRK_MSK);
	if (id <= 0)
		return 4;
	if (strcmp(argv[1], "hold") == 0) {
		wait_intr(500 * NTEST_MS);
		return id;
	}
	if (ntest_thread(second_body, NULL, -1, 0) < 0)
		return 5;
	while (!second_ready)
		sched_yield();
	if (second_ready < 0)
		return 6;
	rtc_start(RTC_RATE_1024HZ);
	if (wait_intr(1000 * NTEST_MS) != 0)
		return 7;
	/* the interrupt left one mask per attachment: 2 on the line */
	if (InterruptMask(RTC_IRQ, id) != 3 || InterruptMask(RTC_IRQ, id) != 4)
		return 8;
	struct timespec ts = {.tv_sec = 0, .tv_nsec = 20 * NTEST_MS};
	nanosleep(&ts, NULL); /* let the second thread block again */
	if (strcmp(argv[1], "fault") == 0)
		*null_ptr = 1;
	return 0;
}
