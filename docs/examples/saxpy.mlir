// saxpy as the Python frontend emits it: generic IR, every type unknown.
//
//   @cuft.kernel
//   def saxpy(a, x, y):
//       i = cuft.grid(1)
//       if i < x.shape[0]:
//           y[i] = a * x[i] + y[i]
//
// Run: build/bin/cuft-opt docs/examples/saxpy.mlir \
//        --cuft-specialize="sig=f32,array<f32,1,C>,array<f32,1,C>" --cuft-to-ptx
cuft.kernel @saxpy(%a: !cuft.unknown, %x: !cuft.unknown, %y: !cuft.unknown) {
  %i = cuft.var "i" : !cuft.var<!cuft.unknown>
  %g = cuft.grid 1 : i64
  cuft.var_store %g, %i : i64, !cuft.var<!cuft.unknown>
  %i0 = cuft.var_load %i : !cuft.var<!cuft.unknown> -> !cuft.unknown
  %n = cuft.dim %x, 0 : !cuft.unknown -> i64
  %c = cuft.cmp lt, %i0, %n : (!cuft.unknown, i64) -> !cuft.unknown
  cuft.if %c : !cuft.unknown {
    %i1 = cuft.var_load %i : !cuft.var<!cuft.unknown> -> !cuft.unknown
    %xi = cuft.load %x[%i1] : !cuft.unknown[!cuft.unknown] -> !cuft.unknown
    %ax = cuft.mul %a, %xi : (!cuft.unknown, !cuft.unknown) -> !cuft.unknown
    %yi = cuft.load %y[%i1] : !cuft.unknown[!cuft.unknown] -> !cuft.unknown
    %r = cuft.add %ax, %yi : (!cuft.unknown, !cuft.unknown) -> !cuft.unknown
    cuft.store %r, %y[%i1] : !cuft.unknown, !cuft.unknown[!cuft.unknown]
  }
  cuft.return
}
