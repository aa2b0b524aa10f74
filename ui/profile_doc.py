"""The buurtprofiel as a document: standalone HTML (one file, no requests elsewhere) and an A4
PDF made from the same HTML with WeasyPrint. Black-and-white friendly: the buurt is dark, the
gemeente light, and signals are words, not colours."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import jinja2

from analysis.profile import Profile
from stories.model import KINDS

TEMPLATES = Path(__file__).parent / "templates"
ENV = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, trim_blocks=True,
    lstrip_blocks=True,
)  # fmt: skip


def locator_svg(buurten: gpd.GeoDataFrame, buurtcode: str, size: int = 260) -> str:
    """A small map of the gemeente with the buurt dark: plain SVG, drawn in RD New (metres)."""
    rd = buurten.to_crs(28992)
    minx, miny, maxx, maxy = rd.total_bounds
    scale = size / max(maxx - minx, maxy - miny)
    width, height = (maxx - minx) * scale, (maxy - miny) * scale

    def path(geom) -> str:
        parts = []
        for poly in getattr(geom, "geoms", [geom]):
            for ring in [poly.exterior, *poly.interiors]:
                points = " ".join(
                    f"{(x - minx) * scale:.1f},{(maxy - y) * scale:.1f}"
                    for x, y in ring.coords
                )
                parts.append(f"M{points}Z")
        return " ".join(parts)

    shapes = []
    for code, geom in zip(rd["buurtcode"], rd.geometry):
        if geom is None or geom.is_empty:
            continue
        chosen = code == buurtcode
        style = (
            'fill="#333333" stroke="#000000" stroke-width="1.5"'
            if chosen
            else 'fill="#e6e6e6" stroke="#ffffff" stroke-width="0.8"'
        )
        shapes.append((chosen, f'<path d="{path(geom)}" {style}/>'))
    shapes.sort(key=lambda s: s[0])  # the buurt last, on top
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'width="{width:.0f}" height="{height:.0f}" role="img" '
        f'aria-label="Ligging van de buurt in de gemeente">{"".join(s for _, s in shapes)}</svg>'
    )


def bars(profile: Profile) -> dict[str, tuple[float, float]]:
    """Bar widths (percent of the row) for buurt and gemeente, per indicator with both."""
    out = {}
    for f in profile.figures:
        if f.value is None or f.reference is None or f.indicator == "aantal_inwoners":
            continue
        top = max(abs(f.value), abs(f.reference)) or 1
        out[f.indicator] = (100 * abs(f.value) / top, 100 * abs(f.reference) / top)
    return out


SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def periods(profile: Profile) -> list[str]:
    """The dates or periods the profile's figures describe, in order of first use: each
    figure carries the number of its own as a footnote mark (a column more, or a line per
    figure, would clip the table on screen and push the PDF onto a third page)."""
    return list(dict.fromkeys(f.period for f in profile.figures if f.period))


def period_mark(profile: Profile, figure) -> str:
    """'¹' for the figure whose date is the first of `periods(profile)`."""
    if not figure.period:
        return ""
    return str(periods(profile).index(figure.period) + 1).translate(SUPERSCRIPT)


def period_note(profile: Profile) -> str:
    """'Peildatum: ¹ 1 januari 2023 · ² inkomen over 2023, …' ('' without figures)."""
    marked = [
        f"{str(i).translate(SUPERSCRIPT)} {p}"
        for i, p in enumerate(periods(profile), 1)
    ]
    return "Peildatum: " + " · ".join(marked) if marked else ""


def render_html(
    profile: Profile, buurten: gpd.GeoDataFrame, themes: dict[str, str]
) -> str:
    """The profile as one standalone HTML file (inline CSS and map; no scripts, no links)."""
    template = ENV.get_template("buurtprofiel.html.j2")
    by_theme: dict[str, list] = {}
    for f in profile.figures:
        by_theme.setdefault(themes.get(f.theme, f.theme), []).append(f)
    agreement = profile.agreement or {}
    return template.render(
        p=profile,
        by_theme=by_theme,
        marks={f.indicator: period_mark(profile, f) for f in profile.figures},
        period_note=period_note(profile),
        bars=bars(profile),
        locator=locator_svg(buurten, profile.buurtcode),
        kinds=KINDS,
        themes=themes,
        focus=[themes.get(t, t) for t in agreement.get("focus_themes", [])],
        agreement=agreement,
    )


def render_pdf(page_html: str) -> bytes:
    """The same HTML as an A4 PDF. Needs WeasyPrint and the Pango library (Debian:
    libpango-1.0-0, libpangoft2-1.0-0); raises RuntimeError with a Dutch message without them."""
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as exc:  # OSError: Pango missing
        raise RuntimeError(
            "PDF maken lukt niet op deze computer: WeasyPrint of de Pango-bibliotheek "
            "ontbreekt (Debian: apt-get install libpango-1.0-0 libpangoft2-1.0-0). De "
            "HTML-versie werkt wel; die kun je ook vanuit de browser als PDF afdrukken."
        ) from exc
    return HTML(string=page_html).write_pdf()
