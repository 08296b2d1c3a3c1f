// The example platform's interconnect: one target socket in, one initiator
// socket per mapped target out.  Targets see addresses relative to their
// base; DMI windows and invalidations are moved back to bus addresses.
#ifndef MSASIM_SIM_SYSTEMC_EXAMPLE_ROUTER_H
#define MSASIM_SIM_SYSTEMC_EXAMPLE_ROUTER_H

#include <cstdint>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/multi_passthrough_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

namespace msasim_sc {

class Router : public sc_core::sc_module {
  public:
    tlm_utils::simple_target_socket<Router> in;
    tlm_utils::multi_passthrough_initiator_socket<Router> out;

    explicit Router(sc_core::sc_module_name name) : sc_module(name), in("in"), out("out")
    {
        in.register_b_transport(this, &Router::b_transport);
        in.register_get_direct_mem_ptr(this, &Router::get_direct_mem_ptr);
        in.register_transport_dbg(this, &Router::transport_dbg);
        out.register_invalidate_direct_mem_ptr(this, &Router::invalidate_direct_mem_ptr);
    }

    // Binds `target` as the next output and maps [base, base+size) to it.
    template <typename Socket>
    void map(Socket &target, uint64_t base, uint64_t size)
    {
        out.bind(target);
        map_.push_back({base, size});
    }

  private:
    struct Window {
        uint64_t base, size;
    };

    int decode(uint64_t addr) const
    {
        for (size_t i = 0; i < map_.size(); i++)
            if (addr - map_[i].base < map_[i].size)
                return static_cast<int>(i);
        return -1;
    }

    void b_transport(tlm::tlm_generic_payload &p, sc_core::sc_time &delay)
    {
        uint64_t addr = p.get_address();
        int t = decode(addr);
        if (t < 0) {
            p.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
            return;
        }
        p.set_address(addr - map_[t].base);
        out[t]->b_transport(p, delay);
        p.set_address(addr);
    }

    bool get_direct_mem_ptr(tlm::tlm_generic_payload &p, tlm::tlm_dmi &dmi)
    {
        uint64_t addr = p.get_address();
        int t = decode(addr);
        if (t < 0)
            return false;
        p.set_address(addr - map_[t].base);
        bool ok = out[t]->get_direct_mem_ptr(p, dmi);
        p.set_address(addr);
        uint64_t base = map_[t].base, last = map_[t].base + map_[t].size - 1;
        uint64_t start = dmi.get_start_address() + base, end = dmi.get_end_address() + base;
        if (start < base) {
            if (dmi.get_dmi_ptr())
                dmi.set_dmi_ptr(dmi.get_dmi_ptr() + (base - start));
            start = base;
        }
        dmi.set_start_address(start);
        dmi.set_end_address(end > last ? last : end);
        return ok;
    }

    unsigned transport_dbg(tlm::tlm_generic_payload &p)
    {
        uint64_t addr = p.get_address();
        int t = decode(addr);
        if (t < 0)
            return 0;
        p.set_address(addr - map_[t].base);
        unsigned n = out[t]->transport_dbg(p);
        p.set_address(addr);
        return n;
    }

    void invalidate_direct_mem_ptr(int id, sc_dt::uint64 start, sc_dt::uint64 end)
    {
        uint64_t base = map_[id].base, last = base + map_[id].size - 1;
        uint64_t s = start + base, e = end + base;
        in->invalidate_direct_mem_ptr(s, e > last || e < s ? last : e);
    }

    std::vector<Window> map_;
};

}  // namespace msasim_sc

#endif
