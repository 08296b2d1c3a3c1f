// A PL011 UART target for the example platform, transmit side only, as
// msasim's own model (sim/dev_pl011.c) behaves: bytes written to UARTDR go
// to standard output, the flag register says both FIFOs are empty, the
// configuration registers read back what was written, and the PrimeCell
// identification registers read as on the real part (Arm DDI 0183).
#ifndef MSASIM_SIM_SYSTEMC_EXAMPLE_PL011_H
#define MSASIM_SIM_SYSTEMC_EXAMPLE_PL011_H

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <map>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

namespace msasim_sc {

class Pl011 : public sc_core::sc_module {
  public:
    tlm_utils::simple_target_socket<Pl011> socket;
    static const uint64_t kSize = 0x1000;

    Pl011(sc_core::sc_module_name name, sc_core::sc_time latency)
        : sc_module(name), socket("socket"), latency_(latency)
    {
        socket.register_b_transport(this, &Pl011::b_transport);
        regs_[kCR] = 0x300;     // TXE and RXE set at reset
        regs_[kIFLS] = 0x12;
    }

    uint64_t bytes_written() const { return bytes_; }

  private:
    enum : uint64_t { kDR = 0x000, kFR = 0x018, kCR = 0x030, kIFLS = 0x034, kIMSC = 0x038,
                      kRIS = 0x03C, kMIS = 0x040, kICR = 0x044 };
    static constexpr uint32_t kFrRxfe = 1u << 4, kFrTxfe = 1u << 7, kRisTx = 1u << 5;

    uint32_t read_reg(uint64_t off) const
    {
        static const uint8_t id[8] = {0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1};
        switch (off) {
        case kDR: return 0;
        case kFR: return kFrRxfe | kFrTxfe;
        case kRIS: return kRisTx;   // the transmit FIFO is never full
        case kMIS: return kRisTx & reg(kIMSC);
        default:
            if (off >= 0xFE0 && off < 0x1000 && (off & 3) == 0)
                return id[(off - 0xFE0) / 4];
            return reg(off);
        }
    }

    uint32_t reg(uint64_t off) const
    {
        auto it = regs_.find(off);
        return it == regs_.end() ? 0 : it->second;
    }

    void b_transport(tlm::tlm_generic_payload &p, sc_core::sc_time &delay)
    {
        uint64_t off = p.get_address();
        unsigned n = p.get_data_length();
        if (off >= kSize || n > 8 || off + n > kSize) {
            p.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
            return;
        }
        uint64_t v = 0;
        if (p.is_write()) {
            std::memcpy(&v, p.get_data_ptr(), n);
            if (off == kDR) {
                char c = static_cast<char>(v & 0xFF);
                std::fwrite(&c, 1, 1, stdout);
                bytes_++;
            } else if (off != kFR && off != kICR && off != kRIS && off != kMIS && off < 0xFE0) {
                regs_[off] = static_cast<uint32_t>(v);
            }
        } else {
            v = read_reg(off);
            std::memcpy(p.get_data_ptr(), &v, n);
        }
        delay += latency_;
        p.set_response_status(tlm::TLM_OK_RESPONSE);
    }

    sc_core::sc_time latency_;
    std::map<uint64_t, uint32_t> regs_;
    uint64_t bytes_ = 0;
};

}  // namespace msasim_sc

#endif
