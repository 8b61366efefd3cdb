"""Closed forms for discrete distributions given as probability tables.

Every function takes probabilities (numpy arrays, lists, pandas objects or torch tensors),
returns the quantity in units of ``base`` (default ``math.e``: nats; ``base=2``: bits), and
returns a value of the input's array family: numpy in, numpy out; torch in, torch out on the
same device, differentiable. Conventions: ``0 log 0 = 0``; a divergence is ``+inf`` where
``p > 0`` and ``q = 0``; the result is never NaN for valid input.

With ``validate=True`` (the default) inputs are checked first: finite, non-negative, summing to
1 within ``max(1e-6, sqrt(eps))`` of their dtype along the distribution axis, explicit marginals
equal to the joint's. ``validate=False`` skips the checks (for speed inside training loops) and
evaluates the formula exactly as written on whatever it is given, explicit marginals broadcast
against the joint by the array family's usual rules.

Cost: one pass over the table, O(size) time and memory; batched tables (``axis``, or leading
axes of a joint) are computed in the same pass, with no Python loop.

Reference: Cover & Thomas (2006), *Elements of Information Theory*, 2nd ed., chapter 2.
"""

from __future__ import annotations

import math

import numpy as np

from ._backend import ops_for
from ._checks import check_marginal, check_pmf, check_probabilities, in_base

__all__ = [
    "conditional_entropy",
    "cross_entropy",
    "cross_entropy_loss",
    "entropy",
    "joint_entropy",
    "js_divergence",
    "kl_divergence",
    "mutual_information",
    "self_information",
]

_JOINT_AXES = (-2, -1)


def self_information(p, base: float = math.e, *, validate: bool = True):
    """Self-information (surprisal) of outcomes with probability ``p``.

    ``I(x) = -log p(x)``, elementwise; ``+inf`` where ``p = 0``. Shannon (1948).

    Parameters
    ----------
    p : array_like or torch.Tensor
        Probabilities in [0, 1], any shape.
    base : float
        Logarithm base of the result's unit (``math.e``: nats, 2: bits).
    validate : bool
        Check that ``p`` is finite and in [0, 1].

    Returns
    -------
    Same shape and array family as ``p``; a numpy scalar for a scalar ``p``.

    Examples
    --------
    >>> float(self_information(1 / 64, base=2))
    6.0
    """
    ops = ops_for(p)
    p = ops.as_float(p, "p")
    if validate:
        check_probabilities(ops, p, "p")
    return ops.finish(in_base(0.0 - ops.log(p), base))


def entropy(p, base: float = math.e, axis=-1, *, validate: bool = True):
    """Shannon entropy of probability mass functions stored along ``axis``.

    ``H(X) = -sum_x p(x) log p(x)``, with ``0 log 0 = 0``. Shannon (1948). It lies in
    ``[0, log m]`` for ``m`` outcomes: 0 for a point mass, ``log m`` for the uniform.

    Parameters
    ----------
    p : array_like or torch.Tensor
        Probabilities; each slice along ``axis`` is one distribution. Other axes are batch
        axes: a ``(10000, 100)`` array gives 10,000 entropies in one call.
    base : float
        Logarithm base of the result's unit.
    axis : int, tuple of ints or None
        The axis (or axes, for a joint table) of the outcomes; None for all axes.
    validate : bool
        Check that each distribution is finite, non-negative and sums to 1.

    Examples
    --------
    >>> round(float(entropy([0.1, 0.5, 0.1, 0.3], base=2)), 4)
    1.6855
    """
    ops = ops_for(p)
    p = ops.as_float(p, "p")
    if validate:
        check_pmf(ops, p, "p", axis)
    return ops.finish(in_base(_entropy_nats(ops, p, axis), base))


def joint_entropy(p_xy, base: float = math.e, axis=None, *, validate: bool = True):
    """Joint entropy ``H(X, Y) = -sum_{x,y} p(x, y) log p(x, y)`` of a probability table.

    The table may have any number of axes, one per variable; by default (``axis=None``) the
    whole array is one joint distribution. For a batch of tables pass the joint's axes, e.g.
    ``axis=(-2, -1)``. Shannon (1948); units and validation as :func:`entropy`.

    Examples
    --------
    >>> round(float(joint_entropy([[0.1, 0.5], [0.1, 0.3]], base=2)), 4)
    1.6855
    """
    ops = ops_for(p_xy)
    p_xy = ops.as_float(p_xy, "p_xy")
    if validate:
        check_pmf(ops, p_xy, "p_xy", axis)
    return ops.finish(in_base(_entropy_nats(ops, p_xy, axis), base))


