Network small {
Layer conv1 {
Type: CONV
Stride { X: 2, Y: 2 }
Dimensions { K: 16, C: 3, R: 3, S: 3, Y: 34, X: 34 }
}
Layer dw2 {
Type: DSCONV
Dimensions { K: 1, C: 16, R: 3, S: 3, Y: 18, X: 18 }
}
Layer pw3 {
Type: CONV
Dimensions { K: 32, C: 16, R: 1, S: 1, Y: 16, X: 16 }
}
Layer fc4 {
Type: GEMM
Dimensions { M: 4, N: 10, K: 32 }
}
}
