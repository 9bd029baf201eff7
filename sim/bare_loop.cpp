// The bare Verilator loop `make bench` measures hwgen's native testbench against: the same
// hwgen_top, TVALID and TREADY always high, one input frame repeated from memory, no files,
// no stalls, no checks. It prints {"frames": N, "cycles": C, "seconds": S} for N frames.
//   bare --frames N --in-beats B --in-words W
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <vector>

#include "verilated.h"
#include HWGEN_TOP_HEADER

template <typename T> void put(T& p, uint32_t w) { p = static_cast<T>(w); }
template <std::size_t N> void put(VlWide<N>& p, uint32_t w) {
    for (std::size_t i = 0; i < N; ++i) p[i] = w * (i + 1);
}

int main(int argc, char** argv) {
    long frames = 100, in_beats = 1;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!std::strcmp(argv[i], "--frames")) frames = std::atol(argv[i + 1]);
        if (!std::strcmp(argv[i], "--in-beats")) in_beats = std::atol(argv[i + 1]);
    }
    auto ctx = std::make_unique<VerilatedContext>();
    auto top = std::make_unique<HWGEN_TOP_CLASS>(ctx.get());
    top->ap_rst_n = 0;
    for (int i = 0; i < 4; ++i) { top->ap_clk = 0; top->eval(); top->ap_clk = 1; top->eval(); }
    top->ap_rst_n = 1;
    top->s_axis_tvalid = 1;
    top->m_axis_tready = 1;
    auto t0 = std::chrono::steady_clock::now();
    long done = 0, beat = 0;
    uint64_t cycles = 0;
    while (done < frames) {
        put(top->s_axis_tdata, 0x9E3779B9u * static_cast<uint32_t>(beat % in_beats + 1));
        top->ap_clk = 0; top->eval();
        if (top->s_axis_tready) ++beat;
        if (top->m_axis_tvalid && top->m_axis_tlast) ++done;
        top->ap_clk = 1; top->eval();
        ++cycles;
    }
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf("{\"frames\": %ld, \"cycles\": %llu, \"seconds\": %.6f}\n", done, (unsigned long long)cycles, s);
    return 0;
}
