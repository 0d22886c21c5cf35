"""Issue 14 ("Trust"), the frontend's part: a variable possibly read before it
is assigned is a compile error; the source compiled is the text of when the
function was decorated; long chains (and/or, comparisons, elif, conditional
expressions, sums) give flat IR quickly, and what still nests too deeply is a
located CompileError; parameter and local names never collide with the
frontend's own SSA names. Kernels run on the host target."""

import ast
import importlib
import importlib.util
import re
import sys
import time
import uuid

import numpy as np
import pytest
from sourceutil import line_of

import cuft
from cuft import CompileError
from cuft.frontend import generate


pytestmark = pytest.mark.usefixtures("on_host")


def load_module(tmp_path, text, name=None):
    """Import ``text`` as a module from a file of its own (its kernels'
    source is that file)."""
    name = name or f"trust_{uuid.uuid4().hex}"
    path = tmp_path / f"{name}.py"
    path.write_text(text, encoding="utf-8")
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def assert_linear(ir, n, lines_per_operand):
    """The IR of an n-operand chain grows linearly: a few lines per operand,
    none longer than an op and its location (nested and indented, the
    lines grew with the depth)."""
    lines = ir.splitlines()
    assert len(lines) <= lines_per_operand * n
    longest = max(lines, key=len)
    assert len(longest) < 250 + 2 * len(re.search(r'loc\("([^"]*)"', ir).group(1)), longest


def region_depth(ir):
    """How deep regions (if, for, while, short_circuit) nest inside the
    functions of ``ir``."""
    depth = deepest = 0
    for line in ir.splitlines():
        if line.startswith("}"):
            depth -= 1
        if line.endswith("{"):
            depth += 1
            deepest = max(deepest, depth)
    return deepest - 2  # the module and the function


# ---------------------------------------------------------------------------
# 4. Possibly unassigned variables

def y_only_under_if(x, out):
    if x[0] > 0:
        y = 1
    out[0] = y


def loop_variable_after_loop(x, n, out):
    for i in range(n):
        x[i] = 0
    out[0] = i


def assigned_only_in_while(x, out):
    k = 0
    while k < x.shape[0]:
        v = x[k]
        k += 1
    out[0] = v


def augmented_before_assignment(x, out):
    for i in range(4):
        s += x[i]
    s = 0
    out[0] = s


def read_before_its_assignment_in_the_body(x, out):
    for i in range(4):
        out[i] = prev
        prev = x[i]


def elif_without_else(x, out):
    if x[0] > 0:
        v = 1
    elif x[0] < 0:
        v = -1
    out[0] = v


def break_before_the_assignment(x, out):
    for i in range(4):
        if x[i] > 0:
            break
        w = x[i]
    out[0] = w


def while_true_left_before_the_assignment(x, out):
    while True:
        if x[0] > 0:
            break
        z = 1
    out[0] = z


def empty_constant_range(x, out):
    for i in range(5, 0):
        t = 1
    out[0] = t


NEVER = False
ENABLED = True


def assigned_under_a_false_constant(x, out):
    if NEVER:
        q = 1
    out[0] = q


def read_in_a_nested_expression(x, out):
    if x[0] > 0:
        m = 2
    out[0] = x[0] + (1 if x[1] > 0 else abs(m))


UNASSIGNED = [
    (y_only_under_if, "y\n", "y"),
    (loop_variable_after_loop, "i\n", "i"),
    (assigned_only_in_while, "v\n", "v"),
    (augmented_before_assignment, "s +=", "s"),
    (read_before_its_assignment_in_the_body, "prev\n", "prev"),
    (elif_without_else, "v\n", "v"),
    (break_before_the_assignment, "w\n", "w"),
    (while_true_left_before_the_assignment, "z\n", "z"),
    (empty_constant_range, "t\n", "t"),
    (assigned_under_a_false_constant, "q\n", "q"),
    (read_in_a_nested_expression, "m)", "m"),
]


