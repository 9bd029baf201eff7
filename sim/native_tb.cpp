// hwgen native testbench: a compiled Verilator driver for any hwgen_top-shaped accelerator
// (ap_clk, ap_rst_n, s_axis_t{data,valid,ready}, m_axis_t{data,valid,ready,last}).
//
// No Python runs per clock: the input beats of every frame come from a file, every output beat
// and the cycle each frame completes go to files, and random stalls on the input's TVALID and
// the output's TREADY come from a seeded PRNG (the meaning of cocotb's pause generators: each
// cycle the side pauses with the given probability; a presented beat is held until taken).
//
// Usage (paths and numbers from hwgen/sim/native.py, which also builds this file):
//   tb --in IN.bin --out OUT.bin --cycles CYC.bin --frames N --in-beats B --out-beats B
//      --in-width W --out-width W [--in-pause P] [--out-pause P] [--seed S]
//      [--watchdog CYCLES] [--max-cycles C] [--trace FILE.vcd --trace-from C --trace-to C]
//      [--reset-at C1,C2,...] [--first-frame K --frame-seeds 1]
// IN.bin: N*B_in beats of ceil(W_in/32) little-endian uint32 words; OUT.bin the same for the
// output; CYC.bin: per frame two uint64, the cycle its first input beat was taken and the
// cycle its last output beat was taken (cycles counted from the release of reset).
// --reset-at: at each of these cycles ap_rst_n goes low for four cycles, mid-frame or not, as a
// host resets a running accelerator. Frames whose last output beat came out before the reset
// count as done; every later frame is sent again from its first beat, and the output must
// then continue with exactly those frames: a partial frame that leaks out of the reset, or a
// beat lost in it, shows up as wrong outputs or a framing error.
// --frame-seeds 1: the stalls are drawn per frame, from the seed and the frame's index (K plus
// its place in this run): the input's pauses restart when a frame's first beat is next, the
// output's when a frame's first beat is awaited. So a frame meets the same stall pattern
// whichever shard of a sharded run (hwgen/sim/shards.py) it is in.
// Exit 0 on success; otherwise one line "hwgen-tb: ..." on stderr naming frame and cycle:
//   2 watchdog (no progress), 3 framing (TLAST misplaced), 4 cycle limit, 1 bad arguments.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <algorithm>
#include <string>
#include <vector>

#include "verilated.h"
#include HWGEN_TOP_HEADER
#ifdef HWGEN_TRACE
#include "verilated_vcd_c.h"
#endif

