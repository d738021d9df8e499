#!/usr/bin/python3
"""Reference safetensors file for internal/safetensors, written by hand.

Debian has no python3-safetensors, so this script writes the format itself
from its specification (struct + json), as an independent writer to test the
Go codec against: 8-byte little-endian header length, compact JSON header with
__metadata__ first and tensors ordered by decreasing dtype alignment then
name, padded with spaces to a multiple of 8, then the raw little-endian data.
PyTorch 1.13 does the float32 -> float16 / bfloat16 rounding.

Writes internal/safetensors/testdata/reference.safetensors and
reference.json (the source float32 values and the values PyTorch reads back,
as float32 bit patterns).
Run from the module root: /usr/bin/python3 scripts/golden/safetensors_ref.py
(scripts/golden/lora.py imports write() from here for its adapter files).
"""
import json
import struct
import torch

ORDER = ["BOOL", "U8", "I8", "F8_E5M2", "F8_E4M3", "I16", "U16", "F16", "BF16",
         "I32", "U32", "F32", "F64", "I64", "U64"]

def to_bytes(dtype, t):
    t = t.to(torch.float32).contiguous()
    if dtype == "F32":
        return t.numpy().tobytes()
    if dtype == "F16":
        return t.to(torch.float16).numpy().tobytes()
    if dtype == "BF16":
        return t.to(torch.bfloat16).view(torch.int16).numpy().tobytes()
    raise ValueError(dtype)


def bits(t):
    """float32 bit patterns as unsigned ints: exact, and JSON has no inf."""
    return [v & 0xFFFFFFFF for v in t.to(torch.float32).contiguous().view(torch.int32).flatten().tolist()]


def read_back(dtype, t):
    if dtype == "F16":
        t = t.to(torch.float16)
    elif dtype == "BF16":
        t = t.to(torch.bfloat16)
    return bits(t.to(torch.float32))


def write(path, tensors, metadata=None):
    """Write {name: (dtype, shape, tensor)} as a safetensors file."""
    names = sorted(tensors, key=lambda n: (-ORDER.index(tensors[n][0]), n))
    parts, offset, data = [], 0, b""
    if metadata:
        parts.append('"__metadata__":' + json.dumps(metadata, separators=(",", ":"), sort_keys=True))
    for n in names:
        dtype, shape, t = tensors[n]
        b = to_bytes(dtype, t)
        parts.append(json.dumps(n) + ":" + json.dumps(
            {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + len(b)]}, separators=(",", ":")))
        offset += len(b)
        data += b
    header = ("{" + ",".join(parts) + "}").encode()
    header += b" " * ((8 - len(header) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(header)) + header + data)


def main():
    torch.manual_seed(0)
    # Values that exercise rounding: ties to even, subnormals, overflow to inf.
    edge = [0.0, -0.0, 1.0, 1.0 + 2**-11, 1.0 + 3 * 2**-11, 65504.0, 65520.0, 70000.0,
            2**-24, 2**-25, 3e-8, 1.0 + 2**-8, 1.0 + 3 * 2**-8, -3.14159, 1e30, 1e-40]
    tensors = {
        "base_model.model.0.lora_A.weight": ("F32", [2, 3], torch.randn(2, 3)),
        "base_model.model.0.lora_B.weight": ("F32", [3, 2], torch.randn(3, 2)),
        "half": ("F16", [4, 4], torch.tensor(edge)),
        "brain": ("BF16", [16], torch.tensor(edge)),
        "scalar": ("F32", [], torch.tensor(2.5)),
        "empty": ("F32", [0, 3], torch.zeros(0, 3)),
    }

    write("internal/safetensors/testdata/reference.safetensors", tensors, {"format": "pt"})
    golden = {"torch_version": torch.__version__, "metadata": {"format": "pt"}, "tensors": {}}
    for n, (dtype, shape, t) in tensors.items():
        golden["tensors"][n] = {"dtype": dtype, "shape": shape,
                                "source_bits": bits(t),
                                "stored_bits": read_back(dtype, t)}
    with open("internal/safetensors/testdata/reference.json", "w") as f:
        json.dump(golden, f, indent=1)


if __name__ == "__main__":
    main()
