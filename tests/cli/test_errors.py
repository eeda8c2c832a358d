"""The command line's one error boundary: user errors are one line and exit 2, naming the flag typed; a
closed pipe exits 0 quietly; a bug is an internal error with exit 1 and a --debug hint; --help starts
without scipy or pandas."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fmfootprint.cli import laws as cli_laws
from fmfootprint.cli.main import flag_map, main, name_flags

RUNS_CSV = (
    Path(__file__).resolve().parents[1] / "data" / "scaling" / "epoch_chinchilla_svg_extracted_data.csv"
)
FIT = ["fit", "RUNS", "--params-col", "Model Size", "--flops-col", "Training FLOP"]
RUN = ["--hours", "1", "--power-w", "300"]

# (argv, a fragment of the one stderr line). Upper-case words are files made by the `files` fixture.
CORPUS: list[tuple[list[str], str]] = [
    # the command itself
    (["no-such-verb"], "invalid choice: 'no-such-verb'"),
    ([], "the following arguments are required: VERB"),
    (["--bogus"], "the following arguments are required: VERB"),
    (["laws", "--bogus"], "unrecognized arguments: --bogus"),
    # estimate: the library's names become the flags
    (["estimate", "--power-w", "-1", "--gpu-hours", "5"], "--power-w must be > 0, got -1"),
    (["estimate", "--gpu-hours", "5"], "give --gpu (for its TDP) or --power-w"),
    (["estimate", "--gpu-hours", "-5", "--power-w", "300"], "--gpu-hours must be >= 0, got -5"),
    (["estimate", "--gpu-hours", "lots", "--power-w", "300"], "argument --gpu-hours: invalid float value"),
    (["estimate", "--hours", "1", "--gpu", "H1000"], "unknown accelerator 'H1000'; did you mean"),
    (["estimate", "--hours", "1", "--gpu", "H100", "--mfu", "0.4"], "--mfu is only used with --flops"),
    (["estimate", "--flops", "1e20", "--gpu", "H100"], "--flops needs --mfu"),
    (["estimate", "--flops", "1e20", "--gpu", "H100", "--mfu", "2"], "--mfu must be in (0, 1], got 2"),
    (["estimate", *RUN, "--gpus", "0.5"], "--gpus must be a whole number >= 1, got 0.5"),
    (["estimate", *RUN, "--utilization", "0.5"], "not allowed with argument --power-w"),
    (["estimate", *RUN, "--region", "Atlantis"], "unknown region 'Atlantis'"),
    (["estimate", *RUN, "--grid-intensity", "-3"], "--grid-intensity must be >= 0"),
    (["estimate", *RUN, "--lifetime-years", "0", "--gpu", "H100"], "--lifetime-years must be > 0"),
    (["estimate", *RUN, "--samples", "0"], "--samples must be a whole number >= 1, got 0"),
    (["estimate", *RUN, "--samples", "10", "--seed", "-1"], "--seed must be a whole number >= 0, got '-1'"),
    (["estimate", *RUN, "--seed", "x"], "--seed must be a whole number >= 0, got 'x'"),
    (["estimate"], "one of the arguments --hours --gpu-hours --flops --energy-kwh is required"),
    # inference and rate (per-query serving model, energy labels)
    (
        ["inference", "--params", "7e9", "--gpu", "H100", "--input-tokens", "9", "--output-tokens", "0"],
        "--output-tokens must be > 0",
    ),
    (["rate", "--params", "7e9"], "give --energy-wh-per-1000 (with --params) or --training-kwh"),
    # plan: flags of the verb, the spelling typed
    (["plan", "--compute", "-1e22"], "--compute must be > 0, got -1e+22"),
    (["plan", "--compute", "lots"], "--compute must be a number such as 1e24 or 2.5T, got 'lots'"),
    (["plan", "--energy-cap-kwh", "-5"], "--energy-cap-kwh must be > 0"),
    (["plan", "--compute", "1e22", "--law-file", "MISSING"], "No such file or directory"),
    (["plan", "--compute", "1e22", "--law-file", "BINARY"], "BINARY"),
    (["plan", "--compute", "1e22", "--gpu", "H1000", "--mfu", "0.4"], "did you mean H100"),
    # fit: files named on the command line are named in the error
    (["fit", "MISSING"], "No such file or directory: MISSING"),
    (["fit", "BINARY"], "cannot read BINARY: not UTF-8 text"),
    (["fit", "EMPTY"], "is empty"),
    ([*FIT, "--exclude-top-loss", "-1"], "--exclude-top-loss must be a whole number >= 0"),
    ([*FIT, "--bootstrap", "-3"], "--bootstrap must be a whole number >= 1"),
    ([*FIT, "--bootstrap", "2", "--seed", "-1"], "--seed must be a whole number >= 0"),
    ([*FIT, "--method", "slow"], "argument --method: invalid choice: 'slow'"),
    # data
    (["data"], "the following arguments are required: CATALOG"),
    (["data", "regions", "--kind", "x"], "argument --kind: invalid choice: 'x'"),
    # runs and summaries
    (["summarize", "MISSING"], "does not exist"),
    (["summarize", "EMPTYDIR"], "no fmfootprint log"),
    (["merge", "MISSING"], "does not exist"),
    (["ingest", "sacct", "MISSING", "--job", "1"], "cannot read sacct output"),
    (["ledger", "report", "--group-by", "colour"], "invalid choice: 'colour'"),
    (["track", "--interval", "0", "--", "true"], "--interval must be > 0"),
    (["track", "--", "no-such-command-xyz"], "command not found"),
    # card
    (["card"], "no source of figures"),
    (["card", "--gpu-hours", "5", "--power-w", "300", "--update", "MISSING"], "no such model card"),
    (["card", "--gpu-hours", "5", "--power-w", "-1"], "--power-w must be > 0"),
    # app
    (["app", "--port", "0"], "--port must be in 1..65535, got 0"),
    (["app", "--port", "eighty"], "argument --port: invalid int value: 'eighty'"),
    (["app", "--address", "not a host"], "--address 'not a host' is not a host name or an IP address"),
]


@pytest.fixture
def files(tmp_path: Path) -> dict[str, str]:
    (tmp_path / "binary.csv").write_bytes(b"\xff\xfe\x00\x81params,tokens\n\x80\x81")
    (tmp_path / "empty.csv").write_text("")
    (tmp_path / "emptydir").mkdir()
    return {
        "RUNS": str(RUNS_CSV),
        "MISSING": str(tmp_path / "missing.json"),
        "BINARY": str(tmp_path / "binary.csv"),
        "EMPTY": str(tmp_path / "empty.csv"),
        "EMPTYDIR": str(tmp_path / "emptydir"),
    }


def _fill(text: str, files: dict[str, str]) -> str:
    for key in sorted(files, key=len, reverse=True):
        text = text.replace(key, files[key])
    return text


@pytest.mark.parametrize(("argv", "fragment"), CORPUS, ids=[" ".join(a) or "(none)" for a, _ in CORPUS])
def test_bad_input_is_one_line_and_exit_2(capsys, monkeypatch, files, argv, fragment) -> None:
    monkeypatch.chdir(Path(files["EMPTYDIR"]))  # `track` would write here (it refuses before that)
    code = main([_fill(word, files) for word in argv])
    out, err = capsys.readouterr()
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1
    assert err.endswith("\n")
    assert "Traceback" not in err
    assert _fill(fragment, files) in err
    assert err.startswith("fmfootprint")


def test_the_corpus_covers_every_verb() -> None:
    from fmfootprint.cli.main import VERBS

    assert {argv[0] for argv, _ in CORPUS if argv} >= set(VERBS)


def test_an_internal_error_is_exit_1_with_the_debug_hint(capsys, monkeypatch) -> None:
    def broken(args):
        raise KeyError("site")

    monkeypatch.setattr(cli_laws, "run", broken)
    assert main(["laws"]) == 1
    err = capsys.readouterr().err
    assert err == "fmfootprint: internal error: KeyError: 'site'; rerun with --debug for the traceback\n"


@pytest.mark.parametrize(
    "error",
    [
        ValueError("setting an array element with a sequence."),
        TypeError("x"),
        RecursionError(),
        MemoryError(),
    ],
)
def test_bare_library_errors_are_internal_not_usage(capsys, monkeypatch, error) -> None:
    def broken(args):
        raise error

    monkeypatch.setattr(cli_laws, "run", broken)
    assert main(["laws"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith(f"fmfootprint: internal error: {type(error).__name__}")
    assert "usage" not in err


@pytest.mark.parametrize("where", [["--debug", "laws"], ["laws", "--debug"]])
def test_debug_shows_the_traceback(capsys, monkeypatch, where) -> None:
    def broken(args):
        raise KeyError("site")

    monkeypatch.setattr(cli_laws, "run", broken)
    assert main(where) == 1
    err = capsys.readouterr().err
    assert "Traceback (most recent call last)" in err
    assert err.splitlines()[-1] == "fmfootprint: internal error: KeyError: 'site'"


def test_debug_after_a_double_dash_belongs_to_the_tracked_command() -> None:
    from fmfootprint.cli.main import _take_debug

    assert _take_debug(["track", "--", "python", "--debug"]) == (["track", "--", "python", "--debug"], False)
    assert _take_debug(["--debug", "track", "--", "x"]) == (["track", "--", "x"], True)


def _fmfootprint(*argv: str) -> list[str]:
    return [sys.executable, "-m", "fmfootprint", *argv]


@pytest.mark.parametrize("argv", [["laws"], ["laws", "--json"], ["data", "regions"], ["--help"]])
def test_a_closed_pipe_exits_0_quietly(argv) -> None:
    # The reader is gone before the first byte is written: every write raises EPIPE.
    child = subprocess.Popen(_fmfootprint(*argv), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert child.stdout is not None
    assert child.stderr is not None
    child.stdout.close()
    err = child.stderr.read()
    assert child.wait(timeout=60) == 0
    assert err == b""


def test_head_reads_part_of_the_output() -> None:
    shell = f"{' '.join(_fmfootprint('laws'))} | head -c 10; exit ${{PIPESTATUS[0]}}"
    done = subprocess.run(["bash", "-c", shell], capture_output=True, timeout=60)
    assert done.returncode == 0
    assert done.stderr == b""
    assert len(done.stdout) == 10


def test_a_busy_port_is_one_line_and_exit_2(capsys) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        code = main(["app", "--port", str(port), "--address", "127.0.0.1"])
    out, err = capsys.readouterr()
    assert code == 2
    assert out == ""  # no URL printed for a server that cannot start
    assert err == (
        f"fmfootprint app: error: port {port} on 127.0.0.1 is in use (another app or server); "
        "choose another with --port\n"
    )


def test_help_imports_neither_scipy_nor_pandas() -> None:
    code = (
        "import sys\n"
        "from fmfootprint.cli.main import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "import json\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in ('scipy', 'pandas', 'numpy'))))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    heavy = json.loads(done.stdout.splitlines()[-1])
    assert not [m for m in heavy if m.split(".")[0] in ("scipy", "pandas")], heavy
    assert not heavy  # numpy neither: --help is argparse and the catalogs' vocabularies


def test_help_of_a_verb_starts_light() -> None:
    code = (
        "import sys\nfrom fmfootprint.cli.main import main\n"
        "for verb in ('plan', 'fit', 'estimate', 'summarize', 'merge', 'card', 'app'):\n"
        "    try:\n        main([verb, '--help'])\n    except SystemExit:\n        pass\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('scipy', 'pandas')))"
    )
    env = {**os.environ, "COLUMNS": "100"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    assert done.stdout.splitlines()[-1] == "[]"


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("power_w must be > 0, got -1", "--power-w must be > 0, got -1"),
        ("give gpu (for its TDP) or power_w", "give --gpu (for its TDP) or --power-w"),
        (
            "give exactly one of hours, gpu_hours, flops or energy_kwh",
            "give exactly one of --hours, --gpu-hours, --flops or --energy-kwh",
        ),
        ("unknown region 'hours'; did you mean FR?", "unknown region 'hours'; did you mean FR?"),
        ("a run of 5 accelerator-hours", "a run of 5 accelerator-hours"),
        ("unknown precision 'x'; choose one of fp8, bf16", "unknown precision 'x'; choose one of fp8, bf16"),
        ("the region is not known", "the region is not known"),
    ],
)
def test_library_names_become_flags_in_one_place(message, expected) -> None:
    from fmfootprint.cli.main import build_parser

    estimate = build_parser()._subparsers._group_actions[0].choices["estimate"]  # type: ignore[union-attr]
    assert name_flags(message, flag_map(estimate)) == expected


def test_the_spelling_typed_is_the_one_named() -> None:
    from fmfootprint.cli.main import build_parser

    plan = build_parser()._subparsers._group_actions[0].choices["plan"]  # type: ignore[union-attr]
    assert flag_map(plan)["energy_kwh"] == "--energy-kwh"
    assert flag_map(plan, ["--energy-cap-kwh", "5"])["energy_kwh"] == "--energy-cap-kwh"
    assert flag_map(plan)["compute_flops"] == "--compute"


_WORDS = st.sampled_from(
    ["--hours", "--gpu-hours", "--power-w", "--gpu", "--gpus", "--pue", "--mfu", "--flops", "--region",
     "--samples", "--seed", "--json", "-1", "0", "1e308", "nan", "inf", "H100", "FR", "x", "--", "1,000"]
)  # fmt: skip


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(_WORDS, max_size=8))
def test_random_estimate_command_lines_never_trace_back(capsys, words) -> None:
    code = main(["estimate", *words])
    _, err = capsys.readouterr()
    assert code in (0, 2), err
    assert "Traceback" not in err
    if code == 2:
        assert err.count("\n") == 1
