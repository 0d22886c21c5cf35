"""The disk tier of the compile cache (issue 18, first part): entries survive
the process, a bad entry is recompiled and replaced, processes racing for one
missing key compile it once, and a lock left by a killed process blocks
nobody. Real processes and real files throughout."""
import glob
import json
import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

KERNEL = textwrap.dedent("""
    import json, os, sys, time
    import numpy as np
    import cuft
    cuft.set_target("host")

    @cuft.kernel
    def chain(x, out):
        # A long expression: a compile of a few hundred milliseconds.
        out[0] = {expr}

    go = os.environ.get("GO_FILE")
    if go:  # imports done: say so (wait_ready), then wait for `go`
        open(f"{{go}}.ready.{{os.getpid()}}", "w").close()
    deadline = time.time() + 120  # an orphan (its test died) ends on its own
    while go and not os.path.exists(go) and time.time() < deadline:
        time.sleep(0.001)
    x = np.arange(1, 401, dtype=np.float64)
    out = np.zeros(1)
    chain[1, 1](x, out)
    info = cuft.cache_info()
    print(json.dumps({{"out": out[0], "compiles": info["compiles"], **info["disk"]}}))
""").format(expr=" + ".join(f"x[{i}] * {i % 7}" for i in range(400)))
EXPECTED = float(sum((i + 1) * (i % 7) for i in range(400)))


def script(tmp_path):
    path = tmp_path / "chain_kernel.py"
    path.write_text(KERNEL)
    return str(path)


def env_for(cache, **more):
    env = {k: v for k, v in os.environ.items() if not k.startswith("CUFT_CACHE")}
    env.update(CUFT_CACHE_DIR=str(cache), **more)
    return env


