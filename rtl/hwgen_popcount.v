// hwgen_popcount: count = popcount(XNOR(x, w)) over LANES lanes, as a compressor tree sized
// for 6-input LUTs.
//
// A plain adder loop costs about 2.6 LUT6 per lane in Yosys. Here:
//   stage 0: each group of three lanes is one 6-input function per output bit, so the XNOR
//            is folded into the first counter (2 LUTs per 3 lanes);
//   stages 1..NST: every bit column (bits of equal weight) taller than two is cut into 6:3
//            counters (one LUT6 per output bit); a remainder of five gets a 5:3 counter, a
//            column of 3..5 bits one 3:2 or 5:3 counter, other bits pass to the next stage;
//   last: the two remaining rows go to one carry-chain adder.
// Measured with `synth_xilinx` (Yosys 0.23): 1.38, 1.42 and 1.44 LUT6 per lane at 32, 64 and
// 128 lanes (`hwgen bench`). The tree's shape comes from the constant function `info`; the
// estimator (hwgen/estimate/popcount.py) walks the same rule.
`default_nettype none

module hwgen_popcount #(
    parameter integer LANES = 64, // lanes of x and w
    parameter integer CNT_W = 7,  // bits of the count; at least clog2(LANES + 1)
    parameter integer MID_REG = 0 // 1: the tree's middle stage registered on `en` (one cycle)
) (
    input  wire [LANES-1:0] x,
    input  wire [LANES-1:0] w,
    output wire [CNT_W-1:0] count,
    input  wire             clk,   // MID_REG only
    input  wire             en     // MID_REG only: the register loads
);
    // The parameters' contract, checked at elaboration (by Icarus at time 0): a breach fails.
    generate
        if ((1 << CNT_W) <= LANES) begin : g_contract0
`ifdef __ICARUS__
            initial $fatal(1, "%m: hwgen_popcount: CNT_W bits cannot count to LANES (CNT_W=%0d LANES=%0d)", CNT_W, LANES);
