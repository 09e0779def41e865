Network small {
Layer conv1 {
Type: CONV
Stride { X: 2, Y: 2 }
Dimensions { K: 16, C: 3, R: 3, S: 3, Y: 34, X: 34 }
Dataflow {
    TemporalMap(16,16) K;
    SpatialMap(Sz(R),1) Y;
    TemporalMap(Sz(S),1) X;
    TemporalMap(1,1) C;
    Cluster(16,P);
    SpatialMap(1,1) K;
    TemporalMap(Sz(R),1) Y;
    TemporalMap(Sz(S),1) X;
    TemporalMap(Sz(R),Sz(R)) R;
    TemporalMap(Sz(S),Sz(S)) S;
}
}
Layer dw2 {
Type: DSCONV
Stride { X: 1, Y: 1 }
Dimensions { K: 1, C: 16, R: 3, S: 3, Y: 18, X: 18 }
Dataflow {
    SpatialMap(1,1) C;
    TemporalMap(Sz(R),1) Y;
    TemporalMap(Sz(S),1) X;
    TemporalMap(Sz(R),Sz(R)) R;
    TemporalMap(Sz(S),Sz(S)) S;
}
}
Layer pw3 {
Type: CONV
Stride { X: 1, Y: 1 }
Dimensions { K: 32, C: 16, R: 1, S: 1, Y: 16, X: 16 }
Dataflow {
    TemporalMap(16,16) K;
    SpatialMap(Sz(R),1) Y;
    TemporalMap(Sz(S),1) X;
    TemporalMap(1,1) C;
    Cluster(16,P);
    SpatialMap(1,1) K;
    TemporalMap(Sz(R),1) Y;
    TemporalMap(Sz(S),1) X;
    TemporalMap(Sz(R),Sz(R)) R;
    TemporalMap(Sz(S),Sz(S)) S;
}
}
Layer fc4 {
Type: GEMM
Dimensions { M: 4, N: 10, K: 32 }
Dataflow {
    TemporalMap(1,1) N;
    SpatialMap(1,1) M;
    TemporalMap(32,32) K;
    Cluster(32,P);
    TemporalMap(1,1) N;
    TemporalMap(1,1) M;
    SpatialMap(1,1) K;
}
}
}
