"""Regenerate the golden results (see tests/regression/golden_results.py).

python -m tests.regression.update_golden          # print what changed, write nothing
python -m tests.regression.update_golden --write  # print it and write the file
"""

from __future__ import annotations

import argparse

from tests.regression import golden_results as golden


def _fmt(value: object) -> str:
    return f"{value!r}" if not isinstance(value, float) else f"{value:.6g}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="write golden/regression.json")
    args = parser.parse_args()
    new = golden.compute()
    if golden.GOLDEN.exists():
        diffs = golden.differences(golden.load(), new)
        print(f"{len(diffs)} values differ from {golden.GOLDEN}")
        for where, old, now in diffs[:200]:
            change = ""
            if isinstance(old, float) and isinstance(now, float) and old:
                change = f"  ({(now - old) / abs(old):+.2%})"
            print(f"  {where}: {_fmt(old)} -> {_fmt(now)}{change}")
    else:
        print(f"no golden file yet: {golden.GOLDEN}")
    if args.write:
        golden.GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        golden.GOLDEN.write_text(golden.dump(new), encoding="utf-8")
        print(f"wrote {golden.GOLDEN}")


if __name__ == "__main__":
    main()
