#!/usr/bin/python3
"""Python peers for the lanl throughput target (scripts/bench/lanl.sh).

Two passes over the same auth.txt.gz, each doing much less than the Go
pipeline: parse every line and count, per (user, day), the events and the
destination computers the user had never used before (first-seen pairs).

  plain   gzip.open in binary, bytes.split, a set and a dict: the fastest
          plain-Python loop we know
  pandas  pandas.read_csv (C engine) in chunks of 2M rows, three columns,
          first-seen pairs by drop_duplicates against the pairs seen so far

Prints one line per run: mode, lines, wall seconds, CPU seconds, lines/s.
Debian's /usr/bin/python3 with python3-pandas (apt-get install -y python3-pandas).
"""
import argparse
import gzip
import time


def plain(path, limit):
    seen = set()
    counts = {}
    n = 0
    with gzip.open(path, "rb") as f:
        for line in f:
            p = line.split(b",", 5)
            if len(p) < 6:
                continue
            key = (p[1], p[4])
            day = int(p[0]) // 86400
            c = counts.get((p[1], day))
            if c is None:
                c = counts[(p[1], day)] = [0, 0]
            c[0] += 1
            if key not in seen:
                seen.add(key)
                c[1] += 1
            n += 1
            if n == limit:
                break
    return n


def pandas_pass(path, limit):
    import pandas as pd

    seen = None
    n = 0
    counts = []
    for chunk in pd.read_csv(path, header=None, usecols=[0, 1, 4], names=["t", "u", "d"],
                             dtype={"t": "int64", "u": "str", "d": "str"}, chunksize=2_000_000,
                             compression="gzip", engine="c", nrows=limit or None):
        chunk["day"] = chunk["t"] // 86400
        first = chunk.drop_duplicates(["u", "d"])
        if seen is not None:
            first = first.merge(seen, on=["u", "d"], how="left", indicator=True)
            first = first[first["_merge"] == "left_only"].drop(columns="_merge")
        seen = pd.concat([seen, first[["u", "d"]]]) if seen is not None else first[["u", "d"]]
        counts.append(chunk.groupby(["u", "day"]).size())
        counts.append(first.groupby(["u", "day"]).size())
        n += len(chunk)
    return n


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("path")
    ap.add_argument("--mode", choices=["plain", "pandas"], required=True)
    ap.add_argument("--limit", type=int, default=0, help="stop after this many lines (0: all)")
    a = ap.parse_args()
    t0, c0 = time.perf_counter(), time.process_time()
    n = plain(a.path, a.limit) if a.mode == "plain" else pandas_pass(a.path, a.limit)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    print(f"{a.mode} {n} {wall:.2f} {cpu:.2f} {n / wall:.0f}")


if __name__ == "__main__":
    main()
