"""Command line for Tellen & Vertellen: `python cli.py --help`.

Same functions as the pages, for scripts and reports; messages are in Dutch.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

import pandas as pd

from analysis.catalogue import load_catalogue
from analysis.datasets import catalogue_for, list_datasets, remove_dataset
from analysis.errors import AnalysisError
from analysis.export import FORMATS as EXPORT_FORMATS
from stories.audit import COMMAND_LINE
from stories.errors import StoreError


def cmd_datasets(args: argparse.Namespace) -> int:
    """List the datasets the app can show, or remove one."""
    if args.remove:
        gone = next((i for i in list_datasets() if i.id == args.remove), None)
        remove_dataset(args.remove)
        if gone is not None:
            audit_log().write(
                COMMAND_LINE, "dataset_removed", gone.gemeentecode, 0, gone.name
            )
        print(f"Dataset {args.remove} verwijderd.")
        return 0
    for info in list_datasets():
        years = ", ".join(str(y) for y in info.years)
        print(
            f"{info.id}\t{info.gemeentecode}\t{info.name}\tjaren {years}\t{info.source}"
        )
    return 0


def read_file(path: str | None) -> tuple[bytes, str] | None:
    if path is None:
        return None
    file = Path(path)
    if not file.is_file():
        raise AnalysisError(f"Bestand niet gevonden: {path}")
    return file.read_bytes(), file.name


def cmd_import_cbs(args: argparse.Namespace) -> int:
    """Import a real gemeente from files or from the CBS/PDOK services."""
    from analysis.importer import import_cbs

    if args.online:
        from analysis.online import fetch_gemeente

        if not (args.gemeente and args.jaar):
            raise AnalysisError(
                "Geef bij --online ook --gemeente (zoals GM0772) en --jaar op."
            )
        geometry, statistics = fetch_gemeente(args.gemeente, args.jaar, progress=print)
    else:
        if not args.geometry:
            raise AnalysisError(
                "Geef een kaartbestand op met --geometry, of gebruik --online."
            )
        geometry, statistics = read_file(args.geometry), read_file(args.stats)
    report = import_cbs(
        geometry, statistics, name=args.name, year=args.jaar, gemeente=args.gemeente
    )
    lines = report.lines(load_catalogue())
    gemeentecode = next(
        i.gemeentecode for i in list_datasets() if i.id == report.dataset_id
    )
    audit_log().write(COMMAND_LINE, "dataset_imported", gemeentecode, 0, lines[1])
    print("\n".join(lines))
    return 0


def audit_log():
    from stories.audit import AuditLog
    from stories.db import make_engine

    return AuditLog(make_engine())


def find_dataset(code: str) -> str:
    """A dataset id from an id or a gemeente code (GM9999 finds the demo)."""
    infos = list_datasets()
    for info in sorted(infos, key=lambda i: i.id != code):  # an exact id first
        if code in (info.id, info.gemeentecode) or code.upper() == info.gemeentecode:
            return info.id
    known = ", ".join(f"{i.gemeentecode} ({i.name})" for i in infos)
    raise AnalysisError(f"Gemeente '{code}' is niet ingeladen. Beschikbaar: {known}.")


def cmd_indicators(args: argparse.Namespace) -> int:
    """Every indicator a gemeente has figures for: label, unit, source and kind."""
    from analysis.catalogue import KINDS
    from analysis.datasets import load_dataset

    data = load_dataset(find_dataset(args.gemeente))
    catalogue = catalogue_for(data)
    present = data.values[data.values["status"] == ""]
    years = present.groupby("indicator")["jaar"].agg(lambda y: sorted(set(y)))
    print("indicator\tlabel\teenheid\tsoort\tbron\tjaren")
    shown = catalogue.picker_order([i for i in catalogue.indicators if i in years])
    for ind in map(catalogue.__getitem__, shown):
        print(
            f"{ind.id}\t{ind.label}\t{ind.unit}\t{KINDS[ind.kind]}\t{ind.source}\t"
            + ", ".join(str(y) for y in years[ind.id])
        )
    counts = pd.Series([catalogue[i].kind for i in shown]).value_counts()
    print(
        f"{len(shown)} indicatoren: "
        + ", ".join(f"{counts.get(k, 0)} {label}" for k, label in KINDS.items()),
        file=sys.stderr,
    )
    return 0


def cmd_import_indicators(args: argparse.Namespace) -> int:
    """Import a gemeente's own indicators (XLSX from the template, or CSV + description)."""
    from analysis.cbs import read_table
    from analysis.datasets import load_dataset
    from analysis.own import import_own

    data = load_dataset(find_dataset(args.gemeente))
    described = read_file(args.beschrijving)
    result = import_own(
        read_file(args.file), data, catalogue_for(data), year=args.jaar,
        described=read_table(*described) if described else None,
    )  # fmt: skip
    lines = result.lines()
    audit_log().write(
        COMMAND_LINE, "indicators_imported", data.info.gemeentecode, 0, lines[0]
    )
    print("\n".join(lines))
    return 0


