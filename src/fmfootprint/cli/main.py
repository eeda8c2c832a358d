"""The ``fmfootprint`` command: builds the parser from one small module per verb, and is the one error
boundary of the command line.

Each verb module ``fmfootprint.cli.<verb>`` exposes ``register(subparsers)``, which adds its parser and
sets ``func`` to a ``run(args) -> int``. Verbs parse and print; they never compute. A verb module imports
only what ``--help`` needs at the top; numpy, scipy and pandas are imported inside ``run``.

Exit codes
----------
0
    Success, ``--help``, ``--version``, or the reader of the output went away (``fmfootprint laws | head``):
    nothing is printed on stderr then.
1
    An internal error (a bug): one line, ``fmfootprint: internal error: ...; rerun with --debug for the
    traceback``. ``--debug`` (anywhere before a ``--``) prints the traceback.
2
    A user error: a usage error, a :class:`~fmfootprint.errors.FootprintInputError` from the library, or a
    file that cannot be read or written. One line, naming the command-line flag (``--power-w``), not the
    library's argument (``power_w``).
130
    Interrupted (Ctrl-C).
"""

from __future__ import annotations

import argparse
import errno
import importlib
import os
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, NoReturn

from fmfootprint import __version__
from fmfootprint.errors import FootprintInputError

if TYPE_CHECKING:
    from fmfootprint.measure.launch import Child

# Order is the order shown in --help.
VERBS: tuple[str, ...] = (
    "plan",
    "fit",
    "laws",
    "estimate",
    "inference",
    "rate",
    "data",
    "track",
    "summarize",
    "merge",
    "ingest",
    "ledger",
    "card",
    "app",
)

EXIT_OK = 0
EXIT_INTERNAL = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130

DEBUG_FLAG = "--debug"
_HINT = f"rerun with {DEBUG_FLAG} for the traceback"
_MAX_DETAIL = 300  # characters of an internal error's message shown on its one line

# A plain-word name (``hours``, ``gpu``) is a flag only where a sentence uses it as one: as the subject
# ("hours must be ...", "mfu is only used ..."), or after "give", "needs", "with", "or", "of" or a comma.
_SUBJECT_VERBS = r"(?:must|is|are|needs|need|works|requires|cannot|can)\b"
_NAME_LEADS = "|".join(f"(?<={lead} )" for lead in ("give", "needs", "need", "with", "or", "of", ","))
_QUOTED = re.compile(r"('[^']*'|\"[^\"]*\")")


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line (no usage dump) naming flags, and exit code 2.

    Negative numbers in scientific notation (``--compute -1e22``) are read as values, so that the library
    names the bad value instead of argparse saying "expected one argument".
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._negative_number_matcher = re.compile(r"^-(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$", re.IGNORECASE)

    def error(self, message: str) -> NoReturn:
        # "argument --compute: compute_flops must be > 0" -> "--compute must be > 0"
        match = re.match(r"argument ([^:]+): (.*)", message, re.DOTALL)
        if match:
            flags = match.group(1).split("/")
            rest = name_flags(match.group(2), flag_map(self))
            if rest.startswith("must "):  # an argparse type's message: "--seed must be a whole number ..."
                rest = f"{flags[0]} {rest}"
            if any(rest.startswith(flag + " ") for flag in flags):
                message = rest
        self.exit(EXIT_USAGE, f"{self.prog}: error: {_one_line(message)}\n")


