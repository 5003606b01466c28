"""The aggregation models: frozen dataclasses sharing one base, :class:`AggregationModel`.

:class:`Aggregation` (cations and anions only), :class:`SolvatedAggregation` (cation sites
also bind solvent; sticky-cation limit) and :class:`SaltInIonicLiquid` (alkali salt in an
ionic liquid sharing the anion). Each model turns a state (concentration, molality, volume
fraction or salt fraction) into a :class:`~ionscales.theory.aggregation.Composition`, solves
its mass-action law (kernels) and returns an
:class:`~ionscales.theory.aggregation.AggregationState` (:meth:`AggregationModel.state`) or
a labelled Dataset (:meth:`AggregationModel.solve`).

Adding a model: subclass :class:`AggregationModel` (``@dataclass(frozen=True)``; it registers
itself in :data:`MODELS`), declare
its extra fields, ``state_variables``, ``default_state``, ``model_name``, and implement
``_probabilities`` (and ``_residuals`` if its mass-action law differs).
"""

from __future__ import annotations

import dataclasses
import functools
import math
from collections.abc import Callable
from dataclasses import KW_ONLY, dataclass, field
from typing import Any, ClassVar

import numpy as np
import xarray as xr
from scipy.optimize import brentq

from ionscales.constants import avogadro, gas_constant
from ionscales.electrolyte import Electrolyte
from ionscales.errors import ConvergenceError, ParameterError
from ionscales.results import make_dataset, solver_attrs
from ionscales.theory.aggregation.checks import (
    check_grid,
    finite_scalar,
    functionality,
    positive_scalar,
    state_array,
)
from ionscales.theory.aggregation.kernels import (
    binary_probabilities,
    cluster_distribution,
    mobility_weighted_charge,
    pair_to_site_constant,
    site_to_pair_constant,
    solvated_probabilities,
    sticky_probabilities,
    stockmayer_log_weight_grid,
    stokes_einstein,
)
from ionscales.theory.aggregation.state import AggregationState, Composition
from ionscales.theory.aggregation.sums import (
    DEFAULT_SIZE_LIMIT,
    DEFAULT_TOLERANCE,
    converged_cluster_sums,
)
from ionscales.units import L
from ionscales.validation import as_float_array, check_integer, check_probability, check_quantity

__all__ = [
    "AggregationModel",
    "Aggregation",
    "SolvatedAggregation",
    "SaltInIonicLiquid",
    "REFERENCES",
    "SIIL_REFERENCE",
    "CHECK_TOLERANCE",
]

REFERENCES = (
    "M. McEldrew, Z.A.H. Goodwin, S. Bi, M.Z. Bazant, A.A. Kornyshev, J. Chem. Phys. 152, "
    "234506 (2020), doi:10.1063/5.0006197",
    "M. McEldrew, Z.A.H. Goodwin, S. Bi, A.A. Kornyshev, M.Z. Bazant, J. Electrochem. Soc. 168, "
    "050514 (2021), doi:10.1149/1945-7111/abf975",
    "P.J. Flory, J. Am. Chem. Soc. 63, 3083 (1941), doi:10.1021/ja01856a061",
    "W.H. Stockmayer, J. Chem. Phys. 11, 45 (1943); 12, 125 (1944)",
)
SIIL_REFERENCE = (
    "M. McEldrew, Z.A.H. Goodwin, N. Molinari, B. Kozinsky, A.A. Kornyshev, M.Z. Bazant, "
    "J. Phys. Chem. B 125, 13752 (2021), doi:10.1021/acs.jpcb.1c05546"
)

#: tolerance on the mass-action and bond-balance residuals of every returned state
CHECK_TOLERANCE = 1e-9

_STATE_NAMES = ("concentration", "molality", "volume_fraction", "salt_fraction")


#: model classes by name (the presets name their model class); every subclass of
#: :class:`AggregationModel` registers itself here on definition
MODELS: dict[str, type[AggregationModel]] = {}


