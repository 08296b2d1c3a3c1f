#include "sim/bus.h"

#include <string.h>

void bus_init(struct bus *b)
{
    memset(b, 0, sizeof *b);
}

int bus_add_device(struct bus *b, const struct mmio_device *dev, struct msa_error *err)
{
    if (dev->size == 0 || dev->base + dev->size < dev->base)
        return msa_error_set(err, "device %s: bad range base 0x%llx size 0x%llx", dev->name,
                             (unsigned long long)dev->base, (unsigned long long)dev->size);
    if (b->ndevices >= BUS_MAX_DEVICES)
        return msa_error_set(err, "device %s: more than %d devices", dev->name, BUS_MAX_DEVICES);
    int pos = 0;
    while (pos < b->ndevices && b->devices[pos].base < dev->base)
        pos++;
    for (int i = 0; i < b->ndevices; i++) {
        const struct mmio_device *o = &b->devices[i];
        if (dev->base < o->base + o->size && o->base < dev->base + dev->size)
            return msa_error_set(err, "device %s at 0x%llx overlaps device %s at 0x%llx", dev->name,
                                 (unsigned long long)dev->base, o->name, (unsigned long long)o->base);
    }
    memmove(&b->devices[pos + 1], &b->devices[pos], (size_t)(b->ndevices - pos) * sizeof b->devices[0]);
    b->devices[pos] = *dev;
    b->ndevices++;
    return 0;
}

const struct mmio_device *bus_find_device(const struct bus *b, uint64_t pa)
{
    int lo = 0, hi = b->ndevices - 1;
    while (lo <= hi) {
        int mid = (lo + hi) / 2;
        const struct mmio_device *d = &b->devices[mid];
        if (pa < d->base)
            hi = mid - 1;
        else if (pa - d->base >= d->size)
            lo = mid + 1;
        else
            return d;
    }
    return NULL;
}

int bus_mmio_read(struct bus *b, uint64_t pa, unsigned size, uint64_t *val)
{
    const struct mmio_device *d = bus_find_device(b, pa);
    if (!d || !d->read || pa - d->base + size > d->size) {
        b->unmapped_accesses++;
        *val = 0;
        return -1;
    }
    b->mmio_reads++;
    return d->read(d->ctx, pa - d->base, size, val);
}

int bus_mmio_write(struct bus *b, uint64_t pa, unsigned size, uint64_t val)
{
    const struct mmio_device *d = bus_find_device(b, pa);
    if (!d || !d->write || pa - d->base + size > d->size) {
        b->unmapped_accesses++;
        return -1;
    }
    b->mmio_writes++;
    return d->write(d->ctx, pa - d->base, size, val);
}
