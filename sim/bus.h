/* The system bus seen by the cores: RAM (sim/ram.h) plus memory-mapped
 * devices.  Devices are kept sorted by base address and found by binary
 * search; a physical address that is neither RAM nor a device gets an
 * external abort, as on real hardware with nothing behind the address. */
#ifndef MSASIM_SIM_BUS_H
#define MSASIM_SIM_BUS_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/error.h"

struct mmio_device {
    const char *name;
    uint64_t base, size;
    void *ctx;
    /* `offset` is relative to base; size is 1, 2, 4 or 8.  Return 0, or
     * nonzero for an external abort (an access the device refuses). */
    int (*read)(void *ctx, uint64_t offset, unsigned size, uint64_t *val);
    int (*write)(void *ctx, uint64_t offset, unsigned size, uint64_t val);
};

#define BUS_MAX_DEVICES 64

struct bus {
    int ndevices;
    struct mmio_device devices[BUS_MAX_DEVICES];
    uint64_t mmio_reads, mmio_writes, unmapped_accesses;
};

void bus_init(struct bus *b);

/* Refuses a device that overlaps another, naming both. */
int bus_add_device(struct bus *b, const struct mmio_device *dev, struct msa_error *err);

const struct mmio_device *bus_find_device(const struct bus *b, uint64_t pa);

/* 0 on success; nonzero when nothing answers or the device refuses. */
int bus_mmio_read(struct bus *b, uint64_t pa, unsigned size, uint64_t *val);
int bus_mmio_write(struct bus *b, uint64_t pa, unsigned size, uint64_t val);

#endif
