// Package lora adapts trained models with low-rank adapters (LoRA, Hu et al.
// 2021, "LoRA: Low-Rank Adaptation of Large Language Models",
// arXiv:2106.09685), with the semantics and the on-disk format of Hugging
// Face PEFT, so an adapter trained here loads with PeftModel.from_pretrained
// onto the same PyTorch model, and the other way round.
//
// # The method
//
// Fine-tuning changes a pretrained weight W₀ (out×in) by some ΔW. LoRA's bet
// is that the useful ΔW has low rank, so it trains ΔW = B·A with A r×in and
// B out×r, r ≪ min(in, out), and keeps W₀ frozen:
//
//	y = x W₀ᵀ + b + s · (dropout(x) Aᵀ) Bᵀ,   s = α/r
//
// A starts Kaiming-uniform (a = √5) and B at zero, so the adapted model
// starts out exactly equal to the base model and training moves it away
// smoothly. Only r·(in+out) values per layer train instead of in·out: for
// the roadmap's 784-512-512-10 MLP at r = 8 that is 22,736 of 669,706
// (3.4%). Gradients flow through the frozen W₀ to earlier layers, but no dW₀
// is formed, which is why a LoRA step is cheaper than a full fine-tuning
// step, and the optimiser keeps state for the adapter only.
//
// The scale s = α/r lets one learning rate serve several ranks. rsLoRA
// (Kalajdzievski 2023, arXiv:2312.03732) uses s = α/√r instead, which keeps
// the update's size stable as r grows; Config.RSLoRA selects it as PEFT's
// use_rslora does.
//
// After training, Merge folds s·B·A into W₀ so inference costs exactly what
// the base model costs; Unmerge takes it out again (up to float32
// rounding). DisableAdapters makes the model compute the base model
// bit-for-bit, which is LoRA's answer to catastrophic forgetting: the base
// is never changed, so one base serves many tasks, one small adapter file
// each, switched with SetAdapter.
//
// # Pitfalls interviewers ask about
//
//   - B = 0 at the start, not A: with A = 0 as well the gradients of both
//     would be zero forever. With B = 0, dA = 0 on the first step but dB is
//     not, and A learns from the second step on.
//   - α is not a learning rate but a fixed scale; changing r at fixed α
//     changes the effective step size (the reason for rsLoRA).
//   - r must not exceed min(in, out): a larger rank buys nothing and PEFT
//     would waste memory; this package rejects it (ErrRank).
//   - Dropout applies to the LoRA branch's input only, never to W₀'s path.
//   - A merged adapter must be unmerged before switching or training; the
//     package does it for you on SetAdapter and DisableAdapters.
//   - Low rank limits what the adapter can express: on a task far from the
//     pretraining task, accuracy rises with r (the example's 90° rotation).
//
// # Using it
//
// New wraps the target layers of a model built from nn containers (named
// "0", "1", … as in torch.nn.Sequential) with Linear layers, freezes every
// base parameter and returns a Model, which is an nn.Layer: train it with
// nn.TrainClassifier like any model. TargetModules follows PEFT: an entry
// matches a layer whose dotted path equals it or ends with "." + entry; a
// TargetRegex must match the whole path. Parameter names under
// nn.NamedParams are PEFT's ("base_model.model.0.lora_A.default.weight").
//
// Save writes adapter_config.json and adapter_model.safetensors with PEFT's
// key names (base_model.model.<module>.lora_A.weight, r×in, and
// ….lora_B.weight, out×r; the adapter's name is left out, as PEFT does), in
// F32, F16 or BF16. Load and LoadAdapter read them back.
//
// # Errors and concurrency
//
// Bad configurations and files return errors and leave the model unchanged:
// ErrRank for r ≤ 0 or r > min(in, out), ErrConfig for an invalid or
// unsupported configuration (PEFT features such as DoRA, bias training or
// rank_pattern are rejected rather than ignored), ErrNoTarget when the
// targets match no layer or a layer that is not Dense, ErrMismatch when an
// adapter file's tensors do not fit the model (missing, extra, wrong shape,
// NaN), and the safetensors errors for truncated or corrupt files. Shape
// mismatches between calls (a batch of the wrong width) panic in internal/nn
// with both shapes named.
//
// Models and layers cache activations between Forward and Backward and are
// not safe for concurrent use; TrainableParameters and Report are.
package lora
