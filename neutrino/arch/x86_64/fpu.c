/*
 * FPU/SSE state of user threads: enabled at boot (CR0.MP, CR4.OSFXSR and
 * OSXMMEXCPT; no XSAVE, so AVX instructions fault), saved and restored
 * eagerly with fxsave64/fxrstor64 on every switch between user threads. The
 * kernel itself never touches these registers (-mgeneral-regs-only).
 */
#include <arch/cpu.h>
#include <arch/fpu.h>
#include <mm/kmem.h>

static uint8_t fpu_initial[FPU_AREA_SIZE] __aligned(16);

void fpu_init(void)
{
	uint64_t cr0, cr4;
	__asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
	cr0 = (cr0 & ~(1ull << 2)) | (1ull << 1); /* no EM, MP */
	cr0 &= ~(1ull << 3);                      /* no TS */
	__asm__ volatile("mov %0, %%cr0" ::"r"(cr0));
	__asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
	cr4 |= (1ull << 9) | (1ull << 10);
	__asm__ volatile("mov %0, %%cr4" ::"r"(cr4));
	uint32_t mxcsr = 0x1f80;
	__asm__ volatile("fninit; ldmxcsr %0; fxsave64 %1" ::"m"(mxcsr), "m"(fpu_initial));
}

void *fpu_alloc(void)
{
	void *p = kmalloc(FPU_AREA_SIZE);
	if (p)
		memcpy(p, fpu_initial, FPU_AREA_SIZE);
	return p;
}

void fpu_save(void *area) { __asm__ volatile("fxsave64 (%0)" ::"r"(area) : "memory"); }
void fpu_restore(const void *area) { __asm__ volatile("fxrstor64 (%0)" ::"r"(area) : "memory"); }
