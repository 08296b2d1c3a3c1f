// The msasim machine as a TLM-2.0 loosely-timed initiator (msasim_core.h).
#include "sim/systemc/msasim_core.h"

#include <stdexcept>

namespace msasim_sc {

using sc_core::sc_time;
using sc_core::SC_ZERO_TIME;

// The cores hand values over as little-endian integers, TLM data arrays are
// in host order: the two agree on a little-endian host only.
static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "msasim's TLM wrapper needs a little-endian host");

// Slices when no global quantum is set (every slice would be one cycle).
static const uint64_t kSliceWithoutQuantum = 1000;

sc_time Core::QuantumKeeper::time_to_sync() const
{
    sc_time now = get_current_time();
    return m_next_sync_point > now ? m_next_sync_point - now : SC_ZERO_TIME;
}

Core::Core(sc_core::sc_module_name name, const Config &cfg)
    : sc_module(name), socket("socket"), irq("irq"), cfg_(cfg)
{
    std::vector<msasim_region> regions;
    for (const Range &r : cfg_.ranges) {
        msasim_region g{};
        g.name = r.name.c_str();
        g.base = r.base;
        g.size = r.size;
        g.flags = r.memory ? MSASIM_REGION_MEMORY : 0;
        g.ctx = this;
        g.access = access_cb;
        g.direct = r.memory && cfg_.dmi ? direct_cb : nullptr;
        g.debug = r.memory ? debug_cb : nullptr;
        regions.push_back(g);
    }
    msasim_options o;
    msasim_options_init(&o);
    o.platform = cfg_.platform.c_str();
    o.profile = cfg_.profile.empty() ? nullptr : cfg_.profile.c_str();
    o.cores = cfg_.cores;
    o.timing = cfg_.timing;
    o.timing_core = cfg_.timing_core.empty() ? nullptr : cfg_.timing_core.c_str();
    std::vector<const char *> sets;
    for (const std::string &kv : cfg_.timing_settings)
        sets.push_back(kv.c_str());
    sets.push_back(nullptr);
    o.settings = sets.data();
    o.regions = regions.data();
    o.nregions = static_cast<unsigned>(regions.size());
    char err[512];
    h_ = msasim_create(&o, err, sizeof err);
    if (!h_)
        throw std::runtime_error(err);

    socket.register_invalidate_direct_mem_ptr(this, &Core::invalidate_direct_mem_ptr);
    SC_THREAD(run_thread);
    set_stack_size(1 << 20);   // the simulator's run loop is plain C with its own frames
    SC_METHOD(irq_changed);
    sensitive << irq;
    dont_initialize();
}

Core::~Core()
{
    msasim_destroy(h_);
}

void Core::start_of_simulation()
{
    if (program_.empty())
        error_ = "no program to run (Core::load)";
    else if (msasim_load_program(h_, program_.c_str()) < 0)
        error_ = msasim_last_error(h_);
}

void Core::set_irq(unsigned core, msasim_irq_line line, bool level)
{
    if (msasim_set_irq(h_, core, line, level) < 0)
        throw std::runtime_error(msasim_last_error(h_));
    irq_event_.notify();
}

uint64_t Core::cycles() const
{
    return msasim_cycles(h_);
}

void Core::irq_changed()
{
    set_irq(0, MSASIM_IRQ, irq.read());
}

// ---- the run loop --------------------------------------------------------------

void Core::run_thread()
{
    if (!error_.empty()) {
        sc_core::sc_stop();
        return;
    }
    qk_.reset();
    const bool no_quantum = tlm_utils::tlm_quantumkeeper::get_global_quantum() == SC_ZERO_TIME;
    for (;;) {
        uint64_t budget = no_quantum ? kSliceWithoutQuantum
                                     : static_cast<uint64_t>(qk_.time_to_sync() / cfg_.clock_period);
        if (budget == 0)
            budget = 1;
        run_start_ = msasim_cycles(h_);
        slice_start_local_ = qk_.get_local_time();
        added_latency_ = SC_ZERO_TIME;
        msasim_result r;
        msasim_run(h_, budget, &r);
        qk_.inc(cfg_.clock_period * static_cast<double>(r.cycles) + added_latency_);
        result_ = r;
        switch (r.reason) {
        case MSASIM_STOP_LIMIT:
        case MSASIM_STOP_REQUESTED:
            if (no_quantum || qk_.need_sync())
                qk_.sync();
            break;
        case MSASIM_STOP_IDLE:
            // Every core waits for an interrupt: let the rest of the platform
            // catch up, then sleep until the interrupt input changes.
            qk_.sync();
            sc_core::wait(irq_event_);
            break;
        default:
            qk_.sync();
            finished_ = true;
            sc_core::sc_stop();
            return;
        }
    }
}

