// Formal properties of hwgen_mvu, included at its end under `ifdef FORMAL_HWGEN_MVU
// (rtl/formal/README.md). The stream rules on both sides, and: a stalled cycle (en low)
// leaves the datapath as it was (the counters, both pipeline stages, the accumulator, the
// output), so a run with stalls computes what the stall-free run computes, cycle for cycle
// with the stalled cycles left out; that is what lets a layer proof (hwgen/formal/layers.py)
// run the stall-free schedule only. A whole vector's output passes (cover).
    hwgen_fv_axis #(.DATA_W(IN_W), .IS_INPUT(1)) f_s (
        .clk(clk), .rst_n(rst_n), .tdata(s_tdata), .tvalid(s_tvalid), .tready(s_tready), .tlast(1'b0));
    hwgen_fv_axis #(.DATA_W(PE*OUT_LANE_W), .IS_INPUT(0)) f_m (
        .clk(clk), .rst_n(rst_n), .tdata(m_tdata), .tvalid(m_tvalid), .tready(m_tready), .tlast(1'b0));
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
            assert(acc == $past(acc) && m_tdata == $past(m_tdata) && m_tvalid == $past(m_tvalid));
        end
    end
    always @* cover(f_past && rst_n && f_out == NF);
