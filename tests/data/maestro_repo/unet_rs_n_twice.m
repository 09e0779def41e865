// cut from maestro-project/maestro (commit 4eb08d1) data/mapping/UNet_RS.m

Network UNet_RS {
Layer CONV3_2 {
		Type: CONV
		Dimensions { N: 1, N: 1, K: 256, C: 256, R: 3, S: 3, Y: 138, X: 138 }
		Dataflow {
			TemporalMap(1,1) K;
			TemporalMap(2,2) C;
			TemporalMap(3,3) R;			
			SpatialMap(Sz(R),1) Y;
			TemporalMap(Sz(S),1) X;
			Cluster(3,P);
			SpatialMap(1,1) X;
			SpatialMap(1,1) S;
			TemporalMap(Sz(R),Sz(R)) R;
		}
	}
}
