Network wrap {
Layer aborts {
Type: CONV
Dimensions { K: 70000, C: 70000, Y: 1002, R: 3, S: 3, X: 5 }
Dataflow {
SpatialMap(1,1) X; TemporalMap(1,1) K; TemporalMap(1,1) C; TemporalMap(Sz(R),1) Y; TemporalMap(Sz(R),Sz(R)) R;
TemporalMap(Sz(S),Sz(S)) S;
}
}
}
