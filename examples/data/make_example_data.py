"""Regenerate the synthetic CSV files of the README's ``ionscales fit`` examples.

``python examples/data/make_example_data.py`` (seeded: the files are reproducible).

- ``rh.csv``: r [nm], r h(r) [1], sigma [1]: the two leading decay modes of the MSA for
  aqueous NaCl at 2 mol/L (an oscillatory charge mode and a monotonic mode), amplitudes
  0.8 and 0.3, phase 0.4 rad, plus Gaussian noise of standard deviation 1e-3.
- ``lengths.csv``: c [mol/L], screening length [nm]: the underscreening law
  lambda_S/lambda_D = 0.6 (sigma/lambda_D)^3 for NaCl(aq) (sigma = 0.36 nm) from 1.5 to
  5 mol/L with 3 % relative noise; ``fit scaling`` recovers A = 0.6 and n = 3.

- ``sfa.csv``: D [nm], F/R [mN/m]: the exact Poisson-Boltzmann force between two plates at
  -50 mV across 10 mmol/L NaCl(aq) (``continuum.forces.surface_force_curve``, Derjaguin),
  from 2 to 40 nm, with 2 % relative noise; the tail decays with the Debye length 3.04 nm.

All three are synthetic (made from the package's own models), for trying the commands; they are
not measurements.
"""

from pathlib import Path

import numpy as np

from ionscales import presets
from ionscales.theory import debye_length, screening
from ionscales.units import M, nm

HERE = Path(__file__).resolve().parent
rng = np.random.default_rng(20261201)
nacl = presets.get("NaCl(aq)")

modes = screening(nacl, [2 * M], model="msa", all_modes=True)
xi = modes["mode_decay_length"].values.ravel()
lam = modes["mode_wavelength"].values.ravel()
osc = int(np.nanargmax(np.where(np.isfinite(lam), xi, np.nan)))
r = np.linspace(0.2, 4.0, 191)
y = 0.8 * np.exp(-r / (xi[osc] / nm)) * np.cos(2 * np.pi * r / (lam[osc] / nm) - 0.4)
y += 0.3 * np.exp(-r / 1.2)
y += rng.normal(0, 1e-3, r.size)
np.savetxt(
    HERE / "rh.csv",
    np.c_[r, y, np.full(r.size, 1e-3)],
    delimiter=",",
    fmt="%.6g",
    header="r_nm,r_h,sigma",
    comments="",
)

c = np.geomspace(1.5, 5.0, 10)
ld = debye_length(nacl, c * M)
ls = 0.6 * ld * (nacl.contact_diameter / ld) ** 3 * (1 + 0.03 * rng.normal(size=c.size))
np.savetxt(
    HERE / "lengths.csv",
    np.c_[c, ls / nm],
    delimiter=",",
    fmt="%.6g",
    header="c_mol_per_L,screening_length_nm",
    comments="",
)
from ionscales.continuum.forces import surface_force_curve  # noqa: E402

D = np.linspace(2.0, 40.0, 39) * nm
force = surface_force_curve(nacl, 10.0, D, potential=-0.05, method="exact")[
    "force_over_radius"
].values
force = force * (1 + 0.02 * rng.normal(size=D.size))
np.savetxt(
    HERE / "sfa.csv",
    np.c_[D / nm, force * 1e3],
    delimiter=",",
    fmt="%.6g",
    header="D_nm,F_over_R_mN_per_m",
    comments="",
)
print(f"wrote {HERE / 'rh.csv'}, {HERE / 'lengths.csv'} and {HERE / 'sfa.csv'}")
