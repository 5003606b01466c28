"""One vocabulary: one name, one meaning, one entry; CF attributes on every result."""

from __future__ import annotations

import numpy as np
import pytest

from ionscales import results, vocab


def test_duplicate_names_across_sections_fail():
    """Sections used to overwrite each other silently (surface_charge, capacitance, ...)."""
    with pytest.raises(vocab.VocabularyError, match="surface_charge in confinement, continuum"):
        vocab.merge_sections(
            {
                "confinement": {"surface_charge": ("C/m^2", "a")},
                "continuum": {"surface_charge": ("C/m^2", "b")},
            }
        )


def test_the_package_vocabulary_has_no_duplicates():
    sections = {
        name: getattr(vocab, name)
        for name in dir(vocab)
        if name.startswith("_") and name[1:].isupper() and isinstance(getattr(vocab, name), dict)
    }
    assert len(sections) >= 8
    seen: dict[str, str] = {}
    for section, entries in sections.items():
        for key in entries:
            assert key not in seen, f"{key} in {seen.get(key)} and {section}"
            seen[key] = section
    assert set(seen) == set(vocab.VARIABLES) or set(seen) <= set(vocab.VARIABLES)


@pytest.mark.parametrize(
    "name, unit, meaning",
    [
        ("correlation_length", "m", "ion-correlation length"),  # not the screening length
        ("potential", "V", "electrostatic potential"),  # the profile, not the wall value
        ("voltage", "V", "electrode"),
        ("surface_charge", "C/m^2", "charge per unit wall area"),
        ("capacitance", "F/m^2", "differential capacitance"),
    ],
)
def test_shared_names_have_one_meaning(name, unit, meaning):
    units, long_name = vocab.lookup(name)
    assert units == unit and meaning in long_name


def test_register_refuses_a_second_meaning():
    vocab.register("surface_charge", *vocab.lookup("surface_charge"))  # same entry: fine
    with pytest.raises(vocab.VocabularyError):
        vocab.register("surface_charge", "C/m^2", "something else")


def test_model_identifier():
    assert vocab.is_model_identifier("msa") and vocab.is_model_identifier("dh-exclusion")
    assert not vocab.is_model_identifier("slit-pore mean field (single layer)")


def test_results_carry_cf_conventions_and_attribute_units(tmp_path):
    ds = results.make_dataset(
        {"decay_length": ("concentration", np.ones(3))},
        {"concentration": np.arange(1.0, 4.0)},
        attrs={"temperature": 298.15, "contact_diameter": 3.6e-10, "note": "x"},
    )
    assert ds.attrs["Conventions"].startswith("CF-")
    assert ds.attrs["temperature_units"] == "K" and ds.attrs["contact_diameter_units"] == "m"
    assert "note_units" not in ds.attrs
    path = tmp_path / "r.nc"
    results.to_netcdf(ds, path)
    back = results.open_dataset(path)
    assert back.attrs["Conventions"] == results.CONVENTIONS
    assert back.attrs["temperature_units"] == "K"


def test_renamed_outputs_read_with_the_new_name(monkeypatch):
    import xarray as xr

    monkeypatch.setattr(vocab, "RENAMED", {})
    vocab.rename("charge", "surface_charge")
    old = xr.Dataset({"charge": ("time", np.zeros(3))})
    new = results.upgrade_names(old)
    assert "surface_charge" in new and "charge" not in new
    with pytest.raises(vocab.VocabularyError):
        vocab.rename("x", "not_a_vocabulary_name")
    with pytest.raises(vocab.VocabularyError):
        vocab.rename("capacitance", "surface_charge")  # an entry with its own meaning
