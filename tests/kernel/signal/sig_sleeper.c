/* Helper for t_sigwait: sleeps 300 ms, then exits with status 7. */
#include <time.h>

int main(void)
{
	struct timespec ts = {.tv_sec = 0, .tv_nsec = 300000000};
	while (nanosleep(&ts, &ts) != 0)
		;
	return 7;
}