def cmd_signals(args: argparse.Namespace) -> int:
    """The signals table (buurtcode, indicator, value, gemeente value, signal, its graded
    position, the limit on the buurt's side, its rank and the reason)."""
    from analysis.datasets import load_dataset
    from analysis.signals import SignalRule, dataset_signals

    data = load_dataset(find_dataset(args.gemeente))
    catalogue = catalogue_for(data)
    year = data.loaded_year(args.jaar)
    rule = SignalRule(min_inwoners=args.min_inwoners)
    _, table = dataset_signals(data, year, catalogue, rule)
    names = data.buurten.set_index("buurtcode")["buurtnaam"]
    out = pd.DataFrame(
        {
            "buurtcode": table["buurtcode"],
            "buurtnaam": table["buurtcode"].map(names),
            "jaar": year,
            "indicator": table["indicator"],
            "value": table["value"],
            "gemeente_value": table["reference"].round(4),
            "signal": table["signal"],
            "position": table["position"],
            "limit": table["limit"].round(4),
            "rank": table["rank"],
            "reason": table["reason"],
        }
    )
    if args.format == "json":
        print(out.to_json(orient="records", force_ascii=False, indent=1))
    else:
        out.to_csv(sys.stdout, index=False)
    print(rule.sentence(), file=sys.stderr)
    return 0


def cmd_records(args: argparse.Namespace) -> int:
    """Import stories, initiatives, afspraken or the network from CSV/XLSX (all-or-nothing),
    or export them."""
    from analysis.datasets import load_dataset
    from analysis.network import locator
    from stories.agenda import AgendaStore
    from stories.db import make_engine
    from stories.exchange import (
        AGENDA,
        INITIATIVES,
        STORIES,
        export_agenda,
        export_initiatives,
        export_network,
        export_stories,
        import_records,
        network_kind,
    )
    from stories.initiatives import InitiativeStore
    from stories.network import NetworkStore
    from stories.store import StoryStore

    kind, noun, store_class, export = {
        "stories": (STORIES, "verhalen", StoryStore, export_stories),
        "initiatives": (
            INITIATIVES,
            "initiatieven",
            InitiativeStore,
            export_initiatives,
        ),
        "agenda": (AGENDA, "afspraken", AgendaStore, export_agenda),
        "network": (None, "partners en vindplaatsen", NetworkStore, export_network),
    }[args.command]
    data = load_dataset(find_dataset(args.gemeente))
    if args.command == "network":  # points land in the buurt they lie in
        kind = network_kind(locator(data.buurten))
    store = store_class(make_engine(), COMMAND_LINE)
    dataset = data.info.gemeentecode
    if args.action == "import":
        if not args.file:
            raise StoreError(
                f"Geef het bestand op: python cli.py {args.command} import BESTAND "
                "--gemeente …"
            )
        codes = set(data.buurten["buurtcode"])
        if args.command == "agenda":  # an afspraak is for a buurt or a wijk
            codes |= set(data.buurten["wijkcode"])
        result = import_records(
            store,
            dataset,
            *read_file(args.file),
            kind,
            codes,
            skip_bad_rows=args.skip_bad,
        )
        for line, messages in result.problems[:50]:
            print(f"regel {line}: {' '.join(messages)}", file=sys.stderr)
        if len(result.problems) > 50:
            print(
                f"… en nog {len(result.problems) - 50} regels met fouten.",
                file=sys.stderr,
            )
        if result.problems and not args.skip_bad:
            print(
                f"Niets ingelezen: {len(result.problems)} van {result.rows} regels hebben fouten. "
                "Verbeter ze, of gebruik --skip-bad om alleen de goede regels in te lezen.",
                file=sys.stderr,
            )
            return 1
        print(f"{result.written} {noun} ingelezen voor {data.info.name}.")
        return 0
    rows = store.query(dataset)
    fmt = "xlsx" if args.output and args.output.lower().endswith(".xlsx") else "csv"
    content = export(rows, fmt)
    audit_log().write(COMMAND_LINE, "exported", dataset, len(rows), noun)
    if args.output:
        Path(args.output).write_bytes(content)
        print(f"{len(rows)} {noun} geschreven naar {args.output}.")
    else:
        sys.stdout.write(content.decode("utf-8-sig"))
    return 0


