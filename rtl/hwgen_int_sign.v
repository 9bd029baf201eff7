// hwgen_int_sign: the bipolar sign of a stream of signed integers, lane by lane: element
// h >= 0 -> bit 1 (+1), else bit 0 (-1). LANES lanes of ELEM_W bits in, LANES bits out; the
// handshake passes straight through (the FIFO in front of the next layer registers it).
`default_nettype none

module hwgen_int_sign #(
    parameter integer LANES = 1,  // elements per beat
    parameter integer ELEM_W = 4  // bits of a two's complement input element; at least 2
) (
    input  wire                  clk,
    input  wire                  rst_n,
    input  wire [LANES*ELEM_W-1:0]   s_tdata,
    input  wire                  s_tvalid,
    output wire                  s_tready,
    output wire [LANES-1:0]      m_tdata,
    output wire                  m_tvalid,
    input  wire                  m_tready
);
    // The parameters' contract, checked at elaboration (by Icarus at time 0): a breach fails.
    generate
        if (ELEM_W < 2) begin : g_contract0
`ifdef __ICARUS__
            initial $fatal(1, "%m: hwgen_int_sign: ELEM_W must be at least 2 (a signed integer) (ELEM_W=%0d)", ELEM_W);
`else
            $error("hwgen_int_sign: ELEM_W must be at least 2 (a signed integer)");
`endif
        end
        if (LANES < 1) begin : g_contract1
`ifdef __ICARUS__
            initial $fatal(1, "%m: hwgen_int_sign: LANES must be at least 1 (LANES=%0d)", LANES);
`else
            $error("hwgen_int_sign: LANES must be at least 1");
`endif
        end
    endgenerate

    genvar i;
    generate
        for (i = 0; i < LANES; i = i + 1) begin : g_lane
            assign m_tdata[i] = ~s_tdata[i*ELEM_W + ELEM_W - 1];
            if (ELEM_W > 1) begin : g_low
                wire unused_low = &{1'b0, s_tdata[i*ELEM_W +: ELEM_W - 1]};  // only the sign bit matters
            end
        end
    endgenerate
    assign m_tvalid = s_tvalid;
    assign s_tready = m_tready;
    wire unused_clk = &{1'b0, clk, rst_n};
`ifdef FORMAL_HWGEN_INT_SIGN
`include "hwgen_int_sign.fv.vh"
`endif
endmodule

`default_nettype wire
