// hwgen_byte_shell: the generated accelerator (hwgen_top) behind byte-wide AXI-Streams, for
// parts with few pins (iCE40UP5K-SG48 has 39 I/O) or byte-oriented links (UART, SPI, FIFO
// bridges). Each accelerator beat travels as ceil(width/8) bytes, lowest first, zero-padded
// (a beat narrower than a byte is the low bits of one byte); m_last marks the last byte of a
// frame.
`default_nettype none

module hwgen_byte_shell #(
    parameter integer IN_W = 8,  // hwgen_top's input beat width
    parameter integer OUT_W = 8  // hwgen_top's output beat width
) (
    input  wire       clk,
    input  wire       rst_n,
    input  wire [7:0] s_tdata,
    input  wire       s_tvalid,
    output wire       s_tready,
    output wire [7:0] m_tdata,
    output wire       m_tvalid,
    input  wire       m_tready,
    output wire       m_tlast
);
    wire [IN_W-1:0]  in_tdata;
    wire             in_tvalid, in_tready;
    wire [OUT_W-1:0] out_tdata;
    wire             out_tvalid, out_tready, out_tlast;
    wire             unused_in_last;

    generate
        if (IN_W < 8) begin : g_in_byte
            // a beat narrower than a byte is one byte's low bits (a converter would split each
            // byte into several beats, which is not ceil(width/8) bytes per beat)
            wire [7-IN_W:0] unused_high = s_tdata[7:IN_W];
            assign in_tdata = s_tdata[IN_W-1:0];
            assign in_tvalid = s_tvalid;
            assign s_tready = in_tready;
            assign unused_in_last = 1'b0;
        end else begin : g_in_convert
            hwgen_width_convert #(.IN_W(8), .OUT_W(IN_W)) u_in (
                .clk(clk), .rst_n(rst_n),
                .s_tdata(s_tdata), .s_tvalid(s_tvalid), .s_tready(s_tready), .s_tlast(1'b0),
                .m_tdata(in_tdata), .m_tvalid(in_tvalid), .m_tready(in_tready),
                .m_tlast(unused_in_last)
            );
        end
    endgenerate

    hwgen_top u_top (
        .ap_clk(clk), .ap_rst_n(rst_n),
        .s_axis_tdata(in_tdata), .s_axis_tvalid(in_tvalid), .s_axis_tready(in_tready),
        .m_axis_tdata(out_tdata), .m_axis_tvalid(out_tvalid), .m_axis_tready(out_tready),
        .m_axis_tlast(out_tlast)
    );

    // the consumer (a UART) takes a byte in many cycles: the converter's ready is a register,
    // so the link's ready reaches no further than the converter (a faster clock)
    hwgen_width_convert #(.IN_W(OUT_W), .OUT_W(8), .READY_REG(1)) u_out (
        .clk(clk), .rst_n(rst_n),
        .s_tdata(out_tdata), .s_tvalid(out_tvalid), .s_tready(out_tready), .s_tlast(out_tlast),
        .m_tdata(m_tdata), .m_tvalid(m_tvalid), .m_tready(m_tready), .m_tlast(m_tlast)
    );
endmodule

`default_nettype wire
