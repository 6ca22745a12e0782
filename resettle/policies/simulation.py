"""What the `simulate` command and the analysts' page share: pick versions, gather the
candidates (employment records and applications, from the database or a records CSV), run the
simulation or comparison, and return table rows plus a chart file."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from pathlib import Path

from . import engine
from .engine.simulate import (
    DEFAULT_DEPENDANT_PRIOR, Comparison, SimulationResult, chart, compare, concat_tables, read_records_csv,
    simulate,
)
from .engine.policy import Version


def pick_version(spec: str, on: date | None = None) -> Version:
    """'policy', 'policy@version'; without a version, the one in force on ``on`` or the latest."""
    policy, version = engine.resolve(spec)
    if version is None:
        version = policy.version_on(on) if on else policy.latest
    return version


def run(*, policy: str, compare_with: str | None = None, on: date | None = None, records_csv: str | Path | None = None,
        use_database: bool = True, include_applications: bool = True, prior_dependants: float | None = None,
        chart_path: str | Path | None = None, draws: int = 4000, seed: int = 0) -> dict:
    """Run a simulation (or a comparison) and return {'rows', 'results', 'charts', 'text'}.

    Two populations are reported separately, never added together (an applicant usually
    also has employment records): ``records`` (every employment record: who could be
    eligible) and ``applications`` (every stored application, each at its received date).
    Each row carries its population. Records are evaluated at ``on`` (default: the first day of
    the version, or of the later version when comparing, so both sides judge the same
    candidates on the same day). Dependants come from the family sizes of stored applications
    when there are at least five, else from the prior (``prior_dependants`` per principal, or
    NZ 2013-14's 96 family members for 44 interpreters).
    """
    from .engine.simulate import format_comparison, format_simulation

    left = pick_version(policy, on)
    right = pick_version(compare_with, on) if compare_with else None
    reference = on or max(left.effective_from, right.effective_from if right else left.effective_from)
    populations: dict[str, object] = {}
    sizes = None
    records = []
    if records_csv:
        records.append(read_records_csv(records_csv, reference))
    if use_database:
        from .selectors import applications_table, employment_records_table

        records.append(employment_records_table(reference=reference))
        if include_applications:
            apps, sizes = applications_table()
            if apps.n_groups:
                populations["applications"] = apps
    records = [t for t in records if t.n_groups]
    if records:
        populations = {"records": records[0] if len(records) == 1 else concat_tables(records), **populations}
    if not populations:
        raise ValueError("nothing to simulate: no employment records or applications (use --records FILE)")
    kwargs = {"draws": draws, "seed": seed, "observed_family_sizes": sizes}
    if prior_dependants is not None:
        kwargs["dependant_prior"] = (prior_dependants * DEFAULT_DEPENDANT_PRIOR[1], DEFAULT_DEPENDANT_PRIOR[1])
        kwargs["observed_family_sizes"] = None
    rows, results, charts, texts = [], {}, {}, []
    for i, (name, table) in enumerate(populations.items()):
        if right is not None:
            result: SimulationResult | Comparison = compare(left, right, table, **kwargs)
            part_rows = result.left.rows() + result.right.rows()
            text = format_comparison(result)
            results[name] = {"left": asdict(result.left), "right": asdict(result.right), "crosstab": result.crosstab,
                             "changed": result.changed, "changed_examples": result.changed_examples}
        else:
            result = simulate(left, table, **kwargs)
            part_rows = result.rows()
            text = format_simulation(result)
            results[name] = asdict(result)
        rows += [{"population": name, **r} for r in part_rows]
        size = (f"{table.n_groups} people in {table.n_periods} records" if name == "records" and table.group is not None
                else f"{table.n_groups} candidates")
        texts.append(f"##### Population: {name} ({size})\n\n{text}")
        if chart_path:
            path = Path(chart_path)
            if i:
                path = path.with_name(f"{path.stem}-{name}{path.suffix}")
            charts[name] = str(chart(result, path))
    return {"rows": rows, "results": results, "charts": charts, "text": "\n\n".join(texts)}
