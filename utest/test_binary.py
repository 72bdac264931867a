"""Binary formats: round trips, frames from the real libraries, and hostile frames."""

from __future__ import annotations

import datetime
import math
import struct
from pathlib import Path

import cbor2
import msgpack
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from RobotWebSocket.binary import (
    MAX_DEPTH,
    EncodeError,
    MissingPackage,
    binary_format,
    json_text,
    require,
)
from RobotWebSocket.protocols.base import ProtocolError

PROTO = Path(__file__).parent.parent / "atest" / "resources" / "proto" / "feed.proto"

scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**64 - 1)
    | st.floats(allow_nan=False)
    | st.text(max_size=30)
    | st.binary(max_size=30)
)
documents = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=10), inner),
    max_leaves=30,
)


def is_document(value: object) -> bool:
    return not (isinstance(value, dict) and value.get("type") == "undecodable") or (
        isinstance(value.get("raw"), bytes) and isinstance(value.get("error"), str)
    )


def undecodable(value: object) -> bool:
    return isinstance(value, dict) and value.get("type") == "undecodable"


@pytest.fixture(scope="module")
def feed():
    return binary_format("protobuf", proto=str(PROTO), proto_message="feed.Trade")


# -- MessagePack and CBOR ----------------------------------------------------------------


@pytest.mark.parametrize("name", ["msgpack", "cbor"])
@given(document=documents)
@settings(max_examples=300, deadline=None)
def test_round_trip(name, document):
    fmt = binary_format(name)
    assert fmt.decode(fmt.encode(document)) == document


@given(document=documents)
@settings(max_examples=200, deadline=None)
def test_frames_of_the_real_libraries_decode_as_they_were_packed(document):
    assert binary_format("msgpack").decode(msgpack.packb(document)) == document
    assert binary_format("cbor").decode(cbor2.dumps(document)) == document


def test_timestamps_are_datetimes_and_go_back_as_timestamps():
    moment = datetime.datetime(2024, 5, 1, 12, 30, tzinfo=datetime.timezone.utc)
    for name in ("msgpack", "cbor"):
        fmt = binary_format(name)
        assert fmt.decode(fmt.encode({"at": moment})) == {"at": moment}
    assert json_text({"at": moment, "raw": b"\x00\xff"}) == (
        '{"at": "2024-05-01T12:30:00+00:00", "raw": "AP8="}'
    )


def test_msgpack_extension_types_and_cbor_tags_are_readable_documents():
    assert binary_format("msgpack").decode(b"\xd4\x05\x00") == {"ext": 5, "data": b"\x00"}
    assert binary_format("cbor").decode(cbor2.dumps(cbor2.CBORTag(4000, [1]))) == {
        "tag": 4000,
        "value": [1],
    }
    assert binary_format("cbor").decode(cbor2.dumps(2**100)) == 2**100


@pytest.mark.parametrize("name", ["msgpack", "cbor", "protobuf"])
@given(frame=st.binary(max_size=200))
@settings(max_examples=400, deadline=None)
def test_decoding_random_bytes_never_raises(name, frame):
    assert is_document(binary_format(name).decode(frame))


@pytest.mark.parametrize("name", ["msgpack", "cbor"])
@given(document=documents, data=st.data())
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_decoding_near_valid_frames_never_raises(name, document, data):
    fmt = binary_format(name)
    frame = bytearray(fmt.encode(document))
    how = data.draw(st.sampled_from(["cut", "flip", "insert", "append"]))
    at = data.draw(st.integers(0, len(frame)))
    if how == "cut":
        frame = frame[:at]
    elif how == "flip" and at < len(frame):
        frame[at] ^= data.draw(st.integers(1, 255))
    elif how == "insert":
        frame[at:at] = data.draw(st.binary(min_size=1, max_size=4))
    else:
        frame += data.draw(st.binary(min_size=1, max_size=4))
    result = fmt.decode(bytes(frame))
    assert is_document(result)
    if how == "append":
        assert undecodable(result), "bytes after the item are not dropped silently"


