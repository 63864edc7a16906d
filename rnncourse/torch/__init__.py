"""The course's models written from PyTorch primitives (nn.Parameter + tensor ops; autograd for backward).

Twins of ``rnncourse.scratch``: same equations, same state_dict keys as torch.nn.
"""
from .cells import gru_step, lstm_step, rnn_relu_step, rnn_tanh_step
from .lstm_variants import LSTMVariant
from .modules import GRU, LSTM, RNN, RNNBase
from .word2vec import Word2Vec, cbow_loss, sgns_loss, window_loss, window_loss_rows

__all__ = ["RNN", "LSTM", "GRU", "RNNBase", "LSTMVariant", "rnn_tanh_step", "rnn_relu_step", "lstm_step", "gru_step",
           "Word2Vec", "sgns_loss", "cbow_loss", "window_loss", "window_loss_rows"]
