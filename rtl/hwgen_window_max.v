// hwgen_window_max: the channelwise maximum of every KK consecutive pixels (a window's pixels
// from hwgen_swg), C channels of EW bits per beat: the max-pool. EW = 1: bipolar bits, whose
// max is the OR (+1 is bit 1). EW > 1: integers, SIGNED two's complement or unsigned, and a
// real compare per channel. One beat in per cycle, one out per window.
`default_nettype none

module hwgen_window_max #(
    parameter integer C = 8,
    parameter integer KK = 4,
    parameter integer EW = 1,       // bits per channel value
    parameter integer SIGNED = 0    // EW > 1: the values are two's complement
) (
    input  wire            clk,
    input  wire            rst_n,
    input  wire [C*EW-1:0] s_tdata,
    input  wire            s_tvalid,
    output wire            s_tready,
    output reg  [C*EW-1:0] m_tdata,
    output reg             m_tvalid,
    input  wire            m_tready
);
    localparam integer CW = (KK > 1) ? $clog2(KK) : 1;
    localparam integer KK_MAX_I = KK - 1;
    localparam [CW-1:0] KK_MAX = KK_MAX_I[CW-1:0];

    reg  [C*EW-1:0] acc;
    reg  [CW-1:0]   cnt;
    wire            fire = s_tvalid && s_tready;
    wire            first = (cnt == {CW{1'b0}});
    wire [C*EW-1:0] acc_next;
    assign s_tready = !m_tvalid || m_tready;

    genvar c;
    generate
        if (EW == 1) begin : g_or
            assign acc_next = (first ? {C{1'b0}} : acc) | s_tdata;
        end else begin : g_max
            for (c = 0; c < C; c = c + 1) begin : g_ch
                wire [EW-1:0] a = acc[c*EW +: EW];
                wire [EW-1:0] x = s_tdata[c*EW +: EW];
                // flipping the sign bits makes a signed compare an unsigned one
                wire [EW-1:0] flip = (SIGNED != 0) ? {1'b1, {(EW-1){1'b0}}} : {EW{1'b0}};
                wire          take = first || ((x ^ flip) > (a ^ flip));
                assign acc_next[c*EW +: EW] = take ? x : a;
            end
        end
    endgenerate

    always @(posedge clk) begin
        if (!rst_n) begin
            cnt <= {CW{1'b0}};
            m_tvalid <= 1'b0;
        end else begin
            if (m_tvalid && m_tready) m_tvalid <= 1'b0;
            if (fire) begin
                acc <= acc_next;
                cnt <= (cnt == KK_MAX) ? {CW{1'b0}} : cnt + 1'b1;
                if (cnt == KK_MAX) begin
                    m_tdata <= acc_next;
                    m_tvalid <= 1'b1;
                end
            end
        end
    end
endmodule

`default_nettype wire