def build_parser(verbs: Sequence[str] = VERBS) -> argparse.ArgumentParser:
    """The command's parser, with the sub-parsers of ``verbs`` (default: all, in ``--help`` order)."""
    parser = _Parser(
        prog="fmfootprint",
        description="Plan foundation-model training and estimate or measure its energy, carbon and water.",
        epilog=f"Exit codes: 0 ok, 1 internal error (see {DEBUG_FLAG}), 2 usage or input error.",
    )
    parser.add_argument("--version", action="version", version=f"fmfootprint {__version__}")
    parser.add_argument(
        DEBUG_FLAG, action="store_true", help="show the traceback of an error (also accepted after the verb)"
    )
    subparsers = parser.add_subparsers(dest="verb", metavar="VERB", parser_class=_Parser)
    subparsers.required = True
    for verb in verbs:
        module_name = f"fmfootprint.cli.{verb.replace('-', '_')}"
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            # A verb still being written during development; everything else is a real error.
            if exc.name == module_name:
                continue
            raise
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None, *, launched: Child | None = None) -> int:
    """Run the command line ``argv`` (default ``sys.argv[1:]``) and return its exit code (see above).

    ``launched``: the command of ``track`` already launched by :func:`fmfootprint.cli.run` (before this
    module was imported); else a plain ``track`` line is launched here, first (:mod:`._fast_track`).
    """
    words, debug = _take_debug(sys.argv[1:] if argv is None else argv)
    parser: argparse.ArgumentParser | None = None
    args: argparse.Namespace | None = None
    try:
        if launched is None and words[:1] == ["track"]:
            from fmfootprint.cli._fast_track import launch_first

            launched = launch_first(words[1:])
        # ``track`` launches the user's command: build only its parser, so that the command starts at once
        parser = build_parser(("track",) if words[:1] == ["track"] else VERBS)
        if launched is not None:
            from fmfootprint.cli.track import after_launch

            return after_launch(parser, words, launched)
        try:
            args = parser.parse_args(words)
        except SystemExit as exc:  # usage errors (one line, already printed), --help, --version
            _flush_stdout()
            return _exit_code(exc)
        code = int(args.func(args) or 0)
        _flush_stdout()
        return code
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except BaseException as exc:  # the boundary: every error ends here
        if isinstance(exc, SystemExit):
            raise
        if _is_closed_pipe(exc):
            _silence_stdout()
            return EXIT_OK
        prog = _prog(args)
        if debug:
            import traceback

            traceback.print_exception(type(exc), exc, exc.__traceback__)
        user = _user_message(exc, parser, args, words)
        if user is not None:
            _print_error(f"{prog}: error: {user}")
            return EXIT_USAGE
        detail = _one_line(f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__)
        if len(detail) > _MAX_DETAIL:
            detail = detail[: _MAX_DETAIL - 3] + "..."
        hint = "" if debug else f"; {_HINT}"
        _print_error(f"fmfootprint: internal error: {detail}{hint}")
        return EXIT_INTERNAL


def run() -> NoReturn:
    """``sys.exit(main())`` (the console script is :func:`fmfootprint.cli.run`, which launches ``track``'s
    command before importing this module)."""
    sys.exit(main())


# -- flags ------------------------------------------------------------------------------------------------


def verb_parser(parser: argparse.ArgumentParser, args: argparse.Namespace) -> argparse.ArgumentParser:
    """The (sub)parser that read ``args``: ``fmfootprint data regions`` -> the ``regions`` parser."""
    current = parser
    while True:
        sub = next((a for a in current._actions if isinstance(a, argparse._SubParsersAction)), None)
        if sub is None:
            return current
        choices: Mapping[str, argparse.ArgumentParser] = sub.choices
        name = getattr(args, sub.dest, None)
        if not isinstance(name, str) or name not in choices:
            return current
        current = choices[name]


def flag_map(parser: argparse.ArgumentParser, typed: Iterable[str] = ()) -> dict[str, str]:
    """``{name: flag}`` of a parser's options: each ``dest`` to its long option string.

    Where an option has several spellings (``--energy-kwh``, ``--energy-cap-kwh``), the one in ``typed``
    (the command line) wins. Library argument names that are not a ``dest`` are mapped by the verb with
    ``set_defaults(library_names={"n": "samples"})`` (library name -> dest).
    """
    words = list(typed)
    flags: dict[str, str] = {}
    for action in parser._actions:
        longs = [s for s in action.option_strings if s.startswith("--")]
        if not longs or action.dest in (argparse.SUPPRESS, "help"):
            continue
        used = [s for s in longs if any(w == s or w.startswith(s + "=") for w in words)]
        flags[action.dest] = (used or longs)[0]
    aliases = parser.get_default("library_names") or {}
    for library_name, dest in aliases.items():
        if dest in flags:
            flags[library_name] = flags[dest]
    return flags


