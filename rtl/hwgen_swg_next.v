// hwgen_swg_next: the sliding window's next pixel in registers (rtl/hwgen_swg.v, FLOW_REG).
//
// The reader of hwgen_swg walks (oy, ox, ky, kx); this keeps, in step with it, what it needs of
// the pixel it presents next: its linear index qb = qtop + koff (against the writer's position),
// its padded row and column (ry0 + ky, cx0 + kx), whether that is inside the image, and the
// ring slot it is read from, (a_top + koff) mod D (its next value, slot_n, from hwgen_swg, which
// has the ring's modular arithmetic). Each is computed from the walk's next values when the
// reader issues, so the issue decision starts at flip-flops instead of behind two adds
// and four compares, and the ring's read address (fanned out to every slice of a wide ring:
// CNV's Conv_5 window, 256 bits a pixel, routed at 78 MHz behind its two adds) is a register.
`default_nettype none

module hwgen_swg_next #(
    parameter integer IMG_H = 8,    // image rows
    parameter integer IMG_W = 8,    // image columns
    parameter integer S = 1,        // stride
    parameter integer PAD_T = 0,    // zero rows above the image
    parameter integer PAD_L = 0,    // zero columns left of it
    parameter integer K = 3,        // window rows and columns
    parameter integer SLOT0 = 0,    // the ring slot read first: padded (0, 0)'s (hwgen_swg's ORIGIN)
    parameter integer IDX_W = 8,    // bits of a linear pixel index (hwgen_swg's NW)
    parameter integer OFF_W = 4,    // bits of a ring slot, the reader's koff (hwgen_swg's AW)
    parameter integer ROW_W = 4,    // bits of a padded row (hwgen_swg's RYW)
    parameter integer COL_W = 4     // bits of a padded column (hwgen_swg's CXW)
) (
    input  wire           clk,
    input  wire           rst_n,
    input  wire           issue,     // the reader moves on (the next values below are taken)
    input  wire           kx_last,
    input  wire           ky_last,
    input  wire           ox_last,
    input  wire           oy_last,
    input  wire [OFF_W-1:0]  koff,      // the reader's ky*IMG_W + kx
    input  wire [IDX_W-1:0]  qtop,      // ry0*IMG_W + cx0
    input  wire [IDX_W-1:0]  rw,        // ry0*IMG_W
    input  wire [ROW_W-1:0] ry0,
    input  wire [COL_W-1:0] cx0,
    input  wire [OFF_W-1:0] slot_n,  // the slot read after this one
    output reg  [OFF_W-1:0] slot,    // (a_top + koff) mod D
    output reg  [IDX_W-1:0]  qb,        // qtop + koff
    output reg  [ROW_W-1:0] ry,        // ry0 + ky
    output reg  [COL_W-1:0] cx,        // cx0 + kx
    output reg            in_image   // (ry, cx) inside the image (not a pad position)
);
    localparam integer ROW_STEP_I = IMG_W - K + 1;
    localparam integer LINE_I = S * IMG_W;
    localparam [OFF_W-1:0]  ROW_STEP = ROW_STEP_I[OFF_W-1:0];
    localparam [IDX_W-1:0]  LINE = LINE_I[IDX_W-1:0];
    localparam [IDX_W-1:0]  S_N = S[IDX_W-1:0];
    localparam [ROW_W-1:0] S_RY = S[ROW_W-1:0];
    localparam [COL_W-1:0] S_CX = S[COL_W-1:0];
    localparam [ROW_W-1:0] RY_LO = PAD_T[ROW_W-1:0];
    localparam [ROW_W-1:0] RY_HI = PAD_T[ROW_W-1:0] + IMG_H[ROW_W-1:0];
    localparam [COL_W-1:0] CX_LO = PAD_L[COL_W-1:0];
    localparam [COL_W-1:0] CX_HI = PAD_L[COL_W-1:0] + IMG_W[COL_W-1:0];

    // the walk's next position, as hwgen_swg's reader takes it on an issue
    wire           win_last = kx_last && ky_last;
    wire [OFF_W-1:0]  koff_n = win_last ? {OFF_W{1'b0}} : (kx_last ? koff + ROW_STEP : koff + 1'b1);
    wire [IDX_W-1:0]  qtop_n = !win_last ? qtop : (ox_last && oy_last) ? {IDX_W{1'b0}}
                            : ox_last ? rw + LINE : qtop + S_N;
    wire [ROW_W-1:0] ry_n = !kx_last ? ry : !ky_last ? ry + 1'b1 : !ox_last ? ry0
                          : !oy_last ? ry0 + S_RY : {ROW_W{1'b0}};
    wire [COL_W-1:0] cx_n = !kx_last ? cx + 1'b1 : !ky_last ? cx0 : !ox_last ? cx0 + S_CX
                          : {COL_W{1'b0}};
    wire           top_n, left_n;
    generate  // an unpadded side needs no compare (and a constant one would not lint)
        if (PAD_T > 0) begin : g_pt
            assign top_n = (ry_n >= RY_LO);
        end else begin : g_nopt
            assign top_n = 1'b1;
        end
        if (PAD_L > 0) begin : g_pl
            assign left_n = (cx_n >= CX_LO);
        end else begin : g_nopl
            assign left_n = 1'b1;
        end
    endgenerate

    always @(posedge clk) begin
        if (!rst_n) begin
            qb <= {IDX_W{1'b0}};
            slot <= SLOT0[OFF_W-1:0];
            ry <= {ROW_W{1'b0}};
            cx <= {COL_W{1'b0}};
            in_image <= (PAD_T == 0 && PAD_L == 0);
        end else if (issue) begin
            qb <= qtop_n + {{(IDX_W-OFF_W){1'b0}}, koff_n};
            slot <= slot_n;
            ry <= ry_n;
            cx <= cx_n;
            in_image <= top_n && (ry_n < RY_HI) && left_n && (cx_n < CX_HI);
        end
    end
endmodule

`default_nettype wire
