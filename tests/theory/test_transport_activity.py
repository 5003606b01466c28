"""transport.properties(activity_model=...): the free-ion law of the thermodynamic factor
and of the mass action, from the closed-form members of the thermo registry."""

import math
from dataclasses import replace

import numpy as np
import pytest

from ionscales import ParameterError, presets
from ionscales.electrolyte import Electrolyte
from ionscales.errors import ValidityWarning
from ionscales.theory import thermo, transport
from ionscales.theory import transport_properties as tp
from ionscales.theory.transport_presets import lipf6_ec_emc

A = 0.5e-9


def _kcl(d_cation=A, d_anion=A):
    """KCl(aq) with the given ion diameters (equal: the restricted primitive model)."""
    e = presets.get("KCl(aq)")
    ions = (replace(e.ions[0], diameter=d_cation), replace(e.ions[1], diameter=d_anion))
    return Electrolyte(ions=ions, stoichiometry=e.stoichiometry, solvent=e.solvent, name="KCl")


def _state(e, c, K, model, sites=(1, 1), lc=None):
    return tp.aggregation_free_fractions(
        c,
        coupling_length=e.bjerrum_length if lc is None else lc,
        contact_distance=A,
        association_constant=K,
        f_cation=sites[0],
        f_anion=sites[1],
        activity=model,
        diameters=(e.ions[0].diameter, e.ions[1].diameter),
    )


@pytest.mark.parametrize("model", tp.ACTIVITY_MODELS)
@pytest.mark.parametrize("diameters", [(A, A), (0.3e-9, 0.7e-9)])
def test_free_ion_law_is_the_thermo_registry_model(model, diameters):
    """K_A = 0: the chain's ln y_f equals thermo.ln_activity_coefficients (independent code:
    thermo's Blum MSA bisection and BMCSL for 'msa' with unequal diameters too, its DH family
    otherwise)."""
    e = _kcl(*diameters)
    c = np.array([1.0, 50.0, 400.0, 2000.0])
    here = _state(e, c, 0.0, model)["ln_y_free"]
    opts = {"ion_size": A} if model == "dh-extended" else {}
    if model == "davies":
        with pytest.warns(ValidityWarning):
            ref = np.mean(thermo.ln_activity_coefficients(e, c, model, **opts), axis=-1)
    else:
        ref = np.mean(thermo.ln_activity_coefficients(e, c, model, **opts), axis=-1)
    np.testing.assert_allclose(here, ref, rtol=1e-9)


def test_msa_pairing_chain_is_thermo_msa_association():
    """activity_model='msa' with carriers='pairing' and K_A: ln y_pm (and so the association)
    equals the registry's 'msa-association' chemical model (its own damped fixed point)."""
    e = _kcl(0.3e-9, 0.6e-9)
    c = np.array([10.0, 300.0, 1500.0])
    K = 2e-3
    st = _state(e, c, K, "msa")
    ln_pm = np.log(st["q_cation"]) + st["ln_y_free"]
    ref = np.log(thermo.activity_coefficient(e, c, "msa-association", association_constant=K))
    np.testing.assert_allclose(ln_pm, ref, rtol=1e-9)


@pytest.mark.parametrize("model", tp.ACTIVITY_MODELS)
@pytest.mark.parametrize("sites", [(1, 1), (4, 2)])
def test_thermodynamic_factor_exact_against_finite_differences(model, sites):
    fp, fm = sites
    lc, a, K = 1.5e-9, A, 0.01
    c = np.array([2.0, 200.0, 900.0])
    k = tp.aggregation_kernels(fp, fm, model, 1.0)
    e = _kcl(0.35e-9, 0.6e-9)

    def state(cc):
        return _state(e, cc, K, model, sites, lc=lc)

    def ln_y(cc):
        st = state(cc)
        return 0.5 * np.log(st["q_cation"] ** fp * st["q_anion"] ** fm) + st["ln_y_free"]

    st0 = state(c)
    tdf = k["tdf_molar"](st0["x"], c, lc, a, K, st0["msa_gamma"], 0.35e-9, 0.6e-9)
    h = 1e-5
    fd = 1 + (ln_y(c * math.exp(h)) - ln_y(c * math.exp(-h))) / (2 * h)
    np.testing.assert_allclose(tdf, fd, rtol=1e-6)


@pytest.mark.parametrize("model", tp.ACTIVITY_MODELS)
def test_thermodynamic_factor_tends_to_one_at_infinite_dilution(model):
    e = lipf6_ec_emc()
    c = np.array([1e-5, 1e-3])
    ds = transport.properties(
        e,
        c,
        [298.15],
        activity_model=model,
        carriers="aggregation",
        f_cation=4,
        f_anion=2,
        association_constant=0.04,
        cation_radius=0.45e-9,
        anion_radius=0.25e-9,
    )
    tdf = ds.molar_thermodynamic_factor.values[:, 0]
    assert np.all(np.abs(tdf - 1) < [1e-3, 1e-2])
    assert abs(tdf[0] - 1) < abs(tdf[1] - 1)


def test_hard_spheres_raise_the_factor_above_the_dh_chain():
    """The MSA + hard-sphere free ions push TDF up at high c (the DH chains only lower it)."""
    e = lipf6_ec_emc()
    kw = dict(association_constant=5e-3, cation_radius=0.45e-9, anion_radius=0.3e-9)
    c = np.array([1000.0, 2000.0])
    dh = transport.properties(e, c, [298.15], **kw).molar_thermodynamic_factor.values
    msa = transport.properties(e, c, [298.15], activity_model="msa", **kw)
    assert np.all(msa.molar_thermodynamic_factor.values > dh)


def test_activity_model_bad_input_and_davies_range():
    e = lipf6_ec_emc()
    for name, match in [
        ("msa-association", "carriers' own"),
        ("pitzer", "molal virial"),
        ("debye", "unknown"),
    ]:
        with pytest.raises(ParameterError, match=match):
            transport.properties(e, [100.0], activity_model=name)
    with pytest.warns(ValidityWarning, match="davies"):
        transport.properties(
            e, [2000.0], [298.15], activity_model="davies", association_constant=0.0
        )
    big = Electrolyte(
        ions=tuple(replace(ion, diameter=1.2e-9) for ion in e.ions),
        stoichiometry=e.stoichiometry,
        solvent=e.solvent,
        name="big ions",
    )
    with pytest.raises(ParameterError, match="packing fraction"):
        transport.properties(
            big, [3000.0], [298.15], activity_model="msa", association_constant=0.0
        )