@dataclass(frozen=True)
class AggregationModel:
    """Shared fields and machinery of the aggregation models (solve, gel point, carriers).

    Parameters
    ----------
    f_cation, f_anion : int
        Functionalities (association sites per ion) f+, f- [1], whole numbers 1..2**53.
    association : float
        Dimensionless lattice (site/bond) association constant Lambda [1], finite, >= 0.
    xi_cation, xi_anion : float
        Ion volumes in lattice sites [1] (default 1), > 0.
    site_volume : float, optional
        Fixed lattice site volume v0 [m^3]. Default: the solution volume over the number of
        lattice sites at each state point (McEldrew et al. 2021: v0 = V_box / Omega), from
        the electrolyte's molality <-> molarity conversion (its density data).
    electrolyte : Electrolyte, optional
        Charges, stoichiometry, solvent data (viscosity, molar mass, density).
    temperature : float
        Reference temperature of ``association`` [K] (default 298.15).
    association_enthalpy : float
        Association enthalpy dH [J/mol] for Lambda(T) (default 0).
    solvent_molar_mass : float, optional
        [kg/mol], for molality input (default: the electrolyte's solvent).
    """

    f_cation: int
    f_anion: int
    association: float
    _: KW_ONLY
    xi_cation: float = 1.0
    xi_anion: float = 1.0
    site_volume: float | None = None
    electrolyte: Electrolyte | None = None
    temperature: float = 298.15
    association_enthalpy: float = 0.0
    solvent_molar_mass: float | None = None

    state_variables: ClassVar[tuple[str, ...]] = ("concentration", "volume_fraction")
    default_state: ClassVar[str] = "volume_fraction"
    model_name: ClassVar[str] = "aggregation"

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        MODELS[cls.__name__] = cls

    def __post_init__(self):
        if type(self) is AggregationModel:
            raise TypeError(
                "AggregationModel is the shared base; use Aggregation, SolvatedAggregation "
                "or SaltInIonicLiquid (or a subclass with its own mass-action law)"
            )
        set_ = object.__setattr__
        set_(self, "f_cation", functionality("f_cation", self.f_cation))
        set_(self, "f_anion", functionality("f_anion", self.f_anion))
        # dimensionless lattice constant (convert a molar K_A with lattice_association)
        set_(
            self,
            "association",
            check_quantity("association", self.association, low=0.0, scalar=True),
        )
        for name in ("xi_cation", "xi_anion"):
            set_(self, name, positive_scalar(name, getattr(self, name), "lattice sites"))
        if self.site_volume is not None:
            set_(self, "site_volume", positive_scalar("site_volume", self.site_volume, "m^3"))
            if self.site_volume > 1e-24:
                raise ParameterError(
                    "site_volume",
                    "must be in m^3 (a molecular volume, < 1e-24 m^3)",
                    self.site_volume,
                )
        if self.electrolyte is not None and not isinstance(self.electrolyte, Electrolyte):
            raise ParameterError("electrolyte", "must be an Electrolyte or None", self.electrolyte)
        set_(self, "temperature", positive_scalar("temperature", self.temperature, "K"))
        set_(
            self,
            "association_enthalpy",
            finite_scalar("association_enthalpy", self.association_enthalpy, "J/mol"),
        )
        if self.solvent_molar_mass is not None:
            set_(
                self,
                "solvent_molar_mass",
                positive_scalar("solvent_molar_mass", self.solvent_molar_mass, "kg/mol"),
            )

    # -- parameters ---------------------------------------------------------------------
    @property
    def lattice_site_volume(self) -> float:
        """Reference site volume v0 [m^3]: the given ``site_volume``, else the solvent molecular
        volume (the dilute limit of the state-dependent v0); NaN if unknown."""
        if self.site_volume is not None:
            return self.site_volume
        if self.electrolyte is not None:
            s = self.electrolyte.solvent
            if s.density is not None and s.molar_mass is not None:
                return s.molecular_volume
        return float("nan")

    @property
    def site_association_constant(self) -> float:
        """Molar site (bond) constant K_site = N_A v0 Lambda [m^3/mol] at the reference
        site volume (NaN without one). For the sticky model it converts the ratio Lambda~."""
        v0 = self.lattice_site_volume
        return float(self.association * avogadro * v0) if np.isfinite(v0) else float("nan")

    @property
    def pair_association_constant(self) -> float:
        """Molar ion-pair constant K_pair = c_11 / (c_10 c_01) = N_A v0 f+ f- Lambda [m^3/mol]
        (the constant conductance or spectroscopy measure); NaN without a site volume."""
        site = self.site_association_constant
        if not np.isfinite(site):
            return float("nan")
        return site_to_pair_constant(site, f_cation=self.f_cation, f_anion=self.f_anion)

    @property
    def association_constant(self) -> float:
        """The site (bond) constant N_A v0 Lambda [m^3/mol] (same as
        :attr:`site_association_constant`; for f+ f- > 1 the ion-pair constant is
        :attr:`pair_association_constant`, f+ f- times larger)."""
        return self.site_association_constant

    @classmethod
    def association_from_pair_constant(
        cls, pair_constant, *, site_volume, f_cation, f_anion
    ) -> float:
        """Lambda [1] from a molar ion-pair constant [m^3/mol] (Lambda = K_pair / (N_A v0 f+ f-))."""
        site = pair_to_site_constant(pair_constant, f_cation=f_cation, f_anion=f_anion)
        return float(site / (avogadro * positive_scalar("site_volume", site_volume, "m^3")))

    @property
    def charges(self) -> tuple[float, float]:
        """Valences of the associating cation and anion (from the electrolyte; else +1, -1)."""
        if self.electrolyte is not None:
            return float(self.electrolyte.cation.charge), float(self.electrolyte.anion.charge)
        return 1.0, -1.0

    @property
    def stoichiometry(self) -> tuple[float, float]:
        """Associating cations and anions per salt formula unit."""
        if self.electrolyte is not None and self.electrolyte.is_binary:
            return float(self.electrolyte.nu[0]), float(self.electrolyte.nu[1])
        return 1.0, 1.0

    def association_at(self, temperature):
        """Lambda(T) = Lambda(T_ref) exp[-(dH/R)(1/T - 1/T_ref)] (van 't Hoff) [1].

        ``T_ref`` is the model's ``temperature`` and ``dH`` its ``association_enthalpy``
        [J/mol] (negative: association weakens on heating).
        """
        t = check_quantity("temperature", temperature, unit="K", low=0.0, low_inclusive=False)
        return self.association * np.exp(
            -(self.association_enthalpy / gas_constant) * (1 / t - 1 / self.temperature)
        )

    def solvent_molar_mass_in_use(self) -> float:
        """Solvent molar mass [kg/mol] used for molality: ``solvent_molar_mass`` or the
        electrolyte's solvent (ParameterError if neither is known)."""
        return self._molar_mass_solvent()

    def _molar_mass_solvent(self):
        if self.solvent_molar_mass is not None:
            return self.solvent_molar_mass
        if self.electrolyte is not None and self.electrolyte.solvent.molar_mass is not None:
            return self.electrolyte.solvent.molar_mass
        raise ParameterError(
            "molality",
            "needs the solvent molar mass: give solvent_molar_mass= or an "
            "electrolyte whose Solvent has molar_mass",
        )

    def describe(self) -> dict[str, Any]:
        """The model's parameters as a netCDF-safe dict (for Dataset attrs)."""
        out = {
            f.name: getattr(self, f.name)
            for f in dataclasses.fields(self)
            if f.name != "electrolyte"
        }
        out["electrolyte"] = None if self.electrolyte is None else self.electrolyte.name
        out["lattice_site_volume"] = self.lattice_site_volume
        out["site_association_constant"] = self.site_association_constant
        out["pair_association_constant"] = self.pair_association_constant
        out["site_association_constant_L_per_mol"] = self.site_association_constant / L
        out["pair_association_constant_L_per_mol"] = self.pair_association_constant / L
        return out

    def references(self) -> tuple[str, ...]:
        """Literature of the model (DOIs)."""
        return REFERENCES

    # -- composition ---------------------------------------------------------------------
    def composition(self, **state) -> Composition:
        """The lattice composition of a state given by exactly one state variable.

        Parameters
        ----------
        **state
            One of the model's ``state_variables`` (e.g. ``molality=[5, 10]`` [mol/kg],
            ``concentration=`` [mol/m^3], ``volume_fraction=`` [1], ``salt_fraction=`` [1]).
        """
        given = {k: v for k, v in state.items() if v is not None}
        if len(given) != 1:
            raise ParameterError(
                "state", f"give exactly one of {', '.join(self.state_variables)}", sorted(given)
            )
        ((name, value),) = given.items()
        if name not in self.state_variables:
            raise ParameterError(
                name,
                f"is not a state variable of {type(self).__name__}; use one of "
                f"{', '.join(self.state_variables)}",
            )
        comp = self._composition_from(name, value)
        return dataclasses.replace(comp, scalar=np.ndim(value) == 0)

    def _molar_scale(self, salt, molality):
        """Site volume v0 [m^3] per state: fixed, else V_solution / Omega from the electrolyte's
        molarity of ``molality`` (NaN where neither is known)."""
        n = np.shape(salt)
        if self.site_volume is not None:
            return np.full(n, self.site_volume)
        v_ref = self.lattice_site_volume
        if molality is None or self.electrolyte is None or not np.isfinite(v_ref):
            return np.full(n, v_ref)
        try:
            finite = np.isfinite(molality) & (molality > 0)
            c = np.asarray(self.electrolyte.molarity(np.where(finite, molality, 0.0)), float)
        except ParameterError:
            # no salt molar mass: the lattice of solvent-molecule sites is the only scale
            return np.full(n, v_ref)
        with np.errstate(invalid="ignore", divide="ignore"):
            # c_salt = salt per site / (N_A v0)  ->  v0 = salt / (N_A c_salt)
            v0 = np.where(finite & (c > 0), salt / (avogadro * np.where(c > 0, c, 1.0)), v_ref)
        return v0

    def _salt_from_molality(self, molality):
        nu_c, nu_a = self.stoichiometry
        xi_salt = nu_c * self.xi_cation + nu_a * self.xi_anion
        mw = self._molar_mass_solvent()
        # per kg of solvent: 1/M_w solvent sites and (nu+ xi+ + nu- xi-) m salt sites
        return molality / (1 / mw + xi_salt * molality)

    def _composition_from(self, name, value) -> Composition:
        nu_c, nu_a = self.stoichiometry
        xi_salt = nu_c * self.xi_cation + nu_a * self.xi_anion
        molality = None
        if name == "concentration":
            vals, _ = state_array("concentration", value)
            if not np.all(np.isfinite(vals)):
                raise ParameterError("concentration", "must be finite [mol/m^3]", value)
            if self.site_volume is not None:
                v0 = np.full(vals.shape, self.site_volume)
                salt = vals * avogadro * v0
                if np.any(xi_salt * salt > 1 + 1e-12):
                    raise ParameterError(
                        "concentration",
                        f"exceeds the close-packed salt "
                        f"({1 / (xi_salt * avogadro * self.site_volume):.6g} mol/m^3 "
                        "on this lattice)",
                        value,
                    )
            else:
                if self.electrolyte is None or not np.isfinite(self.lattice_site_volume):
                    raise ParameterError(
                        "concentration",
                        "needs a lattice site volume: give site_volume= "
                        "[m^3] or an electrolyte whose solvent has density and molar_mass",
                    )
                try:
                    molality = np.asarray(self.electrolyte.molality(vals), float)
                except ParameterError:
                    molality = None
                if molality is None:
                    v0 = np.full(vals.shape, self.lattice_site_volume)
                    salt = vals * avogadro * v0
                else:
                    if not np.all(np.isfinite(molality)) or np.any(molality < 0):
                        raise ParameterError(
                            "concentration",
                            "exceeds the electrolyte's molality <-> "
                            "molarity range (its density data)",
                            value,
                        )
                    salt = self._salt_from_molality(molality)
                    with np.errstate(invalid="ignore", divide="ignore"):
                        # v0 = salt per site / (N_A c), exact for the given molarity
                        v0 = np.where(
                            vals > 0,
                            salt / (avogadro * np.where(vals > 0, vals, 1.0)),
                            self.lattice_site_volume,
                        )
            phi_salt = xi_salt * salt
            if np.any(phi_salt > 1 + 1e-12):
                raise ParameterError(
                    "concentration", "exceeds the close-packed salt of the lattice", value
                )
        elif name == "volume_fraction":
            vals, _ = state_array("volume_fraction", value, upper=1.0)
            salt = vals / xi_salt
            phi_0 = np.clip(1 - vals, 0.0, 1.0)
            molality = self._molality_from_phi(phi_0, salt)
            v0 = functools.partial(self._molar_scale, salt, molality)
        elif name == "molality":
            vals, _ = state_array("molality", value)
            if not np.all(np.isfinite(vals)):
                raise ParameterError("molality", "must be finite [mol/kg]", value)
            salt = self._salt_from_molality(vals)
            molality = vals
            v0 = functools.partial(self._molar_scale, salt, molality)
        else:  # guarded by composition()
            raise ParameterError(name, "unknown state variable")
        phi_c = nu_c * self.xi_cation * salt
        phi_a = nu_a * self.xi_anion * salt
        phi_0 = np.clip(1 - phi_c - phi_a, 0.0, 1.0)
        if molality is None:
            molality = self._molality_from_phi(phi_0, salt)
        zero = np.zeros_like(salt)
        return Composition(
            name, vals, phi_c, phi_a, phi_0, zero, nu_c * salt, nu_a * salt, zero, v0, molality
        )

    def _molality_from_phi(self, phi_0, salt):
        """Molality [mol/kg] from solvent sites per salt unit (None without a solvent molar mass)."""
        try:
            mw = self._molar_mass_solvent()
        except ParameterError:
            return None
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(phi_0 > 0, salt / (np.where(phi_0 > 0, phi_0, 1.0) * mw), np.inf)

    # -- probabilities (overridden) -------------------------------------------------------
    def _probabilities(self, comp: Composition, association) -> dict[str, Any]:
        raise NotImplementedError

    def _residuals(self, comp, probs):
        psi_c = self.f_cation * comp.c_cation
        psi_a = self.f_anion * comp.c_anion
        pc, pa = probs["p_cation"], probs["p_anion"]
        lam = probs["association"]
        scale = np.maximum(np.maximum(psi_c * pc, psi_a * pa), 1e-300)
        bond = np.abs(psi_c * pc - psi_a * pa) / np.where(scale > 1e-300, scale, 1.0)
        bond = np.where(scale > 1e-300, bond, 0.0)
        u = probs.get("q_cation", 1 - pc)
        qa = probs.get("q_anion", 1 - pa)
        # Lambda psi+ (1 - p+)(1 - p-) = p-, relative to the larger side
        lhs = lam * psi_c * u * qa
        mass = np.abs(lhs - pa) / np.maximum(np.maximum(lhs, pa), 1.0)
        comp_err = np.maximum(np.abs(u + pc - 1), np.abs(qa + pa - 1))
        return np.maximum.reduce([bond, mass, comp_err])

    # -- the state ------------------------------------------------------------------------
    def state(
        self, composition: Composition | None = None, *, temperature=None, association=None, **state
    ) -> AggregationState:
        """The full association state (probabilities, free/sol/gel fractions, sizes).

        Parameters
        ----------
        composition : Composition, optional
            A composition from :meth:`composition`; otherwise give one state variable.
        temperature : float or array_like, optional
            [K]; the association follows :meth:`association_at` (a 1-D array with a scalar
            state sweeps the temperature).
        association : float or array_like, optional
            Lambda [1] replacing the model's (per state point).
        **state
            One state variable (see :meth:`composition`).

        Returns
        -------
        AggregationState
            Checked: every point obeys the mass-action law and the bond balance to
            ``CHECK_TOLERANCE`` (ConvergenceError otherwise).
        """
        comp = self.composition(**state) if composition is None else composition
        if temperature is not None:
            t = check_quantity("temperature", temperature, unit="K", low=0.0, low_inclusive=False)
            if t.ndim == 1 and comp.scalar:
                comp = comp.repeated(t)
            elif t.ndim > 1 or (t.ndim == 1 and t.size not in (1, comp.size)):
                raise ParameterError(
                    "temperature", "must be a scalar or match the state array", temperature
                )
        if association is None:
            association = (
                self.association if temperature is None else self.association_at(temperature)
            )
        lam = np.broadcast_to(np.asarray(association, dtype=float), comp.values.shape)
        probs = self._probabilities(comp, lam)
        probs["association"] = lam
        res = self._residuals(comp, probs)
        worst = float(np.max(res, initial=0.0))
        if not worst <= CHECK_TOLERANCE:
            raise ConvergenceError(
                "association probabilities violate the mass-action law or the bond balance",
                residual=worst,
            )
        probs.pop("association")
        return AggregationState.from_probabilities(
            comp,
            f_cation=self.f_cation,
            f_anion=self.f_anion,
            charges=self.charges,
            association=lam,
            residual=worst,
            temperature=temperature,
            **probs,
        )

    def solve(
        self,
        *,
        concentration=None,
        molality=None,
        volume_fraction=None,
        salt_fraction=None,
        temperature=None,
        max_size: int = 50,
        resolve_solvent: bool = False,
    ) -> xr.Dataset:
        """Association probabilities, free fractions, gel and cluster distribution.

        Give exactly one state variable (the result's dimension is named after it).

        Parameters
        ----------
        concentration : float or array_like, optional
            Salt molarity [mol/m^3] (needs a site volume or the electrolyte's density data).
        molality : float or array_like, optional
            Salt molality [mol/kg] (needs the solvent molar mass).
        volume_fraction : float or array_like, optional
            Volume fraction of the salt (cations + anions) [1].
        salt_fraction : float or array_like, optional
            Mole fraction of alkali salt among all salts [1] (:class:`SaltInIonicLiquid`).
        temperature : float or array_like, optional
            [K]; the association constant follows :meth:`association_at`.
        max_size : int
            Largest l and m of the tabulated cluster distribution (default 50); the
            fraction of sol cations beyond it is ``truncated_cation_fraction``.
        resolve_solvent : bool
            Add the ``n_solvent`` dimension to ``cluster_concentration`` (solvated models).

        Returns
        -------
        xarray.Dataset
            p_cation, p_anion (and p_cation_solvent, p_solvent), free fractions, gel
            fractions, sol probabilities, ion-pair fraction, average sizes,
            ``cluster_concentration`` [mol/m^3] over (state, n_cation, n_anion[, n_solvent])
            (a scalar state gives no state dimension; sol only, (0, 0) = 0), the charge
            distribution of the sol clusters, total concentrations, the site volume;
            attrs converged/iterations/residual (the worst mass-action or bond-balance
            residual of the returned states).
        """
        max_size = check_integer("max_size", max_size, minimum=1)
        st = self.state(
            temperature=temperature,
            concentration=concentration,
            molality=molality,
            volume_fraction=volume_fraction,
            salt_fraction=salt_fraction,
        )
        ds = self._dataset(st, max_size=max_size, resolve_solvent=resolve_solvent)
        comp = st.composition
        return ds.isel({comp.variable: 0}) if comp.scalar else ds

    def _dataset(self, st: AggregationState, *, max_size, resolve_solvent) -> xr.Dataset:
        comp = st.composition
        check_grid(comp.size, max_size)
        dim = comp.variable
        clusters_site = st.cluster_distribution(max_size)
        has_molar = comp.has_molar_scale
        unit_clusters = "mol/m^3" if has_molar else "1"

        def molar(x):
            return comp.molar(x) if has_molar else np.asarray(x)

        clusters = molar(clusters_site)
        z_c, z_a = st.charges
        l_idx = np.arange(max_size + 1)
        m_idx = np.arange(max_size + 1)
        charge = (l_idx[:, None] * z_c + m_idx[None, :] * z_a).astype(int)
        q_values = np.arange(charge.min(), charge.max() + 1)
        n_states = comp.size
        index = (
            np.arange(n_states)[:, None] * q_values.size
            + (charge.reshape(-1) - q_values[0])[None, :]
        )
        charge_dist = np.bincount(
            index.ravel(),
            weights=clusters.reshape(n_states, -1).ravel(),
            minlength=n_states * q_values.size,
        ).reshape(n_states, q_values.size)
        with np.errstate(invalid="ignore", divide="ignore"):
            truncated = 1 - (clusters_site * l_idx[None, :, None]).sum(axis=(1, 2)) / (
                comp.c_cation * st.sol_cation
            )
        no_cations = comp.c_cation <= 0
        if np.any(no_cations):
            # c_lm / c+ (l >= 1) does not depend on c+ at fixed p's: the c+ -> 0 limit of the
            # truncated fraction is that of a unit cation concentration (0 when p = 0)
            idx = np.flatnonzero(no_cations)
            unit = cluster_distribution(
                np.ones(idx.size),
                np.zeros(idx.size),
                st.p_cation[idx],
                st.p_anion[idx],
                f_cation=st.f_cation,
                f_anion=st.f_anion,
                max_cation=max_size,
                max_anion=max_size,
                q_cation=st.q_cation[idx],
                q_anion=st.q_anion[idx],
            )
            with np.errstate(invalid="ignore", divide="ignore"):
                truncated[idx] = (
                    1 - (unit * l_idx[None, :, None]).sum(axis=(1, 2)) / (st.sol_cation[idx])
                )
        data: dict[str, Any] = {
            "p_cation": (dim, st.p_cation),
            "p_anion": (dim, st.p_anion),
            "p_cation_sol": (dim, st.p_cation_sol),
            "p_anion_sol": (dim, st.p_anion_sol),
            "association": (dim, st.association),
            "free_cation_fraction": (dim, st.free_cation_fraction),
            "free_anion_fraction": (dim, st.free_anion_fraction),
            "ion_pair_fraction": (dim, st.ion_pair_fraction),
            "gel_parameter": (dim, st.gel_parameter),
            "gel_fraction_cation": (dim, 1 - st.sol_cation),
            "gel_fraction_anion": (dim, 1 - st.sol_anion),
            "number_average_size": (dim, st.number_average_size),
            "weight_average_size": (dim, st.weight_average_size),
            "volume_fraction_cation": (dim, comp.phi_cation),
            "volume_fraction_anion": (dim, comp.phi_anion),
            "volume_fraction_solvent": (dim, comp.phi_solvent),
            "cation_concentration": (dim, molar(comp.c_cation), unit_clusters),
            "anion_concentration": (dim, molar(comp.c_anion), unit_clusters),
            "truncated_cation_fraction": (dim, truncated),
            "cluster_charge_concentration": ((dim, "cluster_charge"), charge_dist, unit_clusters),
        }
        if has_molar:
            data["site_volume"] = (
                dim,
                comp.site_volume,
                "m^3",
                "lattice site volume (solution volume over lattice sites)",
            )
        if st.solvated:
            data["p_cation_solvent"] = (dim, st.p_cation_solvent)
            data["p_solvent"] = (dim, st.p_solvent)
            data["bare_cation_fraction"] = (dim, st.bare_cation_fraction)
            data["free_solvent_fraction"] = (dim, 1 - st.p_solvent)
        if np.any(comp.c_inert > 0):
            data["inert_cation_concentration"] = (dim, molar(comp.c_inert), unit_clusters)
        coords: dict[str, Any] = {
            dim: (dim, comp.values),
            "n_cation": ("n_cation", l_idx),
            "n_anion": ("n_anion", m_idx),
            "cluster_charge": ("cluster_charge", q_values),
        }
        if resolve_solvent and st.solvated:
            solvent_dist = st.solvent_resolved(clusters)
            data["cluster_concentration"] = (
                (dim, "n_cation", "n_anion", "n_solvent"),
                solvent_dist,
                unit_clusters,
            )
            coords["n_solvent"] = ("n_solvent", np.arange(solvent_dist.shape[-1]))
        else:
            data["cluster_concentration"] = ((dim, "n_cation", "n_anion"), clusters, unit_clusters)
        if dim != "concentration" and has_molar and "concentration" in self.state_variables:
            nu_c = self.stoichiometry[0]
            data["concentration"] = (dim, molar(comp.c_cation) / nu_c)
        if dim != "molality" and comp.molality is not None:
            data["molality"] = (dim, comp.molality)
        if st.temperature is not None and dim != "temperature":
            data["temperature"] = (dim, st.temperature)
        if dim == "temperature":
            data[comp.swept_from] = (dim, np.full(comp.values.shape, comp.swept_value))
        attrs = solver_attrs(
            converged=True,
            iterations=int(st.iterations),
            residual=float(st.residual),
            max_size=max_size,
        )
        attrs["f_cation"] = self.f_cation
        attrs["f_anion"] = self.f_anion
        v0 = comp.site_volume
        attrs["site_volume"] = (
            float(v0[0])
            if has_molar and np.all(v0 == v0[0])
            else (float("nan") if not has_molar else "per state (variable site_volume)")
        )
        attrs["site_volume_rule"] = self._site_volume_rule()
        attrs["free_cation_definition"] = "cations with no anion bonded, (1 - p_cation)^f_cation"
        return make_dataset(
            data,
            coords,
            model=self.model_name,
            parameters=self.describe(),
            references=self.references(),
            attrs=attrs,
        )

    def _site_volume_rule(self) -> str:
        if self.site_volume is not None:
            return "fixed site_volume"
        if self.electrolyte is None:
            return "none (no molar scale)"
        return (
            "solution volume over lattice sites, v0 = V / Omega, from the electrolyte's "
            "molality <-> molarity conversion (its density data)"
        )

    # -- gel point ------------------------------------------------------------------------
    def gel_point(self, variable: str | None = None, *, bracket=None, **fixed) -> float:
        """Value of ``variable`` at which (f+ - 1)(f- - 1) p+ p- = 1 (the gel point).

        Parameters
        ----------
        variable : str, optional
            "molality" [mol/kg], "concentration" [mol/m^3], "volume_fraction",
            "salt_fraction", "association" (Lambda [1]) or "temperature" [K] (through
            ``association_enthalpy``). Default (None): the model's natural state variable
            (molality for :class:`SolvatedAggregation` when possible).
        bracket : (float, float), optional
            Search interval (a default covering the model's range is used otherwise).
        **fixed
            The state when ``variable`` is "association" or "temperature" (e.g.
            ``molality=15``), and ``temperature=`` for composition variables.

        Returns
        -------
        float
            The gel point (ParameterError if the model cannot gel or no gel point lies in the
            bracket).
        """
        if self.f_cation == 1 or self.f_anion == 1:
            raise ParameterError(
                "f_cation/f_anion",
                "a functionality of 1 terminates every branch: this model never gels",
            )
        options = (*self.state_variables, "association", "temperature")
        if variable is None:
            variable = self._default_gel_variable()
        if not isinstance(variable, str) or variable not in options:
            raise ParameterError(
                "variable",
                f"must be one of {', '.join(options)} (or None for the default)",
                variable,
            )

        if (
            variable == "concentration"
            and bracket is None
            and self.site_volume is None
            and "molality" in self.state_variables
        ):
            # the composition is a function of molality: solve there, convert the root once
            m_gel = self.gel_point("molality", **fixed)
            comp = self._composition_from("molality", np.array([m_gel]))
            return float(comp.molar(comp.c_cation)[0] / self.stoichiometry[0])
        if variable in self.state_variables:
            temperature = fixed.pop("temperature", None)
            if fixed:
                raise ParameterError("fixed", f"unexpected options {sorted(fixed)}")

            def excess(x):
                comp = self._composition_from(variable, np.array([x]))
                st = self.state(comp, temperature=temperature)
                return float(st.gel_parameter[0] - 1)

            lo, hi = bracket if bracket is not None else self._default_bracket(variable)
        else:
            comp = self.composition(**{k: fixed.pop(k, None) for k in self.state_variables})
            if comp.size != 1:
                raise ParameterError("fixed", "the state must be a single point", comp.values)
            temperature = fixed.pop("temperature", None) if variable == "association" else None
            if fixed:
                raise ParameterError("fixed", f"unexpected options {sorted(fixed)}")

            def excess(x):
                lam = x if variable == "association" else self.association_at(x)
                st = self.state(comp, association=np.atleast_1d(lam), temperature=temperature)
                return float(st.gel_parameter[0] - 1)

            if bracket is None:
                bracket = (
                    (1e-12, 1e12)
                    if variable == "association"
                    else (self.temperature / 3, 3 * self.temperature)
                )
            lo, hi = bracket
        lo, hi = float(lo), float(hi)
        if not (0 < lo < hi) or not math.isfinite(hi):
            raise ParameterError("bracket", "must be (low, high) with 0 < low < high", bracket)
        flo, fhi = excess(lo), excess(hi)
        if flo == 0:
            return lo
        if fhi == 0:
            return hi
        if np.sign(flo) == np.sign(fhi):
            raise ParameterError(
                "bracket",
                f"no gel point of {variable} in [{lo:g}, {hi:g}] "
                f"(gel parameter - 1 = {flo:.3g} and {fhi:.3g} at the ends)",
            )
        # every gel variable is positive: solve in its logarithm (uniform relative accuracy)
        root = brentq(
            lambda t: excess(math.exp(t)),
            math.log(lo),
            math.log(hi),
            xtol=1e-14,
            rtol=1e-15,
            maxiter=300,
        )
        return float(math.exp(root))

    def _default_gel_variable(self):
        return self.default_state

    def _default_bracket(self, variable):
        nu_c, nu_a = self.stoichiometry
        xi_salt = nu_c * self.xi_cation + nu_a * self.xi_anion
        s_max = self._max_salt_per_site() * (1 - 1e-9)
        if variable == "molality":
            mw = self._molar_mass_solvent()
            return (1e-9, float(s_max / (mw * (1 - xi_salt * s_max))))
        if variable == "concentration":
            if self.site_volume is not None:
                return (1e-12, s_max / (avogadro * self.site_volume))
            # the largest molality of the lattice, through the model's own molar scale
            mw = self._molar_mass_solvent()
            m_hi = float(s_max / (mw * (1 - xi_salt * s_max)))
            comp = self._composition_from("molality", np.array([m_hi]))
            c_hi = float(comp.molar(comp.c_cation)[0] / nu_c)
            return (1e-12, c_hi * (1 - 1e-9))
        return (1e-12, min(1.0, xi_salt * s_max))

    def _max_salt_per_site(self):
        nu_c, nu_a = self.stoichiometry
        return 1 / (nu_c * self.xi_cation + nu_a * self.xi_anion)

    # -- effective carriers ----------------------------------------------------------------
    def effective_carriers(
        self,
        *,
        concentration=None,
        molality=None,
        volume_fraction=None,
        salt_fraction=None,
        temperature=None,
        max_size: int = 20,
        diffusivity: str | float | Callable = "stokes-einstein",
        viscosity: float | None = None,
        min_concentration: float = 0.0,
        tolerance: float = DEFAULT_TOLERANCE,
        size_limit: int = DEFAULT_SIZE_LIMIT,
    ) -> xr.Dataset:
        """Every sol cluster species as a charge carrier, at ONE state point.

        Parameters
        ----------
        concentration, molality, volume_fraction, salt_fraction : float
            One state variable (scalar).
        temperature : float, optional
            [K] (default: the model's reference temperature).
        max_size : int
            Starting largest l and m (default 20); grown (doubled) until the fraction of
            ions beyond it and every carrier sum (conductivity, transference, effective
            charge, self-diffusion, ionic strength) converge to ``tolerance``.
        diffusivity : "stokes-einstein", float or callable
            Rule for the carrier diffusivity [m^2/s]: "stokes-einstein" (default) uses
            D = kT/(3 pi eta d) with the carrier diameter d of an equal-volume sphere of the
            cluster volume v0 (xi+ l + xi- m + s) (s = mean bound solvent) and the viscosity
            ``viscosity`` (default: the electrolyte's solvent viscosity); a float gives every
            carrier the same D; a callable ``f(n_cation, n_anion, diameter, temperature)``
            returns D for arrays of carriers.
        viscosity : float, optional
            [Pa s] for Stokes–Einstein.
        min_concentration : float
            Carriers below this concentration [mol/m^3] are dropped (default 0: keep every
            composition with W_lm > 0).
        tolerance : float
            Relative tolerance of the cluster sums, in (0, 0.1] (default 1e-6).
        size_limit : int
            Largest size the sums may grow to (default 2048); ConvergenceWarning if the
            tolerance is not met there (at or very near the gel point).

        Returns
        -------
        xarray.Dataset
            Over ``carrier`` (labels "l+m-"): coordinates n_cation, n_anion, n_inert;
            variables carrier_charge [1], carrier_concentration [mol/m^3], carrier_diameter
            [m], carrier_diffusivity [m^2/s]; attrs record the diffusivity rule, the
            temperature, the total (sol + gel) ion concentrations, the charges and the
            truncation (``cluster_sum_*``). The gel is not a carrier (immobile).
        """
        state = {
            "concentration": concentration,
            "molality": molality,
            "volume_fraction": volume_fraction,
            "salt_fraction": salt_fraction,
        }
        for k, v in state.items():
            if v is not None and np.ndim(v) != 0:
                raise ParameterError(k, "effective_carriers takes one state point (a scalar)", v)
        max_size = check_integer("max_size", max_size, minimum=1)
        min_concentration = check_quantity(
            "min_concentration", min_concentration, unit="mol/m^3", low=0.0, scalar=True
        )
        comp = self.composition(**state)
        if not comp.has_molar_scale:
            raise ParameterError(
                "site_volume",
                "effective carriers need concentrations in mol/m^3: give "
                "site_volume= [m^3] or an electrolyte with solvent density and molar mass",
            )
        temp = (
            self.temperature
            if temperature is None
            else positive_scalar("temperature", temperature, "K")
        )
        st = self.state(comp, temperature=None if temperature is None else temp)
        rule, dif_rule = self._diffusivity_rule(st, temp, diffusivity, viscosity)
        cache: dict = {}

        def dif_grid(l, m):
            # every weight of one grid size shares the diffusivity grid
            key = (np.shape(l), np.shape(m), int(np.max(l, initial=0)), int(np.max(m, initial=0)))
            if key not in cache:
                cache.clear()
                cache[key] = dif_rule(l, m)
            return cache[key]

        z_c, z_a = st.charges

        def charge(l, m):
            return l * z_c + m * z_a

        weights = {
            "conductance": lambda l, m: charge(l, m) ** 2 * dif_grid(l, m),
            "cation_current": lambda l, m: l * charge(l, m) * dif_grid(l, m),
            "anion_current": lambda l, m: m * charge(l, m) * dif_grid(l, m),
            "cation_mobility": lambda l, m: l * dif_grid(l, m),
            "anion_mobility": lambda l, m: m * dif_grid(l, m),
            "ionic_strength": lambda l, m: charge(l, m) ** 2,
        }
        sums = converged_cluster_sums(
            st, weights, start=max_size, tolerance=tolerance, size_limit=size_limit
        )
        sums.warn_if_unconverged("effective_carriers")
        size = int(sums.size[0])
        clusters = comp.molar(st.cluster_distribution(size))[0]
        l, m = np.meshgrid(np.arange(size + 1), np.arange(size + 1), indexing="ij")
        lnw = stockmayer_log_weight_grid(size, f_cation=self.f_cation, f_anion=self.f_anion)
        keep = np.isfinite(lnw) & (clusters > min_concentration)
        li, mi = l[keep], m[keep]
        order = np.lexsort((mi, li + mi))
        li, mi = li[order], mi[order]
        conc = clusters[keep][order]
        dif = dif_rule(li, mi)
        diameter = self._diameters(st, li, mi)
        charge_c = charge(li, mi)
        labels = list(
            np.char.add(np.char.add(li.astype(str), "+"), np.char.add(mi.astype(str), "-"))
        )
        n_c, n_a, n_i = li, mi, np.zeros_like(li)
        extra = self._extra_carriers(st, temp, rule)
        if extra is not None:
            labels += [extra["label"]]
            n_c = np.append(n_c, 0)
            n_a = np.append(n_a, 0)
            n_i = np.append(n_i, 1)
            charge_c = np.append(charge_c, extra["charge"])
            conc = np.append(conc, extra["concentration"])
            diameter = np.append(diameter, extra["diameter"])
            dif = np.append(dif, extra["diffusivity"])
        attrs = {
            "diffusivity_rule": rule["text"],
            "temperature": temp,
            "cation_concentration_total": float(st.cation_concentration[0]),
            "anion_concentration_total": float(st.anion_concentration[0]),
            "inert_concentration_total": float(st.inert_concentration[0]),
            "gel_fraction_cation": float(1 - st.sol_cation[0]),
            "gel_fraction_anion": float(1 - st.sol_anion[0]),
            "max_size": size,
            "cation_charge": z_c,
            "anion_charge": z_a,
            "inert_charge": float(extra["charge"]) if extra is not None else 0.0,
            "state": f"{comp.variable} = {float(comp.values[0]):g}",
            "gel_rule": "the gel (percolating network) is immobile and not a carrier",
            **sums.attrs(),
        }
        return make_dataset(
            {
                "carrier_charge": ("carrier", np.asarray(charge_c, float)),
                "carrier_concentration": ("carrier", conc),
                "carrier_diameter": ("carrier", diameter),
                "carrier_diffusivity": ("carrier", np.asarray(dif, float)),
            },
            {
                "carrier": ("carrier", np.array(labels, dtype=str)),
                "n_cation": ("carrier", np.asarray(n_c, dtype=np.int64)),
                "n_anion": ("carrier", np.asarray(n_a, dtype=np.int64)),
                "n_inert": (
                    "carrier",
                    np.asarray(n_i, dtype=np.int64),
                    "1",
                    "inert (ionic-liquid) cations in the carrier",
                ),
            },
            model=self.model_name,
            parameters=self.describe(),
            references=self.references(),
            attrs=attrs,
        )

    def _diameters(self, st, l, m):
        """Equal-volume sphere diameters [m] of (l, m) clusters of a single-point state."""
        bound = (
            float(st.bound_solvent_probability()[0])
            * np.maximum(self.f_cation * l - l - m + 1, 0)
            * (l > 0)
        )
        volume = float(st.composition.site_volume[0]) * (
            self.xi_cation * l + self.xi_anion * m + bound
        )
        return (6 * volume / math.pi) ** (1 / 3)

    def carrier_viscosity(self, viscosity=None) -> float:
        """Viscosity [Pa s] of the Stokes–Einstein carrier rule: ``viscosity`` if given, else the
        model's own (``SaltInIonicLiquid.viscosity``) or the electrolyte's solvent viscosity."""
        eta = viscosity if viscosity is not None else getattr(self, "viscosity", None)
        if eta is None and self.electrolyte is not None:
            eta = self.electrolyte.solvent.viscosity
        if eta is None:
            raise ParameterError(
                "viscosity",
                "Stokes–Einstein needs a viscosity [Pa s] (or an electrolyte "
                "whose Solvent has one)",
            )
        return positive_scalar("viscosity", eta, "Pa s")

    def _diffusivity_rule(self, st, temp, diffusivity, viscosity):
        """(rule, D(l, m)) for the carriers of a single-point state; D = 0 for (0, 0)."""
        if isinstance(diffusivity, str):
            if diffusivity != "stokes-einstein":
                raise ParameterError(
                    "diffusivity",
                    "must be 'stokes-einstein', a number [m^2/s] or a callable",
                    diffusivity,
                )
            eta = self.carrier_viscosity(viscosity)

            def grid(l, m):
                l, m = np.broadcast_arrays(np.asarray(l), np.asarray(m))
                ok = (l + m) > 0
                d = self._diameters(st, np.where(ok, l, 1), m)
                return np.where(ok, stokes_einstein(d, temperature=temp, viscosity=eta), 0.0)

            return {
                "text": f"Stokes–Einstein kT/(3 pi eta d), eta = {eta:g} Pa s, d = equal-volume "
                "sphere of the cluster",
                "kind": "stokes-einstein",
                "viscosity": eta,
            }, grid
        if callable(diffusivity):

            def grid(l, m):
                l, m = np.broadcast_arrays(np.asarray(l), np.asarray(m))
                ok = (l + m) > 0
                out = np.zeros(l.shape)
                if np.any(ok):
                    d = self._diameters(st, l[ok], m[ok])
                    val = np.broadcast_to(
                        np.asarray(diffusivity(l[ok], m[ok], d, temp), float), d.shape
                    )
                    if not np.all(np.isfinite(val)) or np.any(val < 0):
                        raise ParameterError(
                            "diffusivity", "the callable must return finite values >= 0 m^2/s"
                        )
                    out[ok] = val
                return out

            return {
                "text": f"user callable {getattr(diffusivity, '__name__', repr(diffusivity))}",
                "kind": "callable",
                "callable": diffusivity,
            }, grid
        d0 = positive_scalar("diffusivity", diffusivity, "m^2/s")

        def grid(l, m):
            l, m = np.broadcast_arrays(np.asarray(l), np.asarray(m))
            return np.where((l + m) > 0, d0, 0.0)

        return {"text": f"size-independent D = {d0:g} m^2/s", "kind": "constant", "value": d0}, grid

    def _extra_carriers(self, st, temp, rule):
        return None

    # -- free fractions protocol ----------------------------------------------------------
    def free_fractions(self, electrolyte: Electrolyte, concentration) -> np.ndarray:
        """Free fraction of every species of ``electrolyte``.

        Parameters
        ----------
        electrolyte : Electrolyte
            Binary salt; species order of the result.
        concentration : array_like
            Salt molarity [mol/m^3].

        Returns
        -------
        ndarray, shape (n_concentration, n_species)
            Cation: fraction with no anion bonded (1 - p+)^f+; anion: (1 - p-)^f-.
        """
        model = self
        if self.site_volume is None and self.electrolyte is None:
            model = dataclasses.replace(self, electrolyte=electrolyte)
        c = np.atleast_1d(as_float_array("concentration", concentration))
        st = model.state(concentration=c)
        out = np.ones((c.size, len(electrolyte.ions)))
        for j, ion in enumerate(electrolyte.ions):
            if ion.charge > 0 and ion.name == electrolyte.cation.name:
                out[:, j] = st.free_cation_fraction
            elif ion.charge < 0 and ion.name == electrolyte.anion.name:
                out[:, j] = st.free_anion_fraction
        return out

    # -- presets --------------------------------------------------------------------------
    @classmethod
    def from_preset(cls, name: str, **overrides) -> AggregationModel:
        """The model of a preset electrolyte with the parameters of
        :data:`ionscales.presets.AGGREGATION_PARAMETERS`.

        Parameters
        ----------
        name : str
            Preset name (e.g. "LiTFSI(aq)").
        **overrides
            Parameter values replacing the tabulated ones.
        """
        from ionscales import presets
        from ionscales.validation import suggest

        table = presets.AGGREGATION_PARAMETERS
        if not isinstance(name, str) or name not in table:
            raise ParameterError(
                "preset",
                f"no aggregation parameters for {name!r}; available: "
                f"{', '.join(table)}.{suggest(str(name), table)}",
            )
        entry = dict(table[name])
        model_cls = MODELS[entry.pop("model")]
        entry.pop("source")
        if cls is not AggregationModel and not issubclass(model_cls, cls):
            raise ParameterError(
                "preset", f"{name!r} is a {model_cls.__name__} preset, not a {cls.__name__}"
            )
        entry.update(overrides)
        entry.setdefault("electrolyte", presets.get(name))
        return model_cls(**entry)


