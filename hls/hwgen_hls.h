// hwgen HLS kernel library: hand-written, parameterized streaming kernels for Vitis HLS, the
// C++ twins of rtl/. Every size is a template parameter; streams are hls::stream, words are
// ap_uint<N>. Stream formats are those of the RTL (README, "Streams"). In C-simulation each
// kernel's innermost pipelined loop counts its trips in hwgen::trip_counts()[ID], so a test can
// check them against the folding (SF*NF per vector for an MVU).
#ifndef HWGEN_HLS_H
#define HWGEN_HLS_H

#ifndef AP_INT_MAX_W
#define AP_INT_MAX_W 4096  // weight and buffer words wider than Vitis' default 1024 bits
#endif
#include <algorithm>
#include <ap_int.h>
#include <hls_stream.h>

// HLS pragmas through _Pragma: Vitis HLS reads them when synthesizing, and g++ (where they
// would be unknown pragmas, an error under -Wall -Werror) never sees them.
#ifdef __SYNTHESIS__
#define HWGEN_PRAGMA(x) _Pragma(#x)
#else
#define HWGEN_PRAGMA(x)
#endif

namespace hwgen {

#ifndef __SYNTHESIS__
// a function-local table (C++14: Vitis HLS's own C-simulation compiles this too)
inline unsigned long long* trip_counts() {
    static unsigned long long counts[256];
    return counts;
}
#define HWGEN_TRIP(id) (::hwgen::trip_counts()[id]++)
#else
#define HWGEN_TRIP(id)
#endif

// element l (EW bits) of a word of elements, as a signed or unsigned integer
template <unsigned EW, bool SIGNED, int XW>
long long element(const ap_uint<XW>& x, unsigned l) {
    long long v = 0;
    for (unsigned b = 0; b < EW; b++) {
HWGEN_PRAGMA(HLS UNROLL)
        if (x[l * EW + b]) v |= 1LL << b;
    }
    if (SIGNED && ((v >> (EW - 1)) & 1)) v -= 1LL << EW;
    return v;
}

// lane p (LW bits) of a word of lanes, read as signed (SIGNED) or unsigned
template <unsigned LW, bool SIGNED, int WW>
long long lane(const ap_uint<WW>& x, unsigned p) {
    return element<LW, SIGNED, WW>(x, p);
}

// write the low LW bits of v (two's complement) into lane p
template <unsigned LW, int WW>
void set_lane(ap_uint<WW>& x, unsigned p, long long v) {
    for (unsigned b = 0; b < LW; b++) {
HWGEN_PRAGMA(HLS UNROLL)
        x[p * LW + b] = (v >> b) & 1;
    }
}

// Matrix-vector unit (rtl/hwgen_mvu.v): `vectors` vectors of MW elements (EW bits each;
// EW = 1: bipolar) in beats of IN_W bits; per vector NF = ceil(MH/PE) beats of PE lanes:
// thresholded bits (USE_THR) or accumulators of LANE_W bits. Weights: word nf*SF + sf holds
// PE x SIMD weights of WB bits (WB = 1: bipolar; else two's complement; bits times bits is an
// XNOR-popcount, anything else a sum of products); thresholds: word nf holds PE values of
// THR_W bits (XNOR: counts of matches, pad lanes included; else signed accumulator values).
// N_THR > 1: each lane has N_THR sorted thresholds (lane p's k-th at value index p*N_THR + k)
// and its bit is the parity of how many the accumulator reaches. LEVELS: the lane is
// LEVEL_OFF plus how many it reaches, a LANE_W-bit integer (a BN + k-bit quantizer folded).
// N_CLS > 1 (a zero-padded convolution of OH x OW output pixels a frame): N_CLS threshold
// sets, one per border class; pixel (oy, ox) uses the set at word bases[oy] + bases[OH + ox].
template <unsigned ID, unsigned MW, unsigned MH, unsigned PE, unsigned SIMD, unsigned EW, bool IN_SIGNED,
          unsigned WB, bool USE_THR, unsigned N_THR, bool LEVELS, int LEVEL_OFF, unsigned CNT_W, unsigned THR_W, unsigned LANE_W,
          unsigned IN_W, unsigned N_CLS, unsigned OH, unsigned OW, unsigned BASE_W>
void mvu(hls::stream<ap_uint<IN_W> >& in, hls::stream<ap_uint<PE * LANE_W> >& out,
         const ap_uint<PE * SIMD * WB> weights[], const ap_uint<PE * N_THR * THR_W> thresholds[],
         const ap_uint<BASE_W> bases[], unsigned vectors) {
    constexpr unsigned SF = (MW + SIMD - 1) / SIMD;
    constexpr unsigned NF = (MH + PE - 1) / PE;
    constexpr unsigned IN_BEATS = (MW * EW + IN_W - 1) / IN_W;
    constexpr unsigned PAD = SF * SIMD - MW;
    constexpr unsigned XW = SIMD * EW;
    constexpr unsigned WW = PE * SIMD * WB;
    constexpr bool XNOR = EW == 1 && WB == 1;
    typedef ap_int<CNT_W + 2> acc_t;
    ap_uint<XW> buf[SF];
    for (unsigned v = 0; v < vectors; v++) {
        const unsigned pixel = v % (OH * OW);
        const unsigned set = N_CLS > 1 ? bases[pixel / OW].to_uint() + bases[OH + pixel % OW].to_uint() : 0;
        for (unsigned s = 0; s < SF; s++) buf[s] = 0;  // pad elements are zero
        for (unsigned b = 0; b < IN_BEATS; b++) {
HWGEN_PRAGMA(HLS PIPELINE II=1)
            const ap_uint<IN_W> beat = in.read();
            for (unsigned i = 0; i < IN_W; i++) {
HWGEN_PRAGMA(HLS UNROLL)
                const unsigned pos = b * IN_W + i;
                if (pos < MW * EW) buf[pos / XW][pos % XW] = beat[i];
            }
        }
        for (unsigned nf = 0; nf < NF; nf++) {
            acc_t acc[PE];
HWGEN_PRAGMA(HLS ARRAY_PARTITION variable=acc complete)
            for (unsigned p = 0; p < PE; p++) acc[p] = 0;
            for (unsigned sf = 0; sf < SF; sf++) {
HWGEN_PRAGMA(HLS PIPELINE II=1)
                HWGEN_TRIP(ID);
                const ap_uint<XW> x = buf[sf];
                const ap_uint<WW> w = weights[nf * SF + sf];
                for (unsigned p = 0; p < PE; p++) {
HWGEN_PRAGMA(HLS UNROLL)
                    long long part = 0;
                    for (unsigned l = 0; l < SIMD; l++) {
HWGEN_PRAGMA(HLS UNROLL)
                        if (XNOR) {
                            part += (x[l] == w[p * SIMD + l]) ? 1 : 0;  // pad lanes (0, 0) match
                        } else {
                            const long long e = EW == 1 ? (x[l] ? 1 : -1) : element<EW, IN_SIGNED, XW>(x, l);
                            const long long wv = WB == 1 ? (w[p * SIMD + l] ? 1 : -1)
                                                         : element<WB, true, WW>(w, p * SIMD + l);
                            part += e * wv;
                        }
                    }
                    acc[p] += part;
                }
            }
            ap_uint<PE * LANE_W> o = 0;
            const ap_uint<PE * N_THR * THR_W> t = thresholds[USE_THR ? set + nf : 0];
            for (unsigned p = 0; p < PE; p++) {
HWGEN_PRAGMA(HLS UNROLL)
                const long long a = acc[p];
                if (USE_THR) {
                    long long reached = 0;
                    for (unsigned k = 0; k < N_THR; k++) {
HWGEN_PRAGMA(HLS UNROLL)
                        reached += a >= lane<THR_W, !XNOR, PE * N_THR * THR_W>(t, p * N_THR + k);
                    }
                    if (LEVELS) {
                        set_lane<LANE_W, PE * LANE_W>(o, p, LEVEL_OFF + reached);
                    } else {
                        o[p] = reached & 1;
                    }
                } else {
                    set_lane<LANE_W, PE * LANE_W>(o, p, XNOR ? 2 * a - (long long)(MW + 2 * PAD) : a);
                }
            }
            out.write(o);
        }
    }
}

// Sign of a stream of signed integers (rtl/hwgen_int_sign.v): LANES lanes of EW bits per beat
// in, LANES bits out, h >= 0 -> 1.
template <unsigned ID, unsigned LANES, unsigned EW>
void int_sign(hls::stream<ap_uint<LANES * EW> >& in, hls::stream<ap_uint<LANES> >& out, unsigned beats) {
    for (unsigned b = 0; b < beats; b++) {
HWGEN_PRAGMA(HLS PIPELINE II=1)
        HWGEN_TRIP(ID);
        const ap_uint<LANES * EW> x = in.read();
        ap_uint<LANES> o = 0;
        for (unsigned p = 0; p < LANES; p++) {
HWGEN_PRAGMA(HLS UNROLL)
            o[p] = !x[p * EW + EW - 1];
        }
        out.write(o);
    }
}

template <unsigned PE, unsigned IN_EW, unsigned NF>
void residual_fork(hls::stream<ap_uint<PE * IN_EW> >& in, hls::stream<ap_uint<PE> >& bits,
                   hls::stream<ap_uint<PE * IN_EW> >& shortcut, unsigned vectors) {
    for (unsigned b = 0; b < vectors * NF; b++) {
HWGEN_PRAGMA(HLS PIPELINE II=1)
        const ap_uint<PE * IN_EW> x = in.read();
        ap_uint<PE> s = 0;
        for (unsigned p = 0; p < PE; p++) {
HWGEN_PRAGMA(HLS UNROLL)
            s[p] = !x[p * IN_EW + IN_EW - 1];
        }
        bits.write(s);
        shortcut.write(x);
    }
}

template <unsigned PE, unsigned IN_EW, unsigned LEVEL_W, unsigned OUT_EW, unsigned NF>
void residual_add(hls::stream<ap_uint<PE * IN_EW> >& shortcut, hls::stream<ap_uint<PE * LEVEL_W> >& q,
                  hls::stream<ap_uint<PE * OUT_EW> >& out, unsigned vectors) {
    for (unsigned b = 0; b < vectors * NF; b++) {
HWGEN_PRAGMA(HLS PIPELINE II=1)
        const ap_uint<PE * IN_EW> h = shortcut.read();
        const ap_uint<PE * LEVEL_W> d = q.read();
        ap_uint<PE * OUT_EW> o = 0;
        for (unsigned p = 0; p < PE; p++) {
HWGEN_PRAGMA(HLS UNROLL)
            set_lane<OUT_EW, PE * OUT_EW>(o, p, lane<IN_EW, true, PE * IN_EW>(h, p) + lane<LEVEL_W, true, PE * LEVEL_W>(d, p));
        }
        out.write(o);
    }
}

// Bi-Real block with its fixed-point shortcut (rtl/hwgen_residual.v): h_out = h_in + q, where
// q is the level output of an XNOR-popcount MVU (MW x MW) on sign(h_in). Beats of PE lanes in
// and out; the shortcut waits in a stream two vectors deep.
template <unsigned ID, unsigned MW, unsigned PE, unsigned SIMD, unsigned IN_EW, unsigned OUT_EW, unsigned LEVEL_W,
          unsigned N_THR, int LEVEL_OFF, unsigned CNT_W, unsigned THR_W>
void residual(hls::stream<ap_uint<PE * IN_EW> >& in, hls::stream<ap_uint<PE * OUT_EW> >& out,
              const ap_uint<PE * SIMD> weights[], const ap_uint<PE * N_THR * THR_W> thresholds[], unsigned vectors) {
HWGEN_PRAGMA(HLS DATAFLOW)
    constexpr unsigned NF = (MW + PE - 1) / PE;
    hls::stream<ap_uint<PE> > bits("bits");
    hls::stream<ap_uint<PE * IN_EW> > shortcut("shortcut");
    hls::stream<ap_uint<PE * LEVEL_W> > q("q");
HWGEN_PRAGMA(HLS STREAM variable=shortcut depth=2*NF+4)
    residual_fork<PE, IN_EW, NF>(in, bits, shortcut, vectors);
    static const ap_uint<1> no_bases[1] = {0};
    mvu<ID, MW, MW, PE, SIMD, 1, false, 1, true, N_THR, true, LEVEL_OFF, CNT_W, THR_W, LEVEL_W, PE, 1, 1, 1, 1>(
        bits, q, weights, thresholds, no_bases, vectors);
    residual_add<PE, IN_EW, LEVEL_W, OUT_EW, NF>(shortcut, q, out, vectors);
}

// Sliding-window generator (rtl/hwgen_swg.v): per frame an H x W image of PIX_W-bit pixels
// (each IN_BEATS beats of IN_W bits), then for every output pixel its K x K window over the
// image padded by PT/PL/PB/PR rows and columns, one pixel per beat in (ky, kx) order, the
// all-zero pixel in pad positions. A ring of K + S image rows: while one row of windows is
// emitted from its K rows, the S rows the next one adds are read in the same pipelined loop.
template <unsigned ID, unsigned H, unsigned W, unsigned PIX_W, unsigned IN_W, unsigned K, unsigned S,
          unsigned PT, unsigned PL, unsigned PB, unsigned PR>
void swg(hls::stream<ap_uint<IN_W> >& in, hls::stream<ap_uint<PIX_W> >& out, unsigned frames) {
    constexpr unsigned OH = (H + PT + PB - K) / S + 1;
    constexpr unsigned OW = (W + PL + PR - K) / S + 1;
    constexpr unsigned IN_BEATS = (PIX_W + IN_W - 1) / IN_W;
    constexpr unsigned R = K + S;
    static ap_uint<PIX_W> ring[R * W];
    for (unsigned f = 0; f < frames; f++) {
        unsigned rows_in = 0;  // image rows read so far this frame
        for (unsigned oy = 0; oy <= OH; oy++) {
            // oy == 0 reads the rows row 0 of windows needs; oy > 0 emits row oy - 1 while it
            // reads the rows row oy adds (oy == OH: the rest of the image)
            const int need = int(oy * S) - int(PT) + int(K);
            const unsigned until = oy == OH ? H : unsigned(std::min(int(H), std::max(0, need)));
            const unsigned reads = (until > rows_in ? until - rows_in : 0) * W * IN_BEATS;
            const unsigned emits = oy == 0 ? 0 : OW * K * K;
            const int etop = int((oy - 1) * S) - int(PT);  // oy > 0: emitting row oy - 1
            unsigned beat = 0, ox = 0, ky = 0, kx = 0;
            ap_uint<PIX_W> pix = 0;
            const unsigned trips = reads > emits ? reads : emits;
            for (unsigned i = 0; i < trips; i++) {
HWGEN_PRAGMA(HLS PIPELINE II=1)
                if (i < reads) {
                    const ap_uint<IN_W> b = in.read();
                    for (unsigned j = 0; j < IN_W; j++) {
HWGEN_PRAGMA(HLS UNROLL)
                        if (beat * IN_W + j < PIX_W) pix[beat * IN_W + j] = b[j];  // the rest: pad lanes
                    }
                    if (++beat == IN_BEATS) {
                        const unsigned p = i / IN_BEATS;  // pixel of the rows being read
                        ring[((rows_in + p / W) % R) * W + p % W] = pix;
                        beat = 0;
                    }
                }
                if (i < emits) {
                    HWGEN_TRIP(ID);
                    const int r = etop + int(ky), c = int(ox * S + kx) - int(PL);
                    const bool image = r >= 0 && r < int(H) && c >= 0 && c < int(W);
                    out.write(image ? ring[(unsigned(r) % R) * W + unsigned(c)] : ap_uint<PIX_W>(0));
                    if (++kx == K) {
                        kx = 0;
                        if (++ky == K) {
                            ky = 0;
                            ox++;
                        }
                    }
                }
            }
            if (until > rows_in) rows_in = until;
        }
    }
}

// Channelwise max of every KK consecutive beats of C channels of EW bits (rtl/hwgen_window_max.v):
// the max-pool. EW = 1: bipolar bits, whose max is the OR; else SIGNED or unsigned integers.
template <unsigned ID, unsigned C, unsigned KK, unsigned EW, bool SIGNED>
void window_max(hls::stream<ap_uint<C * EW> >& in, hls::stream<ap_uint<C * EW> >& out, unsigned windows) {
    for (unsigned w = 0; w < windows; w++) {
        ap_uint<C * EW> acc = 0;
        for (unsigned k = 0; k < KK; k++) {
HWGEN_PRAGMA(HLS PIPELINE II=1)
            HWGEN_TRIP(ID);
            const ap_uint<C * EW> x = in.read();
            if (EW == 1) {
                acc |= x;
            } else {
                for (unsigned c = 0; c < C; c++) {
HWGEN_PRAGMA(HLS UNROLL)
                    const long long v = element<EW, SIGNED, C * EW>(x, c);
                    if (k == 0 || v > element<EW, SIGNED, C * EW>(acc, c)) set_lane<EW, C * EW>(acc, c, v);
                }
            }
        }
        out.write(acc);
    }
}

// Index of the largest of NUM signed LANE_W-bit scores, PE per beat; ties: the lowest index.
template <unsigned ID, unsigned NUM, unsigned PE, unsigned LANE_W, unsigned OUT_W>
void label_select(hls::stream<ap_uint<PE * LANE_W> >& in, hls::stream<ap_uint<OUT_W> >& out, unsigned frames) {
    constexpr unsigned NF = (NUM + PE - 1) / PE;
    for (unsigned f = 0; f < frames; f++) {
        long long best = 0;
        unsigned best_idx = 0;
        for (unsigned b = 0; b < NF; b++) {
HWGEN_PRAGMA(HLS PIPELINE II=1)
            HWGEN_TRIP(ID);
            const ap_uint<PE * LANE_W> beat = in.read();
            for (unsigned p = 0; p < PE; p++) {
                const unsigned i = b * PE + p;
                const long long v = lane<LANE_W, true, PE * LANE_W>(beat, p);
                if (i < NUM && (i == 0 || v > best)) {
                    best = v;
                    best_idx = i;
                }
            }
        }
        out.write(ap_uint<OUT_W>(best_idx));
    }
}

// Stream width converter: frames of BITS bits from beats of IN_W bits to beats of OUT_W bits
// (element j of a frame at bit j % W of beat j / W on both sides; pad bits dropped / zero).
template <unsigned ID, unsigned IN_W, unsigned OUT_W, unsigned BITS>
void width_convert(hls::stream<ap_uint<IN_W> >& in, hls::stream<ap_uint<OUT_W> >& out, unsigned frames) {
    constexpr unsigned IN_BEATS = (BITS + IN_W - 1) / IN_W;
    constexpr unsigned OUT_BEATS = (BITS + OUT_W - 1) / OUT_W;
    ap_uint<BITS> frame;
    for (unsigned f = 0; f < frames; f++) {
        for (unsigned b = 0; b < IN_BEATS; b++) {
HWGEN_PRAGMA(HLS PIPELINE II=1)
            const ap_uint<IN_W> beat = in.read();
            for (unsigned i = 0; i < IN_W; i++) {
HWGEN_PRAGMA(HLS UNROLL)
                if (b * IN_W + i < BITS) frame[b * IN_W + i] = beat[i];
            }
        }
        for (unsigned b = 0; b < OUT_BEATS; b++) {
HWGEN_PRAGMA(HLS PIPELINE II=1)
            HWGEN_TRIP(ID);
            ap_uint<OUT_W> beat = 0;
            for (unsigned i = 0; i < OUT_W; i++) {
HWGEN_PRAGMA(HLS UNROLL)
                if (b * OUT_W + i < BITS) beat[i] = frame[b * OUT_W + i];
            }
            out.write(beat);
        }
    }
}

}  // namespace hwgen

#include "hwgen_dag.h"

#endif
