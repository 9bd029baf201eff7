"""Small CLI formatting rules."""

from hwgen.cli.io import fps_text


def test_a_slow_rate_does_not_round_to_zero():
    assert fps_text(0.02134) == "0.0213 frames/s"
    assert fps_text(3.5) == "3.5 frames/s"
    assert fps_text(458716.2) == "458,716 frames/s"
