"""``cuft.constexpr``: annotate a kernel parameter whose value is compiled in."""

__all__ = ["constexpr"]


class constexpr:
    """Parameter annotation (``BLOCK: cuft.constexpr``).

    The argument's value becomes part of the kernel's signature: each distinct
    value gets its own specialization, folded into the body (e.g. as a shared
    array size). Never instantiated.
    """

    def __init__(self, *args, **kwargs):
        raise TypeError("cuft.constexpr is an annotation, not a value")
