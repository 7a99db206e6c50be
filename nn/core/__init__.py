"""The engine core: the network, its activations and losses, backpropagation, optimizers, schedules, the gradient check."""