HOSTILE = {
    "msgpack": {
        "deep arrays": b"\x91" * 200_000 + b"\x00",
        "just too deep": b"\x91" * (MAX_DEPTH + 1) + b"\x00",
        "array of 2**32-1": b"\xdd\xff\xff\xff\xff",
        "bin of 2**32-1": b"\xc6\xff\xff\xff\xff",
        "map of 2**32-1": b"\xdf\xff\xff\xff\xff",
        "array as map key": b"\x81\x90\x00",
        "truncated str": b"\xda\x00\x10abc",
    },
    "cbor": {
        "deep arrays": b"\x81" * 200_000 + b"\x00",
        "deep tags": b"\xd8\x64" * 200_000 + b"\x00",
        "indefinite arrays": b"\x9f" * 100_000,
        "array of 2**63-1": b"\x9b\x7f\xff\xff\xff\xff\xff\xff\xff",
        "bytes of 2**63-1": b"\x5b\x7f\xff\xff\xff\xff\xff\xff\xff",
        "self-containing list": b"\xd8\x1c\x81\xd8\x1d\x00",
        "string reference": b"\xd9\x01\x00\x82\x63abc\xd8\x19\x00",
        "8 Mbit bignum": b"\xc2\x5a\x00\x10\x00\x00" + b"\xff" * 0x100000,
        "date out of range": b"\xc1\x1b\xff\xff\xff\xff\xff\xff\xff\xff",
        "trailing item": b"\x00\x00",
    },
    "protobuf": {
        "deep messages": b"".join(b"\x0a" + bytes([200 - i]) for i in range(150)),
        "length of 2**63": b"\x0a\xff\xff\xff\xff\xff\xff\xff\xff\x7f",
        "11-byte varint": b"\x08" + b"\xff" * 10 + b"\x01",
        "field 0": b"\x00\x01",
        "wire type 7": b"\x0f",
        "unended group": b"\x0b\x08\x01",
        "stray group end": b"\x0c",
    },
}


@pytest.mark.parametrize(
    "name,frame",
    [(name, frame) for name, frames in HOSTILE.items() for frame in frames.values()],
    ids=[f"{name}: {what}" for name, frames in HOSTILE.items() for what in frames],
)
def test_hostile_frames_become_undecodable_documents(name, frame, feed):
    result = binary_format(name).decode(frame)
    assert undecodable(result), result
    assert result["raw"] == frame
    if name == "protobuf":
        # With a schema, Google's runtime judges; whatever it says is a document.
        assert is_document(feed.decode(frame))


def test_nesting_up_to_the_limit_is_kept():
    frame = b"\x91" * (MAX_DEPTH - 1) + b"\x00"
    document = binary_format("msgpack").decode(frame)
    assert not undecodable(document)
    assert binary_format("cbor").decode(b"\x81" * (MAX_DEPTH - 1) + b"\x00") == document


@pytest.mark.parametrize("name", ["msgpack", "cbor"])
def test_what_cannot_be_encoded_fails_with_a_value_error(name):
    with pytest.raises(EncodeError, match="cannot be encoded") as caught:
        binary_format(name).encode({"a": object()})
    assert isinstance(caught.value, ValueError)


def test_robot_secrets_are_sent_as_their_text():
    class Secret:
        def __init__(self, value):
            self.value = value

    assert binary_format("msgpack").decode(
        binary_format("msgpack").encode({"token": Secret("s3")})
    ) == {"token": "s3"}


def test_unknown_format_and_stray_proto_arguments_are_refused():
    with pytest.raises(ProtocolError, match="unknown binary_format 'xml'.*msgpack, cbor"):
        binary_format("xml")
    with pytest.raises(ProtocolError, match="apply to binary_format=protobuf"):
        binary_format("msgpack", proto="x.proto")


def test_a_missing_package_says_how_to_install_it(monkeypatch):
    import importlib

    real = importlib.import_module

    def fake(name, *args):
        if name == "cbor2":
            raise ImportError("No module named 'cbor2'")
        return real(name, *args)

    monkeypatch.setattr(importlib, "import_module", fake)
    with pytest.raises(MissingPackage, match=r"CBOR needs .*'cbor2'.*pip install cbor2") as caught:
        binary_format("cbor")
    assert isinstance(caught.value, ImportError) and isinstance(caught.value, ProtocolError)
    with pytest.raises(MissingPackage, match=r"robotframework-websocket\[protobuf\]"):
        monkeypatch.setattr(
            importlib,
            "import_module",
            lambda name, *a: (
                (_ for _ in ()).throw(ImportError(name))
                if name.startswith("google")
                else real(name, *a)
            ),
        )
        require("google.protobuf", "Protocol Buffers")


