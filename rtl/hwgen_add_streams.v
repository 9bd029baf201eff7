// hwgen_add_streams: a + b lane by lane, LANES signed integers per beat of each operand
// (A_EW and B_EW bits), sign-extended to OUT_EW-bit sums. A beat of each is taken at once,
// when both are there and the consumer can take the sum (no state: the FIFOs in front hold
// whichever operand comes first).
`default_nettype none

module hwgen_add_streams #(
    parameter integer LANES = 1,
    parameter integer A_EW = 4,
    parameter integer B_EW = 4,
    parameter integer OUT_EW = 5
) (
    input  wire                    clk,
    input  wire                    rst_n,
    input  wire [LANES*A_EW-1:0]   s0_tdata,
    input  wire                    s0_tvalid,
    output wire                    s0_tready,
    input  wire [LANES*B_EW-1:0]   s1_tdata,
    input  wire                    s1_tvalid,
    output wire                    s1_tready,
    output wire [LANES*OUT_EW-1:0] m_tdata,
    output wire                    m_tvalid,
    input  wire                    m_tready
);
    assign m_tvalid = s0_tvalid && s1_tvalid;
    assign s0_tready = m_tready && s1_tvalid;
    assign s1_tready = m_tready && s0_tvalid;
    genvar p;
    generate
        for (p = 0; p < LANES; p = p + 1) begin : g_add
            wire [OUT_EW-1:0] a = {{(OUT_EW - A_EW){s0_tdata[p*A_EW + A_EW - 1]}}, s0_tdata[p*A_EW +: A_EW]};
            wire [OUT_EW-1:0] b = {{(OUT_EW - B_EW){s1_tdata[p*B_EW + B_EW - 1]}}, s1_tdata[p*B_EW +: B_EW]};
            assign m_tdata[p*OUT_EW +: OUT_EW] = a + b;
        end
    endgenerate
    wire unused_clk = &{1'b0, clk, rst_n};
endmodule

`default_nettype wire