def pooled_datasets(data, year: int):
    """All loaded gemeenten of the same kind with this year (as the app pools them)."""
    from analysis.datasets import load_dataset, pool_members, pooled_wide

    members = pool_members(data.info, year)
    return pooled_wide([load_dataset(i.id) for i in members], year)


def cmd_expected(args: argparse.Namespace) -> int:
    """Verwacht versus werkelijk for an outcome, per buurt of one gemeente."""
    from analysis.datasets import load_dataset
    from analysis.expected import expected_values, outcomes

    data = load_dataset(find_dataset(args.gemeente))
    cat = load_catalogue()
    choices = [o.id for o in outcomes(cat)]
    if args.indicator not in choices:
        raise AnalysisError(
            f"'{args.indicator}' is geen uitkomst met een verwachte waarde; kies uit "
            + ", ".join(choices)
            + "."
        )
    year = data.loaded_year(args.jaar)
    result = expected_values(pooled_datasets(data, year), cat[args.indicator])
    own = set(data.buurten["buurtcode"])
    table = result.table[result.table.index.isin(own)].rename_axis("buurtcode")
    if args.format == "json":
        payload = {
            "indicator": args.indicator, "jaar": year, "n": result.n,
            "r2_out_of_sample": round(result.r2_out_of_sample, 4),
            "predictors": result.predictors, "left_out": result.left_out,
            "caveats": result.caveats,
            "buurten": json.loads(table.reset_index().to_json(orient="records")),
        }  # fmt: skip
        print(json.dumps(payload, ensure_ascii=False, indent=1))
    else:
        sys.stdout.write(table.reset_index().to_csv(index=False))
    for note in result.caveats:
        print(f"Let op: {note}", file=sys.stderr)
    return 0


def cmd_peers(args: argparse.Namespace) -> int:
    """The buurten most like one buurt, nearest first."""
    from analysis.datasets import load_dataset
    from analysis.peers import nearest, peer_variables, standardised

    code = args.buurtcode.strip().upper()
    data = load_dataset(find_dataset(args.gemeente or f"GM{code[2:6]}"))
    year = data.years[-1]
    pooled = pooled_datasets(data, year)
    z = standardised(pooled, peer_variables(load_catalogue()))
    if code not in z.index:
        raise AnalysisError(
            f"Voor {code} ontbreken achtergrondcijfers of het heeft minder dan 200 "
            "inwoners: geen vergelijkbare buurten."
        )
    found = nearest(z, code, args.k)
    table = pooled.loc[found.index, ["buurtnaam", "gemeentenaam"]].assign(
        afstand=found.round(4)
    )
    table = table.rename_axis("buurtcode").reset_index()
    if args.format == "json":
        print(table.to_json(orient="records", force_ascii=False, indent=1))
    else:
        sys.stdout.write(table.to_csv(index=False))
    return 0


