// Formal properties of hwgen_window_max and hwgen_window_sum (the same counter and output
// register; only the lane arithmetic differs), included at the end of each under
// `ifdef FORMAL_HWGEN_WINDOW_MAX / FORMAL_HWGEN_WINDOW_SUM (rtl/formal/README.md). The stream
// rules on both sides; exactly one output beat per KK input beats: f_pending (windows whole
// but not yet given out) is 0 or 1 and is m_tvalid, and the window's beat count is cnt. Two
// windows pass (cover).
    hwgen_fv_axis #(.DATA_W($bits(s_tdata)), .IS_INPUT(1)) f_s (
        .clk(clk), .rst_n(rst_n), .tdata(s_tdata), .tvalid(s_tvalid), .tready(s_tready), .tlast(1'b0));
    hwgen_fv_axis #(.DATA_W($bits(m_tdata)), .IS_INPUT(0)) f_m (
        .clk(clk), .rst_n(rst_n), .tdata(m_tdata), .tvalid(m_tvalid), .tready(m_tready), .tlast(1'b0));
    reg f_past = 1'b0;
    reg [CW:0] f_part;    // beats of the window coming in
    reg [1:0] f_pending;  // windows in whole, not yet out
    reg [1:0] f_out;      // windows out since the reset, saturating at 3
    wire f_take = m_tvalid && m_tready;
    always @(posedge clk) begin
        f_past <= 1'b1;
        if (!rst_n) begin
            f_part <= 0;
            f_pending <= 0;
            f_out <= 0;
        end else begin
            if (fire) f_part <= (f_part == KK - 1) ? 0 : f_part + 1'b1;
            f_pending <= f_pending + (fire && f_part == KK - 1) - f_take;
            if (f_take && f_out != 2'd3) f_out <= f_out + 1'b1;
        end
    end
    always @* if (f_past) begin
        assert(f_pending == {1'b0, m_tvalid});  // one beat out per window, none made up
        assert(f_part == cnt && f_part < KK);
    end
    always @* cover(f_past && rst_n && f_out == 2'd2);
