"""nn: a small neural network written from scratch in numpy, readable in one sitting.

The public surface:

    from nn import MLP, optim, gradcheck
    net = MLP([2, 8, 8, 1], activation="tanh", output="sigmoid", seed=0)
    loss, grads = net.loss_and_grads(X, Y)
    optim.Adam(net.params, lr=1e-3).step(grads)
"""
