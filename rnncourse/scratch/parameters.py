"""What every scratch module shares with ``torch.nn.Module``: named parameters, their gradients, and the
state_dict surface.

A module keeps ``params`` and ``grads``: dicts from torch's state_dict keys to arrays of equal shapes.
``forward`` caches, ``backward`` ADDS into ``grads`` (as autograd accumulates into ``.grad``), and
``zero_grad`` clears them. ``load_state_dict`` copies INTO the existing arrays, so an optimiser built on
``params`` before loading keeps updating the module's own arrays, never stale copies.
"""
from __future__ import annotations

import numpy as np


class Parameterized:
    """Base of the scratch modules: subclasses fill ``self.params`` and ``self.grads`` in ``__init__``."""

    params: dict
    grads: dict

    def state_dict(self) -> dict:
        """Copies of the parameters under torch's keys."""
        return {k: v.copy() for k, v in self.params.items()}

    def load_state_dict(self, state_dict: dict) -> None:
        """Load parameters (NumPy arrays, or anything np.asarray accepts such as CPU tensors) in place.

        The keys must be exactly this module's and every shape must match; a ValueError says what differs."""
        missing, unexpected = set(self.params) - set(state_dict), set(state_dict) - set(self.params)
        if missing or unexpected:
            raise ValueError(f"state_dict keys do not match: missing {sorted(missing)}, unexpected {sorted(unexpected)}")
        for k, target in self.params.items():
            value = np.asarray(state_dict[k])
            if value.shape != target.shape:
                raise ValueError(f"state_dict[{k!r}] must have shape {target.shape}; got {value.shape}")
            target[...] = value

    def parameters(self) -> list:
        return list(self.params.values())

    def named_parameters(self) -> list:
        return list(self.params.items())

    def num_parameters(self) -> int:
        return int(sum(v.size for v in self.params.values()))

    def zero_grad(self) -> None:
        for g in self.grads.values():
            g.fill(0)


class Composite(Parameterized):
    """Named scratch modules as one: ``params`` / ``grads`` merged under ``"<name>.<key>"`` (the state_dict keys
    of a torch.nn.Module holding the same children as attributes), in the children's order, and one
    ``zero_grad`` for all. The merged dicts hold the children's own arrays, so an optimiser built on
    ``params`` updates the children, and their backward passes fill ``grads``.

    >>> from rnncourse.scratch import Linear
    >>> both = Composite(first=Linear(2, 3, rng=0), second=Linear(3, 1, rng=1))
    >>> list(both.params)
    ['first.weight', 'first.bias', 'second.weight', 'second.bias']
    """

    def __init__(self, **children):
        bad = {name: type(c).__name__ for name, c in children.items()
               if not (isinstance(getattr(c, "params", None), dict) and isinstance(getattr(c, "grads", None), dict))}
        if not children or bad:
            raise ValueError(f"Composite needs named scratch modules (with params and grads dicts); got {bad or 'none'}")
        self.children = children
        self.params = {f"{name}.{k}": v for name, c in children.items() for k, v in c.params.items()}
        self.grads = {f"{name}.{k}": g for name, c in children.items() for k, g in c.grads.items()}

    def zero_grad(self) -> None:
        for child in self.children.values():
            child.zero_grad()