def conditional_entropy(p_xy, p_x=None, base: float = math.e, *, validate: bool = True):
    """Conditional entropy ``H(Y | X) = -sum_{x,y} p(x, y) log(p(x, y) / p(x))``.

    Rows index X and columns index Y: ``p_xy`` has shape ``(..., n_x, n_y)``, leading axes
    being a batch. ``H(Y | X) = H(X, Y) - H(X)`` (chain rule). Cover & Thomas (2006), 2.2.

    Parameters
    ----------
    p_xy : array_like or torch.Tensor
        The joint table, shape ``(..., n_x, n_y)``.
    p_x : array_like, optional
        The X marginal. Derived from the joint when omitted. When given and ``validate`` is
        True it must equal the joint's row sums (else ``ValueError``). With ``validate=False``
        the expression ``-sum p_xy * log(p_xy / p_x)`` is evaluated exactly as written, ``p_x``
        broadcast against ``p_xy`` by the array family's rules: a 1-D ``p_x`` then divides
        *columns*, as in the seed document (``0.8635`` bits for its inconsistent example).
    base : float
        Logarithm base of the result's unit.
    validate : bool
        Check the joint (finite, non-negative, sums to 1) and the marginal.
    """
    ops = ops_for(p_xy, p_x)
    joint = _as_joint(ops, p_xy, validate)
    if validate or p_x is None:
        marginal_x = _x_marginal(ops, joint, p_x, validate)[..., :, None]
    else:
        marginal_x = ops.as_float(p_x, "p_x")
    nats = 0.0 - ops.rel_entr(joint, marginal_x).sum(axis=_JOINT_AXES)
    return ops.finish(in_base(nats, base))


def mutual_information(p_xy, p_x=None, p_y=None, base: float = math.e, *, validate: bool = True):
    """Mutual information ``I(X; Y) = sum_{x,y} p(x, y) log(p(x, y) / (p(x) p(y)))``.

    Rows index X and columns index Y: ``p_xy`` has shape ``(..., n_x, n_y)``, leading axes
    being a batch. The marginals are derived from the joint, so the result is the MI of the
    given table: symmetric, ``>= 0``, 0 iff X and Y are independent, and equal to
    ``H(X) + H(Y) - H(X, Y)``. Shannon (1948); Cover & Thomas (2006), 2.4.

    Parameters
    ----------
    p_xy : array_like or torch.Tensor
        The joint table, shape ``(..., n_x, n_y)``.
    p_x, p_y : array_like, optional
        Explicit marginals. With ``validate=True`` they must equal the joint's row and column
        sums (else ``ValueError``). With ``validate=False`` the expression
        ``sum p_xy * log(p_xy / (p_x * p_y))`` is evaluated exactly as written, the product
        ``p_x * p_y`` broadcast by the array family's rules (how the seed document gets
        ``0.7195`` bits from marginals that are not its joint's; the true MI is ``0.0074034``).
    base : float
        Logarithm base of the result's unit.
    validate : bool
        Check the joint and the marginals.
    """
    ops = ops_for(p_xy, p_x, p_y)
    joint = _as_joint(ops, p_xy, validate)
    if validate or (p_x is None and p_y is None):
        marginal_x = _x_marginal(ops, joint, p_x, validate)[..., :, None]
        marginal_y = _y_marginal(ops, joint, p_y, validate)[..., None, :]
    else:
        marginal_x = _given_or_derived(ops, p_x, "p_x", joint.sum(axis=-1)[..., :, None])
        marginal_y = _given_or_derived(ops, p_y, "p_y", joint.sum(axis=-2)[..., None, :])
    # p log p - p log p_x - p log p_y: no product p_x * p_y that could underflow to 0
    terms = ops.rel_entr(joint, marginal_x) - ops.xlogy(joint, marginal_y)
    return ops.finish(in_base(terms.sum(axis=_JOINT_AXES), base))


def kl_divergence(p, q, base: float = math.e, axis=-1, *, validate: bool = True):
    """Kullback–Leibler divergence ``D(p || q) = sum_x p(x) log(p(x) / q(x))``.

    ``>= 0``, 0 iff ``p = q``, not symmetric; ``+inf`` where some ``p(x) > 0`` has
    ``q(x) = 0``. Kullback & Leibler (1951). ``p`` and ``q`` broadcast against each other
    (e.g. many ``p`` against one ``q``); units and validation as :func:`entropy`.
    """
    ops, p, q = _pair(p, q, axis, validate)
    return ops.finish(in_base(ops.rel_entr(p, q).sum(axis=axis), base))


def cross_entropy(p, q, base: float = math.e, axis=-1, *, validate: bool = True):
    """Cross-entropy ``H(p, q) = -sum_x p(x) log q(x) = H(p) + D(p || q)``.

    ``+inf`` where some ``p(x) > 0`` has ``q(x) = 0``. Cover & Thomas (2006), 2.3. ``p`` and
    ``q`` broadcast against each other; units and validation as :func:`entropy`.
    """
    ops, p, q = _pair(p, q, axis, validate)
    return ops.finish(in_base(0.0 - ops.xlogy(p, q).sum(axis=axis), base))


