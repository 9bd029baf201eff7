// hwgen_fork: one AXI-Stream to two consumers. Each input beat is offered to both outputs and
// taken from the input once both have taken it; a flag per output remembers that it already
// has, so an output that takes the beat first is not offered it again, and a beat once offered
// stays offered until taken: each output keeps the AXI-Stream rules whatever the other's
// consumer does (two flip-flops; the FIFOs in front of the consumers, sized from the
// schedules, absorb the difference in their rates).
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

    reg done0, done1;  // output k has taken the beat now on the input
    assign m0_tvalid = s_tvalid && !done0;
    assign m1_tvalid = s_tvalid && !done1;
    assign s_tready = (done0 || m0_tready) && (done1 || m1_tready);
    assign m0_tdata = s_tdata;
    assign m1_tdata = s_tdata;
    always @(posedge clk) begin
        if (!rst_n || (s_tvalid && s_tready)) begin
            done0 <= 1'b0;
            done1 <= 1'b0;
        end else begin
            if (m0_tvalid && m0_tready) done0 <= 1'b1;
            if (m1_tvalid && m1_tready) done1 <= 1'b1;
        end
    end
`ifdef FORMAL_HWGEN_FORK
`include "hwgen_fork.fv.vh"
`endif
endmodule

`default_nettype wire
