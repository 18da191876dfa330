/*
 * Helper of the tests in tests/kernel/proc/, started by execve or
 * posix_spawn (never ImageSpawn). What it checks is chosen by argv[1]; the
 * exit status is the verdict:
 *   echo "a b" c        argv and PROC_TEST=42 in the environment: exit 7
 *   auxv <execfn>       the auxiliary vector of a fresh program: exit 0
 *   sigs                after exec: SIGUSR1 (was caught) is SIG_DFL, SIGUSR2
 *                       stays ignored, SIGHUP stays blocked: exit 0
 *   pause               waits for signals forever
 *   as the interpreter of proc_script (argv[1] "scriptarg", argv[2] the
 *   script path, argv[3] "x"): exit 9
 * Anything else, or a failed check: exit 1 (and a message on stderr).
 */
#include <elf.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <unistd.h>

extern const Elf64_Ehdr __ehdr_start;
extern void _start(void);

static int failed;

#define EXPECT(c)                                                                          \
	do {                                                                               \
		if (!(c)) {                                                                \
			fprintf(stderr, "proc_helper: %s failed (line %d)\n", #c, __LINE__); \
			failed = 1;                                                        \
		}                                                                          \
	} while (0)

static int check_auxv(const char *execfn)
{
	uintptr_t base = (uintptr_t)&__ehdr_start;
	int pie = __ehdr_start.e_type == ET_DYN;
	EXPECT(getauxval(AT_PAGESZ) == 4096);
	EXPECT(getauxval(AT_PHDR) == base + __ehdr_start.e_phoff);
	EXPECT(getauxval(AT_PHNUM) == __ehdr_start.e_phnum);
	EXPECT(getauxval(AT_PHENT) == sizeof(Elf64_Phdr));
	EXPECT(getauxval(AT_ENTRY) == (uintptr_t)&_start);
	EXPECT(getauxval(AT_BASE) == (pie ? base : 0));
	EXPECT(getauxval(AT_UID) == getuid());
	EXPECT(getauxval(AT_EUID) == geteuid());
	EXPECT(getauxval(AT_GID) == getgid());
	EXPECT(getauxval(AT_EGID) == getegid());
	EXPECT(getauxval(AT_SECURE) == 0);
	EXPECT(getauxval(AT_CLKTCK) == 100);
	EXPECT((getauxval(AT_HWCAP) & 1) == 1); /* CPUID.1:EDX.FPU */
	const unsigned char *r = (const unsigned char *)getauxval(AT_RANDOM);
	EXPECT(r != NULL);
	if (r) {
		int nonzero = 0;
		for (int i = 0; i < 16; i++)
			nonzero |= r[i];
		EXPECT(nonzero);
	}
	const char *fn = (const char *)getauxval(AT_EXECFN);
	EXPECT(fn && strcmp(fn, execfn) == 0);
	return failed;
}

static int check_sigs(void)
{
	struct sigaction sa;
	sigset_t m;
	EXPECT(sigaction(SIGUSR1, NULL, &sa) == 0 && sa.sa_handler == SIG_DFL);
	EXPECT(sigaction(SIGUSR2, NULL, &sa) == 0 && sa.sa_handler == SIG_IGN);
	EXPECT(sigprocmask(SIG_BLOCK, NULL, &m) == 0 && sigismember(&m, SIGHUP));
	EXPECT(!sigismember(&m, SIGUSR1));
	return failed;
}

int main(int argc, char **argv)
{
	if (argc >= 3 && strcmp(argv[1], "scriptarg") == 0) {
		EXPECT(argc == 4);
		EXPECT(strstr(argv[2], "proc_script") != NULL);
		EXPECT(argc < 4 || strcmp(argv[3], "x") == 0);
		return failed ? 1 : 9;
	}
	if (argc < 2)
		return 1;
	if (strcmp(argv[1], "echo") == 0) {
		const char *v = getenv("PROC_TEST");
		EXPECT(argc == 4);
		EXPECT(argc < 4 || (strcmp(argv[2], "a b") == 0 && strcmp(argv[3], "c") == 0));
		EXPECT(v && strcmp(v, "42") == 0);
		return failed ? 1 : 7;
	}
	if (strcmp(argv[1], "auxv") == 0 && argc == 3)
		return check_auxv(argv[2]);
	if (strcmp(argv[1], "sigs") == 0)
		return check_sigs();
	if (strcmp(argv[1], "pause") == 0) {
		for (;;)
			pause();
	}
	return 1;
}
