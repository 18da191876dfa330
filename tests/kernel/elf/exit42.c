/* exit42: exits with status 42, for the elf test's exit-status check. */
#include <stdlib.h>

int main(void)
{
	exit(42);
}
