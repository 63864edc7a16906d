"""Diagrams of book/deep-bidirectional-recursive.md, drawn from data with :func:`rnncourse.viz.draw_graph`:
a bidirectional RNN unrolled, a binary tree with a value at every node, and the deep recurrent networks of
Pascanu et al. (2014) (stacked, DT, DT(S), DO, DOT), each one time step plus its recurrent connection.
"""
from __future__ import annotations

from .viz import _axes, draw_arrow, draw_graph, draw_node


def bidirectional_graph(T: int = 4):
    """nodes, edges of a bidirectional RNN over T steps: x_t feeds both the forward state h->_t and the
    backward state h<-_t; both feed y_t; h->_{t-1} feeds h->_t and h<-_{t+1} feeds h<-_t."""
    nodes, edges = {}, []
    for t in range(1, T + 1):
        x = 2.6 * t
        nodes |= {f"x{t}": (x, 0, rf"$x_{t}$", "input"),
                  f"f{t}": (x - 0.6, 1.4, rf"$\overrightarrow{{h}}_{t}$", "hidden"),
                  f"b{t}": (x + 0.6, 2.6, rf"$\overleftarrow{{h}}_{t}$", "hidden"),
                  f"y{t}": (x, 4.0, rf"$y_{t}$", "output")}
        edges += [(f"x{t}", f"f{t}"), (f"x{t}", f"b{t}"), (f"f{t}", f"y{t}"), (f"b{t}", f"y{t}")]
        if t > 1:
            edges += [(f"f{t - 1}", f"f{t}"), (f"b{t}", f"b{t - 1}")]
    return nodes, edges


def draw_bidirectional(T: int = 4, ax=None):
    """A bidirectional RNN unrolled over T steps. Returns the Axes."""
    nodes, edges = bidirectional_graph(T)
    return draw_graph(nodes, edges, ax=ax, node_size=(0.8, 0.55))


def tree_layout(tree, depth: int = 0, next_x=None):
    """Positions of a nested-tuple tree: leaves at x = 0, 1, 2, ... left to right, parents above the middle
    of their children. Returns (node list [(x, y, subtree)], edges [(child index, parent index)], root index)."""
    next_x = [0] if next_x is None else next_x
    nodes, edges = [], []

    def place(sub):
        if not isinstance(sub, tuple):
            nodes.append((float(next_x[0]), 0.0, sub))
            next_x[0] += 1
            return len(nodes) - 1
        left, right = place(sub[0]), place(sub[1])
        y = max(nodes[left][1], nodes[right][1]) + 1.0
        nodes.append(((nodes[left][0] + nodes[right][0]) / 2, y, sub))
        edges.extend([(left, len(nodes) - 1), (right, len(nodes) - 1)])
        return len(nodes) - 1

    root = place(tree)
    return nodes, edges, root


def draw_tree(tree, label=None, ax=None, title: str = ""):
    """Draw a binary tree, leaves at the bottom; ``label(subtree) -> str`` writes each node (default: a leaf's
    token, a blank for an internal node). Returns the Axes."""
    ax = _axes(ax)
    nodes, edges, _ = tree_layout(tree)
    for child, parent in edges:
        draw_arrow(ax, nodes[child][:2], nodes[parent][:2], shrink=14)
    for x, y, sub in nodes:
        text = label(sub) if label else ("" if isinstance(sub, tuple) else str(sub))
        draw_node(ax, (x, y), text, "hidden" if isinstance(sub, tuple) else "input",
                  size=(0.7, 0.45))
    xs, ys = [n[0] for n in nodes], [n[1] for n in nodes]
    ax.set_xlim(min(xs) - 0.6, max(xs) + 0.6)
    ax.set_ylim(min(ys) - 0.5, max(ys) + 0.5)
    if title:
        ax.set_title(title, fontsize=10)
    return ax


DEEP_LAYOUTS = {   # kind: nodes name -> (x, y, label, style); edges (from, to[, label])
    "RNN": ({"x": (2, 0), "hp": (0, 1.4), "h": (2, 1.4), "y": (2, 2.8)},
            [("x", "h"), ("hp", "h"), ("h", "y")]),
    "stacked": ({"x": (2, 0), "h1p": (0, 1.4), "h1": (2, 1.4), "h2p": (0, 2.8), "h2": (2, 2.8), "y": (2, 4.2)},
                [("x", "h1"), ("h1p", "h1"), ("h1", "h2"), ("h2p", "h2"), ("h2", "y")]),
    "DT": ({"x": (2, 0), "hp": (0, 1.4), "z": (2, 1.4), "h": (2, 2.8), "y": (2, 4.2)},
           [("x", "z"), ("hp", "z"), ("z", "h"), ("h", "y")]),
    "DT(S)": ({"x": (2, 0), "hp": (0, 1.4), "z": (2, 1.4), "h": (2, 2.8), "y": (2, 4.2)},
              [("x", "z"), ("hp", "z"), ("z", "h"), ("hp", "h", "shortcut"), ("h", "y")]),
    "DO": ({"x": (2, 0), "hp": (0, 1.4), "h": (2, 1.4), "o": (2, 2.8), "y": (2, 4.2)},
           [("x", "h"), ("hp", "h"), ("h", "o"), ("o", "y")]),
    "DOT": ({"x": (2, 0), "hp": (0, 1.4), "z": (2, 1.4), "h": (2, 2.8), "o": (2, 4.2), "y": (2, 5.6)},
            [("x", "z"), ("hp", "z"), ("z", "h"), ("h", "o"), ("o", "y")]),
}
_LABELS = {"x": (r"$x_t$", "input"), "hp": (r"$h_{t-1}$", "hidden"), "h": (r"$h_t$", "hidden"),
           "z": (r"$z_t$", "op"), "o": (r"$o_t$", "op"), "y": (r"$y_t$", "output"),
           "h1p": (r"$h^{(1)}_{t-1}$", "hidden"), "h1": (r"$h^{(1)}_t$", "hidden"),
           "h2p": (r"$h^{(2)}_{t-1}$", "hidden"), "h2": (r"$h^{(2)}_t$", "hidden")}


def deep_rnn_graph(kind: str):
    """nodes, edges of one time step of a deep RNN of Pascanu et al. (2014): ``kind`` in DEEP_LAYOUTS.
    Grey boxes (z_t, o_t) are the extra nonlinear layers; h_{t-1} is the previous step's state."""
    if kind not in DEEP_LAYOUTS:
        raise ValueError(f"kind must be one of {tuple(DEEP_LAYOUTS)}; got {kind!r}")
    places, edges = DEEP_LAYOUTS[kind]
    return {name: (*xy, *_LABELS[name]) for name, xy in places.items()}, edges


def draw_deep_rnn(kind: str, ax=None):
    """One time step of a deep RNN (see :func:`deep_rnn_graph`), titled with its kind. Returns the Axes."""
    nodes, edges = deep_rnn_graph(kind)
    ax = draw_graph(nodes, edges, ax=ax, node_size=(0.95, 0.55))
    ax.set_xlim(-0.8, 2.8)
    ax.set_ylim(-0.6, 6.2)
    ax.set_title(kind, fontsize=11)
    return ax
