// hwgen_fv_axis: the AXI-Stream rules on one stream, for the formal proofs (rtl/formal/).
//
// IS_INPUT = 1: the stream comes from a neighbour, so the rules are assumed of it; 0: the
// kernel drives it, so they are asserted. The rules: TVALID is low in the cycle after a reset
// cycle; a presented beat (TVALID without TREADY) stays presented, TDATA and TLAST unchanged,
// until it is taken. TREADY is free either way: a sink may raise and drop it at will.
// The first cycle is a reset cycle (assumed here, once for every checker).
`default_nettype none

module hwgen_fv_axis #(
    parameter integer DATA_W = 8,   // bits per beat
    parameter integer IS_INPUT = 1  // 1: assume the rules (a neighbour drives); 0: assert them
) (
    input wire              clk,
    input wire              rst_n,
    input wire [DATA_W-1:0] tdata,
    input wire              tvalid,
    input wire              tready,
    input wire              tlast
);
`ifdef FORMAL
    reg f_past = 1'b0;
    always @(posedge clk) f_past <= 1'b1;
    always @* if (!f_past) assume(!rst_n);

    // the previous cycle, registered (a $past outside a clocked block is not allowed)
    reg p_rst_n, p_waiting, p_tlast;
    reg [DATA_W-1:0] p_tdata;
    always @(posedge clk) begin
        p_rst_n <= rst_n;
        p_waiting <= tvalid && !tready;
        p_tdata <= tdata;
        p_tlast <= tlast;
    end
    wire after_reset = f_past && !p_rst_n;
    wire held = f_past && p_rst_n && rst_n && p_waiting;
    generate
        if (IS_INPUT != 0) begin : g_assume
            always @* begin
                if (after_reset) assume(!tvalid);
                if (held) assume(tvalid && tdata == p_tdata && tlast == p_tlast);
            end
        end else begin : g_assert
            always @* begin
                if (after_reset) assert(!tvalid);
                if (held) assert(tvalid && tdata == p_tdata && tlast == p_tlast);
            end
        end
    endgenerate
`endif
endmodule

`default_nettype wire
