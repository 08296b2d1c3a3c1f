// msasim in a SystemC virtual platform: one msasim machine (its cores with
// their MPUs or MMUs) as a TLM-2.0 loosely-timed initiator.
//
// The accesses the cores make to the address ranges listed in
// Core::Config::ranges leave through `socket` as b_transport calls, with the
// core's local time within the quantum as the delay annotation; memory
// ranges are reached through DMI when the target grants it
// (get_direct_mem_ptr), and through b_transport for every access when it
// does not.  The platform's own RAM and UARTs inside those ranges are left
// out of the machine: the SystemC targets replace them.
//
// Time: the machine runs in slices of at most one global quantum
// (tlm_utils::tlm_quantumkeeper); every cycle of the machine is
// Config::clock_period of SystemC time, and the latency a target adds to
// the delay of a b_transport is added to the core's local time.  A cycle is
// the cycle model's when Config::timing is on (msasim_cycles(): the most
// advanced core's clock, as `msasim run --timing on` counts it), else one
// instruction.  A slice may end past the quantum by the cycles of one
// instruction; the quantum keeper carries that over.  When every
// core waits for an interrupt (WFI), the thread syncs and waits for a change
// of `irq`.  Targets must not call wait() inside b_transport (loosely timed
// with temporal decoupling).
//
// `irq` is the level of core 0's physical IRQ input (msasim_set_irq);
// set_irq() drives any core's lines.  The module stops the simulation
// (sc_stop) when the program ends; result() then says how.
#ifndef MSASIM_SIM_SYSTEMC_MSASIM_CORE_H
#define MSASIM_SIM_SYSTEMC_MSASIM_CORE_H

#include <cstdint>
#include <string>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/tlm_quantumkeeper.h>

#include "sim/msasim.h"

namespace msasim_sc {

class Core : public sc_core::sc_module {
  public:
    // An address range whose accesses go out through the socket.
    struct Range {
        std::string name;
        uint64_t base, size;
        bool memory;   // RAM: executable, loadable, reached by DMI when granted
    };

    struct Config {
        std::string platform = "virt";   // as `msasim run --platform`
        std::string profile;             // "r", "a" or empty: from the platform
        unsigned cores = 0;              // 0: as the device tree lists
        std::vector<Range> ranges;
        sc_core::sc_time clock_period = sc_core::sc_time(1, sc_core::SC_NS);
        bool dmi = true;                 // ask targets for DMI pointers
        bool timing = false;             // the cycle model (`msasim run --timing on`)
        std::string timing_core;         // its core description; empty: by profile
        std::vector<std::string> timing_settings;   // "KEY=VALUE" (`msasim run --set`)
    };

    tlm_utils::simple_initiator_socket<Core> socket;
    sc_core::sc_in<bool> irq;

    SC_HAS_PROCESS(Core);
    Core(sc_core::sc_module_name name, const Config &cfg);
    ~Core() override;

    // Before sc_start: the bare-metal ELF or arm64 Image to run.  It is
    // loaded at the start of simulation, through the targets' debug
    // transport (transport_dbg), when the socket's binding is complete; a
    // failure stops the simulation at once and error() says why.
    void load(const std::string &path) { program_ = path; }
    const std::string &error() const { return error_; }

    void set_irq(unsigned core, msasim_irq_line line, bool level);

    bool finished() const { return finished_; }
    const msasim_result &result() const { return result_; }
    uint64_t cycles() const;
    uint64_t transactions() const { return transactions_; }
    uint64_t dmi_grants() const { return dmi_grants_; }
    msasim_t *handle() { return h_; }

  private:
    // The tlm_quantumkeeper keeps the next sync point to itself.
    struct QuantumKeeper : tlm_utils::tlm_quantumkeeper {
        sc_core::sc_time time_to_sync() const;
    };

    void start_of_simulation() override;
    void run_thread();
    void irq_changed();
    void invalidate_direct_mem_ptr(sc_dt::uint64 start, sc_dt::uint64 end);

    static int access_cb(void *ctx, const msasim_access *a, uint64_t *data);
    static uint8_t *direct_cb(void *ctx, uint64_t addr, uint64_t *start, uint64_t *len);
    static size_t debug_cb(void *ctx, uint64_t addr, void *buf, size_t len, bool write);

    int access(const msasim_access *a, uint64_t *data);
    uint8_t *direct(uint64_t addr, uint64_t *start, uint64_t *len);
    size_t debug(uint64_t addr, void *buf, size_t len, bool write);

    Config cfg_;
    msasim_t *h_ = nullptr;
    QuantumKeeper qk_;
    sc_core::sc_event irq_event_;
    tlm::tlm_generic_payload payload_;
    uint64_t run_start_ = 0;                  // msasim_cycles() when the slice began
    sc_core::sc_time slice_start_local_;      // quantum keeper's local time then
    sc_core::sc_time added_latency_;          // what targets added during the slice
    std::string program_, error_;
    bool finished_ = false;
    msasim_result result_{};
    uint64_t transactions_ = 0, dmi_grants_ = 0;
};

}  // namespace msasim_sc

#endif
