/*
 * A tiny program linked three ways (static, static-pie, dynamic) as input
 * for the ELF checker tests. The thread-local variable gives it a PT_TLS,
 * which musl's static start-up finds through AT_PHDR.
 */
#include <stdio.h>

static __thread int tls_value = 5;

int main(int argc, char **argv __attribute__((unused)))
{
	tls_value += argc - 1;   /* keeps the variable (and PT_TLS) alive */
	printf("fixture ok tls=%d\n", tls_value);
	return 0;
}
