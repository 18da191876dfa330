/*
 * /proc/cpuinfo (fs/proctext.h): the boot CPU as the CPUID instruction
 * describes it (it needs no privilege), in Linux's "key\t: value" layout:
 * vendor, family/model/stepping, the brand string as "model name", the
 * clock rate measured against CLOCK_MONOTONIC since cpuinfo_init(), cache
 * line and address sizes, and the feature flags under Linux's names (bit
 * positions from the Intel SDM and AMD APM CPUID tables). Only one CPU is
 * run by the kernel, so one block is shown.
 */
#include "fs/proctext.h"

#include <cpuid.h>
#include <string.h>
#include <x86intrin.h>

struct regs {
	unsigned a, b, c, d;
};

/* A flag: register and bit of a CPUID leaf (leaf 7: subleaf 0). */
struct flag {
	const char *name;
	unsigned leaf;
	unsigned char reg, bit;
};

#define EBX 1
#define ECX 2
#define EDX 3

static const struct flag flags[] = {
	{"fpu", 1, EDX, 0}, {"vme", 1, EDX, 1}, {"de", 1, EDX, 2},
	{"pse", 1, EDX, 3}, {"tsc", 1, EDX, 4}, {"msr", 1, EDX, 5},
	{"pae", 1, EDX, 6}, {"mce", 1, EDX, 7}, {"cx8", 1, EDX, 8},
	{"apic", 1, EDX, 9}, {"sep", 1, EDX, 11}, {"mtrr", 1, EDX, 12},
	{"pge", 1, EDX, 13}, {"mca", 1, EDX, 14}, {"cmov", 1, EDX, 15},
	{"pat", 1, EDX, 16}, {"pse36", 1, EDX, 17}, {"pn", 1, EDX, 18},
	{"clflush", 1, EDX, 19}, {"dts", 1, EDX, 21}, {"acpi", 1, EDX, 22},
	{"mmx", 1, EDX, 23}, {"fxsr", 1, EDX, 24}, {"sse", 1, EDX, 25},
	{"sse2", 1, EDX, 26}, {"ss", 1, EDX, 27}, {"ht", 1, EDX, 28},
	{"tm", 1, EDX, 29}, {"pbe", 1, EDX, 31},
	{"syscall", 0x80000001, EDX, 11}, {"nx", 0x80000001, EDX, 20},
	{"mmxext", 0x80000001, EDX, 22}, {"fxsr_opt", 0x80000001, EDX, 25},
	{"pdpe1gb", 0x80000001, EDX, 26}, {"rdtscp", 0x80000001, EDX, 27},
	{"lm", 0x80000001, EDX, 29}, {"3dnowext", 0x80000001, EDX, 30},
	{"3dnow", 0x80000001, EDX, 31},
	{"pni", 1, ECX, 0}, {"pclmulqdq", 1, ECX, 1}, {"dtes64", 1, ECX, 2},
	{"monitor", 1, ECX, 3}, {"ds_cpl", 1, ECX, 4}, {"vmx", 1, ECX, 5},
	{"smx", 1, ECX, 6}, {"est", 1, ECX, 7}, {"tm2", 1, ECX, 8},
	{"ssse3", 1, ECX, 9}, {"cid", 1, ECX, 10}, {"sdbg", 1, ECX, 11},
	{"fma", 1, ECX, 12}, {"cx16", 1, ECX, 13}, {"xtpr", 1, ECX, 14},
	{"pdcm", 1, ECX, 15}, {"pcid", 1, ECX, 17}, {"dca", 1, ECX, 18},
	{"sse4_1", 1, ECX, 19}, {"sse4_2", 1, ECX, 20}, {"x2apic", 1, ECX, 21},
	{"movbe", 1, ECX, 22}, {"popcnt", 1, ECX, 23},
	{"tsc_deadline_timer", 1, ECX, 24}, {"aes", 1, ECX, 25},
	{"xsave", 1, ECX, 26}, {"avx", 1, ECX, 28}, {"f16c", 1, ECX, 29},
	{"rdrand", 1, ECX, 30}, {"hypervisor", 1, ECX, 31},
	{"lahf_lm", 0x80000001, ECX, 0}, {"cmp_legacy", 0x80000001, ECX, 1},
	{"svm", 0x80000001, ECX, 2}, {"extapic", 0x80000001, ECX, 3},
	{"cr8_legacy", 0x80000001, ECX, 4}, {"abm", 0x80000001, ECX, 5},
	{"sse4a", 0x80000001, ECX, 6}, {"misalignsse", 0x80000001, ECX, 7},
	{"3dnowprefetch", 0x80000001, ECX, 8}, {"osvw", 0x80000001, ECX, 9},
	{"ibs", 0x80000001, ECX, 10}, {"xop", 0x80000001, ECX, 11},
	{"skinit", 0x80000001, ECX, 12}, {"wdt", 0x80000001, ECX, 13},
	{"lwp", 0x80000001, ECX, 15}, {"fma4", 0x80000001, ECX, 16},
	{"tce", 0x80000001, ECX, 17}, {"tbm", 0x80000001, ECX, 21},
	{"topoext", 0x80000001, ECX, 22}, {"perfctr_core", 0x80000001, ECX, 23},
	{"fsgsbase", 7, EBX, 0}, {"tsc_adjust", 7, EBX, 1}, {"bmi1", 7, EBX, 3},
	{"hle", 7, EBX, 4}, {"avx2", 7, EBX, 5}, {"smep", 7, EBX, 7},
	{"bmi2", 7, EBX, 8}, {"erms", 7, EBX, 9}, {"invpcid", 7, EBX, 10},
	{"rtm", 7, EBX, 11}, {"mpx", 7, EBX, 14}, {"avx512f", 7, EBX, 16},
	{"avx512dq", 7, EBX, 17}, {"rdseed", 7, EBX, 18}, {"adx", 7, EBX, 19},
	{"smap", 7, EBX, 20}, {"avx512ifma", 7, EBX, 21},
	{"clflushopt", 7, EBX, 23}, {"clwb", 7, EBX, 24},
	{"avx512pf", 7, EBX, 26}, {"avx512er", 7, EBX, 27},
	{"avx512cd", 7, EBX, 28}, {"sha_ni", 7, EBX, 29},
	{"avx512bw", 7, EBX, 30}, {"avx512vl", 7, EBX, 31},
	{"avx512vbmi", 7, ECX, 1}, {"umip", 7, ECX, 2}, {"pku", 7, ECX, 3},
	{"ospke", 7, ECX, 4}, {"waitpkg", 7, ECX, 5},
	{"avx512_vbmi2", 7, ECX, 6}, {"gfni", 7, ECX, 8}, {"vaes", 7, ECX, 9},
	{"vpclmulqdq", 7, ECX, 10}, {"avx512_vnni", 7, ECX, 11},
	{"avx512_bitalg", 7, ECX, 12}, {"avx512_vpopcntdq", 7, ECX, 14},
	{"la57", 7, ECX, 16}, {"rdpid", 7, ECX, 22}, {"movdiri", 7, ECX, 27},
	{"movdir64b", 7, ECX, 28}, {"fsrm", 7, EDX, 4}, {"md_clear", 7, EDX, 10},
	{"serialize", 7, EDX, 14}, {"arch_capabilities", 7, EDX, 29},
	{"ssbd", 7, EDX, 31},
};

