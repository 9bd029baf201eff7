// hwgen_uart_rx: 8N1 UART at CLKS_PER_BIT clock cycles per bit (the board's
// clock over the baud rate, an integer: 12 MHz / 3 Mbaud = 4, 25 MHz / 1 Mbaud = 25).
`default_nettype none

// Receiver: a two-flop synchronizer, the start bit's falling edge, each bit sampled in its
// middle; a byte whose stop bit is 0 (a framing error, a break) is dropped.
module hwgen_uart_rx #(
    parameter integer CLKS_PER_BIT = 4 // clock cycles per bit; at least 4
) (
    input  wire       clk,
    input  wire       rst_n,
    input  wire       rx,    // the serial line (idle high)
    output reg  [7:0] data,  // the byte received
    output reg        valid  // one cycle per byte received
);
    // The parameters' contract, checked at elaboration (by Icarus at time 0): a breach fails.
    generate
        if (CLKS_PER_BIT < 4) begin : g_contract0
`ifdef __ICARUS__
            initial $fatal(1, "%m: hwgen_uart_rx: CLKS_PER_BIT must be at least 4 (CLKS_PER_BIT=%0d)", CLKS_PER_BIT);
`else
            $error("hwgen_uart_rx: CLKS_PER_BIT must be at least 4");
`endif
        end
    endgenerate

    localparam integer CW = $clog2(2 * CLKS_PER_BIT) + 1;
    localparam integer FIRST_I = CLKS_PER_BIT + CLKS_PER_BIT / 2 - 1; // start edge -> bit 0's middle
    localparam integer NEXT_I = CLKS_PER_BIT - 1;
    localparam [CW-1:0] FIRST = FIRST_I[CW-1:0];
    localparam [CW-1:0] NEXT = NEXT_I[CW-1:0];

    reg [1:0] sync;
    reg [CW-1:0] cnt;
    reg [3:0] bitn;
    reg busy;
    reg [7:0] shift;
    wire line = sync[1];

    always @(posedge clk) begin
        sync <= {sync[0], rx};
        valid <= 1'b0;
        if (!rst_n) begin
            sync <= 2'b11;
            busy <= 1'b0;
            cnt <= {CW{1'b0}};
            bitn <= 4'd0;
        end else if (!busy) begin
            if (!line) begin
                busy <= 1'b1;
                cnt <= FIRST;
                bitn <= 4'd0;
            end
        end else if (cnt != {CW{1'b0}}) begin
            cnt <= cnt - 1'b1;
        end else if (bitn != 4'd8) begin
            shift <= {line, shift[7:1]};
            bitn <= bitn + 1'b1;
            cnt <= NEXT;
        end else begin // the stop bit's middle
            busy <= 1'b0;
            if (line) begin
                data <= shift;
                valid <= 1'b1;
            end
        end
    end
endmodule

`default_nettype wire
