"""Drawing helpers produce the elements a figure promises (smoke tests on an Agg canvas)."""
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from rnncourse import viz  # noqa: E402


def _texts(ax):
    return [t.get_text() for t in ax.texts]


def test_unrolled_rnn_has_one_copy_per_step_with_shared_weights():
    fig, ax = plt.subplots()
    viz.draw_unrolled_rnn(3, ax)
    texts = _texts(ax)
    for t in (1, 2, 3):
        assert f"$x_{t}$" in texts and f"$h_{t}$" in texts and f"$y_{t}$" in texts
    assert "$h_4$" not in texts
    assert texts.count(r"$W_{hh}$") == 3 + 1          # three unrolled copies + the folded loop
    plt.close(fig)


@pytest.mark.parametrize("kind", list(viz.SEQUENCE_TASKS))
def test_sequence_task_diagrams_draw_their_outputs(kind):
    fig, ax = plt.subplots()
    viz.draw_sequence_task(kind, ax, example="demo")
    n_in, n_out, _ = viz.SEQUENCE_TASKS[kind]
    boxes = ax.patches
    outputs = [p for p in boxes if p.get_edgecolor()[:3] == matplotlib.colors.to_rgb(viz.NODE_STYLE["output"]["edgecolor"])]
    inputs = [p for p in boxes if p.get_edgecolor()[:3] == matplotlib.colors.to_rgb(viz.NODE_STYLE["input"]["edgecolor"])]
    assert len(outputs) == n_out and len(inputs) == n_in
    assert "demo" in _texts(ax)
    plt.close(fig)


def test_graph_draws_every_node_and_edge_label():
    fig, ax = plt.subplots()
    viz.draw_graph({"a": (0, 0, "A", "input"), "b": (2, 0, "B", "output")}, [("a", "b", "w")], ax=ax)
    assert {"A", "B", "w"} <= set(_texts(ax))
    plt.close(fig)


def _circles(ax):
    return [p for p in ax.patches if isinstance(p, matplotlib.patches.Circle)]


def test_lstm_cell_diagram_carries_the_chapter_symbols():
    fig, ax = plt.subplots()
    viz.draw_lstm_cell(ax)
    texts = _texts(ax)
    for label in (r"$c_{t-1}$", r"$c_t$", r"$h_{t-1}$", r"$h_t$", r"$x_t$", r"$f_t$", r"$i_t$", r"$g_t$", r"$o_t$"):
        assert label in texts, label
    assert texts.count(r"$\sigma$") == 3 and texts.count("tanh") == 2     # gates i, f, o; block input g; tanh(c_t)
    assert texts.count(r"$\odot$") == 3 and texts.count("+") == 1          # f*c, i*g, o*tanh(c); one sum
    assert len(_circles(ax)) == 5                                           # every elementwise op is drawn
    fig.canvas.draw()                                                        # renders (TeX labels parse)
    plt.close(fig)


def test_gru_cell_diagram_carries_the_chapter_symbols():
    fig, ax = plt.subplots()
    viz.draw_gru_cell(ax)
    texts = _texts(ax)
    for label in (r"$h_{t-1}$", r"$h_t$", r"$x_t$", r"$r_t$", r"$z_t$", r"$n_t$"):
        assert label in texts, label
    assert r"$c_t$" not in texts and r"$c_{t-1}$" not in texts               # one state only
    assert texts.count(r"$\sigma$") == 2 and texts.count("tanh") == 1        # gates r, z; candidate n
    assert texts.count(r"$\odot$") == 3 and texts.count("+") == 1 and r"$1-$" in texts
    assert any("W_{hn}" in t for t in texts)                                  # r applied after the hidden matmul
    fig.canvas.draw()
    plt.close(fig)


def test_cell_diagrams_make_their_own_axes():
    for draw in (viz.draw_lstm_cell, viz.draw_gru_cell):
        ax = draw()
        assert ax.get_title() and not ax.axison
        plt.close(ax.figure)


def test_graph_arrows_stop_at_the_boxes_and_every_box_is_inside_the_axes():
    """The first figure of the book: arrows must not run over labels, boxes must not be cut off."""
    size = (2.1, 0.9)
    nodes = {"x": (0, 2, "x", "input"), "y": (0, 0.5, "y", "input"), "z": (0, -1, "z", "input"),
             "q": (3, 1.25, "q", "op"), "f": (6, 0.1, "f", "output")}
    fig, ax = plt.subplots(figsize=(8, 3.6))
    viz.draw_graph(nodes, [("x", "q", "+"), ("y", "q", "+"), ("q", "f", "*"), ("z", "f", "*")], ax=ax, node_size=size)
    arrows = [p for p in ax.patches if isinstance(p, matplotlib.patches.FancyArrowPatch)]
    assert len(arrows) == 4
    half_w, half_h = size[0] / 2, size[1] / 2
    for arrow in arrows:
        for px, py in arrow._posA_posB:                                   # the ends the arrow was given
            for cx, cy, *_ in nodes.values():                             # no end inside a box's interior
                assert abs(px - cx) >= half_w - 1e-9 or abs(py - cy) >= half_h - 1e-9
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    for cx, cy, *_ in nodes.values():
        assert x0 < cx - half_w and cx + half_w < x1 and y0 < cy - half_h and cy + half_h < y1
    plt.close(fig)


def test_box_edge_point_lies_on_the_outline():
    assert viz.box_edge_point((0, 0), (10, 0), (2, 1), pad=0) == (1.0, 0.0)
    assert viz.box_edge_point((0, 0), (0, -5), (2, 1), pad=0) == (0.0, -0.5)
    x, y = viz.box_edge_point((0, 0), (4, 4), (2, 1), pad=0)              # leaves through the top edge
    assert (x, y) == (0.5, 0.5)
    with pytest.raises(ValueError, match="same point"):
        viz.box_edge_point((1, 1), (1, 1), (2, 1))
