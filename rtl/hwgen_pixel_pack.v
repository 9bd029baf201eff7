// hwgen_pixel_pack: one pixel's ceil(OUT_W/IN_W) beats of IN_W bits (the last one with pad
// lanes past OUT_W) into one beat of OUT_W bits, the pad lanes dropped.
//
// A convolution whose PE does not divide its channels writes each pixel as ceil(C/PE) beats
// of PE lanes; before a flatten those pad lanes would land inside the flattened vector, so
// the flatten packs each pixel first. One input beat per cycle: the pack runs at the
// convolution's rate. The internal streams carry no TLAST (frames are counted), so the
// converter's is tied off.
`default_nettype none

module hwgen_pixel_pack #(
    parameter integer IN_W = 1,  // bits per input beat (the producer's PE lanes)
    parameter integer OUT_W = 2  // bits per output beat: one whole pixel; at least IN_W
) (
    input  wire             clk,
    input  wire             rst_n,
    input  wire [IN_W-1:0]  s_tdata,
    input  wire             s_tvalid,
    output wire             s_tready,
    output wire [OUT_W-1:0] m_tdata,
    output wire             m_tvalid,
    input  wire             m_tready
);
    // The parameters' contract, checked at elaboration (by Icarus at time 0): a breach fails.
    generate
        if (OUT_W < IN_W || IN_W < 1) begin : g_contract0
`ifdef __ICARUS__
            initial $fatal(1, "%m: hwgen_pixel_pack: needs 1 <= IN_W <= OUT_W (IN_W=%0d OUT_W=%0d)", IN_W, OUT_W);
`else
            $error("hwgen_pixel_pack: needs 1 <= IN_W <= OUT_W");
`endif
        end
    endgenerate

    wire unused_last;

    hwgen_width_convert #(.IN_W(IN_W), .OUT_W(OUT_W)) u_pack (
        .clk(clk), .rst_n(rst_n),
        .s_tdata(s_tdata), .s_tvalid(s_tvalid), .s_tready(s_tready), .s_tlast(1'b0),
        .m_tdata(m_tdata), .m_tvalid(m_tvalid), .m_tready(m_tready), .m_tlast(unused_last)
    );
`ifdef FORMAL_HWGEN_PIXEL_PACK
`include "hwgen_pixel_pack.fv.vh"
`endif
endmodule

`default_nettype wire
