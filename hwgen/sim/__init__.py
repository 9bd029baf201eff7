"""cocotb verification: testbench classes, the generic stream test, and pytest-side runners."""
