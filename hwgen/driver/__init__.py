"""The accelerator's host driver: PYNQ habits (Overlay, allocate, dma.sendchannel) on a
board, or a cocotb simulation of the same AXI-Stream + AXI-Lite shell here."""

from hwgen.driver.accelerator import Accelerator, DmaLayout  # noqa: F401
from hwgen.driver.transports import PynqTransport  # noqa: F401
