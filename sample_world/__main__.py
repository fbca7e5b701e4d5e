"""Command line for the sample-world generator: `python -m sample_world --out raw --manifest m.json`.

Prints a JSON summary of what was written.
"""

import argparse
import json
import sys

from .generate import generate


def main(argv=None):
    p = argparse.ArgumentParser(prog="python -m sample_world", description=__doc__.splitlines()[0])
    p.add_argument("--out", required=True, help="raw tree to create (must be empty unless --force)")
    p.add_argument("--manifest", required=True, help="manifest JSON path, outside the raw tree")
    p.add_argument("--seed", type=int, default=20240101)
    p.add_argument("--communes", type=int, default=15)
    p.add_argument("--offices", type=int, default=10)
    p.add_argument("--years", type=int, default=3)
    p.add_argument("--registry-out", default=None, help="folder for ref_agencies.csv and ref_agency_aliases.csv")
    p.add_argument("--workers", type=int, default=1)
    p.add_argument("--force", action="store_true", help="write into a non-empty output folder")
    a = p.parse_args(argv)
    try:
        summary = generate(
            a.out,
            a.manifest,
            seed=a.seed,
            communes=a.communes,
            offices=a.offices,
            years=a.years,
            registry_dir=a.registry_out,
            workers=a.workers,
            force=a.force,
        )
    except (ValueError, FileExistsError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(summary, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
