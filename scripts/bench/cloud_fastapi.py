"""FastAPI + uvicorn peer for the cloud serving benchmark.

Serves POST /v2/models/{name}/infer with the Open Inference Protocol's JSON
tensor format and does the same per-request work as the Go server's
"linear" model: probs = softmax(W x) for a 256x256 float32 matrix W, one
row per request (validated by a pydantic model, as a FastAPI service would).

    /usr/bin/python3 scripts/bench/cloud_fastapi.py --port 18081

Uses uvicorn's fastest available loop and HTTP parser (uvloop and httptools
when installed), one worker process, access log off.
"""
import argparse
from typing import Any, Dict, List, Optional

import numpy as np
import uvicorn
from fastapi import FastAPI, HTTPException
from pydantic import BaseModel

DIM = 256
W = np.random.default_rng(10).standard_normal((DIM, DIM)).astype(np.float32) / np.float32(16)


class Tensor(BaseModel):
    name: str
    shape: List[int]
    datatype: str
    data: List[float]
    parameters: Optional[Dict[str, Any]] = None


class InferRequest(BaseModel):
    id: Optional[str] = None
    parameters: Optional[Dict[str, Any]] = None
    inputs: List[Tensor]


app = FastAPI()


@app.get("/v2/health/ready")
async def ready():
    return {}


@app.post("/v2/models/{name}/infer")
async def infer(name: str, req: InferRequest):
    t = req.inputs[0]
    if t.datatype != "FP32" or len(t.shape) != 2 or t.shape[1] != DIM or len(t.data) != t.shape[0] * DIM:
        raise HTTPException(status_code=400, detail="want FP32 [rows, 256]")
    x = np.asarray(t.data, dtype=np.float32).reshape(t.shape)
    z = x @ W.T
    z -= z.max(axis=1, keepdims=True)
    p = np.exp(z)
    p /= p.sum(axis=1, keepdims=True)
    return {
        "model_name": name,
        "model_version": "1",
        "id": req.id,
        "outputs": [{"name": "probs", "datatype": "FP32", "shape": list(p.shape), "data": p.ravel().tolist()}],
    }


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=18081)
    args = ap.parse_args()
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning", access_log=False)
