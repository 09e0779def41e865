Network other {
Layer 0 {
Type: CONV
Stride { X: 1, Y: 1 }
Dimensions { K: 16, C: 3, R: 3, S: 3, Y: 32, X: 32 }
Dataflow {
    TemporalMap(1,1) K;
    TemporalMap(1,1) C;
    TemporalMap(Sz(R),1) Y;
    SpatialMap(Sz(S),1) X;
    TemporalMap(Sz(R),Sz(R)) R;
    TemporalMap(Sz(S),Sz(S)) S;
}
}
Layer 3 {
Type: DSCONV
Stride { X: 1, Y: 1 }
Dimensions { K: 1, C: 16, R: 3, S: 3, Y: 32, X: 32 }
Dataflow {
    SpatialMap(1,1) C;
    TemporalMap(Sz(R),1) Y;
    TemporalMap(Sz(S),1) X;
    TemporalMap(Sz(R),Sz(R)) R;
    TemporalMap(Sz(S),Sz(S)) S;
}
}
Layer 4 {
Type: CONV
Stride { X: 1, Y: 1 }
Dimensions { K: 32, C: 16, R: 1, S: 1, Y: 32, X: 32 }
Dataflow {
    TemporalMap(1,1) K;
    TemporalMap(1,1) C;
    TemporalMap(Sz(R),1) Y;
    SpatialMap(Sz(S),1) X;
    TemporalMap(Sz(R),Sz(R)) R;
    TemporalMap(Sz(S),Sz(S)) S;
}
}
Layer 6 {
Type: CONV
Stride { X: 2, Y: 2 }
Dimensions { K: 64, C: 32, R: 3, S: 3, Y: 32, X: 32 }
Dataflow {
    TemporalMap(1,1) K;
    TemporalMap(1,1) C;
    TemporalMap(Sz(R),1) Y;
    SpatialMap(Sz(S),1) X;
    TemporalMap(Sz(R),Sz(R)) R;
    TemporalMap(Sz(S),Sz(S)) S;
}
}
Layer 10 {
Type: CONV
Dimensions { K: 10, C: 64, R: 1, S: 1, Y: 1, X: 1 }
Dataflow {
    TemporalMap(1,1) K;
    TemporalMap(1,1) C;
    TemporalMap(Sz(R),1) Y;
    SpatialMap(Sz(S),1) X;
    TemporalMap(Sz(R),Sz(R)) R;
    TemporalMap(Sz(S),Sz(S)) S;
}
}
}