def cmd_audit(args: argparse.Namespace) -> int:
    """The audit log of one gemeente, as CSV (to a file or stdout)."""
    from datetime import date

    gemeente = args.gemeente.upper()
    try:
        since = date.fromisoformat(args.since) if args.since else None
    except ValueError as exc:
        raise AnalysisError(
            f"--since '{args.since}' is geen datum; schrijf JJJJ-MM-DD."
        ) from exc
    lines = audit_log().entries(gemeente, since)
    content = lines.to_csv(index=False, sep=";")
    if args.output:
        Path(args.output).write_text(content, encoding="utf-8-sig")
        print(f"{len(lines)} regels van het logboek geschreven naar {args.output}.")
    else:
        sys.stdout.write(content)
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    """Everything in one file, consistently, while the app may keep running."""
    import time

    from stories.backup import backup, count_lines
    from stories.db import make_engine

    started = time.perf_counter()
    counts = backup(make_engine(), Path(args.output))
    print(
        f"Back-up geschreven naar {args.output} in {time.perf_counter() - started:.1f} s: "
        + ", ".join(count_lines(counts)) + "."
    )  # fmt: skip
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    """A backup back into an empty database (or, when asked, over everything in it)."""
    import time

    from stories.backup import count_lines, restore
    from stories.db import make_engine

    started = time.perf_counter()
    counts = restore(make_engine(), Path(args.file), replace=args.vervang)
    print(
        f"Teruggezet uit {args.file} in {time.perf_counter() - started:.1f} s: "
        + ", ".join(count_lines(counts)) + "."
    )  # fmt: skip
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    """Readiness for a load balancer, systemd or a deploy script: exit 0 only when the
    database answers and has every migration; nothing is changed."""
    from stories.db import schema_status

    ready, message = schema_status()
    print(message, file=sys.stdout if ready else sys.stderr)
    return 0 if ready else 1


def cmd_retention(args: argparse.Namespace) -> int:
    """Stories past the bewaartermijn: say what would happen, or anonymise them."""
    from datetime import date

    from stories.db import make_engine
    from stories.retention import Retention

    gemeente = args.gemeente.upper()
    store = Retention(make_engine())
    plan = store.plan(gemeente, date.today())
    print(
        f"Bewaartermijn {gemeente}: {plan.months} maanden; verhalen van voor "
        f"{plan.cutoff:%d-%m-%Y} vallen erbuiten."
    )
    if not args.apply:
        print(
            f"{plan.due} verhalen zouden worden geanonimiseerd; {plan.next_month} bereiken "
            "de termijn binnen een maand. Gebruik --apply om te anonimiseren."
        )
        return 0
    done = store.apply(gemeente, date.today(), COMMAND_LINE)
    print(f"{done} verhalen geanonimiseerd.")
    return 0


