"""Electrolyte transport properties for cell models: sigma, D, t+^0 and the thermodynamic
factor over (concentration, temperature), from one chain of physical models.

The chain (each link is a function below; all links broadcast over every state at once):

1. **Carriers** (chemical model of ion association): a symmetric binary salt of molarity c
   forms free cations and anions (molarity alpha c each) and neutral contact pairs
   ((1 - alpha) c) with the activity-corrected mass action
   ``K_A(T) = (1 - alpha) / (alpha^2 c y_f^2)``; ``y_f`` is the extended Debye–Hückel
   activity coefficient of the free ions at their own ionic strength, with the contact
   distance ``a`` as ion size (Bjerrum 1926; Fuoss 1958; Barthel, Krienke & Kunz 1998).
   ``K_A(T)`` is either Fuoss's ``(4 pi N_A a^3/3) exp(z^2 l_B(T)/a)`` with the solvent's
   eps_r(T), or a given K_A at a reference temperature with a van 't Hoff enthalpy.
1b. **Aggregation carriers** (``carriers="aggregation"``, f+ and f- sites per ion): the
   Flory–Stockmayer clusters of :mod:`ionscales.theory.aggregation` (free ions, pairs,
   charged clusters (l, m) such as [Li(PF6)2]- and Li2PF6+; McEldrew et al. 2020, 2021).
   ``association_constant`` is the ion-pair constant K_pair; the bond (site) constant is
   K_pair/(f+ f-) (the #11 conversion), corrected by the free-ion activity,
   ``K_pair y_f^2/(f+ f-)``, with y_f at the free-ion ionic strength (mean free fraction
   x; our rule: charged clusters are not counted in the ionic strength). x solves the
   mass action by bisection, the probabilities come from the aggregation kernel, and the
   carrier sums run to the aggregation module's adaptive truncation (recorded in the
   attrs; ConvergenceWarning near/past the gel point). With f+ = f- = 1 this *is* link 1.
   Each cluster moves with ``D_lm = kT/(6 pi eta(c, T) r_lm)``,
   ``r_lm = (l r_+^3 + m r_-^3)^(1/3)`` (the equal-volume sphere; the free ions keep
   their DHO corrections).
2. **Mobilities**: Stokes–Einstein ``D_i = kT / (6 pi eta(c, T) r_i)`` with the *solution*
   viscosity ``eta(c, T)`` (VTF/Arrhenius solvent law times Jones–Dole–Kaminsky,
   :mod:`ionscales.theory.viscosity`) and Stokes radii r_+, r_- (pair: the equal-volume
   sphere ``(r_+^3 + r_-^3)^(1/3)``). Optionally (``onsager_corrections=True``) the free
   ions' mobilities carry the Debye–Hückel–Onsager electrophoretic and relaxation
   corrections with the finite-size factor 1/(1 + kappa a):
   ``D_i' = D_i / ((1 + d_e,i)(1 + d_r))`` with the electrophoretic decrement
   ``d_e,i = |z| kT kappa' / (6 pi eta D_i) = |z| r_i kappa'`` and the relaxation decrement
   ``d_r = z^2 l_B kappa' q / (3 (1 + sqrt q))``, ``kappa' = kappa / (1 + kappa a)``,
   q = 1/2 (Onsager 1927; Robinson & Stokes ch. 7). The 1/(1 + d) resummation (our choice)
   equals Onsager's limiting law ``Lambda = Lambda_0 - (A + B Lambda_0) sqrt(c)`` to first
   order and keeps every mobility positive at high c, where the linear form turns negative.
3. **Onsager matrix** (uncorrelated-carrier approximation): each carrier species with
   n_+ cations, n_- anions, molarity c_c and diffusivity D_c adds ``n_i n_j c_c D_c/(R T)``
   to ``L_ij`` — carriers move independently; the correlations *between* carriers (beyond
   the DHO mobility corrections, which are put on the self terms) are neglected.
   ``L`` is symmetric and positive semi-definite by construction.
4. **Measured quantities** from ``L`` by concentrated-solution theory,
   :mod:`ionscales.theory.concentrated_solution` (written once): kappa, t+^0 (solvent
   velocity reference) and the Fickian D with the molar thermodynamic factor.
5. **Thermodynamic factor** of the same chemical model: ``ln y_pm = ln alpha + ln y_f``
   (stoichiometric molar scale), ``TDF_c = 1 + d ln y_pm / d ln c`` with d alpha / d c
   taken exactly by implicit differentiation of the mass action; the closed forms are
   derived with sympy once and lambdified into vectorised kernels (cached). The molal
   (Lewis–Randall) factor ``TDF_m = 1 + d ln gamma_pm / d ln m = TDF_c / (d ln m / d ln c)``
   uses a solution density linear in c, ``rho = rho_0 + s c``, so that
   ``d ln m / d ln c = rho_0 / (rho_0 + (s - M) c)`` exactly (M the salt molar mass).
   The McMillan–Mayer -> Lewis–Randall correction of the activity coefficient itself
   (order c V_salt) is neglected. With the aggregation carriers
   ``ln y_pm = (f+ ln q_+ + f- ln q_-)/2 + ln y_f`` (mu_salt = mu_+,free + mu_-,free) and
   the same implicit differentiation (:func:`aggregation_kernels`); ``activity_model=``
   replaces the extended-DH free-ion law by another closed-form law of the thermo
   registry (:data:`ACTIVITY_MODELS`) in the mass action and the TDF alike.

Notes
-----
Validity: symmetric binary salts (neutral pairs). Aggregation carriers: mean-field tree
theory (no loops), pre-gel (the TDF vanishes at the gel point for f+ = f-; the chain
raises there); the DH activity of the free ions only. The Debye–Hückel free-ion activity and the
DHO corrections are limiting-law physics extended by the (1 + kappa a) factor; they are
semi-quantitative above ~0.1 mol/L in low-permittivity solvents, and the fitted K_A, radii
and viscosity coefficients absorb what they miss. Calibrated parameters are marked as such
(:mod:`ionscales.theory.transport_presets`).

References
----------
N. Bjerrum, Kgl. Danske Vidensk. Selsk. Math.-fys. Medd. 7, 1 (1926);
R. M. Fuoss, J. Am. Chem. Soc. 80, 5059 (1958), doi:10.1021/ja01552a016;
L. Onsager, Phys. Z. 28, 277 (1927);
R. A. Robinson & R. H. Stokes, Electrolyte Solutions, 2nd ed. (Butterworths, 1959), ch. 7;
J. Newman & K. E. Thomas-Alyea, Electrochemical Systems, 3rd ed. (Wiley, 2004), ch. 12–14;
M. McEldrew et al., J. Chem. Phys. 152, 234506 (2020), doi:10.1063/5.0006197;
M. McEldrew et al., J. Electrochem. Soc. 168, 050514 (2021), doi:10.1149/1945-7111/abf975;
L. Blum, Mol. Phys. 30, 1529 (1975), doi:10.1080/00268977500103051;
G. Jones & M. Dole, J. Am. Chem. Soc. 51, 2950 (1929), doi:10.1021/ja01385a012.
"""

from __future__ import annotations

import functools
import math
import warnings
from dataclasses import asdict, dataclass, field, replace

import numpy as np
import xarray as xr

from ionscales.constants import avogadro, boltzmann, gas_constant
from ionscales.electrolyte import Electrolyte, bjerrum_length
from ionscales.errors import ParameterError, ValidityWarning
from ionscales.results import make_dataset
from ionscales.theory import concentrated_solution as cst
from ionscales.theory.viscosity import viscosity as solution_viscosity
from ionscales.validation import as_float_array

__all__ = [
    "ACTIVITY_MODELS",
    "CARRIER_MODELS",
    "aggregation_kernels",
    "aggregation_free_fractions",
    "ViscosityLaw",
    "TransportModel",
    "properties",
    "fuoss_association_constant",
    "free_fraction",
    "thermodynamic_factor_kernels",
    "onsager_from_carriers",
]


#: carrier models of the chain (``TransportModel(carriers=...)``)
CARRIER_MODELS = ("pairing", "aggregation")


def _finite(name, value, unit, *, positive=False, nonnegative=False, optional=False):
    if value is None and optional:
        return None
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float, np.integer, np.floating))
        or not math.isfinite(value)
    ):
        raise ParameterError(name, f"must be a finite number [{unit}]", value)
    if positive and not value > 0:
        raise ParameterError(name, f"must be > 0 [{unit}]", value)
    if nonnegative and value < 0:
        raise ParameterError(name, f"must be >= 0 [{unit}]", value)
    return float(value)


