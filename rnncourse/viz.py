"""Matplotlib helpers the chapters share: computational graphs, unrolled RNNs, sequence-task diagrams.

Each function draws onto an ``Axes`` it is given (or a new one) and returns it, so a chapter composes
figures without repeating drawing code. Nothing here computes model values; pass labels in.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

NODE_STYLE = {
    "input": dict(facecolor="#dbeafe", edgecolor="#1d4ed8"),
    "hidden": dict(facecolor="#dcfce7", edgecolor="#15803d"),
    "output": dict(facecolor="#fee2e2", edgecolor="#b91c1c"),
    "op": dict(facecolor="#f3f4f6", edgecolor="#374151"),
}


def _axes(ax):
    if ax is None:
        _, ax = plt.subplots()
    ax.set_aspect("equal")
    ax.axis("off")
    return ax


def draw_node(ax, xy, label: str, kind: str = "op", size=(0.8, 0.5), fontsize=10):
    """A rounded box centred at ``xy`` with ``label`` (TeX allowed); ``kind`` picks the colour."""
    w, h = size
    box = FancyBboxPatch((xy[0] - w / 2, xy[1] - h / 2), w, h, boxstyle="round,pad=0.04", linewidth=1.2,
                         **NODE_STYLE[kind])
    ax.add_patch(box)
    ax.text(xy[0], xy[1], label, ha="center", va="center", fontsize=fontsize)


def draw_arrow(ax, start, end, label: str = "", color="#374151", curved: float = 0.0, fontsize=9, shrink=18):
    """An arrow from ``start`` to ``end`` (optionally bent by ``curved``), with an optional label at its middle."""
    arrow = FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=12, color=color, linewidth=1.2,
                            connectionstyle=f"arc3,rad={curved}", shrinkA=shrink, shrinkB=shrink)
    ax.add_patch(arrow)
    if label:
        mx, my = (start[0] + end[0]) / 2, (start[1] + end[1]) / 2
        if abs(end[0] - start[0]) < 1e-9:  # vertical arrow: label beside it, not on it
            ax.text(mx + 0.08, my, label, ha="left", va="center", fontsize=fontsize, color=color)
        else:
            ax.text(mx, my + 0.08 + 0.5 * abs(curved), label, ha="center", va="bottom", fontsize=fontsize, color=color)


def box_edge_point(centre, toward, size, pad=0.04):
    """Where the ray from ``centre`` to ``toward`` leaves a box of ``size`` = (w, h) centred at ``centre``.

    ``pad`` is the rounding pad of :func:`draw_node`'s boxes, so the point lies on the drawn outline.
    """
    (cx, cy), (tx, ty) = centre, toward
    dx, dy = tx - cx, ty - cy
    half_w, half_h = size[0] / 2 + pad, size[1] / 2 + pad
    scales = [half_w / abs(dx)] if abs(dx) > 1e-12 else []
    scales += [half_h / abs(dy)] if abs(dy) > 1e-12 else []
    if not scales:
        raise ValueError(f"box_edge_point: centre and toward are the same point {tuple(centre)}")
    s = min(scales)
    return cx + s * dx, cy + s * dy


def draw_graph(nodes: Mapping[str, tuple], edges: Sequence[tuple], ax=None, node_size=(0.9, 0.5), margin=0.15):
    """Draw a directed graph of boxes.

    nodes: name -> (x, y, label, kind); edges: (from, to) or (from, to, label). Every arrow runs from the
    outline of its source box to the outline of its target box, so it never crosses a label, and the
    axes show every box whole (``margin`` in data units around the outermost boxes). Returns the Axes.
    """
    ax = _axes(ax)
    for x, y, label, kind in nodes.values():
        draw_node(ax, (x, y), label, kind, size=node_size)
    for edge in edges:
        src, dst = nodes[edge[0]][:2], nodes[edge[1]][:2]
        start = box_edge_point(src, dst, node_size)
        end = box_edge_point(dst, src, node_size)
        draw_arrow(ax, start, end, edge[2] if len(edge) > 2 else "", shrink=2)
    xs = [v[0] for v in nodes.values()]
    ys = [v[1] for v in nodes.values()]
    half_w, half_h = node_size[0] / 2 + 0.04 + margin, node_size[1] / 2 + 0.04 + margin
    ax.set_xlim(min(xs) - half_w, max(xs) + half_w)
    ax.set_ylim(min(ys) - half_h, max(ys) + half_h)
    return ax


def draw_unrolled_rnn(T: int, ax=None, folded: bool = True, weight_labels=(r"$W_{ih}$", r"$W_{hh}$", r"$W_{hy}$")):
    """The RNN drawn folded (one cell with a self-loop) and unrolled over ``T`` steps.

    Every copy carries the same weight labels: that the copies share parameters is the point of the figure.
    """
    ax = _axes(ax)
    w_ih, w_hh, w_hy = weight_labels
    x0 = 0.0
    if folded:
        draw_node(ax, (0, 0), r"$x_t$", "input")
        draw_node(ax, (0, 1.5), r"$h_t$", "hidden")
        draw_node(ax, (0, 3), r"$y_t$", "output")
        draw_arrow(ax, (0, 0), (0, 1.5), w_ih)
        draw_arrow(ax, (0, 1.5), (0, 3), w_hy)
        ax.add_patch(FancyArrowPatch((0.42, 1.62), (0.42, 1.38), arrowstyle="-|>", mutation_scale=12, shrinkA=0,
                                     shrinkB=0, connectionstyle="arc3,rad=-2.2", color="#15803d", linewidth=1.2))
        ax.text(0.75, 1.5, w_hh, ha="left", va="center", fontsize=9, color="#15803d")
        ax.text(2.0, 1.5, "=", ha="center", va="center", fontsize=20)
        x0 = 3.2
    draw_node(ax, (x0, 1.5), r"$h_0$", "hidden")
    for t in range(1, T + 1):
        x = x0 + 1.8 * t
        draw_node(ax, (x, 0), rf"$x_{t}$", "input")
        draw_node(ax, (x, 1.5), rf"$h_{t}$", "hidden")
        draw_node(ax, (x, 3), rf"$y_{t}$", "output")
        draw_arrow(ax, (x, 0), (x, 1.5), w_ih)
        draw_arrow(ax, (x, 1.5), (x, 3), w_hy)
        draw_arrow(ax, (x - 1.8, 1.5), (x, 1.5), w_hh, color="#15803d")
    ax.set_xlim(-0.8, x0 + 1.8 * T + 0.8)
    ax.set_ylim(-0.6, 3.6)
    return ax


SEQUENCE_TASKS = {
    # name: (number of input steps, number of output steps, which input steps have outputs aligned)
    "one to one": (1, 1, "aligned"),
    "one to many": (1, 4, "after"),
    "many to one": (4, 1, "last"),
    "many to many\n(encoder-decoder)": (3, 3, "after"),
    "many to many\n(aligned)": (4, 4, "aligned"),
}


def draw_sequence_task(kind: str, ax=None, example: str = ""):
    """One of the input/output patterns of :data:`SEQUENCE_TASKS`: inputs (blue) below, outputs (red) above.

    Hidden states (green) are chained left to right; an example application is written underneath.
    """
    ax = _axes(ax)
    n_in, n_out, align = SEQUENCE_TASKS[kind]
    n_steps = n_in + n_out if align == "after" and n_in > 1 or kind.startswith("one to many") else max(n_in, n_out)
    if align == "after" and n_in == 1:
        n_steps = n_out
    for t in range(n_steps):
        x = 1.0 * t
        draw_node(ax, (x, 1), "", "hidden", size=(0.6, 0.45))
        if t > 0:
            draw_arrow(ax, (x - 1, 1), (x, 1), shrink=10)
        has_input = t < n_in
        if align == "aligned" or align == "last" or (align == "after" and has_input):
            if has_input:
                draw_node(ax, (x, 0), "", "input", size=(0.6, 0.45))
                draw_arrow(ax, (x, 0), (x, 1), shrink=10)
        outputs_here = {
            "aligned": t < n_out,
            "last": t == n_steps - 1,
            "after": (t >= n_steps - n_out),
        }[align]
        if outputs_here:
            draw_node(ax, (x, 2), "", "output", size=(0.6, 0.45))
            draw_arrow(ax, (x, 1), (x, 2), shrink=10)
    ax.set_title(kind, fontsize=10)
    if example:
        ax.text((n_steps - 1) / 2, -0.75, example, ha="center", va="top", fontsize=9, style="italic")
    ax.set_xlim(-0.7, max(n_steps - 1, 0) + 0.7)
    ax.set_ylim(-1.3, 2.5)
    return ax


# --- gated cells --------------------------------------------------------------------------------------
# The LSTM and GRU cells drawn as data-flow diagrams: gate boxes (a sigmoid or tanh layer reading
# x_t and h_{t-1} through W_ih, W_hh), elementwise operations in circles, the state path along the top.

GATE_STYLE = {
    "sigmoid": dict(facecolor="#fef3c7", edgecolor="#b45309"),
    "tanh": dict(facecolor="#ede9fe", edgecolor="#6d28d9"),
}
STATE_COLOR = "#15803d"


def _gate(ax, xy, kind: str, name: str, size=(0.95, 0.6)):
    """A layer box (sigmoid or tanh of an affine map of x_t and h_{t-1}) with its output's symbol beside it."""
    w, h = size
    ax.add_patch(FancyBboxPatch((xy[0] - w / 2, xy[1] - h / 2), w, h, boxstyle="round,pad=0.03", linewidth=1.2,
                                **GATE_STYLE[kind]))
    ax.text(xy[0], xy[1], r"$\sigma$" if kind == "sigmoid" else "tanh", ha="center", va="center", fontsize=11)
    ax.text(xy[0] + 0.12, xy[1] + h / 2 + 0.12, name, ha="left", va="bottom", fontsize=11)


