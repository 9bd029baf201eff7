// hwgen_axis_fifo: AXI-Stream FIFO of DEPTH entries (DEPTH >= 2). Ready and valid are both
// driven from registers, so it also breaks combinational handshake paths between layers.
`default_nettype none

module hwgen_axis_fifo #(
    parameter integer W = 8,
    parameter integer DEPTH = 2
) (
    input  wire         clk,
    input  wire         rst_n,
    input  wire [W-1:0] s_tdata,
    input  wire         s_tvalid,
    output wire         s_tready,
    output wire [W-1:0] m_tdata,
    output wire         m_tvalid,
    input  wire         m_tready
);
    localparam integer AW = (DEPTH > 1) ? $clog2(DEPTH) : 1;
    localparam integer DEPTH_M1 = DEPTH - 1;
    localparam [AW-1:0] PTR_LAST = DEPTH_M1[AW-1:0];
    localparam [AW:0] FULL = DEPTH[AW:0];

    reg [W-1:0]  mem [0:DEPTH-1];
    reg [AW-1:0] rptr, wptr;
    reg [AW:0]   count;
    wire push = s_tvalid && s_tready;
    wire pop = m_tvalid && m_tready;

    assign s_tready = (count != FULL);
    assign m_tvalid = (count != {(AW + 1){1'b0}});
    assign m_tdata = mem[rptr];

    always @(posedge clk) begin
        if (push) mem[wptr] <= s_tdata;
        if (!rst_n) begin
            rptr <= {AW{1'b0}};
            wptr <= {AW{1'b0}};
            count <= {(AW + 1){1'b0}};
        end else begin
            if (push) wptr <= (wptr == PTR_LAST) ? {AW{1'b0}} : wptr + 1'b1;
            if (pop) rptr <= (rptr == PTR_LAST) ? {AW{1'b0}} : rptr + 1'b1;
            if (push && !pop) count <= count + 1'b1;
            else if (pop && !push) count <= count - 1'b1;
        end
    end
endmodule

`default_nettype wire
