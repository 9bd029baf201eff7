// hwgen_swg: sliding-window generator (im2col as a stream) over a line buffer, zero padding.
//
// Takes an IMG_H x IMG_W image of PIXEL_W-bit pixels, pixel-major (row by row), each pixel as
// IN_BEATS beats of IN_W bits (lowest bits first; bits past PIXEL_W are the producer's pad
// lanes), and emits for every output pixel (oy, ox) its K x K window at stride S over the image
// padded by PAD_T/PAD_L/PAD_B/PAD_R rows and columns: K*K beats of one pixel each, in (ky, kx)
// order, the all-zero pixel in pad positions.
// Memory: a ring of D = (K+1)*IMG_W pixels (K+1 rows; K <= IMG_H, IMG_W; two frames where the
// output has at most two rows), written in stream order. Flow control is per pixel: the
// writer may overwrite a pixel once no window from the current one on needs it (the lowest
// pixel still needed, L, is the current window's top-left one inside the image), and the
// reader emits a pixel once it is written. A window spans less than K rows, so neither waits
// for the other forever; the writer runs up to D pixels ahead, so the rate stays at the
// larger of the input beats and the window beats per frame, plus a few cycles per row.
// Frames follow each other without a gap: the writer may be up to two frames ahead of the
// reader (a ring longer than the image), or still writing rows no window reads.
// FLOW_REG = 1 (the `flow` stage, for a fast clock): each side sees the other through registers,
// a cycle late. The writer's room is a register: its position next cycle (plus one, two
// frames) below the reader's L + D. The ring is written a cycle after the pixel completes; the
// reader's next pixel (index, row, column, inside the image, written) is in registers
// (rtl/hwgen_swg_next.v). Seeing the other late only makes a side wait, so neither overruns.
// The ring's read passes a register (rtl/hwgen_stream_reg.v) before the output: a cycle more.
`default_nettype none

module hwgen_swg #(
    parameter integer IMG_H = 8,     // image rows
    parameter integer IMG_W = 8,     // image columns
    parameter integer PIXEL_W = 1,   // bits per pixel (its C channels)
    parameter integer IN_W = 1,      // bits per input beat (a pixel takes ceil(PIXEL_W/IN_W) beats)
    parameter integer K = 3,         // window rows and columns
    parameter integer S = 1,         // stride
    parameter integer PAD_T = 0,     // zero rows above the image (at most K-1)
    parameter integer PAD_L = 0,     // zero columns left of it
    parameter integer PAD_B = 0,     // zero rows below it
    parameter integer PAD_R = 0,     // zero columns right of it
    parameter integer RAM_STYLE = 0, // the ring: 0 Yosys' choice, 1 block RAM
    parameter integer FLOW_REG = 0   // 1: each side sees the other a cycle late (below)
) (
    input  wire             clk,
    input  wire             rst_n,
    input  wire [IN_W-1:0]  s_tdata,
    input  wire             s_tvalid,
    output wire             s_tready,
    output wire [PIXEL_W-1:0] m_tdata,
    output wire             m_tvalid,
    input  wire             m_tready
);
    // The parameters' contract, checked at elaboration (by Icarus at time 0): a breach fails.
    generate
        if (K < 1 || S < 1) begin : g_contract0
`ifdef __ICARUS__
            initial $fatal(1, "%m: hwgen_swg: K and S must be at least 1 (K=%0d S=%0d)", K, S);
`else
            $error("hwgen_swg: K and S must be at least 1");
`endif
        end
        if (PAD_T >= K || PAD_L >= K || PAD_B >= K || PAD_R >= K) begin : g_contract1
`ifdef __ICARUS__
            initial $fatal(1, "%m: hwgen_swg: each pad must be less than K (K=%0d pads %0d %0d %0d %0d)", K, PAD_T, PAD_L, PAD_B, PAD_R);
`else
            $error("hwgen_swg: each pad must be less than K");
`endif
        end
        if (IMG_H + PAD_T + PAD_B < K || IMG_W + PAD_L + PAD_R < K) begin : g_contract2
`ifdef __ICARUS__
            initial $fatal(1, "%m: hwgen_swg: the window does not fit the padded image (K=%0d image %0dx%0d)", K, IMG_H, IMG_W);
