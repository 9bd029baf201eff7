"""The compressor-tree popcount (rtl/hwgen_popcount.v) against a plain count, on Icarus,
for lane counts that exercise every counter kind and the pad lanes of the first level."""

import subprocess

import pytest

from tests.conftest import ROOT
from tests.helpers import need_tool

TB = """
module tb;
  parameter integer N = 8;
  parameter integer W = 4;
  reg [N-1:0] x, w; wire [W-1:0] c;
  reg [N+31:0] tx, tw;
  hwgen_popcount #(.LANES(N), .CNT_W(W)) dut(.x(x), .w(w), .count(c));
  integer i, k, ref, errs;
  initial begin
    errs = 0;
    for (i = 0; i < 2000; i = i + 1) begin
      // whole vectors at once (bit by bit, Icarus would re-evaluate the tree N times);
      // all-equal and all-different vectors reach the ends of the range
      for (k = 0; k < N; k = k + 32) begin tx[k +: 32] = $random; tw[k +: 32] = $random; end
      x = tx[N-1:0];
      w = (i % 7 == 0) ? tx[N-1:0] : (i % 7 == 1) ? ~tx[N-1:0] : tw[N-1:0];
      #1; ref = 0;
      for (k = 0; k < N; k = k + 1) ref = ref + ((x[k] == w[k]) ? 1 : 0);
      if (c !== ref) errs = errs + 1;
    end
    $display("ERRORS %0d", errs); $finish;
  end
endmodule
"""


@pytest.mark.rtlsim
@pytest.mark.parametrize("lanes", [1, 2, 3, 4, 5, 7, 13, 20, 32, 64, 100, 128, 257])
def test_popcount_matches_plain_count(tmp_path, lanes):
    need_tool("iverilog")
    (tmp_path / "tb.v").write_text(TB)
    width = lanes.bit_length()
    subprocess.run(
        [
            "iverilog",
            "-g2005",
            "-o",
            str(tmp_path / "sim"),
            f"-Ptb.N={lanes}",
            f"-Ptb.W={width}",
            str(tmp_path / "tb.v"),
            str(ROOT / "rtl/hwgen_popcount.v"),
        ],
        check=True,
    )
    out = subprocess.run(
        ["vvp", "-n", str(tmp_path / "sim")], capture_output=True, text=True, check=True
    ).stdout
    assert "ERRORS 0" in out, out
