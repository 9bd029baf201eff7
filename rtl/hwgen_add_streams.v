// hwgen_add_streams: a + b lane by lane, LANES signed integers per beat of each operand
// (A_ELEM_W and B_ELEM_W bits), sign-extended to OUT_ELEM_W-bit sums. A beat of each is taken at once,
// when both are there and the consumer can take the sum (no state: the FIFOs in front hold
// whichever operand comes first).
`default_nettype none

module hwgen_add_streams #(
    parameter integer LANES = 1,      // lanes per beat of each operand and of the sum
    parameter integer A_ELEM_W = 4,   // bits of an operand-a lane (two's complement)
    parameter integer B_ELEM_W = 4,   // bits of an operand-b lane (two's complement)
    parameter integer OUT_ELEM_W = 5  // bits of a sum lane; at least the wider operand
) (
    input  wire                    clk,
    input  wire                    rst_n,
    input  wire [LANES*A_ELEM_W-1:0]   s0_tdata,
    input  wire                    s0_tvalid,
    output wire                    s0_tready,
    input  wire [LANES*B_ELEM_W-1:0]   s1_tdata,
    input  wire                    s1_tvalid,
    output wire                    s1_tready,
    output wire [LANES*OUT_ELEM_W-1:0] m_tdata,
    output wire                    m_tvalid,
    input  wire                    m_tready
);
    // The parameters' contract, checked at elaboration (by Icarus at time 0): a breach fails.
    generate
        if (OUT_ELEM_W < A_ELEM_W || OUT_ELEM_W < B_ELEM_W) begin : g_contract0
`ifdef __ICARUS__
            initial $fatal(1, "%m: hwgen_add_streams: OUT_ELEM_W must be at least A_ELEM_W and B_ELEM_W (OUT_ELEM_W=%0d A_ELEM_W=%0d B_ELEM_W=%0d)", OUT_ELEM_W, A_ELEM_W, B_ELEM_W);
`else
            $error("hwgen_add_streams: OUT_ELEM_W must be at least A_ELEM_W and B_ELEM_W");
`endif
        end
    endgenerate

    assign m_tvalid = s0_tvalid && s1_tvalid;
    assign s0_tready = m_tready && s1_tvalid;
    assign s1_tready = m_tready && s0_tvalid;
    genvar p;
    generate
        for (p = 0; p < LANES; p = p + 1) begin : g_add
            wire [OUT_ELEM_W-1:0] a = {{(OUT_ELEM_W - A_ELEM_W){s0_tdata[p*A_ELEM_W + A_ELEM_W - 1]}}, s0_tdata[p*A_ELEM_W +: A_ELEM_W]};
            wire [OUT_ELEM_W-1:0] b = {{(OUT_ELEM_W - B_ELEM_W){s1_tdata[p*B_ELEM_W + B_ELEM_W - 1]}}, s1_tdata[p*B_ELEM_W +: B_ELEM_W]};
            assign m_tdata[p*OUT_ELEM_W +: OUT_ELEM_W] = a + b;
        end
    endgenerate
    wire unused_clk = &{1'b0, clk, rst_n};
`ifdef FORMAL_HWGEN_ADD_STREAMS
`include "hwgen_add_streams.fv.vh"
`endif
endmodule

`default_nettype wire
