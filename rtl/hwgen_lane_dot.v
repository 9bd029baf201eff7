// hwgen_lane_dot: one cycle's integer dot product of SIMD lanes, the sum of x_l * w_l as a
// signed CNT_W-bit value (the generator sizes CNT_W for the worst case, so nothing wraps;
// every partial sum is within it too).
//   x_l: ELEM_W bits; ELEM_W = 1 bipolar (bit 1 is +1, bit 0 is -1), else an integer (SIGNED: two's
//        complement);
//   w_l: WEIGHT_W bits; WEIGHT_W = 1 bipolar (the lane adds or subtracts x_l), else two's complement.
// A WEIGHT_W-bit product is shift-and-add over the weight's bits in EV + WEIGHT_W bits (EV: x_l's signed
// width), not `*`: Yosys would map even a 2x2-bit product into a DSP block. Every width is
// exact, so the module lints clean for any parameters.
`default_nettype none

module hwgen_lane_dot #(
    parameter integer SIMD = 4,     // lanes summed in one cycle
    parameter integer ELEM_W = 2,   // bits of an input element x_l (1: bipolar)
    parameter integer SIGNED = 1,   // ELEM_W > 1: x_l is two's complement
    parameter integer WEIGHT_W = 2, // bits of a weight w_l (1: bipolar, else two's complement)
    parameter integer CNT_W = 8     // bits of the signed dot product (sized for the worst case)
) (
    input  wire [SIMD*ELEM_W-1:0] x,
    input  wire [SIMD*WEIGHT_W-1:0] w,
    output wire [CNT_W-1:0]   dot
);
    // The parameters' contract, checked at elaboration (by Icarus at time 0): a breach fails.
    generate
        if (SIMD < 1 || ELEM_W < 1 || WEIGHT_W < 1) begin : g_contract0
`ifdef __ICARUS__
            initial $fatal(1, "%m: hwgen_lane_dot: SIMD, ELEM_W and WEIGHT_W must be at least 1 (SIMD=%0d ELEM_W=%0d WEIGHT_W=%0d)", SIMD, ELEM_W, WEIGHT_W);
`else
            $error("hwgen_lane_dot: SIMD, ELEM_W and WEIGHT_W must be at least 1");
`endif
        end
    endgenerate

    localparam integer EV = (ELEM_W == 1) ? 2 : ((SIGNED != 0) ? ELEM_W : ELEM_W + 1);  // x_l as a signed value
    localparam integer PW = (WEIGHT_W == 1) ? EV + 1 : EV + WEIGHT_W;                   // x_l * w_l
    localparam integer SUM_W = (CNT_W > PW) ? CNT_W : PW;                   // the adder tree
    localparam integer NODES = 2 * SIMD - 1;

    // a balanced adder tree in heap order: node i sums nodes 2i+1 and 2i+2, the lanes'
    // products are the leaves SIMD-1 .. 2*SIMD-2 (up to half the LUTs of a chain of CNT_W-bit
    // adds: near the leaves the sums are narrow)
    wire signed [SUM_W-1:0] node [0:NODES-1];  // signed: Yosys' wreduce trims sign copies
    wire        [SUM_W-1:0] sum = node[0];

    genvar l, b;
    generate
        for (l = 0; l < SIMD; l = l + 1) begin : g_lane
            wire [EV-1:0] e;
            if (ELEM_W == 1) begin : g_bipolar
                assign e = x[l] ? 2'b01 : 2'b11;
            end else if (SIGNED != 0) begin : g_signed
                assign e = x[l*ELEM_W +: ELEM_W];
            end else begin : g_unsigned
                assign e = {1'b0, x[l*ELEM_W +: ELEM_W]};
            end
            wire [PW-1:0] ext = {{(PW-EV){e[EV-1]}}, e};
            wire [PW-1:0] prod;
            if (WEIGHT_W == 1) begin : g_addsub
                assign prod = w[l] ? ext : -ext;
            end else begin : g_shift_add
                // bits below the top add ext << b; the top (sign) bit subtracts ext << (WEIGHT_W-1)
                wire [WEIGHT_W*PW-1:0] acc;
                assign acc[PW-1:0] = w[l*WEIGHT_W] ? ext : {PW{1'b0}};
                for (b = 1; b < WEIGHT_W; b = b + 1) begin : g_bit
                    wire [PW-1:0] term = w[l*WEIGHT_W + b] ? (ext << b) : {PW{1'b0}};
                    if (b == WEIGHT_W - 1) begin : g_sign
                        assign acc[b*PW +: PW] = acc[(b-1)*PW +: PW] - term;
                    end else begin : g_add
                        assign acc[b*PW +: PW] = acc[(b-1)*PW +: PW] + term;
                    end
                end
                assign prod = acc[(WEIGHT_W-1)*PW +: PW];
            end
            wire signed [SUM_W-1:0] prod_ext;
            if (SUM_W > PW) begin : g_ext
                assign prod_ext = {{(SUM_W-PW){prod[PW-1]}}, prod};
            end else begin : g_same
                assign prod_ext = prod;
            end
            assign node[SIMD-1+l] = prod_ext;
        end
        for (l = 0; l < SIMD - 1; l = l + 1) begin : g_add
            assign node[l] = node[2*l+1] + node[2*l+2];
        end
        if (SUM_W > CNT_W) begin : g_trunc
            // the accumulator's range fits CNT_W bits: the top bits are sign copies
            wire unused_top = &{1'b0, sum[SUM_W-1:CNT_W]};
        end
    endgenerate

    assign dot = sum[CNT_W-1:0];
endmodule

`default_nettype wire
