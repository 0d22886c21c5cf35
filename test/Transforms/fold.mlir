// RUN: cuft-opt %s --split-input-file --cuft-fold | FileCheck %s

// Folds chain through their operands in one walk, equal constants become one
// at the function's entry, and what is left unused goes.
// CHECK-LABEL: func.func @chain(
// CHECK-DAG:     %[[C6:.*]] = arith.constant 6 : i64
// CHECK-DAG:     %[[C0:.*]] = arith.constant 0 : index
// CHECK-NOT:     arith.addi
// CHECK-NOT:     arith.muli
// CHECK:         memref.store %[[C6]], %arg0[%[[C0]]]
// CHECK-NEXT:    memref.store %[[C6]], %arg0[%[[C0]]]
// CHECK-NEXT:    return
func.func @chain(%m: memref<4xi64>) {
  %a = arith.constant 2 : i64
  %b = arith.constant 3 : i64
  %s = arith.addi %a, %a : i64
  %dead = arith.muli %s, %b : i64
  %p = arith.addi %s, %a : i64
  %i = arith.constant 0 : index
  memref.store %p, %m[%i] : memref<4xi64>
  %q = arith.muli %a, %b : i64
  %j = arith.constant 0 : index
  memref.store %q, %m[%j] : memref<4xi64>
  return
}

// -----

// A block's dominator is folded first even where it comes later in the list:
// ^def dominates ^use, so %y folds with %x's constant, and the constant is
// hoisted to the entry.
// CHECK-LABEL: func.func @dominance_order(
// CHECK:         %[[C:.*]] = arith.constant 20 : i64
// CHECK-NOT:     arith.addi
// CHECK:       ^bb1:
// CHECK:         memref.store %[[C]]
func.func @dominance_order(%m: memref<4xi64>) {
  cf.br ^def
^use:
  %i = arith.constant 0 : index
  %y = arith.addi %x, %x : i64
  memref.store %y, %m[%i] : memref<4xi64>
  return
^def:
  %c = arith.constant 5 : i64
  %x = arith.addi %c, %c : i64
  %x2 = arith.subi %x, %c : i64
  cf.br ^use
}

// -----

// Ops in regions fold too; unused ops go with what only they used (a load
// included: it only reads), ops that write stay.
// CHECK-LABEL: func.func @regions(
// CHECK:         scf.if
// CHECK-NEXT:      memref.store %c7_i64
// CHECK-NEXT:    }
// CHECK-NEXT:    return
func.func @regions(%m: memref<4xi64>, %c: i1) {
  %i = arith.constant 0 : index
  scf.if %c {
    %a = arith.constant 3 : i64
    %b = arith.constant 4 : i64
    %s = arith.addi %a, %b : i64
    memref.store %s, %m[%i] : memref<4xi64>
  }
  %v = memref.load %m[%i] : memref<4xi64>
  %w = arith.muli %v, %v : i64
  return
}

// -----

// A conditional branch on a constant (once folded) becomes a branch, and the
// block it no longer reaches goes (with its atomic: the host target's
// analyses must not see a constexpr's dead code); a branch on a value stays.
// CHECK-LABEL: func.func @constant_branch(
// CHECK-NOT:     cf.cond_br %{{.*}}, ^{{.*}}, ^{{.*}}(
// CHECK:         cf.br ^[[JOIN:.*]](%{{.*}} : i64)
// CHECK-NOT:     memref.atomic_rmw
// CHECK:       ^[[JOIN]](%{{.*}}: i64):
// CHECK:         cf.cond_br %arg1
func.func @constant_branch(%m: memref<4xi64>, %p: i1) {
  %a = arith.constant 2 : i64
  %b = arith.constant 3 : i64
  %i = arith.constant 0 : index
  %c = arith.cmpi slt, %a, %b : i64
  cf.cond_br %c, ^join(%a : i64), ^dead
^dead:
  %old = memref.atomic_rmw addi %b, %m[%i] : (i64, memref<4xi64>) -> i64
  cf.br ^join(%old : i64)
^join(%v: i64):
  cf.cond_br %p, ^store, ^end
^store:
  memref.store %v, %m[%i] : memref<4xi64>
  cf.br ^end
^end:
  return
}
