// hwgen_width_convert: AXI-Stream width conversion between a wide beat and narrow beats.
//
// One wide beat of WIDE bits is N = ceil(WIDE/NARROW) narrow beats, lowest bits first, the
// last one zero-padded past WIDE. IN_W < OUT_W: narrow in, wide out (the padding is
// dropped); otherwise wide in, narrow out (equal widths: a one-beat register stage). TLAST travels with the wide beat: on the wide side it is
// the beat's own; on the narrow side it marks the last narrow beat of a wide beat with TLAST.
// One narrow beat per cycle either way, so the narrow side runs at full rate (READY_REG = 1:
// a wide beat every N + 1 cycles, for a slow consumer such as a UART).
`default_nettype none

module hwgen_width_convert #(
    parameter integer IN_W = 8,  // bits per input beat
    parameter integer OUT_W = 8,    // bits per output beat
    parameter integer READY_REG = 0 // 1, wide in: s_tready a register's (!full), no refill in the
                                    // cycle the last narrow beat leaves (one idle cycle a wide
                                    // beat; m_tready reaches no s_tready)
) (
    input  wire             clk,
    input  wire             rst_n,
    input  wire [IN_W-1:0]  s_tdata,
    input  wire             s_tvalid,
    output wire             s_tready,
    input  wire             s_tlast,
    output wire [OUT_W-1:0] m_tdata,
    output wire             m_tvalid,
    input  wire             m_tready,
    output wire             m_tlast
);
    // The parameters' contract, checked at elaboration (by Icarus at time 0): a breach fails.
    generate
        if (IN_W < 1 || OUT_W < 1) begin : g_contract0
`ifdef __ICARUS__
            initial $fatal(1, "%m: hwgen_width_convert: IN_W and OUT_W must be at least 1 (IN_W=%0d OUT_W=%0d)", IN_W, OUT_W);
`else
            $error("hwgen_width_convert: IN_W and OUT_W must be at least 1");
`endif
        end
    endgenerate

    localparam integer WIDE = (IN_W < OUT_W) ? OUT_W : IN_W;
    localparam integer NARROW = (IN_W < OUT_W) ? IN_W : OUT_W;
    localparam integer N = (WIDE + NARROW - 1) / NARROW;
    localparam integer BUF_W = N * NARROW;
    localparam integer CW = (N > 1) ? $clog2(N) : 1;
    localparam integer N_MAX = N - 1;
    localparam [CW-1:0] LAST = N_MAX[CW-1:0];

    reg [BUF_W-1:0] buffer;
    reg [CW-1:0]    cnt;
    reg             full;
    reg             last;

    generate
        if (IN_W < OUT_W) begin : g_up
            // gather N narrow beats, then offer the wide beat
            wire s_fire = s_tvalid && s_tready;
            wire [BUF_W-1:0] shifted;
            if (N > 1) begin : g_shift
                assign shifted = {s_tdata, buffer[BUF_W-1:NARROW]};
            end else begin : g_one
                assign shifted = s_tdata;
            end
            assign s_tready = !full || m_tready;
            assign m_tvalid = full;
            assign m_tdata = buffer[WIDE-1:0];
            assign m_tlast = last;
            always @(posedge clk) begin
                if (!rst_n) begin
                    cnt <= {CW{1'b0}};
                    full <= 1'b0;
                    last <= 1'b0;
                end else begin
                    if (m_tready) full <= 1'b0;
                    if (s_fire) begin
                        buffer <= shifted;
                        cnt <= (cnt == LAST) ? {CW{1'b0}} : cnt + 1'b1;
                        if (cnt == LAST) begin
                            full <= 1'b1;
                            last <= s_tlast;
                        end
                    end
                end
            end
            if (BUF_W > WIDE) begin : g_pad
                wire unused_pad = &{1'b0, buffer[BUF_W-1:WIDE]};
            end
        end else begin : g_down
            // hold one wide beat and hand it out NARROW bits at a time
            wire m_fire = m_tvalid && m_tready;
            wire [BUF_W-1:0] s_ext;
            if (BUF_W > WIDE) begin : g_ext
                assign s_ext = {{(BUF_W - WIDE){1'b0}}, s_tdata};
            end else begin : g_noext
                assign s_ext = s_tdata;
            end
            wire done = m_fire && (cnt == LAST);
            assign s_tready = (READY_REG != 0) ? !full : (!full || done);
            assign m_tvalid = full;
            assign m_tdata = buffer[NARROW-1:0];
            assign m_tlast = last && (cnt == LAST);
            always @(posedge clk) begin
                if (!rst_n) begin
                    cnt <= {CW{1'b0}};
                    full <= 1'b0;
                    last <= 1'b0;
                end else begin
                    if (m_fire) begin
                        cnt <= (cnt == LAST) ? {CW{1'b0}} : cnt + 1'b1;
                        if (N > 1) buffer <= buffer >> NARROW;
                    end
                    if (done) full <= 1'b0;
                    if (s_tvalid && s_tready) begin
                        buffer <= s_ext;
                        full <= 1'b1;
                        last <= s_tlast;
                    end
                end
            end
        end
    endgenerate
`ifdef FORMAL_HWGEN_WIDTH_CONVERT
`include "hwgen_width_convert.fv.vh"
`endif
endmodule

`default_nettype wire
