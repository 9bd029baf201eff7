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
// N_CLS > 1 (a zero-padded convolution, OH x OW output pixels a frame): the thresholds come in
// N_CLS sets, one per border class; output pixel (oy, ox) uses the set at word offset
// ROW_BASE[oy] + COL_BASE[ox] (two small ROMs), since its pad positions stream bit 0.
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
    parameter WEIGHT_FILE = "weights.mem", // $readmemh image of the weight ROM (word nf*SF + sf)
    parameter THR_FILE = "thresholds.mem", // $readmemh image of the threshold ROM (USE_THR)
    parameter ROW_BASE_FILE = "",          // N_CLS > 1: threshold word offset per output row
    parameter COL_BASE_FILE = ""           // N_CLS > 1: threshold word offset per output column
) (
    input  wire                     clk,
    input  wire                     rst_n,
    input  wire [IN_W-1:0]          s_tdata,
    input  wire                     s_tvalid,
    output wire                     s_tready,
    output reg  [PE*OUT_LANE_W-1:0] m_tdata,
    output reg                      m_tvalid,
    input  wire                     m_tready
);
    // The parameters' contract, checked at elaboration (by Icarus at time 0): a breach fails.
    generate
        if (PE < 1 || PE > MH || SIMD < 1 || SIMD > MW) begin : g_contract0
