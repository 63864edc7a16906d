"""The grader's readers of what a child sends: every malformed input is a protocol error, never a crash."""
import io
import zipfile

import numpy as np
import pytest

from rnncourse.grading.sandbox import ChildError, parse_reply, read_npz


@pytest.mark.parametrize("line", [b"[" * 5000 + b"]" * 5000, b"{" * 200_000, b'{"a": ' * 40 + b"1" + b"}" * 40,
                                  b"not json", b"[1, 2]", b"\xff\xfe", b'{"a": NaN'])
def test_malformed_replies_are_protocol_errors(line):
    with pytest.raises(ChildError) as err:
        parse_reply(line)
    assert err.value.kind == "protocol"


def test_a_shallow_reply_is_read():
    assert parse_reply(b'{"id": "x", "ok": true, "forbidden_loaded": []}') == {"id": "x", "ok": True, "forbidden_loaded": []}


def _npz(arrays: dict, compression=zipfile.ZIP_STORED) -> io.BytesIO:
    f = io.BytesIO()
    with zipfile.ZipFile(f, "w", compression) as z:
        for name, arr in arrays.items():
            with z.open(f"{name}.npy", "w") as m:
                np.lib.format.write_array(m, arr)
    f.seek(0)
    return f


EXPECTED = {"h": np.zeros((3, 5))}


def test_stored_float64_arrays_are_read_exactly_and_a_wrong_shape_is_kept_for_the_comparison():
    h = np.random.default_rng(0).standard_normal((3, 5))
    assert np.array_equal(read_npz(_npz({"h": h}), EXPECTED, 1 << 20)["h"], h)
    assert read_npz(_npz({"h": np.ones((2, 5))}), EXPECTED, 1 << 20)["h"].shape == (2, 5)
    assert read_npz(_npz({"h": h, "extra": np.ones(3)}), EXPECTED, 1 << 20).keys() == {"h"}   # others not read


@pytest.mark.parametrize("arrays, compression, message", [
    ({"h": np.zeros((3, 5))}, zipfile.ZIP_DEFLATED, "compressed"),
    ({"h": np.zeros((3, 5), dtype=np.float32)}, zipfile.ZIP_STORED, "not a float64"),
    ({"h": np.array([object()] * 2, dtype=object)}, zipfile.ZIP_STORED, "no valid array header|not a float64"),
    ({"h": np.zeros(300_000)}, zipfile.ZIP_STORED, "larger than"),
])
def test_compressed_foreign_or_oversized_members_are_refused(arrays, compression, message):
    with pytest.raises(ChildError, match=message):
        read_npz(_npz(arrays, compression), EXPECTED, 1 << 20)


def test_a_header_that_lies_about_its_size_is_refused_before_allocation():
    f = io.BytesIO()
    with zipfile.ZipFile(f, "w") as z, z.open("h.npy", "w") as m:
        np.lib.format.write_array_header_1_0(m, {"descr": "<f8", "fortran_order": False, "shape": (10**12,)})
        m.write(bytes(8))
    f.seek(0)
    with pytest.raises(ChildError, match="does not match its size"):
        read_npz(f, EXPECTED, 1 << 20)
