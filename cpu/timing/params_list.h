/* Every parameter of the cycle model, one row each:
 *   X(key, field, words, min, max, default, doc)
 * `words` names a NULL-terminated list of accepted words (the value is the
 * word's index) or is NULL for numbers.  The defaults are a generic dual-issue
 * in-order core; the core descriptions in cpu/timing/cores/ set every key
 * with its source.  cpu/timing/README.md documents the same keys (a unit test
 * keeps the two in step). */

/* ---- pipeline ---- */
X("pipe.stages", pipe_stages, NULL, 1, 64, 8,
  "pipeline depth: a flush (ISB, exception entry, exception return) refills this many stages")
X("pipe.forwarding", pipe_forwarding, NULL, 0, 1, 1,
  "1: results are forwarded to dependants after their latency; 0: they wait for write-back")
X("pipe.wb_delay", pipe_wb_delay, NULL, 0, 16, 2,
  "extra cycles a dependant waits for a result when pipe.forwarding is 0")
X("issue.width", issue_width, NULL, 1, 8, 2, "instructions issued per cycle at most")
X("issue.alu", issue_alu, NULL, 1, 8, 2, "integer ALU pipes (instructions of that kind per cycle)")
X("issue.mac", issue_mac, NULL, 1, 8, 1, "multiply pipes")
X("issue.div", issue_div, NULL, 1, 8, 1, "divide units")
X("issue.ldst", issue_ldst, NULL, 1, 8, 1, "load/store pipes")
X("issue.branch", issue_branch, NULL, 1, 8, 1, "branch pipes")
X("issue.fp", issue_fp, NULL, 1, 8, 1, "FP/SIMD pipes")
X("issue.div_blocking", issue_div_blocking, NULL, 0, 1, 1,
  "1: a divide occupies its unit for its whole latency (not pipelined)")
X("issue.taken_ends_group", issue_taken_ends_group, NULL, 0, 1, 1,
  "1: nothing issues in the same cycle after a taken branch")
X("lat.alu", lat_alu, NULL, 1, 64, 1, "result latency of integer ALU operations")
X("lat.alu_shift", lat_alu_shift, NULL, 1, 64, 2,
  "result latency of ALU operations with a shifted or extended register operand, bitfield moves, CRC")
X("lat.mul", lat_mul, NULL, 1, 64, 3, "result latency of multiplies (MUL, MADD, SMULL, UMULH, ...)")
X("lat.div", lat_div, NULL, 1, 256, 12, "result latency of SDIV/UDIV")
X("lat.fp", lat_fp, NULL, 1, 64, 6, "result latency of the FP/SIMD moves the core implements")
X("lat.sysreg", lat_sysreg, NULL, 1, 64, 3, "result latency of MRS")
X("lat.atomic", lat_atomic, NULL, 0, 256, 2,
  "extra latency of exclusives, acquire/release and atomics over a plain load")

/* ---- branch prediction ---- */
X("bp.kind", bp_kind, tm_words_bp_kind, 0, 2, 1,
  "direction predictor: static (backward taken), bimodal, or gshare")
X("bp.entries", bp_entries, NULL, 1, 1u << 20, 2048, "2-bit counters in the direction predictor (a power of two)")
X("bp.history", bp_history, NULL, 0, 30, 8, "gshare: global history bits")
X("bp.btb.entries", bp_btb_entries, NULL, 1, 1u << 16, 256, "branch target buffer entries (a power of two)")
X("bp.btb.ways", bp_btb_ways, NULL, 1, 64, 2, "branch target buffer ways")
X("bp.ras", bp_ras, NULL, 0, 64, 8, "return stack entries (0: returns predicted from the BTB)")
X("bp.mispredict", bp_mispredict, NULL, 0, 256, 9,
  "cycles from a mispredicted branch's issue to the first correct-path issue")
X("bp.btb_miss", bp_btb_miss, NULL, 0, 64, 2,
  "bubble when a direct branch predicted taken has no BTB entry (target known at decode)")
X("bp.taken_bubble", bp_taken_bubble, NULL, 0, 64, 0, "bubble after every correctly predicted taken branch")

