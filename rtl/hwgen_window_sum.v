// hwgen_window_sum: the channelwise sum of every KK consecutive pixels (a window's pixels
// from hwgen_swg), C signed channels of ELEM_W bits in per beat, OUT_ELEM_W-bit sums out: an average
// pool whose 1/KK the next layer's thresholds absorb. One beat in per cycle, one out per window.
`default_nettype none

module hwgen_window_sum #(
    parameter integer C = 8,          // channels per pixel (one beat)
    parameter integer KK = 4,         // pixels per window (K*K)
    parameter integer ELEM_W = 4,     // bits of an input channel value (two's complement)
    parameter integer OUT_ELEM_W = 6  // bits of a channel sum; at least ELEM_W
) (
    input  wire                clk,
    input  wire                rst_n,
    input  wire [C*ELEM_W-1:0]     s_tdata,
    input  wire                s_tvalid,
    output wire                s_tready,
    output reg  [C*OUT_ELEM_W-1:0] m_tdata,
    output reg                 m_tvalid,
    input  wire                m_tready
);
    // The parameters' contract, checked at elaboration (by Icarus at time 0): a breach fails.
    generate
        if (KK < 1 || C < 1) begin : g_contract0
`ifdef __ICARUS__
            initial $fatal(1, "%m: hwgen_window_sum: KK and C must be at least 1 (KK=%0d C=%0d)", KK, C);
`else
            $error("hwgen_window_sum: KK and C must be at least 1");
`endif
        end
        if (OUT_ELEM_W < ELEM_W) begin : g_contract1
`ifdef __ICARUS__
            initial $fatal(1, "%m: hwgen_window_sum: OUT_ELEM_W must be at least ELEM_W (OUT_ELEM_W=%0d ELEM_W=%0d)", OUT_ELEM_W, ELEM_W);
`else
            $error("hwgen_window_sum: OUT_ELEM_W must be at least ELEM_W");
`endif
        end
    endgenerate

    localparam integer CW = (KK > 1) ? $clog2(KK) : 1;
    localparam integer KK_MAX_I = KK - 1;
    localparam [CW-1:0] KK_MAX = KK_MAX_I[CW-1:0];

    reg  [C*OUT_ELEM_W-1:0] acc;
    reg  [CW-1:0]       cnt;
    wire                fire = s_tvalid && s_tready;
    wire                first = (cnt == {CW{1'b0}});
    wire [C*OUT_ELEM_W-1:0] acc_next;
    assign s_tready = !m_tvalid || m_tready;

    genvar c;
    generate
        for (c = 0; c < C; c = c + 1) begin : g_ch
            wire [OUT_ELEM_W-1:0] x = {{(OUT_ELEM_W - ELEM_W){s_tdata[c*ELEM_W + ELEM_W - 1]}}, s_tdata[c*ELEM_W +: ELEM_W]};
            assign acc_next[c*OUT_ELEM_W +: OUT_ELEM_W] = (first ? {OUT_ELEM_W{1'b0}} : acc[c*OUT_ELEM_W +: OUT_ELEM_W]) + x;
        end
    endgenerate

    always @(posedge clk) begin
        if (!rst_n) begin
            cnt <= {CW{1'b0}};
            m_tvalid <= 1'b0;
        end else begin
            if (m_tvalid && m_tready) m_tvalid <= 1'b0;
            if (fire) begin
                acc <= acc_next;
                cnt <= (cnt == KK_MAX) ? {CW{1'b0}} : cnt + 1'b1;
                if (cnt == KK_MAX) begin
                    m_tdata <= acc_next;
                    m_tvalid <= 1'b1;
                end
            end
        end
    end
`ifdef FORMAL_HWGEN_WINDOW_SUM
`include "hwgen_window_reduce.fv.vh"
`endif
endmodule

`default_nettype wire
