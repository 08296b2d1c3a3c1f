// A RAM target for the example platform: loosely timed, with DMI (unless
// told not to grant it) and debug transport.  The array is allocated
// zeroed by the C library, which maps such sizes lazily: a 1 GiB RAM costs
// only the pages a program touches.
#ifndef MSASIM_SIM_SYSTEMC_EXAMPLE_RAM_H
#define MSASIM_SIM_SYSTEMC_EXAMPLE_RAM_H

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

namespace msasim_sc {

class Ram : public sc_core::sc_module {
  public:
    tlm_utils::simple_target_socket<Ram> socket;

    Ram(sc_core::sc_module_name name, uint64_t size, bool grant_dmi, sc_core::sc_time latency)
        : sc_module(name), socket("socket"), size_(size), grant_dmi_(grant_dmi), latency_(latency)
    {
        mem_ = static_cast<unsigned char *>(std::calloc(1, size));
        if (!mem_)
            throw std::bad_alloc();
        socket.register_b_transport(this, &Ram::b_transport);
        socket.register_get_direct_mem_ptr(this, &Ram::get_direct_mem_ptr);
        socket.register_transport_dbg(this, &Ram::transport_dbg);
    }
    ~Ram() override { std::free(mem_); }

  private:
    bool in_range(const tlm::tlm_generic_payload &p) const
    {
        uint64_t a = p.get_address(), n = p.get_data_length();
        return a < size_ && n <= size_ - a;
    }

    void b_transport(tlm::tlm_generic_payload &p, sc_core::sc_time &delay)
    {
        if (!in_range(p)) {
            p.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
            return;
        }
        if (p.get_byte_enable_ptr() || p.get_streaming_width() < p.get_data_length()) {
            p.set_response_status(tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
            return;
        }
        unsigned char *m = mem_ + p.get_address();
        if (p.is_write())
            std::memcpy(m, p.get_data_ptr(), p.get_data_length());
        else if (p.is_read())
            std::memcpy(p.get_data_ptr(), m, p.get_data_length());
        delay += latency_;
        p.set_dmi_allowed(grant_dmi_);
        p.set_response_status(tlm::TLM_OK_RESPONSE);
    }

    bool get_direct_mem_ptr(tlm::tlm_generic_payload &p, tlm::tlm_dmi &dmi)
    {
        dmi.set_start_address(0);
        dmi.set_end_address(size_ - 1);
        if (!grant_dmi_) {
            dmi.set_granted_access(tlm::tlm_dmi::DMI_ACCESS_NONE);
            return false;
        }
        dmi.set_dmi_ptr(mem_);
        dmi.allow_read_write();
        dmi.set_read_latency(latency_);
        dmi.set_write_latency(latency_);
        return true;
    }

    unsigned transport_dbg(tlm::tlm_generic_payload &p)
    {
        if (!in_range(p))
            return 0;
        unsigned char *m = mem_ + p.get_address();
        if (p.is_write())
            std::memcpy(m, p.get_data_ptr(), p.get_data_length());
        else
            std::memcpy(p.get_data_ptr(), m, p.get_data_length());
        return p.get_data_length();
    }

    unsigned char *mem_;
    uint64_t size_;
    bool grant_dmi_;
    sc_core::sc_time latency_;
};

}  // namespace msasim_sc

#endif