def _pointwise(ax, xy, symbol: str, radius=0.3):
    """An elementwise operation (odot, +, tanh, 1-) in a circle."""
    ax.add_patch(plt.Circle(xy, radius, facecolor="white", edgecolor="#374151", linewidth=1.2, zorder=3))
    ax.text(xy[0], xy[1], symbol, ha="center", va="center", fontsize=12 if len(symbol) < 4 else 9, zorder=4)


def _wire(ax, points, color="#374151", arrow=True, lw=1.3, shrink_end=0.0):
    """A polyline through ``points`` with an arrow head at the end (stopping ``shrink_end`` before it)."""
    xs, ys = zip(*points)
    (x0, y0), (x1, y1) = points[-2], points[-1]
    length = max(((x1 - x0) ** 2 + (y1 - y0) ** 2) ** 0.5, 1e-9)
    end = (x1 - (x1 - x0) * shrink_end / length, y1 - (y1 - y0) * shrink_end / length)
    ax.plot(list(xs[:-1]) + [end[0]], list(ys[:-1]) + [end[1]], color=color, lw=lw, zorder=1, solid_capstyle="round")
    if arrow:
        ax.annotate("", xy=end, xytext=(x0, y0), zorder=2,
                    arrowprops=dict(arrowstyle="-|>", color=color, lw=lw, mutation_scale=12, shrinkA=0, shrinkB=0))


