// msasim-sc: an msasim core on the memory map of QEMU's virt machine, whose
// RAM and PL011 are SystemC targets.  Runs a bare-metal program, prints its
// console output (PL011 and semihosting) on stdout and exits with the
// status `msasim run --platform virt --hv none` gives for it.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <string>

#include <systemc>
#include <tlm>
#include <tlm_utils/tlm_quantumkeeper.h>

#include "sim/systemc/example/pl011.h"
#include "sim/systemc/example/ram.h"
#include "sim/systemc/example/router.h"
#include "sim/systemc/msasim_core.h"

namespace {

// The virt map (sim/platforms/virt.dts).
const uint64_t kRamBase = 0x40000000, kRamSize = 1ull << 30;
const uint64_t kUartBase = 0x09000000;

void usage(FILE *out)
{
    std::fputs("usage: msasim-sc [OPTIONS] PROGRAM\n"
               "\n"
               "Runs a bare-metal AArch64 program (ELF or arm64 Image) on an msasim core\n"
               "in a SystemC TLM-2.0 platform with QEMU virt's memory map, whose RAM and\n"
               "PL011 are SystemC targets.  The program's output goes to stdout; a\n"
               "semihosting exit sets the exit status, as with msasim run --platform virt.\n"
               "\noptions:\n"
               "  --no-dmi          the RAM refuses DMI: every access is a b_transport\n"
               "  --quantum NS      global quantum in nanoseconds (default 1000)\n"
               "  --clock-mhz N     core clock: one cycle is 1/N us (default 1000)\n"
               "  --ram-latency NS  latency the RAM adds to each b_transport (default 0)\n"
               "  --uart-latency NS latency the PL011 adds to each access (default 0)\n"
               "  --timing on|off   the cycle model: a cycle is then a clock cycle of the\n"
               "                    model, as msasim run --timing on counts it (default off:\n"
               "                    a cycle is an instruction)\n"
               "  --timing-core NAME|FILE  core description for --timing on (cortex-a53,\n"
               "                    cortex-r82 or a file; default: by profile)\n"
               "  --stats           print cycles, SystemC time and transactions on stderr\n"
               "  --help            this text\n",
               out);
}

// SystemC writes its reports to stdout, which belongs to the program.
void report_to_stderr(const sc_core::sc_report &rep, const sc_core::sc_actions &actions)
{
    if (actions & sc_core::SC_DISPLAY)
        std::fprintf(stderr, "%s\n", sc_core::sc_report_compose_message(rep).c_str());
    sc_core::sc_report_handler::default_handler(rep, actions & ~sc_core::SC_DISPLAY);
}

bool parse_number(const char *s, double *out)
{
    char *end;
    double v = std::strtod(s, &end);
    if (!*s || *end || !(v >= 0))
        return false;
    *out = v;
    return true;
}

}  // namespace

