// hwgen_frame_buffer: the UART link's frame FIFO (DEPTH bytes, a frame), read through two
// registers: the memory's read latch, then a register of its own, then a two-entry FIFO whose
// ready is a flip-flop. A block RAM's read reaches only that register (on ECP5 the bitstream
// flow moves it into the block, hwgen/flows/ecp5_outreg.py), and no handshake reaches the
// block's enables from afar: a faster clock than a first-word-fall-through FIFO in block RAM,
// whose read of a byte written that cycle needs a bypass multiplexer after the block.
// A byte is read only a cycle after it was written (`stored` counts bytes written before
// this cycle), so the memory never reads where it writes in the same cycle: it needs no
// collision logic (`no_rw_check`). The link writes at most DEPTH bytes before they drain.
`default_nettype none

module hwgen_frame_buffer #(
    parameter integer DEPTH = 2  // bytes (at least 2)
) (
    input  wire       clk,
    input  wire       rst_n,     // synchronous: empties it
    input  wire [7:0] s_tdata,
    input  wire       s_tvalid,  // always taken (the link never overfills it)
    output wire [7:0] m_tdata,
    output wire       m_tvalid,
    input  wire       m_tready
);
    // The parameters' contract, checked at elaboration (by Icarus at time 0): a breach fails.
    generate
        if (DEPTH < 2) begin : g_contract0
`ifdef __ICARUS__
            initial $fatal(1, "%m: hwgen_frame_buffer: DEPTH must be at least 2 (DEPTH=%0d)", DEPTH);
`else
            $error("hwgen_frame_buffer: DEPTH must be at least 2");
`endif
        end
    endgenerate
    localparam integer AW = (DEPTH > 2) ? $clog2(DEPTH) : 1;
    localparam integer LAST_I = DEPTH - 1;
    localparam [AW-1:0] LAST = LAST_I[AW-1:0];

    (* no_rw_check *) reg [7:0] mem [0:DEPTH-1];
    reg [AW-1:0] wptr, rptr;
    reg [AW:0]   stored;           // bytes written before this cycle, not yet read
    reg          any;              // stored != 0, kept with it (the read waits on no compare)
    reg [7:0]    latch, held;      // the memory's read latch; the register after it
    reg          latch_v, held_v;  // each holds a byte
    wire         out_ready;        // the two-entry FIFO's room (a flip-flop)
    wire         held_go = !held_v || out_ready;           // held takes latch's byte
    wire         read = any && (!latch_v || held_go);      // latch takes the next byte

    always @(posedge clk) begin
        if (s_tvalid) mem[wptr] <= s_tdata;
        if (read) latch <= mem[rptr];
        if (held_go) held <= latch;
        if (!rst_n) begin
            wptr <= {AW{1'b0}};
            rptr <= {AW{1'b0}};
            stored <= {(AW + 1){1'b0}};
            any <= 1'b0;
            latch_v <= 1'b0;
            held_v <= 1'b0;
        end else begin
            if (s_tvalid) wptr <= (wptr == LAST) ? {AW{1'b0}} : wptr + 1'b1;
            if (read) rptr <= (rptr == LAST) ? {AW{1'b0}} : rptr + 1'b1;
            if (s_tvalid && !read) begin
                stored <= stored + 1'b1;
                any <= 1'b1;
            end else if (read && !s_tvalid) begin
                stored <= stored - 1'b1;
                any <= (stored != {{AW{1'b0}}, 1'b1});
            end
            if (read) latch_v <= 1'b1;
            else if (held_go) latch_v <= 1'b0;
            if (held_go) held_v <= latch_v;
        end
    end

    hwgen_axis_fifo #(.DATA_W(8), .DEPTH(2)) u_out (
        .clk(clk), .rst_n(rst_n),
        .s_tdata(held), .s_tvalid(held_v), .s_tready(out_ready),
        .m_tdata(m_tdata), .m_tvalid(m_tvalid), .m_tready(m_tready)
    );
endmodule

`default_nettype wire
