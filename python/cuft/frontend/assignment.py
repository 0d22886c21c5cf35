"""Definite assignment: a local read on a path that may not have assigned it.

Python raises ``UnboundLocalError`` when such a read runs; a kernel would read
whatever its variable held (nothing, or another branch's value). The frontend
rejects it instead, as Java and C# do: a read of a local must follow an
assignment on every path that reaches it.

The paths are the syntactic ones, with what is known before specialization:

- parameters are assigned on entry;
- after ``if``/``elif``/``else``, a name is assigned if every arm that can fall
  through assigned it (an arm that returns, breaks or continues needs not); a
  test that is a compile-time constant (a literal, a global such as ``DEBUG =
  False``) leaves only the arm it takes;
- a loop body may run zero times, so what it assigns does not count after the
  loop, except in a loop known to run at least once: ``for`` over a ``range``
  of constants that is not empty, and ``while True`` (left by ``break`` only);
- the loop variable of a ``for`` is assigned inside the body;
- ``x += 1`` reads ``x``.

Code after a ``return``, ``break`` or ``continue`` is unreachable and not
checked (the frontend does not emit it).
"""

import ast

from .expressions import def_as_lambda

__all__ = ["check_definite_assignment"]


def _loads(node):
    """The names ``node`` reads, iteratively (deep expressions are fine). A
    lambda's body counts where the lambda is written (its reads of locals
    must follow their assignment there), less its own parameters. (Fields
    read directly: ast.iter_child_nodes made this a fifth of a tiled
    matmul's frontend.)"""
    AST, Name, Load, Lambda = ast.AST, ast.Name, ast.Load, ast.Lambda
    stack = [(node, frozenset())]
    while stack:
        n, shadowed = stack.pop()
        kind = type(n)
        if kind is Name:
            if type(n.ctx) is Load and n.id not in shadowed:
                yield n
            continue
        if kind is Lambda:
            a = n.args
            stack.append((n.body, shadowed | {p.arg for p in a.posonlyargs + a.args}))
            continue
        for field in n._fields:
            value = getattr(n, field, None)
            if type(value) is list:
                stack.extend((v, shadowed) for v in value if isinstance(v, AST))
            elif isinstance(value, AST):
                stack.append((value, shadowed))


class _Loop:
    __slots__ = ("breaks", "continues")

    def __init__(self):
        self.breaks = []     # states at its break statements
        self.continues = []  # and at its continue statements


def _meet(states):
    """Names assigned on every path: None (no path reaches here) is neutral."""
    live = [s for s in states if s is not None]
    if not live:
        return None
    out = set(live[0])
    for s in live[1:]:
        out &= s
    return out


