"""Plotly figures: ranking, distribution, scatter and trend (Tellen); coverage (Initiatieven).

Built from plain Series so they can be tested without Streamlit; plotly.js comes with
Streamlit itself, so the charts need no internet.
"""

from __future__ import annotations

import html

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from analysis.catalogue import Indicator
from analysis.coverage import ROLES, supply_label
from analysis.funnel import Z95, Z998, Funnel

SIGNAL_COLOURS = {"kracht": "#0571b0", "aandacht": "#ca0020", "gemiddeld": "#b8b8b8"}
# A verdict's graded position (`analysis.signals.positions`): within the ordinary spread, but
# more than half-way to the limit, in the light shade of the verdict on that side.
POSITION_COLOURS = {
    **SIGNAL_COLOURS,
    "iets slechter": "#f4a582",
    "iets beter": "#92c5de",
}
NO_SIGNAL = "#e3e3e3"
HIGHLIGHT = "#111111"
# The wijkteam's suggested role, colour-blind safe (ColorBrewer-based): red asks most, blue is
# carried, purple is a chance.
ROLE_COLOURS = {
    "initiëren": "#ca0020",
    "stimuleren": "#f4a582",
    "versterken": "#0571b0",
    "kans": "#7b3294",
    None: "#f0f0f0",
}
FONT = dict(family="Source Sans Pro, DejaVu Sans, sans-serif", size=14, color="#1f2a44")
# Plotly's own words on and above every chart (its modebar and messages), in Dutch: plotly.js
# takes a locale's dictionary in the chart's config, no script from outside needed.
DUTCH_PLOTLY = {
    "Autoscale": "Alles in beeld",
    "Box Select": "Selecteren met een rechthoek",
    "Compare data on hover": "Gegevens vergelijken bij aanwijzen",
    "Double-click to zoom back out": "Dubbelklik om uit te zoomen",
    "Download plot": "Grafiek downloaden",
    "Download plot as a PNG": "Grafiek downloaden als afbeelding (PNG)",
    "Lasso Select": "Selecteren met een lasso",
    "Pan": "Verschuiven",
    "Produced with Plotly.js": "Gemaakt met Plotly.js",
    "Reset axes": "Assen terugzetten",
    "Reset view": "Beeld terugzetten",
    "Show closest data on hover": "Dichtstbijzijnde gegevens tonen bij aanwijzen",
    "Snapshot succeeded": "Afbeelding gemaakt",
    "Sorry, there was a problem downloading your snapshot!": (
        "Het maken van de afbeelding is mislukt."
    ),
    "Taking snapshot - this may take a few seconds": "Afbeelding maken, even geduld…",
    "Toggle Spike Lines": "Hulplijnen aan of uit",
    "Toggle show closest data on hover": "Dichtstbijzijnde gegevens aan of uit",
    "Zoom": "Inzoomen op een gebied",
    "Zoom in": "Inzoomen",
    "Zoom out": "Uitzoomen",
}


def chart_config(name: str) -> dict:
    """The config of every chart: plotly's words in Dutch, and its image download named
    after the chart (`name`, e.g. 'ranglijst_bijstand_per_1000_2022'), twice as sharp."""
    return {
        "locale": "nl",
        "locales": {"nl": {"dictionary": DUTCH_PLOTLY}},
        "displaylogo": False,
        "toImageButtonOptions": {"filename": name, "scale": 2},
    }


def _layout(fig: go.Figure, height: int, indicator: Indicator) -> go.Figure:
    fig.update_layout(
        height=height,
        margin=dict(l=10, r=10, t=30, b=10),
        font=FONT,
        plot_bgcolor="#ffffff",
        showlegend=False,
        separators=",.",  # Dutch: decimal comma, thousands dot
    )
    fig.update_yaxes(gridcolor="#eeeeee", zeroline=False)
    return fig