@dataclass(frozen=True)
class Aggregation(AggregationModel):
    """Cation–anion aggregation without competing solvent (ionic liquids, inert solvent).

    Parameters
    ----------
    f_cation, f_anion : int
        Functionalities (association sites per ion) f+, f- [1], whole numbers 1..2**53.
    association : float
        Dimensionless lattice association constant Lambda [1], >= 0 (see
        :func:`lattice_association` for K_A [m^3/mol]).
    xi_cation, xi_anion : float
        Ion volumes in lattice sites [1] (default 1).
    site_volume : float, optional
        Fixed lattice site volume v0 [m^3]; default: the solution volume over the lattice
        sites at each state point, from the electrolyte's molality <-> molarity conversion
        (see :class:`AggregationModel`).
    electrolyte : Electrolyte, optional
        Charges, stoichiometry, solvent data (viscosity, molar mass).
    temperature : float
        Reference temperature of ``association`` [K] (default 298.15).
    association_enthalpy : float
        Association enthalpy dH [J/mol] for Lambda(T) (default 0: temperature-independent).
    solvent_molar_mass : float, optional
        [kg/mol], for molality input (default: the electrolyte's solvent).

    Notes
    -----
    Mass action Lambda zeta = p+ p- / [(1 - p+)(1 - p-)], zeta = psi+ p+ = psi- p-, solved in
    closed form (:func:`binary_probabilities`). Valid from infinite dilution to the pure ionic
    liquid (volume_fraction = 1). Mean-field tree theory: loops in finite clusters are
    neglected; post-gel Flory treatment.
    """

    state_variables: ClassVar[tuple[str, ...]] = ("concentration", "molality", "volume_fraction")
    default_state: ClassVar[str] = "volume_fraction"
    model_name: ClassVar[str] = "aggregation"

    def _probabilities(self, comp, association):
        psi_c = self.f_cation * comp.c_cation
        psi_a = self.f_anion * comp.c_anion
        pc, pa, qc, qa = binary_probabilities(
            psi_c, psi_a, association=association, complements=True
        )
        return {"p_cation": pc, "p_anion": pa, "q_cation": qc, "q_anion": qa}


