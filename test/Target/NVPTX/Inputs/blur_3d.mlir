// test/python/gallery.py's blur_3d: its generic IR (inspect(stage="generic"),
// locations dropped), an input of flat-pipeline.mlir.
module {
cuft.kernel @blur_3d(%a: !cuft.unknown, %out: !cuft.unknown) {
%i.var = cuft.var "i" : !cuft.var<!cuft.unknown>
%j.var = cuft.var "j" : !cuft.var<!cuft.unknown>
%k.var = cuft.var "k" : !cuft.var<!cuft.unknown>
%acc.var = cuft.var "acc" : !cuft.var<!cuft.unknown>
%count.var = cuft.var "count" : !cuft.var<!cuft.unknown>
%di.var = cuft.var "di" : !cuft.var<!cuft.unknown>
%dj.var = cuft.var "dj" : !cuft.var<!cuft.unknown>
%ii.var = cuft.var "ii" : !cuft.var<!cuft.unknown>
%jj.var = cuft.var "jj" : !cuft.var<!cuft.unknown>
%2 = cuft.var "$and" : !cuft.var<!cuft.unknown>
%30 = cuft.var "$or" : !cuft.var<!cuft.unknown>
%1:3 = cuft.grid 3 : i64, i64, i64
cuft.var_store %1#0, %i.var : i64, !cuft.var<!cuft.unknown>
cuft.var_store %1#1, %j.var : i64, !cuft.var<!cuft.unknown>
cuft.var_store %1#2, %k.var : i64, !cuft.var<!cuft.unknown>
%3 = cuft.var_load %i.var : !cuft.var<!cuft.unknown> -> !cuft.unknown
%4 = cuft.dim %a, 0 : !cuft.unknown -> i64
%5 = cuft.cmp lt, %3, %4 : (!cuft.unknown, i64) -> !cuft.unknown
cuft.var_store %5, %2 : !cuft.unknown, !cuft.var<!cuft.unknown>
cuft.while {
%6 = cuft.constant true
cuft.condition %6 : i1
} do {
cuft.if %5 : !cuft.unknown {
cuft.yield
} else {
cuft.break
}
%7 = cuft.var_load %j.var : !cuft.var<!cuft.unknown> -> !cuft.unknown
%8 = cuft.dim %a, 1 : !cuft.unknown -> i64
%9 = cuft.cmp lt, %7, %8 : (!cuft.unknown, i64) -> !cuft.unknown
cuft.var_store %9, %2 : !cuft.unknown, !cuft.var<!cuft.unknown>
cuft.if %9 : !cuft.unknown {
cuft.yield
} else {
cuft.break
}
%10 = cuft.var_load %k.var : !cuft.var<!cuft.unknown> -> !cuft.unknown
%11 = cuft.dim %a, 2 : !cuft.unknown -> i64
%12 = cuft.cmp lt, %10, %11 : (!cuft.unknown, i64) -> !cuft.unknown
cuft.var_store %12, %2 : !cuft.unknown, !cuft.var<!cuft.unknown>
cuft.break
}
%13 = cuft.var_load %2 : !cuft.var<!cuft.unknown> -> !cuft.unknown
cuft.if %13 : !cuft.unknown {
%14 = cuft.constant 0.0 : f64
cuft.var_store %14, %acc.var : f64, !cuft.var<!cuft.unknown>
%15 = cuft.constant 0 : i64
cuft.var_store %15, %count.var : i64, !cuft.var<!cuft.unknown>
%16 = cuft.constant -1 : i64
%17 = cuft.constant 2 : i64
%18 = cuft.constant 1 : i64
cuft.for %19 = %16 to %17 step %18 : (i64, i64, i64) -> !cuft.unknown {
cuft.var_store %19, %di.var : !cuft.unknown, !cuft.var<!cuft.unknown>
%20 = cuft.constant -1 : i64
%21 = cuft.constant 2 : i64
%22 = cuft.constant 1 : i64
cuft.for %23 = %20 to %21 step %22 : (i64, i64, i64) -> !cuft.unknown {
cuft.var_store %23, %dj.var : !cuft.unknown, !cuft.var<!cuft.unknown>
%24 = cuft.var_load %i.var : !cuft.var<!cuft.unknown> -> !cuft.unknown
%25 = cuft.var_load %di.var : !cuft.var<!cuft.unknown> -> !cuft.unknown
%26 = cuft.add %24, %25 : (!cuft.unknown, !cuft.unknown) -> !cuft.unknown
cuft.var_store %26, %ii.var : !cuft.unknown, !cuft.var<!cuft.unknown>
%27 = cuft.var_load %j.var : !cuft.var<!cuft.unknown> -> !cuft.unknown
%28 = cuft.var_load %dj.var : !cuft.var<!cuft.unknown> -> !cuft.unknown
%29 = cuft.add %27, %28 : (!cuft.unknown, !cuft.unknown) -> !cuft.unknown
cuft.var_store %29, %jj.var : !cuft.unknown, !cuft.var<!cuft.unknown>
%31 = cuft.var_load %ii.var : !cuft.var<!cuft.unknown> -> !cuft.unknown
%32 = cuft.constant 0 : i64
%33 = cuft.cmp lt, %31, %32 : (!cuft.unknown, i64) -> !cuft.unknown
cuft.var_store %33, %30 : !cuft.unknown, !cuft.var<!cuft.unknown>
cuft.while {
%34 = cuft.constant true
cuft.condition %34 : i1
} do {
cuft.if %33 : !cuft.unknown {
cuft.break
}
%35 = cuft.var_load %jj.var : !cuft.var<!cuft.unknown> -> !cuft.unknown
%36 = cuft.constant 0 : i64
%37 = cuft.cmp lt, %35, %36 : (!cuft.unknown, i64) -> !cuft.unknown
cuft.var_store %37, %30 : !cuft.unknown, !cuft.var<!cuft.unknown>
cuft.if %37 : !cuft.unknown {
cuft.break
}
%38 = cuft.var_load %ii.var : !cuft.var<!cuft.unknown> -> !cuft.unknown
%39 = cuft.dim %a, 0 : !cuft.unknown -> i64
%40 = cuft.cmp ge, %38, %39 : (!cuft.unknown, i64) -> !cuft.unknown
cuft.var_store %40, %30 : !cuft.unknown, !cuft.var<!cuft.unknown>
cuft.if %40 : !cuft.unknown {
cuft.break
}
%41 = cuft.var_load %jj.var : !cuft.var<!cuft.unknown> -> !cuft.unknown
%42 = cuft.dim %a, 1 : !cuft.unknown -> i64
%43 = cuft.cmp ge, %41, %42 : (!cuft.unknown, i64) -> !cuft.unknown
cuft.var_store %43, %30 : !cuft.unknown, !cuft.var<!cuft.unknown>
cuft.break
}
%44 = cuft.var_load %30 : !cuft.var<!cuft.unknown> -> !cuft.unknown
cuft.if %44 : !cuft.unknown {
cuft.continue
}
%45 = cuft.var_load %acc.var : !cuft.var<!cuft.unknown> -> !cuft.unknown
%46 = cuft.var_load %ii.var : !cuft.var<!cuft.unknown> -> !cuft.unknown
%47 = cuft.var_load %jj.var : !cuft.var<!cuft.unknown> -> !cuft.unknown
%48 = cuft.var_load %k.var : !cuft.var<!cuft.unknown> -> !cuft.unknown
%49 = cuft.load %a[%46, %47, %48] : !cuft.unknown[!cuft.unknown, !cuft.unknown, !cuft.unknown] -> !cuft.unknown
%50 = cuft.add %45, %49 : (!cuft.unknown, !cuft.unknown) -> !cuft.unknown
cuft.var_store %50, %acc.var : !cuft.unknown, !cuft.var<!cuft.unknown>
%51 = cuft.var_load %count.var : !cuft.var<!cuft.unknown> -> !cuft.unknown
%52 = cuft.constant 1 : i64
%53 = cuft.add %51, %52 : (!cuft.unknown, i64) -> !cuft.unknown
cuft.var_store %53, %count.var : !cuft.unknown, !cuft.var<!cuft.unknown>
cuft.yield
}
cuft.yield
}
%54 = cuft.var_load %acc.var : !cuft.var<!cuft.unknown> -> !cuft.unknown
%55 = cuft.var_load %count.var : !cuft.var<!cuft.unknown> -> !cuft.unknown
%56 = cuft.truediv %54, %55 : (!cuft.unknown, !cuft.unknown) -> !cuft.unknown
%57 = cuft.var_load %i.var : !cuft.var<!cuft.unknown> -> !cuft.unknown
%58 = cuft.var_load %j.var : !cuft.var<!cuft.unknown> -> !cuft.unknown
%59 = cuft.var_load %k.var : !cuft.var<!cuft.unknown> -> !cuft.unknown
cuft.store %56, %out[%57, %58, %59] : !cuft.unknown, !cuft.unknown[!cuft.unknown, !cuft.unknown, !cuft.unknown]
cuft.yield
}
cuft.return
}
}