// ---- accesses from the cores ------------------------------------------------------

int Core::access_cb(void *ctx, const msasim_access *a, uint64_t *data)
{
    return static_cast<Core *>(ctx)->access(a, data);
}

uint8_t *Core::direct_cb(void *ctx, uint64_t addr, uint64_t *start, uint64_t *len)
{
    return static_cast<Core *>(ctx)->direct(addr, start, len);
}

size_t Core::debug_cb(void *ctx, uint64_t addr, void *buf, size_t len, bool write)
{
    return static_cast<Core *>(ctx)->debug(addr, buf, len, write);
}

int Core::access(const msasim_access *a, uint64_t *data)
{
    tlm::tlm_generic_payload &p = payload_;
    p.set_command(a->write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
    p.set_address(a->addr);
    p.set_data_ptr(reinterpret_cast<unsigned char *>(data));
    p.set_data_length(a->size);
    p.set_streaming_width(a->size);
    p.set_byte_enable_ptr(nullptr);
    p.set_byte_enable_length(0);
    p.set_dmi_allowed(false);
    p.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    // The core's local time: where the slice began, the cycles the core has
    // executed in it, and what targets have added so far.
    sc_time delay = slice_start_local_ +
                    cfg_.clock_period * static_cast<double>(a->cycle - run_start_) + added_latency_;
    const sc_time before = delay;
    socket->b_transport(p, delay);
    if (delay > before)
        added_latency_ += delay - before;
    transactions_++;
    // The target says DMI would be granted now: ask at the next access.
    if (cfg_.dmi && p.is_dmi_allowed())
        msasim_invalidate_direct(h_, a->addr, a->addr + 1);
    switch (p.get_response_status()) {
    case tlm::TLM_OK_RESPONSE: return MSASIM_ACCESS_OK;
    case tlm::TLM_ADDRESS_ERROR_RESPONSE: return MSASIM_ACCESS_DECODE_ERROR;
    default: return MSASIM_ACCESS_SLAVE_ERROR;
    }
}

uint8_t *Core::direct(uint64_t addr, uint64_t *start, uint64_t *len)
{
    tlm::tlm_generic_payload p;
    p.set_command(tlm::TLM_READ_COMMAND);
    p.set_address(addr);
    tlm::tlm_dmi dmi;
    if (!socket->get_direct_mem_ptr(p, dmi) || !dmi.is_read_write_allowed() || !dmi.get_dmi_ptr())
        return nullptr;
    *start = dmi.get_start_address();
    *len = dmi.get_end_address() - dmi.get_start_address() + 1;
    dmi_grants_++;
    return dmi.get_dmi_ptr();
}

size_t Core::debug(uint64_t addr, void *buf, size_t len, bool write)
{
    tlm::tlm_generic_payload p;
    p.set_command(write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
    p.set_address(addr);
    p.set_data_ptr(static_cast<unsigned char *>(buf));
    p.set_data_length(static_cast<unsigned>(len));
    p.set_streaming_width(static_cast<unsigned>(len));
    return socket->transport_dbg(p);
}

void Core::invalidate_direct_mem_ptr(sc_dt::uint64 start, sc_dt::uint64 end)
{
    // TLM's end is inclusive, msasim's exclusive.
    msasim_invalidate_direct(h_, start, end == ~sc_dt::uint64(0) ? end : end + 1);
}

}  // namespace msasim_sc
