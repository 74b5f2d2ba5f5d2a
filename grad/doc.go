// Package grad is lanes' reverse-mode automatic differentiation,
// define-by-run as PyTorch's autograd: every step records its graph on a
// Tape from the current data and Backward computes the gradients of the
// parameters.
// Values are 2-D mat.Dense in float32 or float64 (a batch is a matrix with
// one example per row; images are rows of C·H·W values, NCHW as PyTorch),
// and every operation runs lanes' kernels: mat.Gemm, mat.Conv2D and its
// gradients, mat.MaxPool2D, package act and package vec. Every pass over a
// batch, the element-wise ones and the optimizers' updates included, is
// split over mat.SetThreads goroutines in bands of whole rows, the same
// bands for every pass; the results do not depend on the number of threads.
//
// # Training and evaluation
//
// Layers hold Params (a named value and its gradient, living across
// steps); an optimizer updates them. Set up once:
//
//	r := prob.New(1)
//	l1 := grad.NewLinear[float32](r, 784, 128, true)   // y = x·Wᵀ + b, as torch.nn.Linear
//	l2 := grad.NewLinear[float32](r, 128, 10, true)
//	opt := grad.NewAdam(append(l1.Params(), l2.Params()...), 1e-3)
//	tape := grad.NewTape[float32]()
//
// A training step on a batch (a mat.Dense of rows) and its labels is
//
//	tape.Reset()                                  // forget the last step, keep its buffers
//	x := tape.Const(batch)                        // this step's data
//	h := tape.ReLU(l1.Forward(tape, x))           // build the graph: each op computes at once
//	loss := tape.SoftmaxCrossEntropy(l2.Forward(tape, h), labels)
//	tape.Backward(loss)                           // adds dloss/dp into every p.Grad
//	opt.Step()                                    // update the Params
//	opt.ZeroGrad()                                // gradients back to 0 for the next step
//
// and an evaluation pass records without gradients:
//
//	tape.SetTrain(false)                          // no gradient buffers, Dropout is the identity
//	for each test batch {
//		tape.Reset()
//		logits := l2.Forward(tape, tape.ReLU(l1.Forward(tape, tape.Const(testBatch))))
//		... read logits.Value() ...
//	}
//	tape.SetTrain(true)
//
// Use records a Param on the tape, Const records an input. Save and Load
// write and read the Params in safetensors, as PyTorch's state_dict.
//
// # The tape and its buffers
//
// Because the graph is recorded from the current data at every step, a
// gradient can never pair one batch's activations with another's labels;
// and because Reset reuses every buffer of the tape, a steady-state
// training step allocates nothing.
//
// The buffers of the i-th node of a step are kept for the i-th node of the
// next: a step with the shapes of an earlier one allocates nothing (tested
// with testing.AllocsPerRun on a full MLP training step with an optimizer);
// a larger shape grows the buffers once, and a smaller one, such as the last
// partial batch of an epoch, fits in them.
//
// Nodes are valid until the next Reset. Every node carries the tape and the
// step that recorded it, and using a node of an earlier step, or of another
// tape, panics with a message such as "grad: Backward: node (Sum) from step
// 3 used after Tape.Reset (step 4)". (Node structs are reused too, in two
// alternating sets: a node of the previous step is always caught; one kept
// across two Resets is caught unless its place on the tape was recorded
// again in the current step.)
//
// Backward(loss) seeds dloss/dloss = 1 and runs the recorded operations in
// reverse; each writes its first contribution into a parent's gradient and
// adds later ones, so a node used several times (a residual connection)
// gets the sum. The gradients of the Params accumulate across Backward
// calls until ZeroGrad, as in PyTorch: calling Backward twice adds the
// gradient twice (useful to sum over several mini-batches).
//
// # Operations
//
// With dY the gradient of the loss with respect to a node's value Y and ⊙
// the element-wise product:
//
//	C = op(A)·op(B)          MatMul, MatMulT: dA, dB by Gemm with transpose flags (no copies)
//	C = A ± B, A ⊙ B, s·A    Add, Sub, Mul, Scale
//	Y = X + 1·b              AddBias: dX += dY, db += Σ_rows dY
//	Sum, Mean                1×1; dX += dY (·1/N)
//	Reshape                  same elements, row-major; a view when X is contiguous
//	Sigmoid, Tanh            act kernels; dX from the output (act.SigmoidGrad, act.TanhGrad)
//	ReLU, LeakyReLU          act kernels; dX from the input (act.ReLUGrad, act.LeakyReLUGrad)
//	GELU, GELUTanh           act kernels; dX from the input (act.GELUGrad, act.GELUTanhGrad)
//	SiLU                     act kernel; dX from the input (act.SiLUGrad)
//	Softmax, LogSoftmax      per row (act.Softmax, act.LogSoftmax, act.SoftmaxGrad)
//	Dropout(X, p, rng)       inverted: X ⊙ mask, mask 1/(1−p) or 0, from prob.Bernoulli
//	LayerNorm(X, γ, β, eps)  per row, as PyTorch's layer_norm over the last dimension
//	Conv2D(X, W, b, shape)   mat.Conv2D, Conv2DGradInput, Conv2DGradWeight
//	MaxPool2D(X, shape)      mat.MaxPool2D, MaxPool2DGrad
//	MSE, SoftmaxCrossEntropy, BinaryCrossEntropy   1×1 mean losses (the last two on logits)
//
// The derivative of ReLU at 0 is taken as 0 (LeakyReLU's as α), as the
// frameworks do. Shape mismatches panic when the node is recorded, with a
// message naming the operation and the shapes, before anything is written.
//
// SoftmaxCrossEntropy takes logits, not probabilities, and uses
// act.LogSoftmax, which subtracts the row maximum, so no exponential
// overflows and log 0 cannot occur. BinaryCrossEntropy also takes logits and
// evaluates ℓ(z, y) = max(z, 0) − z·y + log(1 + e^−|z|), whose exponential
// is at most 1, so logits of ±1e4 give finite losses and gradients.
//
// # Layers and optimizers
//
// Linear (W out×in, y = x·Wᵀ + b, as torch.nn.Linear) and Conv2D (W as
// PyTorch's K×C×KH×KW, flattened to K×(C·KH·KW)) hold Params named
// "weight" and "bias", initialised as PyTorch does by default from a
// prob.RNG; Named prefixes the names as a state_dict does ("0.weight").
// SGD (momentum, Nesterov, weight decay), Adam and AdamW update a list of
// Params with vec kernels and follow PyTorch's formulas; ClipGradNorm
// scales the gradients to a maximum global norm. A learning-rate schedule
// sets the optimizer's LR field before each Step.
//
// # Saving and loading
//
// Save writes a list of Params in the safetensors format and Load reads one
// back, with the names, shapes and bytes that PyTorch's state_dict and
// safetensors.torch.save_file give the same network, so that
// model.load_state_dict(safetensors.torch.load_file(path)) loads a file of
// Save unchanged, and Load reads PyTorch's. A Param is saved with its
// Shape (nil: Value's Rows×Cols): NewLinear gives its bias [out] and
// NewConv2D its weight [K, C, KH, KW] and bias [K], as PyTorch's. Load is
// strict, as load_state_dict's default: every Param's tensor present with
// its dtype (no float32↔float64 conversion) and shape, no other tensor, and
// no Param changed unless the whole file validates.
//
// # Gradient check
//
// Check runs a closure on a fresh tape and compares the gradients of
// Backward with central differences in float64. The tests check every
// operation and loss this way (convolution with stride 1 and 2, padding 0
// and 2, odd sizes; pooling; layer norm; dropout with a fixed seed), in
// float64 to 1e-7 relative and in float32 as a sanity run.
package grad
