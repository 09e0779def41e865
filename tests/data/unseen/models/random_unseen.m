Network random_unseen {
Layer rconv000 {
Type: CONV
Stride { X: 1, Y: 1 }
Dimensions { K: 30, C: 3, R: 5, S: 5, Y: 15, X: 15 }
}
Layer rconv001 {
Type: CONV
Stride { X: 2, Y: 2 }
Dimensions { K: 24, C: 268, R: 5, S: 5, Y: 32, X: 32 }
}
Layer rconv002 {
Type: CONV
Stride { X: 2, Y: 2 }
Dimensions { K: 418, C: 5, R: 7, S: 7, Y: 12, X: 71 }
}
Layer rconv003 {
Type: CONV
Stride { X: 1, Y: 1 }
Dimensions { K: 19, C: 32, R: 1, S: 1, Y: 55, X: 95 }
}
Layer rconv004 {
Type: CONV
Stride { X: 1, Y: 1 }
Dimensions { K: 273, C: 158, R: 3, S: 3, Y: 9, X: 9 }
}
Layer rconv005 {
Type: CONV
Stride { X: 2, Y: 2 }
Dimensions { K: 10, C: 21, R: 5, S: 5, Y: 79, X: 79 }
}
Layer rconv006 {
Type: CONV
Stride { X: 1, Y: 1 }
Dimensions { K: 196, C: 52, R: 3, S: 3, Y: 89, X: 106 }
}
Layer rconv007 {
Type: CONV
Stride { X: 2, Y: 2 }
Dimensions { K: 17, C: 255, R: 1, S: 1, Y: 31, X: 17 }
}
Layer rconv008 {
Type: CONV
Stride { X: 1, Y: 1 }
Dimensions { K: 5, C: 116, R: 1, S: 1, Y: 12, X: 50 }
}
Layer rconv009 {
Type: CONV
Stride { X: 2, Y: 2 }
Dimensions { K: 11, C: 42, R: 1, S: 1, Y: 40, X: 40 }
}
Layer rconv010 {
Type: CONV
Stride { X: 1, Y: 1 }
Dimensions { K: 77, C: 26, R: 3, S: 3, Y: 10, X: 28 }
}
Layer rconv011 {
Type: CONV
Stride { X: 1, Y: 1 }
Dimensions { K: 304, C: 17, R: 3, S: 3, Y: 31, X: 31 }
}
Layer rconv012 {
Type: CONV
Stride { X: 1, Y: 1 }
Dimensions { K: 4, C: 3, R: 7, S: 7, Y: 93, X: 93 }
}
Layer rconv013 {
Type: CONV
Stride { X: 1, Y: 1 }
Dimensions { K: 14, C: 142, R: 1, S: 1, Y: 22, X: 22 }
}
Layer rconv014 {
Type: CONV
Stride { X: 2, Y: 2 }
Dimensions { K: 284, C: 3, R: 5, S: 5, Y: 34, X: 34 }
}
Layer rconv015 {
Type: CONV
Stride { X: 2, Y: 2 }
Dimensions { K: 305, C: 417, R: 7, S: 7, Y: 25, X: 39 }
}
Layer rconv016 {
Type: CONV
Stride { X: 1, Y: 1 }
Dimensions { K: 11, C: 6, R: 3, S: 3, Y: 31, X: 31 }
}
Layer rconv017 {
Type: CONV
Stride { X: 2, Y: 2 }
Dimensions { K: 104, C: 182, R: 5, S: 5, Y: 64, X: 64 }
}
Layer rconv018 {
Type: CONV
Stride { X: 1, Y: 1 }
Dimensions { K: 7, C: 148, R: 3, S: 3, Y: 8, X: 8 }
}
Layer rconv019 {
Type: CONV
Stride { X: 1, Y: 1 }
Dimensions { K: 112, C: 24, R: 7, S: 7, Y: 27, X: 24 }
}
Layer rconv020 {
Type: CONV
Stride { X: 1, Y: 1 }
Dimensions { K: 12, C: 6, R: 1, S: 1, Y: 93, X: 37 }
}
Layer rconv021 {
Type: CONV
Stride { X: 2, Y: 2 }
Dimensions { K: 10, C: 23, R: 3, S: 3, Y: 16, X: 16 }
}
Layer rconv022 {
Type: CONV
Stride { X: 2, Y: 2 }
Dimensions { K: 26, C: 71, R: 5, S: 5, Y: 12, X: 68 }
}
Layer rconv023 {
Type: CONV
Stride { X: 1, Y: 1 }
Dimensions { K: 12, C: 27, R: 1, S: 1, Y: 8, X: 8 }
}
Layer rconv024 {
Type: CONV
Stride { X: 1, Y: 1 }
Dimensions { K: 27, C: 258, R: 3, S: 1, Y: 14, X: 14 }
}
Layer rconv025 {
Type: CONV
Stride { X: 2, Y: 2 }
Dimensions { K: 9, C: 135, R: 1, S: 1, Y: 30, X: 30 }
}
Layer rconv026 {
Type: CONV
Stride { X: 2, Y: 2 }
Dimensions { K: 97, C: 25, R: 1, S: 1, Y: 31, X: 31 }
}
Layer rconv027 {
Type: CONV
Stride { X: 1, Y: 1 }
Dimensions { K: 178, C: 7, R: 7, S: 7, Y: 8, X: 8 }
}
Layer rconv028 {
Type: CONV
Stride { X: 1, Y: 1 }
Dimensions { K: 105, C: 48, R: 1, S: 1, Y: 17, X: 17 }
}
Layer rconv029 {
Type: CONV
Stride { X: 1, Y: 1 }
Dimensions { K: 17, C: 21, R: 1, S: 1, Y: 10, X: 10 }
}
Layer rconv030 {
Type: CONV
Stride { X: 1, Y: 1 }
Dimensions { K: 5, C: 4, R: 3, S: 3, Y: 26, X: 26 }
}
Layer rconv031 {
Type: CONV
Stride { X: 1, Y: 1 }
Dimensions { K: 320, C: 16, R: 3, S: 3, Y: 112, X: 112 }
}
Layer rconv032 {
Type: CONV
Stride { X: 1, Y: 1 }
Dimensions { K: 39, C: 8, R: 3, S: 3, Y: 41, X: 53 }
}
Layer rconv033 {
Type: CONV
Stride { X: 1, Y: 1 }
Dimensions { K: 246, C: 3, R: 3, S: 1, Y: 10, X: 10 }
}
Layer rconv034 {
Type: CONV
Stride { X: 1, Y: 1 }
Dimensions { K: 13, C: 463, R: 3, S: 3, Y: 24, X: 24 }
}
Layer rconv035 {
Type: CONV
Stride { X: 1, Y: 1 }
Dimensions { K: 13, C: 30, R: 1, S: 1, Y: 31, X: 31 }
}
Layer rconv036 {
Type: CONV
Stride { X: 2, Y: 2 }
Dimensions { K: 13, C: 38, R: 1, S: 1, Y: 14, X: 14 }
}
Layer rconv037 {
Type: CONV
Stride { X: 1, Y: 1 }
Dimensions { K: 62, C: 7, R: 7, S: 7, Y: 60, X: 7 }
}
Layer rconv038 {
Type: CONV
Stride { X: 1, Y: 1 }
Dimensions { K: 140, C: 12, R: 7, S: 7, Y: 12, X: 12 }
}
Layer rconv039 {
Type: CONV
Stride { X: 1, Y: 1 }
Dimensions { K: 5, C: 23, R: 3, S: 3, Y: 13, X: 13 }
}
Layer rconv040 {
Type: CONV
Stride { X: 1, Y: 1 }
Dimensions { K: 11, C: 336, R: 1, S: 7, Y: 92, X: 13 }
}
Layer rconv041 {
Type: CONV
Stride { X: 1, Y: 1 }
Dimensions { K: 233, C: 74, R: 5, S: 3, Y: 46, X: 46 }
}
Layer rconv042 {
Type: CONV
Stride { X: 1, Y: 1 }
Dimensions { K: 92, C: 126, R: 7, S: 7, Y: 28, X: 28 }
}
Layer rconv043 {
Type: CONV
Stride { X: 2, Y: 2 }
Dimensions { K: 98, C: 442, R: 7, S: 7, Y: 23, X: 23 }
}
Layer rconv044 {
Type: CONV
Stride { X: 1, Y: 1 }
Dimensions { K: 140, C: 214, R: 5, S: 5, Y: 53, X: 53 }
}
Layer rconv045 {
Type: CONV
Stride { X: 2, Y: 2 }
Dimensions { K: 468, C: 103, R: 1, S: 1, Y: 39, X: 39 }
}
Layer rconv046 {
Type: CONV
Stride { X: 1, Y: 1 }
Dimensions { K: 9, C: 3, R: 3, S: 3, Y: 10, X: 17 }
}
Layer rconv047 {
Type: CONV
Stride { X: 1, Y: 1 }
Dimensions { K: 74, C: 27, R: 5, S: 5, Y: 25, X: 25 }
}
Layer rconv048 {
Type: CONV
Stride { X: 1, Y: 1 }
Dimensions { K: 27, C: 6, R: 5, S: 5, Y: 69, X: 69 }
}
Layer rconv049 {
Type: CONV
Stride { X: 1, Y: 1 }
Dimensions { K: 57, C: 39, R: 1, S: 1, Y: 22, X: 22 }
}
Layer rdw000 {
Type: DSCONV
Stride { X: 1, Y: 1 }
Dimensions { K: 1, C: 153, R: 5, S: 5, Y: 69, X: 69 }
}
Layer rdw001 {
Type: DSCONV
Stride { X: 1, Y: 1 }
Dimensions { K: 1, C: 138, R: 5, S: 5, Y: 9, X: 9 }
}
Layer rdw002 {
Type: DSCONV
Stride { X: 1, Y: 1 }
Dimensions { K: 1, C: 19, R: 3, S: 3, Y: 108, X: 108 }
}
Layer rdw003 {
Type: DSCONV
Stride { X: 1, Y: 1 }
Dimensions { K: 1, C: 742, R: 3, S: 3, Y: 10, X: 10 }
}
Layer rdw004 {
Type: DSCONV
Stride { X: 2, Y: 2 }
Dimensions { K: 1, C: 11, R: 7, S: 7, Y: 9, X: 9 }
}
Layer rdw005 {
Type: DSCONV
Stride { X: 1, Y: 1 }
Dimensions { K: 1, C: 28, R: 3, S: 3, Y: 39, X: 39 }
}
Layer rdw006 {
Type: DSCONV
Stride { X: 1, Y: 1 }
Dimensions { K: 1, C: 753, R: 7, S: 7, Y: 17, X: 17 }
}
Layer rdw007 {
Type: DSCONV
Stride { X: 1, Y: 1 }
Dimensions { K: 1, C: 9, R: 3, S: 3, Y: 24, X: 24 }
}
Layer rdw008 {
Type: DSCONV
Stride { X: 2, Y: 2 }
Dimensions { K: 1, C: 36, R: 5, S: 5, Y: 47, X: 47 }
}
Layer rdw009 {
Type: DSCONV
Stride { X: 2, Y: 2 }
Dimensions { K: 1, C: 200, R: 7, S: 7, Y: 30, X: 30 }
}
Layer rdw010 {
Type: DSCONV
Stride { X: 1, Y: 1 }
Dimensions { K: 1, C: 230, R: 3, S: 3, Y: 91, X: 91 }
}
Layer rdw011 {
Type: DSCONV
Stride { X: 1, Y: 1 }
Dimensions { K: 1, C: 10, R: 7, S: 7, Y: 63, X: 63 }
}
Layer rdw012 {
Type: DSCONV
Stride { X: 1, Y: 1 }
Dimensions { K: 1, C: 24, R: 3, S: 3, Y: 10, X: 10 }
}
Layer rdw013 {
Type: DSCONV
Stride { X: 1, Y: 1 }
Dimensions { K: 1, C: 9, R: 5, S: 5, Y: 22, X: 22 }
}
Layer rdw014 {
Type: DSCONV
Stride { X: 1, Y: 1 }
Dimensions { K: 1, C: 18, R: 3, S: 3, Y: 29, X: 29 }
}
Layer rdw015 {
Type: DSCONV
Stride { X: 1, Y: 1 }
Dimensions { K: 1, C: 84, R: 3, S: 3, Y: 9, X: 9 }
}
Layer rdw016 {
Type: DSCONV
Stride { X: 1, Y: 1 }
Dimensions { K: 1, C: 17, R: 3, S: 3, Y: 19, X: 19 }
}
Layer rdw017 {
Type: DSCONV
Stride { X: 1, Y: 1 }
Dimensions { K: 1, C: 697, R: 5, S: 5, Y: 16, X: 16 }
}
Layer rdw018 {
Type: DSCONV
Stride { X: 2, Y: 2 }
Dimensions { K: 1, C: 107, R: 5, S: 5, Y: 11, X: 11 }
}
Layer rdw019 {
Type: DSCONV
Stride { X: 2, Y: 2 }
Dimensions { K: 1, C: 77, R: 7, S: 7, Y: 51, X: 51 }
}
Layer rdw020 {
Type: DSCONV
Stride { X: 2, Y: 2 }
Dimensions { K: 1, C: 50, R: 5, S: 5, Y: 85, X: 85 }
}
Layer rdw021 {
Type: DSCONV
Stride { X: 2, Y: 2 }
Dimensions { K: 1, C: 15, R: 7, S: 7, Y: 54, X: 54 }
}
Layer rdw022 {
Type: DSCONV
Stride { X: 2, Y: 2 }
Dimensions { K: 1, C: 27, R: 7, S: 7, Y: 49, X: 49 }
}
Layer rdw023 {
Type: DSCONV
Stride { X: 1, Y: 1 }
Dimensions { K: 1, C: 95, R: 5, S: 5, Y: 32, X: 32 }
}
Layer rdw024 {
Type: DSCONV
Stride { X: 1, Y: 1 }
Dimensions { K: 1, C: 49, R: 3, S: 3, Y: 11, X: 11 }
}
Layer rgemm000_conv {
Type: CONV
Dimensions { K: 45, C: 630, R: 1, S: 1, Y: 150, X: 1 }
}
Layer rgemm000_gemm {
Type: GEMM
Dimensions { K: 630, M: 150, N: 45 }
}
Layer rgemm001_conv {
Type: CONV
Dimensions { K: 1327, C: 157, R: 1, S: 1, Y: 39, X: 1 }
}
Layer rgemm001_gemm {
Type: GEMM
Dimensions { K: 157, M: 39, N: 1327 }
}
Layer rgemm002_conv {
Type: CONV
Dimensions { K: 863, C: 193, R: 1, S: 1, Y: 387, X: 1 }
}
Layer rgemm002_gemm {
Type: GEMM
Dimensions { K: 193, M: 387, N: 863 }
}
Layer rgemm003_conv {
Type: CONV
Dimensions { K: 67, C: 33, R: 1, S: 1, Y: 2, X: 1 }
}
Layer rgemm003_gemm {
Type: GEMM
Dimensions { K: 33, M: 2, N: 67 }
}
Layer rgemm004_conv {
Type: CONV
Dimensions { K: 1396, C: 981, R: 1, S: 1, Y: 26, X: 1 }
}
Layer rgemm004_gemm {
Type: GEMM
Dimensions { K: 981, M: 26, N: 1396 }
}
Layer rgemm005_conv {
Type: CONV
Dimensions { K: 171, C: 75, R: 1, S: 1, Y: 53, X: 1 }
}
Layer rgemm005_gemm {
Type: GEMM
Dimensions { K: 75, M: 53, N: 171 }
}
Layer rgemm006_conv {
Type: CONV
Dimensions { K: 662, C: 634, R: 1, S: 1, Y: 151, X: 1 }
}
Layer rgemm006_gemm {
Type: GEMM
Dimensions { K: 634, M: 151, N: 662 }
}
Layer rgemm007_conv {
Type: CONV
Dimensions { K: 1283, C: 419, R: 1, S: 1, Y: 33, X: 1 }
}
Layer rgemm007_gemm {
Type: GEMM
Dimensions { K: 419, M: 33, N: 1283 }
}
Layer rgemm008_conv {
Type: CONV
Dimensions { K: 127, C: 89, R: 1, S: 1, Y: 5, X: 1 }
}
Layer rgemm008_gemm {
Type: GEMM
Dimensions { K: 89, M: 5, N: 127 }
}
Layer rgemm009_conv {
Type: CONV
Dimensions { K: 2332, C: 827, R: 1, S: 1, Y: 6, X: 1 }
}
Layer rgemm009_gemm {
Type: GEMM
Dimensions { K: 827, M: 6, N: 2332 }
}
Layer rgemm010_conv {
Type: CONV
Dimensions { K: 195, C: 236, R: 1, S: 1, Y: 46, X: 1 }
}
Layer rgemm010_gemm {
Type: GEMM
Dimensions { K: 236, M: 46, N: 195 }
}
Layer rgemm011_conv {
Type: CONV
Dimensions { K: 222, C: 417, R: 1, S: 1, Y: 2, X: 1 }
}
Layer rgemm011_gemm {
Type: GEMM
Dimensions { K: 417, M: 2, N: 222 }
}
Layer rgemm012_conv {
Type: CONV
Dimensions { K: 266, C: 4080, R: 1, S: 1, Y: 9, X: 1 }
}
Layer rgemm012_gemm {
Type: GEMM
Dimensions { K: 4080, M: 9, N: 266 }
}
Layer rgemm013_conv {
Type: CONV
Dimensions { K: 25, C: 3036, R: 1, S: 1, Y: 298, X: 1 }
}
Layer rgemm013_gemm {
Type: GEMM
Dimensions { K: 3036, M: 298, N: 25 }
}
Layer rgemm014_conv {
Type: CONV
Dimensions { K: 1447, C: 1386, R: 1, S: 1, Y: 142, X: 1 }
}
Layer rgemm014_gemm {
Type: GEMM
Dimensions { K: 1386, M: 142, N: 1447 }
}
Layer rgemm015_conv {
Type: CONV
Dimensions { K: 33, C: 562, R: 1, S: 1, Y: 4, X: 1 }
}
Layer rgemm015_gemm {
Type: GEMM
Dimensions { K: 562, M: 4, N: 33 }
}
Layer rgemm016_conv {
Type: CONV
Dimensions { K: 28, C: 17, R: 1, S: 1, Y: 175, X: 1 }
}
Layer rgemm016_gemm {
Type: GEMM
Dimensions { K: 17, M: 175, N: 28 }
}
Layer rgemm017_conv {
Type: CONV
Dimensions { K: 2487, C: 68, R: 1, S: 1, Y: 368, X: 1 }
}
Layer rgemm017_gemm {
Type: GEMM
Dimensions { K: 68, M: 368, N: 2487 }
}
Layer rgemm018_conv {
Type: CONV
Dimensions { K: 84, C: 1701, R: 1, S: 1, Y: 176, X: 1 }
}
Layer rgemm018_gemm {
Type: GEMM
Dimensions { K: 1701, M: 176, N: 84 }
}
Layer rgemm019_conv {
Type: CONV
Dimensions { K: 467, C: 56, R: 1, S: 1, Y: 1, X: 1 }
}
Layer rgemm019_gemm {
Type: GEMM
Dimensions { K: 56, M: 1, N: 467 }
}
Layer rgemm020_conv {
Type: CONV
Dimensions { K: 18, C: 579, R: 1, S: 1, Y: 53, X: 1 }
}
Layer rgemm020_gemm {
Type: GEMM
Dimensions { K: 579, M: 53, N: 18 }
}
Layer rgemm021_conv {
Type: CONV
Dimensions { K: 187, C: 24, R: 1, S: 1, Y: 2, X: 1 }
}
Layer rgemm021_gemm {
Type: GEMM
Dimensions { K: 24, M: 2, N: 187 }
}
Layer rgemm022_conv {
Type: CONV
Dimensions { K: 38, C: 99, R: 1, S: 1, Y: 11, X: 1 }
}
Layer rgemm022_gemm {
Type: GEMM
Dimensions { K: 99, M: 11, N: 38 }
}
Layer rgemm023_conv {
Type: CONV
Dimensions { K: 619, C: 537, R: 1, S: 1, Y: 19, X: 1 }
}
Layer rgemm023_gemm {
Type: GEMM
Dimensions { K: 537, M: 19, N: 619 }
}
Layer rgemm024_conv {
Type: CONV
Dimensions { K: 1810, C: 156, R: 1, S: 1, Y: 26, X: 1 }
}
Layer rgemm024_gemm {
Type: GEMM
Dimensions { K: 156, M: 26, N: 1810 }
}
}
