"""IR op types, one per module; importing this package registers them all."""

from hwgen.ops.dag import AddStreams, Fork  # noqa: F401
from hwgen.ops.host import HostSteps  # noqa: F401
from hwgen.ops.label_select import LabelSelect  # noqa: F401
from hwgen.ops.matmul import BinaryMatMul  # noqa: F401
from hwgen.ops.mvu import XnorMVU  # noqa: F401
from hwgen.ops.residual import IntSign, ResidualBlock  # noqa: F401
from hwgen.ops.sign import IntQuant, Sign  # noqa: F401
from hwgen.ops.window import Flatten, SlidingWindow, WindowMax  # noqa: F401
from hwgen.ops.window_sum import WindowSum  # noqa: F401
