"""Helper for tests/test_hardening.py and tests/test_milvus_store.py (not a test): run assistant.index.build in a
process of its own, to be killed.

    python tests/_build_until_killed.py SEEDS_DIR INDEX_DIR [PHASE] [--store SPEC] [--fake-embedder]
                                        [--batch-reports N]

Without PHASE the build simply runs; the parent kills it at a moment of its choosing. With PHASE the build is held
(it sleeps, changing nothing) at that point so the parent's SIGKILL lands exactly there:
  embed               after the first batch of texts is embedded, before anything is written
  before-replace:N    just before the N-th os.replace of the build (two a part: its vectors, then its chunks; then the
                      chunks file, the text file, the vectors file, the manifest: 3 to 6 for a build of one part):
                      the N-th file is complete under its temporary name
  after-replace:N     just after it (after-replace:6 with one part: new manifest in place, stale files not yet removed)
  upsert:N            just after the N-th batch of rows is upserted into the --store (batches of UPSERT_BATCH_HELD)
--store syncs that store after the build; --fake-embedder embeds with tests/fakes.py's FakeEmbedder; --batch-reports
sets the reports a part (index.BATCH_REPORTS).
Prints READY when it is about to build, PHASE <name> when held, DONE <stats> when the build finished.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

UPSERT_BATCH_HELD = 40  # rows a batch when held at upsert:N, so a small corpus takes several batches


def hold(name: str) -> None:
    print(f"PHASE {name}", flush=True)
    time.sleep(600)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("seeds")
    parser.add_argument("index")
    parser.add_argument("phase", nargs="?", default="")
    parser.add_argument("--store")
    parser.add_argument("--fake-embedder", action="store_true")
    parser.add_argument("--batch-reports", type=int)
    args = parser.parse_args()
    phase = args.phase
    from assistant import index as indexmod

    if args.batch_reports:
        indexmod.BATCH_REPORTS = args.batch_reports
    from assistant.embed import get_embedder

    if args.fake_embedder:
        from tests.fakes import FakeEmbedder

        embedder = FakeEmbedder()
    else:
        embedder = get_embedder(None)
    if phase.startswith(("before-replace:", "after-replace:")):
        when, nth = phase.split(":")
        real_replace, calls = os.replace, [0]

        def replace(src, dst, *args, **kwargs):
            calls[0] += 1
            if when == "before-replace" and calls[0] == int(nth):
                hold(phase)
            real_replace(src, dst, *args, **kwargs)
            if when == "after-replace" and calls[0] == int(nth):
                hold(phase)

        os.replace = replace
    elif phase == "embed":
        real_embed = embedder.embed_passages

        def embed_passages(texts):
            vectors = real_embed(texts)
            hold(phase)
            return vectors

        embedder.embed_passages = embed_passages
    elif phase.startswith("upsert:"):
        from pymilvus import MilvusClient

        from assistant import milvus_store

        milvus_store.UPSERT_BATCH = UPSERT_BATCH_HELD
        real_upsert, batches = MilvusClient.upsert, [0]

        def upsert(self, collection, rows, *args, **kwargs):
            done = real_upsert(self, collection, rows, *args, **kwargs)
            if collection != milvus_store.META:
                batches[0] += 1
                if batches[0] == int(phase.split(":")[1]):
                    hold(phase)
            return done

        MilvusClient.upsert = upsert
    print("READY", flush=True)
    stats = indexmod.build(args.seeds, args.index, embedder, store=args.store)
    print(f"DONE {stats}", flush=True)


if __name__ == "__main__":
    sys.exit(main())