@dataclass(frozen=True)
class SolvatedAggregation(AggregationModel):
    """Cation–anion association competing with cation–solvent association (WiSE, carbonates).

    Parameters
    ----------
    f_cation, f_anion : int
        Functionalities f+, f- [1], >= 1 (solvent f0 = 1, binds cations only).
    association : float
        Lambda_{+-} [1] (general model), or the ratio Lambda~ = Lambda_{+-}/Lambda_{+0} in
        the sticky-cation model (``solvent_association=inf``), > 0.
    solvent_association : float
        Lambda_{+0} [1], > 0; ``math.inf`` (default) selects the sticky-cation limit in
        which every cation site is bonded to an anion or a solvent molecule.
    xi_cation, xi_anion, site_volume, electrolyte, temperature, association_enthalpy,
    solvent_molar_mass :
        As in :class:`Aggregation` (the solvent occupies one site).

    Notes
    -----
    General model (:func:`solvated_probabilities`): mass action for +- and +0 bonds with a
    monotone 1-D formulation in the fraction of free cation sites. Sticky model
    (:func:`sticky_probabilities`): closed form; requires f+ c+ <= f- c- + c0. The
    ``free_cation_fraction`` is the fraction of cations with no anion (any solvation),
    ``bare_cation_fraction`` the fraction with no partner at all. Clusters are summed over
    bound solvent unless ``resolve_solvent=True``.
    """

    solvent_association: float = math.inf

    state_variables: ClassVar[tuple[str, ...]] = ("concentration", "molality", "volume_fraction")
    default_state: ClassVar[str] = "molality"
    model_name: ClassVar[str] = "solvated_aggregation"

    def __post_init__(self):
        super().__post_init__()
        s = self.solvent_association
        if not (isinstance(s, (float, np.floating)) and s == math.inf):  # +inf: sticky
            try:
                s = check_quantity(
                    "solvent_association", s, low=0.0, low_inclusive=False, scalar=True
                )
            except ParameterError:
                raise ParameterError(
                    "solvent_association", "must be > 0 (dimensionless) or math.inf (sticky)", s
                ) from None
        object.__setattr__(self, "solvent_association", float(s))
        if self.sticky and self.association <= 0:
            raise ParameterError(
                "association",
                "the sticky ratio Lambda_{+-}/Lambda_{+0} must be > 0",
                self.association,
            )

    @property
    def sticky(self) -> bool:
        """True in the sticky-cation limit (solvent_association = inf)."""
        return math.isinf(self.solvent_association)

    def _default_gel_variable(self):
        try:
            self._molar_mass_solvent()
            return "molality"
        except ParameterError:
            return "volume_fraction"

    def _max_salt_per_site(self):
        # the sticky model needs psi+ <= psi- + phi0, i.e. excess s <= 1 - xi_salt s
        nu_c, nu_a = self.stoichiometry
        xi_salt = nu_c * self.xi_cation + nu_a * self.xi_anion
        excess = nu_c * self.f_cation - nu_a * self.f_anion
        if self.sticky and excess > 0:
            return 1 / (excess + xi_salt)
        return 1 / xi_salt

    def _probabilities(self, comp, association):
        psi_c = self.f_cation * comp.c_cation
        psi_a = self.f_anion * comp.c_anion
        phi_0 = comp.phi_solvent
        if self.sticky:
            bad = psi_c > (psi_a + phi_0) * (1 + 1e-12)
            if np.any(bad):
                raise ParameterError(
                    comp.variable,
                    "is beyond the sticky-cation model's range: every cation "
                    "site must find an anion or solvent partner (f+ c+ <= f- c- + c0)",
                    comp.values[bad],
                )
            pc, pc0, pa, p0 = sticky_probabilities(
                psi_c, psi_a, phi_0, association_ratio=association
            )
            return {
                "p_cation": pc,
                "p_anion": pa,
                "p_cation_solvent": pc0,
                "p_solvent": p0,
                "bare_cation_fraction": np.clip(1 - pc - pc0, 0, 1) ** self.f_cation,
                "iterations": 1,
            }
        pc, pc0, pa, p0, u, iterations, _ = solvated_probabilities(
            psi_c,
            psi_a,
            phi_0,
            association=association,
            solvent_association=self.solvent_association,
        )
        return {
            "p_cation": pc,
            "p_anion": pa,
            "p_cation_solvent": pc0,
            "p_solvent": p0,
            "free_site_fraction": u,
            "bare_cation_fraction": u**self.f_cation,
            "iterations": iterations,
        }

    def _residuals(self, comp, probs):
        psi_c = self.f_cation * comp.c_cation
        psi_a = self.f_anion * comp.c_anion
        phi_0 = comp.phi_solvent
        pc, pa, pc0, p0 = (
            probs["p_cation"],
            probs["p_anion"],
            probs["p_cation_solvent"],
            probs["p_solvent"],
        )
        lam = probs["association"]

        def rel(a, b):
            scale = np.maximum(np.abs(a), np.abs(b))
            return np.where(
                scale > 1e-300, np.abs(a - b) / np.where(scale > 1e-300, scale, 1.0), 0.0
            )

        bond1 = rel(psi_c * pc, psi_a * pa)
        bond2 = rel(psi_c * pc0, phi_0 * p0)
        if self.sticky:
            mass = np.abs(lam * p0 * (1 - pa) - pa * (1 - p0))
            sites = np.abs(pc + pc0 - 1)
        else:
            u = probs["free_site_fraction"]
            mass = np.maximum(
                np.abs(lam * psi_c * u * (1 - pa) - pa),
                np.abs(self.solvent_association * psi_c * u * (1 - p0) - p0),
            )
            sites = np.abs(u - (1 - pc - pc0))
        return np.maximum.reduce([bond1, bond2, mass, sites])