/* ---- caches and memory ---- */
X("l1i.size", l1i_size, NULL, 256, 1ull << 24, 32768, "L1 instruction cache size in bytes")
X("l1i.ways", l1i_ways, NULL, 1, 64, 2, "L1 instruction cache ways")
X("l1i.line", l1i_line, NULL, 16, 1024, 64, "L1 instruction cache line in bytes")
X("l1i.repl", l1i_repl, tm_words_repl, 0, 2, 0, "L1 instruction cache replacement: lru, fifo or random")
X("l1d.size", l1d_size, NULL, 256, 1ull << 24, 32768, "L1 data cache size in bytes")
X("l1d.ways", l1d_ways, NULL, 1, 64, 4, "L1 data cache ways")
X("l1d.line", l1d_line, NULL, 16, 1024, 64, "L1 data cache line in bytes")
X("l1d.latency", l1d_latency, NULL, 1, 64, 3, "load-to-use latency of an L1 data cache hit")
X("l1d.write", l1d_write, tm_words_write, 0, 1, 0, "L1 data cache write policy: wb (write-back) or wt (write-through)")
X("l1d.alloc", l1d_alloc, NULL, 0, 1, 1, "1: a store that misses allocates the line (write-allocate)")
X("l1d.repl", l1d_repl, tm_words_repl, 0, 2, 0, "L1 data cache replacement: lru, fifo or random")
X("l2.size", l2_size, NULL, 0, 1ull << 30, 524288, "shared L2 size in bytes; 0: no L2")
X("l2.ways", l2_ways, NULL, 1, 64, 16, "L2 ways")
X("l2.line", l2_line, NULL, 16, 1024, 64, "L2 line in bytes")
X("l2.latency", l2_latency, NULL, 1, 1024, 13, "cycles an L1 miss that hits the L2 adds")
X("l2.write", l2_write, tm_words_write, 0, 1, 0, "L2 write policy: wb or wt")
X("l2.repl", l2_repl, tm_words_repl, 0, 2, 0, "L2 replacement: lru, fifo or random")
X("mem.latency", mem_latency, NULL, 1, 100000, 120, "cycles a miss in the last cache level (or an uncached access) adds")
X("mem.device_latency", mem_device_latency, NULL, 1, 100000, 120, "cycles a Device access adds")
X("wbuf.entries", wbuf_entries, NULL, 1, 256, 4,
  "write buffer entries: stores and write-backs to memory wait here; a store stalls when it is full")
X("coh.transfer", coh_transfer, NULL, 0, 10000, 20,
  "cycles to get a line that another core holds dirty (instead of the next level)")
X("coh.invalidate", coh_invalidate, NULL, 0, 10000, 10,
  "cycles a store adds when it must invalidate copies of its line in other cores")
X("tcm.i.base", tcm_i_base, NULL, 0, ~0ull, 0, "instruction TCM base address")
X("tcm.i.size", tcm_i_size, NULL, 0, 1ull << 32, 0, "instruction TCM size in bytes; 0: none")
X("tcm.d.base", tcm_d_base, NULL, 0, ~0ull, 0, "data TCM base address")
X("tcm.d.size", tcm_d_size, NULL, 0, 1ull << 32, 0, "data TCM size in bytes; 0: none")
X("tcm.latency", tcm_latency, NULL, 1, 64, 1, "load-to-use latency of a data TCM access (fetches from the ITCM never stall)")

/* ---- translation (VMSA regimes) ---- */
X("tlb.micro", tlb_micro, NULL, 1, 256, 10, "entries of each micro-TLB (instruction, data), fully associative")
X("tlb.main", tlb_main, NULL, 1, 65536, 512, "main TLB entries")
X("tlb.main.ways", tlb_main_ways, NULL, 1, 64, 4, "main TLB ways")
X("tlb.main.latency", tlb_main_latency, NULL, 0, 256, 2, "cycles a micro-TLB miss that hits the main TLB adds")
X("tlb.walk.latency", tlb_walk_latency, NULL, 0, 1024, 4,
  "fixed cycles of a table walk, on top of its descriptor reads")
X("tlb.walkcache", tlb_walkcache, NULL, 0, 4096, 64,
  "walk cache entries (table descriptors; a hit skips that read); 0: none")
X("walk.l1d", walk_l1d, NULL, 0, 1, 0, "1: walks read descriptors through the L1 data cache; 0: from the L2")

/* ---- event costs ---- */
X("mpu.lookup", mpu_lookup, NULL, 0, 64, 0, "cycles an MPU lookup adds to each access (0: hidden in the pipeline)")
X("mpu.write", mpu_write, NULL, 0, 1024, 1, "cycles of an MPU register write (PRSELR, PRBAR, PRLAR, PRENR)")
X("mpu.sync", mpu_sync, NULL, 0, 1024, 2,
  "cycles the context synchronization after MPU writes adds to the pipeline refill")
X("sysreg.write", sysreg_write, NULL, 0, 1024, 1, "cycles of another system register write (MSR)")
X("isb.cost", isb_cost, NULL, 0, 1024, 0, "cycles an ISB adds to the pipeline refill")
X("dsb.cost", dsb_cost, NULL, 0, 1024, 4, "cycles of a DSB once outstanding accesses have completed")
X("dmb.cost", dmb_cost, NULL, 0, 1024, 2, "cycles of a DMB once the write buffer has drained")
X("tlbi.local", tlbi_local, NULL, 0, 100000, 8, "cycles of a local TLBI")
X("tlbi.broadcast", tlbi_broadcast, NULL, 0, 100000, 60, "cycles of a broadcast (Inner Shareable) TLBI")
X("exc.entry", exc_entry, NULL, 0, 10000, 4, "cycles exception entry adds to the pipeline refill")
X("exc.return", exc_return, NULL, 0, 10000, 2, "cycles an exception return adds to the pipeline refill")
X("dc.cost", dc_cost, NULL, 0, 10000, 2, "cycles of a DC by VA (a dirty line's write-back goes to the write buffer)")
X("ic.cost", ic_cost, NULL, 0, 10000, 2, "cycles of an IC by VA or IALLU")
