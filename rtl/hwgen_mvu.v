// hwgen_mvu: streaming matrix-vector unit (binary or WEIGHT_W-bit weights) with PE/SIMD folding.
//
// Takes an MW-element vector as IN_BEATS beats of IN_W bits (element i of the vector is bits
// [i*ELEM_W, (i+1)*ELEM_W) of the concatenated beats), and emits NF = ceil(MH/PE) beats of
// PE lanes. With ELEM_W = 1 the elements are bipolar and the unit is an XNOR-popcount:
//   USE_THR = 1: lane p = (popcount(XNOR(x, w_c)) >= T_c), one bit, c = nf*PE + p;
//   USE_THR = 0: lane p = 2*popcount(XNOR(x, w_c)) - MW, signed OUT_LANE_W bits.
// With ELEM_W > 1 (integer elements, IN_SIGNED: two's complement) or WEIGHT_W > 1 (two's
// complement weights) the unit sums the products x_i * w_ci (rtl/hwgen_lane_dot.v; a bipolar
// operand counts +1/-1) into a signed CNT_W-bit accumulator acc:
//   USE_THR = 1: lane p = (acc_c >= T_c), T_c signed;  USE_THR = 0: lane p = acc_c.
// N_THR > 1: lane p is the parity of how many of its sorted thresholds the count reaches
// (interval thresholds), or with LEVELS = 1 LEVEL_OFF plus that many (a k-bit quantizer).
// N_CLS > 1 (a zero-padded convolution): a threshold set per border class of the output pixel
// (rtl/hwgen_mvu_thresholds.v). ROM_BANK, ROM_REG, PC_MID, PC_REG, SUM_REG, THR_REG, CREDIT
// and SKID add pipeline stages for a faster clock (latency, not throughput: "the datapath's
// stages"); the weight ROM is rtl/hwgen_mvu_rom.v.
// One vector costs SF*NF cycles (SF = ceil(MW/SIMD)); while it is computed, the next one is
// shifted into a second buffer, so back-to-back vectors run at that bound.
//
// INBUF_MEM = 1: the vector waits in two banks of SF words, not a rotating register (which
// costs a LUT and two flip-flops per input bit).
// The read buffer holds SF*SIMD elements, zero-padded past MW; the weight ROM is zero-padded
// too. Bipolar: the PAD = SF*SIMD - MW pad lanes always match, so the generator adds PAD to
// the stored thresholds and the output offset subtracts it. Otherwise a zero element or a
// zero weight adds nothing. Either way no lane masking is needed.
`default_nettype none

module hwgen_mvu #(
    parameter integer MW = 64,             // matrix width: elements per input vector
    parameter integer MH = 64,             // matrix height: output channels
    parameter integer PE = 1,              // output channels computed in parallel (lanes per output beat)
    parameter integer SIMD = 1,            // input elements consumed per cycle
    parameter integer IN_W = 1,            // bits per input beat (the producer's output beat)
    parameter integer ELEM_W = 1,          // bits per input element: 1 bipolar, > 1 integer
    parameter integer IN_SIGNED = 0,       // integer input elements are two's complement
    parameter integer WEIGHT_W = 1,        // bits per weight: 1 bipolar, > 1 two's complement
    parameter integer USE_THR = 1,         // 1: thresholds decide the output; 0: the accumulator is the output
    parameter integer N_THR = 1,           // thresholds per output channel (> 1: parity of those reached, or levels)
    parameter integer LEVELS = 0,          // 1: output LEVEL_OFF + thresholds reached (OUT_LANE_W bits)
    parameter integer LEVEL_OFF = 0,       // LEVELS: the output of a count that reaches no threshold
    parameter integer CNT_W = 7,           // accumulator bits: popcount up to SF*SIMD, or the signed sum
    parameter integer THR_W = 7,           // stored threshold bits (popcount: SF*SIMD + 1; integer: CNT_W)
    parameter integer OUT_LANE_W = 1,      // output lane bits: 1 with thresholds, level bits, or CNT_W
    parameter integer INBUF_MEM = 0,       // 1: the input vector in a two-bank memory (needs IN_W == SIMD*ELEM_W)
    parameter integer WEIGHT_STYLE = 0,    // weight ROM: 0 Yosys' choice, 1 block RAM, 2 logic (LUTs)
    parameter integer N_CLS = 1,           // threshold sets (border classes of a padded convolution)
    parameter integer OH = 1,              // N_CLS > 1: output rows a frame
    parameter integer OW = 1,              // N_CLS > 1: output columns a frame
    parameter integer ROM_REG = 0,         // 1: the ROM word and elements registered again
    parameter integer ROM_BANK = 0,        // 1, 2: the weight ROM in banks of BANK_DEPTH words,
                                           // each word through that many fabric registers
    parameter integer BANK_DEPTH = 1,      // ROM_BANK: words a bank (rtl/hwgen_mvu_rom.v)
    parameter integer PC_REG = 0,          // 1: each lane's popcount/dot registered before the sum
    parameter integer THR_REG = 0,         // 1: the finished sum registered before the compare
    parameter integer PC_GROUPS = 1,       // XNOR: popcounts of ceil(SIMD/PC_GROUPS) lanes, summed
    parameter integer SUM_REG = 0,         // 1: the groups' sum registered too (PC_GROUPS > 1)
    parameter integer PC_MID = 0,          // 1: each popcount tree registered in its middle
    parameter integer CREDIT = 0,          // 1: the enable a register, the output a 3-entry FIFO
    parameter integer SKID = 0,            // 1: s_tready a register, a one-beat entry before the
                                           // write buffer (input registers; no latency)
    parameter integer HANDOVER = 0,        // 1: the write buffer takes no beat in its hand-over
                                           // cycle (input registers; a cycle a vector more in)
    parameter WEIGHT_FILE = "weights.mem", // $readmemh image of the weight ROM (word nf*SF + sf)
    parameter WEIGHT_BANK_STEM = "weights_b", // ROM_BANK: bank b's image: stem, b, ".mem"
    parameter THR_FILE = "thresholds.mem", // $readmemh image of the threshold ROM (USE_THR)
    parameter ROW_BASE_FILE = "",          // N_CLS > 1: threshold word offset per output row
    parameter COL_BASE_FILE = ""           // N_CLS > 1: threshold word offset per output column
) (
    input  wire                     clk,
    input  wire                     rst_n,
    input  wire [IN_W-1:0]          s_tdata,
    input  wire                     s_tvalid,
    output wire                     s_tready,
    output wire [PE*OUT_LANE_W-1:0] m_tdata,
    output wire                     m_tvalid,
    input  wire                     m_tready
);
    // The parameters' contract, checked at elaboration (by Icarus at time 0): a breach fails.
    generate
        if (PE < 1 || PE > MH || SIMD < 1 || SIMD > MW || PC_GROUPS < 1
            || (PC_GROUPS - 1) * ((SIMD + PC_GROUPS - 1) / PC_GROUPS) >= SIMD) begin : g_contract0
`ifdef __ICARUS__
            initial $fatal(1, "%m: hwgen_mvu: needs 1 <= PE <= MH, 1 <= SIMD <= MW, PC_GROUPS groups of SIMD lanes (PE=%0d MH=%0d SIMD=%0d MW=%0d PC_GROUPS=%0d)", PE, MH, SIMD, MW, PC_GROUPS);
