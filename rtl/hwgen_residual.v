// hwgen_residual: a Bi-Real block with its fixed-point shortcut, h_out = h_in + q.
//
// h_in arrives as beats of PE lanes of IN_ELEM_W-bit signed integers (MW elements per vector,
// the producer's PE). Each beat is forked: one copy goes through the lane-wise sign
// (hwgen_int_sign) into an XNOR-popcount MVU with level thresholds (q, LEVEL_W bits, PE lanes
// per beat, NF = ceil(MW/PE) beats per vector, MW = MH), the other waits in the shortcut
// FIFO. The MVU's beat j holds the same channels as input beat j, so the adder pairs them
// lane by lane into OUT_ELEM_W-bit sums. The fork (rtl/hwgen_fork.v) offers each beat to both
// sides and lets it go once both have taken it; the FIFO holds SC_DEPTH beats (two vectors and
// the MVU's pipeline), so it never throttles.
`default_nettype none

module hwgen_residual #(
    parameter integer MW = 64,             // elements per vector (the layer is MW x MW)
    parameter integer PE = 1,              // lanes per beat, in and out (the producer's PE)
    parameter integer SIMD = 1,            // the block's MVU: input elements per cycle
    parameter integer IN_ELEM_W = 4,       // bits of an h_in element
    parameter integer OUT_ELEM_W = 5,      // bits of an h_out element
    parameter integer LEVEL_W = 4,         // bits of a q element (the MVU's levels)
    parameter integer N_THR = 15,          // level thresholds per channel
    parameter integer LEVEL_OFF = -8,      // the level of a count that reaches no threshold
    parameter integer CNT_W = 7,           // the MVU's popcount bits
    parameter integer THR_W = 7,           // stored threshold bits
    parameter integer SC_DEPTH = 4,        // shortcut FIFO entries; at least 2
    parameter integer INBUF_MEM = 0,       // the MVU's input vector in a memory (needs PE == SIMD)
    parameter integer ROM_BANK = 0,        // the MVU's pipeline stages (rtl/hwgen_mvu.v)
    parameter integer BANK_DEPTH = 1,      // ROM_BANK: the MVU's weight ROM words a bank
    parameter integer ROM_REG = 0,         // 1: the MVU's ROM word registered again
    parameter integer PC_REG = 0,          // 1: the MVU's popcounts registered
    parameter integer THR_REG = 0,         // 1: the MVU's sum registered before the compare
    parameter integer PC_GROUPS = 1,       // the MVU's popcount groups
    parameter integer SUM_REG = 0,         // 1: the MVU's popcount groups' sum registered
    parameter integer PC_MID = 0,          // 1: the MVU's popcount trees registered in the middle
    parameter integer CREDIT = 0,          // 1: the MVU's enable registered, its output a FIFO
    parameter integer SKID = 0,            // 1: the MVU's input ready registered, a skid entry
    parameter integer HANDOVER = 0,        // 1: the MVU's write buffer takes no beat as it is handed over
    parameter WEIGHT_FILE = "weights.mem", // $readmemh image of the MVU's weight ROM
    parameter WEIGHT_BANK_STEM = "weights_b", // ROM_BANK: the MVU's bank images
    parameter THR_FILE = "thresholds.mem"  // $readmemh image of its level thresholds
) (
    input  wire                 clk,
    input  wire                 rst_n,
    input  wire [PE*IN_ELEM_W-1:0]  s_tdata,
    input  wire                 s_tvalid,
    output wire                 s_tready,
    output wire [PE*OUT_ELEM_W-1:0] m_tdata,
    output wire                 m_tvalid,
    input  wire                 m_tready
);
    // The parameters' contract, checked at elaboration (by Icarus at time 0): a breach fails.
    generate
        if (SC_DEPTH < 2) begin : g_contract0
`ifdef __ICARUS__
            initial $fatal(1, "%m: hwgen_residual: SC_DEPTH must be at least 2 (SC_DEPTH=%0d)", SC_DEPTH);
`else
            $error("hwgen_residual: SC_DEPTH must be at least 2");
`endif
        end
        if (OUT_ELEM_W <= IN_ELEM_W || OUT_ELEM_W <= LEVEL_W) begin : g_contract1
`ifdef __ICARUS__
            initial $fatal(1, "%m: hwgen_residual: OUT_ELEM_W must be wider than IN_ELEM_W and LEVEL_W (OUT_ELEM_W=%0d IN_ELEM_W=%0d LEVEL_W=%0d)", OUT_ELEM_W, IN_ELEM_W, LEVEL_W);
`else
            $error("hwgen_residual: OUT_ELEM_W must be wider than IN_ELEM_W and LEVEL_W");
