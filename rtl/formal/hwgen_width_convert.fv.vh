// Formal properties of hwgen_width_convert, included at its end under
// `ifdef FORMAL_HWGEN_WIDTH_CONVERT (rtl/formal/README.md). The stream rules on both sides;
// no narrow beat is created or lost: the narrow beats taken in (given out) minus N per wide
// beat given out (taken in) is what the converter holds, its count and its full wide beat;
// TLAST comes out exactly with the wide beat's last narrow beat (gathering) or the last narrow
// beat of a wide beat with TLAST (splitting). Two wide beats pass (cover).
    hwgen_fv_axis #(.DATA_W(IN_W), .IS_INPUT(1)) f_s (
        .clk(clk), .rst_n(rst_n), .tdata(s_tdata), .tvalid(s_tvalid), .tready(s_tready), .tlast(s_tlast));
    hwgen_fv_axis #(.DATA_W(OUT_W), .IS_INPUT(0)) f_m (
        .clk(clk), .rst_n(rst_n), .tdata(m_tdata), .tvalid(m_tvalid), .tready(m_tready), .tlast(m_tlast));
    reg f_past = 1'b0;
    reg [CW+1:0] f_held;  // narrow beats in (or N per wide beat in) minus those given out
    reg f_tlast;          // TLAST of the beat taken last
    reg [1:0] f_wide;     // wide beats through, saturating
    wire f_in = s_tvalid && s_tready, f_out = m_tvalid && m_tready;
    localparam [CW+1:0] F_N = N;
    always @(posedge clk) begin
        f_past <= 1'b1;
        if (f_in) f_tlast <= s_tlast;
        if (!rst_n) begin
            f_held <= 0;
            f_wide <= 0;
        end else if (IN_W < OUT_W) begin
            f_held <= f_held + f_in - (f_out ? F_N : 0);
            if (f_out && f_wide != 2'd3) f_wide <= f_wide + 1'b1;
        end else begin
            f_held <= f_held + (f_in ? F_N : 0) - f_out;
            if (f_in && f_wide != 2'd3) f_wide <= f_wide + 1'b1;
        end
    end
    always @* if (f_past && rst_n) begin
        assert(cnt <= LAST);
        if (IN_W < OUT_W) begin
            assert(f_held == {2'b00, cnt} + (full ? F_N : 0));
            if (m_tvalid) assert(m_tlast == f_tlast);  // the last narrow beat's
        end else begin
            assert(f_held == (full ? F_N - {2'b00, cnt} : 0));
            if (!full) assert(cnt == 0);
            if (full) assert(last == f_tlast);
            if (m_tvalid) assert(m_tlast == (f_tlast && cnt == LAST));
        end
    end
    always @* cover(f_past && rst_n && f_wide == 2'd2 && !m_tvalid);
