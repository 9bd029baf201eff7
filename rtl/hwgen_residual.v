// hwgen_residual: a Bi-Real block with its fixed-point shortcut, h_out = h_in + q.
//
// h_in arrives as beats of PE lanes of IN_EW-bit signed integers (MW elements per vector,
// the producer's PE). Each beat is forked: one copy goes through the lane-wise sign
// (hwgen_int_sign) into an XNOR-popcount MVU with level thresholds (q, LEVEL_W bits, PE lanes
// per beat, NF = ceil(MW/PE) beats per vector, MW = MH), the other waits in the shortcut
// FIFO. The MVU's beat j holds the same channels as input beat j, so the adder pairs them
// lane by lane into OUT_EW-bit sums. A beat forks only when both sides can take it; the
// FIFO holds SC_DEPTH beats (two vectors and the MVU's pipeline), so it never throttles.
`default_nettype none

module hwgen_residual #(
    parameter integer MW = 64,
    parameter integer PE = 1,
    parameter integer SIMD = 1,
    parameter integer IN_EW = 4,       // h_in element bits
    parameter integer OUT_EW = 5,      // h_out element bits
    parameter integer LEVEL_W = 4,     // q element bits
    parameter integer N_THR = 15,
    parameter integer LEVEL_OFF = -8,
    parameter integer CNT_W = 7,
    parameter integer THR_W = 7,
    parameter integer SC_DEPTH = 4,
    parameter integer INBUF_MEM = 0,   // the MVU's input vector in a memory (needs PE == SIMD)
    parameter WEIGHT_FILE = "weights.mem",
    parameter THR_FILE = "thresholds.mem"
) (
    input  wire                 clk,
    input  wire                 rst_n,
    input  wire [PE*IN_EW-1:0]  s_tdata,
    input  wire                 s_tvalid,
    output wire                 s_tready,
    output wire [PE*OUT_EW-1:0] m_tdata,
    output wire                 m_tvalid,
    input  wire                 m_tready
);
    // ---------------------------------------------------------------- fork
    wire mvu_in_ready, sc_in_ready;
    assign s_tready = mvu_in_ready && sc_in_ready;
    wire [PE-1:0] bits;
    wire bits_valid, bits_ready;
    hwgen_int_sign #(.LANES(PE), .EW(IN_EW)) u_sign (
        .clk(clk), .rst_n(rst_n),
        .s_tdata(s_tdata), .s_tvalid(s_tvalid && sc_in_ready), .s_tready(bits_ready),
        .m_tdata(bits), .m_tvalid(bits_valid), .m_tready(mvu_in_ready)
    );
    wire unused_bits_ready = bits_ready;

    // ---------------------------------------------------------------- binary layer: q
    wire [PE*LEVEL_W-1:0] q_tdata;
    wire q_tvalid, q_tready;
    hwgen_mvu #(
        .MW(MW), .MH(MW), .PE(PE), .SIMD(SIMD), .IN_W(PE), .IN_BITS(1), .IN_SIGNED(0),
        .USE_THR(1), .N_THR(N_THR), .LEVELS(1), .LEVEL_OFF(LEVEL_OFF),
        .CNT_W(CNT_W), .THR_W(THR_W), .OUT_LANE_W(LEVEL_W), .INBUF_MEM(INBUF_MEM),
        .WEIGHT_FILE(WEIGHT_FILE), .THR_FILE(THR_FILE)
    ) u_mvu (
        .clk(clk), .rst_n(rst_n),
        .s_tdata(bits), .s_tvalid(bits_valid), .s_tready(mvu_in_ready),
        .m_tdata(q_tdata), .m_tvalid(q_tvalid), .m_tready(q_tready)
    );

    // ---------------------------------------------------------------- shortcut
    wire [PE*IN_EW-1:0] h_tdata;
    wire h_tvalid, h_tready;
    hwgen_axis_fifo #(.W(PE*IN_EW), .DEPTH(SC_DEPTH)) u_shortcut (
        .clk(clk), .rst_n(rst_n),
        .s_tdata(s_tdata), .s_tvalid(s_tvalid && mvu_in_ready), .s_tready(sc_in_ready),
        .m_tdata(h_tdata), .m_tvalid(h_tvalid), .m_tready(h_tready)
    );

    // ---------------------------------------------------------------- add
    assign m_tvalid = q_tvalid && h_tvalid;
    assign q_tready = m_tready && h_tvalid;
    assign h_tready = m_tready && q_tvalid;
    genvar p;
    generate
        for (p = 0; p < PE; p = p + 1) begin : g_add
            wire [OUT_EW-1:0] h_ext = {{(OUT_EW - IN_EW){h_tdata[p*IN_EW + IN_EW - 1]}}, h_tdata[p*IN_EW +: IN_EW]};
            wire [OUT_EW-1:0] q_ext = {{(OUT_EW - LEVEL_W){q_tdata[p*LEVEL_W + LEVEL_W - 1]}}, q_tdata[p*LEVEL_W +: LEVEL_W]};
            assign m_tdata[p*OUT_EW +: OUT_EW] = h_ext + q_ext;
        end
    endgenerate
endmodule

`default_nettype wire
