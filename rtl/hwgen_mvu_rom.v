// hwgen_mvu_rom: the MVU's weight ROM, read on `en` (q: the word of `addr`, 1 + BANKED
// cycles later).
//
// BANKED = 0: one memory of DEPTH words, read into q (a block RAM's own output latch), where
// STYLE puts it (0 Yosys' choice, 1 block RAM, 2 logic).
// BANKED = 1 or 2: banks of BANK_DEPTH words (one block RAM's depth at WL bits: Yosys maps each
// to blocks side by side, none cascaded in depth), each read into its block's latch and then
// into BANKED registers of its own in the fabric, the first beside its block; the multiplexer
// that picks the bank of `addr` comes after those registers. A deep ROM (a CNV layer's 36
// blocks) then has no path from a block's slow output across the die into the multiplexer:
// with two, the block's output (a DP16KD's is 5.6 ns without its output register, which
// Yosys does not use) has a register of its own to reach, and the route across the die
// starts at a flip-flop.
// Bank b reads the image {BANK_STEM, three decimal digits of b, ".mem"}: the generator
// writes one file per bank (hwgen.backends.rtl.codegen).
`default_nettype none

module hwgen_mvu_rom #(
    parameter integer WL = 1,          // bits a word
    parameter integer DEPTH = 1,       // words
    parameter integer AW = 1,          // address bits ($clog2(DEPTH), at least 1)
    parameter integer STYLE = 0,       // 0 Yosys' choice, 1 block RAM, 2 logic (LUTs)
    parameter integer BANKED = 0,      // 1, 2: banks of BANK_DEPTH words, each output registered
                                       // that many times
    parameter integer BANK_DEPTH = 1,  // BANKED: words a bank (a power of two below DEPTH)
    parameter FILE = "weights.mem",    // BANKED = 0: $readmemh image of the whole ROM
    parameter BANK_STEM = "weights_b"  // BANKED = 1: bank b's image is BANK_STEM + "%03d.mem"
) (
    input  wire          clk,
    input  wire          en,
    input  wire [AW-1:0] addr,
    output wire [WL-1:0] q
);
    localparam integer BA = (BANK_DEPTH > 1) ? $clog2(BANK_DEPTH) : 1;  // a bank's address bits
    localparam integer NB = (DEPTH + BANK_DEPTH - 1) / BANK_DEPTH;
    // The parameters' contract, checked at elaboration (by Icarus at time 0): a breach fails.
    generate
        if (BANKED != 0 && (BANK_DEPTH < 2 || BANK_DEPTH >= DEPTH || (1 << BA) != BANK_DEPTH
            || NB > 999 || BANKED > 2)) begin : g_contract0
`ifdef __ICARUS__
            initial $fatal(1, "%m: hwgen_mvu_rom: BANKED (1 or 2) needs a power-of-two BANK_DEPTH in [2, DEPTH), at most 999 banks (BANKED=%0d BANK_DEPTH=%0d DEPTH=%0d)", BANKED, BANK_DEPTH, DEPTH);
`else
            $error("hwgen_mvu_rom: BANKED (1 or 2) needs a power-of-two BANK_DEPTH in [2, DEPTH), at most 999 banks");
`endif
        end
    endgenerate
    generate
        if (BANKED == 0) begin : g_one
            reg [WL-1:0] w;
            assign q = w;
            // the attribute cannot take a parameter's value: one memory per style
            if (STYLE == 1) begin : g_block
                (* rom_style = "block" *) reg [WL-1:0] rom [0:DEPTH-1];
                initial $readmemh(FILE, rom);
                always @(posedge clk) if (en) w <= rom[addr];
            end else if (STYLE == 2) begin : g_logic
                (* rom_style = "logic" *) reg [WL-1:0] rom [0:DEPTH-1];
                initial $readmemh(FILE, rom);
                always @(posedge clk) if (en) w <= rom[addr];
            end else begin : g_auto
                reg [WL-1:0] rom [0:DEPTH-1];
                initial $readmemh(FILE, rom);
                always @(posedge clk) if (en) w <= rom[addr];
            end
        end else begin : g_banks
            localparam integer SW = (NB > 1) ? $clog2(NB) : 1;  // bank select bits
            wire [NB*WL-1:0] held;      // every bank's registered word
            // the bank of the word read, then of the words in the fabric registers
            reg  [SW*(BANKED+1)-1:0] sel;
            wire [AW-1:0]    bank_of = addr >> BA;
            always @(posedge clk) if (en) sel <= {sel[SW*BANKED-1:0], bank_of[SW-1:0]};
            wire unused_addr = &{1'b0, bank_of};
            genvar b;
            for (b = 0; b < NB; b = b + 1) begin : g_bank
                // the last bank holds the rest of the words, in a power of two's space
                localparam integer WORDS = (b == NB - 1) ? DEPTH - b * BANK_DEPTH : BANK_DEPTH;
                localparam integer WA = (WORDS > 2) ? $clog2(WORDS) : 1;
                localparam [7:0] D2 = 48 + b / 100, D1 = 48 + (b / 10) % 10, D0 = 48 + b % 10;
                reg [WL-1:0] rd, r;  // the block's latch, the fabric register beside it
                (* rom_style = "block" *) reg [WL-1:0] rom [0:(1 << WA)-1];
                initial $readmemh({BANK_STEM, D2, D1, D0, ".mem"}, rom, 0, WORDS - 1);
                always @(posedge clk) if (en) begin
                    rd <= rom[addr[WA-1:0]];  // words past the last bank's are never selected
                    r <= rd;
                end
                if (BANKED == 2) begin : g_far  // a second register, toward the multiplexer
                    reg [WL-1:0] r2;
                    always @(posedge clk) if (en) r2 <= r;
                    assign held[b*WL +: WL] = r2;
                end else begin : g_near
                    assign held[b*WL +: WL] = r;
                end
            end
            assign q = held[sel[SW*(BANKED+1)-1 -: SW]*WL +: WL];
        end
    endgenerate
endmodule

`default_nettype wire
