// Package safetensors reads and writes the safetensors tensor file format of
// Hugging Face (github.com/huggingface/safetensors), the format PEFT uses for
// adapter_model.safetensors and most model hubs use for weights.
//
// # The format
//
// A file is three parts, with no alignment padding between tensors:
//
//	8 bytes    N, the header length, unsigned little-endian
//	N bytes    a JSON object, UTF-8, padded with spaces to a multiple of 8:
//	           {"__metadata__": {"key": "value", …},
//	            "name": {"dtype": "F32", "shape": [2, 3], "data_offsets": [0, 24]}, …}
//	rest       the tensors' bytes, little-endian, row-major ('C' order)
//
// data_offsets are [begin, end) relative to the start of the data section.
// The tensors must tile the data section exactly: sorted by offset, each
// begins where the previous one ends, the first at 0 and the last at the end
// of the file, and end − begin equals the product of the shape times the
// dtype's size. A 0-d tensor (shape []) holds one element. Writers (ours and
// the reference one) order tensors by decreasing dtype size, then by name, so
// every tensor is aligned to its element size.
//
// # Numbers
//
// Tensor keeps raw bytes so integer tensors (int8 weights of a quantised
// model) pass through untouched. Float32s converts F32, F16 and BF16 (and F64)
// to float32; FromFloat32 rounds float32 to F32, F16 or BF16 with
// round-to-nearest-even, as PyTorch's .half() and .bfloat16() do.
//
// # Errors
//
// Decode never panics and never allocates more than the input's size: a
// header length beyond the file is ErrTruncated, a malformed header or
// offsets that do not tile the data section is ErrCorrupt, a dtype name
// outside the specification is ErrDType. Every error says which tensor and
// what is wrong. The decoded File shares no memory with its input.
//
// Functions are safe for concurrent use; a File is a plain value.
package safetensors
