// hwgen_axi_shell: the accelerator (hwgen_top) as a DMA-attached IP: AXI-Stream in and out
// of DMA_W bits with TLAST, and an AXI-Lite block of control and status registers.
//
// Stream layout: each accelerator beat takes ceil(W/DMA_W) DMA words, lowest bits first,
// zero-padded (W = IN_W or OUT_W). A DMA transfer carries BATCH frames: the output's TLAST
// is on the last word of every BATCH-th frame (a simple-mode S2MM transfer ends at TLAST),
// and the input's TLAST is expected there too (a mismatch sets a sticky status bit).
//
// Registers (32 bit, byte addresses):
//   0x00 ID "HWG1"   0x04 VERSION        0x08 CONTROL (write 1 to bit 0: clear, see below)
//   0x0C STATUS (bit 0 busy, bit 1 input TLAST mismatch, sticky)
//   0x10 FRAMES_IN   0x14 FRAMES_OUT     0x18 CYCLES (clock cycles with a frame in flight)
//   0x1C IN_W | OUT_W << 16              0x20 IN_BEATS   0x24 OUT_BEATS   0x28 DMA_W
//   0x2C BATCH (frames per DMA transfer, read/write, reset 1)
// Clear resets the accelerator and the shell's framing as ap_rst_n does (BATCH excepted): a
// frame in flight is dropped, the counters start at 0, and the next DMA transfer starts a
// frame. The driver clears on open and after a DMA that timed out (with the DMA reset too).
// While the clear's reset is on (the cycle after the write), no stream beat is taken or given.
`default_nettype none

module hwgen_axi_shell #(
    parameter integer IN_W = 8,               // hwgen_top's input beat width
    parameter integer OUT_W = 8,              // hwgen_top's output beat width
    parameter integer IN_BEATS = 1,           // hwgen_top's input beats per frame
    parameter integer OUT_BEATS = 1,          // hwgen_top's output beats per frame
    parameter integer DMA_W = 32,             // DMA stream width
    parameter [31:0] VERSION = 32'h0001_0000  // reported in the VERSION register
) (
    input  wire             ap_clk,
    input  wire             ap_rst_n,
    // DMA MM2S -> accelerator
    input  wire [DMA_W-1:0] s_axis_tdata,
    input  wire             s_axis_tvalid,
    output wire             s_axis_tready,
    input  wire             s_axis_tlast,
    // accelerator -> DMA S2MM
    output wire [DMA_W-1:0] m_axis_tdata,
    output wire             m_axis_tvalid,
    input  wire             m_axis_tready,
    output wire             m_axis_tlast,
    // AXI-Lite control
    input  wire [5:0]       s_axi_control_awaddr,
    input  wire             s_axi_control_awvalid,
    output wire             s_axi_control_awready,
    input  wire [31:0]      s_axi_control_wdata,
    input  wire [3:0]       s_axi_control_wstrb,
    input  wire             s_axi_control_wvalid,
    output wire             s_axi_control_wready,
    output wire [1:0]       s_axi_control_bresp,
    output reg              s_axi_control_bvalid,
    input  wire             s_axi_control_bready,
    input  wire [5:0]       s_axi_control_araddr,
    input  wire             s_axi_control_arvalid,
    output wire             s_axi_control_arready,
    output reg  [31:0]      s_axi_control_rdata,
    output wire [1:0]       s_axi_control_rresp,
    output reg              s_axi_control_rvalid,
    input  wire             s_axi_control_rready
);
    localparam integer IN_WORDS = (IN_W + DMA_W - 1) / DMA_W;    // DMA words per input beat
    localparam integer OUT_WORDS = (OUT_W + DMA_W - 1) / DMA_W;  // DMA words per output beat
    localparam integer FRAME_WORDS = IN_BEATS * IN_WORDS;
    localparam integer OUT_FRAME_WORDS = OUT_BEATS * OUT_WORDS;
    localparam [31:0] ID = 32'h4857_4731;  // "HWG1"

    // ---------------------------------------------------------------- registers
    reg  [31:0] frames_in, frames_out, frames_started, cycles, batch;
    reg         tlast_error;
    reg  [31:0] in_words, out_words;   // word position within the current frame
    reg  [31:0] in_frame_in_batch, out_frame_in_batch;
    wire        busy = (frames_started != frames_out);
    wire        clear;
    reg         clearing;  // the cycle after a clear: the pipeline is held in reset
    wire        core_rst_n = ap_rst_n && !clearing;

    // ---------------------------------------------------------------- input side
    wire             in_fire = s_axis_tvalid && s_axis_tready;
    wire             shell_in_ready;  // the accelerator side's ready, before the reset gate
    assign s_axis_tready = shell_in_ready && core_rst_n;
    wire             in_frame_end = (in_words == FRAME_WORDS - 1);
    wire             in_batch_end = in_frame_end && (in_frame_in_batch == batch - 1);
    wire [IN_W-1:0]  top_in_tdata;
    wire             top_in_tvalid, top_in_tready;
    wire [OUT_W-1:0] top_out_tdata;
    wire             top_out_tvalid, top_out_tready, top_out_tlast;

    generate
        if (IN_W > DMA_W) begin : g_in_up
            wire unused_in_last;
            hwgen_width_convert #(.IN_W(DMA_W), .OUT_W(IN_W)) u_in (
                .clk(ap_clk), .rst_n(core_rst_n),
                .s_tdata(s_axis_tdata), .s_tvalid(s_axis_tvalid && core_rst_n), .s_tready(shell_in_ready), .s_tlast(1'b0),
                .m_tdata(top_in_tdata), .m_tvalid(top_in_tvalid), .m_tready(top_in_tready),
                .m_tlast(unused_in_last));
        end else begin : g_in_one
            // one beat per word: the low IN_W bits
            assign top_in_tdata = s_axis_tdata[IN_W-1:0];
            assign top_in_tvalid = s_axis_tvalid && core_rst_n;
            assign shell_in_ready = top_in_tready;
            if (DMA_W > IN_W) begin : g_pad
                wire unused_pad = &{1'b0, s_axis_tdata[DMA_W-1:IN_W]};
            end
        end
    endgenerate

    hwgen_top u_top (
        .ap_clk(ap_clk), .ap_rst_n(core_rst_n),
        .s_axis_tdata(top_in_tdata), .s_axis_tvalid(top_in_tvalid), .s_axis_tready(top_in_tready),
        .m_axis_tdata(top_out_tdata), .m_axis_tvalid(top_out_tvalid), .m_axis_tready(top_out_tready),
        .m_axis_tlast(top_out_tlast)
    );

    // ---------------------------------------------------------------- output side
    wire             out_fire = m_axis_tvalid && m_axis_tready;
    wire             out_frame_end = (out_words == OUT_FRAME_WORDS - 1);
    wire             out_batch_end = out_frame_end && (out_frame_in_batch == batch - 1);
    wire [DMA_W-1:0] out_word;
    wire             unused_out_last;
    wire             shell_out_valid;  // the accelerator side's valid, before the reset gate
    assign m_axis_tvalid = shell_out_valid && core_rst_n;
    generate
        if (OUT_W > DMA_W) begin : g_out_down
            hwgen_width_convert #(.IN_W(OUT_W), .OUT_W(DMA_W)) u_out (
                .clk(ap_clk), .rst_n(core_rst_n),
                .s_tdata(top_out_tdata), .s_tvalid(top_out_tvalid), .s_tready(top_out_tready),
                .s_tlast(top_out_tlast),
                .m_tdata(out_word), .m_tvalid(shell_out_valid), .m_tready(m_axis_tready && core_rst_n),
                .m_tlast(unused_out_last));
        end else begin : g_out_one
            if (DMA_W > OUT_W) begin : g_ext
                assign out_word = {{(DMA_W - OUT_W){1'b0}}, top_out_tdata};
            end else begin : g_same
                assign out_word = top_out_tdata;
            end
            assign shell_out_valid = top_out_tvalid;
            assign top_out_tready = m_axis_tready && core_rst_n;
            assign unused_out_last = top_out_tlast;
        end
    endgenerate
    assign m_axis_tdata = out_word;
    assign m_axis_tlast = out_batch_end;  // frames are counted here; the top's TLAST is redundant

    always @(posedge ap_clk) begin
        clearing <= ap_rst_n && clear;
        if (!ap_rst_n || clear) begin
            frames_in <= 32'd0;
            frames_out <= 32'd0;
            frames_started <= 32'd0;
            cycles <= 32'd0;
            tlast_error <= 1'b0;
            in_words <= 32'd0;
            out_words <= 32'd0;
            in_frame_in_batch <= 32'd0;
            out_frame_in_batch <= 32'd0;
        end else begin
            if (busy) cycles <= cycles + 32'd1;
            if (in_fire) begin
                if (in_words == 32'd0) frames_started <= frames_started + 32'd1;
                if (s_axis_tlast != in_batch_end) tlast_error <= 1'b1;
                in_words <= in_frame_end ? 32'd0 : in_words + 32'd1;
                if (in_frame_end) begin
                    frames_in <= frames_in + 32'd1;
                    in_frame_in_batch <= in_batch_end ? 32'd0 : in_frame_in_batch + 32'd1;
                end
            end
            if (out_fire) begin
                out_words <= out_frame_end ? 32'd0 : out_words + 32'd1;
                if (out_frame_end) begin
                    frames_out <= frames_out + 32'd1;
                    out_frame_in_batch <= out_batch_end ? 32'd0 : out_frame_in_batch + 32'd1;
                end
            end
        end
    end

    // ---------------------------------------------------------------- AXI-Lite
    // a write takes its address and data together; one outstanding response at a time
    wire wr = s_axi_control_awvalid && s_axi_control_wvalid && !s_axi_control_bvalid;
    assign s_axi_control_awready = wr;
    assign s_axi_control_wready = wr;
    assign s_axi_control_bresp = 2'b00;
    assign s_axi_control_arready = !s_axi_control_rvalid;
    assign s_axi_control_rresp = 2'b00;
    assign clear = wr && (s_axi_control_awaddr[5:2] == 4'h2) && s_axi_control_wstrb[0] && s_axi_control_wdata[0];
    wire unused_axil = &{1'b0, s_axi_control_awaddr[1:0], s_axi_control_araddr[1:0], s_axi_control_wstrb[3:1],
                         s_axi_control_wdata[31:1]};

    always @(posedge ap_clk) begin
        if (!ap_rst_n) begin
            s_axi_control_bvalid <= 1'b0;
            s_axi_control_rvalid <= 1'b0;
            batch <= 32'd1;
        end else begin
            if (wr) begin
                s_axi_control_bvalid <= 1'b1;
                // BATCH takes effect between transfers; 0 would never end one: kept at 1
                if (s_axi_control_awaddr[5:2] == 4'hB && s_axi_control_wstrb[0])
                    batch <= (s_axi_control_wdata == 32'd0) ? 32'd1 : {s_axi_control_wdata[31:1], s_axi_control_wdata[0]};
            end else if (s_axi_control_bready) begin
                s_axi_control_bvalid <= 1'b0;
            end
            if (s_axi_control_arvalid && !s_axi_control_rvalid) begin
                s_axi_control_rvalid <= 1'b1;
                case (s_axi_control_araddr[5:2])
                    4'h0: s_axi_control_rdata <= ID;
                    4'h1: s_axi_control_rdata <= VERSION;
                    4'h2: s_axi_control_rdata <= 32'd0;
                    4'h3: s_axi_control_rdata <= {30'd0, tlast_error, busy};
                    4'h4: s_axi_control_rdata <= frames_in;
                    4'h5: s_axi_control_rdata <= frames_out;
                    4'h6: s_axi_control_rdata <= cycles;
                    4'h7: s_axi_control_rdata <= (OUT_W << 16) | IN_W;
                    4'h8: s_axi_control_rdata <= IN_BEATS;
                    4'h9: s_axi_control_rdata <= OUT_BEATS;
                    4'hA: s_axi_control_rdata <= DMA_W;
                    4'hB: s_axi_control_rdata <= batch;
                    default: s_axi_control_rdata <= 32'hDEAD_BEEF;
                endcase
            end else if (s_axi_control_rready) begin
                s_axi_control_rvalid <= 1'b0;
            end
        end
    end
endmodule

`default_nettype wire
