"""`fmfootprint card`: estimate flags, run directories or a ledger; --output, --update, --json; errors."""

from __future__ import annotations

import json
import shutil

import pytest
from huggingface_hub import metadata_load

from fmfootprint.cli.main import main
from fmfootprint.footprint.estimate import estimate
from fmfootprint.report.modelcard import model_card, update_card

BLOOM_FLAGS = [
    "--gpu", "A100 SXM4 80GB", "--gpus", "384", "--gpu-hours", "1082990",
    "--power-w", "400", "--pue", "1", "--grid-intensity", "57",
]  # fmt: skip
BLOOM_KWARGS = {"gpu": "A100 SXM4 80GB", "gpus": 384, "gpu_hours": 1082990, "power_w": 400, "pue": 1,
                "grid_intensity": 57}  # fmt: skip


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["card", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_bloom_from_estimate_flags(capsys, tmp_path) -> None:
    code, out, err = _run(capsys, *BLOOM_FLAGS, "--location", "Orsay, France", "--json")
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert data["co2_eq_emissions"]["emissions"] == pytest.approx(24.69e6, rel=0.01)
    assert data["co2_eq_emissions"]["geographical_location"] == "Orsay, France"
    assert data["co2_eq_emissions"]["hardware_used"] == "384 A100 SXM4 80GB GPUs"
    assert data["stages"]["final"]["energy_kwh"] == pytest.approx(433_196, rel=0.001)
    # BLOOM's embodied 11.2 t (Luccioni et al. 2023, §4.1) is reported apart from the emissions.
    assert data["stages"]["final"]["co2e_embodied_kg"] == pytest.approx(11_200, rel=0.01)
    assert "- **Embodied carbon:** 11.2 t CO2eq" in data["markdown"]
    # The JSON carries the same content as the card.
    assert data == model_card(estimate(**BLOOM_KWARGS), location="Orsay, France").to_dict()
    # --output writes a card the Hub's own parser reads.
    card = tmp_path / "card.md"
    code, out, _ = _run(capsys, *BLOOM_FLAGS, "--output", str(card))
    assert code == 0
    assert f"wrote {card}" in out
    expected = {k: v for k, v in data["co2_eq_emissions"].items() if k != "geographical_location"}
    assert metadata_load(card)["co2_eq_emissions"] == expected


def test_prints_the_card_by_default(capsys) -> None:
    code, out, _ = _run(capsys, *BLOOM_FLAGS)
    assert code == 0
    assert out == model_card(estimate(**BLOOM_KWARGS)).card


def test_update_in_place_changes_only_the_environmental_parts(capsys, tmp_path, report_data) -> None:
    readme = tmp_path / "README.md"
    shutil.copy(report_data / "model_card.md", readme)
    original = readme.read_text(encoding="utf-8")
    code, _, err = _run(capsys, *BLOOM_FLAGS, "--update", str(readme))
    assert (code, err) == (0, "")
    updated = readme.read_text(encoding="utf-8")
    assert updated == update_card(original, model_card(estimate(**BLOOM_KWARGS)))
    assert _run(capsys, *BLOOM_FLAGS, "--update", str(readme))[0] == 0
    assert readme.read_text(encoding="utf-8") == updated  # idempotent


def test_update_with_output_leaves_the_original_alone(capsys, tmp_path, report_data) -> None:
    readme = tmp_path / "README.md"
    readme.write_bytes((report_data / "model_card.md").read_bytes().replace(b"\n", b"\r\n"))
    before = readme.read_bytes()
    target = tmp_path / "new.md"
    assert _run(capsys, *BLOOM_FLAGS, "--update", str(readme), "--output", str(target))[0] == 0
    assert readme.read_bytes() == before
    written = target.read_bytes()
    assert b"co2_eq_emissions:\r\n  emissions: " in written
    assert b"\n" not in written.replace(b"\r\n", b"")  # CRLF kept throughout


def test_runs_and_ledger(capsys, tmp_path, report_data) -> None:
    runs = report_data / "runs"
    code, out, err = _run(capsys, "--runs", str(runs / "final-node0"), str(runs / "eval"), "--json")
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert list(data["stages"]) == ["final", "evaluation"]
    assert data["method"] == "measured"
    shutil.copytree(runs, tmp_path / "runs")
    ledger = tmp_path / "footprint.yaml"
    ledger.write_text("card: {location: Lyon}\nstages:\n  final: {runs: runs/final-node0}\n")
    code, out, err = _run(capsys, "--ledger", str(ledger), "--json")
    assert (code, err) == (0, "")
    assert json.loads(out)["co2_eq_emissions"]["geographical_location"] == "Lyon"
    assert json.loads(out)["stages"]["final"] == data["stages"]["final"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        ((), "no source of figures"),
        (
            ("--runs", "RUNS", "--gpu-hours", "5"),
            "--runs cannot be combined with estimate options",
        ),
        (
            ("--ledger", "x.yaml", "--region", "FR"),
            "--ledger cannot be combined with estimate options (--region",
        ),
        (("--runs", "RUNS", "--ledger", "x.yaml"), "give --runs or --ledger, not both"),
        (("--runs", "EMPTY"), "no fmfootprint log (*.jsonl) or summary (*.summary.json)"),
        (("--runs", "MISSING"), "does not exist"),
        (("--gpu-hours", "5", "--power-w", "300", "--update", "MISSING"), "no such model card"),
        (("--gpu-hours", "5", "--power-w", "300", "--stage", "inference"), "no training stage"),
        (("--gpu-hours", "5", "--hours", "2", "--power-w", "300"), "hours"),
        (("--gpu-hours", "5", "--gpu", "H1000"), "unknown accelerator 'H1000'"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(capsys, tmp_path, report_data, argv, message) -> None:
    (tmp_path / "empty").mkdir()
    paths = {"RUNS": str(report_data / "runs" / "eval"), "EMPTY": str(tmp_path / "empty"),
             "MISSING": str(tmp_path / "missing")}  # fmt: skip
    argv = tuple(paths.get(a, a) for a in argv)
    code, out, err = _run(capsys, *argv)
    assert code == 2
    assert out == ""
    assert message in err
    assert err.count("\n") == 1
    assert "Traceback" not in err


def test_bad_choice_is_a_usage_error(capsys) -> None:
    assert main(["card", "--gpu-hours", "5", "--training-type", "pretraining"]) == 2
    err = capsys.readouterr().err
    assert "invalid choice: 'pretraining'" in err
    assert err.count("\n") == 1


# --------------------------------------------------------------------------------------------------
# a full disk: the README stays byte-identical, one line, exit 2


@pytest.fixture
def small_disk(tmp_path):
    """A 64 KiB tmpfs (the suite runs as root in CI); skipped where it cannot be mounted."""
    import subprocess

    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    try:
        subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount_point)],
            check=True, capture_output=True, timeout=30,
        )  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        pytest.skip("cannot mount a tmpfs here (needs root)")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], capture_output=True, timeout=30)


