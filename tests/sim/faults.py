"""Test-only faults: a generated top renamed to `hwgen_top_core` inside a wrapper `hwgen_top`
that breaks the stream in one way, so the testbenches' error paths can be exercised."""

from __future__ import annotations

from pathlib import Path

from hwgen.backends.common import stream_format
from hwgen.backends.rtl.codegen import TOP_NAME, rtl_sources
from hwgen.ir import Graph

# each fault: (what the wrapper drives into the core and out to the bench), beat N counted from 0
FAULTS = {
    # the N-th input beat is acknowledged but never reaches the core: a frame is one beat short
    "drop_beat": dict(
        core_s_valid="s_axis_tvalid && !(in_n == N)",
        s_ready="(in_n == N) ? 1'b1 : core_s_ready",
        m_valid="core_m_valid",
        core_m_ready="m_axis_tready",
        m_data="core_m_data",
        m_last="core_m_last",
    ),
    # after N output beats the core's output is never taken again: everything stops
    "stall": dict(
        core_s_valid="s_axis_tvalid",
        s_ready="core_s_ready",
        m_valid="core_m_valid && (out_n < N)",
        core_m_ready="m_axis_tready && (out_n < N)",
        m_data="core_m_data",
        m_last="core_m_last",
    ),
    # output beat N has its lowest bit flipped: a wrong result, a stream that is fine
    "flip": dict(
        core_s_valid="s_axis_tvalid",
        s_ready="core_s_ready",
        m_valid="core_m_valid",
        core_m_ready="m_axis_tready",
        m_data="core_m_data ^ (out_n == N)",
        m_last="core_m_last",
    ),
    # output beat N loses its TLAST
    "no_last": dict(
        core_s_valid="s_axis_tvalid",
        s_ready="core_s_ready",
        m_valid="core_m_valid",
        core_m_ready="m_axis_tready",
        m_data="core_m_data",
        m_last="core_m_last && !(out_n == N)",
    ),
    # the core sees only the power-on reset: a reset mid-run leaves its pipeline as it was
    "reset_ignored": dict(
        core_s_valid="s_axis_tvalid",
        s_ready="core_s_ready",
        m_valid="core_m_valid",
        core_m_ready="m_axis_tready",
        m_data="core_m_data",
        m_last="core_m_last",
        core_rst="ap_rst_n || booted",
    ),
}

WRAPPER = """
module hwgen_top (
    input wire ap_clk, input wire ap_rst_n,
    input wire [IW-1:0] s_axis_tdata, input wire s_axis_tvalid, output wire s_axis_tready,
    output wire [OW-1:0] m_axis_tdata, output wire m_axis_tvalid, input wire m_axis_tready,
    output wire m_axis_tlast
);
    reg [31:0] in_n, out_n;
    reg booted;
    initial booted = 1'b0;
    always @(posedge ap_clk) if (ap_rst_n) booted <= 1'b1;
    wire core_s_ready, core_m_valid, core_m_last;
    wire [OW-1:0] core_m_data;
    wire core_s_valid = {core_s_valid};
    wire core_m_ready = {core_m_ready};
    assign s_axis_tready = {s_ready};
    assign m_axis_tvalid = {m_valid};
    assign m_axis_tdata = {m_data};
    assign m_axis_tlast = {m_last};
    always @(posedge ap_clk) begin
        if (!ap_rst_n) begin in_n <= 0; out_n <= 0; end
        else begin
            if (s_axis_tvalid && s_axis_tready) in_n <= in_n + 1;
            if (m_axis_tvalid && m_axis_tready) out_n <= out_n + 1;
        end
    end
    hwgen_top_core core (
        .ap_clk(ap_clk), .ap_rst_n({core_rst}),
        .s_axis_tdata(s_axis_tdata), .s_axis_tvalid(core_s_valid), .s_axis_tready(core_s_ready),
        .m_axis_tdata(core_m_data), .m_axis_tvalid(core_m_valid), .m_axis_tready(core_m_ready),
        .m_axis_tlast(core_m_last));
endmodule
"""


def faulty_top(g: Graph, build: Path, fault: str, beat: int) -> str:
    """The build's top, renamed, with a wrapper of `fault` at beat `beat` (Verilog text)."""
    fmt = stream_format(g)
    core = (Path(build) / "rtl" / f"{TOP_NAME}.v").read_text()
    core = core.replace(f"module {TOP_NAME} (", f"module {TOP_NAME}_core (", 1)
    body = WRAPPER.format(**{"core_rst": "ap_rst_n", **FAULTS[fault]})
    body = (
        body.replace("IW", str(fmt.in_width))
        .replace("OW", str(fmt.out_width))
        .replace("== N", f"== {beat}")
    )
    return core + body.replace("< N", f"< {beat}")


def faulty_sources(g: Graph, build: Path, fault: str, beat: int, folder: Path) -> list[str]:
    """Library kernels plus the faulty top written into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{TOP_NAME}_{fault}.v"
    path.write_text(faulty_top(g, build, fault, beat))
    return rtl_sources(Path(build) / "rtl")[:-1] + [str(path)]


def rehash(build: Path) -> None:
    """Record a deliberately changed build's files in its manifest (test-only faults)."""
    import json

    from hwgen.manifest import MANIFEST, file_hash

    path = Path(build) / MANIFEST
    doc = json.loads(path.read_text())
    doc["artifacts"] = {k: file_hash(Path(build) / k) for k in doc["artifacts"]}
    path.write_text(json.dumps(doc))