@dataclass(frozen=True)
class SaltInIonicLiquid(AggregationModel):
    """An alkali salt in an ionic liquid sharing its anion; the IL cation is inert.

    Parameters
    ----------
    f_cation, f_anion : int
        Functionalities of the alkali cation and of the (common) anion [1].
    association : float
        Lambda [1] of alkali–anion bonds.
    xi_cation, xi_anion, xi_inert : float
        Volumes of the alkali cation, the anion and the IL cation in lattice sites [1].
    site_volume : float, optional
        v0 [m^3] (needed for molar outputs and carriers).
    electrolyte : Electrolyte, optional
        Used for the alkali cation and anion charges.
    inert_charge : float
        Valence of the IL cation (default +1).
    viscosity : float, optional
        Viscosity of the ionic liquid [Pa s] for Stokes–Einstein carrier diffusivities.

    Notes
    -----
    State variable ``salt_fraction`` x = n_salt/(n_salt + n_IL). Per anion there are x
    alkali cations and 1 - x IL cations, no solvent (phi0 = 0). Mass action as in
    :class:`Aggregation` with psi- counting all anions. With few alkali cations the anions
    are in excess, p+ is large and Li sits in (1, m >= 2) clusters of negative charge: the
    effective Li charge (:meth:`solve` variable ``cation_effective_charge``, mobility
    weighted) is negative. Past the gel point the Li-rich network is immobile and the
    mobile sol is depleted of the large anionic clusters, which restores a positive
    charge at high salt content (McEldrew et al., J. Phys. Chem. B 2021).
    """

    xi_inert: float = field(default=1.0, kw_only=True)
    inert_charge: float = field(default=1.0, kw_only=True)
    viscosity: float | None = field(default=None, kw_only=True)

    state_variables: ClassVar[tuple[str, ...]] = ("salt_fraction",)
    default_state: ClassVar[str] = "salt_fraction"
    model_name: ClassVar[str] = "salt_in_ionic_liquid"

    def __post_init__(self):
        super().__post_init__()
        object.__setattr__(
            self, "xi_inert", positive_scalar("xi_inert", self.xi_inert, "lattice sites")
        )
        object.__setattr__(
            self,
            "inert_charge",
            finite_scalar("inert_charge", self.inert_charge, ""),
        )
        if self.viscosity is not None:
            object.__setattr__(
                self, "viscosity", positive_scalar("viscosity", self.viscosity, "Pa s")
            )

    @property
    def stoichiometry(self):
        return 1.0, 1.0

    def references(self):
        return (*REFERENCES, SIIL_REFERENCE)

    def _composition_from(self, name, value):
        if name != "salt_fraction":
            raise ParameterError(
                name, "SaltInIonicLiquid takes salt_fraction (mole fraction of alkali salt)"
            )
        x, _ = state_array("salt_fraction", value, upper=1.0)
        x = check_probability("salt_fraction", x)
        omega = x * self.xi_cation + (1 - x) * self.xi_inert + self.xi_anion
        c_an = 1 / omega
        c_li = x / omega
        c_il = (1 - x) / omega
        v0 = np.full(x.shape, self.lattice_site_volume)
        return Composition(
            "salt_fraction",
            x,
            self.xi_cation * c_li,
            self.xi_anion * c_an,
            np.zeros_like(x),
            self.xi_inert * c_il,
            c_li,
            c_an,
            c_il,
            v0,
            None,
        )

    def _site_volume_rule(self) -> str:
        return "fixed site_volume" if self.site_volume is not None else "none (no molar scale)"

    def _probabilities(self, comp, association):
        psi_c = self.f_cation * comp.c_cation
        psi_a = self.f_anion * comp.c_anion
        pc, pa, qc, qa = binary_probabilities(
            psi_c, psi_a, association=association, complements=True
        )
        return {"p_cation": pc, "p_anion": pa, "q_cation": qc, "q_anion": qa}

    def _default_bracket(self, variable):
        return (1e-12, 1.0)

    def _extra_carriers(self, st, temp, rule):
        v0 = float(st.composition.site_volume[0])
        diameter = (6 * v0 * self.xi_inert / math.pi) ** (1 / 3)
        if rule["kind"] == "stokes-einstein":
            dif = float(stokes_einstein(diameter, temperature=temp, viscosity=rule["viscosity"]))
        elif rule["kind"] == "constant":
            dif = rule["value"]
        else:
            val = np.asarray(
                rule["callable"](np.array([0]), np.array([0]), np.array([diameter]), temp), float
            )
            dif = float(val.reshape(-1)[0])
            if not (math.isfinite(dif) and dif >= 0):
                raise ParameterError(
                    "diffusivity", "the callable must return finite values >= 0 m^2/s"
                )
        return {
            "label": "inert+",
            "charge": self.inert_charge,
            "concentration": float(st.inert_concentration[0]),
            "diameter": diameter,
            "diffusivity": dif,
        }

    def effective_charge(
        self,
        salt_fraction,
        *,
        max_size: int = 60,
        diffusivity="size-independent",
        tolerance: float = DEFAULT_TOLERANCE,
        size_limit: int = DEFAULT_SIZE_LIMIT,
    ):
        """Effective charge of the alkali cation versus salt fraction.

        z_eff = sum_lm l z_lm D_lm c_lm / sum_lm l D_lm c_lm over sol clusters (the gel is
        immobile; :func:`mobility_weighted_charge`, the definition
        :func:`ionscales.theory.transport.effective_cation_charge` uses), with D_lm
        size-independent (default; then z_eff is the Li-weighted mean cluster charge) or
        "stokes-einstein" (D ~ (xi+ l + xi- m)^(-1/3)).

        Parameters
        ----------
        salt_fraction : array_like
            Mole fraction of alkali salt [1].
        max_size : int
            Starting largest l and m (grown until the sums converge to ``tolerance``).
        diffusivity : "size-independent" or "stokes-einstein"
        tolerance : float
            Relative tolerance of the cluster sums (default 1e-6).
        size_limit : int
            Largest size tried (ConvergenceWarning if the tolerance is not met).

        Returns
        -------
        ndarray
            z_eff [1] (negative when Li travels mainly in anionic clusters).
        """
        max_size = check_integer("max_size", max_size, minimum=1)
        if diffusivity == "size-independent":

            def dgrid(l, m):
                return np.ones(np.broadcast_shapes(np.shape(l), np.shape(m)))
        elif diffusivity == "stokes-einstein":

            def dgrid(l, m):
                return np.maximum(self.xi_cation * l + self.xi_anion * m, 1e-12) ** (-1 / 3)
        else:
            raise ParameterError(
                "diffusivity", "must be 'size-independent' or 'stokes-einstein'", diffusivity
            )
        st = self.state(salt_fraction=salt_fraction)
        z_c, z_a = st.charges
        sums = converged_cluster_sums(
            st,
            {
                "cation_current": lambda l, m: l * (l * z_c + m * z_a) * dgrid(l, m),
                "cation_mobility": lambda l, m: l * dgrid(l, m),
            },
            start=max_size,
            tolerance=tolerance,
            size_limit=size_limit,
        )
        sums.warn_if_unconverged("effective_charge")
        out = np.full(st.size, np.nan)
        for size in np.unique(sums.size):
            idx = np.flatnonzero(sums.size == size)
            l = np.arange(size + 1)[:, None]
            m = np.arange(size + 1)[None, :]
            c = st.take(idx).cluster_distribution(int(size))
            out[idx] = mobility_weighted_charge(l, l * z_c + m * z_a, dgrid(l, m), c, axis=(-2, -1))
        return float(out[0]) if st.composition.scalar else out
