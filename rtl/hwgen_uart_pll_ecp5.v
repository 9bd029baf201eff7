// hwgen_uart_pll_ecp5: hwgen_uart_link on a clock an ECP5 PLL (EHXPLLL, primary output fed
// back) makes from the board clock, for an accelerator that routes faster than the board
// clock. The divider parameters come from ecppll (hwgen/flows/pll.py); CLKS_PER_BIT is the PLL
// clock over the baud rate. The link stays in reset until the PLL locks and then for 16
// cycles of its clock.
`default_nettype none

module hwgen_uart_pll_ecp5 #(
    parameter integer IN_W = 8,           // hwgen_top's input beat width
    parameter integer OUT_W = 8,          // hwgen_top's output beat width
    parameter integer IN_BYTES = 1,       // bytes of one input frame (beats x ceil(IN_W/8))
    parameter integer OUT_BYTES = 1,      // bytes of one output frame
    parameter integer CLKS_PER_BIT = 4,   // PLL clock cycles per UART bit
    parameter integer TIMEOUT_BITS = 4096, // bit times of silence that abandon a command
    parameter [63:0] DIGEST = 64'd0,      // the build's digest (manifest), for 'I'
    parameter integer QUEUE_BYTES = 0,    // bytes of the next command held during a reply (0: none)
    parameter integer CLKI_DIV = 1,       // reference divider (ecppll)
    parameter integer CLKFB_DIV = 1,      // feedback divider (ecppll)
    parameter integer CLKOP_DIV = 1,      // VCO to output divider (ecppll)
    parameter integer CLKOP_CPHASE = 0,   // output coarse phase (ecppll)
    parameter integer CLKOP_FPHASE = 0    // output fine phase (ecppll)
) (
    input  wire clk,                      // the board's oscillator pin
    input  wire uart_rx,
    output wire uart_tx
);
    wire pll_clk, locked;
    EHXPLLL #(
        .PLLRST_ENA("DISABLED"), .INTFB_WAKE("DISABLED"), .STDBY_ENABLE("DISABLED"),
        .DPHASE_SOURCE("DISABLED"), .OUTDIVIDER_MUXA("DIVA"), .OUTDIVIDER_MUXB("DIVB"),
        .OUTDIVIDER_MUXC("DIVC"), .OUTDIVIDER_MUXD("DIVD"),
        .CLKI_DIV(CLKI_DIV), .CLKOP_ENABLE("ENABLED"), .CLKOP_DIV(CLKOP_DIV),
        .CLKOP_CPHASE(CLKOP_CPHASE), .CLKOP_FPHASE(CLKOP_FPHASE),
        .FEEDBK_PATH("CLKOP"), .CLKFB_DIV(CLKFB_DIV)
    ) u_pll (
        .RST(1'b0), .STDBY(1'b0), .CLKI(clk), .CLKOP(pll_clk), .CLKFB(pll_clk),
        .PHASESEL0(1'b0), .PHASESEL1(1'b0), .PHASEDIR(1'b1), .PHASESTEP(1'b1),
        .PHASELOADREG(1'b1), .PLLWAKESYNC(1'b0), .ENCLKOP(1'b0), .LOCK(locked)
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
