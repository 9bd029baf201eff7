// Formal properties of hwgen_axis_fifo, included at its end under `ifdef FORMAL_HWGEN_AXIS_FIFO
// (rtl/formal/README.md). The stream rules on both sides; every beat taken in leaves once, in
// between it occupies an entry (f_inside counts them); a frame of beats passes (cover).
    hwgen_fv_axis #(.DATA_W(DATA_W), .IS_INPUT(1)) f_s (
        .clk(clk), .rst_n(rst_n), .tdata(s_tdata), .tvalid(s_tvalid), .tready(s_tready), .tlast(1'b0));
    hwgen_fv_axis #(.DATA_W(DATA_W), .IS_INPUT(0)) f_m (
        .clk(clk), .rst_n(rst_n), .tdata(m_tdata), .tvalid(m_tvalid), .tready(m_tready), .tlast(1'b0));
    localparam [AW:0] FULL = DEPTH[AW:0];
    reg f_past = 1'b0;
    reg [AW+1:0] f_inside;  // beats taken in and not yet given out
    reg [3:0] f_out;        // beats given out since the reset, saturating
    wire [31:0] f_count32 = {{(31 - AW){1'b0}}, count};  // read by an outer kernel's proof
    always @(posedge clk) begin
        f_past <= 1'b1;
        if (!rst_n) begin
            f_inside <= 0;
            f_out <= 0;
        end else begin
            f_inside <= f_inside + push - pop;
            if (pop && f_out != 4'hf) f_out <= f_out + 1'b1;
        end
    end
    always @* if (f_past) begin
        assert(f_inside == count);  // nothing created, nothing lost
        assert(count <= FULL);
        assert(full == (count == FULL) && nonempty == (count != 0));  // the flags are the count's
        assert(wptr == ((rptr + count) % DEPTH));
        assert(rptr <= PTR_LAST && wptr <= PTR_LAST);
    end
    always @* cover(f_past && rst_n && f_out == DEPTH + 1);  // more beats than it holds pass
