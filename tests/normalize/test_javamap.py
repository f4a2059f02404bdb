"""HashMap iteration order and Java toString(), checked against a model of java.util.HashMap."""

from __future__ import annotations

import math
import random

from hypothesis import given
from hypothesis import strategies as st

from trailsweep.normalize.javamap import (
    hashmap_bucket,
    hashmap_capacity,
    hashmap_order,
    java_double,
    java_string_hash,
    java_to_string,
)

_keys = st.lists(st.text(max_size=12), unique=True, max_size=60)


class _JavaHashMap:
    """Puts into a chained table that doubles at 0.75 load, splitting each chain in order."""

    def __init__(self) -> None:
        self.table: list[list[str]] = [[] for _ in range(16)]
        self.size = 0

    def put(self, key: str) -> None:
        chain = self.table[hashmap_bucket(key, len(self.table))]
        if key in chain:
            return
        chain.append(key)
        self.size += 1
        if self.size > len(self.table) * 3 // 4:
            self._resize()

    def _resize(self) -> None:
        old = self.table
        self.table = [[] for _ in range(len(old) * 2)]
        for index, chain in enumerate(old):
            for key in chain:  # Java keeps each half of a split chain in its old order
                self.table[hashmap_bucket(key, len(self.table))].append(key)
            assert all(
                hashmap_bucket(k, len(self.table)) in (index, index + len(old)) for k in chain
            )

    def keys(self) -> list[str]:
        return [key for chain in self.table for key in chain]


def _reference_hash(text: str) -> int:
    units = text.encode("utf-16-be")
    total = sum(
        ((units[i] << 8) | units[i + 1]) * pow(31, len(units) // 2 - 1 - i // 2, 1 << 32)
        for i in range(0, len(units), 2)
    ) % (1 << 32)
    return total - (1 << 32) if total >= 1 << 31 else total


def test_fixture_example_order() -> None:
    # test-put-object-json: {"Host": ..., "bucketName": ...} -> {bucketName=..., Host=...}
    record = {"Host": "b.s3.us-east-1.amazonaws.com", "bucketName": "b"}
    assert java_to_string(record) == "{bucketName=b, Host=b.s3.us-east-1.amazonaws.com}"


def test_known_hashes() -> None:
    assert java_string_hash("") == 0
    assert java_string_hash("hello") == 99162322
    assert java_string_hash("polygenelubricants") == -2147483648  # Java's famous MIN_VALUE


def test_capacity_grows_past_three_quarters() -> None:
    assert [hashmap_capacity(n) for n in (1, 12, 13, 24, 25, 48, 49)] == [
        16,
        16,
        32,
        32,
        64,
        64,
        128,
    ]


@given(st.text(max_size=30))
def test_hash_matches_polynomial_definition(text: str) -> None:
    assert java_string_hash(text) == _reference_hash(text)


@given(_keys)
def test_order_matches_a_java_hashmap_model(keys: list[str]) -> None:
    model = _JavaHashMap()
    for key in keys:
        model.put(key)
    assert hashmap_order(keys) == model.keys()


@given(_keys, st.randoms())
def test_order_is_a_permutation_sorted_by_bucket(keys: list[str], rng: random.Random) -> None:
    shuffled = list(keys)
    rng.shuffle(shuffled)
    capacity = hashmap_capacity(len(keys))
    ordered, reordered = hashmap_order(keys), hashmap_order(shuffled)
    assert sorted(ordered) == sorted(keys)
    # The bucket sequence, and which keys share each bucket, depend on the key set only;
    # insertion order only decides the order inside a bucket.
    buckets = [hashmap_bucket(key, capacity) for key in ordered]
    assert buckets == sorted(buckets)
    assert buckets == [hashmap_bucket(key, capacity) for key in reordered]
    if len(set(buckets)) == len(buckets):
        assert ordered == reordered


@given(st.lists(st.text(max_size=8), unique=True, min_size=2, max_size=20))
def test_keys_sharing_a_bucket_keep_insertion_order(keys: list[str]) -> None:
    capacity = hashmap_capacity(len(keys))
    ordered = hashmap_order(keys)
    for bucket in {hashmap_bucket(key, capacity) for key in keys}:
        inserted = [key for key in keys if hashmap_bucket(key, capacity) == bucket]
        assert [key for key in ordered if hashmap_bucket(key, capacity) == bucket] == inserted


def test_removed_entries_keep_the_parsed_capacity() -> None:
    # 13 keys sized the map to 32 buckets; 12 of them survive the remove-nulls script, and
    # their order is the 32-bucket order, not the 16-bucket order of a fresh 12-key map.
    keys = [f"param{index}" for index in range(13)]
    record = {key: ("" if key == "param12" else "v") for key in keys}
    text = java_to_string(record, removed=lambda value: value == "")
    survivors = keys[:12]
    assert text == "{" + ", ".join(f"{k}=v" for k in hashmap_order(survivors, 32)) + "}"
    assert hashmap_order(survivors, 32) != hashmap_order(survivors)


def test_nested_values_render_like_java() -> None:
    value = {"a": [1, {"b": True}], "c": None, "d": 2.5e-05}
    assert java_to_string(value) == "{a=[1, {b=true}], c=null, d=2.5E-5}"


def test_removed_values_and_emptied_containers_disappear() -> None:
    removed = {"a": "", "b": {"c": None}, "d": [None], "e": "x"}
    assert java_to_string(removed, removed=lambda v: v is None or v == "") == "{e=x}"
    assert java_to_string({"a": None}, removed=lambda v: v is None) is None


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_java_double_round_trips_and_switches_notation(value: float) -> None:
    text = java_double(value)
    assert float(text) == value
    plain = value == 0 or 1e-3 <= abs(value) < 1e7
    assert ("E" not in text) == plain
    assert "." in text


def test_java_double_special_values() -> None:
    assert [java_double(v) for v in (math.inf, -math.inf, math.nan)] == [
        "Infinity",
        "-Infinity",
        "NaN",
    ]
    assert [java_double(v) for v in (100.0, 1e7, 1.0e-3, 9.99e-4)] == [
        "100.0",
        "1.0E7",
        "0.001",
        "9.99E-4",
    ]
