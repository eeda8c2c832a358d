"""Rebuild ``measured_inference.csv`` from the ML.ENERGY Leaderboard v3.0 data and the hand-typed rows.

Run once, by hand (not by the tests): ``python tests/data/inference/build_measured.py MIRROR`` where MIRROR
is a git directory of github.com/ml-energy/leaderboard. It reads every configuration of the four
Llama 3.1 model files of task ``lm-arena-chat`` at :data:`COMMIT` (``git show``), keeps the rows of
``extra_rows.csv`` (other published sources, typed in), and writes the split (see :func:`half`).

The split was fixed, by this rule, before any fit of the model was run on these rows.

It also writes ``mlenergy_v3_other.csv``: every configuration of the other models of the same task
(Qwen 3, Gemma 3, Llama 3.3 and 4, DeepSeek V3.1, Nemotron Nano), an out-of-family check added after the
calibration that sets no number and is not part of either half.
"""

from __future__ import annotations

import csv
import hashlib
import json
import subprocess
import sys
from pathlib import Path

COMMIT = "0cd52dab897c5d91a45f4d413038f3b8b4251b0f"
REPO = "github.com/ml-energy/leaderboard"
MODELS = {
    "meta-llama__Llama-3.1-8B-Instruct": ("Llama 3.1 8B Instruct", 8.03e9, "bf16"),
    "meta-llama__Llama-3.1-70B-Instruct": ("Llama 3.1 70B Instruct", 70.6e9, "bf16"),
    "meta-llama__Llama-3.1-405B-Instruct": ("Llama 3.1 405B Instruct", 405.9e9, "bf16"),
    "meta-llama__Llama-3.1-405B-Instruct-FP8": ("Llama 3.1 405B Instruct FP8", 405.9e9, "fp8"),
}
INPUT_TOKENS = 500
"""Prompt tokens assumed for lm-arena-chat (the data gives output lengths only)."""

FIELDS = [
    "id", "half", "stratum", "model", "params", "active_params", "gpu", "accelerators", "precision",
    "batch", "input_tokens", "output_tokens", "measured_j_per_output_token", "measured_power_w", "scope",
    "source", "source_file", "source_commit", "note",
]  # fmt: skip


def half(stratum: str, position: int) -> str:
    """The split rule: rows of one stratum (model and accelerator) sorted by batch alternate between the
    halves, the first row's half given by the parity of the first byte of sha256(stratum)."""
    start = hashlib.sha256(stratum.encode()).digest()[0] % 2
    return "calibration" if (position + start) % 2 == 0 else "held_back"


def leaderboard_rows(mirror: str) -> list[dict[str, str]]:
    rows = []
    for stem, (model, params, precision) in MODELS.items():
        path = f"public/data/models/{stem}__lm-arena-chat.json"
        text = subprocess.run(
            ["git", "--git-dir", mirror, "show", f"{COMMIT}:{path}"],
            check=True, capture_output=True, text=True,
        ).stdout  # fmt: skip
        for cfg in json.loads(text)["configurations"]:
            gpu, n, seqs = cfg["gpu_model"], int(cfg["num_gpus"]), int(cfg["max_num_seqs"])
            rows.append(
                {
                    "id": f"{stem.split('__')[1]}-{gpu}x{n}-seqs{seqs}",
                    "stratum": f"{model} | {gpu}",
                    "model": model,
                    "params": f"{params:.4g}",
                    "active_params": f"{params:.4g}",
                    "gpu": gpu,
                    "accelerators": str(n),
                    "precision": precision,
                    "batch": str(max(1, round(cfg["avg_batch_size"]))),
                    "input_tokens": str(INPUT_TOKENS),
                    "output_tokens": f"{cfg['avg_output_len']:.1f}",
                    "measured_j_per_output_token": f"{cfg['energy_per_token_joules']:.5g}",
                    "measured_power_w": f"{cfg['avg_power_watts']:.1f}",
                    "scope": "GPU energy (accelerator)",
                    "source": f"ML.ENERGY Leaderboard v3.0 data ({REPO}), task lm-arena-chat",
                    "source_file": path,
                    "source_commit": COMMIT,
                    "note": (
                        f"max_num_seqs {seqs}, average batch {cfg['avg_batch_size']:.1f}, tensor parallel "
                        f"{cfg['parallelization']['tensor_parallel']}; input {INPUT_TOKENS} assumed"
                    ),
                }
            )
    return rows


