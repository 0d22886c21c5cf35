"""Prints a gpu.module whose kernel is one block of the given number of
operations (its return included), for large-function.mlir."""
import sys

ops = int(sys.argv[1])
print('module attributes {gpu.container_module} {')
print('  gpu.module @m [#nvvm.target<O = 3, chip = "sm_90">] {')
print('    gpu.func @k(%a: i64) kernel {')
print('      %v0 = arith.addi %a, %a : i64')
for i in range(1, ops - 1):
    print(f'      %v{i} = arith.muli %v{i - 1}, %a : i64')
print('      gpu.return')
print('    }')
print('  }')
print('}')
