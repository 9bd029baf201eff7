// Formal properties of hwgen_pixel_pack, included at its end under `ifdef FORMAL_HWGEN_PIXEL_PACK
// (rtl/formal/README.md), proven with its converter's own (FORMAL_HWGEN_WIDTH_CONVERT: beats
// counted, nothing created or lost). The stream rules on both sides; two pixels pass (cover).
    hwgen_fv_axis #(.DATA_W(IN_W), .IS_INPUT(1)) f_s (
        .clk(clk), .rst_n(rst_n), .tdata(s_tdata), .tvalid(s_tvalid), .tready(s_tready), .tlast(1'b0));
    hwgen_fv_axis #(.DATA_W(OUT_W), .IS_INPUT(0)) f_m (
        .clk(clk), .rst_n(rst_n), .tdata(m_tdata), .tvalid(m_tvalid), .tready(m_tready), .tlast(1'b0));
    reg f_past = 1'b0;
    reg [1:0] f_pixels;  // pixels given out, saturating
    always @(posedge clk) begin
        f_past <= 1'b1;
        if (!rst_n) f_pixels <= 0;
        else if (m_tvalid && m_tready && f_pixels != 2'd3) f_pixels <= f_pixels + 1'b1;
    end
    always @* cover(f_past && rst_n && f_pixels == 2'd2);
