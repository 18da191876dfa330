/*
 * Interrupts for user-space drivers: InterruptAttachEvent (the kernel masks
 * the line and delivers the event), InterruptWait, counted
 * InterruptMask/InterruptUnmask, InterruptDetach. Needs ThreadCtl(_NTO_TCTL_IO).
 * Part of sys/neutrino.h.
 */
#pragma once

#define _NTO_INTR_FLAGS_END 0x01
#define _NTO_INTR_FLAGS_NO_UNMASK 0x02
#define _NTO_INTR_FLAGS_PROCESS 0x04
#define _NTO_INTR_FLAGS_TRK_MSK 0x08
/* SIGEV_PULSE only (else EINVAL): each interrupt's pulse carries, as its
 * 64-bit value (struct _pulse value.sival_u64), the TSC the kernel read on
 * entering the interrupt handler, instead of the event's own value. */
#define _NTO_INTR_FLAGS_STAMP 0x10
