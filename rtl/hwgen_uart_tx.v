// hwgen_uart_tx: 8N1 UART at CLKS_PER_BIT clock cycles per bit (the board's
// clock over the baud rate, an integer: 12 MHz / 3 Mbaud = 4, 25 MHz / 1 Mbaud = 25).
`default_nettype none

// Transmitter: start bit, eight data bits (lowest first), a whole stop bit before `ready`.
module hwgen_uart_tx #(
    parameter integer CLKS_PER_BIT = 4 // clock cycles per bit; at least 4
) (
    input  wire       clk,
    input  wire       rst_n,
    input  wire [7:0] data,
    input  wire       valid,
    output wire       ready, // a byte is taken when valid and ready
    output reg        tx     // the serial line (idle high)
);
    // The parameters' contract, checked at elaboration (by Icarus at time 0): a breach fails.
    generate
        if (CLKS_PER_BIT < 4) begin : g_contract0
`ifdef __ICARUS__
            initial $fatal(1, "%m: hwgen_uart_tx: CLKS_PER_BIT must be at least 4 (CLKS_PER_BIT=%0d)", CLKS_PER_BIT);
`else
            $error("hwgen_uart_tx: CLKS_PER_BIT must be at least 4");
`endif
        end
    endgenerate

    localparam integer CW = $clog2(CLKS_PER_BIT) + 1;
    localparam integer NEXT_I = CLKS_PER_BIT - 1;
    localparam [CW-1:0] NEXT = NEXT_I[CW-1:0];

    reg [9:0] shift;
    reg [3:0] left; // bit periods still to start: start, 8 data, stop, and the stop's end
    reg [CW-1:0] cnt;
    assign ready = (left == 4'd0);

    always @(posedge clk) begin
        if (!rst_n) begin
            tx <= 1'b1;
            left <= 4'd0;
            cnt <= {CW{1'b0}};
        end else if (left == 4'd0) begin
            if (valid) begin
                shift <= {1'b1, data, 1'b0};
                left <= 4'd11;
                cnt <= {CW{1'b0}};
            end
        end else if (cnt != {CW{1'b0}}) begin
            cnt <= cnt - 1'b1;
        end else begin
            tx <= shift[0];
            shift <= {1'b1, shift[9:1]};
            left <= left - 1'b1;
            cnt <= NEXT;
        end
    end
endmodule

`default_nettype wire
