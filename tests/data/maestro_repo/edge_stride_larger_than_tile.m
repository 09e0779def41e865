Network edge {
Layer y5r3s8_os {
Type: CONV
Stride { X: 8, Y: 8 }
Dimensions { K: 16, C: 8, R: 3, S: 3, Y: 5, X: 5 }
Dataflow {
TemporalMap(16,16) K; SpatialMap(Sz(R),1) Y; TemporalMap(Sz(S),1) X; TemporalMap(1,1) C; Cluster(16, P);
SpatialMap(1,1) K; TemporalMap(Sz(R),1) Y; TemporalMap(Sz(S),1) X; TemporalMap(Sz(R),Sz(R)) R;
TemporalMap(Sz(S),Sz(S)) S;
}
}
}
