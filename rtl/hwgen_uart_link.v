// hwgen_uart_link: the accelerator (through hwgen_byte_shell) behind a UART, with the framed
// protocol, on a clock and a reset from outside: hwgen_uart_shell gives it the board clock and
// a power-on reset, hwgen_uart_pll_<family> a PLL's clock, in reset until the PLL locks.
//
// Protocol (host -> board; every reply starts with a status byte; rtl/README.md has it all):
//   'I' (0x49)              -> 00, DIGEST (8 bytes, lowest first), IN_BYTES (2), OUT_BYTES (2),
//                              QUEUE_BYTES (2)
//   'F' (0x46) LEN(2) data  -> 00 then OUT_BYTES output bytes, when LEN == IN_BYTES;
//                              01 (wrong length) once LEN bytes are skipped, otherwise
//   any other byte          -> 02 (unknown command)
//   a gap of TIMEOUT_BITS bit times inside a command -> 03; the partial frame is dropped.
// A frame goes to the accelerator only once all of it has arrived (it waits in a FIFO), so a
// frame cut short never reaches it, and the shell is back in sync without a reset. With
// QUEUE_BYTES > 0 the bytes of the next command wait in a queue while a reply goes out, so a
// host may send a frame before the previous one's reply is back (two in flight).
`default_nettype none

module hwgen_uart_link #(
    parameter integer IN_W = 8,           // hwgen_top's input beat width
    parameter integer OUT_W = 8,          // hwgen_top's output beat width
    parameter integer IN_BYTES = 1,       // bytes of one input frame (beats x ceil(IN_W/8))
    parameter integer OUT_BYTES = 1,      // bytes of one output frame
    parameter integer CLKS_PER_BIT = 4,   // clock cycles per UART bit
    parameter integer TIMEOUT_BITS = 4096, // bit times of silence that abandon a command
    parameter [63:0] DIGEST = 64'd0,      // the build's digest (manifest), for 'I'
    parameter integer QUEUE_BYTES = 0     // bytes of the next command held during a reply (0: none)
) (
    input  wire clk,
    input  wire rst_n,                    // synchronous, active low
    input  wire uart_rx,
    output wire uart_tx
);
    // The parameters' contract, checked at elaboration (by Icarus at time 0): a breach fails.
    generate
        if (IN_BYTES < 1 || IN_BYTES > 65535 || OUT_BYTES < 1 || OUT_BYTES > 65535) begin : g_contract0
`ifdef __ICARUS__
            initial $fatal(1, "%m: hwgen_uart_link: IN_BYTES and OUT_BYTES must be 1 to 65535 (IN_BYTES=%0d OUT_BYTES=%0d)", IN_BYTES, OUT_BYTES);