def ranking_chart(
    values: pd.Series,
    names: pd.Series,
    positions: pd.Series,
    indicator: Indicator,
    gemeente: float,
    nederland: float | None = None,
    highlight: list[str] | None = None,
) -> go.Figure:
    """All buurten from high to low, coloured by their graded position (a verdict, or 'iets
    slechter'/'iets beter' within the spread), with the gemeente (and NL) line.

    `values`, `names` and `positions` are indexed by buurtcode; chosen buurten are outlined
    and named above their bar."""
    shown = values.dropna().sort_values(ascending=False)
    colours = [POSITION_COLOURS.get(positions.get(c), NO_SIGNAL) for c in shown.index]
    highlight = [c for c in (highlight or []) if c in shown.index]
    fig = go.Figure(
        go.Bar(
            x=[names[c] for c in shown.index],
            y=shown.to_numpy(),
            marker=dict(
                color=colours,
                line=dict(
                    color=[
                        HIGHLIGHT if c in highlight else "rgba(0,0,0,0)"
                        for c in shown.index
                    ],
                    width=2,
                ),
            ),
            customdata=[indicator.format(v) for v in shown],
            hovertemplate="%{x}: %{customdata}<extra></extra>",
        )
    )
    # The line's words on a white ground: legible where they cross the bars.
    fig.add_hline(y=gemeente, line_dash="dash", line_color="#333333",
                  annotation_text=f"gemeente {indicator.format(gemeente)}",
                  annotation_position="top right", annotation_bgcolor="rgba(255,255,255,.85)")  # fmt: skip
    if nederland is not None and pd.notna(nederland):
        fig.add_hline(y=nederland, line_dash="dot", line_color="#777777",
                      annotation_text=f"Nederland {indicator.format(nederland)}",
                      annotation_position="bottom right",
                      annotation_bgcolor="rgba(255,255,255,.85)")  # fmt: skip
    for code in highlight:
        fig.add_annotation(x=names[code], y=shown[code], text=f"<b>{names[code]}</b>",
                           showarrow=True, arrowhead=0, ay=-30)  # fmt: skip
    fig.update_xaxes(showticklabels=len(shown) <= 45, tickangle=-60)
    fig.update_yaxes(title=indicator.unit)
    return _layout(fig, 420, indicator)