@pytest.mark.parametrize("fn,needle,name", UNASSIGNED, ids=[c[0].__name__ for c in UNASSIGNED])
def test_a_possibly_unassigned_read_is_a_located_error(fn, needle, name):
    with pytest.raises(CompileError) as info:
        generate(fn)
    e = info.value
    assert e.message == f"'{name}' may be read before it is assigned"
    lineno, col = line_of(fn, needle)  # a needle ending in "\n": the name ending its line
    assert (e.filename, e.lineno, e.col) == (__file__, lineno, col)
    assert str(e).splitlines()[2] == " " * (col - 1) + "^"


@cuft.kernel
def every_path_assigns(x, out):
    i = cuft.grid(1)
    if i < x.shape[0]:
        if x[i] > 0:
            v = 1
        elif x[i] < 0:
            v = -1
        else:
            v = 0
        out[i] = v


@cuft.kernel
def paths_that_leave_need_not_assign(x, out):
    n = x.shape[0]
    for i in range(n):
        if x[i] > 0:
            v = 2 * x[i]
        elif x[i] < 0:
            continue
        else:
            break
        out[i] = v
    if x[0] > 100:
        return
    else:
        w = 5
    out[n - 1] += w


@cuft.kernel
def loops_that_surely_run(x, out, p):
    for k in range(3):
        t = x[k]
    out[0] = t + k
    j = 0
    while True:
        last = x[j]
        if last > 10:
            break
        j += 1
    out[1] = last
    for m in range(2):
        u = m
        u += 1  # assigned earlier in the body
        out[2 + m] = u
    if ENABLED:
        e = 7
    out[4] = e
    if not NEVER:
        f = 8
    out[5] = f
    if x[0] > 1000:
        p = 9  # a parameter is assigned from the start
    out[6] = p


def test_code_that_assigns_on_every_path_compiles_and_runs():
    x = np.array([3, -2, 0, 5], np.int64)
    out = np.zeros(4, np.int64)
    every_path_assigns[1, 4](x, out)
    np.testing.assert_array_equal(out, [1, -1, 0, 1])

    x = np.array([4, -1, 3, 0, 6], np.int64)
    out = np.full(5, -7, np.int64)
    paths_that_leave_need_not_assign[1, 1](x, out)
    np.testing.assert_array_equal(out, [8, -7, 6, -7, -2])

    x = np.array([1, 2, 30, 4], np.int64)
    out = np.zeros(7, np.int64)
    loops_that_surely_run[1, 1](x, out, 11)
    np.testing.assert_array_equal(out, [30 + 2, 30, 1, 2, 7, 8, 11])


def test_the_gallery_still_compiles():
    from gallery import GALLERY
    for kernel, make_args in GALLERY.values():
        # For the shapes of its tuple arguments, if it takes any.
        generate(kernel, param_shapes=cuft._cuft.tuple_shapes(kernel.signature(*make_args()))[1])


# ---------------------------------------------------------------------------
# 5. The source is read when the function is decorated

MODULE_V1 = '''import cuft


@cuft.func
def offset(v):
    return v + 1


@cuft.kernel
def compute(out):
    out[0] = offset(10)


def make():
    @cuft.kernel
    def made(out):
        out[0] = 7
    return made
'''

# The same functions edited, and moved down by three lines.
MODULE_V2_MOVED = "# edited\n# edited\n# edited\n" + MODULE_V1.replace(
    "v + 1", "v + 1000").replace("offset(10)", "offset(20000)").replace("= 7", "= 8")

# An edit that keeps every line where it was.
MODULE_V2_IN_PLACE = MODULE_V1.replace("v + 1\n", "v + 9\n").replace("= 7", "= 77777")


def run(kernel):
    out = np.zeros(1, np.int64)
    kernel[1, 1](out)
    return int(out[0])


@pytest.mark.parametrize("edit", [MODULE_V2_MOVED, MODULE_V2_IN_PLACE], ids=["moved", "in-place"])
def test_editing_the_file_after_import_does_not_change_the_kernel(tmp_path, edit):
    m = load_module(tmp_path, MODULE_V1)
    made_before = m.make()
    (tmp_path / f"{m.__name__}.py").write_text(edit)
    assert run(m.compute) == 11
    assert run(made_before) == 7
    # A factory called again makes a kernel of the same code: the text read
    # when that code was first decorated.
    assert run(m.make()) == 7