# -- Protocol Buffers with a schema -------------------------------------------------------


def runtime_class(feed, name):
    return feed._class(feed._descriptor(name))


money = st.fixed_dictionaries(
    {
        "units": st.integers(-(2**63), 2**63 - 1),
        "nanos": st.integers(-(2**31), 2**31 - 1),
        "currency": st.text(max_size=5),
    }
)
trades = st.fixed_dictionaries(
    {},
    optional={
        "symbol": st.text(max_size=20),
        "id": st.integers(-(2**63), 2**63 - 1),
        "volume": st.integers(0, 2**64 - 1),
        "price": st.floats(allow_nan=False),
        "ratio": st.floats(allow_nan=False, width=32),
        "maker": st.booleans(),
        "signature": st.binary(max_size=20),
        "side": st.sampled_from(["SIDE_UNSPECIFIED", "BUY", "SELL"]),
        "notional": money,
        "tags": st.lists(st.text(max_size=5), max_size=4),
        "fills": st.lists(st.integers(-(2**63), 2**63 - 1), max_size=4),
        "venues": st.dictionaries(st.text(max_size=5), st.integers(-(2**31), 2**31 - 1)),
        "legs": st.dictionaries(st.integers(-(2**63), 2**63 - 1).map(str), money, max_size=3),
        "sequence": st.integers(-(2**31), 2**31 - 1),
        "delta": st.integers(-(2**63), 2**63 - 1),
        "checksum": st.integers(0, 2**64 - 1),
        "flags": st.integers(0, 2**32 - 1),
        "change": st.integers(-(2**31), 2**31 - 1),
    },
)


@given(trade=trades)
@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_protobuf_round_trip_with_a_schema(feed, trade):
    defaults = feed.decode(b"")
    frame = feed.encode(trade)
    assert feed.decode(frame) == {**defaults, **trade}
    # Google's runtime reads the frame the same way.
    message = runtime_class(feed, "feed.Trade")()
    message.ParseFromString(frame)
    assert message.symbol == trade.get("symbol", "")
    assert list(message.fills) == trade.get("fills", [])


def test_protobuf_documents_have_the_proto_names_and_defaults(feed):
    assert feed.message_type == "feed.Trade"
    defaults = feed.decode(b"")
    assert defaults["id"] == 0 and defaults["side"] == "SIDE_UNSPECIFIED"
    assert defaults["tags"] == [] and defaults["venues"] == {}
    assert "notional" not in defaults and "sequence" not in defaults and "note" not in defaults
    assert feed.decode(feed.encode({"sequence": 0}))["sequence"] == 0
    assert feed.decode(feed.encode({"notional": {}}))["notional"] == {
        "units": 0,
        "nanos": 0,
        "currency": "",
    }
    assert feed.decode(feed.encode({"note": "x"}))["note"] == "x"


def test_protobuf_reads_json_spellings_and_well_known_types(feed):
    document = feed.decode(
        feed.encode(
            {
                "id": "-12",
                "side": 2,
                "at": "2024-01-01T00:00:00Z",
                "extra": {"a": [1, "b", None]},
                "limit": 5,
                "quote": {"bid": 1.5},
            }
        )
    )
    assert document["id"] == -12 and document["side"] == "SELL"
    assert document["at"] == "2024-01-01T00:00:00Z"
    assert document["extra"] == {"a": [1.0, "b", None]}
    assert document["limit"] == 5
    assert document["quote"] == {"symbol": "", "bid": 1.5, "ask": 0.0}


def test_an_unknown_enum_number_stays_a_number(feed):
    frame = bytes([0x40, 9])  # field 8 (side), varint 9
    assert feed.decode(frame)["side"] == 9


