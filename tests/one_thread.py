"""``one_torch_thread()``: a context in which torch uses one intra-op thread, as the seed scripts do (their
numbers are the single-threaded ones), restoring the caller's setting afterwards."""
import contextlib

import torch


@contextlib.contextmanager
def one_torch_thread():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(threads)
