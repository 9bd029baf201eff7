// hwgen_mvu_input: an MVU's input vector, from beats of IN_W bits to SIMD elements a cycle.
//
// INBUF_MEM = 0: a write buffer (beats of any width shift in) and a read buffer of SF*SIMD
// elements that rotates by SIMD elements an `issue`; the write buffer hands its vector over
// when the read buffer is empty or `done` (the vector's last issue). SKID = 1: s_tready is a
// flip-flop, and a beat that finds the write buffer busy waits in one entry (the consumer's
// handshake no longer passes through the hand-over decision: a faster clock, same rate).
// HANDOVER = 1: a beat enters the write buffer only while it is not full, not in the cycle it
// is handed over, so the buffer's clock enable and the ready come from flip-flops, not through
// the consumer's enable (a faster clock; a cycle more a vector at the input: for a layer whose
// compute takes longer than its input beats).
// INBUF_MEM = 1: two banks of SF words (IN_W == SIMD*ELEM_W), one written while the other is
// read at `sf_cnt`, NF times over (its ready is a flag already: SKID is not used).
// Elements past MW (the pad lanes of the last SIMD group) read as zeros.
`default_nettype none

module hwgen_mvu_input #(
    parameter integer MW = 64,       // elements a vector
    parameter integer SIMD = 8,      // elements an issue
    parameter integer SF = 8,        // issues a pass over the vector: ceil(MW/SIMD)
    parameter integer IN_W = 8,      // bits an input beat
    parameter integer ELEM_W = 1,    // bits an element
    parameter integer INBUF_MEM = 0, // 1: two banks of SF words (needs IN_W == SIMD*ELEM_W)
    parameter integer SKID = 0,      // 1: s_tready a register, one beat's entry before the buffer
    parameter integer HANDOVER = 0,  // 1: the write buffer takes no beat while it is handed over
    parameter integer SW = (SF > 1) ? $clog2(SF) : 1  // sf_cnt's bits (derived: leave it)
) (
    input  wire                   clk,
    input  wire                   rst_n,
    input  wire [IN_W-1:0]        s_tdata,
    input  wire                   s_tvalid,
    output wire                   s_tready,
    input  wire                   issue,   // the SIMD elements at x_cur are used
    input  wire                   done,    // ... and they were the vector's last issue
    input  wire [SW-1:0]          sf_cnt,  // INBUF_MEM: the word read
    output wire                   rvalid,  // a whole vector is being read
    output wire [SIMD*ELEM_W-1:0] x_cur    // its elements [sf_cnt*SIMD, +SIMD)
);
    localparam integer IN_BEATS = (MW * ELEM_W + IN_W - 1) / IN_W;
    localparam integer WB_W = IN_BEATS * IN_W;
    localparam integer RB_W = SF * SIMD * ELEM_W;
    localparam integer PAD = SF * SIMD - MW;
    localparam integer BW = (IN_BEATS > 1) ? $clog2(IN_BEATS) : 1;
    // sized copies of the integer bounds (select, not truncation, keeps the lint clean)
    localparam integer BEAT_MAX = IN_BEATS - 1;
    localparam integer SF_MAX = SF - 1;
    localparam [BW-1:0] BEAT_LAST = BEAT_MAX[BW-1:0];
    localparam [SW-1:0] SF_LAST = SF_MAX[SW-1:0];
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
            wire               w_fire = s_tvalid && s_tready;
            wire unused_issue = &{1'b0, issue};  // words are read in place: nothing rotates
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
                    if (done) rbank <= !rbank;
                    // the writer sets its bank's flag, the reader clears its own: never the same one
                    full[0] <= (full[0] && !(done && !rbank)) || (w_fire && w_last && !wbank);
                    full[1] <= (full[1] && !(done && rbank)) || (w_fire && w_last && wbank);
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
            wire            load = wfull && (!rvalid_r || done);  // wbuf -> rbuf now
            wire [RB_W-1:0] load_val;
            wire [RB_W-1:0] rbuf_rot;
            // a beat may enter in the very cycle the full buffer is handed over: without this, a
            // layer of one cycle per vector would only reach one vector every two cycles
            // (HANDOVER: it may not, and `take` is a flip-flop's)
            wire            take = !wfull || (HANDOVER == 0 && load);
            wire            in_v;            // a beat for the write buffer (SKID: its entry's first)
            wire [IN_W-1:0] in_d;
            wire            in_fire = in_v && take;
            wire            held;            // SKID: a beat waits in the entry (read by the proof)
            wire unused_in = &{1'b0, held, sf_cnt};  // the read buffer rotates: no word address
            if (SKID != 0) begin : g_skid
                // the ready a flip-flop: a beat that finds the buffer busy waits in one entry
                reg            sv;
                reg [IN_W-1:0] sd;
                always @(posedge clk) begin
                    if (!rst_n) sv <= 1'b0;
                    else sv <= sv ? !take : (s_tvalid && !take);
                    if (!sv && s_tvalid && !take) sd <= s_tdata;
                end
                assign s_tready = !sv;
                assign held = sv;
                assign in_v = sv || s_tvalid;
                assign in_d = sv ? sd : s_tdata;
            end else begin : g_noskid
                assign s_tready = take;
                assign held = 1'b0;
                assign in_v = s_tvalid;
                assign in_d = s_tdata;
            end
            assign rvalid = rvalid_r;
            assign x_cur = rbuf[SIMD*ELEM_W-1:0];
            if (IN_BEATS > 1) begin : g_wshift
                // beats arrive lowest elements first: shift in from the top
                assign wbuf_next = {in_d, wbuf[WB_W-1:IN_W]};
            end else begin : g_wone
                assign wbuf_next = in_d;
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
                    if (in_fire) begin
                        wbuf <= wbuf_next;
                        wcnt <= w_last ? {BW{1'b0}} : wcnt + 1'b1;
                    end
                    wfull <= (wfull && !load) || (in_fire && w_last);
                    if (issue) rbuf <= rbuf_rot;
                    if (load) begin
                        rbuf <= load_val;
                        rvalid_r <= 1'b1;
                    end else if (done) begin
                        rvalid_r <= 1'b0;
                    end
                end
            end
        end
    endgenerate
`ifdef FORMAL_HWGEN_MVU
    // Its own invariants, and what the MVU's proof reads of it (connected there as probes,
    // rtl/formal/hwgen_mvu.fv.vh): a vector's last beat entering the buffers, its beats so far
    // (a beat in the skid entry counts: it has been taken), and a whole vector waiting.
    (* keep *) wire        f_vec_in;
    (* keep *) wire [31:0] f_part;
    (* keep *) wire        f_wait;
    generate
        if (INBUF_MEM != 0) begin : g_f
            wire [1:0] f_full = g_inmem.full;
            wire f_rb = g_inmem.rbank, f_wb = g_inmem.wbank;
            assign f_vec_in = g_inmem.w_fire && g_inmem.w_last;
            assign f_part = {{(32 - SW){1'b0}}, g_inmem.wcnt};
            assign f_wait = f_full[!f_rb];
            always @* if (rst_n) begin
                assert(g_inmem.wcnt <= SF_LAST);
                if (!f_full[f_rb]) assert(!f_full[!f_rb] && f_wb == f_rb);
                if (f_full[f_rb] && !f_full[!f_rb]) assert(f_wb != f_rb);
                if (f_full[f_rb] && f_full[!f_rb]) assert(f_wb == f_rb && g_inmem.wcnt == 0);
            end
        end else begin : g_f
            assign f_vec_in = g_inreg.in_fire && g_inreg.w_last;
            assign f_part = {{(32 - BW){1'b0}}, g_inreg.wcnt} + {31'd0, g_inreg.held};
            assign f_wait = g_inreg.wfull;
            always @* if (rst_n) begin
                assert(g_inreg.wcnt <= BEAT_LAST);
                if (g_inreg.wfull) assert(g_inreg.wcnt == 0);
                // SKID: a beat waits only while the write buffer is full (the next vector's first)
                if (g_inreg.held) assert(g_inreg.wfull);
            end
        end
    endgenerate
`endif
endmodule

`default_nettype wire
