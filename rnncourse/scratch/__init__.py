"""Recurrent networks from scratch in NumPy: forward AND hand-written backward.

Cell level (what exercises ask for):   rnn_cell_forward/backward, lstm_cell_forward/backward, gru_cell_forward/backward
Sequence level (one layer):             rnn_forward/backward, lstm_forward/backward, gru_forward/backward
Modules mirroring torch.nn:             RNN, LSTM, GRU, Linear
LSTM variants (Greff et al. 2017):      LSTMVariant (peepholes, NIG, NFG, NOG, NIAF, NOAF, NP, CIFG, FGR)
Shared pieces:                          sigmoid, softmax, losses, SGD, Adam, clip_grad_norm, gradient checking
"""
from .functional import log_softmax, relu, sigmoid, softmax, tanh
from .gradcheck import numerical_gradient, numerical_gradient_array, rel_error
from .gru_cell import gru_cell_backward, gru_cell_forward
from .layer import layer_backward, layer_forward, truncation_windows
from .linear import Linear, linear_backward, linear_forward
from .losses import mse_loss, softmax_cross_entropy
from .lstm_cell import lstm_cell_backward, lstm_cell_forward
from .lstm_variants import VARIANTS, LSTMVariant, variant_spec
from .modules import GRU, LSTM, RNN, RNNBase
from .optim import SGD, Adam, clip_grad_norm
from .rnn_cell import rnn_cell_backward, rnn_cell_forward
from .embedding_eval import analogy_accuracy, most_similar, similarity_rho, spearman
from .word2vec import (Word2Vec, cbow_loss, draw_negatives, keep_probability, noise_distribution, noise_table,
                       reduced_windows, scatter_add_rows, sgns_loss, window_contexts, window_pairs, window_step)
from .sequence import gru_backward, gru_forward, lstm_backward, lstm_forward, rnn_backward, rnn_forward

__all__ = [name for name in dir() if not name.startswith("_")]
