// Formal properties of hwgen_mvu, included at its end under `ifdef FORMAL_HWGEN_MVU
// (rtl/formal/README.md). The stream rules on both sides, and: a stalled cycle (en low)
// leaves the datapath as it was (the counters, both pipeline stages, the accumulator, the
// output), so a run with stalls computes what the stall-free run computes, cycle for cycle
// with the stalled cycles left out; that is what lets a layer proof (hwgen/formal/layers.py)
// run the stall-free schedule only. No output beat is created or lost (NF owed per vector in,
// counted against what the unit holds). A whole vector's output passes (cover).
    hwgen_fv_axis #(.DATA_W(IN_W), .IS_INPUT(1)) f_s (
        .clk(clk), .rst_n(rst_n), .tdata(s_tdata), .tvalid(s_tvalid), .tready(s_tready), .tlast(1'b0));
    hwgen_fv_axis #(.DATA_W(PE*OUT_LANE_W), .IS_INPUT(0)) f_m (
        .clk(clk), .rst_n(rst_n), .tdata(m_tdata), .tvalid(m_tvalid), .tready(m_tready), .tlast(1'b0));
    // what the added stages hold (the operands, the control, the sum decided on): a stalled
    // cycle must leave it unchanged
    wire [SIMD*ELEM_W+WL+6+PE*CNT_W-1:0] f_stages =
        {x_op, w_op, v_op, first_op, last_op, v_a, first_a, last_a, dec_in};
    localparam integer NF_MAX = NF - 1, F_SF_MAX = SF - 1;
    localparam [SW-1:0] F_SF_LAST = F_SF_MAX[SW-1:0];
    localparam [NW-1:0] NF_LAST = NF_MAX[NW-1:0];
    reg f_past = 1'b0;
    reg [NW+1:0] f_out;  // output beats since the reset, saturating past NF
    always @(posedge clk) begin
        f_past <= 1'b1;
        if (!rst_n) f_out <= 0;
        else if (m_tvalid && m_tready && f_out <= NF) f_out <= f_out + 1'b1;
    end
    always @(posedge clk) begin
        if (f_past && $past(rst_n) && rst_n && !$past(en)) begin
            assert(sf_cnt == $past(sf_cnt) && nf_cnt == $past(nf_cnt) && addr == $past(addr));
            assert(v1 == $past(v1) && first1 == $past(first1) && last1 == $past(last1));
            assert(x1 == $past(x1) && w1 == $past(w1));
            assert(acc == $past(acc));
            // the output register too; a CREDIT FIFO goes on giving out what it holds
            if (CREDIT == 0) assert(m_tdata == $past(m_tdata) && m_tvalid == $past(m_tvalid));
            assert(f_stages == $past(f_stages));
        end
    end
    always @* cover(f_past && rst_n && f_out == NF);
    // No output beat is created or lost: NF beats are owed for every vector taken in, and
    // what is owed is what the unit still holds (a waiting vector, the rest of the one being
    // read, the beat in stage 1 and the one in the output register).
    reg [NW+3:0] f_owed;
    wire f_vec_in;  // a vector's last beat is taken
    wire [31:0] f_part;  // beats of the vector coming in (read by an outer kernel's proof)
    wire [31:0] f_owed32 = {{(28 - NW){1'b0}}, f_owed};
    localparam [NW+3:0] F_NF = NF;
    wire [NW+3:0] f_nf = {4'b0000, nf_cnt};
    // the added stages (ROM_REG, PC_REG, SUM_REG, THR_REG): each holds at most the beat of one
    // PE group
    wire [3:0] f_ends;  // a stage holds the last issue of a PE group
    if (ROM_REG != 0) begin : g_f_rom
        assign f_ends[0] = g_rom_reg.v2 && g_rom_reg.last2;
    end else begin : g_f_norom
        assign f_ends[0] = 1'b0;
    end
    // the lane's registers (PC_MID, PC_REG, SUM_REG: up to three), each a stage
    wire [2:0] f_lane;
    genvar f_k;
    for (f_k = 0; f_k < 3; f_k = f_k + 1) begin : g_f_lane
        if (f_k < LANE_LAT) begin : g_in
            assign f_lane[f_k] = g_pc_ctl.vs[f_k] && g_pc_ctl.ls[f_k];
        end else begin : g_out
            assign f_lane[f_k] = 1'b0;
        end
    end
    assign f_ends[1] = f_lane[0];
    assign f_ends[2] = f_lane[1];
    if (THR_REG != 0) begin : g_f_fin
        assign f_ends[3] = g_fin.fin_v;
    end else begin : g_f_nofin
        assign f_ends[3] = 1'b0;
    end
    // ROM_BANK: the elements waiting for the banked word (in one or two registers)
    wire f_bank, f_bank2;
    if (ROM_BANK != 0) begin : g_f_bank
        assign f_bank = g_bank.vb && g_bank.lb;
    end else begin : g_f_nobank
        assign f_bank = 1'b0;
    end
    if (ROM_BANK == 2) begin : g_f_bank2
        assign f_bank2 = g_bank.g_far.vc && g_bank.g_far.lc;
    end else begin : g_f_nobank2
        assign f_bank2 = 1'b0;
    end
    wire [NW+3:0] f_flight = {{(NW+3){1'b0}}, v1 && last1} + {{(NW+2){1'b0}}, out_held}
        + {{(NW+3){1'b0}}, f_bank} + {{(NW+3){1'b0}}, f_bank2}
        + {{(NW+3){1'b0}}, f_ends[0]} + {{(NW+3){1'b0}}, f_ends[1]} + {{(NW+3){1'b0}}, f_ends[2]}
        + {{(NW+3){1'b0}}, f_ends[3]} + {{(NW+3){1'b0}}, f_lane[2]};
    always @(posedge clk) begin
        if (!rst_n) f_owed <= 0;
        else f_owed <= f_owed + (f_vec_in ? F_NF : 0) - (m_tvalid && m_tready);
    end
    always @* if (f_past && rst_n) begin
        assert(sf_cnt <= F_SF_LAST && nf_cnt <= NF_LAST);
        assert(sf_at == (sf_cnt == F_SF_LAST) && nf_at == (nf_cnt == NF_LAST));
        assert(all_at == (sf_at && nf_at));
        assert(addr == nf_cnt * SF + sf_cnt);
        if (!rvalid) assert(sf_cnt == 0 && nf_cnt == 0);
    end
    // the input buffers' state (rtl/hwgen_mvu_input.v), connected after flattening
    // (KernelSpec.probes: Yosys reads no hierarchical names): a whole vector waiting
    (* keep *) wire f_probe_vec_in, f_probe_wait;
    (* keep *) wire [31:0] f_probe_part;
    assign f_vec_in = f_probe_vec_in;
    assign f_part = f_probe_part;
    always @* if (f_past && rst_n)
        assert(f_owed == (f_probe_wait ? F_NF : 0) + (rvalid ? F_NF - f_nf : 0) + f_flight);