`endif
        end
    endgenerate

    // ---------------------------------------------------------------- fork
    wire [PE*IN_ELEM_W-1:0] f0_tdata, f1_tdata;
    wire f0_tvalid, f0_tready, f1_tvalid, sc_in_ready, mvu_in_ready;
    hwgen_fork #(.DATA_W(PE*IN_ELEM_W)) u_fork (
        .clk(clk), .rst_n(rst_n),
        .s_tdata(s_tdata), .s_tvalid(s_tvalid), .s_tready(s_tready),
        .m0_tdata(f0_tdata), .m0_tvalid(f0_tvalid), .m0_tready(f0_tready),
        .m1_tdata(f1_tdata), .m1_tvalid(f1_tvalid), .m1_tready(sc_in_ready)
    );
    wire [PE-1:0] bits;
    wire bits_valid;
    hwgen_int_sign #(.LANES(PE), .ELEM_W(IN_ELEM_W)) u_sign (
        .clk(clk), .rst_n(rst_n),
        .s_tdata(f0_tdata), .s_tvalid(f0_tvalid), .s_tready(f0_tready),
        .m_tdata(bits), .m_tvalid(bits_valid), .m_tready(mvu_in_ready)
    );

    // ---------------------------------------------------------------- binary layer: q
    wire [PE*LEVEL_W-1:0] q_tdata;
    wire q_tvalid, q_tready;
    hwgen_mvu #(
        .MW(MW), .MH(MW), .PE(PE), .SIMD(SIMD), .IN_W(PE), .ELEM_W(1), .IN_SIGNED(0),
        .USE_THR(1), .N_THR(N_THR), .LEVELS(1), .LEVEL_OFF(LEVEL_OFF),
        .CNT_W(CNT_W), .THR_W(THR_W), .OUT_LANE_W(LEVEL_W), .INBUF_MEM(INBUF_MEM),
        .ROM_BANK(ROM_BANK), .BANK_DEPTH(BANK_DEPTH), .WEIGHT_BANK_STEM(WEIGHT_BANK_STEM),
        .ROM_REG(ROM_REG), .PC_REG(PC_REG), .THR_REG(THR_REG),
        .PC_GROUPS(PC_GROUPS), .SUM_REG(SUM_REG), .PC_MID(PC_MID),
        .CREDIT(CREDIT), .SKID(SKID), .HANDOVER(HANDOVER), .WEIGHT_FILE(WEIGHT_FILE), .THR_FILE(THR_FILE)
    ) u_mvu (
        .clk(clk), .rst_n(rst_n),
        .s_tdata(bits), .s_tvalid(bits_valid), .s_tready(mvu_in_ready),
        .m_tdata(q_tdata), .m_tvalid(q_tvalid), .m_tready(q_tready)
    );

    // ---------------------------------------------------------------- shortcut
    wire [PE*IN_ELEM_W-1:0] h_tdata;
    wire h_tvalid, h_tready;
    hwgen_axis_fifo #(.DATA_W(PE*IN_ELEM_W), .DEPTH(SC_DEPTH)) u_shortcut (
        .clk(clk), .rst_n(rst_n),
        .s_tdata(f1_tdata), .s_tvalid(f1_tvalid), .s_tready(sc_in_ready),
        .m_tdata(h_tdata), .m_tvalid(h_tvalid), .m_tready(h_tready)
    );

    // ---------------------------------------------------------------- add
    assign m_tvalid = q_tvalid && h_tvalid;
    assign q_tready = m_tready && h_tvalid;
    assign h_tready = m_tready && q_tvalid;
    genvar p;
    generate
        for (p = 0; p < PE; p = p + 1) begin : g_add
            wire [OUT_ELEM_W-1:0] h_ext = {{(OUT_ELEM_W - IN_ELEM_W){h_tdata[p*IN_ELEM_W + IN_ELEM_W - 1]}}, h_tdata[p*IN_ELEM_W +: IN_ELEM_W]};
            wire [OUT_ELEM_W-1:0] q_ext = {{(OUT_ELEM_W - LEVEL_W){q_tdata[p*LEVEL_W + LEVEL_W - 1]}}, q_tdata[p*LEVEL_W +: LEVEL_W]};
            assign m_tdata[p*OUT_ELEM_W +: OUT_ELEM_W] = h_ext + q_ext;
        end
    endgenerate
`ifdef FORMAL_HWGEN_RESIDUAL
`include "hwgen_residual.fv.vh"
`endif
endmodule

`default_nettype wire
