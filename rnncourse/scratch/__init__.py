"""Recurrent networks from scratch in NumPy: forward AND hand-written backward.

One protocol, one engine, one module wrapper:
    cell.Cell          a model's parameters, state and ONE time step forward/backward
    engine             runs any cell over time (full and truncated BPTT), layers and directions
    module.Recurrent   torch.nn's surface for any cell (forward, backward, state_dict, grads, ...)
    parameters.Parameterized  params/grads dicts, state_dict, load_state_dict (in place), zero_grad:
                       the base of Recurrent and of every other scratch module

The models, one file each (cell, one-step functions, sequence functions, module):
    rnn            RNNCell, RNN              rnn_cell_forward/backward, rnn_forward/backward
    lstm           LSTMCell, LSTM            lstm_cell_forward/backward, lstm_forward/backward
    gru            GRUCell, GRU              gru_cell_forward/backward, gru_forward/backward
    lstm_variants  LSTMVariantCell, LSTMVariant (Greff et al. 2017: peepholes, NIG, NFG, ..., FGR)
    jordan         JordanCell, Jordan        (output feedback, Jordan 1986)
    narx           NARXCell, NARX            (delay lines of outputs and inputs; lagged_regressors)
    tdnn           TDNN                      tdnn_forward/backward (Waibel et al. 1989; = Conv1d)
    conv           Conv2d                    conv2d_forward/backward (= torch.nn.Conv2d)
    captioning     ShowAndTell               caption_decoder_forward/backward (Vinyals et al. 2015)
    rcnn           RecurrentConv             convolution per window + LSTM over windows (Bashivan et al. 2016)
    eeg_baselines  ConvOnly, RecurrentOnly   its two baselines: convolutions averaged over time; an LSTM over samples
    leaky          LeakyCell, Leaky          h_t = (1 - alpha) h_{t-1} + alpha tanh(...)   (leaky integration)
    residual       ResidualCell, Residual    h_t = h_{t-1} + tanh(...)                   (unit feedback gain)
    second_order   SecondOrderCell, SecondOrder  h_t = sigmoid(sum_jk W_ijk h_{t-1,j} x_{t,k} + b)  (Giles et al. 1992)
    rmlp           RMLPCell, RMLP            every layer, the output included, fed back to itself
    hopfield       Hopfield, hebbian_weights, energy, recall   (Hopfield 1982; not a cell over time)
    rtrl           rtrl, operation_counts    real-time recurrent learning (Williams & Zipser 1989)
    deep_transition DeepTransitionCell, DeepRNN  (Pascanu et al. 2014: DT, DT(S), DO, DOT)
    recursive      recursive_forward/backward, TreeNet  (networks over trees; not a cell over time)
    attention      AttentionGRUCell          additive attention (Bahdanau et al. 2015) in a GRU decoder cell
    seq2seq        Seq2Seq                   encoder-decoder (Sutskever et al. 2014; Cho et al. 2014)

Shared pieces: linear (torch.nn.Linear), functional (sigmoid, softmax, ...), losses (masked_cross_entropy for
padded sequences, ...), optim (SGD, Adam, clip_grad_norm, clip_grad_value), init (eight recurrent-weight
initialisations, sRNN to gRNN; Talathi & Vartak 2015, Le et al. 2015), dropout (variational masks, Gal & Ghahramani 2016), classifier (what rcnn and eeg_baselines share:
the ReLU convolution, LSTM read-out of the last state), gradcheck (central differences, rel_error).
"""
from .attention import AttentionGRUCell, attention_backward, attention_forward
from .captioning import ShowAndTell, caption_decoder_backward, caption_decoder_forward
from .cell import Cell
from .conv import Conv2d, conv2d_backward, conv2d_forward
from .deep_transition import DeepRNN, DeepTransitionCell, deep_rnn_parameters
from .dropout import variational_masks
from .eeg_baselines import ConvOnly, RecurrentOnly
from .embedding_eval import analogy_accuracy, most_similar, random_pair_cosine, rho_interval, similarity_rho, spearman
from .engine import truncation_windows
from .functional import log_softmax, sigmoid, softmax
from .gradcheck import numerical_gradient, numerical_gradient_array, rel_error
from .gru import GRU, GRUCell, gru_backward, gru_cell_backward, gru_cell_forward, gru_forward
from .hopfield import Hopfield, corrupt, energy, hebbian_weights, overlap, recall, recall_overlap
from .init import SCHEMES, initialise, recurrent_weight
from .jordan import Jordan, JordanCell
from .leaky import Leaky, LeakyCell
from .linear import Linear, linear_backward, linear_forward
from .losses import masked_cross_entropy, mse_loss, softmax_cross_entropy
from .lstm import LSTM, LSTMCell, lstm_backward, lstm_cell_backward, lstm_cell_forward, lstm_forward
from .lstm_variants import VARIANTS, LSTMVariant, LSTMVariantCell, variant_spec
from .module import Recurrent
from .narx import NARX, NARXCell, lagged_regressors, regressor
from .optim import SGD, Adam, clip_grad_norm, clip_grad_value
from .parameters import Composite, Parameterized
from .rcnn import RecurrentConv
from .residual import Residual, ResidualCell
from .rmlp import RMLP, RMLPCell
from .rnn import RNN, RNNCell, rnn_backward, rnn_cell_backward, rnn_cell_forward, rnn_forward
from .rtrl import operation_counts, rtrl
from .second_order import SecondOrder, SecondOrderCell
from .seq2seq import Seq2Seq
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
    "Cell", "Composite", "Parameterized", "Recurrent", "truncation_windows",
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
    "mse_loss", "masked_cross_entropy", "softmax_cross_entropy",
    "SGD", "Adam", "clip_grad_norm", "clip_grad_value",
    "numerical_gradient", "numerical_gradient_array", "rel_error",
    "Word2Vec", "sgns_loss", "cbow_loss", "window_step", "scatter_add_rows", "keep_probability",
    "noise_distribution", "noise_table", "draw_negatives", "reduced_windows", "window_pairs", "window_contexts",
    "spearman", "similarity_rho", "most_similar", "analogy_accuracy", "rho_interval", "random_pair_cosine",
    "SecondOrder", "SecondOrderCell", "RMLP", "RMLPCell", "rtrl", "operation_counts",
    "Hopfield", "hebbian_weights", "energy", "recall", "overlap", "corrupt", "recall_overlap",
    "DeepRNN", "DeepTransitionCell", "deep_rnn_parameters",
    "Seq2Seq", "AttentionGRUCell", "attention_forward", "attention_backward",
    "Conv2d", "conv2d_forward", "conv2d_backward",
    "ShowAndTell", "caption_decoder_forward", "caption_decoder_backward",
    "RecurrentConv", "ConvOnly", "RecurrentOnly",
]