def distribution_chart(
    values: pd.Series,
    names: pd.Series,
    indicator: Indicator,
    gemeente: float,
    highlight: list[str] | None = None,
) -> go.Figure:
    """How the buurten are spread: a histogram, the gemeente line and the chosen buurten."""
    shown = values.dropna()
    fig = go.Figure(
        go.Histogram(x=shown.to_numpy(), nbinsx=min(30, max(8, len(shown) // 4)),
                     marker_color="#9ecae1", hovertemplate="%{x}: %{y} buurten<extra></extra>")
    )  # fmt: skip
    fig.add_vline(x=gemeente, line_dash="dash", line_color="#333333",
                  annotation_text=f"gemeente {indicator.format(gemeente)}")  # fmt: skip
    for code in highlight or []:
        if code in shown.index:
            fig.add_vline(x=shown[code], line_color=HIGHLIGHT, line_width=2,
                          annotation_text=names[code], annotation_position="bottom right")  # fmt: skip
    fig.update_xaxes(title=f"{indicator.label} ({indicator.unit})")
    fig.update_yaxes(title="aantal buurten")
    return _layout(fig, 380, indicator)


def scatter_chart(
    x: pd.Series,
    y: pd.Series,
    names: pd.Series,
    x_indicator: Indicator,
    y_indicator: Indicator,
    highlight: list[str] | None = None,
) -> tuple[go.Figure, float | None]:
    """Two indicators per buurt with a least-squares line; returns the figure and Pearson's r."""
    both = pd.DataFrame({"x": x, "y": y}).dropna()
    highlight = [c for c in (highlight or []) if c in both.index]
    fig = go.Figure(
        go.Scatter(
            x=both["x"], y=both["y"], mode="markers",
            marker=dict(size=9, color=["#e6550d" if c in highlight else "#3182bd" for c in both.index],
                        line=dict(width=1, color="#ffffff")),
            text=[names[c] for c in both.index],
            hovertemplate="%{text}<br>%{x} · %{y}<extra></extra>",
        )
    )  # fmt: skip
    r = None
    if len(both) >= 3 and both["x"].std() > 0 and both["y"].std() > 0:
        slope, intercept = np.polyfit(both["x"], both["y"], 1)
        xs = np.linspace(both["x"].min(), both["x"].max(), 2)
        fig.add_trace(go.Scatter(x=xs, y=slope * xs + intercept, mode="lines",
                                 line=dict(color="#636363", dash="dash"), hoverinfo="skip"))  # fmt: skip
        r = float(np.corrcoef(both["x"], both["y"])[0, 1])
    for code in highlight:
        fig.add_annotation(
            x=both.at[code, "x"], y=both.at[code, "y"], text=f"<b>{names[code]}</b>"
        )
    fig.update_xaxes(
        title=f"{x_indicator.label} ({x_indicator.unit})", gridcolor="#eeeeee"
    )
    fig.update_yaxes(title=f"{y_indicator.label} ({y_indicator.unit})")
    return _layout(fig, 460, y_indicator), r


def trend_chart(
    trend: pd.DataFrame,
    names: pd.Series,
    indicator: Indicator,
    years: tuple[int, int],
    reference: tuple[float, float],
    highlight: list[str],
) -> go.Figure:
    """The chosen buurten and the gemeente in two years, one line each (no line for a buurt
    whose boundary or code changed in between: its `breuk` is written beside it)."""
    fig = go.Figure()
    rows = trend.set_index("buurtcode")
    for code in highlight:
        if code in rows.index:
            # Another area in the two years: two loose points and the reason, no line.
            broken = rows.at[code, "breuk"] if "breuk" in rows else None
            label = f"{names[code]}: {broken}" if broken else names[code]
            fig.add_trace(go.Scatter(x=list(years), y=[rows.at[code, "from_value"], rows.at[code, "to_value"]],
                                     mode="markers+text" if broken else "lines+markers+text",
                                     name=label, text=["", label], textposition="middle right"))  # fmt: skip
    fig.add_trace(go.Scatter(x=list(years), y=list(reference), mode="lines+markers", name="gemeente",
                             line=dict(color="#333333", dash="dash"),
                             text=["", "gemeente"], textposition="middle right"))  # fmt: skip
    fig.update_xaxes(tickvals=list(years), range=[years[0] - 0.3, years[1] + 0.7])
    fig.update_yaxes(title=f"{indicator.label} ({indicator.unit})")
    return _layout(fig, 360, indicator)


def funnel_chart(
    values: pd.Series,
    base: pd.Series,
    names: pd.Series,
    indicator: Indicator,
    funnel: Funnel,
    scale: float,
    signals: pd.Series,
    highlight: list[str] | None = None,
) -> go.Figure:
    """A funnel plot: each buurt's figure against its base (households, inhabitants, …),
    with the gemeente value and the 95 % and 99,8 % limits that narrow as the base grows."""
    both = pd.DataFrame({"n": base, "y": values}).dropna()
    both = both[both["n"] > 0]
    highlight = [c for c in (highlight or []) if c in both.index]
    fig = go.Figure()
    ns = np.geomspace(max(both["n"].min() * 0.8, 1), both["n"].max() * 1.2, 200)
    for z, dash, label in ((Z998, "dot", "99,8%-grens"), (Z95, "dash", "95%-grens")):
        low, high = funnel.limits(ns, z)
        for edge in (low, high):
            fig.add_trace(go.Scatter(
                x=ns, y=np.clip(edge, 0, 1) * scale, mode="lines", name=label,
                line=dict(color="#636363", dash=dash, width=1.5), hoverinfo="skip",
            ))  # fmt: skip
    chance = funnel.limits(ns, Z95, spread=False)
    for edge in chance:  # chance alone: what the ordinary spread adds is between these
        fig.add_trace(go.Scatter(
            x=ns, y=edge * scale, mode="lines", name="95%-grens zonder spreiding",
            line=dict(color="#9aa0ad", width=1), hoverinfo="skip",
        ))  # fmt: skip
    fig.add_hline(y=funnel.target * scale, line_color="#1f2a44", line_width=1.5)
    colours = [
        SIGNAL_COLOURS.get(signals.get(c), NO_SIGNAL) for c in both.index
    ]  # fmt: skip
    fig.add_trace(go.Scatter(
        x=both["n"], y=both["y"], mode="markers",
        marker=dict(size=[14 if c in highlight else 9 for c in both.index], color=colours,
                    line=dict(width=[2.5 if c in highlight else 0.5 for c in both.index],
                              color=[HIGHLIGHT if c in highlight else "#ffffff"
                                     for c in both.index])),
        text=[names.get(c, c) for c in both.index],
        customdata=[signals.get(c) or "geen signaal" for c in both.index],
        hovertemplate="%{text}<br>%{y} bij %{x:,.0f}<br>%{customdata}<extra></extra>",
    ))  # fmt: skip
    for code in highlight:
        fig.add_annotation(
            x=np.log10(both.at[code, "n"]), y=both.at[code, "y"],
            text=f"<b>{names.get(code, code)}</b>",
        )  # fmt: skip
    fig.update_xaxes(type="log", title=f"basis ({indicator.denominator}), log-schaal",
                     gridcolor="#eeeeee")  # fmt: skip
    fig.update_yaxes(title=f"{indicator.label} ({indicator.unit})")
    return _layout(fig, 460, indicator)


def coverage_heatmap(
    table: pd.DataFrame,
    codes: list[str],
    themes: list[str],
    names: dict[str, str],
    theme_labels: dict[str, str],
) -> go.Figure:
    """Buurten × themes from `analysis.coverage.coverage_table`: the number in a cell is the
    need (figures asking attention plus concerns told), its colour the suggested role; the
    hover names the initiatives."""
    codes_order = list(reversed(codes))  # first buurt on top
    grid = table.set_index(["buurtcode", "theme"])
    z, text, hover = [], [], []
    role_number = {role: i for i, role in enumerate([None, *ROLES])}
    for code in codes_order:
        zr, tr, hr = [], [], []
        for theme in themes:
            c = grid.loc[(code, theme)]
            role = c["rol"] if isinstance(c["rol"], str) else None
            need = int(c["aandacht"] + c["zorg"])
            zr.append(role_number[role])
            tr.append(str(need) if need else "")
            running = c["initiatieven_actief"] + c["initiatieven_starting"]
            hr.append(
                f"<b>{html.escape(names[code])} · {html.escape(theme_labels[theme])}</b><br>"
                f"Cijfers met aandacht: {c['aandacht']} · zorgverhalen: {c['zorg']} · "
                f"dromen: {c['droom']}<br>Aanbod: {supply_label(c['aanbod'])} "
                f"({html.escape(', '.join(running)) or 'geen initiatief'})<br>"
                f"Rol: {ROLES.get(role, '–')}"
            )
        z.append(zr)
        text.append(tr)
        hover.append(hr)
    n = len(role_number)
    scale = []
    for i, role in enumerate([None, *ROLES]):
        scale += [[i / n, ROLE_COLOURS[role]], [(i + 1) / n, ROLE_COLOURS[role]]]
    fig = go.Figure(
        go.Heatmap(
            z=z, x=[theme_labels[t] for t in themes], y=[names[c] for c in codes_order],
            text=text, texttemplate="%{text}", hovertext=hover,
            hovertemplate="%{hovertext}<extra></extra>", colorscale=scale, zmin=-0.5,
            zmax=n - 0.5, showscale=False, xgap=2, ygap=2,
        )
    )  # fmt: skip
    fig.update_layout(
        height=120 + 24 * len(codes), margin=dict(l=10, r=10, t=10, b=10),
        font=dict(size=13), plot_bgcolor="#ffffff", xaxis=dict(side="top"),
    )  # fmt: skip
    return fig