@dataclass(frozen=True)
class ViscosityLaw:
    """Solution viscosity ``eta(c, T) = eta_inf exp(B/(T - T0)) (1 + A sqrt(c) + B_JD c + D c^2)``.

    Parameters
    ----------
    solvent_viscosity : float
        eta_inf of the solvent's VTF (T0 > 0) or Arrhenius (T0 = 0) law [Pa s], > 0.
    pseudo_activation : float
        B [K] (E_a = R B), >= 0.
    vogel_temperature : float
        T0 [K], >= 0; temperatures must lie above it.
    a, b, d : float
        Jones–Dole–Kaminsky coefficients [(m^3/mol)^(1/2)], [m^3/mol], [(m^3/mol)^2].
    source : str
        Where the numbers come from (``"calibrated: ..."`` for fitted values).
    """

    solvent_viscosity: float
    pseudo_activation: float = 0.0
    vogel_temperature: float = 0.0
    a: float = 0.0
    b: float = 0.0
    d: float = 0.0
    source: str = ""

    def __post_init__(self):
        _finite("solvent_viscosity", self.solvent_viscosity, "Pa s", positive=True)
        _finite("pseudo_activation", self.pseudo_activation, "K", nonnegative=True)
        _finite("vogel_temperature", self.vogel_temperature, "K", nonnegative=True)
        for name in ("a", "b", "d"):
            _finite(name, getattr(self, name), "Jones–Dole coefficient, SI")

    @classmethod
    def at(
        cls,
        viscosity: float,
        temperature: float,
        *,
        pseudo_activation=0.0,
        vogel_temperature=0.0,
        **coefficients,
    ) -> ViscosityLaw:
        """The law whose solvent viscosity is ``viscosity`` [Pa s] at ``temperature`` [K]."""
        _finite("viscosity", viscosity, "Pa s", positive=True)
        t = _finite("temperature", temperature, "K", positive=True)
        if t <= vogel_temperature:
            raise ParameterError(
                "temperature", f"must lie above vogel_temperature = {vogel_temperature:g} K", t
            )
        eta_inf = viscosity * math.exp(-pseudo_activation / (t - vogel_temperature))
        return cls(eta_inf, pseudo_activation, vogel_temperature, **coefficients)

    def __call__(self, concentration, temperature):
        """eta [Pa s] over broadcast concentration [mol/m^3] and temperature [K]."""
        return solution_viscosity(
            concentration,
            temperature,
            solvent_viscosity=self.solvent_viscosity,
            pseudo_activation=self.pseudo_activation,
            vogel_temperature=self.vogel_temperature,
            a=self.a,
            b=self.b,
            d=self.d,
        )


@dataclass(frozen=True)
class TransportModel:
    """An electrolyte with the parameters of the transport chain (module docstring).

    Parameters
    ----------
    electrolyte : Electrolyte
        A symmetric binary salt; its solvent supplies eps_r(T) (``permittivity_model``),
        the density and, without ``viscosity``, the viscosity.
    cation_radius, anion_radius : float, optional
        Stokes radii r_+, r_- [m], > 0 (default: from the ion's diffusivity in the solvent,
        ``kT/(6 pi eta_s D_i)``, else half the ion's diameter).
    contact_distance : float, optional
        a [m], > 0: ion size of the Debye–Hückel activity, of the Fuoss K_A and of the DHO
        corrections (default: ``electrolyte.contact_diameter``).
    association_constant : float, optional
        K_A [m^3/mol] at ``reference_temperature``, >= 0; default: Fuoss's K_A(a, l_B(T)).
    association_enthalpy : float
        Delta H of pairing [J/mol] for the van 't Hoff law of a given K_A.
    reference_temperature : float
        [K] of ``association_constant`` (default 298.15 K).
    viscosity : ViscosityLaw, optional
        Default: the solvent's viscosity, temperature-independent (``ValidityWarning`` when
        used more than 5 K from the solvent's temperature).
    solution_density : float, optional
        rho_0 [kg/m^3] of ``rho = rho_0 + density_slope c`` (default: the solvent's density).
    density_slope : float
        s [kg/mol].
    onsager_corrections : bool
        Apply the DHO electrophoretic and relaxation corrections to the free ions.
    carriers : {"pairing", "aggregation"}
        The carrier model: ``"pairing"`` (free ions + neutral pairs, the chemical model) or
        ``"aggregation"`` (the Flory–Stockmayer clusters of :mod:`ionscales.theory.aggregation`:
        free ions, pairs and charged clusters such as [Li(PF6)2]- and Li2PF6+, summed with
        the adaptive truncation; module docstring, link 1b).
    activity_model : str
        Free-ion activity law of the thermodynamic factor *and* of the mass action (so the
        association stays consistent with the carriers): a closed-form model of the thermo
        registry, one of :data:`ACTIVITY_MODELS` ("dh-extended", default, today's chemical
        model; "dh-limiting"; "davies"; "msa" = Blum's MSA + BMCSL hard spheres with the
        ions' own diameters, as the registry's "msa"). Its derivative is exact (sympy closed form +
        implicit differentiation of the mass action).
    f_cation, f_anion : int
        Association sites per cation / anion [1] of the aggregation carriers (whole numbers
        >= 1; must be 1 with ``carriers="pairing"``). ``association_constant`` is always the
        *ion-pair* constant K_pair = c_11/(c_10 c_01) [m^3/mol]; the site (bond) constant is
        K_pair/(f+ f-) (:func:`ionscales.theory.aggregation.pair_to_site_constant`).
    cluster_tolerance : float
        Relative tolerance of the aggregation cluster sums, in (0, 0.1] (default 1e-6).
    cluster_size_limit : int
        Largest cluster size (l and m) the sums may grow to (default 1024); where the
        tolerance is not met there (at or near the gel point) a ConvergenceWarning is raised.
    source : str
        Provenance of the parameters ("calibrated: ..." when fitted).
    """

    electrolyte: Electrolyte
    cation_radius: float | None = None
    anion_radius: float | None = None
    contact_distance: float | None = None
    association_constant: float | None = None
    association_enthalpy: float = 0.0
    reference_temperature: float = 298.15
    viscosity: ViscosityLaw | None = None
    solution_density: float | None = None
    density_slope: float = 0.0
    onsager_corrections: bool = True
    carriers: str = "pairing"
    activity_model: str = "dh-extended"
    f_cation: int = 1
    f_anion: int = 1
    cluster_tolerance: float = 1e-6
    cluster_size_limit: int = 1024
    source: str = field(default="")

    def __post_init__(self):
        e = self.electrolyte
        if not isinstance(e, Electrolyte):
            raise ParameterError("electrolyte", "must be an Electrolyte", e)
        z = e.charges
        if not e.is_binary or z[0] != -z[1]:
            raise ParameterError(
                "electrolyte",
                "transport properties need a symmetric binary salt "
                "(|z+| = |z-|: neutral ion pairs)",
                e.name,
            )
        _finite("cation_radius", self.cation_radius, "m", positive=True, optional=True)
        _finite("anion_radius", self.anion_radius, "m", positive=True, optional=True)
        _finite("contact_distance", self.contact_distance, "m", positive=True, optional=True)
        _finite(
            "association_constant",
            self.association_constant,
            "m^3/mol",
            nonnegative=True,
            optional=True,
        )
        _finite("association_enthalpy", self.association_enthalpy, "J/mol")
        _finite("reference_temperature", self.reference_temperature, "K", positive=True)
        _finite("solution_density", self.solution_density, "kg/m^3", positive=True, optional=True)
        _finite("density_slope", self.density_slope, "kg/mol")
        if self.carriers not in CARRIER_MODELS:
            raise ParameterError(
                "carriers", f"must be one of {', '.join(CARRIER_MODELS)}", self.carriers
            )
        if self.activity_model not in ACTIVITY_MODELS:
            from ionscales.theory import thermo

            why = {
                "msa-association": "the association is the carriers' own: use 'msa' (the same "
                "MSA free ions with ideal pairs)",
                "pitzer": "a molal virial model with tabulated parameters for the whole salt, "
                "not a free-ion law of the free-ion ionic strength",
            }.get(
                self.activity_model,
                "not a closed-form free-ion law"
                if self.activity_model in thermo.thermo_models()
                else "unknown",
            )
            raise ParameterError(
                "activity_model",
                f"{why}; the transport chain takes {', '.join(ACTIVITY_MODELS)}",
                self.activity_model,
            )
        from ionscales.theory.aggregation.checks import functionality

        object.__setattr__(self, "f_cation", functionality("f_cation", self.f_cation))
        object.__setattr__(self, "f_anion", functionality("f_anion", self.f_anion))
        if self.carriers == "pairing" and (self.f_cation, self.f_anion) != (1, 1):
            raise ParameterError(
                "f_cation",
                "association sites other than 1 need carriers='aggregation'",
                (self.f_cation, self.f_anion),
            )
        if max(self.f_cation, self.f_anion) > 64:
            raise ParameterError(
                "f_cation", "must be <= 64 sites per ion for the transport chain", self.f_cation
            )
        tol = _finite("cluster_tolerance", self.cluster_tolerance, "1", positive=True)
        if tol > 0.1:
            raise ParameterError("cluster_tolerance", "must lie in (0, 0.1] [1]", tol)
        if (
            isinstance(self.cluster_size_limit, bool)
            or not isinstance(self.cluster_size_limit, (int, np.integer))
            or not 2 <= self.cluster_size_limit <= 4096
        ):
            raise ParameterError(
                "cluster_size_limit", "must be a whole number in 2..4096", self.cluster_size_limit
            )
        if self.viscosity is not None and not isinstance(self.viscosity, ViscosityLaw):
            raise ParameterError("viscosity", "must be a ViscosityLaw or None", self.viscosity)
        if self.viscosity is None and e.solvent.viscosity is None:
            raise ParameterError(
                "viscosity",
                f"solvent {e.solvent.name!r} has no viscosity; pass viscosity=ViscosityLaw(...)",
            )
        if self.solution_density is None and e.solvent.density is None:
            raise ParameterError(
                "solution_density",
                f"solvent {e.solvent.name!r} has no density; pass solution_density= [kg/m^3]",
            )

    # resolved parameters -------------------------------------------------------------
    @property
    def radii(self) -> tuple[float, float]:
        """(r_+, r_-) [m]: given, else the Stokes radius kT/(6 pi eta_s D_i) of a known ion
        diffusivity in the solvent, else half the ion's diameter."""
        s = self.electrolyte.solvent
        out = []
        for given, ion in zip((self.cation_radius, self.anion_radius), self.electrolyte.ions):
            if given is not None:
                out.append(float(given))
            elif ion.diffusivity is not None and s.viscosity is not None:
                out.append(
                    boltzmann * s.temperature / (6 * math.pi * s.viscosity * ion.diffusivity)
                )
            else:
                out.append(float(ion.diameter) / 2)
        return tuple(out)

    @property
    def distance(self) -> float:
        """Contact distance a [m]."""
        return self.contact_distance or float(self.electrolyte.contact_diameter)

    @property
    def density(self) -> float:
        """rho_0 [kg/m^3]."""
        return self.solution_density or float(self.electrolyte.solvent.density)

    def viscosity_law(self, temperature) -> ViscosityLaw:
        if self.viscosity is not None:
            return self.viscosity
        s = self.electrolyte.solvent
        if np.any(np.abs(np.asarray(temperature) - s.temperature) > 5.0):
            warnings.warn(
                f"solvent {s.name!r} has one viscosity ({s.viscosity:g} Pa s at {s.temperature:g} K) "
                "and no temperature law: used unchanged; pass viscosity=ViscosityLaw(...)",
                ValidityWarning,
                stacklevel=4,
            )
        return ViscosityLaw(float(s.viscosity), source=f"solvent {s.name} at {s.temperature:g} K")

    def permittivity(self, temperature) -> np.ndarray:
        """eps_r(T) of the solvent [1] (``Electrolyte.with_(temperature=)`` semantics)."""
        s = self.electrolyte.solvent
        t = np.asarray(temperature, float)
        if s.permittivity_model is not None:
            return np.asarray(s.permittivity_model(t), float)
        out = np.empty_like(t)
        for value in np.unique(
            t
        ):  # one eps_r per distinct temperature (constant: warns on a change)
            out[t == value] = self.electrolyte.with_(temperature=float(value)).permittivity
        return out

    def association(self, temperature) -> np.ndarray:
        """K_A(T) [m^3/mol]."""
        t = np.asarray(temperature, float)
        if self.association_constant is None:
            z = abs(float(self.electrolyte.charges[0]))
            return fuoss_association_constant(
                self.distance, bjerrum_length(self.permittivity(t), t) * z**2
            )
        return self.association_constant * np.exp(
            -self.association_enthalpy / gas_constant * (1 / t - 1 / self.reference_temperature)
        )

    def parameters(self) -> dict:
        """The chain's parameters as plain numbers (for attrs and fit results)."""
        out = {k: v for k, v in asdict(self).items() if k not in ("electrolyte", "viscosity")}
        out["electrolyte"] = self.electrolyte.name
        r = self.radii
        out.update(
            cation_radius=r[0],
            anion_radius=r[1],
            contact_distance=self.distance,
            solution_density=self.density,
        )
        if self.viscosity is not None:
            out.update({f"viscosity_{k}": v for k, v in asdict(self.viscosity).items()})
        return out

    def with_(self, **changes) -> TransportModel:
        """A copy with changed parameters (``viscosity_<field>`` changes the viscosity law)."""
        visc = {
            k[len("viscosity_") :]: changes.pop(k)
            for k in list(changes)
            if k.startswith("viscosity_")
        }
        if visc:
            base = self.viscosity_law(self.electrolyte.solvent.temperature)
            changes["viscosity"] = replace(base, **visc)
        return replace(self, **changes)


