// hwgen_int_sign: the bipolar sign of a stream of signed integers, lane by lane: element
// h >= 0 -> bit 1 (+1), else bit 0 (-1). LANES lanes of EW bits in, LANES bits out; the
// handshake passes straight through (the FIFO in front of the next layer registers it).
`default_nettype none

module hwgen_int_sign #(
    parameter integer LANES = 1,
    parameter integer EW = 4
) (
    input  wire                  clk,
    input  wire                  rst_n,
    input  wire [LANES*EW-1:0]   s_tdata,
    input  wire                  s_tvalid,
    output wire                  s_tready,
    output wire [LANES-1:0]      m_tdata,
    output wire                  m_tvalid,
    input  wire                  m_tready
);
    genvar i;
    generate
        for (i = 0; i < LANES; i = i + 1) begin : g_lane
            assign m_tdata[i] = ~s_tdata[i*EW + EW - 1];
            if (EW > 1) begin : g_low
                wire unused_low = &{1'b0, s_tdata[i*EW +: EW - 1]};  // only the sign bit matters
            end
        end
    endgenerate
    assign m_tvalid = s_tvalid;
    assign s_tready = m_tready;
    wire unused_clk = &{1'b0, clk, rst_n};
endmodule

`default_nettype wire
