// hwgen_popcount, the plain model: count = $countones(XNOR(x, w)), the same ports and
// parameters as rtl/hwgen_popcount.v. The layer proofs read this in its place (both in the
// MVU and in the reference), which is sound because `hwgen prove` shows the compressor tree
// equal to this model at every width from 1 to 128 lanes (hwgen/formal/arith.py).
`default_nettype none

module hwgen_popcount #(
    parameter integer LANES = 64, // lanes of x and w
    parameter integer CNT_W = 7,  // bits of the count; at least clog2(LANES + 1)
    parameter integer MID_REG = 0 // 1: one cycle of latency (the tree's middle register)
) (
    input  wire [LANES-1:0] x,
    input  wire [LANES-1:0] w,
    output wire [CNT_W-1:0] count,
    input  wire             clk,
    input  wire             en
);
    wire [CNT_W-1:0] now = $countones(~(x ^ w));
    hwgen_delay #(.DATA_W(CNT_W), .CYCLES(MID_REG)) u_mid (.clk(clk), .en(en), .d(now), .q(count));
endmodule

`default_nettype wire