# -- kernels ----------------------------------------------------------------------------
def fuoss_association_constant(contact_distance, coupling_length):
    """Fuoss K_A = (4 pi N_A a^3 / 3) exp(l / a) [m^3/mol] (l = z^2 l_B [m], a [m])."""
    a = np.asarray(contact_distance, float)
    return 4 * math.pi * avogadro * a**3 / 3 * np.exp(np.asarray(coupling_length, float) / a)


@functools.lru_cache(maxsize=1)
def thermodynamic_factor_kernels():
    """Lambdified closed forms of the chemical (association + extended DH) model.

    Symbols: free fraction x, molarity c [mol/m^3], coupling length l = z^2 l_B [m], contact
    distance a [m], K_A [m^3/mol]. Returns a dict of vectorised functions ``f(x, c, l, a, K)``:
    ``ln_y_free`` (ln y_f), ``dalpha_dc`` (d alpha/d c along the mass action, exact),
    ``tdf_molar`` (1 + d ln(alpha y_f)/d ln c), and ``residual`` (the mass action
    ``1 - x - K c x^2 y_f^2``), with the sympy expressions in ``"expressions"``.
    """
    import sympy as sp

    x, c, l, a, K = sp.symbols("x c l a K", positive=True)
    kappa = sp.sqrt(8 * sp.pi * l * avogadro * x * c)  # l = z^2 l_B: kappa^2 = 8 pi l_B N_A z^2 x c
    ln_y = -l * kappa / (2 * (1 + kappa * a))
    dlny_dx, dlny_dc = sp.diff(ln_y, x), sp.diff(ln_y, c)
    # mass action G = ln(1-x) - 2 ln x - ln c - 2 ln y - ln K = 0, implicit dx/dc = -G_c/G_x,
    # written with (1 - x) multiplied through (finite as x -> 1, K -> 0)
    g_c = -1 / c - 2 * dlny_dc
    dxdc = g_c * (1 - x) / (1 + (1 - x) * (2 / x + 2 * dlny_dx))
    tdf = 1 + c * ((1 / x + dlny_dx) * dxdc + dlny_dc)
    residual = 1 - x - K * c * x**2 * sp.exp(2 * ln_y)
    args = (x, c, l, a, K)
    exprs = {"ln_y_free": ln_y, "dalpha_dc": dxdc, "tdf_molar": tdf, "residual": residual}
    funcs = {k: sp.lambdify(args, v, modules="numpy") for k, v in exprs.items()}
    funcs["expressions"] = exprs
    funcs["symbols"] = args
    return funcs


def free_fraction(
    concentration, *, coupling_length, contact_distance, association_constant, iterations: int = 60
):
    """Free-ion fraction alpha of the activity-corrected mass action, vectorised bisection.

    ``1 - alpha = K_A c alpha^2 y_f(alpha c)^2``; f(0) = 1 > 0 and f(1) = -K c y^2 <= 0, so
    bisection brackets a root for every state; ``iterations`` halvings (60: 1e-18) then the
    pair fraction is recomputed from the mass action (accurate also for 1 - alpha << 1).
    """
    k = _kernels_residual()
    c, lc, a, K = np.broadcast_arrays(
        *(
            np.asarray(v, float)
            for v in (concentration, coupling_length, contact_distance, association_constant)
        )
    )
    lo, hi = np.zeros(c.shape), np.ones(c.shape)
    for _ in range(iterations):
        mid = 0.5 * (lo + hi)
        positive = k(mid, c, lc, a, K) > 0
        lo, hi = np.where(positive, mid, lo), np.where(positive, hi, mid)
    alpha = 0.5 * (lo + hi)
    ln_y = thermodynamic_factor_kernels()["ln_y_free"](alpha, c, lc, a, K)
    pair = K * c * alpha**2 * np.exp(2 * ln_y)
    return np.where(K > 0, np.clip(1 - pair, 0.0, 1.0), 1.0), np.where(K > 0, pair, 0.0)


