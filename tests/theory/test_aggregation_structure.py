"""Structure of the aggregation layer (#13): one frozen base, a public typed state, presets
with the other presets, public names importable from ``ionscales.theory.aggregation``."""

import dataclasses

import numpy as np
import pytest

from ionscales import presets, registry
from ionscales.theory import aggregation
from ionscales.theory.aggregation import (
    Aggregation,
    AggregationModel,
    AggregationState,
    SaltInIonicLiquid,
    SolvatedAggregation,
)


@pytest.mark.parametrize("cls", [Aggregation, SolvatedAggregation, SaltInIonicLiquid])
def test_models_are_frozen_dataclasses_sharing_one_base(cls):
    assert issubclass(cls, AggregationModel) and dataclasses.is_dataclass(cls)
    base = {f.name for f in dataclasses.fields(AggregationModel)}
    own = set(cls.__dict__.get("__annotations__", {}))
    assert not (own & base), f"{cls.__name__} re-declares {own & base}"
    model = cls(4, 3, 1.0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        model.association = 2.0


def test_state_is_public_typed_and_frozen():
    model = SolvatedAggregation.from_preset("LiTFSI(aq)")
    st = model.state(molality=[5.0, 18.0])
    assert isinstance(st, AggregationState)
    with pytest.raises(dataclasses.FrozenInstanceError):
        st.p_cation = None
    ds = model.solve(molality=[5.0, 18.0], max_size=30)
    np.testing.assert_allclose(st.p_cation, ds.p_cation)
    np.testing.assert_allclose(1 - st.sol_cation, ds.gel_fraction_cation)
    np.testing.assert_allclose(st.cluster_concentration(30), ds.cluster_concentration)
    sub = st.take(np.array([1]))
    assert sub.size == 1 and sub.gel_parameter[0] == st.gel_parameter[1]


def test_presets_and_registry_and_public_names():
    assert "LiTFSI(aq)" in presets.AGGREGATION_PARAMETERS
    assert aggregation.PRESET_PARAMETERS["LiTFSI(aq)"]["model"] is SolvatedAggregation
    for name in aggregation.__all__:
        assert hasattr(aggregation, name), name
    for name in ("Aggregation", "SolvatedAggregation", "SaltInIonicLiquid"):
        entry = registry.entry(f"theory.aggregation.{name}")
        assert entry.module == "ionscales.theory.aggregation" and hasattr(
            aggregation, entry.attribute
        )


_STATES = {
    "Aggregation": {"volume_fraction": np.linspace(0.0, 1.0, 11)},
    "SolvatedAggregation": {"volume_fraction": np.linspace(0.0, 0.2, 11)},
    "SaltInIonicLiquid": {"salt_fraction": np.linspace(0.0, 1.0, 11)},
}


@pytest.mark.parametrize("name", sorted(aggregation.MODELS))
@pytest.mark.parametrize("f_cation, f_anion", [(1, 1), (2, 1), (3, 3), (5, 2)])
@pytest.mark.parametrize("association", [1e-6, 0.5, 50.0])
def test_every_registered_model_is_finite_over_valid_inputs(name, f_cation, f_anion, association):
    """Loops over the model table: a newly added model is swept automatically."""
    model = aggregation.MODELS[name](f_cation, f_anion, association)
    ds = model.solve(**_STATES[name], max_size=6)
    for var in (
        "p_cation",
        "p_anion",
        "free_cation_fraction",
        "free_anion_fraction",
        "gel_fraction_cation",
        "gel_fraction_anion",
        "ion_pair_fraction",
    ):
        values = ds[var].values
        assert np.all(np.isfinite(values)) and np.all((values >= -1e-15) & (values <= 1 + 1e-12)), (
            var
        )
    assert np.all(np.isfinite(ds.cluster_concentration.values))


def test_a_new_model_is_one_subclass():
    """Extending the layer: a subclass with its mass-action law registers itself and gets
    solve, state, gel point and carriers from the base."""
    from ionscales.theory.aggregation import binary_probabilities

    @dataclasses.dataclass(frozen=True)
    class DoubledAssociation(AggregationModel):
        """Binary mass action with twice the given constant (a test model)."""

        state_variables = ("volume_fraction",)
        default_state = "volume_fraction"
        model_name = "doubled_association"

        def _probabilities(self, comp, association):
            pc, pa, qc, qa = binary_probabilities(
                self.f_cation * comp.c_cation,
                self.f_anion * comp.c_anion,
                association=2 * association,
                complements=True,
            )
            return {"p_cation": pc, "p_anion": pa, "q_cation": qc, "q_anion": qa}

        def _residuals(self, comp, probs):
            return super()._residuals(comp, {**probs, "association": 2 * probs["association"]})

    try:
        assert aggregation.MODELS["DoubledAssociation"] is DoubledAssociation
        model = DoubledAssociation(3, 3, 0.5)
        reference = Aggregation(3, 3, 1.0)
        np.testing.assert_allclose(
            model.state(volume_fraction=1.0).p_cation,
            reference.state(volume_fraction=1.0).p_cation,
            rtol=1e-14,
        )
        assert model.gel_point("association", volume_fraction=1.0) == pytest.approx(
            2 / 3, rel=1e-10
        )
        assert (
            model.solve(volume_fraction=[0.5, 1.0], max_size=5).attrs["model"]
            == "doubled_association"
        )
    finally:
        aggregation.MODELS.pop("DoubledAssociation", None)


def test_carriers_and_carrier_transport_round_trip_netcdf(tmp_path):
    import xarray as xr

    from ionscales import results
    from ionscales.theory import transport

    model = SolvatedAggregation.from_preset("LiTFSI(aq)")
    for i, ds in enumerate(
        (
            model.effective_carriers(molality=8.0),
            transport.carrier_transport(model, molality=[2.0, 5.0]),
        )
    ):
        results.check_labelled(ds)
        path = tmp_path / f"out{i}.nc"
        results.to_netcdf(ds, path)
        xr.testing.assert_identical(results.open_dataset(path), ds)
