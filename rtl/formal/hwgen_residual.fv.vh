// Formal properties of hwgen_residual, included at its end under `ifdef FORMAL_HWGEN_RESIDUAL
// (rtl/formal/README.md), proven with its inner kernels' own (the fork, the sign, the MVU and
// the shortcut FIFO each keep the stream rules and count their beats; here their input rules
// are asserted, not assumed, since a sibling drives them). The stream rules on both sides,
// and every h_in beat leaves once, as one h_out beat: what is owed (beats in minus beats out)
// is what each path holds, less the beat it has taken ahead of the fork: the shortcut FIFO's
// entries; the MVU's partial vector and its owed beats (the sign holds none; the MVU's input and output
// beats are alike, NF a vector). The f_probe_* wires are the inner kernels' state, connected
// after flattening (KernelSpec.probes: Yosys reads no hierarchical names). A vector passes.
    hwgen_fv_axis #(.DATA_W(PE*IN_ELEM_W), .IS_INPUT(1)) f_s (
        .clk(clk), .rst_n(rst_n), .tdata(s_tdata), .tvalid(s_tvalid), .tready(s_tready), .tlast(1'b0));
    hwgen_fv_axis #(.DATA_W(PE*OUT_ELEM_W), .IS_INPUT(0)) f_m (
        .clk(clk), .rst_n(rst_n), .tdata(m_tdata), .tvalid(m_tvalid), .tready(m_tready), .tlast(1'b0));
    localparam integer F_NF = (MW + PE - 1) / PE;  // beats a vector, in and out
    (* keep *) wire [31:0] f_probe_sc, f_probe_part, f_probe_owed;
    (* keep *) wire f_probe_done0, f_probe_done1;
    reg f_past = 1'b0;
    reg [31:0] f_owed;
    reg [$clog2(F_NF + 2):0] f_out;  // beats given out, saturating
    always @(posedge clk) begin
        f_past <= 1'b1;
        if (!rst_n) begin
            f_owed <= 0;
            f_out <= 0;
        end else begin
            f_owed <= f_owed + (s_tvalid && s_tready) - (m_tvalid && m_tready);
            if (m_tvalid && m_tready && f_out <= F_NF) f_out <= f_out + 1'b1;
        end
    end
    always @* if (f_past && rst_n) begin
        assert((m_tvalid && m_tready) == (q_tvalid && q_tready));
        assert((m_tvalid && m_tready) == (h_tvalid && h_tready));
        assert(f_owed + f_probe_done1 == f_probe_sc);
        assert(f_owed + f_probe_done0 == f_probe_part + f_probe_owed);
    end
    always @* cover(f_past && rst_n && f_out == F_NF);
