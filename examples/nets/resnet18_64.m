Network resnet18 {
Layer conv1 {
Type: CONV
Stride { X: 2, Y: 2 }
Dimensions { K: 64, C: 3, R: 7, S: 7, Y: 70, X: 70 }
}
Layer layer1.0.conv1 {
Type: CONV
Stride { X: 1, Y: 1 }
Dimensions { K: 64, C: 64, R: 3, S: 3, Y: 18, X: 18 }
}
Layer layer1.0.conv2 {
Type: CONV
Stride { X: 1, Y: 1 }
Dimensions { K: 64, C: 64, R: 3, S: 3, Y: 18, X: 18 }
}
Layer layer1.1.conv1 {
Type: CONV
Stride { X: 1, Y: 1 }
Dimensions { K: 64, C: 64, R: 3, S: 3, Y: 18, X: 18 }
}
Layer layer1.1.conv2 {
Type: CONV
Stride { X: 1, Y: 1 }
Dimensions { K: 64, C: 64, R: 3, S: 3, Y: 18, X: 18 }
}
Layer layer2.0.conv1 {
Type: CONV
Stride { X: 2, Y: 2 }
Dimensions { K: 128, C: 64, R: 3, S: 3, Y: 18, X: 18 }
}
Layer layer2.0.conv2 {
Type: CONV
Stride { X: 1, Y: 1 }
Dimensions { K: 128, C: 128, R: 3, S: 3, Y: 10, X: 10 }
}
Layer layer2.0.downsample.0 {
Type: CONV
Stride { X: 2, Y: 2 }
Dimensions { K: 128, C: 64, R: 1, S: 1, Y: 16, X: 16 }
}
Layer layer2.1.conv1 {
Type: CONV
Stride { X: 1, Y: 1 }
Dimensions { K: 128, C: 128, R: 3, S: 3, Y: 10, X: 10 }
}
Layer layer2.1.conv2 {
Type: CONV
Stride { X: 1, Y: 1 }
Dimensions { K: 128, C: 128, R: 3, S: 3, Y: 10, X: 10 }
}
Layer layer3.0.conv1 {
Type: CONV
Stride { X: 2, Y: 2 }
Dimensions { K: 256, C: 128, R: 3, S: 3, Y: 10, X: 10 }
}
Layer layer3.0.conv2 {
Type: CONV
Stride { X: 1, Y: 1 }
Dimensions { K: 256, C: 256, R: 3, S: 3, Y: 6, X: 6 }
}
Layer layer3.0.downsample.0 {
Type: CONV
Stride { X: 2, Y: 2 }
Dimensions { K: 256, C: 128, R: 1, S: 1, Y: 8, X: 8 }
}
Layer layer3.1.conv1 {
Type: CONV
Stride { X: 1, Y: 1 }
Dimensions { K: 256, C: 256, R: 3, S: 3, Y: 6, X: 6 }
}
Layer layer3.1.conv2 {
Type: CONV
Stride { X: 1, Y: 1 }
Dimensions { K: 256, C: 256, R: 3, S: 3, Y: 6, X: 6 }
}
Layer layer4.0.conv1 {
Type: CONV
Stride { X: 2, Y: 2 }
Dimensions { K: 512, C: 256, R: 3, S: 3, Y: 6, X: 6 }
}
Layer layer4.0.conv2 {
Type: CONV
Stride { X: 1, Y: 1 }
Dimensions { K: 512, C: 512, R: 3, S: 3, Y: 4, X: 4 }
}
Layer layer4.0.downsample.0 {
Type: CONV
Stride { X: 2, Y: 2 }
Dimensions { K: 512, C: 256, R: 1, S: 1, Y: 4, X: 4 }
}
Layer layer4.1.conv1 {
Type: CONV
Stride { X: 1, Y: 1 }
Dimensions { K: 512, C: 512, R: 3, S: 3, Y: 4, X: 4 }
}
Layer layer4.1.conv2 {
Type: CONV
Stride { X: 1, Y: 1 }
Dimensions { K: 512, C: 512, R: 3, S: 3, Y: 4, X: 4 }
}
Layer fc {
Type: GEMM
Dimensions { M: 1, N: 1000, K: 512 }
}
}