class _Checker:
    def __init__(self, variables, error, static_truth, range_runs):
        self.variables = variables
        self.error = error
        self.static_truth = static_truth  # expr -> True/False, or None if unknown
        self.range_runs = range_runs      # range(...) call -> True if surely not empty
        self.loops = []

    # -- reads ------------------------------------------------------------
    def reads(self, node, state):
        """Every local ``node`` reads must be in ``state``; the first that is
        not (in source order) is the error."""
        if node is None or len(state) == len(self.variables):
            return  # nothing to read, or every local is assigned here
        first = None
        for n in _loads(node):
            if n.id in self.variables and n.id not in state:
                if first is None or (n.lineno, n.col_offset) < (first.lineno, first.col_offset):
                    first = n
        if first is not None:
            self.unassigned(first)

    def unassigned(self, name_node):
        raise self.error(f"'{name_node.id}' may be read before it is assigned", name_node)

    def store(self, target, state):
        """Assign to ``target`` (a name, a subscript, a tuple of them), left to right."""
        stack = [target]
        while stack:
            t = stack.pop()
            if isinstance(t, ast.Name):
                state.add(t.id)
            elif isinstance(t, (ast.Tuple, ast.List)):
                stack.extend(reversed(t.elts))
            elif isinstance(t, ast.Starred):
                stack.append(t.value)
            else:  # a subscript or attribute: reads its parts
                self.reads(t, state)

    # -- statements -------------------------------------------------------
    def block(self, stmts, state):
        """The state after ``stmts`` from ``state`` (mutated), None if no path
        falls through."""
        for s in stmts:
            if state is None:
                break  # unreachable
            state = self.statement(s, state)
        return state

    def statement(self, s, state):
        if isinstance(s, ast.Assign):
            self.reads(s.value, state)
            for t in s.targets:
                self.store(t, state)
        elif isinstance(s, ast.AnnAssign):
            if s.value is not None:
                self.reads(s.value, state)
                self.store(s.target, state)
        elif isinstance(s, ast.AugAssign):
            if isinstance(s.target, ast.Name):
                if s.target.id in self.variables and s.target.id not in state:
                    self.unassigned(s.target)
            else:
                self.reads(s.target, state)
            self.reads(s.value, state)
        elif isinstance(s, ast.Expr):
            self.reads(s.value, state)
        elif isinstance(s, ast.If):
            return self.if_chain(s, state)
        elif isinstance(s, ast.For):
            return self.for_loop(s, state)
        elif isinstance(s, ast.While):
            return self.while_loop(s, state)
        elif isinstance(s, ast.Break):
            if self.loops:
                self.loops[-1].breaks.append(state)
            return None
        elif isinstance(s, ast.Continue):
            if self.loops:
                self.loops[-1].continues.append(state)
            return None
        elif isinstance(s, ast.Return):
            self.reads(s.value, state)
            return None
        elif isinstance(s, ast.FunctionDef):  # def f(x): return ...: a lambda
            lam = def_as_lambda(s)
            if lam is not None:
                self.reads(lam, state)
        elif isinstance(s, ast.Raise):  # the thread stops: nothing after it runs
            return None
        return state

    def if_chain(self, node, state):
        # An elif chain is walked in a loop, not by recursion.
        outs = []
        while True:
            self.reads(node.test, state)
            truth = self.static_truth(node.test)
            if truth is not False:
                outs.append(self.block(node.body, set(state)))
            if truth is True:
                return _meet(outs)  # the rest of the chain never runs
            orelse = node.orelse
            if len(orelse) == 1 and isinstance(orelse[0], ast.If):
                node = orelse[0]
                continue
            outs.append(self.block(orelse, set(state)))
            return _meet(outs)

    def loop_body(self, body, entry):
        """(state at the end of the body, the loop's _Loop: its breaks and
        continues)."""
        self.loops.append(_Loop())
        try:
            end = self.block(body, entry)
        finally:
            loop = self.loops.pop()
        return end, loop

    def for_loop(self, node, state):
        self.reads(node.iter, state)
        entry = set(state)
        self.store(node.target, entry)
        end, loop = self.loop_body(node.body, entry)
        if self.range_runs(node.iter):
            # Runs at least once: it is left at the end of an iteration, at a
            # continue of the last one, or at a break, with at least what the
            # first iteration had assigned there (its states are the weakest).
            return _meet([end, *loop.continues, *loop.breaks])
        return state

    def while_loop(self, node, state):
        self.reads(node.test, state)
        truth = self.static_truth(node.test)
        if truth is False:
            return state  # the body never runs
        _, loop = self.loop_body(node.body, set(state))
        if truth is True:
            return _meet(loop.breaks)  # `while True` is left only by a break
        return state


def check_definite_assignment(fdef, variables, assigned_on_entry, error, static_truth,
                              range_runs):
    """Raise ``error(message, node)`` at the first read of a local (one of
    ``variables``) that some path reaches without assigning it.

    ``static_truth(expr)`` is True or False for a test known at compile time,
    else None; ``range_runs(iter)`` is True for ``range(...)`` surely not empty.
    """
    variables = frozenset(variables)
    checker = _Checker(variables, error, static_truth, range_runs)
    checker.block(fdef.body, {name for name in assigned_on_entry if name in variables})