`else
            $error("hwgen_swg: the window does not fit the padded image");
`endif
        end
    endgenerate

    localparam integer HP = IMG_H + PAD_T + PAD_B;  // the padded image
    localparam integer WP = IMG_W + PAD_L + PAD_R;
    localparam integer OH = (HP - K) / S + 1;
    localparam integer OW = (WP - K) / S + 1;
    localparam integer HW = IMG_H * IMG_W;
    // line buffer: K + 1 rows (the extra row lets the next frame's first rows in while the
    // last windows are read); two frames where a frame has at most two rows of windows (the
    // next frame's first window could not be prefetched in time otherwise)
    localparam integer D = (OH > 2 && (K + 1) < 2 * IMG_H) ? (K + 1) * IMG_W : 2 * IMG_H * IMG_W;
    localparam integer QOFF_I = PAD_T * IMG_W + PAD_L;  // padded coordinates' offset (below)
    localparam integer IN_BEATS = (PIXEL_W + IN_W - 1) / IN_W;
    localparam integer PB_W = IN_BEATS * IN_W;
    localparam integer AW = (D > 1) ? $clog2(D) : 1;  // a slot of the ring
    // one width for every linear pixel quantity (indices, limits, their sums)
    localparam integer NW = $clog2(2 * (HP * IMG_W + WP + 2 * HW + D) + 2);
    localparam integer BW = (IN_BEATS > 1) ? $clog2(IN_BEATS) : 1;
    localparam integer KW_ = (K > 1) ? $clog2(K) : 1;
    localparam integer OYW = (OH > 1) ? $clog2(OH) : 1;
    localparam integer OXW = (OW > 1) ? $clog2(OW) : 1;
    localparam integer RYW = $clog2(HP + K + 1);
    localparam integer CXW = $clog2(WP + K + 1);
    // sized constants (a select of an integer keeps the lint clean)
    localparam integer BEAT_MAX_I = IN_BEATS - 1;
    localparam integer K_MAX_I = K - 1;
    localparam integer OH_MAX_I = OH - 1;
    localparam integer OW_MAX_I = OW - 1;
    localparam integer HW_MAX_I = HW - 1;
    localparam integer D_MAX_I = D - 1;
    localparam integer ROW_STEP_I = IMG_W - K + 1;          // koff: end of a window row -> next row
    localparam integer RIGHT_I = S % D;                  // slot step: next window to the right
    localparam integer DOWN_I = (S * IMG_W) % D;             // slot step: next row of windows
    localparam integer FRAME_I = HW % D;                 // slot step: next frame
    localparam integer ORIGIN_I = (D - QOFF_I % D) % D;  // slot of padded (0, 0) from the frame's base
    localparam integer LINE_I = S * IMG_W;
    localparam [BW-1:0]  BEAT_MAX = BEAT_MAX_I[BW-1:0];
    localparam [KW_-1:0] K_MAX = K_MAX_I[KW_-1:0];
    localparam [OYW-1:0] OH_MAX = OH_MAX_I[OYW-1:0];
    localparam [OXW-1:0] OW_MAX = OW_MAX_I[OXW-1:0];
    localparam [AW:0]    D_A = D[AW:0];
    localparam [AW-1:0]  D_MAX = D_MAX_I[AW-1:0], ONE = 1;
    localparam [AW-1:0]  ROW_STEP = ROW_STEP_I[AW-1:0];
    localparam [AW-1:0]  RIGHT = RIGHT_I[AW-1:0];
    localparam [AW-1:0]  DOWN = DOWN_I[AW-1:0];
    localparam [AW-1:0]  FRAME = FRAME_I[AW-1:0];
    localparam [AW-1:0]  ORIGIN = ORIGIN_I[AW-1:0];
    localparam integer NEXT_I = (FRAME_I + ORIGIN_I) % D;  // the second frame's (0, 0) slot
    localparam [AW-1:0]  NEXT = NEXT_I[AW-1:0];
    localparam [NW-1:0]  HW_N = HW[NW-1:0];
    localparam [NW-1:0]  HW_MAX = HW_MAX_I[NW-1:0];
    localparam [NW-1:0]  D_N = D[NW-1:0];
    localparam [NW-1:0]  QOFF = QOFF_I[NW-1:0];
    localparam [NW-1:0]  PTW = QOFF_I[NW-1:0] - PAD_L[NW-1:0];  // PAD_T * IMG_W
    localparam [NW-1:0]  LINE = LINE_I[NW-1:0];
    localparam [NW-1:0]  S_N = S[NW-1:0];
    localparam [RYW-1:0] RY_LO = PAD_T[RYW-1:0];
    localparam [RYW-1:0] RY_HI = PAD_T[RYW-1:0] + IMG_H[RYW-1:0];
    localparam [CXW-1:0] CX_LO = PAD_L[CXW-1:0];
    localparam [CXW-1:0] CX_HI = PAD_L[CXW-1:0] + IMG_W[CXW-1:0];
    localparam [RYW-1:0] S_RY = S[RYW-1:0];
    localparam [CXW-1:0] S_CX = S[CXW-1:0];
    reg [1:0]       wfr, rfr;              // frame counters: the writer is dfr frames ahead
    wire [1:0]      dfr = wfr - rfr;       // 0: same frame, 1, 2: ahead, 3: one behind
    wire [NW-1:0]   lowest;                // L: the lowest pixel of the reader's frame still needed

    // ---------------------------------------------------------------- write side
    reg  [BW-1:0]   bcnt;
    reg  [NW-1:0]   wpos;                  // pixel index in the writer's frame
    reg  [AW-1:0]   waddr;                 // its slot
    wire [PB_W-1:0] pbuf_next;
    wire            room;                  // pixel wpos of frame wfr may overwrite the one D back
    assign s_tready = room;
    wire            w_fire = s_tvalid && s_tready;
    wire            pixel_done = w_fire && (bcnt == BEAT_MAX);
    wire            mem_we;                // the ring's write: enable, slot, pixel
    wire [AW-1:0]   mem_wa;
    wire [PIXEL_W-1:0] mem_wd;
    wire [NW-1:0]   wq;                    // wpos + QOFF (FLOW_REG: a counter of its own)

    generate
        if (IN_BEATS > 1) begin : g_shift
            // a pixel's beats arrive lowest bits first: shift in from the top
            // (the oldest beat leaves the register as the pixel completes: keep PB_W - IN_W bits)
            reg [PB_W-IN_W-1:0] pbuf;
            always @(posedge clk) if (w_fire) pbuf <= pbuf_next[PB_W-1:IN_W];
            assign pbuf_next = {s_tdata, pbuf};
        end else begin : g_one
            assign pbuf_next = s_tdata;
        end
        if (PB_W > PIXEL_W) begin : g_unused
            wire unused_pad = &{1'b0, pbuf_next[PB_W-1:PIXEL_W]};  // producer's pad lanes
        end
    endgenerate

    always @(posedge clk) begin
        if (!rst_n) begin
            bcnt <= {BW{1'b0}};
            wpos <= {NW{1'b0}};
            waddr <= {AW{1'b0}};
            wfr <= 2'd0;
        end else if (w_fire) begin
            bcnt <= (bcnt == BEAT_MAX) ? {BW{1'b0}} : bcnt + 1'b1;
            if (pixel_done) begin
                waddr <= (waddr == D_MAX) ? {AW{1'b0}} : waddr + 1'b1;
                wpos <= (wpos == HW_MAX) ? {NW{1'b0}} : wpos + 1'b1;
                if (wpos == HW_MAX) wfr <= wfr + 1'b1;
            end
        end
    end

    // ---------------------------------------------------------------- read side
    // Windows are walked in padded coordinates (row ry = oy*S + ky, column cx = ox*S + kx),
    // which never go negative: the image pixel there is (ry - PAD_T, cx - PAD_L), and its
    // index in the frame is qb - QOFF with qb = ry*IMG_W + cx.
    reg  [KW_-1:0] kx, ky;
    reg  [OXW-1:0] ox;
    reg  [OYW-1:0] oy;
    reg  [RYW-1:0] ry0;                    // the window's top row, padded coordinates
    reg  [CXW-1:0] cx0;                    // its left column
    reg  [AW-1:0]  koff;                   // ky*IMG_W + kx < D
    reg  [NW-1:0]  rw;                     // ry0 * IMG_W
    reg  [NW-1:0]  qtop;                   // ry0 * IMG_W + cx0
    reg  [AW-1:0]  a_row, a_top;          // slots of padded (ry0, 0) and (ry0, cx0)
    reg  [AW-1:0]  a_next;                // the next frame's padded (0, 0) slot: an add a frame
    reg            pad_q, r_valid;        // the read's pixel is a pad; a beat is read
    wire           r_ready;                // its beat may go (FLOW_REG: into the register)
    wire [PIXEL_W-1:0] rdata;
    wire [RYW-1:0] ry = ry0 + {{(RYW-KW_){1'b0}}, ky};
    wire [CXW-1:0] cx = cx0 + {{(CXW-KW_){1'b0}}, kx};
    wire           top_ok, left_ok;         // below the top pad rows, right of the left pad columns
    // (an unpadded side needs no compare: no pads, no zero multiplexer, no flow flags)
    wire           in_image_now = top_ok && (PAD_B == 0 || ry < RY_HI) && left_ok
                                  && (PAD_R == 0 || cx < CX_HI);
    wire           in_image;               // in_image_now (FLOW_REG: a register kept in step)
    wire [RYW-1:0] ry_k;                   // ry and cx (FLOW_REG: registers kept in step)
    wire [CXW-1:0] cx_k;
    wire [NW-1:0]  qb;                    // qtop + koff (FLOW_REG: a register kept in step)
    wire           written;                // pixel qb is in the ring (FLOW_REG: a register in step)
    wire           en = !r_valid || r_ready;
    wire           issue = en && (!in_image || written);
    wire           kx_last = (kx == K_MAX), ky_last = (ky == K_MAX);
    wire           ox_last = (ox == OW_MAX), oy_last = (oy == OH_MAX);
    wire           win_last = kx_last && ky_last;
    wire           frame_read = issue && win_last && ox_last && oy_last;
    wire [AW-1:0]  raddr;                 // (a_top + koff) mod D (FLOW_REG: a register in step)
    wire [AW-1:0]  a_top_n;               // the next window's a_top (FLOW_REG: from registers)
    // L: the window's top-left pixel inside the image (rows above it and pixels left of it
    // on its row are needed by no window from this one on), but the whole row while the next
    // row of windows starts on the same image row (top padding covers more than S rows)
    wire           top0_ok, left0_ok;       // the same for the window's top-left corner
    wire           next_row_below;          // the next row of windows starts on a lower image row
    wire [NW-1:0]  l_row = top0_ok ? rw - PTW : {NW{1'b0}};
    wire [NW-1:0]  l_col = (left0_ok && next_row_below) ? {{(NW-CXW){1'b0}}, cx0 - CX_LO} : {NW{1'b0}};
    generate  // an unpadded side needs no compare (and a constant one would not lint)
        if (PAD_T > 0) begin : g_pt
            assign top_ok = (ry >= RY_LO);
            assign top0_ok = (ry0 >= RY_LO);
            assign next_row_below = (ry0 + S_RY > RY_LO);
        end else begin : g_nopt
            assign top_ok = 1'b1;
            assign top0_ok = 1'b1;
            assign next_row_below = 1'b1;
        end
        if (PAD_L > 0) begin : g_pl
            assign left_ok = (cx >= CX_LO);
            assign left0_ok = (cx0 >= CX_LO);
        end else begin : g_nopl
            assign left_ok = 1'b1;
            assign left0_ok = 1'b1;
        end
    endgenerate
    wire           unused_k = &{1'b0, ry_k, cx_k};  // ry_k, cx_k: for the proof
    assign lowest = l_row + l_col;

    // how each side sees the other: at once, or (FLOW_REG) through registers a cycle late
    generate
        if (FLOW_REG != 0) begin : g_flow
            reg [1:0]         rfr_v;          // the reader's frame as the writer sees it
            reg [NW-1:0]      lim1;           // L + D - 1 as the writer sees it
            reg [NW-1:0]      wpos1, wpos2;   // wpos + HW, wpos + 2*HW
            reg [NW-1:0]      wq_c;           // wpos + QOFF, counted beside it (no add)
            reg               room_q, we_q;   // room (a register: below), the ring's write
            reg [AW-1:0]      wa_q;
            reg [PIXEL_W-1:0] wd_q;
            wire [1:0]        dfr_w = wfr - rfr_v;
            wire              unused_v = &{1'b0, in_image_now, qb};  // the proof's
            wire              in_image_r;
            assign in_image = (PAD_T + PAD_L + PAD_B + PAD_R == 0) || in_image_r;
            wire [AW-1:0]     slot_n = win_last ? a_top_n  // both steps' sums, then the choice
                                       : kx_last ? wrap(raddr, ROW_STEP) : wrap(raddr, ONE);
            // the next window pixel's index, row and column, whether it is inside the image and
            // written, and its slot (slot_n: a step within the window, else the next window's
            // a_top, a_top_n), in registers kept in step with the reader (rtl/hwgen_swg_next.v)
            hwgen_swg_next #(
                .IMG_H(IMG_H), .IMG_W(IMG_W), .S(S), .PAD_T(PAD_T), .PAD_L(PAD_L), .K(K),
                .SLOT0(ORIGIN_I), .D(D), .IDX_W(NW), .OFF_W(AW), .ROW_W(RYW), .COL_W(CXW)
            ) u_next (
                .clk(clk), .rst_n(rst_n), .issue(issue), .kx_last(kx_last), .ky_last(ky_last),
                .ox_last(ox_last), .oy_last(oy_last), .qtop(qtop), .rw(rw), .ry0(ry0),
                .cx0(cx0), .a_row(a_row), .a_top(a_top), .a_next(a_next), .a_top_n(a_top_n),
                .slot_n(slot_n), .wq(wq), .dfr(dfr), .slot(raddr), .qb(qb),
                .ry(ry_k), .cx(cx_k), .in_image(in_image_r), .written(written)
            );
            wire [PIXEL_W-1:0] data_o; wire pad_o;  // the register's pixel, and pad flag
            hwgen_stream_reg #(.DATA_W(PIXEL_W + 1)) u_out (  // the ring's read, then a register
                .clk(clk), .rst_n(rst_n), .s_tdata({pad_q, rdata}), .s_tvalid(r_valid),
                .s_tready(r_ready), .m_tdata({pad_o, data_o}), .m_tvalid(m_tvalid),
                .m_tready(m_tready)
            );
            assign m_tdata = pad_o ? {PIXEL_W{1'b0}} : data_o;
            assign room = room_q;  // its compares reach no enable in the cycle they are made
            assign wq = wq_c;
            assign mem_we = we_q;
            assign mem_wa = wa_q;
            assign mem_wd = wd_q;
            always @(posedge clk) begin
                wa_q <= waddr;
                wd_q <= pbuf_next[PIXEL_W-1:0];
                if (!rst_n) begin
                    rfr_v <= 2'd0;
                    lim1 <= D_N - 1'b1;
                    room_q <= 1'b0;
                    wpos1 <= HW_N;
                    wpos2 <= HW_N + HW_N;
                    wq_c <= QOFF;
                    we_q <= 1'b0;
                end else begin
                    rfr_v <= rfr;
                    lim1 <= lowest + (D_N - 1'b1);
                    // room next cycle whether or not a pixel completes now (across a frame's
                    // end too: a frame further on, at its first pixel): the ring holds one less
                    room_q <= fits(dfr_w, wpos < lim1, wpos1 < lim1, wpos2 < lim1);
                    we_q <= pixel_done;
                    if (pixel_done) begin
                        wpos1 <= (wpos == HW_MAX) ? HW_N : wpos1 + 1'b1;
                        wpos2 <= (wpos == HW_MAX) ? HW_N + HW_N : wpos2 + 1'b1;
                        wq_c <= (wpos == HW_MAX) ? QOFF : wq_c + 1'b1;
                    end
                end
            end
        end else begin : g_direct
            assign room = fits(dfr, wpos < lowest + D_N, wpos + HW_N < lowest + D_N,
                               wpos + HW_N + HW_N < lowest + D_N);
            assign written = (dfr == 2'd1) || (dfr == 2'd2) || (dfr == 2'd0 && qb < wq);
            assign qb = qtop + {{(NW-AW){1'b0}}, koff};
            assign raddr = wrap(a_top, koff);
            assign in_image = in_image_now;
            assign ry_k = ry;
            assign cx_k = cx;
            assign wq = wpos + QOFF;
            assign a_top_n = (ox_last && oy_last) ? a_next : ox_last ? wrap(a_row, DOWN) : wrap(a_top, RIGHT);
            assign mem_we = pixel_done;
            assign mem_wa = waddr;
            assign mem_wd = pbuf_next[PIXEL_W-1:0];
            assign m_tdata = pad_q ? {PIXEL_W{1'b0}} : rdata;
            assign m_tvalid = r_valid;
            assign r_ready = m_tready;
        end
    endgenerate

    // the ring (rtl/hwgen_swg_ring.v): never read at the slot written in the same cycle
    hwgen_swg_ring #(.D(D), .AW(AW), .PIXEL_W(PIXEL_W), .RAM_STYLE(RAM_STYLE)) u_ring (
        .clk(clk), .rst_n(rst_n), .we(mem_we), .wa(mem_wa), .wd(mem_wd), .issue(issue),
        .used(in_image), .ra(raddr), .rd(rdata)
    );

    function fits;  // the writer's room: frames ahead (3: behind), position (+1, +2 frames) < limit
        input [1:0] d;
        input f0, f1, f2;
        fits = (d == 2'd3) || (d == 2'd0 && f0) || (d == 2'd1 && f1) || (d == 2'd2 && f2);
    endfunction
    function [AW-1:0] wrap;  // (a + b) mod D for a, b < D: a + b and a + b - D side by side
        input [AW-1:0] a;  // (b a constant: two adds of a, not one after the other)
        input [AW-1:0] b;
        reg [AW-1:0] t; reg [AW:0] u;
        begin
            t = a + b;  // taken only below D
            u = {1'b0, a} + ({1'b0, b} - D_A);  // below zero (top bit) where a + b < D
            wrap = u[AW] ? t : u[AW-1:0];
        end
    endfunction

    always @(posedge clk) begin
        if (issue) pad_q <= !in_image;
        if (!rst_n) begin
            r_valid <= 1'b0;
            {kx, ky, ox, oy, ry0, cx0, koff, rw, qtop} <= 0;  // the frame's first window
            a_next <= NEXT;
            a_row <= ORIGIN;
            a_top <= ORIGIN;
            rfr <= 2'd0;
        end else begin
            if (en) r_valid <= !in_image || written;
            if (issue) begin
                kx <= kx_last ? {KW_{1'b0}} : kx + 1'b1;
                if (kx_last) ky <= ky_last ? {KW_{1'b0}} : ky + 1'b1;
                koff <= win_last ? {AW{1'b0}} : (kx_last ? koff + ROW_STEP : koff + 1'b1);
                if (win_last) begin
                    ox <= ox_last ? {OXW{1'b0}} : ox + 1'b1;
                    a_top <= a_top_n;
                    if (ox_last) a_row <= a_top_n;  // a row of windows (or a frame) starts
                    if (frame_read) begin
                        oy <= {OYW{1'b0}};
                        ry0 <= {RYW{1'b0}};
                        cx0 <= {CXW{1'b0}};
                        rw <= {NW{1'b0}};
                        qtop <= {NW{1'b0}};
                        a_next <= wrap(a_next, FRAME);
                        rfr <= rfr + 1'b1;
                    end else if (ox_last) begin
                        oy <= oy + 1'b1;
                        ry0 <= ry0 + S_RY;
                        cx0 <= {CXW{1'b0}};
                        rw <= rw + LINE;
                        qtop <= rw + LINE;
                    end else begin
                        cx0 <= cx0 + S_CX;
                        qtop <= qtop + S_N;
                    end
                end
            end
        end
    end
`ifdef FORMAL_HWGEN_SWG
`include "hwgen_swg.fv.vh"
`endif
endmodule

`default_nettype wire
