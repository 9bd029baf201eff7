// hwgen_delay: DATA_W bits through CYCLES registers that load on `en` (CYCLES = 0: a wire).
// The MVU's optional pipeline stages are built from it, each a parameter that is 0 or 1.
`default_nettype none

module hwgen_delay #(
    parameter integer DATA_W = 1, // bits passed on
    parameter integer CYCLES = 1  // registers on the way (0: none)
) (
    input  wire              clk,
    input  wire              en,  // every register loads
    input  wire [DATA_W-1:0] d,
    output wire [DATA_W-1:0] q
);
    // The parameters' contract, checked at elaboration (by Icarus at time 0): a breach fails.
    generate
        if (DATA_W < 1 || CYCLES < 0) begin : g_contract0
`ifdef __ICARUS__
            initial $fatal(1, "%m: hwgen_delay: needs DATA_W >= 1 and CYCLES >= 0 (DATA_W=%0d CYCLES=%0d)", DATA_W, CYCLES);
`else
            $error("hwgen_delay: needs DATA_W >= 1 and CYCLES >= 0");
`endif
        end
        if (CYCLES == 0) begin : g_wire
            assign q = d;
            wire unused_clk = &{1'b0, clk, en};
        end else begin : g_regs
            reg [CYCLES*DATA_W-1:0] r;  // register k at bits [k*DATA_W, +DATA_W)
            if (CYCLES == 1) begin : g_one
                always @(posedge clk) if (en) r <= d;
            end else begin : g_shift
                always @(posedge clk) if (en) r <= {r[(CYCLES-1)*DATA_W-1:0], d};
            end
            assign q = r[CYCLES*DATA_W-1 -: DATA_W];
        end
    endgenerate
endmodule

`default_nettype wire