def test_at_type_names_another_message_type(feed):
    frame = feed.encode({"@type": "feed.Quote", "symbol": "X", "bid": 2.0})
    quote = runtime_class(feed, "feed.Quote")()
    quote.ParseFromString(frame)
    assert (quote.symbol, quote.bid) == ("X", 2.0)
    assert feed.encode({"@type": "type.googleapis.com/feed.Quote", "symbol": "X"}) == (b"\x0a\x01X")


@pytest.mark.parametrize(
    "document,words",
    [
        ({"nope": 1}, "feed.Trade has no field 'nope'; its fields: symbol, id"),
        ({"side": "UP"}, "feed.Trade.side: 'UP' is not a feed.common.Side"),
        ({"id": "x"}, "feed.Trade.id: 'x' is not a value of a int64 field"),
        ({"small": 2**40}, "feed.Trade.small: "),
        ({"tags": "a"}, "feed.Trade.tags: a repeated field is a list"),
        ({"notional": {"units": 1.5}}, "feed.Trade.notional.units: 1.5"),
        ({"@type": "feed.Nope"}, "'feed.Nope' is not in the proto file; its types: feed.Envelope"),
        ([1], "a dictionary, not list"),
        ({"at": "yesterday"}, "feed.Trade.at: not a google.protobuf.Timestamp"),
    ],
)
def test_protobuf_encoding_errors_name_the_field(feed, document, words):
    with pytest.raises(EncodeError) as caught:
        feed.encode(document)
    assert words in str(caught.value)


def test_proto_set_up_errors(tmp_path):
    with pytest.raises(EncodeError, match="give one of feed.Envelope, feed.Quote"):
        binary_format("protobuf", proto=str(PROTO))
    with pytest.raises(EncodeError, match="does not exist"):
        binary_format("protobuf", proto=str(tmp_path / "none.proto"), proto_message="a.B")
    broken = tmp_path / "broken.proto"
    broken.write_text('syntax = "proto3";\nmessage A { strin x = 1; }\n')
    with pytest.raises(EncodeError, match=r"broken.proto does not compile: .*strin"):
        binary_format("protobuf", proto=str(broken), proto_message="A")
    with pytest.raises(EncodeError, match="proto_message needs proto="):
        binary_format("protobuf", proto_message="feed.Trade")
    junk = tmp_path / "set.pb"
    junk.write_bytes(b"\xff\xff\xff")
    with pytest.raises(EncodeError, match="neither a .proto file nor a descriptor set"):
        binary_format("protobuf", proto=str(junk), proto_message="feed.Trade")


def test_a_single_message_file_needs_no_proto_message(tmp_path):
    single = tmp_path / "one.proto"
    single.write_text('syntax = "proto3";\npackage p;\nmessage Ping { int64 at = 1; }\n')
    fmt = binary_format("protobuf", proto=str(single))
    assert fmt.message_type == "p.Ping"
    assert fmt.decode(fmt.encode({"at": 5})) == {"at": 5}


def test_a_descriptor_set_is_read_as_the_proto_file_is(tmp_path, feed):
    import subprocess
    import sys

    out = tmp_path / "feed.pb"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "grpc_tools.protoc",
            f"-I{PROTO.parent}",
            f"-I{Path(__import__('grpc_tools').__file__).parent / '_proto'}",
            "--include_imports",
            f"--descriptor_set_out={out}",
            str(PROTO),
        ],
        check=True,
    )
    from_set = binary_format("protobuf", proto=str(out), proto_message="feed.Trade")
    frame = feed.encode({"symbol": "A", "side": "BUY", "legs": {"3": {"units": 1}}})
    assert from_set.decode(frame) == feed.decode(frame)


# -- Protocol Buffers without a schema ----------------------------------------------------


def zigzag(value: int) -> int:
    return (value << 1) ^ (value >> 63)


