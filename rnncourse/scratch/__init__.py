"""Recurrent networks from scratch in NumPy: forward AND hand-written backward.

One protocol, one engine, one module wrapper:
    cell.Cell          a model's parameters, state and ONE time step forward/backward
    engine             runs any cell over time (full and truncated BPTT), layers and directions
    module.Recurrent   torch.nn's surface for any cell (forward, backward, state_dict, grads, ...)

The models, one file each (cell, one-step functions, sequence functions, module):
    rnn            RNNCell, RNN              rnn_cell_forward/backward, rnn_forward/backward
    lstm           LSTMCell, LSTM            lstm_cell_forward/backward, lstm_forward/backward
    gru            GRUCell, GRU              gru_cell_forward/backward, gru_forward/backward
    lstm_variants  LSTMVariantCell, LSTMVariant (Greff et al. 2017: peepholes, NIG, NFG, ..., FGR)
    jordan         JordanCell, Jordan        (output feedback, Jordan 1986)
    narx           NARXCell, NARX            (delay lines of outputs and inputs; lagged_regressors)
    tdnn           TDNN                      tdnn_forward/backward (Waibel et al. 1989; = Conv1d)
    conv           Conv2d                    conv2d_forward/backward (= torch.nn.Conv2d)
    captioning     ShowAndTell               caption_decoder_forward/backward, masked_cross_entropy (Vinyals et al. 2015)
    rcnn           RecurrentConv             convolution per window + LSTM over windows (Bashivan et al. 2016)
    leaky          LeakyCell, Leaky          h_t = (1 - alpha) h_{t-1} + alpha tanh(...)   (leaky integration)
    residual       ResidualCell, Residual    h_t = h_{t-1} + tanh(...)                   (unit feedback gain)

Shared pieces: linear (torch.nn.Linear), functional (sigmoid, softmax, ...), losses, optim (SGD, Adam,
clip_grad_norm, clip_grad_value), init (the eight recurrent initialisations of lecture 002),
dropout (variational masks, Gal & Ghahramani 2016), gradcheck (central differences, rel_error).
"""
from .captioning import ShowAndTell, caption_decoder_backward, caption_decoder_forward, masked_cross_entropy
from .cell import Cell
from .conv import Conv2d, conv2d_backward, conv2d_forward
from .dropout import variational_masks
from .embedding_eval import analogy_accuracy, most_similar, similarity_rho, spearman
from .engine import truncation_windows
from .functional import log_softmax, sigmoid, softmax
from .gradcheck import numerical_gradient, numerical_gradient_array, rel_error
from .gru import GRU, GRUCell, gru_backward, gru_cell_backward, gru_cell_forward, gru_forward
from .init import SCHEMES, initialise, recurrent_weight
from .jordan import Jordan, JordanCell
from .leaky import Leaky, LeakyCell
from .linear import Linear, linear_backward, linear_forward
from .losses import mse_loss, softmax_cross_entropy
from .lstm import LSTM, LSTMCell, lstm_backward, lstm_cell_backward, lstm_cell_forward, lstm_forward
from .lstm_variants import VARIANTS, LSTMVariant, LSTMVariantCell, variant_spec
from .module import Recurrent
from .narx import NARX, NARXCell, lagged_regressors, regressor
from .optim import SGD, Adam, clip_grad_norm, clip_grad_value
from .rcnn import RecurrentConv
from .residual import Residual, ResidualCell
from .rnn import RNN, RNNCell, rnn_backward, rnn_cell_backward, rnn_cell_forward, rnn_forward
from .tdnn import TDNN, receptive_field, tdnn_backward, tdnn_forward
from .word2vec import (
    Word2Vec,
    cbow_loss,
    draw_negatives,
    keep_probability,
    noise_distribution,
    noise_table,
    reduced_windows,
    scatter_add_rows,
    sgns_loss,
    window_contexts,
    window_pairs,
    window_step,
)

__all__ = [
    "Cell", "Recurrent", "truncation_windows",
    "RNN", "RNNCell", "rnn_cell_forward", "rnn_cell_backward", "rnn_forward", "rnn_backward",
    "LSTM", "LSTMCell", "lstm_cell_forward", "lstm_cell_backward", "lstm_forward", "lstm_backward",
    "GRU", "GRUCell", "gru_cell_forward", "gru_cell_backward", "gru_forward", "gru_backward",
    "LSTMVariant", "LSTMVariantCell", "VARIANTS", "variant_spec",
    "Jordan", "JordanCell",
    "NARX", "NARXCell", "lagged_regressors", "regressor",
    "TDNN", "tdnn_forward", "tdnn_backward", "receptive_field",
    "Leaky", "LeakyCell", "Residual", "ResidualCell", "variational_masks",
    "SCHEMES", "recurrent_weight", "initialise",
    "Linear", "linear_forward", "linear_backward",
    "sigmoid", "softmax", "log_softmax",
    "mse_loss", "softmax_cross_entropy",
    "SGD", "Adam", "clip_grad_norm", "clip_grad_value",
    "numerical_gradient", "numerical_gradient_array", "rel_error",
    "Word2Vec", "sgns_loss", "cbow_loss", "window_step", "scatter_add_rows", "keep_probability",
    "noise_distribution", "noise_table", "draw_negatives", "reduced_windows", "window_pairs", "window_contexts",
    "spearman", "similarity_rho", "most_similar", "analogy_accuracy",
    "Conv2d", "conv2d_forward", "conv2d_backward",
    "ShowAndTell", "caption_decoder_forward", "caption_decoder_backward", "masked_cross_entropy",
    "RecurrentConv",
]
