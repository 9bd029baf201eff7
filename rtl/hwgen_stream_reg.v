// hwgen_stream_reg: a stream through one plain register (its beat and valid), no FIFO: it loads
// whenever it is empty or its beat is taken, so its ready is !m_tvalid || m_tready (one gate
// from the consumer's). The beat's register has no reset and one enable (the ready): where a
// block RAM's read feeds it straight, the ECP5 netlist step moves it into the block
// (hwgen/flows/ecp5_outreg.py), and the read's route ends at the block.
`default_nettype none

module hwgen_stream_reg #(
    parameter integer DATA_W = 1  // bits per beat
) (
    input  wire              clk,
    input  wire              rst_n,
    input  wire [DATA_W-1:0] s_tdata,
    input  wire              s_tvalid,
    output wire              s_tready,
    output reg  [DATA_W-1:0] m_tdata,
    output reg               m_tvalid,
    input  wire              m_tready
);
    // The parameters' contract, checked at elaboration (by Icarus at time 0): a breach fails.
    generate
        if (DATA_W < 1) begin : g_contract0
`ifdef __ICARUS__
            initial $fatal(1, "%m: hwgen_stream_reg: DATA_W must be at least 1 (DATA_W=%0d)", DATA_W);
`else
            $error("hwgen_stream_reg: DATA_W must be at least 1");
`endif
        end
    endgenerate

    assign s_tready = !m_tvalid || m_tready;
    always @(posedge clk) begin
        if (s_tready) m_tdata <= s_tdata;  // loads even without a beat: no enable but the ready
        if (!rst_n) m_tvalid <= 1'b0;
        else if (s_tready) m_tvalid <= s_tvalid;
    end
endmodule

`default_nettype wire