def raw_expected(trade: dict) -> dict:
    """What decode_raw must give for ``trade`` as Google's runtime encodes it."""
    out: dict = {}

    def put(number: int, value) -> None:
        out[str(number)] = value

    if trade.get("symbol"):
        put(1, trade["symbol"])
    if trade.get("id"):
        put(2, trade["id"] % 2**64)
    if trade.get("volume"):
        put(3, trade["volume"])
    bits = struct.unpack("<Q", struct.pack("<d", trade.get("price", 0.0)))[0]
    if bits:  # -0.0 is sent: proto3 leaves out only values whose bits are all zero
        put(4, bits)
    if trade.get("maker"):
        put(6, 1)
    if trade.get("signature"):
        put(7, trade["signature"])
    if "notional" in trade:
        money = {
            str(n): v
            for n, v in (
                (1, trade["notional"]["units"] % 2**64),
                (3, trade["notional"]["currency"]),
            )
            if v
        }
        put(9, money or "")
    tags = trade.get("tags", [])
    if tags:
        put(10, tags[0] if len(tags) == 1 else tags)
    if trade.get("delta"):
        put(17, zigzag(trade["delta"]))
    if trade.get("checksum"):
        put(18, trade["checksum"])
    if trade.get("flags"):
        put(22, trade["flags"])
    return out


printable = st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=40
)
raw_trades = st.fixed_dictionaries(
    {},
    optional={
        "symbol": printable,
        "id": st.integers(-(2**63), 2**63 - 1),
        "volume": st.integers(0, 2**64 - 1),
        "price": st.floats(allow_nan=False),
        "maker": st.booleans(),
        # Bytes that are not UTF-8 and whose first byte is no field key (wire type 7).
        "signature": st.binary(max_size=20).map(lambda b: b"\xff" + b),
        "notional": st.fixed_dictionaries(
            {"units": st.integers(-(2**63), 2**63 - 1), "currency": printable | st.just("")}
        ),
        "tags": st.lists(printable, max_size=4),
        "delta": st.integers(-(2**63), 2**63 - 1),
        "checksum": st.integers(0, 2**64 - 1),
        "flags": st.integers(0, 2**32 - 1),
    },
)


@given(trade=raw_trades)
@settings(
    max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_schemaless_decoding_matches_what_the_runtime_encoded(feed, trade):
    message = runtime_class(feed, "feed.Trade")()
    for name, value in trade.items():
        if name == "notional":
            message.notional.units = value["units"]
            message.notional.currency = value["currency"]
        elif name == "tags":
            message.tags.extend(value)
        else:
            setattr(message, name, value)
    frame = message.SerializeToString()
    assert binary_format("protobuf").decode(frame) == raw_expected(trade)


def test_schemaless_rules_for_length_delimited_values():
    raw = binary_format("protobuf")
    assert raw.decode(b"\x0a\x02hi") == {"1": "hi"}
    # A nested message whose only field is a long string is printable, and still a message.
    long_name = "n" * 40
    nested = b"\x0a" + bytes([len(long_name)]) + long_name.encode()
    assert raw.decode(b"\x0a" + bytes([len(nested)]) + nested) == {"1": {"1": long_name}}
    assert raw.decode(b"\x0a\x00") == {"1": ""}
    assert raw.decode(b"\x0a\x02\xff\xfe") == {"1": b"\xff\xfe"}
    assert raw.decode(b"\x0b\x08\x01\x0c") == {"1": {"1": 1}}  # a group
    assert raw.decode(b"\x0d\x01\x00\x00\x00\x11" + b"\x02" + b"\x00" * 7) == {"1": 1, "2": 2}
    assert raw.decode(b"") == {}


def test_schemaless_encoding_is_the_inverse_for_what_the_wire_tells():
    raw = binary_format("protobuf")
    document = {"1": 150, "2": "testing", "3": {"1": -1}, "4": [1, 2], "5": b"\xff"}
    decoded = raw.decode(raw.encode(document))
    assert decoded == {**document, "3": {"1": 2**64 - 1}}
    with pytest.raises(EncodeError, match=r"\$\.1: a number with a fraction needs a schema"):
        raw.encode({"1": 1.5})
    with pytest.raises(EncodeError, match="field names are numbers from 1"):
        raw.encode({"name": 1})
    assert raw.encode(b"\x08\x01") == b"\x08\x01"


def test_json_text_never_raises():
    assert json_text({"n": 10**5000}).startswith('{"unprintable"')
    assert json_text({"x": math.inf, "s": {1}}) == '{"x": Infinity, "s": [1]}'
