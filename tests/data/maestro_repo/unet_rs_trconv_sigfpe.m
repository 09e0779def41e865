// cut from maestro-project/maestro (commit 4eb08d1) data/mapping/UNet_RS.m

Network UNet_RS {
Layer TRCONV1 {
		Type: TRCONV
		Dimensions { N: 1, K: 512, C: 1024, R: 2, S: 2, Y: 28, X: 28 }
		Dataflow {
			TemporalMap(1,1) K;
			TemporalMap(2,2) C;
			TemporalMap(2,2) R;			
			SpatialMap(Sz(R),1) Y;
			TemporalMap(Sz(S),1) X;
			Cluster(2,P);
			SpatialMap(1,1) X;
			SpatialMap(1,1) S;
			TemporalMap(2,2) S;
		}
	}
}
