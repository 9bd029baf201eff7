// Formal properties of hwgen_add_streams, included at its end under
// `ifdef FORMAL_HWGEN_ADD_STREAMS (rtl/formal/README.md). The stream rules on both operands
// (assumed) and on the sum (asserted); a sum leaves exactly when one beat of each operand is
// taken (no state: nothing held, created or lost). Two sums pass (cover).
    hwgen_fv_axis #(.DATA_W(LANES*A_ELEM_W), .IS_INPUT(1)) f_s0 (
        .clk(clk), .rst_n(rst_n), .tdata(s0_tdata), .tvalid(s0_tvalid), .tready(s0_tready), .tlast(1'b0));
    hwgen_fv_axis #(.DATA_W(LANES*B_ELEM_W), .IS_INPUT(1)) f_s1 (
        .clk(clk), .rst_n(rst_n), .tdata(s1_tdata), .tvalid(s1_tvalid), .tready(s1_tready), .tlast(1'b0));
    hwgen_fv_axis #(.DATA_W(LANES*OUT_ELEM_W), .IS_INPUT(0)) f_m (
        .clk(clk), .rst_n(rst_n), .tdata(m_tdata), .tvalid(m_tvalid), .tready(m_tready), .tlast(1'b0));
    reg f_past = 1'b0;
    reg [1:0] f_out;
    wire f_take = m_tvalid && m_tready;
    always @(posedge clk) begin
        f_past <= 1'b1;
        if (!rst_n) f_out <= 0;
        else if (f_take && f_out != 2'd3) f_out <= f_out + 1'b1;
    end
    always @* if (f_past && rst_n) begin
        assert((s0_tvalid && s0_tready) == f_take);
        assert((s1_tvalid && s1_tready) == f_take);
    end
    always @* cover(f_past && rst_n && f_out == 2'd2);