def _kernels_residual():
    return thermodynamic_factor_kernels()["residual"]


#: free-ion activity models of the chain (``TransportModel(activity_model=...)``): the
#: closed-form members of the thermo registry (:func:`ionscales.theory.thermo.thermo_models`)
ACTIVITY_MODELS = ("dh-extended", "dh-limiting", "davies", "msa")


def _free_ion_ln_y(activity: str, x, c, l, a, valence):
    """Sympy ln y_f of the free ions (molar scale) at the free-ion molarity x c.

    Same laws as :mod:`ionscales.theory.thermo` (checked against it in the tests):
    "dh-limiting" -l kappa/2; "dh-extended" -l kappa/(2(1 + kappa a)); "davies"
    -(l kappa/2)(1/(1 + y) - 0.3 y), y = sqrt(I/I0), I = z^2 x c, I0 = 1 mol/L ("msa":
    :func:`_msa_free_ion`).
    """
    import sympy as sp

    kappa = sp.sqrt(8 * sp.pi * l * avogadro * x * c)
    if activity == "dh-limiting":
        return -l * kappa / 2
    if activity == "dh-extended":
        return -l * kappa / (2 * (1 + kappa * a))
    if activity == "davies":
        y = sp.sqrt(sp.Float(valence) ** 2 * x * c / 1000)
        return -l * kappa / 2 * (1 / (1 + y) - sp.Rational(3, 10) * y)
    raise ParameterError("activity_model", f"must be one of {', '.join(ACTIVITY_MODELS)}", activity)


def _msa_free_ion(x, c, l, s1, s2, gamma, valence):
    """Sympy (H, ln y_f) of the MSA + BMCSL free ions with the ions' own diameters s1, s2.

    Blum (1975) as :func:`ionscales.theory.thermo.blum_msa` (its Notes), at the free-ion
    densities n_+ = n_- = x c N_A: Delta, Omega, P_n, Q_i, the screening parameter Gamma as
    the root of ``H = Gamma^2 - pi l_B sum_i n_i Q_i^2`` (an unknown of the state, so its
    derivative is implicit too), ln gamma_i^el; plus the BMCSL hard-sphere
    ``sum_n sigma_i^n dF/dxi_n`` (:func:`~ionscales.theory.thermo.hard_sphere_mixture`);
    ln y_f = (ln y_+ + ln y_-)/2. Pairs and clusters are ideal (as "msa-association").
    """
    import sympy as sp

    z = sp.Float(valence)
    lb = l / z**2
    n = x * c * avogadro
    sig, zs = (s1, s2), (z, -z)
    delta = 1 - sp.pi / 6 * n * (s1**3 + s2**3)
    den = [1 + gamma * si for si in sig]
    omega = 1 + sp.pi / (2 * delta) * sum(n * si**3 / d for si, d in zip(sig, den))
    pn = sum(n * si * zi / d for si, zi, d in zip(sig, zs, den)) / omega
    q = [(zi - sp.pi / (2 * delta) * si**2 * pn) / d for si, zi, d in zip(sig, zs, den)]
    h_eq = gamma**2 - sp.pi * lb * sum(n * qi**2 for qi in q)
    eta = sp.pi * pn / (2 * delta)
    ln_el = [
        -lb * (gamma * zi**2 / d + eta * si * ((2 * zi - eta * si**2) / d + eta * si**2 / 3))
        for si, zi, d in zip(sig, zs, den)
    ]
    xi = sp.symbols("xi0:4", positive=True)
    dd = 1 - xi[3]
    free = (
        (xi[2] ** 3 / xi[3] ** 2 - xi[0]) * sp.log(dd)
        + 3 * xi[1] * xi[2] / dd
        + xi[2] ** 3 / (xi[3] * dd**2)
    )
    d_free = [sp.diff(free, xi[k]) for k in range(4)]
    values = {xi[k]: sp.pi / 6 * n * (s1**k + s2**k) for k in range(4)}
    ln_hs = [sum(si**k * d_free[k] for k in range(4)).subs(values) for si in sig]
    return h_eq, (ln_el[0] + ln_el[1] + ln_hs[0] + ln_hs[1]) / 2


def _with_defaults(func):
    """``f(x, c, l, a, K, G=0, s1=a, s2=a)``: the MSA arguments default for the DH laws."""

    def call(x, c, l, a, K, G=0.0, s1=None, s2=None):
        return func(x, c, l, a, K, G, a if s1 is None else s1, a if s2 is None else s2)

    return call


