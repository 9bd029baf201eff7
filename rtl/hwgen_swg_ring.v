// hwgen_swg_ring: the sliding window's line buffer, a ring of D pixels, written at the
// writer's slot and read (into a read latch, on `issue`) at the reader's. The reader never
// reads the slot written in the same cycle (a pixel is read once it is written, and
// overwritten only once no window needs it), so the memory needs no collision logic
// (`no_rw_check`): a block RAM's read leaves the block with no bypass multiplexer after it.
// Simulations check that claim every cycle (synthesis and the proofs do not see the check).
`default_nettype none

module hwgen_swg_ring #(
    parameter integer D = 2,         // pixels
    parameter integer AW = 1,        // bits of a slot
    parameter integer PIXEL_W = 1,   // bits per pixel
    parameter integer RAM_STYLE = 0  // 0 Yosys' choice, 1 block RAM
) (
    input  wire               clk,
    input  wire               rst_n,  // only for the check
    input  wire               we,
    input  wire [AW-1:0]      wa,
    input  wire [PIXEL_W-1:0] wd,
    input  wire               issue,  // read slot ra (a pad position's read is not used)
    input  wire               used,   // the read's pixel is used (not a pad position)
    input  wire [AW-1:0]      ra,
    output reg  [PIXEL_W-1:0] rd
);
    // an attribute cannot take a parameter's value, hence two branches
    generate
        if (RAM_STYLE == 1) begin : g_block
            (* ram_style = "block", no_rw_check *) reg [PIXEL_W-1:0] mem [0:D-1];
            always @(posedge clk) if (we) mem[wa] <= wd;
            always @(posedge clk) if (issue) rd <= mem[ra];
        end else begin : g_auto
            (* no_rw_check *) reg [PIXEL_W-1:0] mem [0:D-1];
            always @(posedge clk) if (we) mem[wa] <= wd;
            always @(posedge clk) if (issue) rd <= mem[ra];
        end
    endgenerate
`ifndef SYNTHESIS
`ifndef FORMAL
    always @(posedge clk) if (rst_n && we && issue && used && wa == ra)
        $fatal(1, "%m: hwgen_swg_ring: slot %0d read in the cycle it is written", ra);
`endif
`endif
endmodule

`default_nettype wire