`else
            $error("hwgen_uart_link: IN_BYTES and OUT_BYTES must be 1 to 65535");
`endif
        end
    endgenerate

    localparam [7:0] CMD_ID = 8'h49, CMD_FRAME = 8'h46;
    localparam [7:0] ST_OK = 8'h00, ST_LENGTH = 8'h01, ST_UNKNOWN = 8'h02, ST_TIMEOUT = 8'h03;
    localparam [2:0] S_IDLE = 3'd0, S_LEN0 = 3'd1, S_LEN1 = 3'd2, S_DATA = 3'd3,
                     S_SKIP = 3'd4, S_REPLY = 3'd5, S_RUN = 3'd6;
    localparam integer TW = $clog2(TIMEOUT_BITS * CLKS_PER_BIT + 1);
    localparam integer TIMEOUT_I = TIMEOUT_BITS * CLKS_PER_BIT;
    localparam integer TIMEOUT_PRE_I = TIMEOUT_I - 1;
    localparam [TW-1:0] TIMEOUT_PRE = TIMEOUT_PRE_I[TW-1:0];
    localparam [15:0] IN_N = IN_BYTES[15:0], OUT_N = OUT_BYTES[15:0], QUEUE_N = QUEUE_BYTES[15:0];

    wire [7:0] line_data;
    wire line_valid;
    hwgen_uart_rx #(.CLKS_PER_BIT(CLKS_PER_BIT)) u_rx (
        .clk(clk), .rst_n(rst_n), .rx(uart_rx), .data(line_data), .valid(line_valid)
    );

    reg [2:0] state;
    reg [7:0] len_lo;          // the length's low byte
    reg lo_in, lo_zero, lo_one; // it equals IN_BYTES' low byte, 0, 1 (decoded)
    reg [15:0] left;           // bytes of the frame still to come (a down-count, no adder)
    reg last_one;              // left == 1 as a flag, set a byte early: the state's enables
                               // wait on no 16-bit compare (a faster clock)
    reg [TW-1:0] quiet;        // cycles since the last byte inside a command
    reg quiet_out;             // quiet == TIMEOUT as a flag, set a cycle early (the same)
    reg [7:0] status;          // the reply's status byte
    reg reply_id;              // the reply is the identify record (15 bytes), not a status byte
    reg [3:0] idx;             // the reply byte being sent
    reg run_sent;              // S_RUN: the status byte has gone; output bytes follow
    reg run;                   // state == S_RUN, as a flag: the frame's handshake into the
                               // accelerator (a wide register's enable) is one LUT deep
    reg flush;
    // the frame buffer's reset, a register: a drop empties it a cycle after `flush` (nothing
    // enters or leaves it meanwhile: the parser is replying, the accelerator not running),
    // and its pointers and the block's address wait on no reset net from afar
    reg frame_rst_n;
    always @(posedge clk) frame_rst_n <= rst_n && !flush;

    // the bytes the command parser takes: straight from the line, or from the queue, which
    // holds the next command's bytes while the parser is busy with a reply (a host keeps at
    // most one command ahead, so the queue never overflows). Each comes with its compares
    // against the protocol's constants decoded (below), a register ahead of the parser where
    // there is a queue: its enables then wait on flags, not on 8-bit compares (a faster clock).
    wire [7:0] rx_data;
    wire rx_valid;
    wire is_id, is_frame, is_in_lo, is_in_hi, is_zero, is_one;
    function [5:0] decode;  // {ID, FRAME, IN_BYTES low byte, its high byte, 0, 1}
        input [7:0] b;
        decode = {b == CMD_ID, b == CMD_FRAME, b == IN_N[7:0], b == IN_N[15:8], b == 8'd0,
                  b == 8'd1};
    endfunction
    generate
        if (QUEUE_BYTES > 0) begin : g_queue
            wire parsing = (state == S_IDLE) || (state == S_LEN0) || (state == S_LEN1)
                           || (state == S_DATA) || (state == S_SKIP);
            wire q_valid, s_valid, s_ready;
            wire [7:0] s_data;
            wire [13:0] q_byte;  // the byte and its decoded compares
            // the queue is a frame buffer: its block RAM is read a cycle after a byte's write,
            // into registers (no collision bypass after the block), and its output FIFO's
            // entries, not the block, reach the decode below (a faster clock)
            hwgen_frame_buffer #(.DEPTH(QUEUE_BYTES < 2 ? 2 : QUEUE_BYTES)) u_queue (
                .clk(clk), .rst_n(rst_n),
                .s_tdata(line_data), .s_tvalid(line_valid),
                .m_tdata(s_data), .m_tvalid(s_valid), .m_tready(s_ready)
            );
            // a register between the queue and the parser: the decode's compares are not in
            // the parser's enables (a faster clock)
            hwgen_axis_fifo #(.DATA_W(14), .DEPTH(2)) u_slice (
                .clk(clk), .rst_n(rst_n),
                .s_tdata({decode(s_data), s_data}), .s_tvalid(s_valid), .s_tready(s_ready),
                .m_tdata(q_byte), .m_tvalid(q_valid), .m_tready(parsing)
            );
            assign {is_id, is_frame, is_in_lo, is_in_hi, is_zero, is_one, rx_data} = q_byte;
            assign rx_valid = q_valid && parsing;
        end else begin : g_direct
            assign rx_data = line_data;
            assign {is_id, is_frame, is_in_lo, is_in_hi, is_zero, is_one} = decode(line_data);
            assign rx_valid = line_valid;
        end
    endgenerate

    // the frame waits here until complete, then streams to the accelerator; its buffer's read
    // passes two registers and a FIFO (rtl/hwgen_frame_buffer.v), so no converter or handshake
    // meets a block RAM's read in a cycle (a faster clock). A drop empties it.
    wire [7:0] q_tdata;
    wire q_tvalid, q_tready;
    wire q_push = (state == S_DATA) && rx_valid;
    hwgen_frame_buffer #(.DEPTH(IN_BYTES < 2 ? 2 : IN_BYTES)) u_frame (
        .clk(clk), .rst_n(frame_rst_n),
        .s_tdata(rx_data), .s_tvalid(q_push),
        .m_tdata(q_tdata), .m_tvalid(q_tvalid), .m_tready(q_tready)
    );

    wire [7:0] acc_tdata;
    wire acc_tvalid, acc_tready, acc_tlast, acc_in_ready;
    hwgen_byte_shell #(.IN_W(IN_W), .OUT_W(OUT_W)) u_acc (
        .clk(clk), .rst_n(rst_n),
        .s_tdata(q_tdata), .s_tvalid(q_tvalid && run), .s_tready(acc_in_ready),
        .m_tdata(acc_tdata), .m_tvalid(acc_tvalid), .m_tready(acc_tready), .m_tlast(acc_tlast)
    );
    assign q_tready = acc_in_ready && run;

    // the identify record, byte by byte
    reg [7:0] id_byte;
    always @(*) begin
        case (idx)
            4'd0: id_byte = ST_OK;
            4'd1, 4'd2, 4'd3, 4'd4, 4'd5, 4'd6, 4'd7, 4'd8: id_byte = DIGEST[8 * (idx - 1) +: 8];
            4'd9: id_byte = IN_N[7:0];
            4'd10: id_byte = IN_N[15:8];
            4'd11: id_byte = OUT_N[7:0];
            4'd12: id_byte = OUT_N[15:8];
            4'd13: id_byte = QUEUE_N[7:0];
            default: id_byte = QUEUE_N[15:8];
        endcase
    end

    // what goes out: the reply's bytes, or in S_RUN the status then the accelerator's bytes
    wire from_acc = run && run_sent;
    wire [7:0] tx_data = from_acc ? acc_tdata : (state == S_REPLY && reply_id) ? id_byte : status;
    wire tx_valid = from_acc ? acc_tvalid : (state == S_REPLY) || (run && !run_sent);
    wire tx_ready;
    assign acc_tready = from_acc && tx_ready;
    hwgen_uart_tx #(.CLKS_PER_BIT(CLKS_PER_BIT)) u_tx (
        .clk(clk), .rst_n(rst_n), .data(tx_data), .valid(tx_valid), .ready(tx_ready),
        .tx(uart_tx)
    );
    wire tx_take = tx_valid && tx_ready;
    wire waiting = (state == S_LEN0) || (state == S_LEN1) || (state == S_DATA) || (state == S_SKIP);

    always @(posedge clk) begin
        flush <= 1'b0;
        if (!rst_n) begin
            state <= S_IDLE;
            quiet <= {TW{1'b0}};
            quiet_out <= 1'b0;
            run_sent <= 1'b0;
            run <= 1'b0;
            reply_id <= 1'b0;
            idx <= 4'd0;
            status <= ST_OK;
        end else begin
            quiet <= (waiting && !rx_valid) ? quiet + 1'b1 : {TW{1'b0}};
            quiet_out <= waiting && !rx_valid && (quiet == TIMEOUT_PRE);
            if (waiting && !rx_valid && quiet_out) begin
                flush <= 1'b1;             // a partial frame never reaches the accelerator
                status <= ST_TIMEOUT;
                reply_id <= 1'b0;
                idx <= 4'd0;
                state <= S_REPLY;
            end else begin
                case (state)
                    S_IDLE: if (rx_valid) begin
                        idx <= 4'd0;
                        if (is_id) begin
                            reply_id <= 1'b1;
                            state <= S_REPLY;
                        end else if (is_frame) begin
                            state <= S_LEN0;
                        end else begin
                            reply_id <= 1'b0;
                            status <= ST_UNKNOWN;
                            state <= S_REPLY;
                        end
                    end
                    S_LEN0: if (rx_valid) begin
                        len_lo <= rx_data;
                        lo_in <= is_in_lo;
                        lo_zero <= is_zero;
                        lo_one <= is_one;
                        state <= S_LEN1;
                    end
                    S_LEN1: if (rx_valid) begin
                        left <= {rx_data, len_lo};
                        last_one <= is_zero && lo_one;
                        reply_id <= 1'b0;
                        if (is_in_hi && lo_in) begin
                            state <= S_DATA;
                        end else if (is_zero && lo_zero) begin
                            status <= ST_LENGTH;
                            state <= S_REPLY;
                        end else begin
                            state <= S_SKIP;
                        end
                    end
                    S_DATA: if (rx_valid) begin
                        left <= left - 1'b1;
                        last_one <= (left == 16'd2);
                        if (last_one) begin
                            run_sent <= 1'b0;
                            status <= ST_OK;
                            state <= S_RUN;
                            run <= 1'b1;
                        end
                    end
                    S_SKIP: if (rx_valid) begin
                        left <= left - 1'b1;
                        last_one <= (left == 16'd2);
                        if (last_one) begin
                            status <= ST_LENGTH;
                            state <= S_REPLY;
                        end
                    end
                    S_REPLY: if (tx_take) begin
                        idx <= idx + 1'b1;
                        if (!reply_id || idx == 4'd14) state <= S_IDLE;
                    end
                    S_RUN: begin
                        if (tx_take && !run_sent) run_sent <= 1'b1;
                        if (acc_tready && acc_tvalid && acc_tlast) begin
                            state <= S_IDLE;
                            run <= 1'b0;
                        end
                    end
                    default: begin
                        state <= S_IDLE;
                        run <= 1'b0;
                    end
                endcase
            end
        end
    end
endmodule

`default_nettype wire
