"""Matplotlib helpers the chapters share: computational graphs, unrolled RNNs, sequence-task diagrams.

Each function draws onto an ``Axes`` it is given (or a new one) and returns it, so a chapter composes
figures without repeating drawing code. Nothing here computes model values; pass labels in.
"""
from __future__ import annotations

from typing import Mapping, Sequence

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


def draw_graph(nodes: Mapping[str, tuple], edges: Sequence[tuple], ax=None, node_size=(0.9, 0.5)):
    """Draw a directed graph.

    nodes: name -> (x, y, label, kind); edges: (from, to) or (from, to, label). Returns the Axes.
    """
    ax = _axes(ax)
    for name, (x, y, label, kind) in nodes.items():
        draw_node(ax, (x, y), label, kind, size=node_size)
    for edge in edges:
        src, dst = nodes[edge[0]], nodes[edge[1]]
        draw_arrow(ax, src[:2], dst[:2], edge[2] if len(edge) > 2 else "")
    xs = [v[0] for v in nodes.values()]
    ys = [v[1] for v in nodes.values()]
    ax.set_xlim(min(xs) - 1, max(xs) + 1)
    ax.set_ylim(min(ys) - 0.8, max(ys) + 0.8)
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
