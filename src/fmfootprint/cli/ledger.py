"""``fmfootprint ledger record|list|report``: the SQL run ledger (SQLite file or PostgreSQL URL).

The YAML ledger of ``card --ledger FILE`` is a different thing (a list of sources by stage) and keeps
working; this verb is the database of every run recorded (``track --ledger``, ``ingest --ledger``).
"""

from __future__ import annotations

import argparse
from typing import Any

from fmfootprint.cli._output import print_json, print_table


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "ledger",
        help="record, list and report runs in a SQL ledger (SQLite or PostgreSQL)",
        description="A run ledger in a database: SQLite by default (fmfootprint-ledger.db, or "
        "$FMFOOTPRINT_LEDGER), PostgreSQL by URL. Each run is counted once (by run id). See docs/fleet.md.",
    )
    actions = p.add_subparsers(dest="action", metavar="ACTION")
    actions.required = True
    for name, text in (
        ("record", "record tracked runs (folders), saved summaries or `estimate --json` outputs"),
        ("list", "list the recorded runs"),
        ("report", "totals per stage, project, month or region"),
    ):
        a = actions.add_parser(name, help=text, description=text)
        a.add_argument("--db", "--ledger", dest="db", metavar="URL", default=None, help="ledger URL or file")
        if name == "record":
            a.add_argument(
                "paths",
                metavar="PATH",
                nargs="+",
                help="run folders, summary JSON files or `estimate --json` outputs",
            )
            a.add_argument("--run-id", default=None, help="run id (default: the run's session ids)")
            a.add_argument("--project", default=None, help="record under this project")
            a.add_argument("--stage", default=None, help="record under this stage")
        else:
            a.add_argument("--project", default=None, help="only this project")
            a.add_argument("--since", default=None, help="only runs started at or after (ISO date, epoch s)")
        if name == "report":
            a.add_argument(
                "--group-by",
                default="stage",
                choices=("stage", "project", "month", "region"),
                help="grouping",
            )
        a.add_argument("--json", action="store_true", help="print JSON")
        a.set_defaults(func=run)


def _load(path: str, stage: str | None) -> Any:
    from pathlib import Path

    from fmfootprint._io import read_json
    from fmfootprint.footprint.stages import StageFootprint
    from fmfootprint.measure.merge import merge_runs
    from fmfootprint.measure.summary import RunSummary

    if Path(path).is_dir():
        return merge_runs([path])
    data = read_json(path, what="run summary or estimate")
    if isinstance(data, dict) and "duration_s" not in data and "energy_kwh" in data:
        return StageFootprint.from_dict(data, stage)  # `fmfootprint estimate --json` output
    return RunSummary.from_dict(data)


def run(args: argparse.Namespace) -> int:
    from fmfootprint.fleet.ledger_db import RunLedger
    from fmfootprint.fleet.prom_ingest import parse_time
    from fmfootprint.units import format_mass_kg, format_number

    ledger = RunLedger(args.db)
    try:
        if args.action == "record":
            if args.run_id and len(args.paths) > 1:
                from fmfootprint.errors import FootprintInputError

                raise FootprintInputError("--run-id names one run: give one PATH with it")
            items = [(_load(path, args.stage), args.run_id) for path in args.paths]
            if args.run_id is None and any(not hasattr(item, "sessions") for item, _ in items):
                from fmfootprint.errors import FootprintInputError

                raise FootprintInputError("an estimate needs --run-id to be recorded (one estimate per call)")
            new = ledger.record_many(items, project=args.project, stage=args.stage)
            result = {"ledger": ledger.label, "recorded": new, "already_recorded": len(items) - new}
            if args.json:
                print_json(result)
            else:
                print(f"{ledger.label}: {new} recorded, {len(items) - new} already there")
            return 0
        since = None if args.since is None else parse_time(args.since)
        if args.action == "list":
            rows = ledger.rows(project=args.project, since=since)
            if args.json:
                print_json({"ledger": ledger.label, "runs": [r.to_dict() for r in rows]})
            for r in [] if args.json else rows:
                energy = "unmeasured" if r.energy_kwh is None else f"{format_number(r.energy_kwh)} kWh"
                print(
                    f"{r.run_id}  {r.month}  {r.project}  {r.stage}  {r.method}  {energy}  "
                    f"{format_mass_kg(r.co2e_kg)}"
                )
            return 0
        groups = ledger.report(group_by=args.group_by, project=args.project, since=since)
        if args.json:
            print_json(
                {"ledger": ledger.label, "group_by": args.group_by, "groups": [g.to_dict() for g in groups]}
            )
            return 0

        def kwh(value: float | None) -> str:
            return "unmeasured" if value is None else f"{format_number(value)} kWh"

        print_table(
            {
                g.key: f"{g.runs} run(s), {kwh(g.energy_kwh)}, {format_mass_kg(g.co2e_kg)} CO2e, "
                f"{'unmeasured' if g.water_l is None else format_number(g.water_l) + ' L'} water"
                + (f" ({g.unmeasured} run(s) without energy, not counted)" if g.unmeasured else "")
                for g in groups
            }
        )
        return 0
    finally:
        ledger.close()