@functools.lru_cache(maxsize=32)
def aggregation_kernels(
    f_cation: int, f_anion: int, activity: str = "dh-extended", valence: float = 1.0
):
    """Lambdified closed forms of the Flory–Stockmayer carriers with Debye–Hückel free ions.

    The unknown is the mean free-ion fraction x = (alpha_+ + alpha_-)/2, which sets the
    free-ion ionic strength (``kappa^2 = 8 pi l N_A x c``) and so the extended-DH activity
    ``ln y_f = -l kappa / (2 (1 + kappa a))`` of the free ions. The bond (site) constant is
    activity-corrected, ``Lambda_molar = K_pair y_f^2 / (f+ f-)`` (a bond joins a cation
    site and an anion site: the DH excess of the two ions it binds), and the
    Flory–Stockmayer mass action ``Lambda zeta = p+ p- / ((1 - p+)(1 - p-))``,
    ``zeta = f+ c p+ = f- c p-`` is solved in closed form for q = 1 - p (written without
    cancellation for the given f+, f-). The free fractions are ``alpha_+ = q_+^f+`` and
    ``alpha_- = q_-^f-``; the state solves ``G(x, c) = x - (q_+^f+ + q_-^f-)/2 = 0``.

    The stoichiometric activity coefficient follows from mu_salt = mu_+,free + mu_-,free:
    ``ln y_pm = (f+ ln q_+ + f- ln q_-)/2 + ln y_f`` and the molar thermodynamic factor
    ``1 + c d ln y_pm/dc`` with the total derivative along the state,
    ``dx/dc = -G_c / G_x`` (implicit differentiation, exact). For f+ = f- = 1 this is the
    pairing chain's mass action and TDF (:func:`thermodynamic_factor_kernels`).

    Parameters
    ----------
    f_cation, f_anion : int
        Association sites per ion [1].
    activity : str
        Free-ion activity law, one of :data:`ACTIVITY_MODELS` (default "dh-extended", the
        pairing chain's); the same y_f corrects the mass action (association consistent
        with the carriers) and enters ln y_pm.
    valence : float
        |z| of the ions [1] (the Davies ionic strength).

    Returns
    -------
    dict
        Vectorised functions ``f(x, c, l, a, K, G=0, s1=a, s2=a)`` (x [1], c [mol/m^3],
        l = z^2 l_B [m], a [m], K = K_pair [m^3/mol]; for "msa" Blum's Gamma [1/m] of the
        state and the ion diameters s1, s2 [m]): ``ln_y_free``, ``residual`` (G),
        ``ln_y_pm``, ``dx_dc`` [m^3/mol], ``tdf_molar``, ``msa_residual`` (Blum's
        equation for Gamma; Gamma itself for the DH laws); with the sympy expressions in
        ``"expressions"``. The derivatives are symbolic in two layers (the free-ion law
        Y = ln y_f(x, c, Gamma) and the mass action g(x, c, Y)), chained numerically (exact,
        and the expressions stay small). For "msa" the total derivative solves the 2x2
        implicit system of the mass action and Blum's equation (Cramer's rule).
    """
    import sympy as sp

    x, c, l, a, K, G, s1, s2, Y = sp.symbols("x c l a K G s1 s2 Y", real=True)
    fp, fm = sp.Integer(int(f_cation)), sp.Integer(int(f_anion))
    if activity == "msa":
        h_eq, ln_y = _msa_free_ion(x, c, l, s1, s2, G, valence)
    else:
        h_eq, ln_y = G, _free_ion_ln_y(activity, x, c, l, a, valence)
    # two layers, differentiated apart and chained numerically (exact, and small expressions):
    # the free-ion law Y = ln y_f(x, c, Gamma) and the mass action g(x, c, Y), h(x, c, Y)
    lam = K / (fp * fm) * sp.exp(2 * Y)
    psi_c, psi_a = fp * c, fm * c
    s_ = lam * (psi_c + psi_a)
    d = lam * (psi_c - psi_a)
    root = sp.sqrt(1 + 2 * s_ + d**2)
    denom = 1 + s_ + root
    # q_+ = (1 + d + root)/denom where 1 + d >= 0; otherwise the equal form
    # 4 lam psi_- / ((root - 1 - d) denom) (root^2 - (1 + d)^2 = 4 lam psi_-): no
    # cancellation in either branch (as binary_probabilities); the branch follows the state
    q_c = sp.Piecewise(
        ((1 + d + root) / denom, 1 + d >= 0), (4 * lam * psi_a / ((root - 1 - d) * denom), True)
    )
    q_a = sp.Piecewise(
        ((1 - d + root) / denom, 1 - d >= 0), (4 * lam * psi_c / ((root - 1 + d) * denom), True)
    )
    g = x - (q_c**fp + q_a**fm) / 2
    h = (fp * sp.log(q_c) + fm * sp.log(q_a)) / 2 + Y
    law = (x, c, l, a, G, s1, s2)
    action = (x, c, K, Y)

    def lam_(expr, args):
        return sp.lambdify(args, expr, modules="numpy", cse=True)

    f_y = lam_([ln_y, sp.diff(ln_y, x), sp.diff(ln_y, c), sp.diff(ln_y, G)], law)
    f_h = lam_([h_eq, sp.diff(h_eq, x), sp.diff(h_eq, c), sp.diff(h_eq, G)], law)
    f_g = lam_([g, sp.diff(g, x), sp.diff(g, c), sp.diff(g, Y)], action)
    f_p = lam_([h, sp.diff(h, x), sp.diff(h, c), sp.diff(h, Y)], action)
    f_y0, f_g0, f_h0 = lam_(ln_y, law), lam_(g, action), lam_(h_eq, law)
    msa = activity == "msa"

    def parts(x_, c_, l_, a_, K_, G_, s1_, s2_):
        y = f_y(x_, c_, l_, a_, G_, s1_, s2_)
        return y, f_g(x_, c_, K_, y[0]), f_p(x_, c_, K_, y[0])

    def residual(x_, c_, l_, a_, K_, G_, s1_, s2_):
        return f_g0(x_, c_, K_, f_y0(x_, c_, l_, a_, G_, s1_, s2_))

    def ln_y_free(x_, c_, l_, a_, K_, G_, s1_, s2_):
        return f_y0(x_, c_, l_, a_, G_, s1_, s2_)

    def ln_y_pm(*args):
        return parts(*args)[2][0]

    def msa_residual(x_, c_, l_, a_, K_, G_, s1_, s2_):
        return f_h0(x_, c_, l_, a_, G_, s1_, s2_)

    def derivatives(*args):
        (y, yx, yc, yg), (_, gx, gc, gy), (_, hx, hc, hy) = parts(*args)
        # totals through Y: G_x = g_x + g_Y Y_x, ... (chain rule)
        tx, tc, tg = gx + gy * yx, gc + gy * yc, gy * yg
        px, pc, pg = hx + hy * yx, hc + hy * yc, hy * yg
        if msa:  # the state (x, Gamma) solves g = 0 and Blum's H = 0: Cramer's rule
            _, bx, bc, bg = f_h(args[0], args[1], args[2], args[3], *args[5:])
            det = tx * bg - tg * bx
            dxdc = (-tc * bg + tg * bc) / det
            dgdc = (-tx * bc + bx * tc) / det
        else:
            dxdc, dgdc = -tc / tx, 0.0
        return dxdc, 1 + args[1] * (pc + px * dxdc + pg * dgdc)

    def dx_dc(*args):
        return derivatives(*args)[0]

    def tdf_molar(*args):
        return derivatives(*args)[1]

    args = (x, c, l, a, K, G, s1, s2)
    exprs = {
        "ln_y_free": ln_y,
        "residual": g.subs(Y, ln_y),
        "ln_y_pm": h.subs(Y, ln_y),
        "msa_residual": h_eq,
        "mass_action": g,
        "ln_y_pm_of_Y": h,
    }
    funcs = {
        "ln_y_free": _with_defaults(ln_y_free),
        "residual": _with_defaults(residual),
        "ln_y_pm": _with_defaults(ln_y_pm),
        "msa_residual": _with_defaults(msa_residual),
        "dx_dc": _with_defaults(dx_dc),
        "tdf_molar": _with_defaults(tdf_molar),
    }
    funcs["expressions"] = exprs
    funcs["symbols"] = args
    return funcs


def _msa_gamma(k, x, c, lc, a, K, s1, s2, tol=1e-15):
    """Blum's Gamma [1/m] at free fraction x: vectorised bisection of the kernel's
    ``msa_residual`` on (0, kappa/2], widened until it brackets (as thermo.blum_msa)."""
    kappa = np.sqrt(8 * math.pi * lc * avogadro * x * c)
    res = k["msa_residual"]
    lo, hi = np.zeros(np.shape(kappa)), 0.5 * kappa + 1e-300
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        for _ in range(60):
            bad = (res(x, c, lc, a, K, hi, s1, s2) < 0) & (kappa > 0)
            if not np.any(bad):
                break
            hi = np.where(bad, 2 * hi, hi)
        for _ in range(200):
            mid = 0.5 * (lo + hi)
            neg = res(x, c, lc, a, K, mid, s1, s2) < 0
            lo, hi = np.where(neg, mid, lo), np.where(neg, hi, mid)
            if np.all(hi - lo <= tol * np.maximum(hi, 1e-300)):
                break
    return np.where(kappa > 0, 0.5 * (lo + hi), 0.0)


#: bookkeeping lattice of the aggregation carriers: v0 = 1 L / N_A, so numbers per site are
#: mol/L; the Flory–Stockmayer probabilities depend on Lambda c only, so v0 cancels
_CARRIER_SITE_VOLUME = 1e-3 / avogadro


def aggregation_free_fractions(
    concentration,
    *,
    coupling_length,
    contact_distance,
    association_constant,
    f_cation: int,
    f_anion: int,
    activity: str = "dh-extended",
    valence: float = 1.0,
    diameters=None,
    iterations: int = 60,
):
    """State of the aggregation carriers (:func:`aggregation_kernels`), vectorised bisection.

    G(0) = -(alpha_+ + alpha_-)/2 < 0 and G(1) = 1 - (alpha_+ + alpha_-)/2 >= 0 bracket a
    root of the mass action at every state; ``iterations`` halvings (60: 1e-18). The
    probabilities are then evaluated by the aggregation kernel
    :func:`~ionscales.theory.aggregation.binary_probabilities` (complements without
    cancellation).

    Parameters
    ----------
    concentration : array_like
        Salt molarity c [mol/m^3] (symmetric salt: c_+ = c_- = c).
    coupling_length : array_like
        l = z^2 l_B [m].
    contact_distance : array_like
        a [m].
    association_constant : array_like
        Ion-pair constant K_pair [m^3/mol], >= 0.
    f_cation, f_anion : int
        Sites per ion [1].
    activity : str
        Free-ion activity law (:data:`ACTIVITY_MODELS`).
    valence : float
        |z| [1].
    diameters : (float, float), optional
        Cation and anion diameters [m] of the "msa" law (default: both
        ``contact_distance``).

    Returns
    -------
    dict
        ``x`` (mean free fraction), ``ln_y_free``, ``p_cation``, ``p_anion``,
        ``q_cation``, ``q_anion`` (1 - p), ``site_constant`` (activity-corrected
        K_pair y_f^2/(f+ f-) [m^3/mol]) on the broadcast shape.
    """
    from ionscales.theory.aggregation.kernels import binary_probabilities

    k = aggregation_kernels(int(f_cation), int(f_anion), activity, float(valence))
    c, lc, a, K = np.broadcast_arrays(
        *(
            np.asarray(v, float)
            for v in (concentration, coupling_length, contact_distance, association_constant)
        )
    )
    s1, s2 = (a, a) if diameters is None else (float(diameters[0]), float(diameters[1]))
    msa = activity == "msa"

    def gamma_of(xx):
        return _msa_gamma(k, xx, c, lc, a, K, s1, s2) if msa else np.zeros(c.shape)

    lo, hi = np.zeros(c.shape), np.ones(c.shape)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        for _ in range(iterations):
            mid = 0.5 * (lo + hi)
            below = k["residual"](mid, c, lc, a, K, gamma_of(mid), s1, s2) < 0
            lo, hi = np.where(below, mid, lo), np.where(below, hi, mid)
    x = 0.5 * (lo + hi)
    gamma = gamma_of(x)
    ln_y = k["ln_y_free"](x, c, lc, a, K, gamma, s1, s2)
    with np.errstate(over="ignore", invalid="ignore"):  # out of range: raised by the caller
        site = K * np.exp(2 * ln_y) / (f_cation * f_anion)
    per_site = c * avogadro * _CARRIER_SITE_VOLUME
    pc, pa, qc, qa = binary_probabilities(
        f_cation * per_site,
        f_anion * per_site,
        association=site / (avogadro * _CARRIER_SITE_VOLUME),
        complements=True,
    )
    return {
        "x": x,
        "msa_gamma": gamma,
        "diameters": (s1, s2),
        "ln_y_free": ln_y,
        "p_cation": pc,
        "p_anion": pa,
        "q_cation": qc,
        "q_anion": qa,
        "site_constant": site,
    }


