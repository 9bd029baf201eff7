// Formal properties of hwgen_int_sign, included at its end under `ifdef FORMAL_HWGEN_INT_SIGN
// (rtl/formal/README.md). The stream rules on both sides, and a beat leaves in the cycle it
// is taken (no state: nothing held, created or lost). Two beats pass (cover).
    hwgen_fv_axis #(.DATA_W(LANES*ELEM_W), .IS_INPUT(1)) f_s (
        .clk(clk), .rst_n(rst_n), .tdata(s_tdata), .tvalid(s_tvalid), .tready(s_tready), .tlast(1'b0));
    hwgen_fv_axis #(.DATA_W(LANES), .IS_INPUT(0)) f_m (
        .clk(clk), .rst_n(rst_n), .tdata(m_tdata), .tvalid(m_tvalid), .tready(m_tready), .tlast(1'b0));
    reg f_past = 1'b0;
    reg [1:0] f_out;
    always @(posedge clk) begin
        f_past <= 1'b1;
        if (!rst_n) f_out <= 0;
        else if (m_tvalid && m_tready && f_out != 2'd3) f_out <= f_out + 1'b1;
    end
    always @* if (f_past && rst_n) assert((s_tvalid && s_tready) == (m_tvalid && m_tready));
    always @* cover(f_past && rst_n && f_out == 2'd2);
