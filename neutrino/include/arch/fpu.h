/* FPU/SSE context of user threads (arch/x86_64/fpu.c). */
#pragma once
#define FPU_AREA_SIZE 512
void fpu_init(void);
void *fpu_alloc(void); /* a kmalloc'ed area holding the initial state, or NULL */
void fpu_save(void *area);
void fpu_restore(const void *area);