def cmd_profile(args: argparse.Namespace) -> int:
    """The buurtprofiel of one buurt as PDF, HTML or JSON."""
    from analysis.datasets import load_dataset
    from analysis.profile import assemble_profile
    from analysis.wijken import per_wijk, wijk_dataset
    from stories.agreements import AgreementStore
    from stories.db import make_engine
    from stories.initiatives import InitiativeStore
    from stories.privacy import find_identifiers
    from stories.store import StoryStore
    from ui.profile_doc import render_html, render_pdf

    code = args.buurtcode.strip().upper()
    buurt = code.startswith("BU") and len(code) == 10 and code[2:].isdigit()
    wijk = code.startswith("WK") and len(code) == 8 and code[2:].isdigit()
    if not (buurt or wijk):
        raise AnalysisError(
            f"'{args.buurtcode}' is geen buurt- of wijkcode; die zien eruit als BU07720110 "
            "en WK077201."
        )
    data = load_dataset(find_dataset(args.gemeente or f"GM{code[2:6]}"))
    catalogue = catalogue_for(data)
    engine = make_engine()
    gemeente = data.info.gemeentecode
    agreed = AgreementStore(engine).get(gemeente, code)
    stories = StoryStore(engine).query(gemeente)
    initiatives = InitiativeStore(engine).query(gemeente)
    if wijk:  # the same profile, with the wijken as the areas
        stories, initiatives = per_wijk(data, stories, initiatives)
        data = wijk_dataset(data, catalogue)
    try:
        profile = assemble_profile(
            data, code, catalogue, stories, initiatives, find_identifiers,
            agreement={"focus_themes": agreed.focus_themes, "ambition": agreed.ambition,
                       "activities": agreed.activities},
            level="wijk" if wijk else "buurt",
        )  # fmt: skip
    except KeyError as exc:
        raise AnalysisError(exc.args[0]) from exc
    if profile.quotes:
        audit_log().write(
            COMMAND_LINE,
            "exported",
            gemeente,
            len(profile.quotes),
            f"buurtprofiel {code}",
        )
    if args.format == "json":
        content = json.dumps(profile.to_dict(), ensure_ascii=False, indent=1).encode()
    else:
        page = render_html(profile, data.map_geometry, load_catalogue().themes)
        try:
            content = render_pdf(page) if args.format == "pdf" else page.encode("utf-8")
        except RuntimeError as exc:
            raise AnalysisError(str(exc)) from exc
    if args.output:
        Path(args.output).write_bytes(content)
        kind = "Wijkprofiel" if wijk else "Buurtprofiel"
        print(f"{kind} van {profile.buurtnaam} geschreven naar {args.output}.")
    elif args.format == "pdf":
        raise AnalysisError("Geef voor een PDF een bestand op: --output profiel.pdf")
    else:
        sys.stdout.write(content.decode("utf-8"))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    """Every figure of a gemeente and year as data: XLSX, CSV or GeoPackage."""
    from analysis.datasets import load_dataset
    from analysis.export import SUFFIXES, export_bytes

    data = load_dataset(find_dataset(args.gemeente))
    year = data.loaded_year(args.jaar)
    if Path(args.output).suffix.lower() != SUFFIXES[args.format]:
        raise AnalysisError(
            f"Een {args.format}-bestand eindigt op {SUFFIXES[args.format]}: "
            f"'{args.output}' past daar niet bij."
        )
    content = export_bytes(data, year, catalogue_for(data), args.format)
    write_whole(Path(args.output), content)
    print(f"Alle cijfers van {data.info.name}, {year}, geschreven naar {args.output}.")
    return 0


def cmd_map(args: argparse.Namespace) -> int:
    """The Kaart of one indicator as an image (PNG or SVG) for a memo or slides."""
    from analysis.datasets import load_dataset
    from ui.map_image import colouring_of, map_image

    data = load_dataset(find_dataset(args.gemeente))
    year = data.loaded_year(args.jaar)
    cat = catalogue_for(data)
    fmt = Path(args.output).suffix.lower().lstrip(".")
    if fmt not in ("png", "svg"):
        raise AnalysisError(
            f"Een kaartbeeld eindigt op .png of .svg, niet '{args.output}'."
        )
    expected = None
    if args.kleuren == "verwacht":
        from analysis.expected import expected_values, outcomes

        if args.indicator not in {o.id for o in outcomes(cat)}:
            raise AnalysisError(
                f"Verwacht is er alleen voor {', '.join(o.id for o in outcomes(cat))}."
            )
        model = expected_values(pooled_datasets(data, year), cat[args.indicator])
        expected = model.table["oordeel"]
    colours = colouring_of(data, year, cat, args.indicator, args.kleuren, expected)
    write_whole(
        Path(args.output), map_image(data, year, cat, args.indicator, colours, fmt)
    )
    print(f"Kaart van {cat[args.indicator].label}, {data.info.name} {year}, geschreven "
          f"naar {args.output}.")  # fmt: skip
    return 0


