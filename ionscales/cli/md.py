"""``ionscales md``: structure and transport of an MD trajectory (the analysis layer).

Reads TOPOLOGY and TRAJECTORY with MDAnalysis, labels the ions and solvents, and computes
the first-shell coordination (CN per partner, pairing, shell radius), the contact-ion
speciation (SSIP / CIP / AGG), the cation–anion cluster sizes, and — when ``--temperature``
is given and the trajectory is long enough to reach the diffusive regime — the Onsager
transport (D per species, Einstein–Helfand conductivity, Nernst–Einstein deviation, t+ with
block standard errors). Writes ``md_rdf_<partner>.nc``, ``md_coordination.nc``, ``md_speciation.nc``,
``md_clusters.nc``, ``md_transport.nc`` (when computed) and the figure ``md.png`` (RDF with
running CN, speciation bars, cluster-size map, MSD / Onsager panel). The trajectory must be
unwrapped for transport.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ionscales.cli._common import parse_quantity
from ionscales.errors import ParameterError


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "md",
        help="coordination, speciation, clusters and Onsager transport of an MD trajectory",
        description=__doc__,
    )
    p.add_argument("topology", help="topology file (any format MDAnalysis reads, with charges)")
    p.add_argument("trajectory", nargs="+", help="trajectory file(s), unwrapped for transport")
    p.add_argument("--cation", required=True, help="MDAnalysis selection of the cations")
    p.add_argument(
        "--anion",
        required=True,
        help="MDAnalysis selection of the anions (a molecular ion whole, e.g. 'byres type 20')",
    )
    p.add_argument(
        "--solvent",
        action="append",
        default=[],
        metavar="NAME=SEL",
        help="a solvent species and its selection (repeatable)",
    )
    p.add_argument("--temperature", default=None, help="temperature [K] (needed for transport)")
    p.add_argument(
        "--cutoff",
        default=None,
        help="cation-anion contact radius (e.g. 3.2A; default: first minimum of g(r))",
    )
    p.add_argument(
        "--shell-radius",
        action="append",
        default=[],
        metavar="NAME=R",
        help="first-shell radius of one partner (e.g. BN=2.6A; repeatable; default: first "
        "minimum of its g(r))",
    )
    p.add_argument(
        "--stride",
        type=int,
        default=1,
        help="use every N-th frame for the structure "
        "(RDF, CN, speciation, clusters); transport always uses every frame (default 1)",
    )
    p.add_argument(
        "--blocks",
        type=int,
        default=10,
        help="blocks for the transport standard errors (default 10)",
    )
    p.add_argument(
        "--window",
        default=None,
        help="transport fit window t_start:t_end with a unit "
        "(e.g. 10e-12:200e-12s; default: automatic diffusive window)",
    )
    p.add_argument("--out", default=".", help="output directory (default: current)")
    p.set_defaults(func=run)


def _solvents(items) -> dict[str, str]:
    out = {}
    for item in items:
        name, sep, sel = item.partition("=")
        if not sep or not name.strip() or not sel.strip():
            raise ParameterError("--solvent", "must be NAME=SELECTION", item)
        out[name.strip()] = sel.strip()
    return out


def _radii(items) -> dict[str, float]:
    out = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise ParameterError("--shell-radius", "must be NAME=RADIUS (e.g. BN=2.6A)", item)
        out[name.strip()] = parse_quantity("--shell-radius", value, "m")
    return out


def _window(text):
    if text is None:
        return None
    start, sep, end = text.partition(":")
    if not sep:
        raise ParameterError("--window", "must be t_start:t_end (e.g. 10e-12:200e-12s)", text)
    return (parse_quantity("--window", start, "s"), parse_quantity("--window", end, "s"))


def run(args) -> int:
    from ionscales import analysis
    from ionscales.analysis.transport import onsager
    from ionscales.results import to_netcdf

    temperature = (
        None if args.temperature is None else parse_quantity("--temperature", args.temperature, "K")
    )
    cutoff = None if args.cutoff is None else parse_quantity("--cutoff", args.cutoff, "m")
    window = _window(args.window)
    trajectory = args.trajectory[0] if len(args.trajectory) == 1 else args.trajectory
    traj = analysis.load(
        args.topology,
        trajectory,
        cation=args.cation,
        anion=args.anion,
        solvents=_solvents(args.solvent),
        temperature=temperature,
    )
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    partners = [p for p in traj.labels if p != "cation"]
    cutoffs = _radii(args.shell_radius)
    unknown = sorted(set(cutoffs) - set(partners))
    if unknown:
        raise ParameterError("--shell-radius", f"unknown partner(s) {unknown}; valid: {partners}")
    if cutoff is not None:
        cutoffs["anion"] = cutoff
    cutoffs = cutoffs or None
    if args.stride < 1:
        raise ParameterError("--stride", "must be a whole number >= 1", args.stride)
    frames = slice(None, None, args.stride)
    shell = analysis.coordination(traj, cutoffs=cutoffs, frames=frames)
    rdfs = {p: analysis.rdf(traj, "cation", p, frames=frames) for p in partners}
    spec = analysis.speciation(traj, cutoff=cutoff, frames=frames)
    counts = analysis.cluster_counts(traj, cutoff=cutoff, frames=frames)
    transport, reason = None, ""
    if temperature is None:
        reason = "pass --temperature [K]"
    else:
        try:
            transport = onsager(
                traj, window=window, blocks=args.blocks, clusters="contact", cutoff=cutoff
            )
        except ParameterError as exc:
            reason = str(exc)
    for p, ds in rdfs.items():
        to_netcdf(ds, out / f"md_rdf_{p}.nc")
    to_netcdf(shell, out / "md_coordination.nc")
    to_netcdf(spec, out / "md_speciation.nc")
    to_netcdf(counts, out / "md_clusters.nc")
    if transport is not None:
        to_netcdf(transport, out / "md_transport.nc")
    _print_summary(traj, shell, spec, counts, transport, reason)
    _plot(rdfs, shell, spec, counts, transport, reason, out / "md.png")
    print(f"wrote {out}/md_*.nc and {out / 'md.png'}")
    return 0


def _fmt(value, err, unit=""):
    return f"{value:.4g} +- {err:.2g}{(' ' + unit) if unit else ''}"


def _print_summary(traj, shell, spec, counts, transport, reason) -> None:
    print(repr(traj))
    print(f"{'partner':>10} {'CN':>7} {'pairing':>8} {'radius [A]':>11}")
    for p in shell.partner.values:
        row = shell.sel(partner=p)
        print(
            f"{p:>10} {float(row.coordination_number):7.3f} {float(row.pairing_fraction):8.3f} "
            f"{float(row.shell_radius) * 1e10:11.2f}"
        )
    print(f"free cations (no anion in the shell): {float(shell.free_fraction):.3f}")
    an = spec.anion_speciation_fraction
    ca = spec.cation_speciation_fraction
    print(
        "speciation (anions):  "
        + "  ".join(f"{k} {float(an.sel(speciation=k)):.3f}" for k in an.speciation.values)
    )
    print(
        "speciation (cations): "
        + "  ".join(f"{k} {float(ca.sel(speciation=k)):.3f}" for k in ca.speciation.values)
    )
    c = counts.cluster_count
    size = c.n_cation + c.n_anion
    n_clusters = float(c.sum())
    mean_size = float((c * size).sum()) / n_clusters if n_clusters else float("nan")
    largest = int(size.where(c > 0).max()) if n_clusters else 0
    gel = int(np.count_nonzero(counts.percolating_cluster_count.values))
    print(
        f"clusters: {n_clusters:.0f} sol clusters over {counts.sizes['frame']} frames, mean size "
        f"{mean_size:.3g} ions, largest {largest}; percolating in {gel} frames"
    )
    if transport is None:
        print(f"transport: not computed: {reason}")
        return
    t = transport
    for s in t.species.values:
        print(
            f"D({s}) = {_fmt(float(t.diffusivity.sel(species=s)), float(t.diffusivity_stderr.sel(species=s)), 'm^2/s')}"
        )
    print(
        f"sigma = {_fmt(float(t.conductivity), float(t.conductivity_stderr), 'S/m')} (Einstein-Helfand); "
        f"sigma_NE = {_fmt(float(t.conductivity_nernst_einstein), float(t.conductivity_nernst_einstein_stderr), 'S/m')}"
    )
    print(
        f"NE deviation = {_fmt(float(t.nernst_einstein_deviation), float(t.nernst_einstein_deviation_stderr))}"
    )
    print(
        f"t+ (Onsager) = {_fmt(float(t.transference_number), float(t.transference_number_stderr))}; "
        f"t+ (apparent, self-diffusion) = "
        f"{_fmt(float(t.transference_number_apparent), float(t.transference_number_apparent_stderr))}"
    )
    if "conductivity_cluster" in t:
        print(
            f"sigma (clusters, France-Lanord-Grossman) = "
            f"{_fmt(float(t.conductivity_cluster), float(t.conductivity_cluster_stderr), 'S/m')}"
        )
    print(
        f"fit window {t.attrs['window_start']:.3g}..{t.attrs['window_end']:.3g} s "
        f"({t.attrs['window_source']}), {t.attrs['blocks']} blocks (jackknife errors)"
    )


def _plot(rdfs, shell, spec, counts, transport, reason, path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(2, 2, figsize=(11, 8.5))
    ax = axes[0, 0]
    cn_ax = ax.twinx()
    for p, ds in rdfs.items():
        (line,) = ax.plot(ds.r * 1e10, ds.g, label=f"g(r) cation-{p}")
        cn_ax.plot(ds.r * 1e10, ds.coordination_number, "--", color=line.get_color())
        ax.axvline(float(shell.shell_radius.sel(partner=p)) * 1e10, color=line.get_color(), ls=":")
    ax.set_xlabel("r [Å]")
    ax.set_ylabel("g(r)")
    cn_ax.set_ylabel("running coordination number (dashed)")
    ax.legend(fontsize=8)
    ax = axes[0, 1]
    classes = list(spec.speciation.values)
    x = np.arange(len(classes))
    ax.bar(x - 0.2, spec.anion_speciation_fraction.values, 0.4, label="per anion")
    ax.bar(x + 0.2, spec.cation_speciation_fraction.values, 0.4, label="per cation")
    ax.set_xticks(x, classes)
    ax.set_ylabel("fraction")
    ax.set_title("contact-ion speciation")
    ax.legend(fontsize=8)
    ax = axes[1, 0]
    c = counts.cluster_count.values.astype(float)
    show = np.log10(np.where(c > 0, c / max(c.sum(), 1), np.nan))
    im = ax.imshow(show.T, origin="lower", aspect="auto", cmap="viridis")
    fig.colorbar(im, ax=ax, label="log10 fraction of sol clusters")
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("cations l in the cluster")
    ax.set_ylabel("anions m in the cluster")
    ax.set_title("cluster sizes (l, m)")
    ax = axes[1, 1]
    if transport is None:
        import textwrap

        ax.text(
            0.5,
            0.5,
            "transport not computed:\n" + textwrap.fill(reason, 60),
            ha="center",
            va="center",
            fontsize=8,
            transform=ax.transAxes,
        )
        ax.set_axis_off()
    else:
        t = transport
        lag = t.lag_time.values
        for s in t.species.values:
            ax.loglog(lag[1:], t.msd.sel(species=s).values[1:] * 1e20, label=f"self MSD {s}")
        ax.loglog(
            lag[1:],
            np.abs(t.charge_msd.values[1:]) * 1e20 / t.ion_count.sum().item(),
            "k",
            label="charge MSD / N (Einstein-Helfand)",
        )
        ax.axvspan(t.attrs["window_start"], t.attrs["window_end"], color="0.9", label="fit window")
        ax.set_xlabel("lag time [s]")
        ax.set_ylabel("MSD [Å^2]")
        ax.set_title(
            f"sigma = {float(t.conductivity):.3g} +- {float(t.conductivity_stderr):.2g} S/m, "
            f"t+ = {float(t.transference_number):.2f} +- {float(t.transference_number_stderr):.2f}",
            fontsize=9,
        )
        ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
