// hwgen_mvu_output: hwgen_mvu's output stage and the enable `en` its whole pipeline advances on.
//   CREDIT = 0: one output register; the pipeline advances while it is empty or being taken,
//               en = !m_tvalid || m_tready: the consumer's ready reaches every stage's enable in
//               the same cycle.
//   CREDIT = 1: a three-entry FIFO (written out here, so the MVU's proof sees its state); the
//               pipeline advances while the FIFO holds at most one beat, a flag registered a
//               cycle ahead, so `en` is a flip-flop's output whatever waits on it. A beat let in at that occupancy always
//               finds room (at most one enters a cycle), and with the consumer taking a beat a
//               cycle the occupancy stays at one: no cycle is lost.
// Either way a beat decided in a cycle (`out_v`, `lanes`) is on m_tdata from the next.
`default_nettype none

module hwgen_mvu_output #(
    parameter integer DATA_W = 1, // bits per output beat
    parameter integer CREDIT = 0  // 1: the FIFO and a registered enable
) (
    input  wire         clk,
    input  wire         rst_n,
    input  wire [DATA_W-1:0] lanes,    // the beat decided this cycle, when out_v
    input  wire         out_v,
    output wire         en,       // the pipeline advances this cycle
    output wire [DATA_W-1:0] m_tdata,
    output wire         m_tvalid,
    input  wire         m_tready,
    output wire [1:0]   held      // beats held (for the formal properties' count)
);
    generate
        if (CREDIT == 0) begin : g_reg
            reg [DATA_W-1:0] q;
            reg         v;
            assign en = !v || m_tready;
            always @(posedge clk) begin
                if (!rst_n) v <= 1'b0;
                else if (en) v <= out_v;
                if (en && out_v) q <= lanes;
            end
            assign m_tdata = q;
            assign m_tvalid = v;
            assign held = {1'b0, v};
        end else begin : g_credit
            reg  [DATA_W-1:0] mem [0:2];
            reg  [1:0]   rptr, wptr, occ;
            reg          room, nonempty;
            wire         push = room && out_v;
            wire         pop = nonempty && m_tready;
            wire [1:0]   occ_next = occ + {1'b0, push} - {1'b0, pop};
            always @(posedge clk) begin
                if (push) mem[wptr] <= lanes;
                if (!rst_n) begin
                    {rptr, wptr, occ} <= 6'd0;
                    room <= 1'b1;
                    nonempty <= 1'b0;
                end else begin
                    if (push) wptr <= (wptr == 2'd2) ? 2'd0 : wptr + 1'b1;
                    if (pop) rptr <= (rptr == 2'd2) ? 2'd0 : rptr + 1'b1;
                    occ <= occ_next;
                    room <= (occ_next <= 2'd1);
                    nonempty <= (occ_next != 2'd0);
                end
            end
            assign en = room;
            assign m_tdata = mem[rptr];
            assign m_tvalid = nonempty;
            assign held = occ;
`ifdef FORMAL_HWGEN_MVU
            // the flags are the occupancy's, the pointers hold it: what k-induction needs
            reg f_past = 1'b0;
            always @(posedge clk) f_past <= 1'b1;
            always @* if (f_past && rst_n) begin
                assert(occ <= 2'd2 && rptr <= 2'd2 && wptr <= 2'd2);
                assert(room == (occ <= 2'd1) && nonempty == (occ != 2'd0));
                assert(wptr == ((rptr + occ >= 3) ? rptr + occ - 3 : rptr + occ));
            end
`endif
        end
    endgenerate
endmodule

`default_nettype wire
