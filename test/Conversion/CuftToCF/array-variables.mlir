// RUN: cuft-opt %s --convert-cuft-to-cf | FileCheck %s
// RUN: cuft-opt %s --convert-cuft-to-cf --convert-cuft-to-gpu | FileCheck %s --check-prefix=GPU

// An array variable assigned more than once (`x = a`, then `x = b` on one
// path) becomes SSA values: the block where the paths meet takes it as an
// argument. The scalar variable stays a variable.
// CHECK-LABEL: cuft.kernel @pick(
// CHECK-SAME: %[[A:.*]]: !cuft.array<f32, 1, C>, %[[B:.*]]: !cuft.array<f32, 1, C>, %[[P:.*]]: i1
// CHECK-NOT: cuft.var "x"
// CHECK: cuft.var "n"
// CHECK: cf.cond_br %[[P]], ^[[THEN:.*]], ^[[JOIN:.*]](%[[A]] : !cuft.array<f32, 1, C>)
// CHECK: ^[[THEN]]:
// CHECK: cf.br ^[[JOIN]](%[[B]] : !cuft.array<f32, 1, C>)
// CHECK: ^[[JOIN]](%[[X:.*]]: !cuft.array<f32, 1, C>):
// CHECK: cuft.load %[[X]]
// GPU-LABEL: gpu.func @pick(
// GPU: ^{{.*}}(%{{.*}}: memref<?xf32>):
cuft.kernel @pick(%a: !cuft.array<f32, 1, C>, %b: !cuft.array<f32, 1, C>, %p: i1) {
  %x = cuft.var "x" : !cuft.var<!cuft.array<f32, 1, C>>
  %n = cuft.var "n" : !cuft.var<i64>
  %c0 = cuft.constant 0 : i64
  cuft.var_store %c0, %n : i64, !cuft.var<i64>
  cuft.var_store %a, %x : !cuft.array<f32, 1, C>, !cuft.var<!cuft.array<f32, 1, C>>
  cuft.if %p : i1 {
    cuft.var_store %b, %x : !cuft.array<f32, 1, C>, !cuft.var<!cuft.array<f32, 1, C>>
    cuft.yield
  }
  %y = cuft.var_load %x : !cuft.var<!cuft.array<f32, 1, C>> -> !cuft.array<f32, 1, C>
  %i = cuft.var_load %n : !cuft.var<i64> -> i64
  %v = cuft.load %y[%i] : !cuft.array<f32, 1, C>[i64] -> f32
  cuft.store %v, %a[%i] : f32, !cuft.array<f32, 1, C>[i64]
  cuft.return
}