def name_flags(message: str, flags: Mapping[str, str]) -> str:
    """``message`` with the library's argument names replaced by the command-line flags in ``flags``.

    ``"power_w must be > 0, got -1"`` -> ``"--power-w must be > 0, got -1"``. Names with an underscore or a
    space are replaced wherever they stand; plain words (``hours``) only where the sentence uses them as an
    argument. Quoted text (the user's own values) is left as it is.
    """
    if not flags:
        return message
    names = sorted(flags, key=len, reverse=True)
    compound = [re.escape(n) for n in names if "_" in n or " " in n]
    plain = [re.escape(n) for n in names if not ("_" in n or " " in n)]
    patterns = []
    if compound:
        patterns.append(re.compile(rf"(?<![\w\-./])({'|'.join(compound)})(?![\w\-/])"))
    first = None
    if plain:
        alternatives = "|".join(plain)
        subject = rf"({alternatives})(?= {_SUBJECT_VERBS})"
        first = re.compile(rf"^{subject}")  # the message's subject
        patterns.append(re.compile(rf"(?:(?<=; )|(?<=: )){subject}"))
        patterns.append(re.compile(rf"(?:{_NAME_LEADS})({alternatives})(?![\w\-./'])"))

    def flag(match: re.Match[str]) -> str:
        return flags[match.group(1)]

    parts = _QUOTED.split(message)
    for index in range(0, len(parts), 2):  # even parts are outside quotes
        if index == 0 and first is not None:
            parts[index] = first.sub(flag, parts[index])
        for pattern in patterns:
            parts[index] = pattern.sub(flag, parts[index])
    return "".join(parts)


# -- the boundary's helpers -------------------------------------------------------------------------------


def _take_debug(argv: Sequence[str]) -> tuple[list[str], bool]:
    """Remove ``--debug`` from the words before a ``--`` (after it they belong to ``track``'s command)."""
    words = list(argv)
    end = words.index("--") if "--" in words else len(words)
    kept = [w for w in words[:end] if w != DEBUG_FLAG]
    debug = len(kept) < end
    return kept + words[end:], debug


def _exit_code(exc: SystemExit) -> int:
    if exc.code is None:
        return EXIT_OK
    return exc.code if isinstance(exc.code, int) else EXIT_USAGE


def _prog(args: argparse.Namespace | None) -> str:
    verb = getattr(args, "verb", None)
    return f"fmfootprint {verb}" if verb else "fmfootprint"


def _is_closed_pipe(exc: BaseException) -> bool:
    return isinstance(exc, BrokenPipeError) or (isinstance(exc, OSError) and exc.errno == errno.EPIPE)


def _user_message(
    exc: BaseException,
    parser: argparse.ArgumentParser | None,
    args: argparse.Namespace | None,
    words: Sequence[str],
) -> str | None:
    """The one-line message of an error the user caused, or None for an internal error."""
    if isinstance(exc, FootprintInputError):
        message = str(exc)
        if parser is not None and args is not None:
            message = name_flags(message, flag_map(verb_parser(parser, args), words))
        return _one_line(message)
    if isinstance(exc, UnicodeDecodeError):  # a ValueError: text files named on the command line
        where = _named_paths(args)
        what = where[0] if len(where) == 1 else "a file named on the command line"
        if len(where) == 1 and os.path.isdir(where[0]):
            what = f"a file in {where[0]}"
        return f"cannot read {what}: not UTF-8 text ({exc.reason} at byte {exc.start})"
    if isinstance(exc, OSError):  # files named on the command line; a full disk; a port in use
        reason = exc.strerror or str(exc) or type(exc).__name__
        name = exc.filename
        return _one_line(f"{reason}: {name}" if name else reason)
    return None


def _named_paths(args: argparse.Namespace | None) -> list[str]:
    """The values of ``args`` that name existing files or folders."""
    found: list[str] = []
    for value in vars(args or argparse.Namespace()).values():
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str) and item and os.path.exists(item) and item not in found:
                found.append(item)
    return found


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _print_error(line: str) -> None:
    try:
        sys.stderr.write(line + "\n")
        sys.stderr.flush()
    except OSError:
        pass  # no stderr to write to: the exit code still says it


def _flush_stdout() -> None:
    if sys.stdout is not None:
        sys.stdout.flush()


def _silence_stdout() -> None:
    """After EPIPE: point stdout at /dev/null so that Python's flush at exit has nowhere to fail."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # no file descriptor (a test's captured stream)
        pass


if __name__ == "__main__":
    run()
