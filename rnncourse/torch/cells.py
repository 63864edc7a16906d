"""One time step of each recurrent cell, written with torch tensor ops (autograd does the backward).

Same equations, gate order and parameter layout as torch.nn.RNNCell / LSTMCell / GRUCell and as
``rnncourse.scratch``:

    RNN:   h' = f(x W_ih^T + b_ih + h W_hh^T + b_hh)
    LSTM:  [i, f, g, o] = [sig, sig, tanh, sig](x W_ih^T + b_ih + h W_hh^T + b_hh);  c' = f c + i g;  h' = o tanh(c')
    GRU:   [r, z] = sig(gx_rz + gh_rz);  n = tanh(gx_n + r * gh_n);  h' = (1 - z) n + z h

Each step takes ``gx`` (B, G*H) = x W_ih^T + b_ih, already computed for every time step by the layer,
the state tuple, and the hidden weights; it returns the new state tuple.
"""
from __future__ import annotations

import torch


def _hidden(h, weight_hh, bias_hh):
    gh = h @ weight_hh.T
    return gh if bias_hh is None else gh + bias_hh


def rnn_tanh_step(gx, state, weight_hh, bias_hh):
    (h,) = state
    return (torch.tanh(gx + _hidden(h, weight_hh, bias_hh)),)


def rnn_relu_step(gx, state, weight_hh, bias_hh):
    (h,) = state
    return (torch.relu(gx + _hidden(h, weight_hh, bias_hh)),)


def lstm_step(gx, state, weight_hh, bias_hh):
    h, c = state
    a_i, a_f, a_g, a_o = (gx + _hidden(h, weight_hh, bias_hh)).chunk(4, dim=-1)
    c_next = torch.sigmoid(a_f) * c + torch.sigmoid(a_i) * torch.tanh(a_g)
    return torch.sigmoid(a_o) * torch.tanh(c_next), c_next


def gru_step(gx, state, weight_hh, bias_hh):
    (h,) = state
    gx_r, gx_z, gx_n = gx.chunk(3, dim=-1)
    gh_r, gh_z, gh_n = _hidden(h, weight_hh, bias_hh).chunk(3, dim=-1)
    r = torch.sigmoid(gx_r + gh_r)
    z = torch.sigmoid(gx_z + gh_z)
    n = torch.tanh(gx_n + r * gh_n)
    return ((1 - z) * n + z * h,)