def run(tmp_path, cache, stderr=None, **more):
    done = subprocess.run([sys.executable, script(tmp_path)], env=env_for(cache, **more),
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    if stderr is not None:
        stderr.append(done.stderr)
    return json.loads(done.stdout.strip().splitlines()[-1])


def entries(cache):
    return sorted(p for p in os.listdir(cache) if p.endswith(".cuft"))


def test_a_second_process_loads_the_entry_and_compiles_nothing(tmp_path):
    cache = tmp_path / "cache"
    first = run(tmp_path, cache)
    assert first["out"] == EXPECTED and first["misses"] == 1 and first["writes"] == 1
    assert oct(os.stat(cache).st_mode & 0o777) == "0o700"
    assert len(entries(cache)) == 1
    second = run(tmp_path, cache)
    assert second["out"] == EXPECTED
    assert second["hits"] == 1 and second["misses"] == 0 and second["writes"] == 0
    off = run(tmp_path, cache, CUFT_CACHE="0")  # turned off: compiles anew
    assert off["directory"] is None and off["hits"] == 0 and off["out"] == EXPECTED


@pytest.mark.parametrize("damage", ["truncate", "flip", "empty", "foreign"])
def test_a_bad_entry_is_recompiled_and_replaced(tmp_path, damage):
    cache = tmp_path / "cache"
    run(tmp_path, cache)
    (name,) = entries(cache)
    path = cache / name
    data = path.read_bytes()
    if damage == "truncate":
        data = data[:len(data) // 2]
    elif damage == "flip":
        data = data[:-40] + bytes([data[-40] ^ 1]) + data[-39:]
    elif damage == "empty":
        data = b""
    else:  # another key's entry under this name
        data = data[:16] + b"X" + data[17:]
    path.write_bytes(data)
    said = []
    again = run(tmp_path, cache, stderr=said)
    assert f"cuft: warning: the disk cache entry {path} is damaged" in said[0]  # not an error
    assert again["out"] == EXPECTED
    assert again["corrupt"] >= 1 and again["misses"] == 1 and again["writes"] == 1
    assert run(tmp_path, cache)["hits"] == 1  # replaced by a good one


def test_eight_racing_processes_compile_once(tmp_path):
    cache = tmp_path / "cache"
    go = tmp_path / "go"
    path = script(tmp_path)
    procs = [subprocess.Popen([sys.executable, path], env=env_for(cache, GO_FILE=str(go)),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(8)]
    wait_ready(go, len(procs))  # every interpreter up and waiting (imports done)
    go.write_text("go")
    results = []
    for p in procs:
        out, err = p.communicate(timeout=60)
        assert p.returncode == 0, out + err
        results.append(json.loads(out.strip().splitlines()[-1]))
    assert all(r["out"] == EXPECTED for r in results)
    assert sum(r["misses"] for r in results) == 1, results  # one compile in all
    assert sum(r["hits"] for r in results) == 7
    assert len(entries(cache)) == 1 and not any(p.endswith(".lock") for p in os.listdir(cache))


def wait_ready(go, n):
    """Until `n` processes given GO_FILE=`go` have done their imports (a
    fixed sleep was too short on a loaded machine)."""
    deadline = time.time() + 120
    while len(glob.glob(f"{go}.ready.*")) < n and time.time() < deadline:
        time.sleep(0.01)


def test_a_lock_being_written_is_waited_for_not_broken(tmp_path):
    # A lock with no owner in it yet is a compile starting (where a lock
    # cannot be made whole at once): a process waits for it. It had broken
    # such locks, and two processes compiled.
    cache = tmp_path / "cache"
    run(tmp_path, cache)
    [entry] = entries(cache)
    os.unlink(cache / entry)
    go = tmp_path / "go"
    proc = subprocess.Popen([sys.executable, script(tmp_path)], env=env_for(cache, GO_FILE=str(go)),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wait_ready(go, 1)  # its imports done; it waits for `go`
    lock = cache / (entry + ".lock")
    lock.write_text("")
    go.write_text("go")
    time.sleep(1.5)
    lock.unlink(missing_ok=True)  # (broken already, before the fix)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, out + err
    after = json.loads(out.strip().splitlines()[-1])
    assert after["out"] == EXPECTED and after["waits"] == 1
    assert after["broken_locks"] == 0 and after["misses"] == 1


def test_a_lock_left_by_a_killed_compile_blocks_nobody(tmp_path):
    cache = tmp_path / "cache"
    path = script(tmp_path)
    # A process killed while it holds the key's lock (SIGKILL: no clean-up).
    victim = subprocess.Popen([sys.executable, path], env=env_for(cache),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.time() + 120
    while time.time() < deadline and not any(p.endswith(".lock") for p in
                                             (os.listdir(cache) if cache.exists() else [])):
        time.sleep(0.001)
    victim.send_signal(signal.SIGKILL)
    victim.wait()
    locks = [p for p in os.listdir(cache) if p.endswith(".lock")]
    if not locks:
        pytest.skip("the compile finished before the kill")
    start = time.time()
    after = run(tmp_path, cache)
    assert after["out"] == EXPECTED and after["broken_locks"] == 1 and after["misses"] == 1
    assert time.time() - start < 60
    assert not any(p.endswith(".lock") for p in os.listdir(cache))


def kernel_script(tmp_path, n):
    """A script compiling a kernel of its own (constant n): one entry each."""
    path = tmp_path / f"k{n}.py"
    path.write_text(textwrap.dedent(f"""
        import json
        import numpy as np
        import cuft
        cuft.set_target("host")

        @cuft.kernel
        def add(x):
            x[0] += {n}

        x = np.zeros(1)
        add[1, 1](x)
        print(json.dumps({{"out": x[0], **cuft.cache_info()["disk"]}}))
    """))
    return str(path)


def run_script_at(path, cache, **more):
    done = subprocess.run([sys.executable, path], env=env_for(cache, **more),
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_directory_is_kept_under_its_size_by_least_recent_use(tmp_path):
    cache = tmp_path / "cache"
    paths = [kernel_script(tmp_path, n) for n in range(4)]
    for p in paths[:3]:
        run_script_at(p, cache)
    sizes = {name: os.path.getsize(cache / name) for name in entries(cache)}
    assert len(sizes) == 3
    # Kernel 0's entry is used again: the least recently used is now kernel 1's.
    assert run_script_at(paths[0], cache)["hits"] == 1
    used_again = max(entries(cache), key=lambda n: os.path.getmtime(cache / n))
    limit = 2 * max(sizes.values()) + 100  # room for two entries
    last = run_script_at(paths[3], cache, CUFT_CACHE_SIZE=str(limit))
    assert last["out"] == 3 and last["limit_bytes"] == limit and last["evictions"] == 2
    left = entries(cache)
    assert len(left) == 2 and used_again in left
    assert sum(os.path.getsize(cache / n) for n in left) <= limit


def test_the_cache_command(tmp_path):
    cache = tmp_path / "cache"
    run_script_at(kernel_script(tmp_path, 7), cache)

    def command(action):
        done = subprocess.run([sys.executable, "-m", "cuft", "cache", action],
                              env=env_for(cache), capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    info = command("info")
    assert f"directory: {cache}" in info and "entries: 1" in info
    (name,) = entries(cache)
    assert name in command("list")
    assert "removed 1 entries" in command("clear")
    assert entries(cache) == []
    off = subprocess.run([sys.executable, "-m", "cuft", "cache", "info"],
                         env={**env_for(cache), "CUFT_CACHE": "0"}, capture_output=True,
                         text=True, timeout=60)
    assert "the disk cache is off" in off.stdout


def test_on_by_default_in_the_xdg_directory_and_off_per_kernel(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("CUFT_CACHE")}
    env["XDG_CACHE_HOME"] = str(tmp_path / "xdg")
    path = tmp_path / "default.py"
    path.write_text(textwrap.dedent("""
        import json
        import numpy as np
        import cuft
        cuft.set_target("host")

        @cuft.kernel
        def kept(x):
            x[0] += 1

        @cuft.kernel(cache=False)
        def not_kept(x):
            x[0] += 2

        x = np.zeros(1)
        kept[1, 1](x)
        not_kept[1, 1](x)
        print(json.dumps({"out": x[0], **cuft.cache_info()["disk"]}))
    """))
    done = subprocess.run([sys.executable, str(path)], env=env, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    info = json.loads(done.stdout.strip().splitlines()[-1])
    assert info["out"] == 3 and info["status"] == "on"
    assert info["directory"] == str(tmp_path / "xdg" / "cuft")
    assert info["writes"] == 1 and len(entries(tmp_path / "xdg" / "cuft")) == 1


def test_a_directory_that_cannot_be_made_turns_the_tier_off_with_one_warning(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    said = []
    info = run(tmp_path, blocker / "cache", stderr=said)
    assert info["out"] == EXPECTED and info["directory"] is None
    assert said[0].count("cuft: warning: disk cache off: cannot make") == 1
