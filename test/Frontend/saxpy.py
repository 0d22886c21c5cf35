# RUN: %cuft_python %s | FileCheck %s
import cuft


@cuft.kernel
def saxpy(a, x, y):
    i = cuft.grid(1)
    if i < x.shape[0]:
        y[i] = a * x[i] + y[i]


print(saxpy.inspect(signature="f32, f32[::1], f32[::1]", stage="generic"))

# Generic IR: no types yet, and every op located in this file.
# CHECK-LABEL: cuft.kernel @saxpy(
# CHECK-SAME: %a: !cuft.unknown loc("{{.*}}saxpy.py":6:11), %x: !cuft.unknown loc("{{.*}}saxpy.py":6:14), %y: !cuft.unknown loc("{{.*}}saxpy.py":6:17)) {
# CHECK: %[[G:.*]] = cuft.grid 1 : i64 loc("{{.*}}saxpy.py":7:9)
# CHECK: cuft.var_store %[[G]], %i.var
# CHECK: cuft.dim %x, 0 : !cuft.unknown -> i64 loc("{{.*}}saxpy.py":8:12)
# CHECK: cuft.cmp lt
# CHECK: cuft.if
# CHECK: %[[XI:.*]] = cuft.load %x[{{.*}}] : !cuft.unknown[!cuft.unknown] -> !cuft.unknown loc("{{.*}}saxpy.py":9:20)
# CHECK: %[[M:.*]] = cuft.mul %a, %[[XI]] : (!cuft.unknown, !cuft.unknown) -> !cuft.unknown loc("{{.*}}saxpy.py":9:16)
# CHECK: cuft.add %[[M]], {{.*}} loc("{{.*}}saxpy.py":9:16)
# CHECK: cuft.store {{.*}}, %y[{{.*}}] : !cuft.unknown, !cuft.unknown[!cuft.unknown] loc("{{.*}}saxpy.py":9:9)
# CHECK-NOT: !cuft.var<f32>
