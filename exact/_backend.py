"""Array families: numpy (lists and pandas included) or torch, chosen from the inputs.

The closed forms are written once against the small set of operations below. A function's
inputs pick the family: if any input is a ``torch.Tensor`` the computation runs in torch, on
that tensor's device and dtype, and stays differentiable; otherwise it runs in numpy. Torch is
never imported here: a tensor can only exist if the caller imported torch already, so we look
it up in ``sys.modules``.
"""

from __future__ import annotations

import sys
from typing import Any

import numpy as np


def _torch_module():
    return sys.modules.get("torch")


def is_tensor(x: Any) -> bool:
    """True when ``x`` is a ``torch.Tensor`` (without importing torch)."""
    # getattr: while another thread is still importing torch, the module is in sys.modules
    # without its attributes — and no tensor can exist yet
    tensor_type = getattr(_torch_module(), "Tensor", None)
    return tensor_type is not None and isinstance(x, tensor_type)


class NumpyOps:
    """The numpy family. Integer and boolean inputs become float64."""

    name = "numpy"

    @staticmethod
    def as_float(x: Any, name: str) -> np.ndarray:
        a = np.asarray(x)
        if a.dtype.kind in "biu":
            return a.astype(np.float64)
        if a.dtype.kind != "f":
            raise TypeError(
                f"{name} must be an array of real numbers; got dtype {a.dtype} ({type(x).__name__})"
            )
        return a

    @staticmethod
    def as_index(x: Any) -> np.ndarray:
        return np.asarray(x)

    @staticmethod
    def is_integer_dtype(a: np.ndarray) -> bool:
        return a.dtype.kind in "iu"

    @staticmethod
    def eps(a: np.ndarray) -> float:
        return float(np.finfo(a.dtype).eps)

    isfinite = staticmethod(np.isfinite)

    @staticmethod
    def xlogy(x, y):
        """``x log y`` with ``0 log y = 0``, as scipy's ``xlogy`` but 3-4x faster on big arrays."""
        with np.errstate(divide="ignore", invalid="ignore"):
            result = np.asarray(x * np.log(y))
        result[np.broadcast_to(np.asarray(x) == 0, result.shape)] = 0.0
        return result

    @classmethod
    def rel_entr(cls, p, q):
        """``p (log p - log q)``: 0 where ``p = 0``, +inf where ``p > 0 = q``.

        Written as a difference of logarithms, not ``log(p / q)``, so that a tiny ``q`` (or a
        product of two tiny marginals) cannot overflow the ratio.
        """
        return cls.xlogy(p, p) - cls.xlogy(p, q)

    @staticmethod
    def log(a: np.ndarray) -> np.ndarray:
        with np.errstate(divide="ignore"):
            return np.log(a)

    @staticmethod
    def take_along_last(a: np.ndarray, index: np.ndarray) -> np.ndarray:
        return np.take_along_axis(a, index[..., None], axis=-1)[..., 0]

    @staticmethod
    def diagonal(a: np.ndarray) -> np.ndarray:
        return np.diagonal(a, axis1=-2, axis2=-1)

    @staticmethod
    def transpose(a: np.ndarray) -> np.ndarray:
        return np.swapaxes(a, -1, -2)

    @staticmethod
    def cholesky(a: np.ndarray) -> np.ndarray | None:
        """Lower Cholesky factor, or None when ``a`` is not positive definite."""
        try:
            return np.linalg.cholesky(a)
        except np.linalg.LinAlgError:
            return None

    @staticmethod
    def solve_lower(lower: np.ndarray, b: np.ndarray) -> np.ndarray:
        return np.linalg.solve(lower, b)

    @staticmethod
    def smallest_eigenvalue(a: np.ndarray) -> float:
        return float(np.linalg.eigvalsh(a).min())

    @staticmethod
    def to_float(a) -> float:
        return float(a)

    @staticmethod
    def finish(result: np.ndarray):
        """0-d arrays become numpy scalars (a ``float`` subclass for float64)."""
        return result[()] if isinstance(result, np.ndarray) and result.ndim == 0 else result


class TorchOps:
    """The torch family, bound to the dtype and device of the first tensor among the inputs."""

    name = "torch"

    def __init__(self, like):
        self.torch = _torch_module()
        dtype = like.dtype if like.is_floating_point() else self.torch.get_default_dtype()
        self.dtype = dtype
        self.device = like.device

    def as_float(self, x: Any, name: str):
        torch = self.torch
        if is_tensor(x):
            if x.is_complex():
                raise TypeError(f"{name} must be a real tensor; got dtype {x.dtype}")
            if not x.is_floating_point():
                return x.to(dtype=self.dtype, device=self.device)
            if x.device != self.device:
                raise ValueError(
                    f"{name} is on {x.device} but the other inputs are on {self.device}; "
                    "move them to one device"
                )
            return x
        return torch.as_tensor(NumpyOps.as_float(x, name), dtype=self.dtype, device=self.device)

    def as_index(self, x: Any):
        if is_tensor(x):
            return x.to(self.device)
        return self.torch.as_tensor(np.asarray(x), device=self.device)

    def is_integer_dtype(self, a) -> bool:
        return not (a.is_floating_point() or a.is_complex() or a.dtype == self.torch.bool)

    def eps(self, a) -> float:
        return float(self.torch.finfo(a.dtype).eps)

    def isfinite(self, a):
        return self.torch.isfinite(a)

    def xlogy(self, x, y):
        # x * log(y) with 0 * log(y) = 0; the where() keeps the gradient finite (zero) at x = 0.
        return x * self.torch.log(self.torch.where(x != 0, y, self.torch.ones_like(y)))

    def rel_entr(self, p, q):
        # as NumpyOps.rel_entr, on the safe xlogy
        return self.xlogy(p, p) - self.xlogy(p, q)

    def log(self, a):
        return self.torch.log(a)

    def take_along_last(self, a, index):
        return self.torch.take_along_dim(a, index[..., None].long(), dim=-1)[..., 0]

    def diagonal(self, a):
        return self.torch.diagonal(a, dim1=-2, dim2=-1)

    def transpose(self, a):
        return a.transpose(-1, -2)

    def cholesky(self, a):
        lower, info = self.torch.linalg.cholesky_ex(a)
        return None if bool((info != 0).any()) else lower

    def solve_lower(self, lower, b):
        return self.torch.linalg.solve_triangular(lower, b, upper=False)

    def smallest_eigenvalue(self, a) -> float:
        return float(self.torch.linalg.eigvalsh(a.detach()).min())

    @staticmethod
    def to_float(a) -> float:
        return float(a.detach())

    @staticmethod
    def finish(result):
        return result


def ops_for(*arrays: Any):
    """The operations of the family the inputs belong to (torch if any input is a tensor)."""
    for a in arrays:
        if is_tensor(a):
            return TorchOps(a)
    return NumpyOps()