`ifdef __ICARUS__
            initial $fatal(1, "%m: hwgen_mvu: needs 1 <= PE <= MH and 1 <= SIMD <= MW (PE=%0d MH=%0d SIMD=%0d MW=%0d)", PE, MH, SIMD, MW);
`else
            $error("hwgen_mvu: needs 1 <= PE <= MH and 1 <= SIMD <= MW");
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
    localparam integer IN_BEATS = (MW * ELEM_W + IN_W - 1) / IN_W;
    localparam integer WB_W = IN_BEATS * IN_W;
    localparam integer RB_W = SF * SIMD * ELEM_W;
    localparam integer PAD = SF * SIMD - MW;
    localparam integer DEPTH = SF * NF;
    localparam integer BW = (IN_BEATS > 1) ? $clog2(IN_BEATS) : 1;
    localparam integer SW = (SF > 1) ? $clog2(SF) : 1;
    localparam integer NW = (NF > 1) ? $clog2(NF) : 1;
    localparam integer AW = (DEPTH > 1) ? $clog2(DEPTH) : 1;
    localparam integer PC_W = $clog2(SIMD + 1);  // one cycle's popcount
    // sized copies of the integer bounds (select, not truncation, keeps the lint clean)
    localparam integer BEAT_MAX = IN_BEATS - 1;
    localparam integer SF_MAX = SF - 1;
    localparam integer NF_MAX = NF - 1;
    localparam [BW-1:0] BEAT_LAST = BEAT_MAX[BW-1:0];
    localparam [SW-1:0] SF_LAST = SF_MAX[SW-1:0];
    localparam [NW-1:0] NF_LAST = NF_MAX[NW-1:0];

    // ---------------------------------------------------------------- counters
    wire            rvalid;               // a whole vector is in the read buffer
    wire [SIMD*ELEM_W-1:0] x_cur;             // its elements [sf_cnt*SIMD, +SIMD)
    reg  [SW-1:0]   sf_cnt;
    reg  [NW-1:0]   nf_cnt;
    reg  [AW-1:0]   addr;
    wire            en = !m_tvalid || m_tready;  // the whole pipeline advances together
    wire            issue = en && rvalid;
    wire            at_sf_last = (sf_cnt == SF_LAST);
    wire            at_last = at_sf_last && (nf_cnt == NF_LAST);
    wire            w_fire = s_tvalid && s_tready;
    always @(posedge clk) begin
        if (!rst_n) begin
            sf_cnt <= {SW{1'b0}};
            nf_cnt <= {NW{1'b0}};
            addr <= {AW{1'b0}};
        end else if (issue) begin
            sf_cnt <= at_sf_last ? {SW{1'b0}} : sf_cnt + 1'b1;
            if (at_sf_last) nf_cnt <= at_last ? {NW{1'b0}} : nf_cnt + 1'b1;
            addr <= at_last ? {AW{1'b0}} : addr + 1'b1;
        end
    end
    generate
        if (INBUF_MEM != 0) begin : g_inmem
            // ------------------------------------------------------------ input: a memory
            // Beats are SIMD elements (IN_W == SIMD*ELEM_W), one word each, written into one of two
            // banks of SF words while the other is read word by word, NF times over: no
            // register or multiplexer per input bit (LUT RAM or block RAM instead).
            localparam integer BANK_W = SW + 1;
            reg  [SIMD*ELEM_W-1:0] ibuf [0:(1 << BANK_W)-1];
            reg  [SW-1:0]      wcnt;
            reg                wbank, rbank;
            reg  [1:0]         full;
            wire               w_last = (wcnt == SF_LAST);
            wire [SIMD*ELEM_W-1:0] wdata;
            assign s_tready = !full[wbank];
            assign rvalid = full[rbank];
            assign x_cur = ibuf[{rbank, sf_cnt}];
            if (PAD > 0) begin : g_mask
                // the last beat's lanes past MW are the producer's pad lanes: store zeros
                localparam integer KEEP = (SIMD - PAD) * ELEM_W;
                assign wdata = w_last ? {{(PAD*ELEM_W){1'b0}}, s_tdata[KEEP-1:0]} : s_tdata;
            end else begin : g_nomask
                assign wdata = s_tdata;
            end
            always @(posedge clk) begin
                if (w_fire) ibuf[{wbank, wcnt}] <= wdata;
                if (!rst_n) begin
                    wcnt <= {SW{1'b0}};
                    wbank <= 1'b0;
                    rbank <= 1'b0;
                    full <= 2'b00;
                end else begin
                    if (w_fire) begin
                        wcnt <= w_last ? {SW{1'b0}} : wcnt + 1'b1;
                        if (w_last) wbank <= !wbank;
                    end
                    if (issue && at_last) rbank <= !rbank;
                    // the writer sets its bank's flag, the reader clears its own: never the same one
                    full[0] <= (full[0] && !(issue && at_last && !rbank)) || (w_fire && w_last && !wbank);
                    full[1] <= (full[1] && !(issue && at_last && rbank)) || (w_fire && w_last && wbank);
                end
            end
        end else begin : g_inreg
            // ------------------------------------------------------------ input: registers
            // a write buffer (beats of any width shift in) and a read buffer that rotates by
            // SIMD elements per cycle
            reg  [WB_W-1:0] wbuf;
            reg  [BW-1:0]   wcnt;
            reg             wfull, rvalid_r;
            reg  [RB_W-1:0] rbuf;
            wire            w_last = (wcnt == BEAT_LAST);
            wire [WB_W-1:0] wbuf_next;
            wire            load = wfull && (!rvalid_r || (issue && at_last));  // wbuf -> rbuf now
            wire [RB_W-1:0] load_val;
            wire [RB_W-1:0] rbuf_rot;
            // a beat may enter in the very cycle the full buffer is handed over: without this, a
            // layer of one cycle per vector would only reach one vector every two cycles
            assign s_tready = !wfull || load;
            assign rvalid = rvalid_r;
            assign x_cur = rbuf[SIMD*ELEM_W-1:0];
            if (IN_BEATS > 1) begin : g_wshift
                // beats arrive lowest elements first: shift in from the top
                assign wbuf_next = {s_tdata, wbuf[WB_W-1:IN_W]};
            end else begin : g_wone
                assign wbuf_next = s_tdata;
            end
            if (PAD > 0) begin : g_pad
                assign load_val = {{(PAD*ELEM_W){1'b0}}, wbuf[MW*ELEM_W-1:0]};
            end else begin : g_nopad
                assign load_val = wbuf[MW*ELEM_W-1:0];
            end
            if (SF > 1) begin : g_rot
                // rotate by SIMD elements: after SF steps the vector is back for the next PE group
                assign rbuf_rot = {rbuf[SIMD*ELEM_W-1:0], rbuf[RB_W-1:SIMD*ELEM_W]};
            end else begin : g_norot
                assign rbuf_rot = rbuf;
            end
            if (WB_W > MW * ELEM_W) begin : g_wunused
                // bits past MW elements are the previous layer's pad lanes: never read
                wire unused_wbuf_pad = &{1'b0, wbuf[WB_W-1:MW*ELEM_W]};
            end
            always @(posedge clk) begin
                if (!rst_n) begin
                    wcnt <= {BW{1'b0}};
                    wfull <= 1'b0;
                    rvalid_r <= 1'b0;
                end else begin
                    if (w_fire) begin
                        wbuf <= wbuf_next;
                        wcnt <= w_last ? {BW{1'b0}} : wcnt + 1'b1;
                    end
                    wfull <= (wfull && !load) || (w_fire && w_last);
                    if (issue) rbuf <= rbuf_rot;
                    if (load) begin
                        rbuf <= load_val;
                        rvalid_r <= 1'b1;
                    end else if (issue && at_last) begin
                        rvalid_r <= 1'b0;
                    end
                end
            end
        end
    endgenerate

    // ---------------------------------------------------------------- stage 1: ROM reads
    reg               v1, first1, last1;
    reg [SIMD*ELEM_W-1:0] x1;
    reg [WL-1:0]      w1;
    // the weight ROM where WEIGHT_STYLE puts it (an attribute cannot take a parameter's value)
    generate
        if (WEIGHT_STYLE == 1) begin : g_wblock
            (* rom_style = "block" *) reg [WL-1:0] wrom [0:DEPTH-1];
            initial $readmemh(WEIGHT_FILE, wrom);
            always @(posedge clk) if (en) w1 <= wrom[addr];
        end else if (WEIGHT_STYLE == 2) begin : g_wlogic
            (* rom_style = "logic" *) reg [WL-1:0] wrom [0:DEPTH-1];
            initial $readmemh(WEIGHT_FILE, wrom);
            always @(posedge clk) if (en) w1 <= wrom[addr];
        end else begin : g_wauto
            reg [WL-1:0] wrom [0:DEPTH-1];
            initial $readmemh(WEIGHT_FILE, wrom);
            always @(posedge clk) if (en) w1 <= wrom[addr];
        end
    endgenerate
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

    // ---------------------------------------------------------------- stage 2: accumulate
    reg  [PE*CNT_W-1:0]      acc;
    wire [PE*CNT_W-1:0]      sum;
    wire [PE*OUT_LANE_W-1:0] lanes;

    genvar p;
    generate
        for (p = 0; p < PE; p = p + 1) begin : g_pe
            wire [CNT_W-1:0] part;
            if (XNOR != 0) begin : g_xnor
                // a compressor tree with the XNOR in its first level (rtl/hwgen_popcount.v)
                wire [PC_W-1:0] pc;
                hwgen_popcount #(.LANES(SIMD), .CNT_W(PC_W)) u_pc (.x(x1), .w(w1[p*SIMD +: SIMD]), .count(pc));
                if (CNT_W > PC_W) begin : g_ext
                    assign part = {{(CNT_W - PC_W){1'b0}}, pc};
                end else begin : g_noext
                    assign part = pc;
                end
            end else begin : g_int
                hwgen_lane_dot #(.SIMD(SIMD), .ELEM_W(ELEM_W), .SIGNED(IN_SIGNED), .WEIGHT_W(WEIGHT_W), .CNT_W(CNT_W))
                    u_dot (.x(x1), .w(w1[p*SIMD*WEIGHT_W +: SIMD*WEIGHT_W]), .dot(part));
            end
            assign sum[p*CNT_W +: CNT_W] = (first1 ? {CNT_W{1'b0}} : acc[p*CNT_W +: CNT_W]) + part;
        end

        if (USE_THR != 0) begin : g_thr
            // word nf: lane p's threshold k at bits [(p*N_THR + k)*THR_W, +THR_W)
            localparam integer TL_W = N_THR * THR_W;
            localparam integer TDEPTH = NF * N_CLS;
            reg [PE*TL_W-1:0] trom [0:TDEPTH-1];
            reg [PE*TL_W-1:0] t1;
            initial $readmemh(THR_FILE, trom);
            if (N_CLS > 1) begin : g_classes
                // the output pixel of the vector being read: its border class picks the set
                localparam integer TAW = $clog2(TDEPTH);
                localparam integer OYW = (OH > 1) ? $clog2(OH) : 1;
                localparam integer OXW = (OW > 1) ? $clog2(OW) : 1;
                localparam integer OH_MAX_I = OH - 1;
                localparam integer OW_MAX_I = OW - 1;
                localparam [OYW-1:0] OH_LAST = OH_MAX_I[OYW-1:0];
                localparam [OXW-1:0] OW_LAST = OW_MAX_I[OXW-1:0];
                reg [TAW-1:0] row_base [0:OH-1];
                reg [TAW-1:0] col_base [0:OW-1];
                initial $readmemh(ROW_BASE_FILE, row_base);
                initial $readmemh(COL_BASE_FILE, col_base);
                reg  [OYW-1:0] oy;
                reg  [OXW-1:0] ox;
                wire [TAW-1:0] nf_ext;
                if (TAW > NW) begin : g_ext
                    assign nf_ext = {{(TAW-NW){1'b0}}, nf_cnt};
                end else begin : g_same
                    assign nf_ext = nf_cnt;
                end
                wire [TAW-1:0] taddr = row_base[oy] + col_base[ox] + nf_ext;
                always @(posedge clk) begin
                    if (!rst_n) begin
                        oy <= {OYW{1'b0}};
                        ox <= {OXW{1'b0}};
                    end else if (issue && at_last) begin
                        ox <= (ox == OW_LAST) ? {OXW{1'b0}} : ox + 1'b1;
                        if (ox == OW_LAST) oy <= (oy == OH_LAST) ? {OYW{1'b0}} : oy + 1'b1;
                    end
                    if (en) t1 <= trom[taddr];
                end
            end else begin : g_one_set
                always @(posedge clk) if (en) t1 <= trom[nf_cnt];
            end
            if (N_THR == 1 && LEVELS == 0) begin : g_one
                // one threshold per channel: lane p = (count >= T)
                for (p = 0; p < PE; p = p + 1) begin : g_cmp
                    if (XNOR != 0) begin : g_ucmp
                        // popcount and threshold widths differ by at most one bit: zero-extend both
                        wire [CNT_W:0] s_ext = {1'b0, sum[p*CNT_W +: CNT_W]};
                        wire [THR_W:0] t_ext = {1'b0, t1[p*THR_W +: THR_W]};
                        assign lanes[p] = ({{(THR_W + 1){1'b0}}, s_ext} >= {{(CNT_W + 1){1'b0}}, t_ext});
                    end else begin : g_scmp
                        // THR_W == CNT_W for an integer accumulator: a signed compare
                        assign lanes[p] = ($signed(sum[p*CNT_W +: CNT_W]) >= $signed(t1[p*THR_W +: THR_W]));
                    end
                end
            end else begin : g_multi
                genvar k;
                for (p = 0; p < PE; p = p + 1) begin : g_cmp
                    wire [N_THR-1:0] ge;
                    for (k = 0; k < N_THR; k = k + 1) begin : g_k
                        wire [THR_W-1:0] t = t1[(p*N_THR + k)*THR_W +: THR_W];
                        if (XNOR != 0) begin : g_ucmp
                            // popcount and threshold widths differ by at most one bit: zero-extend both
                            wire [CNT_W:0] s_ext = {1'b0, sum[p*CNT_W +: CNT_W]};
                            wire [THR_W:0] t_ext = {1'b0, t};
                            assign ge[k] = ({{(THR_W + 1){1'b0}}, s_ext} >= {{(CNT_W + 1){1'b0}}, t_ext});
                        end else begin : g_scmp
                            // THR_W == CNT_W for an integer accumulator: a signed compare
                            assign ge[k] = ($signed(sum[p*CNT_W +: CNT_W]) >= $signed(t));
                        end
                    end
                    if (LEVELS != 0) begin : g_levels
                        // running count of the thresholds reached, from LEVEL_OFF up (no priority logic)
                        localparam [OUT_LANE_W-1:0] OFF = LEVEL_OFF[OUT_LANE_W-1:0];
                        wire [(N_THR+1)*OUT_LANE_W-1:0] run;
                        assign run[OUT_LANE_W-1:0] = OFF;
                        for (k = 0; k < N_THR; k = k + 1) begin : g_cnt
                            assign run[(k+1)*OUT_LANE_W +: OUT_LANE_W] = run[k*OUT_LANE_W +: OUT_LANE_W]
                                                                         + {{(OUT_LANE_W-1){1'b0}}, ge[k]};
                        end
                        assign lanes[p*OUT_LANE_W +: OUT_LANE_W] = run[N_THR*OUT_LANE_W +: OUT_LANE_W];
                    end else begin : g_parity
                        assign lanes[p] = ^ge;  // interval thresholds: parity of those reached
                    end
                end
            end
        end else if (XNOR != 0) begin : g_dot
            localparam integer DOT_OFF_I = MW + 2 * PAD;
            localparam [CNT_W+1:0] DOT_OFF = DOT_OFF_I[CNT_W+1:0];
            for (p = 0; p < PE; p = p + 1) begin : g_lane
                wire [CNT_W+1:0] dot = {1'b0, sum[p*CNT_W +: CNT_W], 1'b0} - DOT_OFF;
                assign lanes[p*OUT_LANE_W +: OUT_LANE_W] = dot[OUT_LANE_W-1:0];
                if (OUT_LANE_W < CNT_W + 2) begin : g_trunc
                    // the dot product lies in [-MW, MW]: the top bits are sign copies
                    wire unused_dot_top = &{1'b0, dot[CNT_W+1:OUT_LANE_W]};
                end
            end
        end else begin : g_acc
            // OUT_LANE_W == CNT_W: the accumulator is the output
            assign lanes = sum;
        end
    endgenerate

    always @(posedge clk) begin
        if (!rst_n) begin
            m_tvalid <= 1'b0;
        end else if (en) begin
            if (v1) acc <= sum;
            m_tvalid <= v1 && last1;
            if (v1 && last1) m_tdata <= lanes;
        end
    end
`ifdef FORMAL_HWGEN_MVU
`include "hwgen_mvu.fv.vh"
`endif
endmodule

`default_nettype wire
