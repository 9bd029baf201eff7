// hwgen_label_select: index of the largest of NUM signed scores (ties: the lowest index, as
// torch.argmax), scores arriving PE lanes of IN_W bits per beat, ceil(NUM/PE) beats a frame.
// Emits one beat per frame with the index, TLAST set.
`default_nettype none

module hwgen_label_select #(
    parameter integer NUM = 10,  // scores per frame (labels)
    parameter integer PE = 1,    // scores per beat
    parameter integer IN_W = 8,  // bits of a score (two's complement)
    parameter integer OUT_W = 4  // bits of the label index; at least clog2(NUM)
) (
    input  wire               clk,
    input  wire               rst_n,
    input  wire [PE*IN_W-1:0] s_tdata,
    input  wire               s_tvalid,
    output wire               s_tready,
    output reg  [OUT_W-1:0]   m_tdata,
    output reg                m_tvalid,
    output wire               m_tlast,
    input  wire               m_tready
);
    // The parameters' contract, checked at elaboration (by Icarus at time 0): a breach fails.
    generate
        if (NUM < 1 || PE < 1) begin : g_contract0
`ifdef __ICARUS__
            initial $fatal(1, "%m: hwgen_label_select: NUM and PE must be at least 1 (NUM=%0d PE=%0d)", NUM, PE);
`else
            $error("hwgen_label_select: NUM and PE must be at least 1");
`endif
        end
        if ((1 << OUT_W) < NUM) begin : g_contract1
`ifdef __ICARUS__
            initial $fatal(1, "%m: hwgen_label_select: OUT_W bits cannot count NUM labels (OUT_W=%0d NUM=%0d)", OUT_W, NUM);
`else
            $error("hwgen_label_select: OUT_W bits cannot count NUM labels");
`endif
        end
    endgenerate

    localparam integer NF = (NUM + PE - 1) / PE;
    localparam integer NW = (NF > 1) ? $clog2(NF) : 1;
    localparam integer NF_MAX = NF - 1;
    localparam [NW-1:0] NF_LAST = NF_MAX[NW-1:0];

    reg  [NW-1:0]         beat;
    reg  signed [IN_W-1:0] best;
    reg  [OUT_W-1:0]      best_idx;
    wire                  fire = s_tvalid && s_tready;
    // a new frame may start while the previous index waits, as long as it is taken this cycle
    assign s_tready = !m_tvalid || m_tready;
    assign m_tlast = 1'b1;

    // scan this beat's lanes after the running best; strict '>' keeps the first maximum
    reg signed [IN_W-1:0] cand;
    reg [OUT_W-1:0]       cand_idx;
    reg signed [IN_W-1:0] lane;
    integer p;
    always @* begin
        cand = best;
        cand_idx = best_idx;
        for (p = 0; p < PE; p = p + 1) begin
            lane = s_tdata[p*IN_W +: IN_W];
            if (beat * PE + p < NUM && ((beat == {NW{1'b0}} && p == 0) || lane > cand)) begin
                cand = lane;
                cand_idx = beat * PE[OUT_W-1:0] + p[OUT_W-1:0];
            end
        end
    end

    always @(posedge clk) begin
        if (!rst_n) begin
            beat <= {NW{1'b0}};
            m_tvalid <= 1'b0;
        end else begin
            if (m_tvalid && m_tready) m_tvalid <= 1'b0;
            if (fire) begin
                best <= cand;
                best_idx <= cand_idx;
                beat <= (beat == NF_LAST) ? {NW{1'b0}} : beat + 1'b1;
                if (beat == NF_LAST) begin
                    m_tdata <= cand_idx;
                    m_tvalid <= 1'b1;
                end
            end
        end
    end
`ifdef FORMAL_HWGEN_LABEL_SELECT
`include "hwgen_label_select.fv.vh"
`endif
endmodule

`default_nettype wire
