// hwgen_uart_pll_ice40: hwgen_uart_link on a clock an iCE40 PLL (SB_PLL40_PAD, on the board's
// oscillator pin) makes from the board clock, for an accelerator that routes faster than the
// board clock. The divider parameters come from icepll (hwgen/flows/pll.py); CLKS_PER_BIT is
// the PLL clock over the baud rate. The link stays in reset until the PLL locks and then for
// 16 cycles of its clock.
`default_nettype none

module hwgen_uart_pll_ice40 #(
    parameter integer IN_W = 8,           // hwgen_top's input beat width
    parameter integer OUT_W = 8,          // hwgen_top's output beat width
    parameter integer IN_BYTES = 1,       // bytes of one input frame (beats x ceil(IN_W/8))
    parameter integer OUT_BYTES = 1,      // bytes of one output frame
    parameter integer CLKS_PER_BIT = 4,   // PLL clock cycles per UART bit
    parameter integer TIMEOUT_BITS = 4096, // bit times of silence that abandon a command
    parameter [63:0] DIGEST = 64'd0,      // the build's digest (manifest), for 'I'
    parameter integer QUEUE_BYTES = 0,    // bytes of the next command held during a reply (0: none)
    parameter [3:0] DIVR = 4'd0,          // reference divider - 1 (icepll)
    parameter [6:0] DIVF = 7'd0,          // feedback divider - 1 (icepll)
    parameter [2:0] DIVQ = 3'd0,          // VCO output divider, log2 (icepll)
    parameter [2:0] FILTER_RANGE = 3'd0   // loop filter setting for the PFD frequency (icepll)
) (
    input  wire clk,                      // the board's oscillator pin
    input  wire uart_rx,
    output wire uart_tx
);
    wire pll_clk, locked;
    SB_PLL40_PAD #(
        .FEEDBACK_PATH("SIMPLE"),
        .DIVR(DIVR), .DIVF(DIVF), .DIVQ(DIVQ), .FILTER_RANGE(FILTER_RANGE)
    ) u_pll (
        .PACKAGEPIN(clk), .PLLOUTGLOBAL(pll_clk), .LOCK(locked),
        .RESETB(1'b1), .BYPASS(1'b0)
    );

    // reset until the PLL locks, then 16 cycles of its clock
    reg [4:0] por;
    initial por = 5'd0;
    always @(posedge pll_clk) por <= !locked ? 5'd0 : por[4] ? por : por + 1'b1;

    hwgen_uart_link #(
        .IN_W(IN_W), .OUT_W(OUT_W), .IN_BYTES(IN_BYTES), .OUT_BYTES(OUT_BYTES),
        .CLKS_PER_BIT(CLKS_PER_BIT), .TIMEOUT_BITS(TIMEOUT_BITS), .DIGEST(DIGEST),
        .QUEUE_BYTES(QUEUE_BYTES)
    ) u_link (
        .clk(pll_clk), .rst_n(por[4]), .uart_rx(uart_rx), .uart_tx(uart_tx)
    );
endmodule

`default_nettype wire
