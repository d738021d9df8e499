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
// "0", "1", … as in torch.nn.Sequential), or of any other Module such as
// attention's transformer (below), with Linear layers, freezes every base
// parameter and returns a Model. Over an nn.Layer the Model is one: train
// it with nn.TrainClassifier like any model. TargetModules follows PEFT: an
// entry matches a layer whose dotted path equals it or ends with "." +
// entry; a TargetRegex must match the whole path. Parameter names under
// nn.NamedParams are PEFT's ("base_model.model.0.lora_A.default.weight").
//
// Save writes adapter_config.json and adapter_model.safetensors with PEFT's
// key names (base_model.model.<module>.lora_A.weight, r×in, and
// ….lora_B.weight, out×r; the adapter's name is left out, as PEFT does), in
// F32, F16 or BF16. Load and LoadAdapter read them back.
//
// # LoRA on attention
//
// The LoRA paper adapts only the query and value projections of attention,
// W_q and W_v, each with its own rank-r pair. Hugging Face transformers keep
// them as separate Linear modules, and PEFT adapts those with
// target_modules = ["q_proj", "v_proj"]. PyTorch's nn.MultiheadAttention
// instead packs W_q, W_k and W_v into one in_proj_weight (3E×E) with no
// Linear to wrap. PEFT's support for that module puts one rank-r pair on
// the whole packed matrix (lora_A r×E, lora_B 3E×r: one update spread over
// q, k and v) and a second pair on out_proj, merges both into the weights
// before every forward pass and unmerges them after; it cannot adapt q and v
// alone.
//
// This package follows the paper and the Hugging Face layout. attention's
// MultiHead lists the three row blocks of in_proj_weight as layers "q_proj",
// "k_proj" and "v_proj" (and out_proj as "out_proj"), so
//
//	m, err := lora.New(tagger, lora.Config{R: 4, TargetModules: []string{"q_proj", "v_proj"}})
//
// wraps every query and value projection of an attention.Tagger in a Linear
// and freezes everything else. Each adapted projection computes
// x W_qᵀ + b_q + s·(x A_qᵀ) B_qᵀ, which equals PyTorch's packed module with
// in_proj_weight rows 0…E−1 replaced by W_q + s·B_q·A_q: the golden tests
// check outputs, input gradients and the gradients of A and B against
// torch.autograd through exactly that. Merge adds s·B_q·A_q and s·B_v·A_v
// into those rows of in_proj_weight (rows 0…E−1 and 2E…3E−1), leaving the
// key rows bit-identical, so the merged state_dict loads into a plain
// nn.MultiheadAttention.
//
// Adapter files name the tensors by module path:
// "base_model.model.layers.0.self_attn.q_proj.lora_A.weight" (r×E),
// "….q_proj.lora_B.weight" (E×r), and the same for v_proj. These are the
// names PEFT writes and reads for a PyTorch model whose attention holds
// separate q_proj and v_proj Linear layers with W_q = in_proj_weight[:E] and
// W_v = in_proj_weight[2E:], which computes exactly what the packed module
// computes here. They are not the keys PEFT uses when the target is an
// nn.MultiheadAttention (….self_attn.lora_A.weight, r×E, and
// ….self_attn.lora_B.weight, 3E×r, plus out_proj's pair), and no file of
// that kind can express q and v adapters of rank r: the same update needs
// rank 2r there (A stacked as [A_q; A_v], B with B_q and B_v in its query and
// value rows and separate columns, α doubled, a zero out_proj update).
//
// Neither package imports the other. New takes a Module: the part of
// nn.Container that finding and replacing layers needs (Params, Children,
// SetChild). attention's MultiHead, EncoderBlock and Tagger implement it
// over their linear layers, and a Linear is the nn.Layer their SetChild
// accepts, so the contract is written in internal/nn's types alone. lora
// importing attention would tie it to one family of models (each new one
// would need code here); attention importing lora would make the lower
// package depend on one of its users. lora's tests import attention to check
// the contract. The attention modules are not nn.Layers (they take tokens or
// three tensors), so a Model over one is a handle: the adapters live inside
// the base model, which trains (Tagger.Fit trains whatever is not frozen)
// and predicts with its own methods, while the Model switches, disables,
// merges and saves the adapters.
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
// with both shapes named. Forward and Backward of a Model whose base model
// is not an nn.Layer panic: run the base model itself.
//
// Models and layers cache activations between Forward and Backward and are
// not safe for concurrent use; TrainableParameters and Report are.
package lora
