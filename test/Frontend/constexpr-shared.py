# RUN: %cuft_python %s | FileCheck %s
import cuft


@cuft.kernel
def block_sum(x, out, BLOCK: cuft.constexpr):
    buf = cuft.shared.array(BLOCK, cuft.float32)
    tid = cuft.threadIdx.x
    buf[tid] = x[cuft.grid(1)]
    cuft.syncthreads()
    if tid == 0:
        out[cuft.blockIdx.x] = buf[0] + buf[BLOCK - 1]


print(block_sum.inspect(signature="f32[::1], f32[::1], i64=64", stage="generic"))
print(block_sum.inspect(signature="f32[::1], f32[::1], i64=64", stage="typed"))

# The frontend marks the constexpr parameter; the specialization removes it and
# folds its value into the shared array's shape and the index.
# CHECK-LABEL: cuft.kernel @block_sum(
# CHECK-SAME: %BLOCK: !cuft.unknown {cuft.constexpr}
# CHECK: cuft.alloc_shared f32 [%BLOCK : !cuft.unknown] -> !cuft.unknown
# CHECK: cuft.syncthreads loc("{{.*}}constexpr-shared.py":10:5)

# CHECK-LABEL: cuft.kernel @block_sum(
# CHECK-SAME: %{{.*}}: !cuft.array<f32, 1, C>, %{{.*}}: !cuft.array<f32, 1, C>) {
# CHECK-DAG: %[[LAST:.*]] = cuft.constant 63 : i64
# CHECK-DAG: %[[BUF:.*]] = cuft.alloc_shared f32 shape [64] -> !cuft.array<f32, 1, C, shared>
# CHECK: cuft.load %[[BUF]][%[[LAST]]] : !cuft.array<f32, 1, C, shared>[i64] -> f32
