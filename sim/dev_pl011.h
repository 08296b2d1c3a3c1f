/* Arm PL011 UART, transmit side: what software writes to UARTDR goes to an
 * output callback (stdout for `msasim run`).  The receive FIFO is always
 * empty.  Registers that software only configures (baud rate, line and
 * control settings, interrupt masks) keep the values written so that reads
 * return them. */
#ifndef MSASIM_SIM_DEV_PL011_H
#define MSASIM_SIM_DEV_PL011_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/bus.h"

struct pl011 {
    void (*output)(void *ctx, const char *bytes, unsigned len);
    void *output_ctx;
    uint32_t ibrd, fbrd, lcr_h, cr, ifls, imsc, ris;
    uint64_t bytes_written;
};

#define PL011_SIZE 0x1000

void pl011_init(struct pl011 *u, void (*output)(void *, const char *, unsigned), void *ctx);
/* The interrupt output (UARTINTR): a raw interrupt that is not masked. */
bool pl011_irq_level(const struct pl011 *u);
struct mmio_device pl011_device(struct pl011 *u, const char *name, uint64_t base);

#endif