@pytest.mark.parametrize("edit", [MODULE_V2_MOVED, MODULE_V2_IN_PLACE], ids=["moved", "in-place"])
def test_text_that_is_not_the_compiled_function_is_refused(tmp_path, edit):
    # The factory's kernel is first decorated after the edit: the file no
    # longer has its text, and no other text is compiled in its place.
    m = load_module(tmp_path, MODULE_V1)
    path = tmp_path / f"{m.__name__}.py"
    path.write_text(edit)
    made = m.make()
    with pytest.raises(CompileError) as info:
        run(made)
    e = info.value
    assert "is not the function Python compiled" in e.message
    assert (e.filename, e.lineno) == (str(path), made.py_func.__code__.co_firstlineno)


def test_a_reloaded_module_compiles_its_new_text(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(tmp_path))
    name = f"trust_{uuid.uuid4().hex}"
    (tmp_path / f"{name}.py").write_text(MODULE_V1)
    importlib.invalidate_caches()
    m = importlib.import_module(name)
    assert run(m.compute) == 11
    (tmp_path / f"{name}.py").write_text(MODULE_V2_MOVED)
    m = importlib.reload(m)
    assert run(m.compute) == 21000 and run(m.make()) == 8


NESTED = '''import cuft

try:
    @cuft.kernel
    def in_try(out):
        out[0] = 1
except ImportError:
    pass
finally:
    @cuft.kernel
    def in_finally(out):
        out[0] = 2

with open(__file__) as f:
    class Holder:
        @staticmethod
        @cuft.kernel
        def in_class(out):
            out[0] = 3

match 3:
    case 3:
        def factory(k):
            @cuft.kernel
            def in_case(out):
                out[0] = k
            return in_case

        @cuft.kernel
        def located(out):
            out[0] = undefined_name
'''


def test_defs_in_every_kind_of_statement_are_found_with_their_lines(tmp_path):
    # Decorating keeps the file's lines (no tokenizing); compiling finds each
    # def in the file's one parse, at its real line and column.
    m = load_module(tmp_path, NESTED)
    assert [run(k) for k in (m.in_try, m.in_finally, m.Holder.in_class, m.factory(4))] \
        == [1, 2, 3, 4]
    with pytest.raises(CompileError) as info:
        run(m.located)
    e = info.value
    assert "undefined_name" in e.message
    line = NESTED.splitlines().index("            out[0] = undefined_name") + 1
    assert (e.lineno, e.col) == (line, 22) and e.source_line.strip() == "out[0] = undefined_name"


TAILS = """\
import cuft

@cuft.kernel
def paren(out):
    out[0] = (1 +
              2
    )

@cuft.kernel
def else_pass(out):
    if out.size > 0:
        out[0] = 3
    else:
        pass
    # a comment after the last statement

@cuft.kernel
def string_tail(out):
    out[0] = 4
    "a string statement: no code"
@cuft.kernel
def right_after(out):
    out[0] = undefined_name
"""


def test_a_def_is_cut_where_its_code_ends_whatever_follows(tmp_path):
    # A def's own lines end where its code's positions end (no tokenize): a
    # closing bracket alone, a trailing else: pass, a comment or a string
    # statement, a def right below; each compiles as the file says.
    m = load_module(tmp_path, TAILS)
    assert [run(k) for k in (m.paren, m.else_pass, m.string_tail)] == [3, 3, 4]
    with pytest.raises(CompileError) as info:
        run(m.right_after)
    assert info.value.lineno == TAILS.splitlines().index("    out[0] = undefined_name") + 1


def test_a_function_without_source_fails_at_compile_time_not_at_decoration():
    # Compiled from a tree: no text for cuft to keep (a string's text is
    # kept: test_source_from_strings).
    namespace = {"cuft": cuft}
    tree = ast.parse("def nosource(out):\n    out[0] = 1\n")
    exec(compile(tree, "<no file>", "exec"), namespace)
    k = cuft.kernel(namespace["nosource"])  # decorating does not raise
    with pytest.raises(CompileError, match="cannot read the source of 'nosource'"):
        run(k)


# ---------------------------------------------------------------------------
# 10/11. Long chains: flat IR, no recursion