`else
            $error("hwgen_mvu: needs 1 <= PE <= MH, 1 <= SIMD <= MW, PC_GROUPS groups of SIMD lanes");
`endif
        end
        if (INBUF_MEM != 0 && IN_W != SIMD * ELEM_W) begin : g_contract1
`ifdef __ICARUS__
            initial $fatal(1, "%m: hwgen_mvu: INBUF_MEM needs IN_W == SIMD*ELEM_W (IN_W=%0d SIMD=%0d ELEM_W=%0d)", IN_W, SIMD, ELEM_W);
`else
            $error("hwgen_mvu: INBUF_MEM needs IN_W == SIMD*ELEM_W");
`endif
        end
    endgenerate
    localparam integer SF = (MW + SIMD - 1) / SIMD;
    localparam integer NF = (MH + PE - 1) / PE;
    localparam integer XNOR = (ELEM_W == 1 && WEIGHT_W == 1) ? 1 : 0;  // bits times bits: XNOR-popcount
    localparam integer WL = PE * SIMD * WEIGHT_W;  // a weight ROM word
    localparam integer PAD = SF * SIMD - MW;
    localparam integer DEPTH = SF * NF;
    localparam integer SW = (SF > 1) ? $clog2(SF) : 1;
    localparam integer NW = (NF > 1) ? $clog2(NF) : 1;
    localparam integer AW = (DEPTH > 1) ? $clog2(DEPTH) : 1;

    // ---------------------------------------------------------------- counters
    wire            rvalid;               // a whole vector is in the read buffer
    wire [SIMD*ELEM_W-1:0] x_cur;             // its elements [sf_cnt*SIMD, +SIMD)
    reg  [SW-1:0]   sf_cnt;
    reg  [NW-1:0]   nf_cnt;
    reg  [AW-1:0]   addr;
    wire            en;                   // the whole pipeline advances together (hwgen_mvu_output)
    wire            issue = en && rvalid;
    // sf_cnt == SF_LAST and nf_cnt == NF_LAST kept as flags, set a count early: the issue and
    // load logic waits on no compare (a faster clock)
    localparam integer SF_PRE_I = (SF > 1) ? SF - 2 : 0, NF_PRE_I = (NF > 1) ? NF - 2 : 0;
    localparam [SW-1:0] SF_PRE = SF_PRE_I[SW-1:0];
    localparam [NW-1:0] NF_PRE = NF_PRE_I[NW-1:0];
    localparam SF_ONE = (SF == 1) ? 1'b1 : 1'b0, NF_ONE = (NF == 1) ? 1'b1 : 1'b0;
    // and their AND too (`all_at`): the read buffer's load and clock enable take one LUT4 of
    // flip-flops (en, rvalid, the write buffer's full, all_at) on a four-input part
    reg             sf_at, nf_at, all_at;
    wire            at_sf_last = sf_at;
    wire            at_last = all_at;
    wire            sf_at_next = at_sf_last ? SF_ONE : (sf_cnt == SF_PRE);
    wire            nf_at_next = !at_sf_last ? nf_at : at_last ? NF_ONE : (nf_cnt == NF_PRE);
    always @(posedge clk) begin
        if (!rst_n) begin
            sf_cnt <= {SW{1'b0}};
            nf_cnt <= {NW{1'b0}};
            addr <= {AW{1'b0}};
            {sf_at, nf_at, all_at} <= {SF_ONE, NF_ONE, SF_ONE && NF_ONE};
        end else if (issue) begin
            sf_cnt <= at_sf_last ? {SW{1'b0}} : sf_cnt + 1'b1;
            {sf_at, nf_at, all_at} <= {sf_at_next, nf_at_next, sf_at_next && nf_at_next};
            if (at_sf_last) nf_cnt <= at_last ? {NW{1'b0}} : nf_cnt + 1'b1;
            addr <= at_last ? {AW{1'b0}} : addr + 1'b1;
        end
    end
    // the input vector's buffers (rtl/hwgen_mvu_input.v)
    hwgen_mvu_input #(
        .MW(MW), .SIMD(SIMD), .SF(SF), .IN_W(IN_W), .ELEM_W(ELEM_W), .INBUF_MEM(INBUF_MEM),
        .SKID(SKID), .HANDOVER(HANDOVER)
    ) u_in (
        .clk(clk), .rst_n(rst_n), .s_tdata(s_tdata), .s_tvalid(s_tvalid), .s_tready(s_tready),
        .issue(issue), .done(issue && at_last), .sf_cnt(sf_cnt), .rvalid(rvalid), .x_cur(x_cur)
    );

    // ---------------------------------------------------------------- the datapath's stages
    // Every stage advances on `en` (rtl/hwgen_mvu_output.v: the output register empty or taken,
    // or with CREDIT room in its FIFO), so a full output holds the whole pipeline: the
    // stream contract needs no skid buffer, whatever the stages. An issue reaches
    //   stage 1      the weight ROM word and the SIMD elements (x1, w1);
    //   ROM_BANK     a banked ROM's words registered beside their blocks (once more toward
    //                the multiplexer with ROM_BANK = 2), then picked (rtl/hwgen_mvu_rom.v),
    //                the elements waiting beside them;
    //   ROM_REG      both registered again (a block RAM's output, a long route);
    //   PC_MID       each popcount tree registered in its middle;
    //   PC_REG       each lane's popcount (each group's) or dot product registered;
    //   SUM_REG      the groups' sum registered (`part`);
    //   accumulate   acc = (first ? 0 : acc) + part, a carry chain of CNT_W bits;
    //   THR_REG      the finished sum registered (`fin`) before the threshold compare;
    //   output       m_tdata, one beat per SF issues.
    // The threshold word is read (its address delayed) to meet the sum at the compare.
    localparam integer LANE_LAT = PC_MID + PC_REG + SUM_REG;  // registers inside a lane
    localparam integer TD = ROM_BANK + ROM_REG + LANE_LAT + THR_REG;  // stages after stage 1
    reg               v1, first1, last1;
    reg [SIMD*ELEM_W-1:0] x1;
    wire [WL-1:0]     w1;  // ROM_BANK: a cycle behind x1, met by the bank stage below
    hwgen_mvu_rom #(
        .WL(WL), .DEPTH(DEPTH), .AW(AW), .STYLE(WEIGHT_STYLE), .BANKED(ROM_BANK),
        .BANK_DEPTH(BANK_DEPTH), .FILE(WEIGHT_FILE), .BANK_STEM(WEIGHT_BANK_STEM)
    ) u_wrom (.clk(clk), .en(en), .addr(addr), .q(w1));
    always @(posedge clk) begin
        if (!rst_n) begin
            v1 <= 1'b0;
        end else if (en) begin
            v1 <= rvalid;
            first1 <= (sf_cnt == {SW{1'b0}});
            last1 <= at_sf_last;
            x1 <= x_cur;
        end
    end
    // ROM_BANK: the elements and control wait a cycle for the banked word
    wire [SIMD*ELEM_W-1:0] x_b;
    wire                   v_b, first_b, last_b;
    generate
        if (ROM_BANK != 0) begin : g_bank  // ROM_BANK cycles: the banks' fabric registers
            reg [SIMD*ELEM_W-1:0] xb;
            reg                   vb, fb, lb;
            always @(posedge clk) begin
                if (!rst_n) vb <= 1'b0;
                else if (en) vb <= v1;
                if (en) {xb, fb, lb} <= {x1, first1, last1};
            end
            if (ROM_BANK == 2) begin : g_far
                reg [SIMD*ELEM_W-1:0] xc;
                reg                   vc, fc, lc;
                always @(posedge clk) begin
                    if (!rst_n) vc <= 1'b0;
                    else if (en) vc <= vb;
                    if (en) {xc, fc, lc} <= {xb, fb, lb};
                end
                assign {x_b, v_b, first_b, last_b} = {xc, vc, fc, lc};
            end else begin : g_near
                assign {x_b, v_b, first_b, last_b} = {xb, vb, fb, lb};
            end
        end else begin : g_nobank
            assign {x_b, v_b, first_b, last_b} = {x1, v1, first1, last1};
        end
    endgenerate

    // the popcounts' operands and the control travelling with them
    wire [SIMD*ELEM_W-1:0] x_op;
    wire [WL-1:0]          w_op;
    wire                   v_op, first_op, last_op;
    generate
        if (ROM_REG != 0) begin : g_rom_reg
            reg [SIMD*ELEM_W-1:0] x2;
            reg [WL-1:0]          w2;
            reg                   v2, first2, last2;
            always @(posedge clk) begin
                if (!rst_n) v2 <= 1'b0;
                else if (en) v2 <= v_b;
                if (en) {x2, w2, first2, last2} <= {x_b, w1, first_b, last_b};
            end
            assign {x_op, w_op, v_op, first_op, last_op} = {x2, w2, v2, first2, last2};
        end else begin : g_rom_wire
            assign {x_op, w_op, v_op, first_op, last_op} = {x_b, w1, v_b, first_b, last_b};
        end
    endgenerate
    // ---------------------------------------------------------------- accumulate
    reg  [PE*CNT_W-1:0]      acc;
    wire [PE*CNT_W-1:0]      sum;
    wire [PE*CNT_W-1:0]      dec_in;   // the sum the output is decided on
    wire [PE*OUT_LANE_W-1:0] lanes;
    wire                     v_a, first_a, last_a;  // control at the accumulator
    wire                     out_v;                 // dec_in is a finished sum
    genvar p;
    generate
        if (LANE_LAT != 0) begin : g_pc_ctl
            // the control through the lane's registers (PC_REG, SUM_REG)
            reg  [LANE_LAT-1:0] vs, fs, ls;
            wire [LANE_LAT:0] vn = {vs, v_op}, fn = {fs, first_op}, ln = {ls, last_op};
            always @(posedge clk) begin
                if (!rst_n) vs <= {LANE_LAT{1'b0}};
                else if (en) vs <= vn[LANE_LAT-1:0];
                if (en) {fs, ls} <= {fn[LANE_LAT-1:0], ln[LANE_LAT-1:0]};
            end
            assign {v_a, first_a, last_a} = {vs[LANE_LAT-1], fs[LANE_LAT-1], ls[LANE_LAT-1]};
            wire unused_ctl = &{1'b0, vn[LANE_LAT], fn[LANE_LAT], ln[LANE_LAT]};
        end else begin : g_pc_ctl_wire
            assign {v_a, first_a, last_a} = {v_op, first_op, last_op};
        end
        for (p = 0; p < PE; p = p + 1) begin : g_pe
            // this lane's popcount or dot product of the cycle (PC_REG: registered)
            wire [CNT_W-1:0] part;
            hwgen_mvu_lane #(
                .SIMD(SIMD), .ELEM_W(ELEM_W), .IN_SIGNED(IN_SIGNED), .WEIGHT_W(WEIGHT_W),
                .CNT_W(CNT_W), .PC_REG(PC_REG), .SUM_REG(SUM_REG), .PC_GROUPS(PC_GROUPS),
                .PC_MID(PC_MID)
            ) u_lane (
                .clk(clk), .en(en), .x(x_op), .w(w_op[p*SIMD*WEIGHT_W +: SIMD*WEIGHT_W]), .part(part)
            );
            assign sum[p*CNT_W +: CNT_W] = (first_a ? {CNT_W{1'b0}} : acc[p*CNT_W +: CNT_W]) + part;
        end
        if (THR_REG != 0) begin : g_fin
            reg [PE*CNT_W-1:0] fin;
            reg                fin_v;
            always @(posedge clk) begin
                if (!rst_n) fin_v <= 1'b0;
                else if (en) fin_v <= v_a && last_a;
                if (en && v_a && last_a) fin <= sum;
            end
            assign dec_in = fin;
            assign out_v = fin_v;
        end else begin : g_fin_wire
            assign dec_in = sum;
            assign out_v = v_a && last_a;
        end

        if (USE_THR != 0) begin : g_thr
            // the threshold ROM, read (its address delayed TD stages) to meet the sum
            hwgen_mvu_thresholds #(
                .PE(PE), .NF(NF), .NW(NW), .N_CLS(N_CLS), .OH(OH), .OW(OW), .DELAY(TD),
                .CNT_W(CNT_W), .THR_W(THR_W), .N_THR(N_THR), .LEVELS(LEVELS),
                .LEVEL_OFF(LEVEL_OFF), .OUT_LANE_W(OUT_LANE_W), .UNSIGNED(XNOR),
                .THR_FILE(THR_FILE), .ROW_BASE_FILE(ROW_BASE_FILE), .COL_BASE_FILE(COL_BASE_FILE)
            ) u_thr (
                .clk(clk), .rst_n(rst_n), .en(en), .pixel_done(issue && at_last), .nf(nf_cnt),
                .count(dec_in), .lanes(lanes)
            );
        end else if (XNOR != 0) begin : g_dot
            localparam integer DOT_OFF_I = MW + 2 * PAD;
            localparam [CNT_W+1:0] DOT_OFF = DOT_OFF_I[CNT_W+1:0];
            for (p = 0; p < PE; p = p + 1) begin : g_lane
                wire [CNT_W+1:0] dot = {1'b0, dec_in[p*CNT_W +: CNT_W], 1'b0} - DOT_OFF;
                assign lanes[p*OUT_LANE_W +: OUT_LANE_W] = dot[OUT_LANE_W-1:0];
                if (OUT_LANE_W < CNT_W + 2) begin : g_trunc
                    // the dot product lies in [-MW, MW]: the top bits are sign copies
                    wire unused_dot_top = &{1'b0, dot[CNT_W+1:OUT_LANE_W]};
                end
            end
        end else begin : g_acc
            // OUT_LANE_W == CNT_W: the accumulator is the output
            assign lanes = dec_in;
        end
    endgenerate

    always @(posedge clk) if (rst_n && en && v_a) acc <= sum;
    wire [1:0] out_held;  // beats in the output stage (read by the formal properties)
    wire unused_held = &{1'b0, out_held};
    hwgen_mvu_output #(.DATA_W(PE*OUT_LANE_W), .CREDIT(CREDIT)) u_out (
        .clk(clk), .rst_n(rst_n), .lanes(lanes), .out_v(out_v), .en(en),
        .m_tdata(m_tdata), .m_tvalid(m_tvalid), .m_tready(m_tready), .held(out_held)
    );
`ifdef FORMAL_HWGEN_MVU
`include "hwgen_mvu.fv.vh"
`endif
endmodule

`default_nettype wire
