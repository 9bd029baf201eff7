// Formal properties of hwgen_swg, included at its end under `ifdef FORMAL_HWGEN_SWG
// (rtl/formal/README.md). The stream rules on both sides, and the beats counted per frame:
// the input beats of a frame are wpos pixels of IN_BEATS beats plus bcnt; the window beats
// given out (plus the one presented) are the reader's position (oy, ox, ky, kx) in the
// OH*OW*K*K beats of a frame, so a frame gives out exactly its windows, in order; the reader's
// coordinates agree with each other (window origin, row offset, linear index, the next
// pixel's index and ring slot, registers with FLOW_REG), and the written flag is the check of
// the pixel against the writer (FLOW_REG: as it was a cycle before). A frame passes (cover).
    hwgen_fv_axis #(.DATA_W(IN_W), .IS_INPUT(1)) f_s (
        .clk(clk), .rst_n(rst_n), .tdata(s_tdata), .tvalid(s_tvalid), .tready(s_tready), .tlast(1'b0));
    hwgen_fv_axis #(.DATA_W(PIXEL_W), .IS_INPUT(0)) f_m (
        .clk(clk), .rst_n(rst_n), .tdata(m_tdata), .tvalid(m_tvalid), .tready(m_tready), .tlast(1'b0));
    localparam integer F_FB = OH * OW * K * K;  // window beats a frame
    localparam integer F_IB = HW * IN_BEATS;    // input beats a frame
    reg f_past = 1'b0;
    reg [31:0] f_in, f_out;  // beats of the current frame taken in / given out
    reg [1:0] f_frames;      // frames of windows given out, saturating
    wire f_take = m_tvalid && m_tready;
    always @(posedge clk) begin
        f_past <= 1'b1;
        if (!rst_n) begin
            f_in <= 0;
            f_out <= 0;
            f_frames <= 0;
        end else begin
            if (w_fire) f_in <= (f_in == F_IB - 1) ? 0 : f_in + 1;
            if (f_take) f_out <= (f_out == F_FB - 1) ? 0 : f_out + 1;
            if (f_take && f_out == F_FB - 1 && f_frames != 2'd3) f_frames <= f_frames + 1'b1;
        end
    end
    wire [31:0] f_pos = ((oy * OW + ox) * K + ky) * K + kx;  // the reader's next beat
    reg [1:0] f_wfr1;    // the writer's frame and wq, a cycle before
    reg [NW-1:0] f_wq1;
    reg f_run1 = 1'b0;   // the cycle before was out of reset
    always @(posedge clk) begin
        f_wfr1 <= wfr;
        f_wq1 <= wq;
        f_run1 <= rst_n;
    end
    function f_written;  // hwgen_swg's direct check: pixel qb is in the ring
        input [1:0] d;
        input [NW-1:0] w;
        f_written = (d == 2'd1) || (d == 2'd2) || (d == 2'd0 && qb < w);
    endfunction
    wire [31:0] f_next = (f_out == F_FB - 1) ? 0 : f_out + 1;
    wire [31:0] f_next2 = (f_next == F_FB - 1) ? 0 : f_next + 1;
    // beats read and not yet given out: the read's, and (FLOW_REG) the output register's
    wire [1:0] f_held = r_valid + ((FLOW_REG != 0) && m_tvalid);
    always @* if (f_past && rst_n) begin
        assert(bcnt <= BEAT_MAX_I && wpos <= HW_MAX_I);
        assert(f_in == wpos * IN_BEATS + bcnt);
        assert(kx <= K_MAX_I && ky <= K_MAX_I && ox <= OW_MAX_I && oy <= OH_MAX_I);
        assert(f_pos == (f_held == 2'd2 ? f_next2 : f_held == 2'd1 ? f_next : f_out));
        if (FLOW_REG == 0) assert(m_tvalid == r_valid);
        assert(ry0 == oy * S && cx0 == ox * S);
        assert(koff == ky * IMG_W + kx && rw == ry0 * IMG_W && qtop == rw + cx0);
        assert(qb == qtop + koff);  // FLOW_REG keeps it as a register
        assert(ry_k == ry && cx_k == cx);  // so too the pixel's row and column
        assert(in_image == in_image_now);  // and whether it is inside the image
        // whether the pixel presented next is written: the direct check, FLOW_REG's a
        // register of it against the writer as it was a cycle before (the writer only moves on)
        if (FLOW_REG == 0) assert(written == f_written(wfr - rfr, wq));
        else if (f_run1) assert(written == f_written(f_wfr1 - rfr, f_wq1));
        assert(wq == wpos + QOFF);  // FLOW_REG counts it
        assert(a_top < D && a_row < D && a_next < D && koff < D);  // slots are slots
        assert(raddr == ({1'b0, a_top} + {1'b0, koff}) % D);  // and the slot it is read from
    end
    // FLOW_REG: the writer's room, a register, grants no more than the direct check would
    // with the reader as it was two cycles before (the reader's L only grows within its frame)
    reg [1:0] f_rfr1, f_rfr2;
    reg [NW-1:0] f_low1, f_low2;
    reg f_run2 = 1'b0;
    always @(posedge clk) begin
        f_rfr1 <= rfr;
        f_rfr2 <= f_rfr1;
        f_low1 <= lowest;
        f_low2 <= f_low1;
        f_run2 <= f_run1 && rst_n;
    end
    function f_room;  // hwgen_swg's direct check: pixel w of the writer's frame may be written
        input [1:0] d;
        input [31:0] w;
        input [31:0] l;
        f_room = (d == 2'd3) || (d == 2'd0 && w < l + D) || (d == 2'd1 && w + HW < l + D)
                 || (d == 2'd2 && w + 2 * HW < l + D);
    endfunction
    generate
        if (FLOW_REG != 0) begin : g_f_room
            always @* if (f_past && rst_n) begin
                assert(g_flow.wpos1 == wpos + HW_N && g_flow.wpos2 == wpos + HW_N + HW_N);
                if (f_run2) assert(!room || f_room(wfr - f_rfr2, wpos, f_low2));
            end
        end
    endgenerate
    always @* cover(f_past && rst_n && f_frames == 2'd1);