namespace {

// ---- ports of any width, as little-endian uint32 words -------------------------------------
inline void put(CData& p, const uint32_t* w) { p = static_cast<CData>(w[0]); }
inline void put(SData& p, const uint32_t* w) { p = static_cast<SData>(w[0]); }
inline void put(IData& p, const uint32_t* w) { p = w[0]; }
inline void put(QData& p, const uint32_t* w) { p = static_cast<QData>(w[0]) | (static_cast<QData>(w[1]) << 32); }
template <std::size_t N> inline void put(VlWide<N>& p, const uint32_t* w) {
    for (std::size_t i = 0; i < N; ++i) p[i] = w[i];
}
inline void get(const CData& p, uint32_t* w) { w[0] = p; }
inline void get(const SData& p, uint32_t* w) { w[0] = p; }
inline void get(const IData& p, uint32_t* w) { w[0] = p; }
inline void get(const QData& p, uint32_t* w) { w[0] = static_cast<uint32_t>(p); w[1] = static_cast<uint32_t>(p >> 32); }
template <std::size_t N> inline void get(const VlWide<N>& p, uint32_t* w) {
    for (std::size_t i = 0; i < N; ++i) w[i] = p[i];
}

// ---- a seeded PRNG (splitmix64): cheap, and the same stalls for the same seed everywhere ---
struct Rng {
    uint64_t s;
    explicit Rng(uint64_t seed) : s(seed) {}
    uint64_t next() {
        uint64_t z = (s += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
};

// A pause pattern: true (stall this cycle) with probability p, threshold on 53 random bits.
struct Pauses {
    Rng rng;
    uint64_t limit;
    bool never;
    Pauses(double p, uint64_t seed) : rng(seed), limit(static_cast<uint64_t>(p * 9007199254740992.0)), never(p <= 0) {}
    bool operator()() { return !never && (rng.next() >> 11) < limit; }
};

struct Args {
    std::string in, out, cycles, trace;
    long frames = -1, in_beats = -1, out_beats = -1, in_width = -1, out_width = -1;
    double in_pause = 0, out_pause = 0;
    uint64_t seed = 1, watchdog = 100000, max_cycles = 0, trace_from = 0, trace_to = 0;
    uint64_t first_frame = 0;
    bool frame_seeds = false;
    std::vector<uint64_t> resets;  // cycles at which reset is asserted, ascending
};

std::vector<uint64_t> parse_cycles(const char* v) {
    std::vector<uint64_t> out;
    for (const char* p = v; *p;) {
        char* end = nullptr;
        out.push_back(std::strtoull(p, &end, 10));
        if (end == p) break;
        p = (*end == ',') ? end + 1 : end;
    }
    std::sort(out.begin(), out.end());
    return out;
}

// Run before a failure exits: closes an open waveform so that it can be read.
void (*g_before_exit)() = nullptr;

[[noreturn]] void fail(int code, const std::string& msg) {
    if (g_before_exit) g_before_exit();
    std::fprintf(stderr, "hwgen-tb: %s\n", msg.c_str());
    std::exit(code);
}

Args parse(int argc, char** argv) {
    Args a;
    for (int i = 1; i < argc; ++i) {
        std::string k = argv[i];
        if (k.rfind("+verilator", 0) == 0) continue;
        if (i + 1 >= argc) fail(1, "option " + k + " needs a value");
        const char* v = argv[++i];
        if (k == "--in") a.in = v;
        else if (k == "--out") a.out = v;
        else if (k == "--cycles") a.cycles = v;
        else if (k == "--trace") a.trace = v;
        else if (k == "--frames") a.frames = std::atol(v);
        else if (k == "--in-beats") a.in_beats = std::atol(v);
        else if (k == "--out-beats") a.out_beats = std::atol(v);
        else if (k == "--in-width") a.in_width = std::atol(v);
        else if (k == "--out-width") a.out_width = std::atol(v);
        else if (k == "--in-pause") a.in_pause = std::atof(v);
        else if (k == "--out-pause") a.out_pause = std::atof(v);
        else if (k == "--seed") a.seed = std::strtoull(v, nullptr, 10);
        else if (k == "--watchdog") a.watchdog = std::strtoull(v, nullptr, 10);
        else if (k == "--max-cycles") a.max_cycles = std::strtoull(v, nullptr, 10);
        else if (k == "--trace-from") a.trace_from = std::strtoull(v, nullptr, 10);
        else if (k == "--trace-to") a.trace_to = std::strtoull(v, nullptr, 10);
        else if (k == "--reset-at") a.resets = parse_cycles(v);
        else if (k == "--first-frame") a.first_frame = std::strtoull(v, nullptr, 10);
        else if (k == "--frame-seeds") a.frame_seeds = std::atoi(v) != 0;
        else fail(1, "unknown option " + k);
    }
    if (a.in.empty() || a.out.empty() || a.cycles.empty() || a.frames < 0 || a.in_beats < 1 || a.out_beats < 1
        || a.in_width < 1 || a.out_width < 1)
        fail(1, "need --in --out --cycles --frames --in-beats --out-beats --in-width --out-width");
    return a;
}

// The port's storage must hold the width the caller says the stream has (a foreign build or a
// stale description would otherwise be read silently wrong).
template <typename T> void check_width(const T&, long width, const char* port) {
    long words = (width + 31) / 32;
    bool ok = width > 64 ? sizeof(T) == 4u * words : (sizeof(T) * 8 >= static_cast<std::size_t>(width)
                                                      && sizeof(T) * 4 < static_cast<std::size_t>(width) + 32);
    if (!ok) fail(1, std::string(port) + ": the compiled top's port does not have " + std::to_string(width) + " bits");
}

std::vector<uint32_t> read_words(const std::string& path, std::size_t count) {
    std::vector<uint32_t> v(count);
    FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) fail(1, path + ": cannot open the input beats");
    std::size_t got = count ? std::fread(v.data(), 4, count, f) : 0;
    bool extra = std::fgetc(f) != EOF;
    std::fclose(f);
    if (got != count || extra) fail(1, path + ": expected " + std::to_string(count) + " words of input beats");
    return v;
}

void write_file(const std::string& path, const void* data, std::size_t bytes) {
    FILE* f = std::fopen(path.c_str(), "wb");
    if (!f || (bytes && std::fwrite(data, 1, bytes, f) != bytes)) fail(1, path + ": cannot write");
    std::fclose(f);
}

}  // namespace

int main(int argc, char** argv) {
    Args a = parse(argc, argv);
    const std::size_t in_words = (a.in_width + 31) / 32, out_words = (a.out_width + 31) / 32;
    const uint64_t in_total = static_cast<uint64_t>(a.frames) * a.in_beats;
    const uint64_t out_total = static_cast<uint64_t>(a.frames) * a.out_beats;
    std::vector<uint32_t> in = read_words(a.in, in_total * in_words);
    std::vector<uint32_t> out(out_total * out_words);
    std::vector<uint64_t> cyc(2 * a.frames, 0);

    auto ctx = std::make_unique<VerilatedContext>();
    ctx->commandArgs(argc, argv);
    auto top = std::make_unique<HWGEN_TOP_CLASS>(ctx.get());
    check_width(top->s_axis_tdata, a.in_width, "s_axis_tdata");
    check_width(top->m_axis_tdata, a.out_width, "m_axis_tdata");

#ifdef HWGEN_TRACE
    static std::unique_ptr<VerilatedVcdC> vcd;
    g_before_exit = [] { if (vcd) vcd->close(); };
    if (!a.trace.empty()) {
        ctx->traceEverOn(true);
        vcd = std::make_unique<VerilatedVcdC>();
        top->trace(vcd.get(), 99);
    }
    bool tracing = false;
    auto trace_at = [&](uint64_t cycle, uint64_t half) {
        if (!vcd) return;
        bool want = cycle >= a.trace_from && cycle <= a.trace_to;
        if (want && !tracing) { vcd->open(a.trace.c_str()); tracing = true; }
        if (tracing && want) vcd->dump(static_cast<uint64_t>(10) * (cycle + 8) + 5 * half);
        if (tracing && !want && cycle > a.trace_to) { vcd->close(); tracing = false; vcd.reset(); }
    };
#else
    if (!a.trace.empty()) fail(1, "this testbench was built without --trace support");
    auto trace_at = [](uint64_t, uint64_t) {};
#endif

    // reset: four cycles low, as the cocotb testbench does
    auto reset = [&]() {
        top->ap_rst_n = 0;
        top->s_axis_tvalid = 0;
        top->m_axis_tready = 0;
        for (int i = 0; i < 4; ++i) {
            top->ap_clk = 0; top->eval();
            top->ap_clk = 1; top->eval();
        }
        top->ap_rst_n = 1;
    };
    top->ap_clk = 0;
    reset();

    Pauses in_pause(a.in_pause, a.seed * 2 + 1), out_pause(a.out_pause, a.seed * 2 + 2);
    // a frame's own stall patterns (--frame-seeds): seeded by the seed and the frame's index
    auto frame_pauses = [&](Pauses& p, double prob, uint64_t frame, uint64_t side) {
        Rng mix(a.seed * 0x100000001B3ull + (a.first_frame + frame) * 4 + side);
        p = Pauses(prob, mix.next());
    };
    if (a.frame_seeds) {
        frame_pauses(in_pause, a.in_pause, 0, 1);
        frame_pauses(out_pause, a.out_pause, 0, 2);
    }
    uint64_t sent = 0, recv = 0, frames_done = 0, beat_in_frame = 0, last_progress = 0, cycle = 0;
    bool valid = false;
    uint64_t limit = a.max_cycles ? a.max_cycles : UINT64_MAX;
    std::size_t resets_done = 0;
    while (frames_done < static_cast<uint64_t>(a.frames)) {
        if (resets_done < a.resets.size() && cycle >= a.resets[resets_done]) {
            // a reset mid-run: what was in flight is gone; send the unfinished frames again
            reset();
            cycle += 4;
            ++resets_done;
            sent = frames_done * a.in_beats;
            recv = frames_done * a.out_beats;
            beat_in_frame = 0;
            valid = false;
            last_progress = cycle;
        }
        // drive this cycle's inputs (AXI: a presented beat stays until taken)
        if (!valid && sent < in_total && !in_pause()) {
            put(top->s_axis_tdata, &in[sent * in_words]);
            valid = true;
        }
        top->s_axis_tvalid = valid;
        top->m_axis_tready = !out_pause();
        top->ap_clk = 0;
        top->eval();
        trace_at(cycle, 0);
        const bool in_fire = valid && top->s_axis_tready;
        const bool out_fire = top->m_axis_tvalid && top->m_axis_tready;
        if (out_fire) {
            if (recv >= out_total) fail(3, "an output beat after the last frame at cycle " + std::to_string(cycle));
            get(top->m_axis_tdata, &out[recv * out_words]);
            ++recv;
            ++beat_in_frame;
            const bool last = top->m_axis_tlast;
            if (last != (beat_in_frame == static_cast<uint64_t>(a.out_beats)))
                fail(3, "framing: output frame " + std::to_string(frames_done) + " has TLAST " +
                        (last ? "on" : "missing at") + " beat " + std::to_string(beat_in_frame) + " of " +
                        std::to_string(a.out_beats) + " at cycle " + std::to_string(cycle));
            if (last) {
                cyc[2 * frames_done + 1] = cycle;
                ++frames_done;
                beat_in_frame = 0;
                if (a.frame_seeds) frame_pauses(out_pause, a.out_pause, frames_done, 2);
            }
        }
        if (in_fire) {
            if (sent % a.in_beats == 0) cyc[2 * (sent / a.in_beats)] = cycle;
            ++sent;
            valid = false;
            if (a.frame_seeds && sent % a.in_beats == 0)
                frame_pauses(in_pause, a.in_pause, sent / a.in_beats, 1);
        }
        top->ap_clk = 1;
        top->eval();
        trace_at(cycle, 1);
        if (in_fire || out_fire) last_progress = cycle;
        ++cycle;
        if (cycle - last_progress > a.watchdog)
            fail(2, "watchdog: no beat in or out for " + std::to_string(a.watchdog) + " cycles; frame " +
                    std::to_string(frames_done) + " of " + std::to_string(a.frames) + " incomplete at cycle " +
                    std::to_string(cycle) + " (" + std::to_string(sent) + " of " + std::to_string(in_total) +
                    " beats in, " + std::to_string(recv) + " of " + std::to_string(out_total) +
                    " beats out); last beat at cycle " + std::to_string(last_progress));
        if (cycle >= limit)
            fail(4, "cycle limit " + std::to_string(limit) + " reached at frame " + std::to_string(frames_done) +
                    " of " + std::to_string(a.frames) + " (" + std::to_string(sent) + " beats in, " +
                    std::to_string(recv) + " out)");
    }
    top->final();
#ifdef HWGEN_TRACE
    if (vcd && tracing) vcd->close();
#endif
    write_file(a.out, out.data(), out.size() * 4);
    write_file(a.cycles, cyc.data(), cyc.size() * 8);
    std::printf("{\"cycles\": %llu, \"frames\": %llu, \"resets\": %llu}\n", static_cast<unsigned long long>(cycle),
                static_cast<unsigned long long>(frames_done), static_cast<unsigned long long>(resets_done));
    return 0;
}
