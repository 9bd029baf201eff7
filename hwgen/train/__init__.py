"""Training binary nets with Brevitas: data sets, models, the trainer and QONNX export."""