def _cell_frame(ax, width, height, title):
    ax = _axes(ax)
    ax.add_patch(FancyBboxPatch((0.8, 0.25), width - 1.6, height - 0.55, boxstyle="round,pad=0.1",
                                facecolor="#f9fafb", edgecolor="#9ca3af", linewidth=1.0, zorder=0))
    ax.set_xlim(-0.4, width + 0.4)
    ax.set_ylim(-0.8, height + 0.3)
    if title:
        ax.set_title(title)
    return ax


def _state_path(ax, y, x_keep, x_add, before: str, after: str):
    """The carried state along the top: ``before`` -> (odot with a gate at x_keep) -> (+ at x_add) -> ``after``."""
    ax.text(0.0, y, before, ha="right", va="center", fontsize=12, color=STATE_COLOR)
    _wire(ax, [(0.1, y), (x_keep, y)], color=STATE_COLOR, shrink_end=0.3, lw=2.2)
    _wire(ax, [(x_keep, y), (x_add, y)], color=STATE_COLOR, shrink_end=0.3, lw=2.2)
    _wire(ax, [(x_add, y), (10.9, y)], color=STATE_COLOR, lw=2.2)
    ax.text(11.0, y, after, ha="left", va="center", fontsize=12, color=STATE_COLOR)
    _pointwise(ax, (x_keep, y), r"$\odot$")
    _pointwise(ax, (x_add, y), "+")


