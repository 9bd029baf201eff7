// Formal properties of hwgen_label_select, included at its end under
// `ifdef FORMAL_HWGEN_LABEL_SELECT (rtl/formal/README.md). The stream rules on both sides;
// exactly one output beat per frame of NF input beats, and it carries TLAST: f_pending (frames
// in whole, index not yet out) is m_tvalid, the frame's beat count is `beat`. Two frames
// pass (cover).
    hwgen_fv_axis #(.DATA_W(PE*IN_W), .IS_INPUT(1)) f_s (
        .clk(clk), .rst_n(rst_n), .tdata(s_tdata), .tvalid(s_tvalid), .tready(s_tready), .tlast(1'b0));
    hwgen_fv_axis #(.DATA_W(OUT_W), .IS_INPUT(0)) f_m (
        .clk(clk), .rst_n(rst_n), .tdata(m_tdata), .tvalid(m_tvalid), .tready(m_tready), .tlast(m_tlast));
    reg f_past = 1'b0;
    reg [NW:0] f_part;
    reg [1:0] f_pending;
    reg [1:0] f_out;
    wire f_take = m_tvalid && m_tready;
    always @(posedge clk) begin
        f_past <= 1'b1;
        if (!rst_n) begin
            f_part <= 0;
            f_pending <= 0;
            f_out <= 0;
        end else begin
            if (fire) f_part <= (f_part == NF - 1) ? 0 : f_part + 1'b1;
            f_pending <= f_pending + (fire && f_part == NF - 1) - f_take;
            if (f_take && f_out != 2'd3) f_out <= f_out + 1'b1;
        end
    end
    always @* if (f_past) begin
        assert(f_pending == {1'b0, m_tvalid});  // one index per frame, none made up
        assert(f_part == beat && f_part < NF);
        if (m_tvalid) assert(m_tlast);  // the index is a frame of its own
    end
    always @* cover(f_past && rst_n && f_out == 2'd2);
