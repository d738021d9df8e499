// Package attention is scaled dot-product and multi-head attention built from
// scratch with PyTorch's semantics: masks, a backward pass, positional
// encodings, KV-cache decoding, a memory-efficient FlashAttention-style
// kernel and a pre-LayerNorm transformer encoder block that trains.
//
// # The method
//
// Attention lets every query position read a weighted mix of the value
// vectors, weighted by how well the query matches each key (Vaswani et al.,
// "Attention Is All You Need", 2017):
//
//	Attention(Q, K, V) = softmax(Q Kᵀ / √d_k + M) V
//
// Q is Lq×d_k, K is Lk×d_k, V is Lk×d_v and the additive mask M holds 0 for
// allowed pairs and −∞ for blocked ones. Dividing by √d_k matters: with unit
// variance entries a dot product of d_k terms has variance d_k, so without it
// large heads push the softmax into saturation where its gradient vanishes.
//
// Multi-head attention (MultiHead) projects the inputs H times into heads of
// d = E/H features, attends in each head independently, concatenates the
// heads and projects back:
//
//	headᵢ = Attention(X_q W_qᵢᵀ, X_k W_kᵢᵀ, X_v W_vᵢᵀ),  out = [head₁ … head_H] W_oᵀ + b_o
//
// The parameters have nn.MultiheadAttention's layout and state_dict names:
// in_proj_weight (3E×E) holds W_q, W_k and W_v one above the other, with
// in_proj_bias (3E); out_proj.weight and out_proj.bias are W_o and b_o. When
// the key or value width differs from E (KDim, VDim), the three projections
// are q_proj_weight (E×E), k_proj_weight (E×KDim) and v_proj_weight
// (E×VDim). LoadState takes a state_dict as flat slices plus shapes, so
// weights trained in PyTorch give the same outputs here (to ~1e-7 in the
// golden tests, attention/testdata from scripts/golden/attention.py).
//
// Tensors at the API are gorgonia.org/tensor Float32 *tensor.Dense values,
// batch first: (B, L, E), as nn.MultiheadAttention(batch_first=True).
//
// # Masks: one convention
//
// PyTorch uses opposite meanings for boolean masks in its two APIs, a
// classic source of silent bugs. Every boolean in this package means
// "allowed", and the field names say so:
//
//	meaning              this package            nn.MultiheadAttention         F.scaled_dot_product_attention (2.x)
//	pair may attend      Mask.Allow true         attn_mask (bool) false        attn_mask (bool) true
//	key is padding       Mask.AllowKeys false    key_padding_mask true         —
//	added to the scores  Mask.Bias               attn_mask (float)             attn_mask (float)
//	no future keys       Mask.Causal             a triu attn_mask, is_causal   is_causal
//
// A query whose keys are all masked gets zero output and zero weights, not
// the NaNs of PyTorch's 0/0 (a left-padded batch under a causal mask hits
// this on its first rows). Causal masks align the last query with the last key (query i sees
// key j ≤ i + Lk − Lq), which is what decoding with a cache needs and the
// usual lower triangle when Lq = Lk; PyTorch 2's is_causal aligns the first
// query with the first key instead when Lq ≠ Lk.
//
// # Numbers
//
// Everything runs in float32, as in PyTorch. The softmax subtracts each
// row's maximum before exponentiating (so no score overflows) and sums in
// float64. Every matrix product goes through internal/kernels.Sgemm: heads
// are strided column blocks of the projections, so no head is ever copied,
// and the B·H (batch, head) pairs, split further into blocks of queries, run
// on at most GOMAXPROCS goroutines. Each job writes its own rows, so results
// do not depend on the number of workers.
//
// # Backward pass
//
// With S = Q Kᵀ/√d and P = softmax(S) (per head), and dO the gradient of the
// head's output:
//
//	dV = Pᵀ dO,  dP = dO Vᵀ,  dS = P ∘ (dP − rowsum(P ∘ dP)),  dQ = dS K/√d,  dK = dSᵀ Q/√d
//
// then the projections' gradients as for any linear layer. MultiHead.Backward
// returns the gradients of query, key and value (for self-attention, their
// sum is the input's) and accumulates every parameter's gradient; it is
// checked against central differences and against torch.autograd.
//
// # Positions
//
// Attention is permutation-equivariant: without position information it
// cannot tell "dog bites man" from "man bites dog". Sinusoidal returns the
// original fixed encodings, added to the token embeddings. Rotary (RoPE; Su
// et al., "RoFormer", 2021) instead rotates each pair of query and key
// features by an angle proportional to the position, so scores depend only on
// relative offsets and cached keys never need re-encoding. RoPE pairs
// adjacent features (2i, 2i+1) as in the paper; GPT-NeoX and Hugging Face's
// LLaMA pair i with i + d/2, and weights trained with one pairing are wrong
// with the other.
//
// # Decoding with a KV cache
//
// Generating token t needs the keys and values of tokens 0…t−1. Cache keeps
// them, so MultiHead.Decode projects only the new token and attends over the
// stored rows: O(E² + t·E) work per step instead of the O(t·E² + t²·E) of
// re-running the causal pass over all t tokens. The output for token t equals
// row t of the full causal pass (tested to 1e-5). The cost moves to memory,
// 2·B·t·E floats per layer, which is what bounds context length in serving.
//
// # Memory-efficient attention
//
// Materialising softmax(Q Kᵀ) takes B·H·L² floats: 2 GiB for one sequence of
// 8192 tokens with 8 heads. TiledKernel is the FlashAttention algorithm (Dao
// et al., 2022) with the online softmax of Milakov & Gimelshein (2018): for a
// block of queries it visits the keys one tile at a time, keeping each row's
// running maximum m, running sum l and unnormalised output, and rescales
// them by exp(m_old − m_new) whenever a tile raises the maximum. The result
// equals the plain kernel (to ~1e-7 in practice; the tests require 1e-5)
// while only a 128×256 tile of scores per worker ever exists: memory is O(n·d)
// for the inputs and output, not O(n²). The arithmetic is still O(n²·d); on a
// CPU the gain is memory and cache locality. It cannot return the weights or
// record for Backward, and AutoKernel picks it whenever neither is asked for.
//
// # Encoder block and a model that learns
//
// EncoderBlock is nn.TransformerEncoderLayer(norm_first=True): LayerNorm
// before each sublayer (Xiong et al., 2020), so the residual stream is an
// identity path and training needs no warm-up; its outputs and gradients
// match PyTorch's. Tagger stacks blocks under token embeddings and
// sinusoidal positions, and Fit trains it with Adam through the package's
// backward pass; on ReverseDigits it reaches ≥ 99% held-out token accuracy,
// which requires each position to attend to its mirror image.
//
// # Linear layers by name
//
// MultiHead, EncoderBlock and Tagger list their linear layers with Children
// under PyTorch-style dotted paths ("q_proj", "k_proj", "v_proj",
// "out_proj"; "self_attn.q_proj", "linear1", "linear2";
// "layers.0.self_attn.q_proj", "head"), and SetChild puts another nn.Layer
// in place of one. q_proj, k_proj and v_proj are views of the three row
// blocks of in_proj_weight: a layer that wraps one of them and adds to it,
// such as a LoRA adapter from package lora, changes that projection only,
// and merging the adapter writes into those rows of the packed tensor.
// Params lists the parameters to train, the state_dict's and those the
// wrapping layers add; Fit trains the ones not frozen, and freezing
// in_proj_weight freezes all three projections, as requires_grad does in
// PyTorch. The state_dict (Parameters, LoadState) keeps its names and
// shapes. This package knows nothing of LoRA: the three methods are
// nn.Container's less Forward and Backward, which is all lora needs.
//
// # Pitfalls worth knowing
//
//   - Forgetting the 1/√d_k scale: training still runs, but the softmax
//     saturates and learning stalls as heads grow.
//   - Mixing the two boolean mask conventions (above): the model attends to
//     exactly the positions it should ignore, silently.
//   - Padding-only rows give NaN in PyTorch, which then spreads through the
//     loss; here they give zeros.
//   - need_weights=True in PyTorch makes every call materialise and average
//     the B·H·L² weights; ask for weights only when you use them.
//   - Dropout on the attention weights (PyTorch's dropout argument) is not
//     implemented; PyTorch with dropout=0 or in eval mode is the reference.
//
// # Errors and concurrency
//
// Shape mismatches are programmer errors: they panic with a message that
// starts with "attention:" and names the shapes, as gonum does. Data from
// outside returns errors: LoadState wraps ErrStateKeys, ErrShape or
// ErrNonFinite (and leaves the module unchanged); Tagger methods wrap
// ErrSequences for empty, ragged or out-of-range sequences. NaN inputs give
// NaN outputs. MultiHead, EncoderBlock, Tagger and Cache keep per-call state
// and are not safe for concurrent use; ScaledDotProduct, Sinusoidal and
// Rotary.Apply are.
package attention
