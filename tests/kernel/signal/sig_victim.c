/* Helper for t_sigwait: waits for signals forever (default actions apply). */
#include <unistd.h>

int main(void)
{
	for (;;)
		pause();
}
