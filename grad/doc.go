// Package grad is lanes' thin reverse-mode automatic differentiation: a
// graph of matrix-valued nodes over 2-D mat.Dense, for float32 and float64,
// with the few operations a multilayer perceptron needs, its losses, two
// optimizers and a gradient checker. Every operation runs lanes' kernels
// (mat.Gemm, package act, package vec).
//
// # Model
//
// A Node holds a value, a gradient, its parents and two closures, as in
// Karpathy's micrograd with matrices for scalars. Const wraps an input (no
// gradient), Param a trainable matrix (with a gradient); both keep the
// caller's matrix, not a copy. Each operation returns a new node and
// computes its value at once, so writing the model evaluates it. A node has a
// gradient buffer exactly when some Param lies upstream; gradients never flow
// into Consts, and an operation skips the parents without one.
//
// Backward(loss), for a 1×1 loss, sorts the graph topologically (once; the
// order is cached in loss), zeroes the gradients of the operation nodes,
// seeds dloss/dloss = 1 and runs the backward closures children first. Each
// adds (+=) its vector-Jacobian product into its parents' gradients, so a
// node used by several operations gets the sum of the paths. Param gradients
// are not reset: they accumulate over Backward calls (over mini-batches,
// say) until ZeroGrad, as in PyTorch.
//
// A graph is built once and re-run: overwrite the elements of a Const's
// matrix (or the labels slice of SoftmaxCrossEntropy) and call Forward(loss),
// which recomputes every operation in topological order; optimizers change
// the Params in place. Shapes are fixed when the graph is built. A training
// step is
//
//	opt.ZeroGrad(); grad.Backward(loss); opt.Step(); grad.Forward(loss)
//
// Allocation: building a node allocates its value, its gradient if it
// needs one, and the scratch its backward uses (one buffer the size of the
// value for the element-wise ops and the losses, one row for Softmax and
// SoftmaxCrossEntropy); the first Forward or Backward on a root allocates
// the cached order (and a map while sorting); the optimizers allocate their
// state in NewSGD and NewAdam. After that, Forward, Backward, Step and
// ZeroGrad allocate nothing (tested), as the kernels do not. Check allocates.
//
// # Shapes
//
// Values are matrices; a batch is a matrix with one example per row. MatMul
// is m×k · k×n → m×n; AddBias adds a 1×n row to each row of an m×n matrix;
// the activations and Softmax keep the shape (Softmax normalises each row);
// the losses return 1×1. Shape mismatches panic when the node is built, with
// a message naming the function and the shapes, before anything is written.
//
// # Backward formulas
//
// With dY the gradient of the loss with respect to a node's value Y (of the
// node's shape) and ⊙ the element-wise product:
//
//	C = A·B                  dA += dC·Bᵀ, dB += Aᵀ·dC       (Gemm, transpose flags, beta = 1)
//	Y = X + 1·b              dX += dY, db += Σ_rows dY      (column sums)
//	Y = σ(X)                 dX += dY ⊙ Y ⊙ (1 − Y)          (act.SigmoidGrad)
//	Y = tanh X               dX += dY ⊙ (1 − Y²)             (act.TanhGrad)
//	Y = max(X, 0)            dX += dY ⊙ [X > 0]              (act.ReLUGrad)
//	Y = LeakyReLU(X, α)      dX += dY ⊙ ([X > 0] + α·[X ≤ 0]) (act.LeakyReLUGrad)
//	Yᵢ = softmax(Xᵢ)         dXᵢ += Yᵢ ⊙ (dYᵢ − ⟨dYᵢ, Yᵢ⟩)    per row (act.SoftmaxGrad)
//	L = (1/N)·Σ (P − T)²     dP += (2/N)·(P − T)·dL, dT −= the same
//	L = −(1/m)·Σᵢ log softmax(Zᵢ)[cᵢ]
//	                         dZ += (softmax(Z) − onehot(c))·dL/m
//	L = (1/N)·Σ ℓ(Z, Y)      dZ += (σ(Z) − Y)·dL/N, dY −= Z·dL/N
//
// where N is the number of elements, m the number of rows and
// ℓ(z, y) = −y·log σ(z) − (1−y)·log(1 − σ(z)) the binary cross-entropy of
// the probability σ(z). The derivative of ReLU at 0 is taken as 0 (and
// LeakyReLU's as α), as the frameworks do. Everything else is smooth.
//
// # Stability
//
// SoftmaxCrossEntropy takes logits, not probabilities, and uses
// act.LogSoftmax, which subtracts the row maximum: log softmax(z)ᵢ =
// (zᵢ − m) − log Σⱼ e^(zⱼ−m), so no exponential overflows and log 0 cannot
// occur; its gradient uses softmax = e^(log softmax). BinaryCrossEntropy
// also takes logits and evaluates
//
//	ℓ(z, y) = max(z, 0) − z·y + log(1 + e^−|z|)
//
// (equal to the definition above), whose exponential is at most 1, so
// logits of ±1e4 give exact, finite losses and gradients in both float32
// and float64 (tested). log(1 + e^−|z|) is act.Log of 1 + act.Exp(−|z|):
// its absolute error is a few u, below the rounding of the other terms
// once |z| is large. Softmax also subtracts the row maximum (act.Softmax).
//
// # Optimizers
//
// SGD with momentum (v = μ·v + g; p −= lr·v) and Adam (Kingma and Ba, with
// bias corrections and ε) update a list of Params in place with vec
// kernels. They read the gradients and do not reset them.
//
// # Gradient check
//
// Check compares the gradients of Backward with central differences
// (f(p+h) − f(p−h))/2h, in float64, for every element of the given Params,
// re-running the graph with Forward, and reports the largest relative
// error. The tests check every operation and loss this way, in float64 with
// a tolerance derived from the O(h²) truncation and δ/h rounding errors of
// the difference, and in float32 as a sanity run.
package grad
