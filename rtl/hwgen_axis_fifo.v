// hwgen_axis_fifo: AXI-Stream FIFO of DEPTH entries (DEPTH >= 2). Ready and valid are both
// driven from registers, so it also breaks combinational handshake paths between layers.
`default_nettype none

module hwgen_axis_fifo #(
    parameter integer DATA_W = 8, // bits per beat
    parameter integer DEPTH = 2   // entries; at least 2 (ready and valid are registered)
) (
    input  wire         clk,
    input  wire         rst_n,
    input  wire [DATA_W-1:0] s_tdata,
    input  wire         s_tvalid,
    output wire         s_tready,
    output wire [DATA_W-1:0] m_tdata,
    output wire         m_tvalid,
    input  wire         m_tready
);
    // The parameters' contract, checked at elaboration (by Icarus at time 0): a breach fails.
    generate
        if (DEPTH < 2) begin : g_contract0
`ifdef __ICARUS__
            initial $fatal(1, "%m: hwgen_axis_fifo: DEPTH must be at least 2 (DEPTH=%0d)", DEPTH);
`else
            $error("hwgen_axis_fifo: DEPTH must be at least 2");
`endif
        end
        if (DATA_W < 1) begin : g_contract1
`ifdef __ICARUS__
            initial $fatal(1, "%m: hwgen_axis_fifo: DATA_W must be at least 1 (DATA_W=%0d)", DATA_W);
`else
            $error("hwgen_axis_fifo: DATA_W must be at least 1");
`endif
        end
    endgenerate

    localparam integer AW = (DEPTH > 1) ? $clog2(DEPTH) : 1;
    localparam integer DEPTH_M1 = DEPTH - 1;
    localparam [AW-1:0] PTR_LAST = DEPTH_M1[AW-1:0];
    localparam [AW:0] FULL_M1 = DEPTH_M1[AW:0];

    reg [DATA_W-1:0]  mem [0:DEPTH-1];
    reg [AW-1:0] rptr, wptr;
    reg [AW:0]   count;
    // count == DEPTH and count != 0 as flags kept with the count: ready and valid come
    // straight from a flip-flop, so a kernel's handshake logic waits on no compare
    reg          full, nonempty;
    wire push = s_tvalid && s_tready;
    wire pop = m_tvalid && m_tready;

    assign s_tready = !full;
    assign m_tvalid = nonempty;
    assign m_tdata = mem[rptr];

    always @(posedge clk) begin
        if (push) mem[wptr] <= s_tdata;
        if (!rst_n) begin
            rptr <= {AW{1'b0}};
            wptr <= {AW{1'b0}};
            count <= {(AW + 1){1'b0}};
            full <= 1'b0;
            nonempty <= 1'b0;
        end else begin
            if (push) wptr <= (wptr == PTR_LAST) ? {AW{1'b0}} : wptr + 1'b1;
            if (pop) rptr <= (rptr == PTR_LAST) ? {AW{1'b0}} : rptr + 1'b1;
            if (push && !pop) begin
                count <= count + 1'b1;
                full <= (count == FULL_M1);
                nonempty <= 1'b1;
            end else if (pop && !push) begin
                count <= count - 1'b1;
                full <= 1'b0;
                nonempty <= (count != {{AW{1'b0}}, 1'b1});
            end
        end
    end
`ifdef FORMAL_HWGEN_AXIS_FIFO
`include "hwgen_axis_fifo.fv.vh"
`endif
endmodule

`default_nettype wire
