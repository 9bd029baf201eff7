// Simulation stand-ins for the PLL primitives in a synthesized netlist (hwgen/sim/uart_board.py
// renames the netlist's SB_PLL40_PAD and EHXPLLL cells to these; Yosys' own models of them
// are empty black boxes). The clock passes through at the board clock's rate (the simulated
// UART runs at its own divider, so only the wiring is under test: the clock the link runs on
// and its reset until LOCK), and LOCK rises after 8 reference cycles.
`default_nettype none

module hwgen_sim_SB_PLL40_PAD (
    input  wire PACKAGEPIN,
    output wire PLLOUTCORE,
    output wire PLLOUTGLOBAL,
    input  wire EXTFEEDBACK,
    input  wire [7:0] DYNAMICDELAY,
    output wire LOCK,
    input  wire BYPASS,
    input  wire RESETB,
    input  wire LATCHINPUTVALUE,
    output wire SDO,
    input  wire SDI,
    input  wire SCLK
);
    parameter FEEDBACK_PATH = "SIMPLE";
    parameter DIVR = 4'b0000;
    parameter DIVF = 7'b0000000;
    parameter DIVQ = 3'b000;
    parameter FILTER_RANGE = 3'b000;
    reg [3:0] n = 4'd0;
    always @(posedge PACKAGEPIN) if (!n[3]) n <= n + 1'b1;
    assign PLLOUTCORE = PACKAGEPIN;
    assign PLLOUTGLOBAL = PACKAGEPIN;
    assign LOCK = n[3];
    assign SDO = 1'b0;
endmodule

module hwgen_sim_EHXPLLL (
    input  wire CLKI, CLKFB, PHASESEL1, PHASESEL0, PHASEDIR, PHASESTEP, PHASELOADREG,
    input  wire STDBY, PLLWAKESYNC, RST, ENCLKOP, ENCLKOS, ENCLKOS2, ENCLKOS3,
    output wire CLKOP, CLKOS, CLKOS2, CLKOS3, LOCK, INTLOCK, REFCLK, CLKINTFB
);
    parameter CLKI_DIV = 1;
    parameter CLKFB_DIV = 1;
    parameter CLKOP_DIV = 8;
    parameter CLKOP_CPHASE = 0;
    parameter CLKOP_FPHASE = 0;
    reg [3:0] n = 4'd0;
    always @(posedge CLKI) if (!n[3]) n <= n + 1'b1;
    assign CLKOP = CLKI;
    assign {CLKOS, CLKOS2, CLKOS3, REFCLK, CLKINTFB} = {5{1'b0}};
    assign LOCK = n[3];
    assign INTLOCK = n[3];
endmodule

`default_nettype wire
