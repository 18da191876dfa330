/*
 * Platform interrupt and time hardware: ACPI tables, LAPIC, IOAPIC, legacy
 * PIC, TSC calibration, the one-shot timer, power off.
 *
 * Boot order (kernel/main.c): acpi_init() -> pic_disable() -> lapic_init()
 * -> ioapic_init() -> tsc_calibrate() -> timer_hw_init(); interrupts are
 * enabled after that.
 */
#pragma once
#include <kernel/types.h>

/* ---- ACPI (arch/x86_64/acpi.c) ---- */
struct acpi_info {
	paddr_t lapic_phys;         /* from MADT (override entry honoured) */
	unsigned n_ioapics;
	struct {
		paddr_t phys;
		uint32_t gsi_base;
		uint8_t id;
	} ioapic[4];
	/* ISA IRQ -> GSI with polarity/trigger from MADT interrupt source overrides */
	struct {
		uint32_t gsi;
		uint8_t active_low, level;
	} isa_irq[16];
	paddr_t hpet_phys;          /* 0 if no HPET table */
	uint16_t pm1a_cnt, pm1b_cnt; /* FADT PM1 control ports (0 if none) */
	uint16_t slp_typ_s5a, slp_typ_s5b;
	bool s5_valid;              /* \_S5 found in the DSDT */
	uint8_t reset_space;        /* FADT reset register (if flags say supported) */
	uint64_t reset_addr;
	uint8_t reset_value;
	bool reset_valid;
	uint16_t smi_cmd;           /* FADT SMI command port and ACPI_ENABLE value */
	uint8_t acpi_enable;        /* (0 if the system is always in ACPI mode) */
	unsigned n_cpus;            /* enabled processors in the MADT */
	uint8_t cpu_apic_id[64];    /* their LAPIC ids (first 64) */
};
extern struct acpi_info acpi;
/* rsdp: a pointer to a copy of the RSDP (from the multiboot2 ACPI tag), or
 * NULL to search the BIOS areas. Panics with a clear message if no MADT. */
void acpi_init(const void *rsdp);
/* Find Name(\_S5, Package{a, b, ...}) in an AML table body (arch/x86_64/aml_s5.c).
 * Returns true and the two SLP_TYP values if found and well formed. */
bool aml_find_s5(const uint8_t *aml, size_t len, uint16_t *typ_a, uint16_t *typ_b);

/* ---- legacy 8259 PIC (arch/x86_64/pic.c) ---- */
void pic_disable(void); /* remap to 0x20..0x2f and mask every line */

/* ---- LAPIC (arch/x86_64/lapic.c) ---- */
void lapic_init(void);
void lapic_eoi(void);
uint32_t lapic_id(void);
/* Register access for platform code (timer.c); xAPIC MMIO offsets. */
#define LAPIC_ID 0x020
#define LAPIC_VER 0x030
#define LAPIC_TPR 0x080
#define LAPIC_EOI 0x0B0
#define LAPIC_SVR 0x0F0
#define LAPIC_ESR 0x280
#define LAPIC_LVT_TIMER 0x320
#define LAPIC_LVT_THERMAL 0x330
#define LAPIC_LVT_PERF 0x340
#define LAPIC_LVT_LINT0 0x350
#define LAPIC_LVT_LINT1 0x360
#define LAPIC_LVT_ERROR 0x370
#define LAPIC_TIMER_INIT 0x380
#define LAPIC_TIMER_CUR 0x390
#define LAPIC_TIMER_DIV 0x3E0
#define LAPIC_LVT_MASKED (1u << 16)
extern volatile uint8_t *lapic_mmio; /* [I] set by lapic_init() on the boot CPU */
static inline uint32_t lapic_read(uint32_t reg) { return *(volatile uint32_t *)(lapic_mmio + reg); }
static inline void lapic_write(uint32_t reg, uint32_t v) { *(volatile uint32_t *)(lapic_mmio + reg) = v; }

/* ---- IOAPIC (arch/x86_64/ioapic.c) ---- */
void ioapic_init(void);  /* all pins masked */
/* True if some IOAPIC has this GSI. ioapic_route/mask/unmask panic otherwise. */
bool ioapic_gsi_valid(uint32_t gsi);
/* Route a GSI to a vector on the boot CPU, with polarity/trigger. Leaves it masked. */
void ioapic_route(uint32_t gsi, uint8_t vector, bool active_low, bool level);
void ioapic_mask(uint32_t gsi);
void ioapic_unmask(uint32_t gsi);
/* ISA IRQ number -> GSI (MADT overrides applied), and its polarity/trigger. */
uint32_t isa_irq_to_gsi(unsigned irq, bool *active_low, bool *level);

/* ---- TSC clock (arch/x86_64/tsc.c) ---- */
extern uint64_t tsc_hz;           /* calibrated TSC frequency */
void tsc_calibrate(void);         /* against the HPET if present, else PIT channel 2 */
/* Conversions by one 64x64->128 multiply and shift; no overflow for any
 * input (results past 2^64 saturate to UINT64_MAX). tsc_to_ns rounds down and
 * is off by at most 1 ns (2 ns for TSCs under 1 GHz near 2^64 ns); ns_to_tsc
 * rounds up, so a deadline computed from it is never early. */
uint64_t tsc_to_ns(uint64_t tsc);
uint64_t ns_to_tsc(uint64_t ns);
/* n / d for a 128-bit n, when the caller knows the quotient fits in 64 bits
 * (one DIVQ; a larger quotient raises #DE). No libgcc call. */
static inline uint64_t div128_64(unsigned __int128 n, uint64_t d)
{
	uint64_t q, r;
	__asm__("divq %4" : "=a"(q), "=d"(r) : "a"((uint64_t)n), "d"((uint64_t)(n >> 64)), "rm"(d));
	return q;
}

/* ---- one-shot timer (arch/x86_64/timer.c) ---- */
/* Chooses TSC-deadline mode if CPUID says so, else LAPIC one-shot with a
 * calibrated divider; prints which. The timer raises VEC_LAPIC_TIMER. */
void timer_hw_init(void);
/* Arm the one-shot for an absolute TSC value (past values fire at once).
 * Re-arming replaces the previous deadline. Interrupts must be off. */
void timer_hw_arm(uint64_t deadline_tsc);
void timer_hw_disarm(void);
extern const char *timer_hw_mode; /* "tsc-deadline" or "lapic-oneshot" */

/* ---- power (arch/x86_64/power.c) ---- */
/* ACPI S5 (FADT PM1 + DSDT \_S5), then QEMU fallbacks; never returns. */
__attribute__((noreturn)) void arch_poweroff(void);
/* Exit QEMU through isa-debug-exit (iobase 0xf4) if present, with a code; then
 * arch_poweroff(). Used by panic so the host sees a failure status. */
__attribute__((noreturn)) void arch_fail_exit(int code);
__attribute__((noreturn)) void arch_reboot(void);
