"""The shipped weights (rnncourse/pretrained): every model loads, has a full manifest, a script that
exists, and stays within the size budget (2 MB each, 10 MB in all). Whether each one's learning curve
is reproduced is tested beside the chapter that uses it."""
import numpy as np
import pytest

from rnncourse import pretrained

ROOT = pretrained.DIRECTORY.parents[1]


def test_save_then_load_round_trips_arrays_and_manifest(tmp_path, monkeypatch):
    monkeypatch.setattr(pretrained, "DIRECTORY", tmp_path)
    weights = {"weight_ih_l0": np.arange(6.0).reshape(2, 3), "counts": np.array([1, 2, 3])}
    manifest = {k: 0 for k in pretrained.MANIFEST_FIELDS if k != "name"}
    manifest.update(metrics={"bpc": 1.5}, versions={"machine": "x"}, created="2026-12-06", curve=[[0, 2.0]])
    pretrained.save("toy", weights, manifest, directory=str(tmp_path))     # a str names the folder too
    loaded = pretrained.load("toy")
    assert loaded.state_dict["weight_ih_l0"].dtype == np.float32
    np.testing.assert_array_equal(loaded.state_dict["weight_ih_l0"], weights["weight_ih_l0"])
    np.testing.assert_array_equal(loaded.state_dict["counts"], weights["counts"])
    assert loaded.manifest["name"] == "toy" and "bpc 1.5" in loaded.provenance()


def test_float16_storage_halves_the_file_and_loads_as_float32(tmp_path, monkeypatch):
    monkeypatch.setattr(pretrained, "DIRECTORY", tmp_path)
    rng = np.random.default_rng(0)
    weights = {"weight_hh_l0": rng.standard_normal((64, 64)), "counts": np.array([1, 2, 3])}
    manifest = {k: 0 for k in pretrained.MANIFEST_FIELDS if k != "name"}
    manifest.update(metrics={}, versions={}, created="2026-12-06", curve=[])
    full = pretrained.save("full", weights, manifest, directory=tmp_path)
    half = pretrained.save("half", weights, manifest, directory=tmp_path, float_dtype=np.float16)
    assert half.stat().st_size < 0.6 * full.stat().st_size
    loaded = pretrained.load("half")
    assert loaded.state_dict["weight_hh_l0"].dtype == np.float32 and loaded.manifest["stored_as"] == "float16"
    # float16 keeps 11 significant bits: relative error at most 2**-11 (subnormals: absolute 2**-25)
    np.testing.assert_allclose(loaded.state_dict["weight_hh_l0"], weights["weight_hh_l0"], rtol=2 ** -11, atol=2 ** -25)
    assert loaded.state_dict["counts"].dtype == weights["counts"].dtype
    with pytest.raises(ValueError, match="float32 or float16"):
        pretrained.save("bad", weights, manifest, directory=tmp_path, float_dtype=np.float64)


def test_unknown_name_and_incomplete_manifest_are_refused(tmp_path):
    with pytest.raises(ValueError, match="no pretrained model 'nope'"):
        pretrained.load("nope")
    with pytest.raises(ValueError, match="lacks"):
        pretrained.save("bad", {}, {"seed": 0}, directory=tmp_path)


def test_every_shipped_model_is_complete_and_small():
    for name in pretrained.available():
        model = pretrained.load(name)
        assert (ROOT / model.manifest["script"]).is_file(), model.manifest["script"]
        assert (pretrained.DIRECTORY / f"{name}.npz").stat().st_size < 2_000_000, name
        assert model.manifest["curve"], f"{name}: a manifest records the learning curve"


def test_all_shipped_weights_fit_the_budget():
    total = sum(p.stat().st_size for p in pretrained.DIRECTORY.glob("*.npz"))
    assert total < 10_000_000, f"{total / 1e6:.1f} MB of shipped weights; the budget is 10 MB"
