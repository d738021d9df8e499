// Package gcn is graph convolutional networks for semi-supervised node
// classification: the model of Kipf & Welling (ICLR 2017) reproduced on the
// Cora citation graph, with the sparse graph machinery it needs, PyTorch
// Geometric's normalisation, a generic message-passing step and GraphSAGE.
//
//	d, err := gcn.LoadCora("")                  // ../shared/data/cora, Planetoid split
//	res, err := gcn.Train(ctx, d, gcn.Options{}) // the paper's setup
//	fmt.Println(res.TestAcc)                     // ≈ 0.81
//
// # The method
//
// Each node i has a feature row xᵢ (for Cora, the 0/1 words of a paper) and
// only a few nodes have labels (20 per class). A graph convolution mixes every
// node's features with its neighbours' and then applies a shared linear map:
//
//	H⁽ˡ⁺¹⁾ = σ(Â H⁽ˡ⁾ W⁽ˡ⁾),   Â = D̃^-1/2 (A + I) D̃^-1/2,   D̃ᵢᵢ = Σⱼ (A + I)ᵢⱼ.
//
// Â is the "renormalisation trick": adding self-loops keeps a node's own
// features in the mix, and the symmetric scaling gives Â eigenvalues in
// (−1, 1], so stacking layers neither explodes nor vanishes (I + D^-1/2 A D^-1/2,
// the first-order Chebyshev filter it replaces, has eigenvalues up to 2).
// The paper's model is two layers, Z = Â ReLU(Â X W₁) W₂, trained with
// cross-entropy on the labelled nodes only: the unlabelled nodes still shape
// the result because their features flow into their labelled neighbours.
// That makes it transductive: the whole graph, test nodes' features
// included (not their labels), is present while training.
//
// # Types
//
// A Graph (NewGraph, NewDirectedGraph) is a CSR adjacency whose row i lists
// the nodes that send messages to i. Graph.Normalized returns Â with PyG's
// gcn_norm semantics exactly; the golden test compares it with a torch
// re-implementation of PyG (scripts/golden/gcn.py):
//   - NewGraph symmetrises the edges (PyG's to_undirected; the paper treats
//     citations as undirected) and merges duplicates (coalesce), so an edge
//     listed twice or in both directions counts once.
//   - Self-loops in the input are dropped and exactly one loop of weight 1
//     per node is added, as add_remaining_self_loops does without edge
//     weights. An isolated node gets Âᵢᵢ = 1.
//   - Degrees are counted at the edge's target, so for NewDirectedGraph they
//     are in-degrees and Â is not symmetric; the layers then use Âᵀ in the
//     backward pass.
//
// CSR is a float32 sparse matrix (scipy's layout). Features stay sparse:
// CSR.MulDense costs NNZ·k, so Cora's 2,708×1,433 bag of words (98.7% zeros)
// times a 1,433×16 weight is 0.8 M multiply-adds instead of 62 M.
//
// GCNConv is one layer with PyG's GCNConv layout (W out×in, Glorot-uniform;
// zero bias), Forward for dense and ForwardSparse for sparse input, and
// Backward for W, b and the input. MessagePassing is the general step every
// such layer instantiates, hᵢ' = AGG_{j→i} hⱼ with AGG sum, mean or max
// (Gilmer et al., "Neural Message Passing for Quantum Chemistry", ICML 2017).
// SAGEConv is GraphSAGE-mean (Hamilton, Ying & Leskovec, NeurIPS 2017):
// W_l·mean(neighbours) + W_r·self, which keeps a node apart from its
// neighbours and, needing no normalised adjacency, generalises to unseen
// nodes (inductive). Model is the paper's two-layer network.
//
// # Training as in the paper
//
// Train with the zero Options is the setup of the paper's code (tkipf/gcn):
// features row-normalised to sum to 1, hidden 16, ReLU, no biases, dropout
// 0.5 on the input (on the stored entries of the sparse features) and on the
// hidden layer, Adam with learning rate 0.01, L2 weight decay 5e-4 on the first
// layer only (two optimiser instances, as PyTorch param groups), at most 200
// epochs, and early stopping: stop once, past epoch 10, the validation loss
// exceeds the mean of the 10 before it. The test accuracy is that of the last
// epoch's weights. On the Planetoid split this gives 81.8 ± 0.7% over 10 seeds
// and 81.6 ± 0.6% over 100 (the paper: 81.5%). With PyG's biases
// (Options.Bias) it drops to 81.0 ± 0.9% over 100 seeds, as it does in
// PyTorch (81.1 ± 0.8%); see BENCHMARKS.md.
//
// Each epoch computes only what its loss reads: the logits of the training
// nodes need the hidden layer on their one-hop neighbourhood and X·W₁ on
// their two-hop neighbourhood (1,664 of Cora's 2,708 nodes), and likewise for
// the validation pass. The loss and gradients are exactly those of the full
// pass (a test checks it); only the work shrinks.
//
// # Pitfalls interviewers ask about
//
//   - Over-smoothing: every layer averages over a wider neighbourhood, and
//     after many layers all node representations converge (Li, Han & Wu,
//     AAAI 2018). Two layers is the sweet spot on citation graphs.
//   - Normalisation choices: D^-1 A (random walk, row-stochastic) averages;
//     D^-1/2 A D^-1/2 (symmetric) also down-weights messages from hubs.
//     Forgetting the self-loops loses the node's own features.
//   - Feature preprocessing matters: without row normalisation the validation
//     loss turns up early and the same model stops after about 45 epochs at
//     80.1% on Cora (10 seeds).
//   - Evaluation: the Planetoid split is one fixed split; results on random
//     splits differ by several points and rankings change (Shchur et al.,
//     "Pitfalls of Graph Neural Network Evaluation", 2018). Report mean ± std
//     over seeds: single runs vary by ±1%.
//   - Full-batch GCN needs the whole graph in memory; GraphSAGE-style
//     neighbour sampling is what scales to large graphs.
//
// # Errors, panics and concurrency
//
// Data from outside returns errors wrapping ErrInvalid that name the
// offender: a malformed line (*ParseError with file and line), an edge to an
// unknown node, a NaN or infinite feature, a label outside [0, Classes), a node
// in two splits. Mismatched shapes are programmer errors and panic with a
// message starting "gcn:" that names both shapes.
//
// A Graph, and a CSR nobody modifies, are safe for concurrent use. Layers and
// Models cache activations and are not. Train builds its own model and reads
// the Dataset only, so concurrent Train calls on one Dataset are safe.
//
// References: T. N. Kipf and M. Welling, "Semi-Supervised Classification with
// Graph Convolutional Networks", ICLR 2017 (arXiv:1609.02907); M. Fey and
// J. E. Lenssen, "Fast Graph Representation Learning with PyTorch
// Geometric", 2019; Z. Yang, W. Cohen and R. Salakhutdinov, "Revisiting
// Semi-Supervised Learning with Graph Embeddings", ICML 2016 (the Planetoid
// split).
package gcn