def chain_module(tmp_path, body, params="x, out", decorate=False):
    text = "import cuft\n\n" + ("@cuft.kernel\n" if decorate else "") + \
        f"def k({params}):\n" + body
    return load_module(tmp_path, text).k


def operands(n, fmt="x[{}]"):
    return [fmt.format(i) for i in range(n)]


@pytest.mark.parametrize("op", ["and", "or"])
def test_long_and_or_chains_give_flat_ir_quickly(tmp_path, op):
    n = 4000
    k = chain_module(tmp_path, f"    out[0] = {f' {op} '.join(operands(n))}\n")
    start = time.perf_counter()
    ir = generate(k).ir
    assert time.perf_counter() - start < 30  # ~0.15 s here; the nested IR took minutes
    assert region_depth(ir) == 1  # one short-circuit, every exit in its block
    assert_linear(ir, n, 10)  # nested and indented: 130 MB


def test_a_10000_operand_and_chain(tmp_path):
    n = 10000
    k = chain_module(tmp_path, f"    out[0] = {' and '.join(operands(n))}\n")
    ir = generate(k).ir
    assert region_depth(ir) == 1  # nested and indented: 604 MB
    assert_linear(ir, n, 10)


def test_a_kernel_of_over_1000_blocks_gets_the_clean_up_and_is_right(tmp_path):
    # A 5,000-operand chain is a kernel of more than 1000 blocks: LLVM cleans
    # it up (optimizeModule: its -O3 passes took 5 s on 10,000 operands) and
    # generates its code at level 0, on both targets, and the result is still
    # Python's: the first falsy operand.
    from test_code_options import ptxas
    n = 5000
    k = chain_module(tmp_path, f"    out[0] = {' and '.join(operands(n))}\n", decorate=True)
    x = np.arange(1.0, n + 1)
    out = np.zeros(1)
    k[1, 1](x, out)
    assert out[0] == n
    x[3210] = 0.0
    k[1, 1](x, out)  # the same specialization: the values decide
    assert out[0] == 0.0 and k.stats()["compiles"] == 1
    ptxas(k.inspect(x, out, stage="ptx"), tmp_path)


