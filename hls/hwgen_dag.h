// hwgen_dag.h: the kernels that make the dataflow a graph (twins of rtl/hwgen_fork.v,
// rtl/hwgen_add_streams.v and rtl/hwgen_window_sum.v); included by hwgen_hls.h.
#ifndef HWGEN_DAG_H
#define HWGEN_DAG_H

namespace hwgen {

// One stream to two consumers, beat by beat.
template <unsigned ID, unsigned W>
void fork(hls::stream<ap_uint<W> >& in, hls::stream<ap_uint<W> >& out0, hls::stream<ap_uint<W> >& out1,
          unsigned beats) {
    for (unsigned b = 0; b < beats; b++) {
HWGEN_PRAGMA(HLS PIPELINE II=1)
        HWGEN_TRIP(ID);
        const ap_uint<W> x = in.read();
        out0.write(x);
        out1.write(x);
    }
}

// a + b lane by lane: LANES signed integers of A_EW and B_EW bits, OUT_EW-bit sums.
template <unsigned ID, unsigned LANES, unsigned A_EW, unsigned B_EW, unsigned OUT_EW>
void add_streams(hls::stream<ap_uint<LANES * A_EW> >& a, hls::stream<ap_uint<LANES * B_EW> >& b,
                 hls::stream<ap_uint<LANES * OUT_EW> >& out, unsigned beats) {
    for (unsigned i = 0; i < beats; i++) {
HWGEN_PRAGMA(HLS PIPELINE II=1)
        HWGEN_TRIP(ID);
        const ap_uint<LANES * A_EW> x = a.read();
        const ap_uint<LANES * B_EW> y = b.read();
        ap_uint<LANES * OUT_EW> o = 0;
        for (unsigned p = 0; p < LANES; p++) {
HWGEN_PRAGMA(HLS UNROLL)
            set_lane<OUT_EW, LANES * OUT_EW>(o, p, lane<A_EW, true, LANES * A_EW>(x, p) +
                                                       lane<B_EW, true, LANES * B_EW>(y, p));
        }
        out.write(o);
    }
}

// The channelwise sum of every KK pixels (C signed channels of EW bits): OUT_EW-bit sums.
template <unsigned ID, unsigned C, unsigned KK, unsigned EW, unsigned OUT_EW>
void window_sum(hls::stream<ap_uint<C * EW> >& in, hls::stream<ap_uint<C * OUT_EW> >& out, unsigned windows) {
    for (unsigned w = 0; w < windows; w++) {
        long long acc[C];
        for (unsigned k = 0; k < KK; k++) {
HWGEN_PRAGMA(HLS PIPELINE II=1)
            HWGEN_TRIP(ID);
            const ap_uint<C * EW> x = in.read();
            for (unsigned c = 0; c < C; c++) {
HWGEN_PRAGMA(HLS UNROLL)
                acc[c] = (k == 0 ? 0 : acc[c]) + element<EW, true, C * EW>(x, c);
            }
        }
        ap_uint<C * OUT_EW> o = 0;
        for (unsigned c = 0; c < C; c++) {
HWGEN_PRAGMA(HLS UNROLL)
            set_lane<OUT_EW, C * OUT_EW>(o, c, acc[c]);
        }
        out.write(o);
    }
}

}  // namespace hwgen

#endif
