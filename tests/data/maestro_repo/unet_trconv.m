// cut from maestro-project/maestro (commit 4eb08d1) data/mapping/UNet_kcp_ws.m

Network UNet_kcp_ws {
Layer TRCONV1 {
		Type: TRCONV
		Dimensions { K: 512, C: 1024, R: 2, S: 2, Y: 28, X: 28 }
		Dataflow {
			SpatialMap(1,1) K;
			TemporalMap(64,64) C;
			TemporalMap(2,2) R;
			TemporalMap(2,2) S;
			TemporalMap(2,1) Y;
			TemporalMap(2,1) X;	
			Cluster(64, P);
			SpatialMap(1,1) C;
		}
	}
Layer TRCONV4 {
		Type: TRCONV
		Dimensions { K: 64, C: 128, R: 2, S: 2, Y: 196, X: 196 }
		Dataflow {
			SpatialMap(1,1) K;
			TemporalMap(64,64) C;
			TemporalMap(2,2) R;
			TemporalMap(2,2) S;
			TemporalMap(2,1) Y;
			TemporalMap(2,1) X;	
			Cluster(64, P);
			SpatialMap(1,1) C;
		}
	}
}