def _aggregation_carriers(model, c, k_a, coupling, a, r_p, r_m):
    """Cluster sums of the aggregation carriers on the flattened grid (one call, no loop).

    Returns the free fractions, the radius-weighted Onsager sums
    S_ij = sum_lm n_i n_j c_lm / r_lm [mol/m^4] (r_lm = (l r+^3 + m r-^3)^(1/3)), the
    listed carriers and the truncation record.
    """
    from ionscales.errors import ConvergenceWarning
    from ionscales.theory.aggregation.state import AggregationState, Composition
    from ionscales.theory.aggregation.sums import separable_cluster_sums

    fp, fm = model.f_cation, model.f_anion
    shape = c.shape
    flat = [np.ravel(np.broadcast_to(v, shape)) for v in (c, k_a, coupling)]
    cf, kf, lf = flat
    st_ = aggregation_free_fractions(
        cf,
        diameters=_ion_diameters(model),
        activity=model.activity_model,
        valence=abs(float(model.electrolyte.charges[0])),
        coupling_length=lf,
        contact_distance=a,
        association_constant=kf,
        f_cation=fp,
        f_anion=fm,
    )
    per_site = cf * avogadro * _CARRIER_SITE_VOLUME
    zero = np.zeros_like(cf)
    comp = Composition(
        "concentration",
        cf,
        per_site,
        per_site,
        np.clip(1 - 2 * per_site, 0, 1),
        zero,
        per_site,
        per_site,
        zero,
        np.asarray(_CARRIER_SITE_VOLUME),
    )
    z = abs(float(model.electrolyte.charges[0]))
    state = AggregationState.from_probabilities(
        comp,
        f_cation=fp,
        f_anion=fm,
        charges=(z, -z),
        association=st_["site_constant"] / (avogadro * _CARRIER_SITE_VOLUME),
        p_cation=st_["p_cation"],
        p_anion=st_["p_anion"],
        q_cation=st_["q_cation"],
        q_anion=st_["q_anion"],
    )
    nm = 1e-9  # radii in nm inside the weights (numbers of order one)
    rp3, rm3 = (r_p / nm) ** 3, (r_m / nm) ** 3

    def inv_radius(l, m):
        r3 = l * rp3 + m * rm3
        return np.where(r3 > 0, 1 / np.cbrt(np.where(r3 > 0, r3, 1.0)), 0.0)

    weights = {
        "cc": lambda l, m: l * l * inv_radius(l, m),
        "ca": lambda l, m: l * m * inv_radius(l, m),
        "aa": lambda l, m: m * m * inv_radius(l, m),
        "charged_cations": lambda l, m: l * ((l != m) & (l + m >= 2)),
    }
    sums = separable_cluster_sums(
        state,
        weights,
        start=16,
        tolerance=model.cluster_tolerance,
        size_limit=model.cluster_size_limit,
    )
    sums.warn_if_unconverged("transport.properties (aggregation carriers)")
    gel = state.gel_parameter > 1
    if np.any(gel):
        warnings.warn(
            f"transport.properties (aggregation carriers): {int(np.sum(gel))} state point(s) at "
            "or past the gel point ((f+ - 1)(f- - 1) p+ p- >= 1, up to "
            f"{float(np.max(state.gel_parameter)):.3g}): the gel is immobile, only the sol carries "
            "current (Flory post-gel); the mean-field tree theory is not reliable there",
            ConvergenceWarning,
            stacklevel=4,
        )
    molar = {k: comp.molar(v).reshape(shape) / nm for k, v in sums.sums.items()}
    small = comp.molar(state.cluster_distribution(2)).reshape(shape + (3, 3))
    with np.errstate(invalid="ignore", divide="ignore"):
        cluster = comp.molar(sums.sums["charged_cations"]).reshape(shape) / c
    return {
        "x": st_["x"].reshape(shape),
        "msa_gamma": st_["msa_gamma"].reshape(shape),
        "alpha_cation": state.free_cation_fraction.reshape(shape),
        "alpha_anion": state.free_anion_fraction.reshape(shape),
        "pair": small[..., 1, 1] / c,
        "cluster": cluster,
        "gel": (1 - state.sol_cation).reshape(shape),
        "gel_parameter": state.gel_parameter.reshape(shape),
        "s": (molar["cc"], molar["ca"], molar["aa"]),
        "triples": (small[..., 1, 2], small[..., 2, 1]),
        "sums": sums,
    }


# -- the chain --------------------------------------------------------------------------
def _grid(concentration, temperature, model):
    c = np.atleast_1d(as_float_array("concentration", concentration))
    if c.ndim != 1 or c.size == 0 or np.any(c <= 0):
        raise ParameterError(
            "concentration",
            "must be a non-empty 1-D array of molarities > 0 [mol/m^3]",
            concentration,
        )
    if temperature is None:
        temperature = model.electrolyte.temperature
    t = np.atleast_1d(as_float_array("temperature", temperature))
    if t.ndim != 1 or t.size == 0 or np.any(t <= 0):
        raise ParameterError("temperature", "must be a non-empty 1-D array > 0 [K]", temperature)
    return c, t


def _ion_diameters(model):
    """(cation, anion) diameters [m] of the "msa" free-ion law: the electrolyte's ions (as
    the thermo registry's "msa")."""
    e = model.electrolyte
    return float(e.cation.diameter), float(e.anion.diameter)


def _check_activity_range(model, z, free_c, a):
    """ValidityWarning / ParameterError where the free-ion law leaves its range."""
    if model.activity_model == "davies":
        big = float(np.max(z**2 * free_c)) / 1000.0
        if big > 1.0:
            warnings.warn(
                f"activity_model='davies': free-ion ionic strength up to {big:.3g} mol/L, beyond "
                "its ~0.5 mol/L range (the 0.3 I term makes y_f grow without bound)",
                ValidityWarning,
                stacklevel=4,
            )
    if model.activity_model == "msa":
        s1, s2 = _ion_diameters(model)
        eta = float(np.max(math.pi / 6 * free_c * avogadro * (s1**3 + s2**3)))
        if not eta < 0.6:
            raise ParameterError(
                "concentration",
                f"the free-ion hard-sphere packing fraction reaches {eta:.3g} with the ion "
                f"diameters {s1:.3g}, {s2:.3g} m (must stay < 0.6 for BMCSL and the MSA)",
                float(np.max(free_c)),
            )