def test_update_on_a_full_disk_leaves_the_readme_byte_identical(capsys, report_data, small_disk) -> None:
    readme = small_disk / "README.md"
    card = (report_data / "model_card.md").read_bytes()
    # ~40 KB: fits once, not twice, so the new card cannot be written beside it.
    readme.write_bytes(card + b"\n## Notes\n\n" + b"Padding text for a long card.\n" * 1_300)
    before = readme.read_bytes()
    code, out, err = _run(capsys, *BLOOM_FLAGS, "--update", str(readme))
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1
    assert f"could not write {readme}: No space left on device; the file is unchanged" in err
    assert readme.read_bytes() == before
    assert sorted(p.name for p in small_disk.iterdir()) == ["README.md"]  # no temporary file left


@pytest.mark.parametrize("step", ["write", "replace"])
def test_a_failed_write_is_one_line_and_changes_nothing(
    capsys, tmp_path, report_data, monkeypatch, step
) -> None:
    import errno
    import os

    from fmfootprint import _io

    readme = tmp_path / "README.md"
    shutil.copy(report_data / "model_card.md", readme)
    before = readme.read_bytes()

    def full(*args: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(_io.os, step, full)
    code, out, err = _run(capsys, *BLOOM_FLAGS, "--update", str(readme))
    monkeypatch.undo()
    assert (code, out) == (2, "")
    assert err.count("\n") == 1
    assert "No space left on device; the file is unchanged" in err
    assert readme.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["README.md"]
    # --output to a new file: nothing is left behind either.
    monkeypatch.setattr(_io.os, step, full)
    code, _, err = _run(capsys, *BLOOM_FLAGS, "--output", str(tmp_path / "card.md"))
    monkeypatch.undo()
    assert code == 2
    assert "No space left on device; nothing was written" in err
    assert [p.name for p in tmp_path.iterdir()] == ["README.md"]


def test_an_undecodable_readme_is_named(capsys, tmp_path) -> None:
    readme = tmp_path / "README.md"
    readme.write_bytes(b"---\nlicense: mit\n---\n# Mod\xe8le\n")
    code, _, err = _run(capsys, *BLOOM_FLAGS, "--update", str(readme))
    assert code == 2
    assert f"model card '{readme}' is not UTF-8 text" in err
    assert err.count("\n") == 1


def test_card_shows_the_energy_rating(capsys) -> None:
    # From FLOPs: the training label, as the library rates it; from GPU-hours: "not rated" and why.
    flags = ["--gpu", "H100 SXM", "--gpus", "8", "--flops", "1e22", "--mfu", "0.4", "--region", "FR"]
    code, out, err = _run(capsys, *flags, "--json")
    assert (code, err) == (0, "")
    data = json.loads(out)
    expected = model_card(estimate(flops=1e22, gpu="H100 SXM", gpus=8, mfu=0.4, region="FR"))
    assert data["energy_rating"]["training"]["label"] == expected.ratings.training.label == "C"
    assert "- Energy rating (training): **C** - 575 kWh per 1e21 FLOP" in data["markdown"]
    code, out, err = _run(capsys, *flags)
    assert "Energy rating (training): **C**" in out
    code, out, err = _run(capsys, *BLOOM_FLAGS)
    assert code == 0
    assert "Energy rating (training): not rated - the training compute (FLOPs) is not known" in out
