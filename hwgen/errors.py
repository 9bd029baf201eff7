"""User-facing errors: one line, naming the node/tensor/file and what is wrong.

The CLI prints these without a traceback and exits non-zero; anything else that escapes
is a bug in hwgen and keeps its traceback.
"""


class HwgenError(Exception):
    """An error caused by the user's input (model, file, option), not by hwgen itself."""


class HwgenWarning(UserWarning):
    """Something the user should know that does not stop the compile (e.g. a scale that puts
    exactness against PyTorch at ties at risk)."""


class UnsupportedError(HwgenError):
    """The model uses an op, data type or setting hwgen cannot compile."""

    def __init__(self, node: str, what: str):
        super().__init__(f"node '{node}': {what}")
        self.node = node
