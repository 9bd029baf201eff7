// hwgen_window_max: the channelwise maximum of every KK consecutive pixels (a window's pixels
// from hwgen_swg), C channels of ELEM_W bits per beat: the max-pool. ELEM_W = 1: bipolar bits, whose
// max is the OR (+1 is bit 1). ELEM_W > 1: integers, SIGNED two's complement or unsigned, and a
// real compare per channel. One beat in per cycle, one out per window.
`default_nettype none

module hwgen_window_max #(
    parameter integer C = 8,      // channels per pixel (one beat)
    parameter integer KK = 4,     // pixels per window (K*K)
    parameter integer ELEM_W = 1, // bits per channel value (1: bipolar bits, max is OR)
    parameter integer SIGNED = 0  // ELEM_W > 1: the values are two's complement
) (
    input  wire            clk,
    input  wire            rst_n,
    input  wire [C*ELEM_W-1:0] s_tdata,
    input  wire            s_tvalid,
    output wire            s_tready,
    output reg  [C*ELEM_W-1:0] m_tdata,
    output reg             m_tvalid,
    input  wire            m_tready
);
    // The parameters' contract, checked at elaboration (by Icarus at time 0): a breach fails.
    generate
        if (KK < 1 || C < 1) begin : g_contract0
`ifdef __ICARUS__
            initial $fatal(1, "%m: hwgen_window_max: KK and C must be at least 1 (KK=%0d C=%0d)", KK, C);
`else
            $error("hwgen_window_max: KK and C must be at least 1");
`endif
        end
        if (ELEM_W == 1 && SIGNED != 0) begin : g_contract1
`ifdef __ICARUS__
            initial $fatal(1, "%m: hwgen_window_max: bipolar elements (ELEM_W = 1) are not signed (SIGNED=%0d)", SIGNED);
`else
            $error("hwgen_window_max: bipolar elements (ELEM_W = 1) are not signed");
`endif
        end
    endgenerate

    localparam integer CW = (KK > 1) ? $clog2(KK) : 1;
    localparam integer KK_MAX_I = KK - 1;
    localparam [CW-1:0] KK_MAX = KK_MAX_I[CW-1:0];

    reg  [C*ELEM_W-1:0] acc;
    reg  [CW-1:0]   cnt;
    wire            fire = s_tvalid && s_tready;
    wire            first = (cnt == {CW{1'b0}});
    wire [C*ELEM_W-1:0] acc_next;
    assign s_tready = !m_tvalid || m_tready;

    genvar c;
    generate
        if (ELEM_W == 1) begin : g_or
            assign acc_next = (first ? {C{1'b0}} : acc) | s_tdata;
        end else begin : g_max
            for (c = 0; c < C; c = c + 1) begin : g_ch
                wire [ELEM_W-1:0] a = acc[c*ELEM_W +: ELEM_W];
                wire [ELEM_W-1:0] x = s_tdata[c*ELEM_W +: ELEM_W];
                // flipping the sign bits makes a signed compare an unsigned one
                wire [ELEM_W-1:0] flip = (SIGNED != 0) ? {1'b1, {(ELEM_W-1){1'b0}}} : {ELEM_W{1'b0}};
                wire          take = first || ((x ^ flip) > (a ^ flip));
                assign acc_next[c*ELEM_W +: ELEM_W] = take ? x : a;
            end
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
`ifdef FORMAL_HWGEN_WINDOW_MAX
`include "hwgen_window_reduce.fv.vh"
`endif
endmodule

`default_nettype wire
