"""Helper for tests/test_hardening.py (not a test): run assistant.index.build in a process of its own, to be killed.

    python tests/_build_until_killed.py SEEDS_DIR INDEX_DIR [PHASE]

Without PHASE the build simply runs; the parent kills it at a moment of its choosing. With PHASE the build is held
(it sleeps, changing nothing) at that point so the parent's SIGKILL lands exactly there:
  embed               after the first batch of paragraphs is embedded, before anything is written
  before-replace:N    just before the N-th os.replace of the build (1 chunks file, 2 vectors file, 3 manifest):
                      the N-th file is complete under its temporary name
  after-replace:N     just after it (after-replace:3: new manifest in place, stale files not yet removed)
Prints READY when it is about to build, PHASE <name> when held, DONE <stats> when the build finished.
"""

from __future__ import annotations

import os
import sys
import time


def hold(name: str) -> None:
    print(f"PHASE {name}", flush=True)
    time.sleep(600)


def main() -> None:
    seeds, index, phase = sys.argv[1], sys.argv[2], (sys.argv[3] if len(sys.argv) > 3 else "")
    from assistant import index as indexmod
    from assistant.embed import get_embedder

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
    print("READY", flush=True)
    stats = indexmod.build(seeds, index, embedder)
    print(f"DONE {stats}", flush=True)


if __name__ == "__main__":
    main()
