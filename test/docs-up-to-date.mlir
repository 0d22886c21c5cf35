// The committed dialect and pass references must match the ODS they are
// generated from. To refresh them:
//   cp build/docs/CuftDialect.md docs/Dialect.md
//   cat build/docs/CuftPasses.md build/docs/CuftConversionPasses.md > docs/Passes.md
// RUN: diff %cuft_obj/docs/CuftDialect.md %cuft_src/docs/Dialect.md
// RUN: cat %cuft_obj/docs/CuftPasses.md %cuft_obj/docs/CuftConversionPasses.md > %t
// RUN: diff %t %cuft_src/docs/Passes.md
