"""The owner of the flat parameter vector, on its own."""

import numpy as np
import pytest

from sklearn_sigmoid_mlp._parameters import Parameters, layer_shapes, unflatten


def arrays(layer_sizes=(4, 3, 2), dtype=np.float64):
    rng = np.random.RandomState(0)
    coefs = [rng.normal(size=s).astype(dtype) for s in layer_shapes(layer_sizes)[0]]
    intercepts = [rng.normal(size=n).astype(dtype) for n in layer_sizes[1:]]
    return coefs, intercepts


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_packed_copies_into_one_vector_in_the_documented_layout(fit_intercept):
    coefs, intercepts = arrays()
    params = Parameters.packed(coefs, intercepts, fit_intercept, xp=np)
    expected = np.concatenate([a.ravel() for a in [*coefs, *intercepts]])
    np.testing.assert_array_equal(params.flat, expected)
    assert params.layer_sizes == [4, 3, 2]
    for view, original in zip(params.coefs + params.intercepts, coefs + intercepts):
        assert np.shares_memory(view, params.flat)
        assert not np.shares_memory(view, original)  # the originals are copied
        assert view.flags.c_contiguous
    n_coefs = 4 * 3 + 3 * 2
    assert params.n_trained == (n_coefs + 5 if fit_intercept else n_coefs)
    assert params.trained.shape == (params.n_trained,)
    assert (params.used_intercepts is not None) == fit_intercept


def test_the_trained_slice_is_a_view_and_steps_move_the_layers():
    params = Parameters.packed(*arrays(), True, xp=np)
    params.trained[:] = 0.0
    assert all(not c.any() for c in params.coefs)
    assert all(not b.any() for b in params.intercepts)


def test_owns_is_identity_not_equality():
    params = Parameters.packed(*arrays(), True, xp=np)
    assert params.owns(params.coefs, params.intercepts)
    copies = [c.copy() for c in params.coefs]
    assert not params.owns(copies, params.intercepts)
    assert not params.owns(params.coefs[:1], params.intercepts)
    unpacked = Parameters.of(*arrays(), True, xp=np)
    assert unpacked.flat is None
    assert not unpacked.owns(unpacked.coefs, unpacked.intercepts)


def test_snapshot_and_restore():
    params = Parameters.packed(*arrays(), False, xp=np)
    saved = params.snapshot()
    params.flat[:] *= 2
    params.restore(saved)
    np.testing.assert_array_equal(params.trained, saved)
    assert not np.shares_memory(saved, params.flat)


def test_from_flat_views_a_given_vector():
    flat = np.arange(4 * 3 + 3 * 2 + 5, dtype=np.float32)
    params = Parameters.from_flat(flat, [4, 3, 2], True, xp=np)
    assert params.flat is flat and params.dtype == np.float32
    np.testing.assert_array_equal(params.coefs[1].ravel(), np.arange(12, 18))
    np.testing.assert_array_equal(params.intercepts[1], [21, 22])


def test_astype_converts_copies_only_when_needed():
    params = Parameters.of(*arrays(dtype=np.float32), True, xp=np)
    assert params.astype(np.float32) is params
    wide = params.astype(np.float64)
    assert wide.dtype == np.float64 and wide.flat is None
    np.testing.assert_array_equal(wide.coefs[0], params.coefs[0])


def test_unflatten_needs_its_namespace():
    with pytest.raises(TypeError, match="xp"):
        unflatten(np.zeros(6), [(2, 2)], [(2,)])