def _input_bus(ax, y_bus, x_start, x_end, gates, y_gate):
    """x_t from below joins a bus at height y_bus that feeds every gate box; gates: (x, kind, name)."""
    ax.text(1.6, -0.55, r"$x_t$", ha="center", va="center", fontsize=12)
    _wire(ax, [(1.6, -0.35), (1.6, y_bus)], arrow=False)
    _wire(ax, [(x_start, y_bus), (x_end, y_bus)], arrow=False)
    for x, kind, name in gates:
        _wire(ax, [(x, y_bus), (x, y_gate - 0.33)])
        _gate(ax, (x, y_gate), kind, name)


def draw_lstm_cell(ax=None, title: str = "One LSTM step"):
    """The LSTM cell of torch.nn.LSTM: c_t = f_t * c_{t-1} + i_t * g_t, h_t = o_t * tanh(c_t).

    The cell path (top, green) carries c_{t-1} to c_t through one elementwise product and one sum; the four
    gate boxes read x_t and h_{t-1} (bottom) through W_ih and W_hh. Labels use the book's symbols.
    """
    ax = _cell_frame(ax, 11.0, 6.0, title)
    y_c, y_gate, y_bus = 5.0, 2.1, 0.8
    x_f, x_i, x_g, x_o = 2.6, 4.1, 5.6, 7.4
    x_add, x_tanh = 4.85, 8.8
    _state_path(ax, y_c, x_f, x_add, r"$c_{t-1}$", r"$c_t$")                # the cell path
    # inputs: h_{t-1} from the left, x_t from below, joined on one bus feeding every gate
    ax.text(0.0, y_bus, r"$h_{t-1}$", ha="right", va="center", fontsize=12)
    _input_bus(ax, y_bus, 0.1, x_o, [(x_f, "sigmoid", r"$f_t$"), (x_i, "sigmoid", r"$i_t$"),
                                     (x_g, "tanh", r"$g_t$"), (x_o, "sigmoid", r"$o_t$")], y_gate)
    ax.text(4.5, y_bus - 0.22, r"$x_t W_{ih}^\top + b_{ih} + h_{t-1} W_{hh}^\top + b_{hh}$", ha="center",
            va="top", fontsize=9, color="#4b5563")
    # forget: f_t * c_{t-1}
    _wire(ax, [(x_f, y_gate + 0.33), (x_f, y_c)], shrink_end=0.3)
    # write: i_t * g_t, added to the cell
    y_ig = 3.75
    _wire(ax, [(x_i, y_gate + 0.33), (x_i, y_ig), (x_add, y_ig)], shrink_end=0.3)
    _wire(ax, [(x_g, y_gate + 0.33), (x_g, y_ig), (x_add, y_ig)], shrink_end=0.3)
    _pointwise(ax, (x_add, y_ig), r"$\odot$")
    _wire(ax, [(x_add, y_ig), (x_add, y_c)], shrink_end=0.3)
    # read: h_t = o_t * tanh(c_t)
    y_tanh, y_h = 3.75, 2.1
    _wire(ax, [(x_tanh, y_c), (x_tanh, y_tanh)], color=STATE_COLOR, shrink_end=0.3)
    _pointwise(ax, (x_tanh, y_tanh), "tanh")
    _wire(ax, [(x_tanh, y_tanh), (x_tanh, y_h)], shrink_end=0.3)
    _wire(ax, [(x_o + 0.48, y_gate), (x_tanh, y_h)], shrink_end=0.3)
    _pointwise(ax, (x_tanh, y_h), r"$\odot$")
    _wire(ax, [(x_tanh, y_h), (x_tanh, y_bus), (10.9, y_bus)])
    ax.text(11.0, y_bus, r"$h_t$", ha="left", va="center", fontsize=12)
    return ax


