"""Prints a gpu.module whose kernel has the given number of blocks (a chain of
branches), for large-function.mlir."""
import sys

blocks = int(sys.argv[1])
print('module attributes {gpu.container_module} {')
print('  gpu.module @m [#nvvm.target<O = 3, chip = "sm_90">] {')
print('    gpu.func @k() kernel {')
for b in range(1, blocks):
    print(f'      cf.br ^bb{b}')
    print(f'    ^bb{b}:')
print('      gpu.return')
print('    }')
print('  }')
print('}')
