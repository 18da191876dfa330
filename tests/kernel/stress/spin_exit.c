/* spin_exit: exits 0 at once; the stress test starts it a thousand times. */
int main(void)
{
	return 0;
}
