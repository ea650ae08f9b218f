"""The four-bit output encoding and its decoder."""

import numpy as np
import pytest

from lectures_lib.encoding import binary_codes, decode_nearest, encode_binary, one_hot


def test_codes_are_the_binary_numbers():
    codes = binary_codes()
    assert codes.shape == (10, 4)
    assert codes[6].tolist() == [0, 1, 1, 0]
    assert codes[9].tolist() == [1, 0, 0, 1]
    assert [int("".join(str(int(b)) for b in row), 2) for row in codes] == list(range(10))


def test_decoding_picks_the_nearest_valid_code():
    exact = decode_nearest(encode_binary(np.arange(10)))
    assert exact.tolist() == list(range(10))
    # rounding (0.9, 0.1, 0.6, 0.9) gives 1011 = 11, which is no digit; the nearest
    # valid code is 1001 = 9
    output = np.array([[0.9, 0.1, 0.6, 0.9]])
    assert np.round(output).tolist() == [[1, 0, 1, 1]]
    assert decode_nearest(output)[0] == 9


def test_bad_labels_and_outputs_are_explained():
    with pytest.raises(ValueError, match="0..9"):
        encode_binary([10])
    with pytest.raises(ValueError, match="integers"):
        encode_binary([1.5])
    assert encode_binary(np.array([], dtype=int)).shape == (0, 4)
    with pytest.raises(ValueError, match=r"shape \(n, 4\)"):
        decode_nearest(np.array([0.9, 0.1, 0.6, 0.9]))  # one image, not a row of them
    with pytest.raises(ValueError, match=r"shape \(n, 4\)"):
        decode_nearest(np.zeros((3, 10)))
    with pytest.raises(ValueError, match="cannot encode"):
        binary_codes(10, 3)


def test_one_hot_by_hand():
    assert one_hot([6]).tolist() == [[0, 0, 0, 0, 0, 0, 1, 0, 0, 0]]
    assert one_hot(np.array([2, 0]), 3).tolist() == [[0, 0, 1], [1, 0, 0]]
    assert one_hot(np.array([], dtype=int)).shape == (0, 10)
    with pytest.raises(ValueError, match="0..9"):
        one_hot([10])
    with pytest.raises(ValueError, match="integers"):
        one_hot([0.5])
