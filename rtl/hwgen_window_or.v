// hwgen_window_or: OR of every KK consecutive C-bit beats (a window's pixels from hwgen_swg):
// the max-pool of bipolar data, since +1 is bit 1. One beat in per cycle, one out per window.
`default_nettype none

module hwgen_window_or #(
    parameter integer C = 8,
    parameter integer KK = 4
) (
    input  wire         clk,
    input  wire         rst_n,
    input  wire [C-1:0] s_tdata,
    input  wire         s_tvalid,
    output wire         s_tready,
    output reg  [C-1:0] m_tdata,
    output reg          m_tvalid,
    input  wire         m_tready
);
    localparam integer CW = (KK > 1) ? $clog2(KK) : 1;
    localparam integer KK_MAX_I = KK - 1;
    localparam [CW-1:0] KK_MAX = KK_MAX_I[CW-1:0];

    reg  [C-1:0]  acc;
    reg  [CW-1:0] cnt;
    wire          fire = s_tvalid && s_tready;
    wire [C-1:0]  acc_next = ((cnt == {CW{1'b0}}) ? {C{1'b0}} : acc) | s_tdata;
    assign s_tready = !m_tvalid || m_tready;

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
