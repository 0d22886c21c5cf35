// test/python/gallery.py's stencil_5pt: its generic IR (inspect(stage="generic"),
// locations dropped), an input of flat-pipeline.mlir.
module {
cuft.kernel @stencil_5pt(%a: !cuft.unknown, %out: !cuft.unknown) {
%i.var = cuft.var "i" : !cuft.var<!cuft.unknown>
%j.var = cuft.var "j" : !cuft.var<!cuft.unknown>
%n.var = cuft.var "n" : !cuft.var<!cuft.unknown>
%m.var = cuft.var "m" : !cuft.var<!cuft.unknown>
%4 = cuft.var "$and" : !cuft.var<!cuft.unknown>
%8 = cuft.var "$cmp" : !cuft.var<!cuft.unknown>
%19 = cuft.var "$cmp" : !cuft.var<!cuft.unknown>
%1:2 = cuft.grid 2 : i64, i64
cuft.var_store %1#0, %i.var : i64, !cuft.var<!cuft.unknown>
cuft.var_store %1#1, %j.var : i64, !cuft.var<!cuft.unknown>
%2 = cuft.dim %a, 0 : !cuft.unknown -> i64
%3 = cuft.dim %a, 1 : !cuft.unknown -> i64
cuft.var_store %2, %n.var : i64, !cuft.var<!cuft.unknown>
cuft.var_store %3, %m.var : i64, !cuft.var<!cuft.unknown>
%5 = cuft.constant 0 : i64
%6 = cuft.var_load %i.var : !cuft.var<!cuft.unknown> -> !cuft.unknown
%7 = cuft.cmp lt, %5, %6 : (i64, !cuft.unknown) -> !cuft.unknown
cuft.var_store %7, %8 : !cuft.unknown, !cuft.var<!cuft.unknown>
cuft.while {
%9 = cuft.constant true
cuft.condition %9 : i1
} do {
cuft.if %7 : !cuft.unknown {
cuft.yield
} else {
cuft.break
}
%10 = cuft.var_load %n.var : !cuft.var<!cuft.unknown> -> !cuft.unknown
%11 = cuft.constant 1 : i64
%12 = cuft.sub %10, %11 : (!cuft.unknown, i64) -> !cuft.unknown
%13 = cuft.cmp lt, %6, %12 : (!cuft.unknown, !cuft.unknown) -> !cuft.unknown
cuft.var_store %13, %8 : !cuft.unknown, !cuft.var<!cuft.unknown>
cuft.break
}
%14 = cuft.var_load %8 : !cuft.var<!cuft.unknown> -> !cuft.unknown
cuft.var_store %14, %4 : !cuft.unknown, !cuft.var<!cuft.unknown>
cuft.while {
%15 = cuft.constant true
cuft.condition %15 : i1
} do {
cuft.if %14 : !cuft.unknown {
cuft.yield
} else {
cuft.break
}
%16 = cuft.constant 0 : i64
%17 = cuft.var_load %j.var : !cuft.var<!cuft.unknown> -> !cuft.unknown
%18 = cuft.cmp lt, %16, %17 : (i64, !cuft.unknown) -> !cuft.unknown
cuft.var_store %18, %19 : !cuft.unknown, !cuft.var<!cuft.unknown>
cuft.while {
%20 = cuft.constant true
cuft.condition %20 : i1
} do {
cuft.if %18 : !cuft.unknown {
cuft.yield
} else {
cuft.break
}
%21 = cuft.var_load %m.var : !cuft.var<!cuft.unknown> -> !cuft.unknown
%22 = cuft.constant 1 : i64
%23 = cuft.sub %21, %22 : (!cuft.unknown, i64) -> !cuft.unknown
%24 = cuft.cmp lt, %17, %23 : (!cuft.unknown, !cuft.unknown) -> !cuft.unknown
cuft.var_store %24, %19 : !cuft.unknown, !cuft.var<!cuft.unknown>
cuft.break
}
%25 = cuft.var_load %19 : !cuft.var<!cuft.unknown> -> !cuft.unknown
cuft.var_store %25, %4 : !cuft.unknown, !cuft.var<!cuft.unknown>
cuft.break
}
%26 = cuft.var_load %4 : !cuft.var<!cuft.unknown> -> !cuft.unknown
cuft.if %26 : !cuft.unknown {
%27 = cuft.constant 0.25 : f64
%28 = cuft.var_load %i.var : !cuft.var<!cuft.unknown> -> !cuft.unknown
%29 = cuft.constant 1 : i64
%30 = cuft.sub %28, %29 : (!cuft.unknown, i64) -> !cuft.unknown
%31 = cuft.var_load %j.var : !cuft.var<!cuft.unknown> -> !cuft.unknown
%32 = cuft.load %a[%30, %31] : !cuft.unknown[!cuft.unknown, !cuft.unknown] -> !cuft.unknown
%33 = cuft.var_load %i.var : !cuft.var<!cuft.unknown> -> !cuft.unknown
%34 = cuft.constant 1 : i64
%35 = cuft.add %33, %34 : (!cuft.unknown, i64) -> !cuft.unknown
%36 = cuft.var_load %j.var : !cuft.var<!cuft.unknown> -> !cuft.unknown
%37 = cuft.load %a[%35, %36] : !cuft.unknown[!cuft.unknown, !cuft.unknown] -> !cuft.unknown
%38 = cuft.add %32, %37 : (!cuft.unknown, !cuft.unknown) -> !cuft.unknown
%39 = cuft.var_load %i.var : !cuft.var<!cuft.unknown> -> !cuft.unknown
%40 = cuft.var_load %j.var : !cuft.var<!cuft.unknown> -> !cuft.unknown
%41 = cuft.constant 1 : i64
%42 = cuft.sub %40, %41 : (!cuft.unknown, i64) -> !cuft.unknown
%43 = cuft.load %a[%39, %42] : !cuft.unknown[!cuft.unknown, !cuft.unknown] -> !cuft.unknown
%44 = cuft.add %38, %43 : (!cuft.unknown, !cuft.unknown) -> !cuft.unknown
%45 = cuft.var_load %i.var : !cuft.var<!cuft.unknown> -> !cuft.unknown
%46 = cuft.var_load %j.var : !cuft.var<!cuft.unknown> -> !cuft.unknown
%47 = cuft.constant 1 : i64
%48 = cuft.add %46, %47 : (!cuft.unknown, i64) -> !cuft.unknown
%49 = cuft.load %a[%45, %48] : !cuft.unknown[!cuft.unknown, !cuft.unknown] -> !cuft.unknown
%50 = cuft.add %44, %49 : (!cuft.unknown, !cuft.unknown) -> !cuft.unknown
%51 = cuft.mul %27, %50 : (f64, !cuft.unknown) -> !cuft.unknown
%52 = cuft.var_load %i.var : !cuft.var<!cuft.unknown> -> !cuft.unknown
%53 = cuft.var_load %j.var : !cuft.var<!cuft.unknown> -> !cuft.unknown
cuft.store %51, %out[%52, %53] : !cuft.unknown, !cuft.unknown[!cuft.unknown, !cuft.unknown]
cuft.yield
}
cuft.return
}
}
