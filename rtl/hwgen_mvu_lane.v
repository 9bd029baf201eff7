// hwgen_mvu_lane: one PE lane of hwgen_mvu, a cycle's SIMD elements against its SIMD weights.
//   bipolar x bipolar (ELEM_W = WEIGHT_W = 1): part = popcount(XNOR(x, w)) (rtl/hwgen_popcount.v);
//       PC_GROUPS > 1 cuts the lanes into groups of ceil(SIMD/PC_GROUPS), one popcount each,
//       summed after (a shallower tree, for a faster clock);
//   otherwise: part = the sum of x_l * w_l (rtl/hwgen_lane_dot.v), signed CNT_W bits.
// PC_REG = 1 registers the popcounts (each group's) or the dot product on `en`: one cycle of
// latency, the adder tree and the accumulator's add in the next cycle. SUM_REG = 1 registers
// `part` as well (the groups' sum): another cycle, the accumulator's add alone after it.
// PC_MID = 1 registers each popcount tree in its middle (rtl/hwgen_popcount.v's MID_REG):
// half the tree's depth a cycle, no LUT more.
`default_nettype none

module hwgen_mvu_lane #(
    parameter integer SIMD = 4,            // elements per cycle
    parameter integer ELEM_W = 1,          // bits per element: 1 bipolar
    parameter integer IN_SIGNED = 0,       // integer elements are two's complement
    parameter integer WEIGHT_W = 1,        // bits per weight: 1 bipolar
    parameter integer CNT_W = 7,           // bits of part (the accumulator's)
    parameter integer PC_REG = 0,          // 1: the popcounts / dot registered
    parameter integer PC_GROUPS = 1,       // XNOR: popcount groups, summed after
    parameter integer SUM_REG = 0,         // 1: part (the groups' sum) registered
    parameter integer PC_MID = 0           // 1: each popcount's tree registered in its middle
) (
    input  wire                     clk,
    input  wire                     en,
    input  wire [SIMD*ELEM_W-1:0]   x,
    input  wire [SIMD*WEIGHT_W-1:0] w,
    output wire [CNT_W-1:0]         part
);
    localparam integer XNOR = (ELEM_W == 1 && WEIGHT_W == 1) ? 1 : 0;
    localparam integer PC_W = $clog2(SIMD + 1);  // one cycle's popcount
    genvar g;
    generate
        wire [CNT_W-1:0] part_d;  // part before SUM_REG
        hwgen_delay #(.DATA_W(CNT_W), .CYCLES(SUM_REG)) u_sum (.clk(clk), .en(en), .d(part_d), .q(part));
        if (XNOR != 0 && PC_GROUPS > 1) begin : g_xgrp
            localparam integer GL = (SIMD + PC_GROUPS - 1) / PC_GROUPS;
            localparam integer GW = $clog2(GL + 1);
            wire [CNT_W-1:0] tree [0:2*PC_GROUPS-2];  // heap order: node i = 2i+1 + 2i+2
            for (g = 0; g < PC_GROUPS; g = g + 1) begin : g_grp
                localparam integer LO = g * GL;
                localparam integer N = (SIMD - LO < GL) ? SIMD - LO : GL;
                wire [GW-1:0] cnt, cnt_a;
                hwgen_popcount #(.LANES(N), .CNT_W(GW), .MID_REG(PC_MID)) u_pc (
                    .x(x[LO +: N]), .w(w[LO +: N]), .count(cnt), .clk(clk), .en(en));
                hwgen_delay #(.DATA_W(GW), .CYCLES(PC_REG)) u_reg (.clk(clk), .en(en), .d(cnt), .q(cnt_a));
                assign tree[PC_GROUPS - 1 + g] = {{(CNT_W - GW){1'b0}}, cnt_a};
            end
            for (g = 0; g < PC_GROUPS - 1; g = g + 1) begin : g_add
                assign tree[g] = tree[2*g+1] + tree[2*g+2];
            end
            assign part_d = tree[0];
        end else if (XNOR != 0) begin : g_xnor
            // a compressor tree with the XNOR in its first level
            wire [PC_W-1:0] pc, pc_a;
            hwgen_popcount #(.LANES(SIMD), .CNT_W(PC_W), .MID_REG(PC_MID)) u_pc (
                .x(x), .w(w), .count(pc), .clk(clk), .en(en));
            hwgen_delay #(.DATA_W(PC_W), .CYCLES(PC_REG)) u_reg (.clk(clk), .en(en), .d(pc), .q(pc_a));
            if (CNT_W > PC_W) begin : g_ext
                assign part_d = {{(CNT_W - PC_W){1'b0}}, pc_a};
            end else begin : g_noext
                assign part_d = pc_a;
            end
        end else begin : g_int
            // no tree to cut: PC_MID's cycle of latency at the product sum's output, with PC_REG's
            wire [CNT_W-1:0] dot;
            hwgen_lane_dot #(.SIMD(SIMD), .ELEM_W(ELEM_W), .SIGNED(IN_SIGNED), .WEIGHT_W(WEIGHT_W), .CNT_W(CNT_W))
                u_dot (.x(x), .w(w), .dot(dot));
            hwgen_delay #(.DATA_W(CNT_W), .CYCLES(PC_MID + PC_REG)) u_reg (
                .clk(clk), .en(en), .d(dot), .q(part_d));
        end
    endgenerate
endmodule

`default_nettype wire
