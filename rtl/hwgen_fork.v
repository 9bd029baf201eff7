// hwgen_fork: one AXI-Stream to two consumers. A beat passes on to both at once, when both
// can take it (no state: the FIFOs in front of the consumers hold what one side has taken
// while the other is still busy; their depths come from the schedules).
`default_nettype none

module hwgen_fork #(
    parameter integer DATA_W = 8  // bits per beat, the same on the input and both outputs
) (
    input  wire         clk,
    input  wire         rst_n,
    input  wire [DATA_W-1:0] s_tdata,
    input  wire         s_tvalid,
    output wire         s_tready,
    output wire [DATA_W-1:0] m0_tdata,
    output wire         m0_tvalid,
    input  wire         m0_tready,
    output wire [DATA_W-1:0] m1_tdata,
    output wire         m1_tvalid,
    input  wire         m1_tready
);
    // The parameters' contract, checked at elaboration (by Icarus at time 0): a breach fails.
    generate
        if (DATA_W < 1) begin : g_contract0
`ifdef __ICARUS__
            initial $fatal(1, "%m: hwgen_fork: DATA_W must be at least 1 (DATA_W=%0d)", DATA_W);
`else
            $error("hwgen_fork: DATA_W must be at least 1");
`endif
        end
    endgenerate

    assign s_tready = m0_tready && m1_tready;
    assign m0_tvalid = s_tvalid && m1_tready;
    assign m1_tvalid = s_tvalid && m0_tready;
    assign m0_tdata = s_tdata;
    assign m1_tdata = s_tdata;
    wire unused_clk = &{1'b0, clk, rst_n};
endmodule

`default_nettype wire
