// hwgen_lane_dot: one cycle's integer dot product of SIMD lanes, the sum of x_l * w_l as a
// signed CNT_W-bit value (the generator sizes CNT_W for the worst case, so nothing wraps).
//   x_l: EW bits; EW = 1 bipolar (bit 1 is +1, bit 0 is -1), else an integer (SIGNED: two's
//        complement);
//   w_l: WB bits; WB = 1 bipolar (the lane adds or subtracts x_l), else two's complement.
// A WB-bit product is shift-and-add over the weight's bits in EV + WB bits (EV: x_l's signed
// width), not `*`: Yosys would map even a 2x2-bit product into a DSP block.
`default_nettype none

module hwgen_lane_dot #(
    parameter integer SIMD = 4,
    parameter integer EW = 2,
    parameter integer SIGNED = 1,
    parameter integer WB = 2,
    parameter integer CNT_W = 8
) (
    input  wire [SIMD*EW-1:0] x,
    input  wire [SIMD*WB-1:0] w,
    output wire [CNT_W-1:0]   dot
);
    localparam integer EV = (EW == 1) ? 2 : ((SIGNED != 0) ? EW : EW + 1);  // x_l as a signed value
    localparam integer PW = (WB == 1) ? EV + 1 : EV + WB;                   // x_l * w_l

    // signed regs throughout: an assignment of a signed value to a wider one sign-extends
    // (no zero-width replications where the widths happen to match)
    function signed [CNT_W-1:0] lane_sum;
        input [SIMD*EW-1:0] xv;
        input [SIMD*WB-1:0] wv;
        integer i, b;
        reg signed [EV-1:0] e;
        reg signed [PW-1:0] ext, prod;
        begin
            lane_sum = {CNT_W{1'b0}};
            for (i = 0; i < SIMD; i = i + 1) begin
                if (EW == 1) e = xv[i] ? {{(EV-1){1'b0}}, 1'b1} : {EV{1'b1}};
                else if (SIGNED != 0) e = $signed(xv[i*EW +: EW]);
                else e = $signed({1'b0, xv[i*EW +: EW]});
                ext = e;
                if (WB == 1) begin
                    prod = wv[i] ? ext : -ext;
                end else begin
                    prod = {PW{1'b0}};
                    for (b = 0; b < WB - 1; b = b + 1)
                        if (wv[i*WB + b]) prod = prod + (ext <<< b);
                    if (wv[i*WB + WB - 1]) prod = prod - (ext <<< (WB - 1));
                end
                lane_sum = lane_sum + prod;
            end
        end
    endfunction

    assign dot = lane_sum(x, w);
endmodule

`default_nettype wire
