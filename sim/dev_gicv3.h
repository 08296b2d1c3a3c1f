/* A GICv3 interrupt controller (Arm IHI 0069): the distributor, one
 * redistributor per core and each core's CPU interface, physical and
 * virtual, in a single security state (GICD_CTLR.DS = 1, as on a machine
 * without EL3).  256 interrupt IDs (SGIs 0-15, PPIs 16-31, SPIs 32-255),
 * 5 priority bits, no LPIs and no ITS.
 *
 * The distributor and the redistributors are MMIO devices for the bus;
 * the CPU interface is served to the cores through cpu_gic_ops.  The
 * controller drives each core's IRQ/FIQ and virtual IRQ/FIQ inputs with
 * cpu_set_irq_lines() whenever its state changes; devices and timers
 * drive it with gicv3_set_level().  Group-1 interrupts signal IRQ, group-0
 * FIQ (physical and virtual alike). */
#ifndef MSASIM_SIM_DEV_GICV3_H
#define MSASIM_SIM_DEV_GICV3_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/bus.h"

struct cpu;
struct gicv3;

#define GICV3_NR_IRQS 256
#define GICV3_NUM_LRS 4                 /* list registers per core (ICH_VTR_EL2) */
#define GICV3_DIST_SIZE 0x10000
#define GICV3_REDIST_STRIDE 0x20000     /* RD_base frame + SGI_base frame */
#define GICV3_MAINT_PPI 25              /* maintenance interrupt (INTID) */

/* What the model counts (for statistics and tests). */
struct gicv3_stats {
    uint64_t unknown_reads, unknown_writes;  /* MMIO offsets not modelled: RAZ/WI */
    uint64_t acks, eois, spurious;           /* physical IAR/EOIR; IAR reads of 1023 */
    uint64_t virt_acks, virt_eois;           /* the same through the ICV_* view */
    uint64_t sgis;                           /* SGIs sent (per target) */
};

/* One controller for `ncores` cores (their MPIDR affinity routes SGIs
 * and SPIs and fills GICR_TYPER).  Hands its CPU interface to every core
 * (cpu_set_gic).  NULL when out of memory. */
struct gicv3 *gicv3_create(struct cpu *const *cores, unsigned ncores);
void gicv3_free(struct gicv3 *g);

/* The devices to put on the bus: the distributor (GICV3_DIST_SIZE bytes)
 * and the redistributors of every core, one GICV3_REDIST_STRIDE frame
 * pair each from `base` (the last one has GICR_TYPER.Last set). */
struct mmio_device gicv3_dist_device(struct gicv3 *g, uint64_t base);
struct mmio_device gicv3_redist_device(struct gicv3 *g, uint64_t base);

/* The level of an interrupt input: a PPI (16..31) of `core`'s
 * redistributor, or an SPI (32..255, `core` ignored). */
void gicv3_set_level(struct gicv3 *g, unsigned core, unsigned intid, bool level);

/* Inputs that change inside a core's turn without the controller seeing
 * it (a timer's output drops when software writes its control register):
 * `sample` is called for a core before each access of that core to its
 * CPU interface, so that an acknowledge or end of interrupt sees the
 * current levels.  May be NULL. */
void gicv3_set_sampler(struct gicv3 *g, void (*sample)(void *ctx, unsigned core), void *ctx);

/* The CPU interface the cores call (ctx is the struct gicv3). */
extern const struct cpu_gic_ops gicv3_cpu_ops;

const struct gicv3_stats *gicv3_get_stats(const struct gicv3 *g);

#endif
