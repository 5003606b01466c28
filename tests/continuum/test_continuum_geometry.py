"""Continuum geometries and graded meshes."""

from __future__ import annotations

import numpy as np
import pytest

from ionscales.continuum import CylindricalPore, HalfSpace, Slit
from ionscales.continuum.geometry import Mesh1D, graded_faces, uniform_faces
from ionscales.errors import ParameterError


def test_graded_faces_shape_and_refinement_nesting():
    faces = graded_faces(20.0, first_cell=1e-3, max_cell=0.1, growth=1.05)
    widths = np.diff(faces)
    assert faces[0] == 0.0 and faces[-1] == pytest.approx(20.0, rel=1e-14)
    assert widths[0] == pytest.approx(1e-3, rel=0.05)
    assert widths.max() <= 0.1 * 1.01
    assert np.max(widths[1:] / widths[:-1]) <= 1.05 * 1.001  # smooth grading
    fine = graded_faces(20.0, first_cell=1e-3, max_cell=0.1, growth=1.05, refinement=2)
    np.testing.assert_allclose(fine[::2], faces, rtol=1e-13)  # same smooth mapping, nested faces


def test_two_sided_and_reversed():
    faces = graded_faces(4.0, first_cell=1e-3, max_cell=0.2, two_sided=True)
    np.testing.assert_allclose(faces, 4.0 - faces[::-1], atol=1e-12)  # mirror symmetric
    assert 2.0 in faces  # the midplane is a face
    rev = graded_faces(4.0, first_cell=1e-3, max_cell=0.2, reverse=True)
    assert np.diff(rev)[-1] == pytest.approx(1e-3, rel=0.05)


def test_geometry_meshes():
    lam = 1e-9
    slit = Slit(width=3e-9).mesh(decay_length=lam, first_cell=1e-12)
    assert slit.walls == ("left", "right") and slit.length == pytest.approx(3e-9)
    assert slit.widths[0] == pytest.approx(slit.widths[-1])
    pore = CylindricalPore(radius=2e-9).mesh(decay_length=lam, first_cell=1e-12)
    assert pore.cylindrical and pore.walls == ("right",)
    assert pore.widths[-1] < pore.widths[0]
    fm = pore.fipy(lam)
    np.testing.assert_allclose(np.asarray(fm.cellVolumes), pore.cell_volumes() / lam**2, rtol=1e-12)
    half = HalfSpace().mesh(decay_length=lam, first_cell=1e-12)
    assert half.length == pytest.approx(25 * lam)


def test_user_spacing():
    spacing = np.full(200, 1e-10)
    h = HalfSpace(spacing=spacing)
    assert h.length == pytest.approx(2e-8)
    mesh = h.mesh(decay_length=1e-9, first_cell=1.0)
    np.testing.assert_allclose(mesh.widths, spacing)
    np.testing.assert_allclose(
        h.mesh(decay_length=1e-9, first_cell=1.0, refinement=2).widths, 5e-11
    )
    with pytest.raises(ParameterError, match="sum"):
        Slit(width=3e-9, spacing=np.full(10, 1e-10))
    with pytest.raises(ParameterError):
        HalfSpace(spacing=[1e-10, -1e-10, 1e-10])


def test_resolution_check():
    mesh = Mesh1D(uniform_faces(1e-8, 100), walls=("left",))
    mesh.check_resolution(1e-9)  # 1e-10 first cell resolves a 1 nm layer
    with pytest.raises(ParameterError, match="cannot resolve"):
        mesh.check_resolution(1e-10)


@pytest.mark.parametrize(
    "factory",
    [
        lambda: Slit(width=-1e-9),
        lambda: Slit(width=float("inf")),
        lambda: CylindricalPore(radius=0.0),
        lambda: HalfSpace(length=-2e-9),
        lambda: Slit(width=3.0),
    ],
)
def test_bad_geometry(factory):
    with pytest.raises(ParameterError):
        factory()
