"""bench/messages.py names what each websocket message of a change is, from Streamlit's own ForwardMsg."""

from __future__ import annotations

from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from bench.messages import describe, totals


def _frame(build) -> bytes:
    msg = ForwardMsg()
    build(msg)
    return msg.SerializeToString()


def test_each_message_is_named_by_kind_and_place_and_totalled_per_kind():
    def element(msg):
        msg.metadata.delta_path[:] = [0, 3]
        msg.delta.new_element.markdown.body = "A caption"

    def reference(msg):
        msg.metadata.delta_path[:] = [0, 4]
        msg.ref_hash = "0123456789abcdef0123456789abcdef"

    def block(msg):
        msg.metadata.delta_path[:] = [1, 8]
        msg.delta.add_block.expandable.label = "Share this view"

    def finished(msg):
        msg.script_finished = ForwardMsg.FINISHED_SUCCESSFULLY

    frames = [_frame(b) for b in (element, reference, reference, block, finished)]
    rows = describe(frames)
    assert [(kind, place) for _, kind, place in rows] == [
        ("element:markdown", "0.3"),
        ("reference", "0.4"),
        ("reference", "0.4"),
        ("block:expandable", "1.8"),
        ("script_finished", ""),
    ]
    assert [size for size, _, _ in rows] == [len(f) for f in frames]
    by_kind = totals(rows)
    assert by_kind["reference"] == (2, 2 * len(frames[1]))
    assert list(by_kind)[0] == max(by_kind, key=lambda k: by_kind[k][1])  # largest first
