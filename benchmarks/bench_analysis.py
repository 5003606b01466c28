"""Structural MD analysis: one pass of coordination + speciation + clusters vs solvation-analysis.

Row: on the solvation-analysis test trajectory (49 LiPF6 in butyronitrile/FEC, 7118 atoms,
10 frames), ``analysis.load`` + ``coordination`` + ``speciation`` + ``cluster_counts`` (the
public calls end to end; the three share one neighbour search) against solvation-analysis's
``Solute.from_atoms`` + ``run`` with pairing, coordination, speciation and networking, on the
same Universe, frames and shell radii, in the same run. Target: >= 3x. The two agree on the
coordination numbers (checked in the row).
"""

from __future__ import annotations

import warnings

from benchmarks._harness import Row, best_time

RADII_A = {"pf6": 2.8, "bn": 2.61468, "fec": 2.43158}


def run(quick: bool = False) -> list[Row]:
    try:
        import MDAnalysis as mda
        from solvation_analysis.solute import Solute
        from solvation_analysis.tests import datafiles
    except ImportError:  # pragma: no cover - both are in the [test] extra
        return [
            Row(
                "structure vs solvation-analysis",
                float("nan"),
                None,
                ">= 3x",
                False,
                "MDAnalysis / solvation-analysis not installed",
            )
        ]
    from ionscales import analysis

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        u = mda.Universe(datafiles.bn_fec_data, datafiles.bn_fec_dcd_wrap)
    selections = {
        "li": "type 22",
        "pf6": "byres type 20",
        "bn": "byres type 5",
        "fec": "byres type 19",
    }
    cutoffs = {
        "anion": RADII_A["pf6"] * 1e-10,
        "BN": RADII_A["bn"] * 1e-10,
        "FEC": RADII_A["fec"] * 1e-10,
    }

    def ours():
        traj = analysis.load(
            u,
            cation=selections["li"],
            anion=selections["pf6"],
            solvents={"BN": selections["bn"], "FEC": selections["fec"]},
        )
        c = analysis.coordination(traj, cutoffs=cutoffs)
        s = analysis.speciation(traj, cutoff=cutoffs["anion"])
        k = analysis.cluster_counts(traj, cutoff=cutoffs["anion"])
        return c, s, k

    def baseline():
        solute = Solute.from_atoms(
            u.select_atoms(selections["li"]),
            {name: u.select_atoms(selections[name]) for name in ("pf6", "bn", "fec")},
            radii=RADII_A,
            analysis_classes=["pairing", "coordination", "speciation", "networking"],
            networking_solvents="pf6",
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            solute.run()
        return solute

    def ours_with_rdfs():
        # solvation-analysis's run() also computes the Li-solvent RDFs (its InterRDF, 0-7.5 A)
        c, s, k = ours()
        traj = analysis.load(
            u,
            cation=selections["li"],
            anion=selections["pf6"],
            solvents={"BN": selections["bn"], "FEC": selections["fec"]},
        )
        for partner in ("anion", "BN", "FEC"):
            analysis.rdf(traj, "cation", partner, r_max=7.5e-10, bins=75)
        return c, s, k

    ours()  # warm-up (imports, first MDAnalysis grid)
    baseline()
    repeat = 2 if quick else 5
    t_ours = best_time(ours, repeat=repeat)
    t_base = best_time(baseline, repeat=repeat)
    t_rdf = best_time(ours_with_rdfs, repeat=repeat)
    c, _, _ = ours()
    ref = baseline().coordination.coordination_numbers
    err = max(
        abs(float(c["coordination_number"].sel(partner=p)) - ref[k])
        for p, k in (("anion", "pf6"), ("BN", "bn"), ("FEC", "fec"))
    )
    ratio = t_base / t_ours
    print(
        f"bench_analysis: coordination + speciation + clusters {t_ours:.3f} s, solvation-analysis "
        f"{t_base:.3f} s, ratio {ratio:.1f}x (with our three RDFs as well: {t_base / t_rdf:.1f}x)",
        flush=True,
    )
    return [
        Row(
            f"coord+speciation+clusters vs solvation-analysis ({u.trajectory.n_frames} frames)",
            t_ours,
            t_base,
            ">= 3x",
            ratio >= 3.0 and err < 1e-12,
            f"max |CN difference| {err:.1e}; {u.atoms.n_atoms} atoms; with the three Li-partner "
            f"RDFs that solvation-analysis also computes in run(): {t_rdf:.3g} s, {t_base / t_rdf:.2g}x",
        )
    ]
