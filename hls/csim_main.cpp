// C-simulation driver for a generated top: reads "frames N" and then one input beat per line
// (hex) on stdin, runs hwgen_top, prints one output beat per line (hex) and the trip counts
// of every kernel ("trips ID COUNT").
#include <cstdio>
#include <iostream>
#include <string>

#include "hwgen_top.h"

int main() {
    std::string word;
    unsigned frames = 0;
    if (!(std::cin >> word >> frames) || word != "frames") {
        std::fprintf(stderr, "csim: expected 'frames N' first\n");
        return 2;
    }
    hls::stream<ap_uint<HWGEN_IN_W> > in("in");
    hls::stream<ap_uint<HWGEN_OUT_W> > out("out");
    for (unsigned long long k = 0; k < static_cast<unsigned long long>(frames) * HWGEN_IN_BEATS; k++) {
        if (!(std::cin >> word)) {
            std::fprintf(stderr, "csim: input ended after %llu beats\n", k);
            return 2;
        }
        in.write(ap_uint<HWGEN_IN_W>(word.c_str(), 16));
    }
    hwgen_top(in, out, frames);
    while (!out.empty()) {
#ifdef HWGEN_SHIM
        std::printf("%s\n", out.read().to_hex().c_str());
#else
        std::printf("%s\n", out.read().to_string(16, false).c_str());
#endif
    }
    for (unsigned id = 0; id < HWGEN_KERNELS; id++) std::printf("trips %u %llu\n", id, hwgen::trip_counts()[id]);
    return in.empty() ? 0 : 4;  // every input beat must have been consumed
}