def _evaluate(model: TransportModel, c, t):
    """All chain quantities on broadcast arrays c, t (same shape); returns a dict."""
    z = abs(float(model.electrolyte.charges[0]))
    r_p, r_m = model.radii
    a = model.distance
    eta = model.viscosity_law(t)(c, t)  # first: a temperature below the VTF T0 fails here
    if np.any(~np.isfinite(eta)) or np.any(eta <= 0):
        raise ParameterError(
            "viscosity", "the viscosity law gives non-positive or non-finite eta [Pa s]"
        )
    eps = model.permittivity(t)
    coupling = z**2 * bjerrum_length(eps, t)
    k_a = model.association(t)
    kt = boltzmann * t
    d_p = kt / (6 * math.pi * eta * r_p)
    d_m = kt / (6 * math.pi * eta * r_m)
    d_pair = kt / (6 * math.pi * eta * (r_p**3 + r_m**3) ** (1 / 3))
    rt = gas_constant * t
    agg = None
    if model.carriers == "aggregation":
        agg = _aggregation_carriers(model, c, k_a, coupling, a, r_p, r_m)
        alpha, alpha_m, pair = agg["alpha_cation"], agg["alpha_anion"], agg["pair"]
        mean_free = agg["x"]
    elif model.activity_model != "dh-extended":
        # the pairing chain with another free-ion law: the f = 1 carriers (same mass action)
        st1 = aggregation_free_fractions(
            c,
            coupling_length=coupling,
            contact_distance=a,
            association_constant=k_a,
            f_cation=1,
            f_anion=1,
            activity=model.activity_model,
            valence=z,
            diameters=_ion_diameters(model),
        )
        alpha = alpha_m = mean_free = st1["q_cation"]
        pair = st1["p_cation"]
    else:
        alpha, pair = free_fraction(
            c, coupling_length=coupling, contact_distance=a, association_constant=k_a
        )
        alpha_m = mean_free = alpha
    kappa = np.sqrt(8 * math.pi * coupling * avogadro * mean_free * c)
    _check_activity_range(model, z, mean_free * c, a)
    if model.onsager_corrections:
        screen = kappa / (1 + kappa * a)
        # DHO corrections as relative decrements delta, resummed as 1/(1 + delta): the limiting
        # law to first order in sqrt(c), positive mobilities at any c.
        # electrophoretic decrement |z| kT kappa' / (6 pi eta D_i) = |z| r_i kappa'
        hydro_p, hydro_m = z * r_p * screen, z * r_m * screen
        relaxation = (
            coupling * screen * 0.5 / (3 * (1 + math.sqrt(0.5)))
        )  # q = 1/2 (symmetric salt)
        d_p_free = d_p / ((1 + hydro_p) * (1 + relaxation))
        d_m_free = d_m / ((1 + hydro_m) * (1 + relaxation))
    else:
        d_p_free, d_m_free = d_p, d_m
    free, free_m = alpha * c, alpha_m * c
    pairs = pair * c
    if agg is None:
        # uncorrelated carriers: carrier (n+, n-) adds n_i n_j c_c D_c / RT to L_ij
        l_pp = (free * d_p_free + pairs * d_pair) / rt
        l_mm = (free * d_m_free + pairs * d_pair) / rt
        l_pm = pairs * d_pair / rt
        # exact: d alpha/d c from the implicit mass action (0 at K_A = 0, where alpha = 1)
        if model.activity_model == "dh-extended":
            tdf_c = thermodynamic_factor_kernels()["tdf_molar"](alpha, c, coupling, a, k_a)
        else:
            kern = aggregation_kernels(1, 1, model.activity_model, z)
            with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
                tdf_c = kern["tdf_molar"](
                    mean_free, c, coupling, a, k_a, st1["msa_gamma"], *_ion_diameters(model)
                )
        cluster = np.zeros_like(c)
        carrier_c = [free, free_m, pairs]
        carrier_d = [d_p_free, d_m_free, d_pair]
    else:
        # every sol cluster (l, m) adds n_i n_j c_lm D_lm / RT with the Stokes–Einstein
        # D_lm = kT / (6 pi eta r_lm): L_ij = kT/(6 pi eta RT) S_ij; the free ions' terms
        # then carry the same DHO corrections as in the pairing chain
        se = kt / (6 * math.pi * eta) / rt
        s_cc, s_ca, s_aa = agg["s"]
        l_pp = se * s_cc + free * (d_p_free - d_p) / rt
        l_mm = se * s_aa + free_m * (d_m_free - d_m) / rt
        l_pm = se * s_ca
        kern = aggregation_kernels(model.f_cation, model.f_anion, model.activity_model, z)
        with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
            tdf_c = kern["tdf_molar"](
                mean_free, c, coupling, a, k_a, agg["msa_gamma"], *_ion_diameters(model)
            )
        cluster = agg["cluster"]
        c12, c21 = agg["triples"]
        d12 = kt / (6 * math.pi * eta * (r_p**3 + 2 * r_m**3) ** (1 / 3))
        d21 = kt / (6 * math.pi * eta * (2 * r_p**3 + r_m**3) ** (1 / 3))
        carrier_c = [free, free_m, pairs, c12, c21]
        carrier_d = [d_p_free, d_m_free, d_pair, d12, d21]
    onsager = np.stack([np.stack([l_pp, l_pm], -1), np.stack([l_pm, l_mm], -1)], -2)
    if np.any(~(tdf_c > 0)):
        bad = ~(tdf_c > 0)
        where = (
            f"the {model.activity_model} free ions phase-separate; contact_distance = "
            f"{a:.3g} m is too small"
            if agg is None
            else "at or past the gel point the Flory–Stockmayer free-ion chemical potential stops "
            "rising (TDF = 0 at the gel point for f+ = f-), or the DH-corrected mass action "
            "phase-separates; lower association_constant or f_cation, f_anion"
        )
        raise ParameterError(
            "concentration",
            f"reaches the spinodal of the activity model (TDF <= 0: {where}) "
            f"at c >= {float(np.min(c[bad])):.4g} mol/m^3",
            float(np.min(c[bad])),
        )
    mass = model.electrolyte.salt_molar_mass
    rho0, s = model.density, model.density_slope
    denom = rho0 + (s - mass) * c
    if np.any(denom <= 0):
        raise ParameterError(
            "concentration",
            "exceeds the range of the linear density law "
            f"(rho_0 + (s - M) c > 0 needs c < {rho0 / max(mass - s, 1e-300):.4g} mol/m^3)",
            float(np.max(c)),
        )
    molality = c / denom
    dlnm_dlnc = rho0 / denom
    zl = (z, -z)
    sigma = cst.conductivity(onsager, charges=zl)
    t_plus = cst.transference_number(onsager, charges=zl)
    d_salt = cst.salt_diffusivity(
        onsager, concentration=c, thermodynamic_factor=tdf_c, temperature=t, charges=zl
    )
    return {
        "conductivity": sigma,
        "salt_diffusivity": d_salt,
        "transference_number": t_plus,
        "tdf_molar": tdf_c,
        "tdf_molal": tdf_c / dlnm_dlnc,
        "viscosity": eta,
        "alpha": alpha,
        "alpha_anion": alpha_m,
        "pair": pair,
        "cluster": cluster,
        "gel": np.zeros_like(c) if agg is None else agg["gel"],
        "aggregation": agg,
        "carrier_concentration": np.stack(carrier_c, -1),
        "carrier_diffusivity": np.stack(carrier_d, -1),
        "molality": molality,
        "onsager": onsager,
        "d": (d_p_free, d_m_free, d_pair),
        "association_constant": k_a,
        "permittivity": eps,
        "debye_length": 1 / kappa,
        "charges": zl,
    }


