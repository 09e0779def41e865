Network edge {
Layer y2r3_os {
Type: CONV
Stride { X: 1, Y: 1 }
Dimensions { K: 16, C: 8, R: 3, S: 3, Y: 2, X: 2 }
Dataflow {
TemporalMap(16,16) K; SpatialMap(Sz(R),1) Y; TemporalMap(Sz(S),1) X; TemporalMap(1,1) C; Cluster(16, P);
SpatialMap(1,1) K; TemporalMap(Sz(R),1) Y; TemporalMap(Sz(S),1) X; TemporalMap(Sz(R),Sz(R)) R;
TemporalMap(Sz(S),Sz(S)) S;
}
}
Layer y4r5s2_os {
Type: CONV
Stride { X: 2, Y: 2 }
Dimensions { K: 16, C: 8, R: 5, S: 5, Y: 4, X: 4 }
Dataflow {
TemporalMap(16,16) K; SpatialMap(Sz(R),1) Y; TemporalMap(Sz(S),1) X; TemporalMap(1,1) C; Cluster(16, P);
SpatialMap(1,1) K; TemporalMap(Sz(R),1) Y; TemporalMap(Sz(S),1) X; TemporalMap(Sz(R),Sz(R)) R;
TemporalMap(Sz(S),Sz(S)) S;
}
}
Layer y3r7_ws {
Type: CONV
Stride { X: 1, Y: 1 }
Dimensions { K: 16, C: 8, R: 7, S: 7, Y: 3, X: 3 }
Dataflow {
SpatialMap(1,1) X; TemporalMap(1,1) K; TemporalMap(1,1) C; TemporalMap(Sz(R),1) Y; TemporalMap(Sz(R),Sz(R)) R;
TemporalMap(Sz(S),Sz(S)) S;
}
}
Layer y4r5_ws_dw {
Type: DSCONV
Stride { X: 1, Y: 1 }
Dimensions { K: 1, C: 8, R: 5, S: 5, Y: 4, X: 4 }
Dataflow {
SpatialMap(1,1) X; TemporalMap(1,1) K; TemporalMap(1,1) C; TemporalMap(Sz(R),1) Y; TemporalMap(Sz(R),Sz(R)) R;
TemporalMap(Sz(S),Sz(S)) S;
}
}
}
