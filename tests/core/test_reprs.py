"""Concise reprs for the objects people inspect in Jupyter."""

from ionscales import presets


def test_electrolyte_repr_is_one_short_line():
    e = presets.get("NaCl(aq)")
    text = repr(e)
    assert "\n" not in text and len(text) < 160  # the dataclass repr ran to > 1000 characters
    assert "Na+" in text and "0.36 nm" in text and "78.3" in text  # eps_r of water at 25 C


def test_electrolyte_html_lists_every_ion():
    e = presets.get("CaCl2(aq)") if "CaCl2(aq)" in presets.names() else presets.get("NaCl(aq)")
    html = e._repr_html_()
    assert html.count("<tr>") == 1 + len(e.ions)
    for ion in e.ions:
        assert ion.name in html
