"""Runs a Python program in a fresh interpreter, for tests that need a process
of their own (signals, memory growth, another CUDA driver)."""
import os
import subprocess
import sys
import tempfile


def run_script(text, drop=(), timeout=300, **env):
    """Runs ``text``, written to a file (kernels read their source from one),
    with this interpreter; the environment is ours without the names in
    ``drop`` and with ``env``. Fails the test on a non-zero exit; returns stdout."""
    environ = {k: v for k, v in os.environ.items() if k not in drop}
    environ.update(env)
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as f:
        f.write(text)
    try:
        run = subprocess.run([sys.executable, f.name], env=environ, capture_output=True,
                             text=True, timeout=timeout)
    finally:
        os.unlink(f.name)
    assert run.returncode == 0, run.stdout + run.stderr
    return run.stdout
