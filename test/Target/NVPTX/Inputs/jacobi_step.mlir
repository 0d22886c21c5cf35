// test/python/gallery.py's jacobi_step: its generic IR (inspect(stage="generic"),
// locations dropped), an input of flat-pipeline.mlir.
module {
cuft.kernel @jacobi_step(%a: !cuft.unknown, %anew: !cuft.unknown, %err: !cuft.unknown) {
%j.var = cuft.var "j" : !cuft.var<!cuft.unknown>
%i.var = cuft.var "i" : !cuft.var<!cuft.unknown>
%n.var = cuft.var "n" : !cuft.var<!cuft.unknown>
%m.var = cuft.var "m" : !cuft.var<!cuft.unknown>
%4 = cuft.var "$and" : !cuft.var<!cuft.unknown>
%1:2 = cuft.grid 2 : i64, i64
cuft.var_store %1#0, %j.var : i64, !cuft.var<!cuft.unknown>
cuft.var_store %1#1, %i.var : i64, !cuft.var<!cuft.unknown>
%2 = cuft.dim %a, 0 : !cuft.unknown -> i64
%3 = cuft.dim %a, 1 : !cuft.unknown -> i64
cuft.var_store %2, %n.var : i64, !cuft.var<!cuft.unknown>
cuft.var_store %3, %m.var : i64, !cuft.var<!cuft.unknown>
%5 = cuft.var_load %j.var : !cuft.var<!cuft.unknown> -> !cuft.unknown
%6 = cuft.constant 1 : i64
%7 = cuft.cmp ge, %5, %6 : (!cuft.unknown, i64) -> !cuft.unknown
cuft.var_store %7, %4 : !cuft.unknown, !cuft.var<!cuft.unknown>
cuft.while {
%8 = cuft.constant true
cuft.condition %8 : i1
} do {
cuft.if %7 : !cuft.unknown {
cuft.yield
} else {
cuft.break
}
%9 = cuft.var_load %j.var : !cuft.var<!cuft.unknown> -> !cuft.unknown
%10 = cuft.var_load %n.var : !cuft.var<!cuft.unknown> -> !cuft.unknown
%11 = cuft.constant 1 : i64
%12 = cuft.sub %10, %11 : (!cuft.unknown, i64) -> !cuft.unknown
%13 = cuft.cmp lt, %9, %12 : (!cuft.unknown, !cuft.unknown) -> !cuft.unknown
cuft.var_store %13, %4 : !cuft.unknown, !cuft.var<!cuft.unknown>
cuft.if %13 : !cuft.unknown {
cuft.yield
} else {
cuft.break
}
%14 = cuft.var_load %i.var : !cuft.var<!cuft.unknown> -> !cuft.unknown
%15 = cuft.constant 1 : i64
%16 = cuft.cmp ge, %14, %15 : (!cuft.unknown, i64) -> !cuft.unknown
cuft.var_store %16, %4 : !cuft.unknown, !cuft.var<!cuft.unknown>
cuft.if %16 : !cuft.unknown {
cuft.yield
} else {
cuft.break
}
%17 = cuft.var_load %i.var : !cuft.var<!cuft.unknown> -> !cuft.unknown
%18 = cuft.var_load %m.var : !cuft.var<!cuft.unknown> -> !cuft.unknown
%19 = cuft.constant 1 : i64
%20 = cuft.sub %18, %19 : (!cuft.unknown, i64) -> !cuft.unknown
%21 = cuft.cmp lt, %17, %20 : (!cuft.unknown, !cuft.unknown) -> !cuft.unknown
cuft.var_store %21, %4 : !cuft.unknown, !cuft.var<!cuft.unknown>
cuft.break
}
%22 = cuft.var_load %4 : !cuft.var<!cuft.unknown> -> !cuft.unknown
cuft.if %22 : !cuft.unknown {
%23 = cuft.constant 0.25 : f64
%24 = cuft.var_load %j.var : !cuft.var<!cuft.unknown> -> !cuft.unknown
%25 = cuft.var_load %i.var : !cuft.var<!cuft.unknown> -> !cuft.unknown
%26 = cuft.constant 1 : i64
%27 = cuft.add %25, %26 : (!cuft.unknown, i64) -> !cuft.unknown
%28 = cuft.load %a[%24, %27] : !cuft.unknown[!cuft.unknown, !cuft.unknown] -> !cuft.unknown
%29 = cuft.var_load %j.var : !cuft.var<!cuft.unknown> -> !cuft.unknown
%30 = cuft.var_load %i.var : !cuft.var<!cuft.unknown> -> !cuft.unknown
%31 = cuft.constant 1 : i64
%32 = cuft.sub %30, %31 : (!cuft.unknown, i64) -> !cuft.unknown
%33 = cuft.load %a[%29, %32] : !cuft.unknown[!cuft.unknown, !cuft.unknown] -> !cuft.unknown
%34 = cuft.add %28, %33 : (!cuft.unknown, !cuft.unknown) -> !cuft.unknown
%35 = cuft.var_load %j.var : !cuft.var<!cuft.unknown> -> !cuft.unknown
%36 = cuft.constant 1 : i64
%37 = cuft.sub %35, %36 : (!cuft.unknown, i64) -> !cuft.unknown
%38 = cuft.var_load %i.var : !cuft.var<!cuft.unknown> -> !cuft.unknown
%39 = cuft.load %a[%37, %38] : !cuft.unknown[!cuft.unknown, !cuft.unknown] -> !cuft.unknown
%40 = cuft.add %34, %39 : (!cuft.unknown, !cuft.unknown) -> !cuft.unknown
%41 = cuft.var_load %j.var : !cuft.var<!cuft.unknown> -> !cuft.unknown
%42 = cuft.constant 1 : i64
%43 = cuft.add %41, %42 : (!cuft.unknown, i64) -> !cuft.unknown
%44 = cuft.var_load %i.var : !cuft.var<!cuft.unknown> -> !cuft.unknown
%45 = cuft.load %a[%43, %44] : !cuft.unknown[!cuft.unknown, !cuft.unknown] -> !cuft.unknown
%46 = cuft.add %40, %45 : (!cuft.unknown, !cuft.unknown) -> !cuft.unknown
%47 = cuft.mul %23, %46 : (f64, !cuft.unknown) -> !cuft.unknown
%48 = cuft.var_load %j.var : !cuft.var<!cuft.unknown> -> !cuft.unknown
%49 = cuft.var_load %i.var : !cuft.var<!cuft.unknown> -> !cuft.unknown
cuft.store %47, %anew[%48, %49] : !cuft.unknown, !cuft.unknown[!cuft.unknown, !cuft.unknown]
%50 = cuft.constant 0 : i64
%51 = cuft.var_load %j.var : !cuft.var<!cuft.unknown> -> !cuft.unknown
%52 = cuft.var_load %i.var : !cuft.var<!cuft.unknown> -> !cuft.unknown
%53 = cuft.load %anew[%51, %52] : !cuft.unknown[!cuft.unknown, !cuft.unknown] -> !cuft.unknown
%54 = cuft.var_load %j.var : !cuft.var<!cuft.unknown> -> !cuft.unknown
%55 = cuft.var_load %i.var : !cuft.var<!cuft.unknown> -> !cuft.unknown
%56 = cuft.load %a[%54, %55] : !cuft.unknown[!cuft.unknown, !cuft.unknown] -> !cuft.unknown
%57 = cuft.sub %53, %56 : (!cuft.unknown, !cuft.unknown) -> !cuft.unknown
%58 = cuft.abs %57 : (!cuft.unknown) -> !cuft.unknown
%59 = cuft.atomic max %err[%50], %58 : !cuft.unknown[i64], !cuft.unknown -> !cuft.unknown
cuft.yield
}
cuft.return
}
}
