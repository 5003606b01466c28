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


def _equal_kcl():
    """KCl(aq) with both ions of diameter A (the restricted primitive model of thermo 'msa')."""
    e = presets.get("KCl(aq)")
    ions = tuple(replace(ion, diameter=A) for ion in e.ions)
    return Electrolyte(ions=ions, stoichiometry=e.stoichiometry, solvent=e.solvent, name="KCl RPM")


@pytest.mark.parametrize("model", tp.ACTIVITY_MODELS)
def test_free_ion_law_is_the_thermo_registry_model(model):
    """K_A = 0: the kernel's ln y_f equals thermo.ln_activity_coefficients (independent code:
    thermo's Blum MSA solver and Carnahan–Starling for 'msa', its DH family otherwise)."""
    e = _equal_kcl()
    c = np.array([1.0, 50.0, 400.0])
    k = tp.aggregation_kernels(1, 1, model, 1.0)
    here = k["ln_y_free"](1.0, c, e.bjerrum_length, A, 0.0)
    opts = {"ion_size": A} if model == "dh-extended" else {}
    ref = np.mean(thermo.ln_activity_coefficients(e, c, model, **opts), axis=-1)
    np.testing.assert_allclose(here, ref, rtol=1e-9)


def test_msa_pairing_chain_is_thermo_msa_association():
    """activity_model='msa' with carriers='pairing' and K_A: ln y_pm (and so the association)
    equals the registry's 'msa-association' chemical model (its own damped fixed point)."""
    e = _equal_kcl()
    c = np.array([10.0, 300.0, 1500.0])
    K = 2e-3
    st = tp.aggregation_free_fractions(
        c,
        coupling_length=e.bjerrum_length,
        contact_distance=A,
        association_constant=K,
        f_cation=1,
        f_anion=1,
        activity="msa",
    )
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

    def state(cc):
        return tp.aggregation_free_fractions(
            cc,
            coupling_length=lc,
            contact_distance=a,
            association_constant=K,
            f_cation=fp,
            f_anion=fm,
            activity=model,
        )

    def ln_y(cc):
        st = state(cc)
        return 0.5 * np.log(st["q_cation"] ** fp * st["q_anion"] ** fm) + st["ln_y_free"]

    tdf = k["tdf_molar"](state(c)["x"], c, lc, a, K)
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
    with pytest.raises(ParameterError, match="contact_distance"):
        transport.properties(e, [2000.0], activity_model="msa", contact_distance=1.2e-9)
