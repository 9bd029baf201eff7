// hwgen_swg_next: the sliding window's next pixel in registers (rtl/hwgen_swg.v, FLOW_REG).
//
// The reader of hwgen_swg walks (oy, ox, ky, kx); this keeps, in step with it, what it needs of
// the pixel it presents next: its linear index qb = qtop + koff (against the writer's position),
// its padded row and column (ry0 + ky, cx0 + kx), whether that is inside the image, the ring
// slot it is read from, (a_top + koff) mod D (its next value, slot_n, from hwgen_swg, which has
// the ring's modular arithmetic), and whether it is written. Each is computed when the reader
// issues from the walk's next values, so the issue decision and the ring's read address (fanned
// out to every slice of a wide ring: CNV's Conv_5 window, 256 bits a pixel) start at flip-flops.
// For the clock:
// - qb steps by 1 or a row step inside a window, else takes the next window's qtop (below);
// - the row and column are tested against the image's edges before the step, as the step's
//   constants shifted onto the bounds (cx + 1 < CX_HI is cx < CX_HI - 1), one flag for each:
//   no add before a compare;
// - `written` (qb below the writer's wq, or the writer frames ahead) is a register too, for the
//   pixel presented next, from the writer's registers: one compare ends at this flip-flop, not
//   at every read register's enable. The reader sees the writer a cycle late, which only makes
//   it wait on a writer that only moves on (the pixel was written into the ring a cycle after
//   it completed, by the time the reader reads it);
// - every value qb may take next is a register already (qb + 1, qb + the row step, and the
//   next window's origin: qtop + S along a row, rw + LINE at a row's end, 0 at a frame's), each
//   compared with wq on its own, so the next written flag is a compare of registers and a
//   choice among the results; qb's next value is a choice among registers, its successors one
//   add after it. The proof holds each to its sum (qb_p1 == qb + 1, qs == qtop + S, ...).
`default_nettype none

module hwgen_swg_next #(
    parameter integer IMG_H = 8,    // image rows
    parameter integer IMG_W = 8,    // image columns
    parameter integer S = 1,        // stride
    parameter integer PAD_T = 0,    // zero rows above the image
    parameter integer PAD_L = 0,    // zero columns left of it
    parameter integer K = 3,        // window rows and columns
    parameter integer SLOT0 = 0,    // the ring slot read first: padded (0, 0)'s (hwgen_swg's ORIGIN)
    parameter integer D = 16,       // the ring's pixels
    parameter integer IDX_W = 8,    // bits of a linear pixel index (hwgen_swg's NW)
    parameter integer OFF_W = 4,    // bits of a ring slot (hwgen_swg's AW)
    parameter integer ROW_W = 4,    // bits of a padded row (hwgen_swg's RYW)
    parameter integer COL_W = 4     // bits of a padded column (hwgen_swg's CXW)
) (
    input  wire             clk,
    input  wire             rst_n,
    input  wire             issue,     // the reader moves on (the next values below are taken)
    input  wire             kx_last,
    input  wire             ky_last,
    input  wire             ox_last,
    input  wire             oy_last,
    input  wire [IDX_W-1:0] qtop,      // ry0*IMG_W + cx0
    input  wire [IDX_W-1:0] rw,        // ry0*IMG_W
    input  wire [ROW_W-1:0] ry0,
    input  wire [COL_W-1:0] cx0,
    input  wire [OFF_W-1:0] a_row,     // the slots of padded (ry0, 0) and (ry0, cx0), and the
    input  wire [OFF_W-1:0] a_top,     // next frame's (0, 0)
    input  wire [OFF_W-1:0] a_next,
    output wire [OFF_W-1:0] a_top_n,   // the next window's a_top
    input  wire [OFF_W-1:0] slot_n,    // the slot read after this one
    input  wire [IDX_W-1:0] wq,        // the writer's position + QOFF
    input  wire [1:0]       dfr,       // the writer's frames ahead of the reader
    output reg  [OFF_W-1:0] slot,      // (a_top + koff) mod D
    output reg  [IDX_W-1:0] qb,        // qtop + koff
    output reg  [ROW_W-1:0] ry,        // ry0 + ky
    output reg  [COL_W-1:0] cx,        // cx0 + kx
    output wire             in_image,  // (ry, cx) inside the image (not a pad position)
    output reg              written    // pixel qb is in the ring, as wq and dfr were a cycle ago
);
    localparam integer ROW_STEP_I = IMG_W - K + 1;
    localparam integer LINE_I = S * IMG_W;
    localparam integer RY_HI = PAD_T + IMG_H, CX_HI = PAD_L + IMG_W;  // the image's edges
    localparam [IDX_W-1:0] ROW_STEP = ROW_STEP_I[IDX_W-1:0];
    localparam [IDX_W-1:0] LINE = LINE_I[IDX_W-1:0];
    localparam [IDX_W-1:0] S_N = S[IDX_W-1:0];
    localparam [ROW_W-1:0] S_RY = S[ROW_W-1:0];
    localparam [COL_W-1:0] S_CX = S[COL_W-1:0];

    // the walk's next position, as hwgen_swg's reader takes it on an issue
    wire             win_last = kx_last && ky_last;
    wire             frame_last = win_last && ox_last && oy_last;
    // qb's successors, kept in registers: within the window (qb + 1, qb + ROW_STEP) and the
    // next window's origin (along the row qs = qtop + S, at its end rl = rw + LINE; 0 after
    // the frame), as hwgen_swg moves qtop and rw
    reg  [IDX_W-1:0] qb_p1, qb_pr, qs, rl;
    wire [IDX_W-1:0] qb_n = !win_last ? (kx_last ? qb_pr : qb_p1)
                          : (ox_last && oy_last) ? {IDX_W{1'b0}} : ox_last ? rl : qs;
    wire             lt_n = !win_last ? (kx_last ? qb_pr < wq : qb_p1 < wq)  // qb_n < wq
                          : (ox_last && oy_last) ? wq != {IDX_W{1'b0}} : ox_last ? rl < wq : qs < wq;
    wire [ROW_W-1:0] ry_n = !kx_last ? ry : !ky_last ? ry + 1'b1 : !ox_last ? ry0
                          : !oy_last ? ry0 + S_RY : {ROW_W{1'b0}};
    wire [COL_W-1:0] cx_n = !kx_last ? cx + 1'b1 : !ky_last ? cx0 : !ox_last ? cx0 + S_CX
                          : {COL_W{1'b0}};
    // The next window's top-left slot: the next frame's, the next row's (a_row + DOWN) or the
    // next to the right (a_top + RIGHT), modular adds. With K > 1 each sum is a register
    // following its operand a cycle late: a_row and a_top change only as a window ends, and
    // the sum is taken only as the next one ends, K*K > 1 issues later, so it is a choice
    // among registers and each add ends at its own register (the proof asserts the sum is
    // right whenever it is taken).
    localparam integer RIGHT_I = S % D, DOWN_I = (S * IMG_W) % D;
    localparam [OFF_W-1:0] RIGHT = RIGHT_I[OFF_W-1:0], DOWN = DOWN_I[OFF_W-1:0];
    localparam [OFF_W:0] D_A = D[OFF_W:0];
    function [OFF_W-1:0] wrap;  // (a + b) mod D for a, b < D: a + b and a + b - D side by side
        input [OFF_W-1:0] a;  // (b a constant: two adds of a, not one after the other)
        input [OFF_W-1:0] b;
        reg [OFF_W-1:0] t;
        reg [OFF_W:0] u;
        begin
            t = a + b;  // taken only below D
            u = {1'b0, a} + ({1'b0, b} - D_A);  // below zero (top bit) where a + b < D
            wrap = u[OFF_W] ? t : u[OFF_W-1:0];
        end
    endfunction
    wire [OFF_W-1:0] a_down, a_right;  // wrap(a_row, DOWN), wrap(a_top, RIGHT)
    generate
        if (K > 1) begin : g_lag
            reg [OFF_W-1:0] down_q, right_q;
            always @(posedge clk) begin
                down_q <= wrap(a_row, DOWN);
                right_q <= wrap(a_top, RIGHT);
            end
            assign a_down = down_q;
            assign a_right = right_q;
        end else begin : g_now
            assign a_down = wrap(a_row, DOWN);
            assign a_right = wrap(a_top, RIGHT);
        end
    endgenerate
    assign a_top_n = (ox_last && oy_last) ? a_next : ox_last ? a_down : a_right;

    // inside the image's rows and columns next: each case's bounds moved by its step
    wire [31:0]      ry_x = {{(32-ROW_W){1'b0}}, ry}, ry0_x = {{(32-ROW_W){1'b0}}, ry0};
    wire [31:0]      cx_x = {{(32-COL_W){1'b0}}, cx}, cx0_x = {{(32-COL_W){1'b0}}, cx0};
    reg              row_in, col_in;
    wire             row_in_n = !kx_last ? row_in : !ky_last ? in_bounds(ry_x, 1, PAD_T, RY_HI)
                              : !ox_last ? in_bounds(ry0_x, 0, PAD_T, RY_HI)
                              : !oy_last ? in_bounds(ry0_x, S, PAD_T, RY_HI) : (PAD_T == 0);
    wire             col_in_n = !kx_last ? in_bounds(cx_x, 1, PAD_L, CX_HI)
                              : !ky_last ? in_bounds(cx0_x, 0, PAD_L, CX_HI)
                              : !ox_last ? in_bounds(cx0_x, S, PAD_L, CX_HI) : (PAD_L == 0);
    assign in_image = row_in && col_in;
    // written as the writer stands now: this pixel, and the next one
    wire             written_stay = (dfr == 2'd1) || (dfr == 2'd2) || (dfr == 2'd0 && qb < wq);
    wire [1:0]       dfr_n = frame_last ? dfr - 1'b1 : dfr;  // the reader's next frame
    wire             written_move = (dfr_n == 2'd1) || (dfr_n == 2'd2) || (dfr_n == 2'd0 && lt_n);

    // x + step inside [lo, hi): x within [lo - step, hi - step), bounds that may be out of range
    function in_bounds;
        input [31:0] x;
        input integer step, lo, hi;
        begin
            in_bounds = (lo - step <= 0 || x >= lo - step) && (hi - step > 0 && x < hi - step);
        end
    endfunction

    always @(posedge clk) begin
        if (!rst_n) begin
            qb <= {IDX_W{1'b0}};
            qb_p1 <= {{(IDX_W-1){1'b0}}, 1'b1};
            qb_pr <= ROW_STEP;
            qs <= S_N;
            rl <= LINE;
            slot <= SLOT0[OFF_W-1:0];
            ry <= {ROW_W{1'b0}};
            cx <= {COL_W{1'b0}};
            row_in <= (PAD_T == 0);
            col_in <= (PAD_L == 0);
            written <= 1'b0;
        end else begin
            written <= issue ? written_move : written_stay;
            if (issue) begin
                qb <= qb_n;
                qb_p1 <= qb_n + 1'b1;
                qb_pr <= qb_n + ROW_STEP;
                if (frame_last) begin
                    qs <= S_N;
                    rl <= LINE;
                end else if (win_last && ox_last) begin  // qtop and rw become rw + LINE
                    qs <= rl + S_N;
                    rl <= rl + LINE;
                end else if (win_last) begin             // qtop becomes qtop + S
                    qs <= qs + S_N;
                end
                slot <= slot_n;
                ry <= ry_n;
                cx <= cx_n;
                row_in <= row_in_n;
                col_in <= col_in_n;
            end
        end
    end
`ifdef FORMAL_HWGEN_SWG
    // proven with hwgen_swg (rtl/formal/hwgen_swg.fv.vh proves ry, cx and in_image): each
    // flag is its own bound check, so the pair cannot hide a wrong one behind the other
    reg f_past = 1'b0;
    always @(posedge clk) f_past <= 1'b1;
    always @* if (f_past && rst_n) begin
        assert(row_in == in_bounds(ry_x, 0, PAD_T, RY_HI));
        assert(col_in == in_bounds(cx_x, 0, PAD_L, CX_HI));
        // qb's successors are their sums (qb itself: hwgen_swg's proof)
        assert(qb_p1 == qb + 1'b1 && qb_pr == qb + ROW_STEP);
        assert(qs == qtop + S_N && rl == rw + LINE);
        // the next window's slot is the modular sum whenever a window ends
        if (issue && win_last) assert(a_down == wrap(a_row, DOWN) && a_right == wrap(a_top, RIGHT));
    end
`else
    wire unused_q = &{1'b0, qtop, rw};  // the proof's: the sums above stand for them
`endif
endmodule

`default_nettype wire
