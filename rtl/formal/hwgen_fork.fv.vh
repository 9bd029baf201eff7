// Formal properties of hwgen_fork, included at its end under `ifdef FORMAL_HWGEN_FORK
// (rtl/formal/README.md). The stream rules on the input (assumed) and on both outputs
// (asserted, each whatever the other's consumer does); each output gives out every input beat
// exactly once: its beats out minus the input beats taken is its done flag (0 or 1), so none
// is created, lost or given twice. Beats pass while the two consumers take them at different
// times (cover).
    hwgen_fv_axis #(.DATA_W(DATA_W), .IS_INPUT(1)) f_s (
        .clk(clk), .rst_n(rst_n), .tdata(s_tdata), .tvalid(s_tvalid), .tready(s_tready), .tlast(1'b0));
    hwgen_fv_axis #(.DATA_W(DATA_W), .IS_INPUT(0)) f_m0 (
        .clk(clk), .rst_n(rst_n), .tdata(m0_tdata), .tvalid(m0_tvalid), .tready(m0_tready), .tlast(1'b0));
    hwgen_fv_axis #(.DATA_W(DATA_W), .IS_INPUT(0)) f_m1 (
        .clk(clk), .rst_n(rst_n), .tdata(m1_tdata), .tvalid(m1_tvalid), .tready(m1_tready), .tlast(1'b0));
    reg f_past = 1'b0;
    reg [1:0] f_ahead0, f_ahead1;  // beats given out on m0 (m1) minus input beats taken
    reg [1:0] f_split;             // input beats whose outputs took them in different cycles
    wire f_in = s_tvalid && s_tready;
    wire f_out0 = m0_tvalid && m0_tready, f_out1 = m1_tvalid && m1_tready;
    always @(posedge clk) begin
        f_past <= 1'b1;
        if (!rst_n) begin
            f_ahead0 <= 0;
            f_ahead1 <= 0;
            f_split <= 0;
        end else begin
            f_ahead0 <= f_ahead0 + f_out0 - f_in;
            f_ahead1 <= f_ahead1 + f_out1 - f_in;
            if (f_in && (done0 || done1) && f_split != 2'd3) f_split <= f_split + 1'b1;
        end
    end
    always @* if (f_past && rst_n) begin
        assert(f_ahead0 == {1'b0, done0});
        assert(f_ahead1 == {1'b0, done1});
        assert(!(done0 && done1));  // a beat both have taken is taken from the input
        assert(m0_tdata == s_tdata && m1_tdata == s_tdata);
    end
    always @* cover(f_past && rst_n && f_split == 2'd2);
