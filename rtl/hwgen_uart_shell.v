// hwgen_uart_shell: the accelerator behind a UART (hwgen_uart_link; its framed protocol is in
// rtl/README.md) for boards whose only host link is a USB serial bridge (iCEBreaker, ULX3S),
// on the board's clock. Its I/O is the clock and the two UART lines; reset comes from a
// power-on counter.
`default_nettype none

module hwgen_uart_shell #(
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
    input  wire uart_rx,
    output wire uart_tx
);
    // power-on reset: 16 cycles low
    reg [4:0] por;
    initial por = 5'd0; // FPGA flip-flops start from their init value
    always @(posedge clk) if (!por[4]) por <= por + 1'b1;

    hwgen_uart_link #(
        .IN_W(IN_W), .OUT_W(OUT_W), .IN_BYTES(IN_BYTES), .OUT_BYTES(OUT_BYTES),
        .CLKS_PER_BIT(CLKS_PER_BIT), .TIMEOUT_BITS(TIMEOUT_BITS), .DIGEST(DIGEST),
        .QUEUE_BYTES(QUEUE_BYTES)
    ) u_link (
        .clk(clk), .rst_n(por[4]), .uart_rx(uart_rx), .uart_tx(uart_tx)
    );
endmodule

`default_nettype wire