def draw_gru_cell(ax=None, title: str = "One GRU step"):
    """The GRU cell of torch.nn.GRU: n_t = tanh(x_t W_in^T + b_in + r_t * (h_{t-1} W_hn^T + b_hn)),
    h_t = (1 - z_t) * n_t + z_t * h_{t-1}.

    The state path (top, green) carries h_{t-1} to h_t through one elementwise product and one sum;
    the reset gate scales the hidden part of the candidate after its matmul (PyTorch's convention).
    """
    ax = _cell_frame(ax, 11.0, 6.0, title)
    y_h, y_gate, y_bus = 5.0, 2.1, 0.8
    x_z, x_r, x_n = 2.6, 4.3, 7.9
    x_keep, x_add = 2.6, 9.0
    _state_path(ax, y_h, x_keep, x_add, r"$h_{t-1}$", r"$h_t$")             # the state path, which also feeds the gates
    _wire(ax, [(1.1, y_h), (1.1, y_bus)], color=STATE_COLOR, arrow=False)
    _input_bus(ax, y_bus, 1.1, x_n, [(x_z, "sigmoid", r"$z_t$"), (x_r, "sigmoid", r"$r_t$"),
                                     (x_n, "tanh", r"$n_t$")], y_gate)
    ax.text(4.5, y_bus - 0.22, r"$x_t W_{ih}^\top + b_{ih}$,  $h_{t-1} W_{hh}^\top + b_{hh}$", ha="center",
            va="top", fontsize=9, color="#4b5563")
    # reset: r_t scales the hidden part of the candidate, h_{t-1} W_hn^T + b_hn, after the matmul
    x_reset, y_reset = 5.75, 2.1
    _wire(ax, [(x_r, y_gate + 0.33), (x_r, 3.3), (x_reset, 3.3), (x_reset, y_reset)], shrink_end=0.3)
    _wire(ax, [(x_reset, y_bus), (x_reset, y_reset)], shrink_end=0.3)
    ax.text(x_reset + 0.1, (y_bus + y_reset) / 2 - 0.1, r"$h_{t-1} W_{hn}^\top + b_{hn}$", ha="left", va="center",
            fontsize=8, color="#4b5563")
    _pointwise(ax, (x_reset, y_reset), r"$\odot$")
    _wire(ax, [(x_reset, y_reset), (x_n - 0.48, y_gate)])
    # update: z_t keeps the old state, 1 - z_t admits the candidate
    _wire(ax, [(x_z, y_gate + 0.33), (x_z, y_h)], shrink_end=0.3)
    x_one_minus, y_mix = 6.6, 3.9
    _wire(ax, [(x_z, 3.9), (x_one_minus, y_mix)], shrink_end=0.3)
    _pointwise(ax, (x_one_minus, y_mix), r"$1-$")
    _wire(ax, [(x_one_minus, y_mix), (x_add, y_mix)], shrink_end=0.3)
    _wire(ax, [(x_n, y_gate + 0.33), (x_n, 3.3), (x_add, 3.3), (x_add, y_mix)], shrink_end=0.3)
    _pointwise(ax, (x_add, y_mix), r"$\odot$")
    _wire(ax, [(x_add, y_mix), (x_add, y_h)], shrink_end=0.3)
    return ax