def test_a_block_of_thousands_of_operations_is_large_and_right(tmp_path):
    # One block of ~5,000 similar integer operations: large (kLargeBlockOperations),
    # so LLVM's ScalarEvolution-based passes, quadratic in the block (2.9 s to
    # PTX), do not run on it; still Python's result on the host, and ptxas
    # takes its PTX.
    from test_code_options import ptxas
    n = 1000
    body = " & ".join(f"(a * {i} + b > c - {i})" for i in range(n))
    k = chain_module(tmp_path, f"    out[0] = {body}\n", params="a, b, c, out", decorate=True)
    out = np.full(1, -1, np.int64)
    k[1, 1](1, 0, -2 * n, out)  # i > -2n - i for every i
    assert out[0] == 1
    k[1, 1](1, 0, n // 2, out)  # fails at i = 0
    assert out[0] == 0
    ptxas(k.inspect(1, 0, 5, out, stage="ptx"), tmp_path)


def test_long_comparison_chain_and_conditional_expressions_are_flat(tmp_path):
    k = chain_module(tmp_path, f"    out[0] = {' < '.join(operands(1000))}\n")
    ir = generate(k).ir
    assert region_depth(ir) == 1
    assert_linear(ir, 1000, 14)
    arms = " ".join(f"x[{i}] if x[{i + 1}] > 0 else" for i in range(300))
    ir = generate(chain_module(tmp_path, f"    out[0] = {arms} 0\n")).ir
    assert region_depth(ir) == 2
    assert_linear(ir, 300, 20)


def long_elif(n, indent="    "):
    text = ""
    for k in range(n):
        text += f"{indent}{'if' if k == 0 else 'elif'} x[{k}] > 0:\n{indent}    out[0] = {k}\n"
    return text + f"{indent}else:\n{indent}    out[0] = -1\n"


def test_a_2000_branch_elif_chain_is_flat_and_runs(tmp_path):
    # Python's own compiler stops near 3,000 (its recursion limit); every walk
    # of cuft's over the chain (the source's defs too) is a loop.
    k = chain_module(tmp_path, long_elif(2000), decorate=True)
    assert region_depth(generate(k).ir) == 2
    x = np.zeros(2000)
    out = np.zeros(1)
    x[1500] = 1.0
    k[1, 1](x, out)
    assert out[0] == 1500
    x[:] = 0.0
    k[1, 1](x, out)
    assert out[0] == -1
    # A large function (thousands of blocks): level 0 code generation after a
    # short clean-up, which still folds the chain's first test of its "taken"
    # flag (a constant) and merges straight-line blocks: no branch on a
    # constant, no block that only branches on (ptxas takes 25 s over it).
    ptx = k.inspect(x, out, stage="ptx")
    assert not re.search(r"mov\.pred\s+%p\d+, [01];", ptx)
    assert not re.search(r"\n\$L__BB\d+_\d+:\n\tbra\.uni", ptx)


def test_a_500_term_sum_and_a_right_nested_power_chain(tmp_path):
    k = chain_module(tmp_path, f"    out[0] = {' + '.join(operands(500))}\n", decorate=True)
    x = np.arange(500, dtype=np.int64)
    out = np.zeros(1, np.int64)
    k[1, 1](x, out)
    assert out[0] == x.sum()
    k = chain_module(tmp_path, f"    y = x[0]\n    out[0] = {' ** '.join(['y'] * 2000)}\n")
    generate(k)


def test_what_still_nests_too_deeply_is_a_located_compile_error(tmp_path):
    k = chain_module(tmp_path, "    y = x[0]\n    out[0] = " + "~" * 1500 + "y\n")
    with pytest.raises(CompileError) as info:
        generate(k)
    e = info.value
    assert "nests too deeply" in e.message
    assert (e.lineno, e.col) == (5, 5) and e.filename.endswith(".py")


N_ARMS = 60


def flat_chain_module(tmp_path):
    """A kernel whose elif chain and conditional expression are longer than
    the frontend nests (so they take the flat form), with continue and break
    in some arms, and a device function whose arms all return."""
    arms = ""
    for k in range(N_ARMS):
        arms += f"        {'if' if k == 0 else 'elif'} v == {k}:\n"
        if k == N_ARMS - 1:
            arms += "            break\n"
        elif k % 7 == 3:
            arms += "            continue\n"
        else:
            arms += f"            r = {1000 + k}\n"
    arms += "        else:\n            r = -v\n"
    ifexp = " ".join(f"{2000 + k} if v == {k} else" for k in range(N_ARMS)) + " -v"
    returns = "".join(f"    {'if' if k == 0 else 'elif'} v == {k}:\n        return {3000 + k}\n"
                      for k in range(N_ARMS)) + "    else:\n        return -1\n"
    text = (f"import cuft\n\n\n@cuft.func\ndef classify(v):\n{returns}\n\n"
            f"@cuft.kernel\ndef chain(x, out, e, c):\n"
            f"    for i in range(x.shape[0]):\n        v = x[i]\n{arms}"
            f"        out[i] = r\n        e[i] = {ifexp}\n        c[i] = classify(v)\n")
    return load_module(tmp_path, text)


def test_long_chains_keep_python_semantics_when_run(tmp_path):
    m = flat_chain_module(tmp_path)
    assert region_depth(m.chain.frontend.ir) <= 4
    x = np.array([0, 3, 5, 10, 70, -4, 17, N_ARMS - 1, 2], np.int64)
    out, e, c = (np.full(len(x), -9, np.int64) for _ in range(3))
    m.chain[1, 1](x, out, e, c)
    want = [[-9] * len(x) for _ in range(3)]
    for i, v in enumerate(x):
        known = 0 <= v < N_ARMS
        if v == N_ARMS - 1:
            break
        if known and v % 7 == 3:
            continue  # nothing stored
        want[0][i] = 1000 + v if known else -v
        want[1][i] = 2000 + v if known else -v
        want[2][i] = 3000 + v if known else -1
    np.testing.assert_array_equal(out, want[0])
    np.testing.assert_array_equal(e, want[1])
    np.testing.assert_array_equal(c, want[2])


def looped_chain_module(tmp_path):
    """Long elif chains with no break or continue of their loop: each arm
    taken branches out of a loop of the chain's own (no flag per arm). One
    falls through to the code after it, one's else part returns from the
    device function, one's arms hold loops of their own that break."""
    arms = "".join(f"        {'if' if k == 0 else 'elif'} v == {k}:\n            r = {1000 + k}\n"
                   for k in range(N_ARMS)) + "        else:\n            r = -v\n"
    inner = "".join(f"    {'if' if k == 0 else 'elif'} v == {k}:\n"
                    f"        for j in range(10):\n            if j == {k % 10}:\n"
                    f"                break\n            s += 1\n"
                    for k in range(N_ARMS))
    returns = "".join(f"    {'if' if k == 0 else 'elif'} v == {k}:\n        w = {3000 + k}\n"
                      for k in range(N_ARMS)) + "    else:\n        return -1\n    return w\n"
    text = (f"import cuft\n\n\n@cuft.func\ndef classify(v):\n{returns}\n\n"
            f"@cuft.func\ndef steps(v):\n    s = 0\n{inner}    return s\n\n\n"
            f"@cuft.kernel\ndef chain(x, out, c, t):\n"
            f"    for i in range(x.shape[0]):\n        v = x[i]\n{arms}"
            f"        out[i] = r\n        c[i] = classify(v)\n        t[i] = steps(v)\n")
    return load_module(tmp_path, text)


def test_long_chains_without_loop_exits_branch_out_of_a_loop_of_their_own(tmp_path):
    m = looped_chain_module(tmp_path)
    ir = m.chain.frontend.ir
    assert "$elif" not in ir and region_depth(ir) <= 4
    x = np.array([0, 3, 5, 10, 70, -4, 17, N_ARMS - 1, 2], np.int64)
    out, c, t = (np.full(len(x), -9, np.int64) for _ in range(3))
    m.chain[1, 1](x, out, c, t)
    known = (x >= 0) & (x < N_ARMS)
    np.testing.assert_array_equal(out, np.where(known, 1000 + x, -x))
    np.testing.assert_array_equal(c, np.where(known, 3000 + x, -1))
    np.testing.assert_array_equal(t, np.where(known, x % 10, 0))


def test_a_2500_arm_elif_chain_runs_right(tmp_path):
    # With a flag tested per arm, LLVM's SimplifyCFG threaded the tests in
    # quadratic time: 5 s for these 2,500 arms to PTX (0.5 s in the loop
    # form, the PTX as small: test/bench/large_kernels.py).
    n = 2500
    body = "".join(f"    {'if' if k == 0 else 'elif'} x[{k}] > 0:\n        out[0] = {k}\n"
                   for k in range(n)) + "    else:\n        out[0] = -1\n"
    k = chain_module(tmp_path, body, decorate=True)
    assert "$elif" not in k.frontend.ir
    x = np.zeros(n)
    out = np.zeros(1)
    k[1, 1](x, out)
    assert out[0] == -1
    x[1234] = x[2000] = 1
    k[1, 1](x, out)
    assert out[0] == 1234


def test_chains_short_circuit_exactly(tmp_path):
    # Each operand counts its evaluations in its chain's counters: an operand
    # runs once, and only while its chain is undecided.
    n = 40
    chains = [" and ".join(operands(n, "(cuft.atomic.add(c0, {0}, 1) + x[{0}])")),
              " or ".join(operands(n, "(cuft.atomic.add(c1, {0}, 1) + x[{0}])")),
              " < ".join(operands(n, "(cuft.atomic.add(c2, {0}, 1) + x[{0}])"))]
    text = ("import cuft\n\n\n@cuft.kernel\ndef k(x, c0, c1, c2, out):\n"
            + "".join(f"    out[{i}] = {chain}\n" for i, chain in enumerate(chains)))
    k = load_module(tmp_path, text).k
    x = np.arange(1, n + 1, dtype=np.int64)
    x[17] = 0  # `and` stops at operand 17, and `<` there too (17 < 0 fails)
    c0, c1, c2 = (np.zeros(n, np.int64) for _ in range(3))
    out = np.full(3, -1, np.int64)
    k[1, 1](x, c0, c1, c2, out)
    assert list(out) == [0, 1, 0]
    np.testing.assert_array_equal(c0, [1] * 18 + [0] * (n - 18))
    np.testing.assert_array_equal(c1, [1] + [0] * (n - 1))
    np.testing.assert_array_equal(c2, [1] * 18 + [0] * (n - 18))


@cuft.kernel
def literal_or(x, out):
    # 1e-50 is true, so the chain ends with it, converted to the result's
    # type (float32, the join of float32 and a float literal): 0.0. Its truth
    # is its own, not its conversion's (which would go on to x[0]).
    out[0] = 1e-50 or x[0]
    out[1] = x[1] and 1e-50


def test_a_chain_tests_each_operand_before_converting_it():
    x = np.array([5.0, 2.0], np.float32)
    out = np.full(2, -1.0, np.float32)
    literal_or[1, 1](x, out)
    np.testing.assert_array_equal(out, [np.float32(1e-50), np.float32(1e-50)])
    assert literal_or.inspect(x, out, stage="typed").count('short_circuit "') == 2


@cuft.kernel
def mixed_comparison_chain(i, f, out):
    # i[0] is an int64 that float64 cannot hold: compared as an integer, as
    # Python does, although the operand before it is a float.
    out[0] = 0 < f[0] < 1 < i[0] > 9007199254740992
    out[1] = 0 < f[0] < 1 < i[0] < 9007199254740993


def test_comparison_chain_operands_keep_their_own_types():
    out = np.full(2, -1, np.int64)
    mixed_comparison_chain[1, 1](np.array([2**53 + 1], np.int64), np.array([0.5]), out)
    assert list(out) == [1, 0]


# ---------------------------------------------------------------------------
# 18. Names never collide with the frontend's SSA names

@cuft.kernel
def non_ascii_names(ä, arg0, var0, out):
    é = ä + arg0
    out[0] = é * var0


@cuft.kernel
def non_ascii_locals(x, out):
    é = x[0]
    var0 = x[1]
    arg0 = é + var0
    ü = arg0 * 2
    out[0] = ü


def test_non_ascii_names_do_not_collide_with_generated_ones():
    ir = non_ascii_names.frontend.ir
    defined = re.findall(r"(%[\w.$-]+)(?::\d+)? = ", ir) + re.findall(r"(%[\w.$-]+): ", ir)
    assert len(defined) == len(set(defined)), ir
    out = np.zeros(1, np.int64)
    non_ascii_names[1, 1](2, 3, 4, out)
    assert out[0] == 20
    out = np.zeros(1, np.int64)
    non_ascii_locals[1, 1](np.array([5, 6], np.int64), out)
    assert out[0] == 22


def test_a_cast_to_a_dtype_compared_compiles(tmp_path):
    # a.dtype.type(x) == y: the cast the specializer put in cast_like's place
    # had no type recorded, and the comparison's casts read it: the
    # interpreter crashed (SIGSEGV) in promote().
    @cuft.kernel
    def compared(a, out):
        i = cuft.grid(1)
        if i < a.size:
            out[i] = 1 if a.dtype.type(2.5) == 2 else 0
            out[i] += 2 if a.dtype.type(2.5) == a[i] + 2.5 else 0

    a = np.zeros(4, np.int32)
    out = np.zeros(4, np.int64)
    compared[1, 4](a, out)
    assert out.tolist() == [1, 1, 1, 1]
    f = np.zeros(4, np.float32)
    compared[1, 4](f, out)
    assert out.tolist() == [2, 2, 2, 2]


def test_columns_count_characters_on_a_line_with_non_ascii_names(tmp_path):
    # Python's AST counts UTF-8 bytes; errors point at characters, as editors
    # do. Each line is looked at once: an ASCII line after one that is not.
    k = chain_module(tmp_path, "    é = x[0]; out[0] = é + nope\n    out[1] = nope\n")
    with pytest.raises(CompileError) as info:
        generate(k)
    line = "    é = x[0]; out[0] = é + nope"
    assert (info.value.lineno, info.value.col) == (4, line.index("nope") + 1)
    k = chain_module(tmp_path, "    é = x[0]\n    out[1] = é + nope\n")
    with pytest.raises(CompileError) as info:
        generate(k)
    assert (info.value.lineno, info.value.col) == (5, "    out[1] = é + nope".index("nope") + 1)
