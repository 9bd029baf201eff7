// hwgen_swg: sliding-window generator (im2col as a stream), no padding.
//
// Takes an H x W image of PIX_W-bit pixels, pixel-major (row by row), each pixel as IN_BEATS
// beats of IN_W bits (lowest bits first; bits past PIX_W are the producer's pad lanes), and
// emits for every output pixel (oy, ox) its K x K window at stride S: K*K beats of one input
// pixel each, in (ky, kx) order. Two frame buffers: frame n+1 is written while frame n is
// read, so a frame costs max(H*W*IN_BEATS, OH*OW*K*K) cycles.
`default_nettype none

module hwgen_swg #(
    parameter integer H = 8,
    parameter integer W = 8,
    parameter integer PIX_W = 1,
    parameter integer IN_W = 1,
    parameter integer K = 3,
    parameter integer S = 1
) (
    input  wire             clk,
    input  wire             rst_n,
    input  wire [IN_W-1:0]  s_tdata,
    input  wire             s_tvalid,
    output wire             s_tready,
    output reg  [PIX_W-1:0] m_tdata,
    output reg              m_tvalid,
    input  wire             m_tready
);
    localparam integer OH = (H - K) / S + 1;
    localparam integer OW = (W - K) / S + 1;
    localparam integer NPIX = H * W;
    localparam integer IN_BEATS = (PIX_W + IN_W - 1) / IN_W;
    localparam integer PB_W = IN_BEATS * IN_W;
    localparam integer AW = $clog2(2 * NPIX);
    localparam integer BW = (IN_BEATS > 1) ? $clog2(IN_BEATS) : 1;
    localparam integer KW_ = (K > 1) ? $clog2(K) : 1;
    localparam integer OYW = (OH > 1) ? $clog2(OH) : 1;
    localparam integer OXW = (OW > 1) ? $clog2(OW) : 1;
    // sized constants (a select of an integer keeps the lint clean)
    localparam integer BEAT_MAX_I = IN_BEATS - 1;
    localparam integer NPIX_MAX_I = NPIX - 1;
    localparam integer K_MAX_I = K - 1;
    localparam integer OH_MAX_I = OH - 1;
    localparam integer OW_MAX_I = OW - 1;
    localparam integer ROW_STEP_I = W - K + 1;   // koff: end of a window row -> next row
    localparam integer COL_STEP_I = S;            // pbase: next window to the right
    localparam integer LINE_STEP_I = S * W;       // row base: next row of windows
    localparam [BW-1:0]  BEAT_MAX = BEAT_MAX_I[BW-1:0];
    localparam [AW-1:0]  NPIX_MAX = NPIX_MAX_I[AW-1:0];
    localparam [AW-1:0]  NPIX_A = NPIX[AW-1:0];
    localparam [KW_-1:0] K_MAX = K_MAX_I[KW_-1:0];
    localparam [OYW-1:0] OH_MAX = OH_MAX_I[OYW-1:0];
    localparam [OXW-1:0] OW_MAX = OW_MAX_I[OXW-1:0];
    localparam [AW-1:0]  ROW_STEP = ROW_STEP_I[AW-1:0];
    localparam [AW-1:0]  COL_STEP = COL_STEP_I[AW-1:0];
    localparam [AW-1:0]  LINE_STEP = LINE_STEP_I[AW-1:0];

    reg [PIX_W-1:0] mem [0:2*NPIX-1];
    reg [1:0]       full;  // per frame buffer: written completely, not yet read out

    // ---------------------------------------------------------------- write side
    reg  [BW-1:0]   bcnt;
    reg  [AW-1:0]   waddr;
    reg             wbank;
    wire [PB_W-1:0] pbuf_next;
    wire            w_fire = s_tvalid && s_tready;
    wire            pixel_done = w_fire && (bcnt == BEAT_MAX);
    wire            frame_written = pixel_done && (waddr == NPIX_MAX);
    assign s_tready = !full[wbank];

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
        if (PB_W > PIX_W) begin : g_unused
            wire unused_pad = &{1'b0, pbuf_next[PB_W-1:PIX_W]};  // producer's pad lanes
        end
    endgenerate

    always @(posedge clk) begin
        if (pixel_done) mem[wbank ? waddr + NPIX_A : waddr] <= pbuf_next[PIX_W-1:0];
        if (!rst_n) begin
            bcnt <= {BW{1'b0}};
            waddr <= {AW{1'b0}};
            wbank <= 1'b0;
        end else if (w_fire) begin
            bcnt <= (bcnt == BEAT_MAX) ? {BW{1'b0}} : bcnt + 1'b1;
            if (pixel_done) begin
                waddr <= frame_written ? {AW{1'b0}} : waddr + 1'b1;
                if (frame_written) wbank <= !wbank;
            end
        end
    end

    // ---------------------------------------------------------------- read side
    reg  [KW_-1:0] kx, ky;
    reg  [OXW-1:0] ox;
    reg  [OYW-1:0] oy;
    reg  [AW-1:0]  koff, pbase, rowbase;
    reg            rbank;
    wire           en = !m_tvalid || m_tready;
    wire           issue = en && full[rbank];
    wire           kx_last = (kx == K_MAX), ky_last = (ky == K_MAX);
    wire           ox_last = (ox == OW_MAX), oy_last = (oy == OH_MAX);
    wire           win_last = kx_last && ky_last;
    wire           frame_read = issue && win_last && ox_last && oy_last;
    wire [AW-1:0]  raddr = pbase + koff;

    always @(posedge clk) begin
        if (issue) m_tdata <= mem[rbank ? raddr + NPIX_A : raddr];
        if (!rst_n) begin
            m_tvalid <= 1'b0;
            kx <= {KW_{1'b0}};
            ky <= {KW_{1'b0}};
            ox <= {OXW{1'b0}};
            oy <= {OYW{1'b0}};
            koff <= {AW{1'b0}};
            pbase <= {AW{1'b0}};
            rowbase <= {AW{1'b0}};
            rbank <= 1'b0;
            full <= 2'b00;
        end else begin
            if (en) m_tvalid <= full[rbank];
            if (issue) begin
                kx <= kx_last ? {KW_{1'b0}} : kx + 1'b1;
                if (kx_last) ky <= ky_last ? {KW_{1'b0}} : ky + 1'b1;
                koff <= win_last ? {AW{1'b0}} : (kx_last ? koff + ROW_STEP : koff + 1'b1);
                if (win_last) begin
                    ox <= ox_last ? {OXW{1'b0}} : ox + 1'b1;
                    if (ox_last) begin
                        oy <= oy_last ? {OYW{1'b0}} : oy + 1'b1;
                        rowbase <= oy_last ? {AW{1'b0}} : rowbase + LINE_STEP;
                        pbase <= oy_last ? {AW{1'b0}} : rowbase + LINE_STEP;
                    end else begin
                        pbase <= pbase + COL_STEP;
                    end
                end
                if (frame_read) rbank <= !rbank;
            end
            // the writer sets its buffer's flag, the reader clears its own: never the same one
            full[0] <= (full[0] && !(frame_read && !rbank)) || (frame_written && !wbank);
            full[1] <= (full[1] && !(frame_read && rbank)) || (frame_written && wbank);
        end
    end
endmodule

`default_nettype wire