def js_divergence(p, q, base: float = math.e, axis=-1, *, validate: bool = True):
    """Jensen–Shannon divergence ``JS(p, q) = D(p || m) / 2 + D(q || m) / 2``, ``m = (p + q)/2``.

    Symmetric, finite, in ``[0, log 2]`` (1 bit). Lin (1991). ``p`` and ``q`` broadcast against
    each other; units and validation as :func:`entropy`.
    """
    ops, p, q = _pair(p, q, axis, validate)
    m = (p + q) / 2
    nats = (ops.rel_entr(p, m).sum(axis=axis) + ops.rel_entr(q, m).sum(axis=axis)) / 2
    return ops.finish(in_base(nats, base))


def cross_entropy_loss(probs, labels, base: float = math.e, *, validate: bool = True):
    """Classification loss: mean negative log-probability of the true class.

    ``L = -(1/n) sum_i log probs[i, labels[i]]`` — the cross-entropy between the one-hot
    data distribution and the model's, averaged over samples. In nats it equals
    ``torch.nn.NLLLoss()(torch.log(probs), labels)``. ``+inf`` if a true class has
    probability 0.

    Parameters
    ----------
    probs : array_like or torch.Tensor, shape (n_samples, n_classes)
        Predicted class probabilities, one distribution per row.
    labels : array_like or torch.Tensor of ints, shape (n_samples,)
        True classes, in ``[0, n_classes)``. Always checked.
    base : float
        Logarithm base of the result's unit.
    validate : bool
        Check that each row of ``probs`` is a distribution.

    Examples
    --------
    >>> round(float(cross_entropy_loss([[0.3, 0.6, 0.1], [0.2, 0.3, 0.5]], [0, 2])), 4)
    0.9486
    """
    ops = ops_for(probs, labels)
    probs = ops.as_float(probs, "probs")
    labels = ops.as_index(labels)
    _check_labels(ops, probs, labels)
    if validate:
        check_pmf(ops, probs, "probs", axis=-1)
    nats = (0.0 - ops.log(ops.take_along_last(probs, labels))).mean()
    return ops.finish(in_base(nats, base))


def _entropy_nats(ops, p, axis):
    axes = tuple(range(p.ndim)) if axis is None else axis
    return 0.0 - ops.xlogy(p, p).sum(axis=axes)


def _pair(p, q, axis, validate):
    ops = ops_for(p, q)
    p, q = ops.as_float(p, "p"), ops.as_float(q, "q")
    if validate:
        check_pmf(ops, p, "p", axis)
        check_pmf(ops, q, "q", axis)
        _check_same_outcomes(p, q, axis)
    return ops, p, q


def _check_same_outcomes(p, q, axis) -> None:
    axes = tuple(range(-min(p.ndim, q.ndim), 0)) if axis is None else axis
    for ax in axes if isinstance(axes, tuple) else (axes,):
        if p.shape[ax] != q.shape[ax]:
            raise ValueError(
                f"p and q must have the same number of outcomes along axis {ax}; "
                f"got {p.shape[ax]} and {q.shape[ax]}"
            )
    try:
        np.broadcast_shapes(tuple(p.shape), tuple(q.shape))
    except ValueError:
        raise ValueError(
            f"p and q must broadcast against each other; got shapes {tuple(p.shape)} "
            f"and {tuple(q.shape)}"
        ) from None


def _as_joint(ops, p_xy, validate):
    joint = ops.as_float(p_xy, "p_xy")
    if joint.ndim < 2:
        raise ValueError(
            f"p_xy must be a joint table of shape (..., n_x, n_y), rows indexing X; "
            f"got shape {tuple(joint.shape)}"
        )
    if validate:
        check_pmf(ops, joint, "p_xy", _JOINT_AXES)
    return joint


def _x_marginal(ops, joint, p_x, validate):
    derived = joint.sum(axis=-1)
    if validate and p_x is not None:
        check_marginal(ops, p_x, derived, "p_x", "the X marginal of p_xy (its row sums)")
    return derived


def _y_marginal(ops, joint, p_y, validate):
    derived = joint.sum(axis=-2)
    if validate and p_y is not None:
        check_marginal(ops, p_y, derived, "p_y", "the Y marginal of p_xy (its column sums)")
    return derived


def _given_or_derived(ops, given, name, derived):
    return derived if given is None else ops.as_float(given, name)


def _check_labels(ops, probs, labels) -> None:
    if probs.ndim != 2 or probs.shape[0] == 0:
        raise ValueError(
            "probs must have shape (n_samples, n_classes) with n_samples >= 1; "
            f"got shape {tuple(probs.shape)}"
        )
    if not ops.is_integer_dtype(labels):
        raise TypeError(f"labels must be integers (class indices); got dtype {labels.dtype}")
    if tuple(labels.shape) != (probs.shape[0],):
        raise ValueError(
            f"labels must have shape ({probs.shape[0]},), one class per row of probs; "
            f"got shape {tuple(labels.shape)}"
        )
    if bool(((labels < 0) | (labels >= probs.shape[1])).any()):
        raise ValueError(
            f"labels must lie in [0, {probs.shape[1]}) (probs has {probs.shape[1]} classes); "
            f"got values from {int(labels.min())} to {int(labels.max())}"
        )