def properties(electrolyte, concentration, temperature=None, **parameters) -> xr.Dataset:
    """Transport properties of a binary electrolyte over (concentration, temperature).

    Parameters
    ----------
    electrolyte : Electrolyte or TransportModel
        A :class:`TransportModel` (e.g. ``fit.electrolyte`` from
        :func:`ionscales.fitting.fit_transport`) or an Electrolyte; an Electrolyte with
        calibrated parameters in :mod:`ionscales.theory.transport_presets` uses them unless
        ``parameters`` are given (``carriers="aggregation"`` alone selects the calibrated
        aggregation chain where one is stored).
    concentration : array_like
        Salt molarities c [mol/m^3], > 0 (1-D).
    temperature : array_like, optional
        Temperatures [K] (1-D; default: the electrolyte's).
    **parameters
        :class:`TransportModel` fields (cation_radius [m], association_constant [m^3/mol],
        viscosity, ...), applied on top of the model.

    Returns
    -------
    xarray.Dataset
        Over ``("concentration", "temperature")``: ``conductivity`` [S/m],
        ``salt_diffusivity`` [m^2/s], ``transference_number`` (t+^0, solvent frame),
        ``thermodynamic_factor`` (molal, ``attrs["basis"] = "molal"``),
        ``molar_thermodynamic_factor`` (1 + d ln y/d ln c, the one PyBaMM uses), ``molality``
        [mol/kg], ``viscosity`` [Pa s], ``free_fraction``, ``pair_fraction``,
        ``cluster_fraction`` (charged clusters: none in this chemical model),
        ``association_constant`` [m^3/mol], ``onsager_coefficient_molar`` [mol^2/(J m s)] over
        (species_i, species_j), and the carriers (``carrier_concentration``,
        ``carrier_diffusivity`` over ``carrier`` with ``carrier_charge``, ``n_cation``,
        ``n_anion``).

    Raises
    ------
    ParameterError
        Bad concentrations or temperatures, temperatures at or below the viscosity's Vogel
        temperature, a non-positive viscosity, a non-symmetric salt.

    Notes
    -----
    The chain and its approximations are in the module docstring. Everything is evaluated
    on the broadcast grid at once (no loop over states).
    """
    model = _resolve(electrolyte, parameters)
    c1, t1 = _grid(concentration, temperature, model)
    c, t = np.meshgrid(c1, t1, indexing="ij")
    out = _evaluate(model, c, t)
    dims = ("concentration", "temperature")
    zc = float(out["charges"][0])
    carrier_c = out["carrier_concentration"]
    carrier_d = out["carrier_diffusivity"]
    labels = ["free cation", "free anion", "ion pair"]
    n_cat, n_an = [1, 0, 1], [0, 1, 1]
    if model.carriers == "aggregation":
        labels += ["anion-rich triple (1+2-)", "cation-rich triple (2+1-)"]
        n_cat, n_an = n_cat + [1, 2], n_an + [2, 1]
    n_cat, n_an = np.array(n_cat), np.array(n_an)
    species = np.array(model.electrolyte.species, dtype=str)
    data = {
        "conductivity": (dims, out["conductivity"], "S/m", "ionic conductivity"),
        "salt_diffusivity": (
            dims,
            out["salt_diffusivity"],
            "m^2/s",
            "salt diffusion coefficient (solvent-velocity reference)",
        ),
        "transference_number": (
            dims,
            out["transference_number"],
            "1",
            "cation transference number t+^0 (solvent-velocity reference)",
        ),
        "thermodynamic_factor": (
            dims,
            out["tdf_molal"],
            "1",
            "thermodynamic factor 1 + d ln gamma_pm / d ln m (molal, Lewis–Randall)",
        ),
        "molar_thermodynamic_factor": (
            dims,
            out["tdf_molar"],
            "1",
            "thermodynamic factor 1 + d ln y_pm / d ln c (molar)",
        ),
        "molality": (dims, out["molality"], "mol/kg", "salt molality"),
        "viscosity": (dims, out["viscosity"], "Pa s", "solution viscosity"),
        "free_fraction": (dims, out["alpha"], "1", "fraction of free (unpaired) ions"),
        "free_anion_fraction": (
            dims,
            out["alpha_anion"],
            "1",
            "fraction of anions with no cation bonded",
        ),
        "pair_fraction": (dims, out["pair"], "1", "fraction of the salt in neutral ion pairs"),
        "cluster_fraction": (
            dims,
            out["cluster"],
            "1",
            "fraction of the cations in charged clusters of two or more ions "
            "(none in the pairing model)",
        ),
        "gel_fraction": (dims, out["gel"], "1", "fraction of the cations in the gel (immobile)"),
        "association_constant": (
            dims,
            out["association_constant"],
            "m^3/mol",
            "ion-pair association constant",
        ),
        "permittivity": (dims, out["permittivity"], "1", "solvent relative permittivity"),
        "onsager_coefficient_molar": (
            dims + ("species_i", "species_j"),
            out["onsager"],
            "mol^2/(J m s)",
            "Onsager transport coefficient L_ij (solvent frame)",
        ),
        "carrier_concentration": (
            dims + ("carrier",),
            carrier_c,
            "mol/m^3",
            "carrier concentration",
        ),
        "carrier_diffusivity": (dims + ("carrier",), carrier_d, "m^2/s", "carrier diffusivity"),
    }
    coords = {
        "concentration": ("concentration", c1, "mol/m^3", "salt concentration (molarity)"),
        "temperature": ("temperature", t1, "K", "temperature"),
        "species_i": ("species_i", species, "1", "first species of the pair"),
        "species_j": ("species_j", species, "1", "second species of the pair"),
        "carrier": ("carrier", np.array(labels), "1", "carrier"),
        "carrier_charge": (
            "carrier",
            zc * (n_cat - n_an).astype(float),
            "1",
            "net valence of the carrier",
        ),
        "n_cation": ("carrier", n_cat, "1", "cations in the carrier"),
        "n_anion": ("carrier", n_an, "1", "anions in the carrier"),
    }
    if model.carriers == "aggregation":
        chain = (
            f"Flory–Stockmayer clusters (f+ = {model.f_cation}, f- = {model.f_anion}; "
            "DH-corrected site constant K_pair y_f^2/(f+ f-)) -> Stokes–Einstein "
            "D_lm = kT/(6 pi eta r_lm), r_lm = (l r+^3 + m r-^3)^(1/3), in eta(c, T)"
        )
        extra = dict(out["aggregation"]["sums"].attrs())
        extra["carriers_listed"] = (
            "the carriers with l + m <= 3; L_ij sums every sol cluster (l, m) to the recorded "
            "truncation"
        )
        extra["max_gel_parameter"] = float(np.max(out["aggregation"]["gel_parameter"]))
    else:
        chain = "association (extended DH mass action) -> Stokes–Einstein in eta(c, T)"
        extra = {}
    ds = make_dataset(
        data,
        coords,
        model="transport.properties",
        parameters=model.parameters(),
        references=_REFERENCES,
        attrs={
            "chain": chain
            + (" + DHO corrections" if model.onsager_corrections else "")
            + " -> uncorrelated-carrier Onsager matrix -> concentrated solution theory",
            "carriers": model.carriers,
            "parameter_source": model.source or "given",
            **extra,
        },
    )
    ds["thermodynamic_factor"].attrs["basis"] = "molal"
    ds["molar_thermodynamic_factor"].attrs["basis"] = "molar"
    return ds


_REFERENCES = (
    "Fuoss, J. Am. Chem. Soc. 80, 5059 (1958), doi:10.1021/ja01552a016",
    "Onsager, Phys. Z. 28, 277 (1927)",
    "Newman & Thomas-Alyea, Electrochemical Systems, 3rd ed. (2004)",
    "Jones & Dole, J. Am. Chem. Soc. 51, 2950 (1929), doi:10.1021/ja01385a012",
)


def _resolve(electrolyte, parameters) -> TransportModel:
    if isinstance(electrolyte, TransportModel):
        return electrolyte.with_(**parameters) if parameters else electrolyte
    if not isinstance(electrolyte, Electrolyte):
        raise ParameterError(
            "electrolyte", "must be an Electrolyte or a TransportModel", electrolyte
        )
    if not parameters or set(parameters) == {"carriers"}:
        from ionscales.theory import transport_presets

        calibrated = transport_presets.calibrated(
            electrolyte.name, electrolyte, carriers=parameters.get("carriers", "pairing")
        )
        if calibrated is not None:
            return calibrated
        if parameters:  # carriers="aggregation" alone, and nothing calibrated to take
            raise ParameterError(
                "f_cation",
                f"no calibrated aggregation chain for {electrolyte.name!r}: give f_cation, "
                "f_anion (sites per ion) and the association_constant with carriers='aggregation'",
            )
    visc = {k: parameters.pop(k) for k in list(parameters) if k.startswith("viscosity_")}
    model = TransportModel(electrolyte, **parameters)
    return model.with_(**visc) if visc else model


def onsager_from_carriers(carriers: xr.Dataset, *, temperature=None) -> np.ndarray:
    """Onsager matrix (cation, anion) [mol^2/(J m s)] of uncorrelated carriers.

    Each carrier species c (n_+ cations, n_- anions, molarity c_c [mol/m^3], diffusivity
    D_c [m^2/s]) adds ``n_i n_j c_c D_c / (R T)`` to ``L_ij`` (the link of the chain used by
    :func:`properties` for free ions and pairs, here for any carriers Dataset, e.g. an
    aggregation model's ``effective_carriers``: the gel is immobile and absent). Carriers
    move independently: cross-correlations between different carriers are neglected.

    Parameters
    ----------
    carriers : xarray.Dataset
        With ``carrier_concentration``, ``carrier_diffusivity`` over ``carrier`` (other
        dims broadcast) and ``n_cation``, ``n_anion`` coordinates.
    temperature : float, optional
        [K] (default: ``carriers.attrs["temperature"]``).

    Returns
    -------
    ndarray
        Shape ``(..., 2, 2)`` over the carriers' other dims.
    """
    need = ("carrier_concentration", "carrier_diffusivity", "n_cation", "n_anion")
    if not isinstance(carriers, xr.Dataset) or any(k not in carriers for k in need):
        raise ParameterError("carriers", f"must be a Dataset with {', '.join(need)}")
    if temperature is None:
        if "temperature" not in carriers.attrs:
            raise ParameterError(
                "temperature", "not recorded in the carriers; pass temperature= [K]"
            )
        temperature = float(carriers.attrs["temperature"])
    t = _finite("temperature", temperature, "K", positive=True)
    flux = (carriers["carrier_concentration"] * carriers["carrier_diffusivity"]).transpose(
        ..., "carrier"
    )
    cd = flux.values / (gas_constant * t)
    n = np.stack(
        [carriers["n_cation"].values.astype(float), carriers["n_anion"].values.astype(float)]
    )
    return np.einsum("ic,jc,...c->...ij", n, n, cd)
