// hwgen_sim_DP16KD: a behavioural model of the ECP5 block RAM (DP16KD) as Yosys' synth_ecp5
// uses it, for simulating a synthesized netlist (hwgen/sim/netlist.py renames the netlist's
// DP16KD cells to this; Yosys' own DP16KD model is an empty black box, so a netlist with
// block RAM could not be simulated before). It is checked against the RTL Yosys maps, at
// every width (tests/sim/test_ecp5_block_ram_netlist.py): it agrees with Yosys' mapping, which
// is what a board runs; no board here checks either against silicon.
//
// The memory is 1,024 rows of 18 bits, each INITVAL_xx holding 16 rows in 20-bit slots (the
// layout of Yosys' ecp5/brams_map.v). A port DATA_WIDTH_x wide addresses units of that width
// by its upper address bits (18: AD[13:4], 9: AD[13:3], 4: AD[13:2], 2: AD[13:1], 1: all);
// units narrower than 9 bits sit in the eight data bits of each 9-bit byte (the ninth is
// parity), so unit k of a row starts at bit (k / (8/W)) * 9 + (k % (8/W)) * W. Width 36 is
// the pseudo-dual-port mode: A writes, B reads rows 2u (DOA, DIA) and 2u + 1 (DOB, DIB),
// with byte enables on AD[3:0]; at width 18 they are AD[1:0].
// REGMODE_x = "OUTREG" adds the output register after the read latch, loaded on OCEx
// (hwgen.flows.ecp5_outreg moves a fabric register there); "NOREG" drives DO from the latch.
// At width 36 the word has one REGMODE and one enable (PDPW16KD's): both ports' must agree,
// and both clocks be one net, as hwgen.flows.ecp5_outreg sets them.
// What hwgen's netlists never use stops the simulation instead of guessing: a reset, a chip
// select that deselects, an inverted clock, width 36 on one port only, or its two ports'
// output registers set apart.
`default_nettype none

module hwgen_sim_DP16KD (
    input  wire DIA17, DIA16, DIA15, DIA14, DIA13, DIA12, DIA11, DIA10, DIA9,
    input  wire DIA8, DIA7, DIA6, DIA5, DIA4, DIA3, DIA2, DIA1, DIA0,
    input  wire ADA13, ADA12, ADA11, ADA10, ADA9, ADA8, ADA7, ADA6, ADA5,
    input  wire ADA4, ADA3, ADA2, ADA1, ADA0,
    input  wire CEA, OCEA, CLKA, WEA, RSTA, CSA2, CSA1, CSA0,
    output wire DOA17, DOA16, DOA15, DOA14, DOA13, DOA12, DOA11, DOA10, DOA9,
    output wire DOA8, DOA7, DOA6, DOA5, DOA4, DOA3, DOA2, DOA1, DOA0,
    input  wire DIB17, DIB16, DIB15, DIB14, DIB13, DIB12, DIB11, DIB10, DIB9,
    input  wire DIB8, DIB7, DIB6, DIB5, DIB4, DIB3, DIB2, DIB1, DIB0,
    input  wire ADB13, ADB12, ADB11, ADB10, ADB9, ADB8, ADB7, ADB6, ADB5,
    input  wire ADB4, ADB3, ADB2, ADB1, ADB0,
    input  wire CEB, OCEB, CLKB, WEB, RSTB, CSB2, CSB1, CSB0,
    output wire DOB17, DOB16, DOB15, DOB14, DOB13, DOB12, DOB11, DOB10, DOB9,
    output wire DOB8, DOB7, DOB6, DOB5, DOB4, DOB3, DOB2, DOB1, DOB0
);
    parameter integer DATA_WIDTH_A = 18;
    parameter integer DATA_WIDTH_B = 18;
    parameter REGMODE_A = "NOREG";
    parameter REGMODE_B = "NOREG";
    parameter RESETMODE = "SYNC";
    parameter ASYNC_RESET_RELEASE = "SYNC";
    parameter CSDECODE_A = "0b000";
    parameter CSDECODE_B = "0b000";
    parameter WRITEMODE_A = "NORMAL";
    parameter WRITEMODE_B = "NORMAL";
    parameter CLKAMUX = "CLKA";
    parameter CLKBMUX = "CLKB";
    parameter GSR = "ENABLED";
    parameter WID = 0;
    parameter INIT_DATA = "STATIC";
    parameter [319:0] INITVAL_00 = 320'h0;
    parameter [319:0] INITVAL_01 = 320'h0;
    parameter [319:0] INITVAL_02 = 320'h0;
    parameter [319:0] INITVAL_03 = 320'h0;
    parameter [319:0] INITVAL_04 = 320'h0;
    parameter [319:0] INITVAL_05 = 320'h0;
    parameter [319:0] INITVAL_06 = 320'h0;
    parameter [319:0] INITVAL_07 = 320'h0;
    parameter [319:0] INITVAL_08 = 320'h0;
    parameter [319:0] INITVAL_09 = 320'h0;
    parameter [319:0] INITVAL_0A = 320'h0;
    parameter [319:0] INITVAL_0B = 320'h0;
    parameter [319:0] INITVAL_0C = 320'h0;
    parameter [319:0] INITVAL_0D = 320'h0;
    parameter [319:0] INITVAL_0E = 320'h0;
    parameter [319:0] INITVAL_0F = 320'h0;
    parameter [319:0] INITVAL_10 = 320'h0;
    parameter [319:0] INITVAL_11 = 320'h0;
    parameter [319:0] INITVAL_12 = 320'h0;
    parameter [319:0] INITVAL_13 = 320'h0;
    parameter [319:0] INITVAL_14 = 320'h0;
    parameter [319:0] INITVAL_15 = 320'h0;
    parameter [319:0] INITVAL_16 = 320'h0;
    parameter [319:0] INITVAL_17 = 320'h0;
    parameter [319:0] INITVAL_18 = 320'h0;
    parameter [319:0] INITVAL_19 = 320'h0;
    parameter [319:0] INITVAL_1A = 320'h0;
    parameter [319:0] INITVAL_1B = 320'h0;
    parameter [319:0] INITVAL_1C = 320'h0;
    parameter [319:0] INITVAL_1D = 320'h0;
    parameter [319:0] INITVAL_1E = 320'h0;
    parameter [319:0] INITVAL_1F = 320'h0;
    parameter [319:0] INITVAL_20 = 320'h0;
    parameter [319:0] INITVAL_21 = 320'h0;
    parameter [319:0] INITVAL_22 = 320'h0;
    parameter [319:0] INITVAL_23 = 320'h0;
    parameter [319:0] INITVAL_24 = 320'h0;
    parameter [319:0] INITVAL_25 = 320'h0;
    parameter [319:0] INITVAL_26 = 320'h0;
    parameter [319:0] INITVAL_27 = 320'h0;
    parameter [319:0] INITVAL_28 = 320'h0;
    parameter [319:0] INITVAL_29 = 320'h0;
    parameter [319:0] INITVAL_2A = 320'h0;
    parameter [319:0] INITVAL_2B = 320'h0;
    parameter [319:0] INITVAL_2C = 320'h0;
    parameter [319:0] INITVAL_2D = 320'h0;
    parameter [319:0] INITVAL_2E = 320'h0;
    parameter [319:0] INITVAL_2F = 320'h0;
    parameter [319:0] INITVAL_30 = 320'h0;
    parameter [319:0] INITVAL_31 = 320'h0;
    parameter [319:0] INITVAL_32 = 320'h0;
    parameter [319:0] INITVAL_33 = 320'h0;
    parameter [319:0] INITVAL_34 = 320'h0;
    parameter [319:0] INITVAL_35 = 320'h0;
    parameter [319:0] INITVAL_36 = 320'h0;
    parameter [319:0] INITVAL_37 = 320'h0;
    parameter [319:0] INITVAL_38 = 320'h0;
    parameter [319:0] INITVAL_39 = 320'h0;
    parameter [319:0] INITVAL_3A = 320'h0;
    parameter [319:0] INITVAL_3B = 320'h0;
    parameter [319:0] INITVAL_3C = 320'h0;
    parameter [319:0] INITVAL_3D = 320'h0;
    parameter [319:0] INITVAL_3E = 320'h0;
    parameter [319:0] INITVAL_3F = 320'h0;

    // row r of the initial contents: slot r % 16 (18 of its 20 bits) of INITVAL_(r / 16)
    function [17:0] init_row(input integer r);
        reg [319:0] v;
        begin
            case (r / 16)
                0: v = INITVAL_00;
                1: v = INITVAL_01;
                2: v = INITVAL_02;
                3: v = INITVAL_03;
                4: v = INITVAL_04;
                5: v = INITVAL_05;
                6: v = INITVAL_06;
                7: v = INITVAL_07;
                8: v = INITVAL_08;
                9: v = INITVAL_09;
                10: v = INITVAL_0A;
                11: v = INITVAL_0B;
                12: v = INITVAL_0C;
                13: v = INITVAL_0D;
                14: v = INITVAL_0E;
                15: v = INITVAL_0F;
                16: v = INITVAL_10;
                17: v = INITVAL_11;
                18: v = INITVAL_12;
                19: v = INITVAL_13;
                20: v = INITVAL_14;
                21: v = INITVAL_15;
                22: v = INITVAL_16;
                23: v = INITVAL_17;
                24: v = INITVAL_18;
                25: v = INITVAL_19;
                26: v = INITVAL_1A;
                27: v = INITVAL_1B;
                28: v = INITVAL_1C;
                29: v = INITVAL_1D;
                30: v = INITVAL_1E;
                31: v = INITVAL_1F;
                32: v = INITVAL_20;
                33: v = INITVAL_21;
                34: v = INITVAL_22;
                35: v = INITVAL_23;
                36: v = INITVAL_24;
                37: v = INITVAL_25;
                38: v = INITVAL_26;
                39: v = INITVAL_27;
                40: v = INITVAL_28;
                41: v = INITVAL_29;
                42: v = INITVAL_2A;
                43: v = INITVAL_2B;
                44: v = INITVAL_2C;
                45: v = INITVAL_2D;
                46: v = INITVAL_2E;
                47: v = INITVAL_2F;
                48: v = INITVAL_30;
                49: v = INITVAL_31;
                50: v = INITVAL_32;
                51: v = INITVAL_33;
                52: v = INITVAL_34;
                53: v = INITVAL_35;
                54: v = INITVAL_36;
                55: v = INITVAL_37;
                56: v = INITVAL_38;
                57: v = INITVAL_39;
                58: v = INITVAL_3A;
                59: v = INITVAL_3B;
                60: v = INITVAL_3C;
                61: v = INITVAL_3D;
                62: v = INITVAL_3E;
                63: v = INITVAL_3F;
                default: v = 320'h0;
            endcase
            init_row = v[(r % 16) * 20 +: 18];
        end
    endfunction

    wire [17:0] dia = {DIA17, DIA16, DIA15, DIA14, DIA13, DIA12, DIA11, DIA10, DIA9,
                       DIA8, DIA7, DIA6, DIA5, DIA4, DIA3, DIA2, DIA1, DIA0};
    wire [17:0] dib = {DIB17, DIB16, DIB15, DIB14, DIB13, DIB12, DIB11, DIB10, DIB9,
                       DIB8, DIB7, DIB6, DIB5, DIB4, DIB3, DIB2, DIB1, DIB0};
    wire [13:0] ada = {ADA13, ADA12, ADA11, ADA10, ADA9, ADA8, ADA7, ADA6, ADA5,
                       ADA4, ADA3, ADA2, ADA1, ADA0};
    wire [13:0] adb = {ADB13, ADB12, ADB11, ADB10, ADB9, ADB8, ADB7, ADB6, ADB5,
                       ADB4, ADB3, ADB2, ADB1, ADB0};

    reg [17:0] mem [0:1023];
    reg [17:0] latch_a = 18'd0, latch_b = 18'd0;  // the read latches
    reg [17:0] out_a = 18'd0, out_b = 18'd0;      // the output registers (OUTREG)
    reg [17:0] pdp_lo = 18'd0;                     // width 36: the low half, read on B's clock
    reg [17:0] out_lo = 18'd0;                     // and its output register
    integer r;
    initial for (r = 0; r < 1024; r = r + 1) mem[r] = init_row(r);

    localparam PDP = DATA_WIDTH_A == 36 || DATA_WIDTH_B == 36;
    initial begin
        if (PDP && !(DATA_WIDTH_A == 36 && DATA_WIDTH_B == 36))
            $fatal(1, "%m: DP16KD model: width 36 on one port only (A=%0d B=%0d)",
                   DATA_WIDTH_A, DATA_WIDTH_B);
        if (PDP && REGMODE_A != REGMODE_B)
            $fatal(1, "%m: DP16KD model: width 36 with REGMODE_A %s and REGMODE_B %s",
                   REGMODE_A, REGMODE_B);
        if (CLKAMUX != "CLKA" || CLKBMUX != "CLKB")
            $fatal(1, "%m: DP16KD model: inverted clocks are not modelled");
    end

    // the first bit of a unit of `width` bits at address `ad` in its row (ad[13:4] at
    // every width up to 18)
    function integer bit_of(input integer width, input [13:0] ad);
        case (width)
            9: bit_of = ad[3] * 9;
            4: bit_of = ad[3] * 9 + ad[2] * 4;
            2: bit_of = ad[3] * 9 + ad[2:1] * 2;
            1: bit_of = ad[3] * 9 + ad[2:0];
            default: bit_of = 0;
        endcase
    endfunction
    function [17:0] unit_mask(input integer width);
        unit_mask = (width >= 18) ? 18'h3ffff : ((18'd1 << width) - 18'd1);
    endfunction
    // the bits a write of `width` at `ad` changes (at 18: the byte enables on AD[1:0])
    function [17:0] write_mask(input integer width, input [13:0] ad);
        write_mask = (width == 18) ? {{9{ad[1]}}, {9{ad[0]}}} : unit_mask(width) << bit_of(width, ad);
    endfunction
    function [17:0] unit_of(input integer width, input [13:0] ad, input [17:0] row);
        unit_of = (row >> bit_of(width, ad)) & unit_mask(width);
    endfunction
    function [17:0] written(input integer width, input [13:0] ad, input [17:0] row,
                            input [17:0] di);
        written = (row & ~write_mask(width, ad)) | ((di << bit_of(width, ad)) & write_mask(width, ad));
    endfunction

    // Each port's clock edge: the output register takes the latch as it was; the latch the
    // unit read (while writing: none under NORMAL, the old one under READBEFOREWRITE, the new
    // one under WRITETHROUGH), then the write. Latches and registers change after the edge
    // (nonblocking), as a flip-flop's output does, so fabric registers on the same edge see
    // the old values.
    reg [17:0] row_a, row_b;
    always @(posedge CLKA) begin
        if (RSTA === 1'b1 || {CSA2, CSA1, CSA0} !== 3'b000)
            $fatal(1, "%m: DP16KD model: reset or chip select on port A is not modelled");
        if (OCEA) out_a <= latch_a;
        if (CEA && PDP && WEA) begin  // the write port of the 36-bit mode: rows 2u, 2u + 1
            row_a = mem[{ada[13:5], 1'b0}];
            mem[{ada[13:5], 1'b0}] = (row_a & ~{{9{ada[1]}}, {9{ada[0]}}})
                | (dia & {{9{ada[1]}}, {9{ada[0]}}});
            row_a = mem[{ada[13:5], 1'b1}];
            mem[{ada[13:5], 1'b1}] = (row_a & ~{{9{ada[3]}}, {9{ada[2]}}})
                | (dib & {{9{ada[3]}}, {9{ada[2]}}});
        end else if (CEA && !PDP) begin
            row_a = mem[ada[13:4]];
            if (!WEA || WRITEMODE_A == "READBEFOREWRITE")
                latch_a <= unit_of(DATA_WIDTH_A, ada, row_a);
            else if (WRITEMODE_A == "WRITETHROUGH")
                latch_a <= unit_of(DATA_WIDTH_A, ada, written(DATA_WIDTH_A, ada, row_a, dia));
            if (WEA) mem[ada[13:4]] = written(DATA_WIDTH_A, ada, row_a, dia);
        end
    end

    always @(posedge CLKB) begin
        if (RSTB === 1'b1 || {CSB2, CSB1, CSB0} !== 3'b000)
            $fatal(1, "%m: DP16KD model: reset or chip select on port B is not modelled");
        if (OCEB) out_b <= latch_b;
        if (PDP && REGMODE_B == "OUTREG" && (OCEA !== OCEB || CLKA !== CLKB))
            $fatal(1, "%m: DP16KD model: width 36 with OUTREG: the ports' enables or clocks differ");
        if (PDP && OCEB) out_lo <= pdp_lo;
        if (CEB && PDP) begin  // the read port of the 36-bit mode
            pdp_lo <= mem[{adb[13:5], 1'b0}];
            latch_b <= mem[{adb[13:5], 1'b1}];
        end else if (CEB) begin
            row_b = mem[adb[13:4]];
            if (!WEB || WRITEMODE_B == "READBEFOREWRITE")
                latch_b <= unit_of(DATA_WIDTH_B, adb, row_b);
            else if (WRITEMODE_B == "WRITETHROUGH")
                latch_b <= unit_of(DATA_WIDTH_B, adb, written(DATA_WIDTH_B, adb, row_b, dib));
            if (WEB) mem[adb[13:4]] = written(DATA_WIDTH_B, adb, row_b, dib);
        end
    end

    wire [17:0] doa = PDP ? ((REGMODE_A == "OUTREG") ? out_lo : pdp_lo)
                    : (REGMODE_A == "OUTREG") ? out_a : latch_a;
    wire [17:0] dob = (REGMODE_B == "OUTREG") ? out_b : latch_b;
    assign {DOA17, DOA16, DOA15, DOA14, DOA13, DOA12, DOA11, DOA10, DOA9,
            DOA8, DOA7, DOA6, DOA5, DOA4, DOA3, DOA2, DOA1, DOA0} = doa;
    assign {DOB17, DOB16, DOB15, DOB14, DOB13, DOB12, DOB11, DOB10, DOB9,
            DOB8, DOB7, DOB6, DOB5, DOB4, DOB3, DOB2, DOB1, DOB0} = dob;
endmodule

`default_nettype wire
