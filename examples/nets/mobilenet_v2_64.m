Network mobilenet_v2 {
Layer features.0.0 {
Type: CONV
Stride { X: 2, Y: 2 }
Dimensions { K: 32, C: 3, R: 3, S: 3, Y: 66, X: 66 }
}
Layer features.1.conv.0.0 {
Type: DSCONV
Stride { X: 1, Y: 1 }
Dimensions { K: 1, C: 32, R: 3, S: 3, Y: 34, X: 34 }
}
Layer features.1.conv.1.0 {
Type: CONV
Stride { X: 1, Y: 1 }
Dimensions { K: 16, C: 32, R: 1, S: 1, Y: 32, X: 32 }
}
Layer features.2.conv.0.0 {
Type: CONV
Stride { X: 1, Y: 1 }
Dimensions { K: 96, C: 16, R: 1, S: 1, Y: 32, X: 32 }
}
Layer features.2.conv.1.0 {
Type: DSCONV
Stride { X: 2, Y: 2 }
Dimensions { K: 1, C: 96, R: 3, S: 3, Y: 34, X: 34 }
}
Layer features.2.conv.2.0 {
Type: CONV
Stride { X: 1, Y: 1 }
Dimensions { K: 24, C: 96, R: 1, S: 1, Y: 16, X: 16 }
}
Layer features.3.conv.0.0 {
Type: CONV
Stride { X: 1, Y: 1 }
Dimensions { K: 144, C: 24, R: 1, S: 1, Y: 16, X: 16 }
}
Layer features.3.conv.1.0 {
Type: DSCONV
Stride { X: 1, Y: 1 }
Dimensions { K: 1, C: 144, R: 3, S: 3, Y: 18, X: 18 }
}
Layer features.3.conv.2.0 {
Type: CONV
Stride { X: 1, Y: 1 }
Dimensions { K: 24, C: 144, R: 1, S: 1, Y: 16, X: 16 }
}
Layer features.4.conv.0.0 {
Type: CONV
Stride { X: 1, Y: 1 }
Dimensions { K: 144, C: 24, R: 1, S: 1, Y: 16, X: 16 }
}
Layer features.4.conv.1.0 {
Type: DSCONV
Stride { X: 2, Y: 2 }
Dimensions { K: 1, C: 144, R: 3, S: 3, Y: 18, X: 18 }
}
Layer features.4.conv.2.0 {
Type: CONV
Stride { X: 1, Y: 1 }
Dimensions { K: 32, C: 144, R: 1, S: 1, Y: 8, X: 8 }
}
Layer features.5.conv.0.0 {
Type: CONV
Stride { X: 1, Y: 1 }
Dimensions { K: 192, C: 32, R: 1, S: 1, Y: 8, X: 8 }
}
Layer features.5.conv.1.0 {
Type: DSCONV
Stride { X: 1, Y: 1 }
Dimensions { K: 1, C: 192, R: 3, S: 3, Y: 10, X: 10 }
}
Layer features.5.conv.2.0 {
Type: CONV
Stride { X: 1, Y: 1 }
Dimensions { K: 32, C: 192, R: 1, S: 1, Y: 8, X: 8 }
}
Layer features.6.conv.0.0 {
Type: CONV
Stride { X: 1, Y: 1 }
Dimensions { K: 192, C: 32, R: 1, S: 1, Y: 8, X: 8 }
}
Layer features.6.conv.1.0 {
Type: DSCONV
Stride { X: 1, Y: 1 }
Dimensions { K: 1, C: 192, R: 3, S: 3, Y: 10, X: 10 }
}
Layer features.6.conv.2.0 {
Type: CONV
Stride { X: 1, Y: 1 }
Dimensions { K: 32, C: 192, R: 1, S: 1, Y: 8, X: 8 }
}
Layer features.7.conv.0.0 {
Type: CONV
Stride { X: 1, Y: 1 }
Dimensions { K: 192, C: 32, R: 1, S: 1, Y: 8, X: 8 }
}
Layer features.7.conv.1.0 {
Type: DSCONV
Stride { X: 2, Y: 2 }
Dimensions { K: 1, C: 192, R: 3, S: 3, Y: 10, X: 10 }
}
Layer features.7.conv.2.0 {
Type: CONV
Stride { X: 1, Y: 1 }
Dimensions { K: 64, C: 192, R: 1, S: 1, Y: 4, X: 4 }
}
Layer features.8.conv.0.0 {
Type: CONV
Stride { X: 1, Y: 1 }
Dimensions { K: 384, C: 64, R: 1, S: 1, Y: 4, X: 4 }
}
Layer features.8.conv.1.0 {
Type: DSCONV
Stride { X: 1, Y: 1 }
Dimensions { K: 1, C: 384, R: 3, S: 3, Y: 6, X: 6 }
}
Layer features.8.conv.2.0 {
Type: CONV
Stride { X: 1, Y: 1 }
Dimensions { K: 64, C: 384, R: 1, S: 1, Y: 4, X: 4 }
}
Layer features.9.conv.0.0 {
Type: CONV
Stride { X: 1, Y: 1 }
Dimensions { K: 384, C: 64, R: 1, S: 1, Y: 4, X: 4 }
}
Layer features.9.conv.1.0 {
Type: DSCONV
Stride { X: 1, Y: 1 }
Dimensions { K: 1, C: 384, R: 3, S: 3, Y: 6, X: 6 }
}
Layer features.9.conv.2.0 {
Type: CONV
Stride { X: 1, Y: 1 }
Dimensions { K: 64, C: 384, R: 1, S: 1, Y: 4, X: 4 }
}
Layer features.10.conv.0.0 {
Type: CONV
Stride { X: 1, Y: 1 }
Dimensions { K: 384, C: 64, R: 1, S: 1, Y: 4, X: 4 }
}
Layer features.10.conv.1.0 {
Type: DSCONV
Stride { X: 1, Y: 1 }
Dimensions { K: 1, C: 384, R: 3, S: 3, Y: 6, X: 6 }
}
Layer features.10.conv.2.0 {
Type: CONV
Stride { X: 1, Y: 1 }
Dimensions { K: 64, C: 384, R: 1, S: 1, Y: 4, X: 4 }
}
Layer features.11.conv.0.0 {
Type: CONV
Stride { X: 1, Y: 1 }
Dimensions { K: 384, C: 64, R: 1, S: 1, Y: 4, X: 4 }
}
Layer features.11.conv.1.0 {
Type: DSCONV
Stride { X: 1, Y: 1 }
Dimensions { K: 1, C: 384, R: 3, S: 3, Y: 6, X: 6 }
}
Layer features.11.conv.2.0 {
Type: CONV
Stride { X: 1, Y: 1 }
Dimensions { K: 96, C: 384, R: 1, S: 1, Y: 4, X: 4 }
}
Layer features.12.conv.0.0 {
Type: CONV
Stride { X: 1, Y: 1 }
Dimensions { K: 576, C: 96, R: 1, S: 1, Y: 4, X: 4 }
}
Layer features.12.conv.1.0 {
Type: DSCONV
Stride { X: 1, Y: 1 }
Dimensions { K: 1, C: 576, R: 3, S: 3, Y: 6, X: 6 }
}
Layer features.12.conv.2.0 {
Type: CONV
Stride { X: 1, Y: 1 }
Dimensions { K: 96, C: 576, R: 1, S: 1, Y: 4, X: 4 }
}
Layer features.13.conv.0.0 {
Type: CONV
Stride { X: 1, Y: 1 }
Dimensions { K: 576, C: 96, R: 1, S: 1, Y: 4, X: 4 }
}
Layer features.13.conv.1.0 {
Type: DSCONV
Stride { X: 1, Y: 1 }
Dimensions { K: 1, C: 576, R: 3, S: 3, Y: 6, X: 6 }
}
Layer features.13.conv.2.0 {
Type: CONV
Stride { X: 1, Y: 1 }
Dimensions { K: 96, C: 576, R: 1, S: 1, Y: 4, X: 4 }
}
Layer features.14.conv.0.0 {
Type: CONV
Stride { X: 1, Y: 1 }
Dimensions { K: 576, C: 96, R: 1, S: 1, Y: 4, X: 4 }
}
Layer features.14.conv.1.0 {
Type: DSCONV
Stride { X: 2, Y: 2 }
Dimensions { K: 1, C: 576, R: 3, S: 3, Y: 6, X: 6 }
}
Layer features.14.conv.2.0 {
Type: CONV
Stride { X: 1, Y: 1 }
Dimensions { K: 160, C: 576, R: 1, S: 1, Y: 2, X: 2 }
}
Layer features.15.conv.0.0 {
Type: CONV
Stride { X: 1, Y: 1 }
Dimensions { K: 960, C: 160, R: 1, S: 1, Y: 2, X: 2 }
}
Layer features.15.conv.1.0 {
Type: DSCONV
Stride { X: 1, Y: 1 }
Dimensions { K: 1, C: 960, R: 3, S: 3, Y: 4, X: 4 }
}
Layer features.15.conv.2.0 {
Type: CONV
Stride { X: 1, Y: 1 }
Dimensions { K: 160, C: 960, R: 1, S: 1, Y: 2, X: 2 }
}
Layer features.16.conv.0.0 {
Type: CONV
Stride { X: 1, Y: 1 }
Dimensions { K: 960, C: 160, R: 1, S: 1, Y: 2, X: 2 }
}
Layer features.16.conv.1.0 {
Type: DSCONV
Stride { X: 1, Y: 1 }
Dimensions { K: 1, C: 960, R: 3, S: 3, Y: 4, X: 4 }
}
Layer features.16.conv.2.0 {
Type: CONV
Stride { X: 1, Y: 1 }
Dimensions { K: 160, C: 960, R: 1, S: 1, Y: 2, X: 2 }
}
Layer features.17.conv.0.0 {
Type: CONV
Stride { X: 1, Y: 1 }
Dimensions { K: 960, C: 160, R: 1, S: 1, Y: 2, X: 2 }
}
Layer features.17.conv.1.0 {
Type: DSCONV
Stride { X: 1, Y: 1 }
Dimensions { K: 1, C: 960, R: 3, S: 3, Y: 4, X: 4 }
}
Layer features.17.conv.2.0 {
Type: CONV
Stride { X: 1, Y: 1 }
Dimensions { K: 320, C: 960, R: 1, S: 1, Y: 2, X: 2 }
}
Layer features.18.0 {
Type: CONV
Stride { X: 1, Y: 1 }
Dimensions { K: 1280, C: 320, R: 1, S: 1, Y: 2, X: 2 }
}
Layer classifier.1 {
Type: GEMM
Dimensions { M: 1, N: 1000, K: 1280 }
}
}