`else
            $error("hwgen_popcount: CNT_W bits cannot count to LANES");
`endif
        end
    endgenerate

    localparam integer G0 = (LANES + 2) / 3;       // stage-0 groups of three lanes
    localparam integer HB = 32;                // bits per column height in `info`'s vectors
    localparam integer MAXW = 24;

    // What the tree looks like at stage s, column c (what: 0 height, 1 6:3 counters,
    // 2 inputs of the remainder counter (0 or 3..5), 3 bits passed through, 4 offset of the
    // column in the stage's bit vector, 5 where carries from column c-1 land in column c of
    // stage s+1, 6 where carries from column c-2 land, 7 number of stages, 8 bits in stage s).
    function integer info;
        input integer s, c, what;
        reg [HB*MAXW-1:0] h, hn;
        integer k, j, hh, n6, sr, done, r;
        begin
            h = {HB*MAXW{1'b0}};
            h[0 +: HB] = G0;
            if (CNT_W > 1) h[HB +: HB] = G0;
            k = 0;
            done = 0;
            // advance to stage s (or, for what = 7, until every column is at most two high)
            while ((what == 7) ? (done == 0) : (k < s)) begin
                hn = {HB*MAXW{1'b0}};
                done = 1;
                for (j = 0; j < CNT_W; j = j + 1) begin
                    hh = h[j*HB +: HB];
                    if (hh > 2) done = 0;
                    n6 = (hh > 2) ? hh / 6 : 0;
                    r = hh - 6 * n6;
                    sr = (hh <= 2) ? 0 : (n6 == 0) ? ((hh == 4) ? 3 : hh) : ((r == 5) ? 5 : 0);
                    hn[j*HB +: HB] = hn[j*HB +: HB] + (r - sr) + n6 + ((sr > 0) ? 1 : 0);
                    if (j + 1 < CNT_W) hn[(j+1)*HB +: HB] = hn[(j+1)*HB +: HB] + n6 + ((sr > 0) ? 1 : 0);
                    if (j + 2 < CNT_W) hn[(j+2)*HB +: HB] = hn[(j+2)*HB +: HB] + n6 + ((sr >= 4) ? 1 : 0);
                end
                if (done == 0 || what != 7) h = hn;
                k = k + 1;
            end
            if (what == 7) begin
                info = k - 1;
            end else if (what == 4 || what == 8) begin
                info = 0;
                for (j = 0; j < ((what == 4) ? c : CNT_W); j = j + 1) info = info + h[j*HB +: HB];
            end else begin
                info = 0;
                // columns c-2 .. c of stage s decide the layout of column c in stage s+1
                for (j = c - 2; j <= c; j = j + 1) begin
                    hh = (j >= 0 && j < CNT_W) ? h[j*HB +: HB] : 0;
                    n6 = (hh > 2) ? hh / 6 : 0;
                    r = hh - 6 * n6;
                    sr = (hh <= 2) ? 0 : (n6 == 0) ? ((hh == 4) ? 3 : hh) : ((r == 5) ? 5 : 0);
                    if (j == c) begin
                        if (what == 0) info = hh;
                        if (what == 1) info = n6;
                        if (what == 2) info = sr;
                        if (what == 3) info = r - sr;
                        if (what == 5 || what == 6) info = info + (r - sr) + n6 + ((sr > 0) ? 1 : 0);
                    end else if (j == c - 1 && what == 6) begin
                        info = info + n6 + ((sr > 0) ? 1 : 0);
                    end
                end
            end
        end
    endfunction

    // Counters are written as logic, not `+`: Yosys would map an adder to a carry chain,
    // while ABC packs each output bit of a logic counter into one LUT6.
    function [1:0] fa;  // {carry, sum} of three bits
        input a, b, c;
        fa = {(a & b) | (a & c) | (b & c), a ^ b ^ c};
    endfunction

    function [2:0] count6;  // the number of ones among six bits
        input [5:0] v;
        reg [1:0] p, q, r;
        begin
            p = fa(v[0], v[1], v[2]);
            q = fa(v[3], v[4], v[5]);
            r = fa(p[1], q[1], p[0] & q[0]);
            count6 = {r[1], r[0], p[0] ^ q[0]};
        end
    endfunction

    localparam integer NST = info(0, 0, 7);  // compressor stages after stage 0
    // MID_REG: the inputs of stage MID are registered: stage 0's 3:2 counters and MID
    // compressor stages before the register, the other NST - MID and the adder after it
    localparam integer MID = (NST + 1) / 2;
    generate
        if (MID_REG == 0) begin : g_no_mid
            wire unused_clk = &{1'b0, clk, en};
        end
    endgenerate

    // Each column of each stage is its own vector `b` (one spare bit, so none is empty). The
    // counters of a column work side by side on vectors: input i of counter j is bit
    // i*N6 + j, so a column costs a handful of vector statements whatever its height (a
    // simulator model stays small even for hundreds of PEs), while every output bit is still
    // one 6-input function for synthesis.
    genvar s, c;
    generate
        // ------------------------------------------------------------ stage 0: XNOR + 3:2
        // lane l sits in group l % G0: the groups' three inputs are three slices of e
        wire [3*G0-1:0] e;
        if (3 * G0 > LANES) begin : g_pad
            assign e = {{(3 * G0 - LANES){1'b0}}, ~(x ^ w)};
        end else begin : g_nopad
            assign e = ~(x ^ w);
        end
        wire [G0-1:0] e0, e1, e2;
        genvar k;
        for (k = 0; k < G0; k = k + 1) begin : g_grp
            assign e0[k] = e[3*k];
            assign e1[k] = e[3*k+1];
            assign e2[k] = e[3*k+2];
        end
        wire [G0-1:0] l0_sum = e0 ^ e1 ^ e2;
        wire [G0-1:0] l0_carry = (e0 & e1) | (e0 & e2) | (e1 & e2);
        if (CNT_W == 1) begin : g_l0_unused
            wire unused_carry = &{1'b0, l0_carry};  // one lane: its count is a single bit
        end

        for (s = 0; s <= NST; s = s + 1) begin : g_st
            for (c = 0; c < CNT_W; c = c + 1) begin : g_col
                localparam integer H = info(s, c, 0);
                wire [H:0] b;   // b[H] is the spare
                wire [H:0] bg;  // b before the middle register (MID_REG, stage MID)
                assign bg[H] = 1'b0;
                wire unused_spare = &{1'b0, b[H]};
                if (MID_REG != 0 && s == MID) begin : g_mid
                    reg [H:0] bq;
                    always @(posedge clk) if (en) bq <= bg;
                    assign b = bq;
                end else begin : g_now
                    assign b = bg;
                end

                // ---------------------------------------------------- gather from stage s-1
                if (s == 0) begin : g_from_l0
                    if (c == 0) begin : g_c0
                        assign bg[H-1:0] = l0_sum;
                    end else if (c == 1) begin : g_c1
                        assign bg[H-1:0] = l0_carry;
                    end
                end else begin : g_from_prev
                    localparam integer PS = info(s - 1, c, 3);
                    localparam integer N6 = info(s - 1, c, 1);
                    localparam integer SR = info(s - 1, c, 2);
                    localparam integer B1 = info(s - 1, c, 5);
                    localparam integer B2 = info(s - 1, c, 6);
                    if (PS > 0) begin : g_pass
                        assign bg[0 +: PS] = g_st[s-1].g_col[c].b[6*N6 + SR +: PS];
                    end
                    if (N6 > 0) begin : g_sum6
                        assign bg[PS +: N6] = g_st[s-1].g_col[c].g_count.g_c6.sum;
                    end
                    if (SR > 0) begin : g_sum_r
                        assign bg[PS + N6] = g_st[s-1].g_col[c].g_count.g_cr.o[0];
                    end
                    if (c >= 1) begin : g_from_c1
                        localparam integer N6A = info(s - 1, c - 1, 1);
                        localparam integer SRA = info(s - 1, c - 1, 2);
                        if (N6A > 0) begin : g_c6
                            assign bg[B1 +: N6A] = g_st[s-1].g_col[c-1].g_count.g_c6.carry1;
                        end
                        if (SRA > 0) begin : g_cr
                            assign bg[B1 + N6A] = g_st[s-1].g_col[c-1].g_count.g_cr.o[1];
                        end
                    end
                    if (c >= 2) begin : g_from_c2
                        localparam integer N6B = info(s - 1, c - 2, 1);
                        localparam integer SRB = info(s - 1, c - 2, 2);
                        if (N6B > 0) begin : g_c6
                            assign bg[B2 +: N6B] = g_st[s-1].g_col[c-2].g_count.g_c6.carry2;
                        end
                        if (SRB >= 4) begin : g_cr
                            assign bg[B2 + N6B] = g_st[s-1].g_col[c-2].g_count.g_cr.o[2];
                        end
                    end
                end

                // ---------------------------------------------------- this stage's counters
                if (s < NST) begin : g_count
                    localparam integer N6 = info(s, c, 1);
                    localparam integer SR = info(s, c, 2);
                    if (N6 > 0) begin : g_c6
                        // N6 6:3 counters side by side, written as logic (see count6)
                        wire [N6-1:0] v0 = b[0 +: N6], v1 = b[N6 +: N6], v2 = b[2*N6 +: N6];
                        wire [N6-1:0] v3 = b[3*N6 +: N6], v4 = b[4*N6 +: N6], v5 = b[5*N6 +: N6];
                        wire [N6-1:0] p0 = v0 ^ v1 ^ v2, p1 = (v0 & v1) | (v0 & v2) | (v1 & v2);
                        wire [N6-1:0] q0 = v3 ^ v4 ^ v5, q1 = (v3 & v4) | (v3 & v5) | (v4 & v5);
                        wire [N6-1:0] h = p0 & q0;
                        wire [N6-1:0] sum = p0 ^ q0;
                        wire [N6-1:0] carry1 = p1 ^ q1 ^ h;
                        wire [N6-1:0] carry2 = (p1 & q1) | (p1 & h) | (q1 & h);
                        // weights past the count are always 0
                        if (c + 1 >= CNT_W) begin : g_o1_unused
                            wire unused_o1 = &{1'b0, carry1};
                        end
                        if (c + 2 >= CNT_W) begin : g_o2_unused
                            wire unused_o2 = &{1'b0, carry2};
                        end
                    end
                    if (SR > 0) begin : g_cr
                        // the remainder counter: SR (3..5) inputs
                        wire [5:0] in6;
                        wire [2:0] o;
                        if (SR < 6) begin : g_short
                            assign in6 = {{(6-SR){1'b0}}, b[6*N6 +: SR]};
                        end else begin : g_full
                            assign in6 = b[6*N6 +: 6];
                        end
                        assign o = count6(in6);
                        if (c + 1 >= CNT_W) begin : g_o1_unused
                            wire unused_o1 = &{1'b0, o[1]};
                        end
                        if (c + 2 >= CNT_W || SR < 4) begin : g_o2_unused
                            wire unused_o2 = &{1'b0, o[2]};  // a 3:2 counter has no o[2]
                        end
                    end
                end
            end
        end

        // ------------------------------------------------------------ the final adder
        wire [CNT_W-1:0] row0, row1;
        for (c = 0; c < CNT_W; c = c + 1) begin : g_rows
            localparam integer H = info(NST, c, 0);
            if (H >= 1) begin : g_r0
                assign row0[c] = g_st[NST].g_col[c].b[0];
            end else begin : g_r0_zero
                assign row0[c] = 1'b0;
            end
            if (H >= 2) begin : g_r1
                assign row1[c] = g_st[NST].g_col[c].b[1];
            end else begin : g_r1_zero
                assign row1[c] = 1'b0;
            end
        end
        assign count = row0 + row1;
    endgenerate
endmodule

`default_nettype wire