static uint64_t tsc0, ns0; /* the clock-rate measurement's start */

static uint64_t mono_ns(void)
{
	uint64_t ns = 0;
	ClockTime_r(_NTO_CLOCK_MONOTONIC, NULL, &ns);
	return ns;
}

void cpuinfo_init(void)
{
	ns0 = mono_ns();
	tsc0 = __rdtsc();
}

/* Leaf (with subleaf) if the CPU has it, else all zero. */
static struct regs leaf(unsigned l, unsigned sub)
{
	struct regs r = {0, 0, 0, 0};
	unsigned max = __get_cpuid_max(l & 0x80000000u, NULL);
	if (max >= l)
		__cpuid_count(l, sub, r.a, r.b, r.c, r.d);
	return r;
}

static unsigned reg_of(const struct regs *r, int which)
{
	switch (which) {
	case 0: return r->a;
	case EBX: return r->b;
	case ECX: return r->c;
	default: return r->d;
	}
}

static void model_name(char out[49])
{
	memset(out, 0, 49);
	if (__get_cpuid_max(0x80000000u, NULL) < 0x80000004u)
		return;
	for (unsigned i = 0; i < 3; i++) {
		struct regs r = leaf(0x80000002u + i, 0);
		unsigned w[4] = {r.a, r.b, r.c, r.d};
		memcpy(out + i * 16, w, 16);
	}
	size_t skip = strspn(out, " ");
	memmove(out, out + skip, 49 - skip);
}

void proctext_cpuinfo(struct text *t)
{
	struct regs v = leaf(0, 0), f = leaf(1, 0);
	char vendor[13];
	memcpy(vendor, &v.b, 4);
	memcpy(vendor + 4, &v.d, 4);
	memcpy(vendor + 8, &v.c, 4);
	vendor[12] = '\0';
	unsigned family = (f.a >> 8) & 0xf, model = (f.a >> 4) & 0xf;
	if (family == 0xf)
		family += (f.a >> 20) & 0xff;
	if (family == 6 || family >= 0xf)
		model |= ((f.a >> 16) & 0xf) << 4;
	char name[49];
	model_name(name);
	text_add(t, "processor\t: 0\nvendor_id\t: %s\ncpu family\t: %u\nmodel\t\t: %u\n", vendor,
		 family, model);
	text_add(t, "model name\t: %s\nstepping\t: %u\n", name[0] ? name : "unknown", f.a & 0xf);
	uint64_t dns = mono_ns() - ns0, dtsc = __rdtsc() - tsc0;
	if (dns > 0)
		text_add(t, "cpu MHz\t\t: %.3f\n", (double)dtsc * 1000.0 / (double)dns);
	text_add(t, "physical id\t: 0\nsiblings\t: 1\ncore id\t\t: 0\ncpu cores\t: 1\n");
	text_add(t, "fpu\t\t: %s\nfpu_exception\t: %s\ncpuid level\t: %u\nwp\t\t: yes\n",
		 (f.d & 1) ? "yes" : "no", (f.d & 1) ? "yes" : "no", v.a);
	text_add(t, "flags\t\t:");
	struct regs cache[3] = {f, leaf(7, 0), leaf(0x80000001u, 0)};
	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		const struct flag *fl = &flags[i];
		const struct regs *r = fl->leaf == 1 ? &cache[0] : fl->leaf == 7 ? &cache[1] : &cache[2];
		if ((reg_of(r, fl->reg) >> fl->bit) & 1)
			text_add(t, " %s", fl->name);
	}
	text_add(t, "\n");
	unsigned line = ((f.b >> 8) & 0xff) * 8;
	text_add(t, "clflush size\t: %u\ncache_alignment\t: %u\n", line, line);
	struct regs a = leaf(0x80000008u, 0);
	if (a.a)
		text_add(t, "address sizes\t: %u bits physical, %u bits virtual\n", a.a & 0xff,
			 (a.a >> 8) & 0xff);
	text_add(t, "power management:\n\n");
}
