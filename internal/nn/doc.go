// Package nn is the small neural-network toolkit that gcn, lora, quant and
// adversarial share: a row-major float32 matrix, layers with explicit forward
// and backward passes, losses, optimisers with PyTorch's update rules, seeded
// initialisation, mini-batching, a classifier training loop and a
// finite-difference gradient checker.
//
// # Layers
//
// A Layer maps a batch (one row per example) to a batch. Forward caches what
// Backward needs, so calls alternate: Forward(x) then Backward(dy), which
// returns dL/dx and adds the parameter gradients into each Param's Grad.
// Gradients accumulate until ZeroGrad, as in PyTorch. A Param marked Frozen
// gets no gradient and is skipped by optimisers (a frozen Dense weight also
// skips the dW product, which is what makes LoRA steps cheaper than full
// fine-tuning).
//
// Dense follows torch.nn.Linear: y = x Wᵀ + b with W stored out×in, and the
// same default initialisation (Kaiming-uniform with a = √5 for W, U(±1/√in)
// for b). Sequential names its children "0", "1", … as torch.nn.Sequential
// does, so module names line up with PyTorch state dicts and PEFT adapters.
//
// # Numbers
//
// Training and inference run in float32, as in PyTorch. Every matrix product
// goes through Gemm, which calls internal/kernels: one entry point, so faster
// kernels speed up every package at once. The gradient checker perturbs
// float32 values but accumulates losses and differences in float64; use
// ProbeLoss (a fixed random projection of the output) so the loss is linear
// in the output and the check measures the backward pass, not the loss.
//
// # Errors
//
// Mismatched shapes are programmer errors and panic with a message that starts
// with "nn:" and names both shapes, as gonum's mat does. Nothing in this
// package reads outside data; loaders validate before building matrices.
//
// Layers hold per-call caches and are not safe for concurrent use; use one
// model per goroutine or copy parameters.
package nn
