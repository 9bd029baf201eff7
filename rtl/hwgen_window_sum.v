// hwgen_window_sum: the channelwise sum of every KK consecutive pixels (a window's pixels
// from hwgen_swg), C signed channels of EW bits in per beat, OUT_EW-bit sums out: an average
// pool whose 1/KK the next layer's thresholds absorb. One beat in per cycle, one out per window.
`default_nettype none

module hwgen_window_sum #(
    parameter integer C = 8,
    parameter integer KK = 4,
    parameter integer EW = 4,
    parameter integer OUT_EW = 6
) (
    input  wire                clk,
    input  wire                rst_n,
    input  wire [C*EW-1:0]     s_tdata,
    input  wire                s_tvalid,
    output wire                s_tready,
    output reg  [C*OUT_EW-1:0] m_tdata,
    output reg                 m_tvalid,
    input  wire                m_tready
);
    localparam integer CW = (KK > 1) ? $clog2(KK) : 1;
    localparam integer KK_MAX_I = KK - 1;
    localparam [CW-1:0] KK_MAX = KK_MAX_I[CW-1:0];

    reg  [C*OUT_EW-1:0] acc;
    reg  [CW-1:0]       cnt;
    wire                fire = s_tvalid && s_tready;
    wire                first = (cnt == {CW{1'b0}});
    wire [C*OUT_EW-1:0] acc_next;
    assign s_tready = !m_tvalid || m_tready;

    genvar c;
    generate
        for (c = 0; c < C; c = c + 1) begin : g_ch
            wire [OUT_EW-1:0] x = {{(OUT_EW - EW){s_tdata[c*EW + EW - 1]}}, s_tdata[c*EW +: EW]};
            assign acc_next[c*OUT_EW +: OUT_EW] = (first ? {OUT_EW{1'b0}} : acc[c*OUT_EW +: OUT_EW]) + x;
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
endmodule

`default_nettype wire
