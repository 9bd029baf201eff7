// hwgen_mvu_thresholds: hwgen_mvu's threshold ROM and output decision.
//
// The ROM word of PE group `nf` (issued this cycle) is read DELAY + 1 cycles of `en` later,
// when its finished sum `count` is here; in logic, each of the PE lanes is then decided:
//   N_THR = 1, LEVELS = 0: lane p = (count_p >= T_p), one bit;
//   N_THR > 1, LEVELS = 0: the parity of how many of its sorted thresholds the count reaches
//                          (interval thresholds);
//   LEVELS = 1: LEVEL_OFF + how many it reaches (OUT_LANE_W bits).
// Word nf (of border class j: j*NF + nf) holds lane p's threshold k at bits
// [(p*N_THR + k)*THR_W, +THR_W). N_CLS > 1 (a zero-padded convolution, OH x OW output pixels):
// output pixel (oy, ox) uses the set at word offset ROW_BASE[oy] + COL_BASE[ox], counted on
// `pixel_done` (the last issue of a pixel). UNSIGNED = 1 (a popcount): count and thresholds
// are unsigned and may differ by a bit in width; otherwise THR_W == CNT_W, two's complement.
`default_nettype none

module hwgen_mvu_thresholds #(
    parameter integer PE = 1,              // lanes
    parameter integer NF = 1,              // PE groups (threshold words per set)
    parameter integer NW = 1,              // bits of nf
    parameter integer N_CLS = 1,           // threshold sets (border classes)
    parameter integer OH = 1,              // N_CLS > 1: output rows a frame
    parameter integer OW = 1,              // N_CLS > 1: output columns a frame
    parameter integer DELAY = 0,           // stages between the issue's stage 1 and its sum
    parameter integer CNT_W = 7,           // bits of a lane's count
    parameter integer THR_W = 7,           // bits of a stored threshold
    parameter integer N_THR = 1,           // thresholds per lane
    parameter integer LEVELS = 0,          // 1: output LEVEL_OFF + thresholds reached
    parameter integer LEVEL_OFF = 0,       // LEVELS: the level of a count that reaches none
    parameter integer OUT_LANE_W = 1,      // output lane bits
    parameter integer UNSIGNED = 1,        // 1: popcount and thresholds unsigned
    parameter THR_FILE = "thresholds.mem", // $readmemh image of the threshold ROM
    parameter ROW_BASE_FILE = "",          // N_CLS > 1: word offset per output row
    parameter COL_BASE_FILE = ""           // N_CLS > 1: word offset per output column
) (
    input  wire                     clk,
    input  wire                     rst_n,
    input  wire                     en,
    input  wire                     pixel_done,
    input  wire [NW-1:0]            nf,
    input  wire [PE*CNT_W-1:0]      count,
    output wire [PE*OUT_LANE_W-1:0] lanes
);
    localparam integer TL_W = N_THR * THR_W;
    localparam integer TDEPTH = NF * N_CLS;
    localparam integer TAW = (TDEPTH > 1) ? $clog2(TDEPTH) : 1;
    reg  [PE*TL_W-1:0] trom [0:TDEPTH-1];
    reg  [PE*TL_W-1:0] t1;
    wire [TAW-1:0] taddr;    // the word of the vector being issued
    wire [TAW-1:0] taddr_d;  // delayed to meet its sum
    wire [TAW-1:0] nf_ext;
    initial $readmemh(THR_FILE, trom);

    genvar p, k;
    generate
        if (TAW > NW) begin : g_ext
            assign nf_ext = {{(TAW-NW){1'b0}}, nf};
        end else begin : g_same
            assign nf_ext = nf[TAW-1:0];
            if (NW > TAW) begin : g_unused
                wire unused_nf = &{1'b0, nf[NW-1:TAW]};
            end
        end
        if (N_CLS > 1) begin : g_classes
            localparam integer OYW = (OH > 1) ? $clog2(OH) : 1;
            localparam integer OXW = (OW > 1) ? $clog2(OW) : 1;
            localparam integer OH_MAX_I = OH - 1;
            localparam integer OW_MAX_I = OW - 1;
            localparam [OYW-1:0] OH_LAST = OH_MAX_I[OYW-1:0];
            localparam [OXW-1:0] OW_LAST = OW_MAX_I[OXW-1:0];
            reg [TAW-1:0] row_base [0:OH-1];
            reg [TAW-1:0] col_base [0:OW-1];
            initial $readmemh(ROW_BASE_FILE, row_base);
            initial $readmemh(COL_BASE_FILE, col_base);
            reg  [OYW-1:0] oy;
            reg  [OXW-1:0] ox;
            assign taddr = row_base[oy] + col_base[ox] + nf_ext;
            always @(posedge clk) begin
                if (!rst_n) begin
                    oy <= {OYW{1'b0}};
                    ox <= {OXW{1'b0}};
                end else if (pixel_done) begin
                    ox <= (ox == OW_LAST) ? {OXW{1'b0}} : ox + 1'b1;
                    if (ox == OW_LAST) oy <= (oy == OH_LAST) ? {OYW{1'b0}} : oy + 1'b1;
                end
            end
        end else begin : g_one_set
            assign taddr = nf_ext;
            wire unused_pixel = &{1'b0, pixel_done, rst_n};
        end
    endgenerate
    hwgen_delay #(.DATA_W(TAW), .CYCLES(DELAY)) u_addr (.clk(clk), .en(en), .d(taddr), .q(taddr_d));
    always @(posedge clk) if (en) t1 <= trom[taddr_d];

    generate
        for (p = 0; p < PE; p = p + 1) begin : g_cmp
            wire [N_THR-1:0] ge;
            wire [CNT_W-1:0] c = count[p*CNT_W +: CNT_W];
            for (k = 0; k < N_THR; k = k + 1) begin : g_k
                wire [THR_W-1:0] t = t1[(p*N_THR + k)*THR_W +: THR_W];
                if (UNSIGNED != 0) begin : g_ucmp
                    // popcount and threshold widths differ by at most one bit: zero-extend both
                    wire [CNT_W:0] s_ext = {1'b0, c};
                    wire [THR_W:0] t_ext = {1'b0, t};
                    assign ge[k] = ({{(THR_W + 1){1'b0}}, s_ext} >= {{(CNT_W + 1){1'b0}}, t_ext});
                end else begin : g_scmp
                    assign ge[k] = ($signed(c) >= $signed(t));
                end
            end
            if (LEVELS != 0) begin : g_levels
                // running count of the thresholds reached, from LEVEL_OFF up (no priority logic)
                localparam [OUT_LANE_W-1:0] OFF = LEVEL_OFF[OUT_LANE_W-1:0];
                wire [(N_THR+1)*OUT_LANE_W-1:0] run;
                assign run[OUT_LANE_W-1:0] = OFF;
                for (k = 0; k < N_THR; k = k + 1) begin : g_cnt
                    assign run[(k+1)*OUT_LANE_W +: OUT_LANE_W] = run[k*OUT_LANE_W +: OUT_LANE_W]
                                                                 + {{(OUT_LANE_W-1){1'b0}}, ge[k]};
                end
                assign lanes[p*OUT_LANE_W +: OUT_LANE_W] = run[N_THR*OUT_LANE_W +: OUT_LANE_W];
            end else if (N_THR == 1) begin : g_one
                assign lanes[p*OUT_LANE_W] = ge[0];
            end else begin : g_parity
                assign lanes[p*OUT_LANE_W] = ^ge;  // interval thresholds: parity of those reached
            end
        end
    endgenerate
endmodule

`default_nettype wire