def write_whole(path: Path, content: bytes) -> None:
    """Write all of `content` or nothing: a half-written file never takes the name."""
    if not path.parent.is_dir():
        raise AnalysisError(f"De map {path.parent} bestaat niet.")
    part = path.with_name(path.name + ".deel")
    part.write_bytes(content)
    part.replace(path)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cli.py",
        description="Tellen & Vertellen: wijkanalyse op de opdrachtregel.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="opdracht")
    datasets = commands.add_parser(
        "datasets", help="toon (of verwijder) ingeladen gemeenten"
    )
    datasets.add_argument(
        "--remove", metavar="ID", help="verwijder deze dataset (zoals GM0772)"
    )
    datasets.set_defaults(run=cmd_datasets)
    imp = commands.add_parser(
        "import-cbs",
        help="laad een echte gemeente in uit CBS-bestanden of van internet",
    )
    imp.add_argument(
        "--geometry", metavar="BESTAND", help="buurtgrenzen: .gpkg, .geojson of .zip"
    )
    imp.add_argument(
        "--stats", metavar="BESTAND", help="Kerncijfers wijken en buurten: .csv/.xlsx"
    )
    imp.add_argument(
        "--name", metavar="NAAM", help="naam van de dataset (standaard: gemeente)"
    )
    imp.add_argument(
        "--jaar",
        type=int,
        help="jaar van de cijfers (als de bestanden het niet zeggen)",
    )
    imp.add_argument(
        "--gemeente",
        metavar="GMxxxx",
        help="gemeentecode, nodig bij landelijke bestanden",
    )
    imp.add_argument(
        "--online", action="store_true", help="haal kaart en cijfers op bij CBS en PDOK"
    )
    imp.set_defaults(run=cmd_import_cbs)
    inds = commands.add_parser(
        "indicators",
        help="alle indicatoren van een gemeente, met eenheid, bron en soort",
    )
    inds.add_argument("--gemeente", required=True, help="gemeentecode, zoals GM0772")
    inds.set_defaults(run=cmd_indicators)
    own = commands.add_parser(
        "import-indicators",
        help="eigen indicatoren inlezen (het sjabloon van de pagina Data, of CSV)",
    )
    own.add_argument("file", help="XLSX volgens het sjabloon, of CSV")
    own.add_argument("--gemeente", required=True, help="gemeentecode, zoals GM0772")
    own.add_argument(
        "--jaar", type=int, help="het jaar, als het bestand geen kolom jaar heeft"
    )
    own.add_argument(
        "--beschrijving",
        help="bij een CSV: een CSV met kolom, label, thema, eenheid, richting, noemer, bron",
    )
    own.set_defaults(run=cmd_import_indicators)
    sig = commands.add_parser(
        "signals",
        help="kracht/gemiddeld/aandacht per buurt en indicator, als CSV of JSON",
    )
    sig.add_argument(
        "--gemeente", required=True, help="gemeentecode of dataset (zoals GM0772)"
    )
    sig.add_argument("--jaar", type=int, help="jaar (standaard het laatste)")
    sig.add_argument("--format", choices=["csv", "json"], default="csv")
    sig.add_argument(
        "--min-inwoners",
        type=int,
        default=200,
        help="geen signaal onder dit aantal inwoners",
    )
    sig.set_defaults(run=cmd_signals)
    for command, noun in (
        ("stories", "verhalen"),
        ("initiatives", "initiatieven"),
        ("agenda", "afspraken van de buurtagenda"),
        (
            "network",
            "partners en vindplaatsen (ook een sociale kaart met lat/lon of RD x/y)",
        ),
    ):
        sub = commands.add_parser(
            command, help=f"{noun} inlezen (CSV/XLSX) of uitvoeren"
        )
        sub.add_argument("action", choices=["import", "export"])
        sub.add_argument("file", nargs="?", help="bij import: het bestand")
        sub.add_argument(
            "--gemeente", required=True, help="gemeentecode of dataset (zoals GM9999)"
        )
        sub.add_argument(
            "--skip-bad", action="store_true", help="lees alleen de goede regels in"
        )
        sub.add_argument(
            "--output",
            metavar="BESTAND",
            help="bij export: .csv of .xlsx (anders stdout)",
        )
        sub.set_defaults(run=cmd_records)
    prof = commands.add_parser(
        "profile", help="het buurt- of wijkprofiel als PDF, HTML of JSON"
    )
    prof.add_argument("buurtcode", help="zoals BU99990201, of een wijk: WK999902")
    prof.add_argument("--format", choices=["pdf", "html", "json"], default="pdf")
    prof.add_argument("--output", metavar="BESTAND", help="anders stdout (html, json)")
    prof.add_argument("--gemeente", help="dataset, als de buurtcode niet genoeg zegt")
    prof.set_defaults(run=cmd_profile)
    exp = commands.add_parser(
        "expected", help="verwacht versus werkelijk voor jeugdzorg, Wmo of bijstand"
    )
    exp.add_argument("--gemeente", required=True, metavar="GMxxxx")
    exp.add_argument("--indicator", required=True, metavar="ID")
    exp.add_argument("--jaar", type=int, help="jaar (standaard het laatste)")
    exp.add_argument("--format", choices=["csv", "json"], default="csv")
    exp.set_defaults(run=cmd_expected)
    peers = commands.add_parser(
        "peers", help="de buurten die het meest op een buurt lijken"
    )
    peers.add_argument("buurtcode", help="zoals BU07721110")
    peers.add_argument("--k", type=int, default=10, help="hoeveel (standaard 10)")
    peers.add_argument("--gemeente", help="dataset, als de buurtcode niet genoeg zegt")
    peers.add_argument("--format", choices=["csv", "json"], default="csv")
    peers.set_defaults(run=cmd_peers)
    out = commands.add_parser(
        "export",
        help="alle cijfers van alle buurten en wijken, met oordeel en toelichting",
        description="Formaten: "
        + "; ".join(f"{k}: {v}" for k, v in EXPORT_FORMATS.items()),
    )
    out.add_argument("--gemeente", required=True, metavar="GMxxxx")
    out.add_argument("--jaar", type=int, help="jaar (standaard het laatste)")
    out.add_argument("--format", choices=list(EXPORT_FORMATS), default="xlsx")
    out.add_argument("--output", required=True, metavar="BESTAND")
    out.set_defaults(run=cmd_export)
    image = commands.add_parser("map", help="de kaart van één cijfer als PNG of SVG")
    image.add_argument("--gemeente", required=True, metavar="GMxxxx")
    image.add_argument("--indicator", required=True, metavar="ID")
    image.add_argument("--jaar", type=int, help="jaar (standaard het laatste)")
    image.add_argument(
        "--kleuren", choices=["klassen", "afwijking", "verwacht"], default="klassen"
    )
    image.add_argument("--output", required=True, metavar="kaart.png|kaart.svg")
    image.set_defaults(run=cmd_map)
    audit = commands.add_parser("audit", help="het logboek van een gemeente (CSV)")
    audit.add_argument("--gemeente", required=True, metavar="GMxxxx")
    audit.add_argument("--since", metavar="JJJJ-MM-DD", help="vanaf deze dag")
    audit.add_argument("--output", metavar="BESTAND", help="anders stdout")
    audit.set_defaults(run=cmd_audit)
    keep = commands.add_parser(
        "retention", help="verhalen voorbij de bewaartermijn anonimiseren"
    )
    keep.add_argument("--gemeente", required=True, metavar="GMxxxx")
    keep.add_argument(
        "--apply", action="store_true", help="echt anonimiseren (anders alleen tonen)"
    )
    keep.set_defaults(run=cmd_retention)
    save = commands.add_parser(
        "backup",
        help="alles (gemeenten, verhalen, initiatieven, werksessies, logboek) in één bestand",
    )
    save.add_argument(
        "--output", required=True, metavar="BESTAND", help="bijv. backup.zip"
    )
    save.set_defaults(run=cmd_backup)
    back = commands.add_parser(
        "restore", help="een back-up terugzetten in een lege database"
    )
    back.add_argument("file", metavar="BESTAND")
    back.add_argument(
        "--vervang", action="store_true",
        help="ook als de database niet leeg is: alles wordt vervangen door de back-up",
    )  # fmt: skip
    back.set_defaults(run=cmd_restore)
    check = commands.add_parser(
        "check", help="klaar? 0 als de database bereikbaar is en de migraties bij zijn"
    )
    check.set_defaults(run=cmd_check, configure=False)
    return parser


def shared_database() -> None:
    """With WIJK_DATABASE_URL, gemeenten live in that database too; ones still in the data
    directory move in once (and say so)."""
    if not os.environ.get("WIJK_DATABASE_URL"):
        return
    from stories.dataset_store import use_database
    from stories.db import make_engine

    for info in use_database(make_engine()):
        print(
            f"Naar de database overgezet: {info.name} ({info.gemeentecode})",
            file=sys.stderr,
        )


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if getattr(args, "configure", True):
            shared_database()
        return args.run(args)
    except (AnalysisError, StoreError) as exc:
        print(f"Fout: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # output piped into `head`: stop quietly
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 (keep Python from writing at exit)
        return 0


if __name__ == "__main__":
    sys.exit(main())
