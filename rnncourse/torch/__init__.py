"""The course's models written from PyTorch primitives (nn.Parameter + tensor ops; autograd for backward).

Twins of ``rnncourse.scratch``, with the same structure: one cell per model (module.TorchCell), one time
loop (module.run), one wrapper with torch.nn's surface (module.Recurrent); same state_dict keys as
torch.nn where torch.nn has the model. The surface's checks and error messages are written once, in
rnncourse._surface, for both sides: the same bad input gets the same ValueError here and in scratch.

Import it as ``import rnncourse.torch as twin``: ``from rnncourse import torch`` would shadow PyTorch.
"""
from .attention import AttentionGRUCell
from .captioning import ShowAndTell
from .deep_transition import DeepRNN, DeepTransitionCell
from .gru import GRU, GRUCell
from .init import initialise_
from .jordan import Jordan, JordanCell
from .leaky import Leaky, LeakyCell
from .lstm import LSTM, LSTMCell
from .lstm_variants import LSTMVariant, LSTMVariantCell
from .module import Recurrent, TorchCell, run, uniform_init_
from .narx import NARX, NARXCell
from .residual import Residual, ResidualCell
from .rmlp import RMLP, RMLPCell
from .rnn import RNN, RNNCell
from .second_order import SecondOrder, SecondOrderCell
from .seq2seq import Seq2Seq
from .tdnn import TDNN
from .word2vec import Word2Vec, cbow_loss, sgns_loss, window_loss, window_loss_rows

__all__ = ["Recurrent", "TorchCell", "run", "uniform_init_", "RNN", "RNNCell", "LSTM", "LSTMCell", "GRU", "GRUCell",
           "LSTMVariant", "LSTMVariantCell", "Jordan", "JordanCell", "NARX", "NARXCell", "TDNN",
           "Leaky", "LeakyCell", "Residual", "ResidualCell", "initialise_",
           "Word2Vec", "sgns_loss", "cbow_loss", "window_loss", "window_loss_rows",
           "SecondOrder", "SecondOrderCell", "RMLP", "RMLPCell", "DeepRNN", "DeepTransitionCell",
           "Seq2Seq", "AttentionGRUCell", "ShowAndTell"]
