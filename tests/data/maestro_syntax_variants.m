// a model with every syntax MAESTRO accepts
Constant KT 16;
Constant C0 3
Network {          // the name is optional
Layer a {
	Type: CONV
	Stride { X: 2, Y: 2 }
	Dimensions { K:64, C C0, R->3, S(3), Y: 11; X 13 }
	Dataflow {
		TemporalMap(KT,KT) K;
		SpatialMap(Sz(R),1) Y;
		TemporalMap(Sz(S),1) X;
		TemporalMap(1,1) C;
		Cluster(KT, P);
		SpatialMap(1,1) K;
		TemporalMap(Sz(R),1) Y;
		TemporalMap(Sz(S),1) X;
		TemporalMap(Sz(R),Sz(R)) R;
		TemporalMap(Sz(S),Sz(S)) S;
	}
}
Layer b {
Type: CONV
Dimensions { K: 8, C: 4, R: 1, S: 1, Y': 5, X': 6 }
}
Layer c {
Type : DSCONV
Dimensions { N: 2, K: 1, C: 32, R: 3, S: 3, Y: 9, X: 9 }
Dataflow { SpatialMap(1,1) C; TemporalMap(Sz(R),1) Y; TemporalMap(Sz(S),1) X;
  TemporalMap(Sz(R),Sz(R)) R; TemporalMap(Sz(S),Sz(S)) S; }
}
Layer g {
Type: GEMM
Dimensions { K: 64, M: 5, N: 7 }
Dataflow {
  TemporalMap(1,1) N; SpatialMap(1,1) M; TemporalMap(32,32) K; Cluster(Sz(M)) TemporalMap(1,1) N;
  TemporalMap(1,1) M; SpatialMap(1,1) K;
}
}
}