int sc_main(int argc, char **argv)
{
    bool dmi = true, stats = false;
    double quantum_ns = 1000, clock_mhz = 1000, ram_ns = 0, uart_ns = 0;
    const char *program = nullptr;
    bool timing = false;
    std::string timing_core;
    for (int i = 1; i < argc; i++) {
        std::string a = argv[i];
        double *num = a == "--quantum" ? &quantum_ns : a == "--clock-mhz" ? &clock_mhz
                    : a == "--ram-latency" ? &ram_ns : a == "--uart-latency" ? &uart_ns : nullptr;
        if (a == "--help") {
            usage(stdout);
            return 0;
        } else if (a == "--no-dmi") {
            dmi = false;
        } else if (a == "--stats") {
            stats = true;
        } else if (a == "--timing") {
            std::string v = i + 1 < argc ? argv[i + 1] : "";
            if (v != "on" && v != "off") {
                std::fprintf(stderr, "msasim-sc: --timing: expected on or off\n");
                return 2;
            }
            timing = v == "on";
            i++;
        } else if (a == "--timing-core") {
            if (i + 1 >= argc) {
                std::fprintf(stderr, "msasim-sc: --timing-core: expected a core name or file\n");
                return 2;
            }
            timing_core = argv[++i];
        } else if (num) {
            if (i + 1 >= argc || !parse_number(argv[i + 1], num) || (num == &clock_mhz && *num == 0)) {
                std::fprintf(stderr, "msasim-sc: %s: expected a %snumber\n", a.c_str(),
                             num == &clock_mhz ? "positive " : "non-negative ");
                return 2;
            }
            i++;
        } else if (a.size() > 1 && a[0] == '-') {
            std::fprintf(stderr, "msasim-sc: unknown option '%s' (see msasim-sc --help)\n", a.c_str());
            return 2;
        } else if (program) {
            std::fprintf(stderr, "msasim-sc: give exactly one PROGRAM\n");
            return 2;
        } else {
            program = argv[i];
        }
    }
    if (!program) {
        std::fprintf(stderr, "msasim-sc: missing PROGRAM (see msasim-sc --help)\n");
        return 2;
    }
    if (!timing && !timing_core.empty()) {
        std::fprintf(stderr, "msasim-sc: --timing-core needs --timing on\n");
        return 2;
    }

    // stderr is for msasim-sc's own lines: no "stopped by user" either.
    sc_core::sc_report_handler::set_handler(report_to_stderr);
    sc_core::sc_report_handler::set_actions("/OSCI/SystemC", sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
    tlm_utils::tlm_quantumkeeper::set_global_quantum(sc_core::sc_time(quantum_ns, sc_core::SC_NS));

    msasim_sc::Core::Config cfg;
    cfg.platform = "virt";
    cfg.clock_period = sc_core::sc_time(1000.0 / clock_mhz, sc_core::SC_NS);
    cfg.dmi = dmi;
    cfg.timing = timing;
    cfg.timing_core = timing_core;
    cfg.ranges = {{"uart0", kUartBase, msasim_sc::Pl011::kSize, false},
                  {"ram", kRamBase, kRamSize, true}};

    try {
        msasim_sc::Ram ram("ram", kRamSize, dmi, sc_core::sc_time(ram_ns, sc_core::SC_NS));
        msasim_sc::Pl011 uart("uart0", sc_core::sc_time(uart_ns, sc_core::SC_NS));
        msasim_sc::Router router("router");
        msasim_sc::Core core("core", cfg);
        sc_core::sc_signal<bool> irq("irq");
        core.socket.bind(router.in);
        router.map(uart.socket, kUartBase, msasim_sc::Pl011::kSize);
        router.map(ram.socket, kRamBase, kRamSize);
        core.irq(irq);
        core.load(program);

        auto t0 = std::chrono::steady_clock::now();
        sc_core::sc_start();
        double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        std::fflush(stdout);
        if (!core.error().empty()) {
            std::fprintf(stderr, "msasim-sc: %s\n", core.error().c_str());
            return 2;
        }
        // Without a final stop the platform ran out of events: every core
        // waits for an interrupt nobody will raise.
        msasim_result r = core.result();
        int status = msasim_exit_code(&r);
        if (status != 0 && r.reason != MSASIM_STOP_EXIT)
            std::fprintf(stderr, "msasim-sc: %s\n", r.message[0] ? r.message : msasim_stop_name(r.reason));
        if (stats)
            std::fprintf(stderr,
                         "msasim-sc: %llu cycles, SystemC time %s, %llu transactions, %llu DMI grants, "
                         "%.3f s\n",
                         static_cast<unsigned long long>(core.cycles()),
                         sc_core::sc_time_stamp().to_string().c_str(),
                         static_cast<unsigned long long>(core.transactions()),
                         static_cast<unsigned long long>(core.dmi_grants()), secs);
        return status;
    } catch (const std::exception &e) {
        std::fprintf(stderr, "msasim-sc: %s\n", e.what());
        return 2;
    }
}

// The SystemC library prints its banner before sc_main runs unless the
// environment says not to: msasim-sc's stderr is for its own messages.
int main(int argc, char **argv)
{
    setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 1);
    return sc_core::sc_elab_and_sim(argc, argv);
}