def _show(mirror: str, path: str) -> str:
    return subprocess.run(
        ["git", "--git-dir", mirror, "show", f"{COMMIT}:{path}"], check=True, capture_output=True, text=True
    ).stdout


def other_rows(mirror: str) -> list[dict[str, str]]:
    """Every lm-arena-chat configuration of the models not in :data:`MODELS`, with their architecture."""
    listing = subprocess.run(
        ["git", "--git-dir", mirror, "ls-tree", "--name-only", f"{COMMIT}", "public/data/models/"],
        check=True, capture_output=True, text=True,
    ).stdout.split()  # fmt: skip
    rows = []
    for path in sorted(listing):
        stem = Path(path).name.removesuffix("__lm-arena-chat.json")
        if not path.endswith("__lm-arena-chat.json") or stem in MODELS:
            continue
        data = json.loads(_show(mirror, path))
        precision = {"bfloat16": "bf16", "fp8": "fp8"}[data["weight_precision"]]
        for cfg in data["configurations"]:
            gpu, n, seqs = cfg["gpu_model"], int(cfg["num_gpus"]), int(cfg["max_num_seqs"])
            rows.append(
                {
                    "id": f"{stem.split('__')[1]}-{gpu}x{n}-seqs{seqs}",
                    "half": "out_of_family",
                    "stratum": f"{data['model_id']} | {gpu}",
                    "model": data["model_id"],
                    "params": f"{data['total_params_billions'] * 1e9:.4g}",
                    "active_params": f"{data['activated_params_billions'] * 1e9:.4g}",
                    "gpu": gpu,
                    "accelerators": str(n),
                    "precision": precision,
                    "batch": str(max(1, round(cfg["avg_batch_size"]))),
                    "input_tokens": str(INPUT_TOKENS),
                    "output_tokens": f"{cfg['avg_output_len']:.1f}",
                    "measured_j_per_output_token": f"{cfg['energy_per_token_joules']:.5g}",
                    "measured_power_w": f"{cfg['avg_power_watts']:.1f}",
                    "scope": "GPU energy (accelerator)",
                    "source": f"ML.ENERGY Leaderboard v3.0 data ({REPO}), task lm-arena-chat",
                    "source_file": path,
                    "source_commit": COMMIT,
                    "note": f"{data['architecture']}; max_num_seqs {seqs}; input {INPUT_TOKENS} assumed",
                    "architecture": data["architecture"],
                }
            )
    return rows


def main(mirror: str) -> None:
    here = Path(__file__).parent
    rows = leaderboard_rows(mirror)
    with (here / "extra_rows.csv").open() as handle:
        for row in csv.DictReader(handle):
            rows.append({**row, "stratum": f"{row['model']} | {row['gpu']}"})
    strata: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        strata.setdefault(row["stratum"], []).append(row)
    for members in strata.values():
        members.sort(key=lambda r: (float(r["batch"]), r["id"]))
        for position, row in enumerate(members):
            row["half"] = half(row["stratum"], position)
    rows.sort(key=lambda r: (r["stratum"], float(r["batch"])))
    with (here / "measured_inference.csv").open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=FIELDS, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({key: row.get(key, "") for key in FIELDS})
    with (here / "mlenergy_v3_other.csv").open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=[*FIELDS, "architecture"], lineterminator="\n")
        writer.writeheader()
        writer.writerows(other_rows(mirror))


if __name__ == "__main__":
    main(sys.argv[1])
